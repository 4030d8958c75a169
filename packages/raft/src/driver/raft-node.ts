/**
 * `RaftNode`, the driver: it owns the loop around the pure core and everything the core must not
 * touch — storage writes, the network, the state machine and time — all injected.
 *
 * The loop, once per batch (see the README for the drawing):
 *
 * 1. feed the core what arrived since the last batch: ticks, received messages, queued proposals
 *    (one batch per loop), ReadIndex requests;
 * 2. take `ready()`; send the messages that may leave before the persist (a leader's appends);
 * 3. persist entries, hard state and snapshot in one `storage.save` (one sync), then
 *    `onPersisted(number)`, then send the messages that had to wait for it (votes, append
 *    responses);
 * 4. install the snapshot, apply committed entries (deduplicated by client session), settle the
 *    proposals and reads they complete; `advance(ready)`; take a snapshot and compact when the log
 *    has grown past the threshold.
 */
import { isInvariantError, rethrowInvariant, silentLogger } from '@tandem/base'
import { decodeConfChange, encodeConfChange } from '../codec/index.js'
import { CommittedEntryConflictError, RaftCoreError } from '../core/errors.js'
import { RawNode } from '../core/raw-node.js'
import {
  type ConfChange,
  ConfChangeTransition,
  ConfChangeType,
  type ConfState,
  type CoreStatus,
  type Entry,
  EntryType,
  type Logger,
  type Message,
  MessageType,
  type NodeId,
  type RandomSource,
  type Ready,
  Role,
  type Snapshot,
  type SoftState,
} from '../core/types.js'
import type { WireMessage } from '../model/wire-message.js'
import { CancelSource } from './cancel-signal.js'
import {
  decodeDedupHeader,
  encodeClientId,
  encodeDedupHeader,
  type ProposalIdentity,
} from './dedup-header.js'
import {
  CompactionRefusedError,
  ConfChangeVetoedError,
  NodeFailedError,
  NodeStoppedError,
  NoQuorumError,
  NotLeaderError,
  ProposalDroppedError,
  ProposalTooLargeError,
  RaftNodeError,
  SnapshotTransferFailedError,
  TimeoutError,
} from './errors.js'
import { fencingToken } from './fencing.js'
import type {
  AppliedCommand,
  Clock,
  LogStorage,
  PersistBatch,
  SnapshotMessage,
  SnapshotTransport,
  StateMachine,
  TimerHandle,
  Transport,
} from './interfaces.js'
import {
  type ProposeOptions,
  type RaftNodeEvent,
  type RaftNodeOptions,
  type RaftNodeSettings,
  type RaftNodeStatus,
  type ReadOptions,
  resolveSettings,
  type SnapshotProgress,
} from './options.js'
import { checkBatch, checkSaved } from './persist-checks.js'
import { type PendingProposal, type ProposalOutcome, ProposalTable } from './proposals.js'
import { type ReadOutcome, ReadTable } from './reads.js'
import { type AppliedAt, SEQUENCES_PER_SESSION_MAX, type SessionLimits, SessionTable } from './sessions.js'
import { decodeSnapshotData, encodeSnapshotData } from './snapshot-data.js'

const EMPTY_BYTES = new Uint8Array(0)
/**
 * Messages queued between two rounds of the loop. Beyond it, messages are dropped (Raft tolerates
 * loss): a node whose storage stalls must not buffer the network without bound.
 */
const INBOX_MESSAGES_MAX = 65_536
/** Proposals waiting at once; beyond it, new ones are refused with ProposalDroppedError (back-pressure). */
const PENDING_PROPOSALS_MAX = 262_144

/** A proposal's identity with its client id already encoded for the dedup header. */
interface EncodedIdentity extends ProposalIdentity {
  readonly clientIdBytes: Uint8Array
}

/** A snapshot on its way to one follower through the {@link SnapshotTransport}. */
interface OutgoingSnapshot {
  readonly index: number
  readonly term: number
  readonly abort: CancelSource
}

interface TransferWaiter {
  readonly to: NodeId
  readonly deadlineMs: number
  readonly resolve: () => void
  readonly reject: (error: Error) => void
}

/**
 * A Raft node: a {@link RawNode} driven over injected storage, transport, state machine and clock.
 *
 * @example
 * ```ts
 * const node = new RaftNode({ id: 'a', storage, transport, stateMachine, clock, random })
 * await node.start()
 * const { result, fencingToken } = await node.propose(new TextEncoder().encode('set x 1'))
 * ```
 */
export class RaftNode<Result = Uint8Array> {
  readonly id: NodeId
  readonly #storage: LogStorage
  readonly #transport: Transport
  readonly #snapshotTransport: SnapshotTransport
  readonly #stateMachine: StateMachine<Result>
  readonly #clock: Clock
  readonly #random: RandomSource
  readonly #logger: Logger
  readonly #settings: RaftNodeSettings
  readonly #clientIdOption: string | undefined
  readonly #snapshotDue: ((progress: SnapshotProgress) => boolean) | null
  /** With the built-in sessions off, the application's command identity; `null` while they are on. */
  readonly #commandKey: ((command: Uint8Array) => string | null) | null

  #rawNode: RawNode | null = null
  #state: 'created' | 'running' | 'stopped' | 'failed' = 'created'
  #timer: TimerHandle | null = null
  #pumping = false
  #dirty = false
  #idleWaiters: (() => void)[] = []

  // Inputs gathered between batches, fed to the core at the top of the loop.
  #ticksPending = 0
  #inbox: Message[] = []
  #coreTasks: (() => void)[] = []
  /** Work that touches storage outside a round (compactTo): run between rounds, in order. */
  #betweenRounds: {
    readonly run: () => Promise<void>
    readonly reject: (error: Error) => void
  }[] = []
  #proposalQueue: PendingProposal[] = []

  #clientId = ''
  #clientIdBytes: Uint8Array = EMPTY_BYTES
  #nextSequence = 1
  readonly #proposals = new ProposalTable()
  readonly #reads = new ReadTable()
  readonly #sessions: SessionTable
  /** Applied to the sessions and to every snapshot's sessions alike; must be equal on every node. */
  readonly #sessionLimits: SessionLimits
  #transferWaiters: TransferWaiter[] = []
  /** Snap messages whose snapshot predates the recipient's membership: sent after a fresh snapshot. */
  #staleSnapshotRequests: Message[] = []
  /** Snapshots on their way through the snapshot transport, one per follower at most. */
  readonly #outgoingSnapshots = new Map<NodeId, OutgoingSnapshot>()

  #role: Role = Role.Follower
  #leader: NodeId | null = null
  #term = 0
  #applied = 0
  #snapshotIndex = 0
  /** Bytes of entry data applied since the last snapshot, for the byte threshold. */
  #bytesSinceSnapshot = 0
  #confState: ConfState = {
    voters: [],
    learners: [],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  }
  /**
   * The configuration after each applied change since the last snapshot (the first entry: the
   * snapshot's), so that a snapshot at an earlier applied index gets that index's membership.
   */
  #confHistory: { readonly index: number; readonly confState: ConfState }[] = []
  #electionCount = 0
  #leaderChangeCount = 0
  /** Messages refused because they would have overwritten a committed entry (a safety alarm). */
  #safetyRefusalCount = 0
  readonly #listeners = new Set<(event: RaftNodeEvent) => void>()

  constructor(options: RaftNodeOptions<Result>) {
    this.id = options.id
    this.#storage = options.storage
    this.#transport = options.transport
    this.#snapshotTransport = options.snapshotTransport
    this.#stateMachine = options.stateMachine
    this.#clock = options.clock
    this.#random = options.random
    this.#logger = options.logger ?? silentLogger
    this.#clientIdOption = options.clientId
    this.#snapshotDue = options.snapshotDue ?? null
    this.#settings = resolveSettings(options)
    this.#commandKey = this.#settings.builtInSessions ? null : (options.commandKey ?? null)
    this.#sessionLimits = {
      sessionsMax: this.#settings.sessionsMax,
      sequencesPerSessionMax: SEQUENCES_PER_SESSION_MAX,
    }
    this.#sessions = new SessionTable(this.#sessionLimits)
  }

  get #core(): RawNode {
    if (this.#rawNode === null) throw new NodeStoppedError('the node has not been started')
    return this.#rawNode
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle.

  /**
   * Restores the state machine from the stored snapshot, starts the core from the stored log and
   * begins ticking. Committed entries after the snapshot are applied again by the loop.
   */
  async start(): Promise<void> {
    if (this.#state !== 'created') throw new NodeStoppedError(`cannot start a node that is ${this.#state}`)
    const snapshot = this.#storage.snapshot()
    await this.#restoreFrom(snapshot)
    this.#confState = this.#storage.initialState().confState
    this.#confHistory = [{ index: snapshot.metadata.index, confState: snapshot.metadata.confState }]
    const { hardState } = this.#storage.initialState()
    this.#clientId =
      this.#clientIdOption ??
      `${this.id}/${hardState.term}.${this.#storage.lastIndex()}.${randomHex(this.#random)}${randomHex(this.#random)}`
    this.#clientIdBytes = encodeClientId(this.#clientId)
    this.#rawNode = new RawNode({
      id: this.id,
      storage: this.#storage,
      electionTicks: this.#settings.electionTicks,
      heartbeatTicks: this.#settings.heartbeatTicks,
      applied: this.#applied,
      appendBytesMax: this.#settings.appendBytesMax,
      applyBatchBytesMax: this.#settings.applyBatchBytesMax,
      uncommittedBytesMax: this.#settings.uncommittedBytesMax,
      inflightAppendsMax: this.#settings.inflightAppendsMax,
      checkQuorum: this.#settings.checkQuorum,
      preVote: this.#settings.preVote,
      readOnly: this.#settings.readOnly,
      proposalForwarding: this.#settings.proposalForwarding,
      stepDownOnRemoval: true,
      random: this.#random,
      logger: this.#logger,
    })
    const status = this.#rawNode.status()
    this.#term = status.term
    this.#role = status.role
    this.#leader = status.leader
    this.#state = 'running'
    this.#transport.onMessage((message) => this.#onMessage(message))
    this.#transport.onUnreachable?.((peer) => this.#enqueueCoreTask(() => this.#core.reportUnreachable(peer)))
    this.#snapshotTransport.onSnapshot((message) => this.#onSnapshotMessage(message))
    this.#armTimer()
    this.#kick()
  }

  /**
   * Stops ticking and taking messages, waits for the batch in progress, and rejects everything
   * still pending with {@link NodeStoppedError}. The storage keeps what was persisted; a new
   * `RaftNode` over it resumes.
   */
  async stop(): Promise<void> {
    if (this.#state === 'created') {
      this.#state = 'stopped'
      return
    }
    if (this.#state !== 'running') return
    this.#state = 'stopped'
    this.#timer?.cancel()
    this.#timer = null
    this.#abortOutgoingSnapshots()
    await this.idle()
    this.#rejectEverything(() => new NodeStoppedError('the node stopped'))
    this.#emit({ type: 'stopped' })
  }

  /** Resolves once the loop has nothing left to do right now (used by tests and `stop`). */
  idle(): Promise<void> {
    if (!this.#pumping) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  /** Subscribes to role, leader, membership and snapshot events; returns the unsubscribe function. */
  onChange(listener: (event: RaftNodeEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Starts an election at once (for tests and operators; elections otherwise start on timeouts). */
  campaign(): void {
    this.#enqueueCoreTask(() => this.#core.campaign())
  }

  // ---------------------------------------------------------------------------------------------
  // Client operations.

  /**
   * Proposes a command. Resolves once it is committed and applied on this node, with the state
   * machine's result and the entry's fencing token; retried internally (and applied once) until
   * its deadline. With `noQuorumTimeoutMs` on it may reject with {@link NoQuorumError} (see that
   * option); with `builtInSessions: false` the command is stored as it is and matched by
   * `commandKey`.
   */
  propose(command: Uint8Array, options: ProposeOptions = {}): Promise<ProposalOutcome<Result>> {
    if (this.#commandKey !== null) return this.#proposeBare(command, options, this.#commandKey)
    return this.#enqueue<ProposalOutcome<Result>>(options, command.length, (identity) => ({
      data: encodeDedupHeader(identity.clientIdBytes, identity.sequence, identity.floor, command),
      confChange: null,
    }))
  }

  /**
   * The one way into the proposal queue, for commands and membership changes alike: the same
   * refusals (stopped, no leader, too large, too many pending, a duplicate identity), then one
   * pending proposal retried until it applies or its deadline passes. `sizeBytes` is the
   * application's payload: the command, or the encoded change without its context.
   */
  /**
   * A proposal with the built-in sessions off: the command's bytes as they are, matched at apply
   * by the application's `commandKey`.
   */
  #proposeBare(
    command: Uint8Array,
    options: ProposeOptions,
    commandKey: (command: Uint8Array) => string | null,
  ): Promise<ProposalOutcome<Result>> {
    if (options.idempotency !== undefined) {
      return Promise.reject(
        new RangeError('idempotency needs the built-in sessions (builtInSessions: false)'),
      )
    }
    // The leader's own entry of each term is empty: an empty command could not be told from it.
    if (command.length === 0) return Promise.reject(new RangeError('an empty command cannot be proposed'))
    const key = commandKey(command)
    if (key === null)
      return Promise.reject(new RangeError('the command has no key (commandKey returned null)'))
    return this.#enqueue<ProposalOutcome<Result>>(
      options,
      command.length,
      () => ({ data: command, confChange: null }),
      COMMAND_KEY_PREFIX + key,
    )
  }

  /**
   * `bareKey`: with the built-in sessions off, the key the proposal is matched by at apply (its
   * payload then carries no header).
   */
  #enqueue<Outcome>(
    options: ProposeOptions,
    sizeBytes: number,
    payload: (identity: EncodedIdentity) => Pick<PendingProposal, 'data' | 'confChange'>,
    bareKey?: string,
  ): Promise<Outcome> {
    const refusal = this.#refuseClientRequest(true)
    if (refusal !== null) return Promise.reject(refusal)
    if (sizeBytes > this.#settings.proposalBytesMax) {
      return Promise.reject(new ProposalTooLargeError(sizeBytes, this.#settings.proposalBytesMax))
    }
    if (this.#proposals.size >= PENDING_PROPOSALS_MAX) {
      return Promise.reject(new ProposalDroppedError(`more than ${PENDING_PROPOSALS_MAX} proposals pending`))
    }
    const identity: EncodedIdentity =
      bareKey === undefined
        ? this.#identity(options)
        : { clientId: bareKey, clientIdBytes: EMPTY_BYTES, sequence: 0, floor: 0 }
    if (this.#proposals.has(identity.clientId, identity.sequence)) {
      return Promise.reject(
        new RangeError(`proposal ${identity.sequence} of ${identity.clientId} is already pending`),
      )
    }
    const { data, confChange } = payload(identity)
    return new Promise<Outcome>((resolve, reject) => {
      const now = this.#clock.now()
      const proposal: PendingProposal = {
        clientId: identity.clientId,
        sequence: identity.sequence,
        data,
        confChange,
        deadlineMs: now + (options.timeoutMs ?? this.#settings.proposalTimeoutMs),
        noQuorumDeadlineMs: this.#noQuorumDeadline(now),
        detached: false,
        lastProposedMs: this.#clock.now(),
        attempts: 0,
        queued: true,
        resolve: resolve as (outcome: unknown) => void,
        reject,
      }
      this.#proposals.add(proposal)
      this.#proposalQueue.push(proposal)
      this.#kick()
    })
  }

  /**
   * Waits until this node may serve a read. With `linearizable: true` (ReadIndex, from any member:
   * a follower asks the leader), the read then sees every write completed before the call.
   */
  read(options: ReadOptions): Promise<ReadOutcome> {
    if (this.#state !== 'running') return Promise.reject(new NodeStoppedError(`the node is ${this.#state}`))
    if (!options.linearizable) return Promise.resolve({ index: this.#applied })
    const refusal = this.#refuseClientRequest(false)
    if (refusal !== null) return Promise.reject(refusal)
    return new Promise<ReadOutcome>((resolve, reject) => {
      this.#reads.add({
        deadlineMs: this.#clock.now() + (options.timeoutMs ?? this.#settings.readTimeoutMs),
        resolve,
        reject,
      })
      this.#kick()
    })
  }

  /** Adds `nodeId` as a learner: it receives the log but does not vote. Resolves with the new membership. */
  addLearner(nodeId: NodeId, options: { readonly timeoutMs?: number } = {}): Promise<ConfState> {
    return this.#changeOne(ConfChangeType.AddLearner, nodeId, options)
  }

  /** Makes `nodeId` (usually a caught-up learner) a voter. */
  promote(nodeId: NodeId, options: { readonly timeoutMs?: number } = {}): Promise<ConfState> {
    return this.#changeOne(ConfChangeType.AddVoter, nodeId, options)
  }

  /** Removes `nodeId` from the cluster. A leader that removes itself steps down once it is applied. */
  removeMember(nodeId: NodeId, options: { readonly timeoutMs?: number } = {}): Promise<ConfState> {
    return this.#changeOne(ConfChangeType.RemoveNode, nodeId, options)
  }

  /** A membership change of one node, single-step where Raft allows it. */
  #changeOne(
    type: ConfChangeType,
    nodeId: NodeId,
    options: { readonly timeoutMs?: number },
  ): Promise<ConfState> {
    return this.changeMembership(
      { transition: ConfChangeTransition.Auto, changes: [{ type, nodeId }], context: EMPTY_BYTES },
      options,
    )
  }

  /**
   * Proposes any membership change (several voters at once go through joint consensus). Its
   * `context` is replaced by the driver's dedup header. Resolves with the membership
   * after it is applied here.
   */
  changeMembership(change: ConfChange, options: { readonly timeoutMs?: number } = {}): Promise<ConfState> {
    if (this.#commandKey !== null) {
      // Sessions off: the change goes as it is, context included, matched by its encoded bytes.
      const encoded = encodeConfChange(change)
      const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }
      return this.#enqueue<ConfState>(
        timeout,
        encoded.length,
        () => ({ data: null, confChange: change }),
        confChangeKey(encoded),
      )
    }
    const sizeBytes = encodeConfChange({ ...change, context: EMPTY_BYTES }).length
    const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }
    return this.#enqueue<ConfState>(timeout, sizeBytes, (identity) => ({
      data: null,
      confChange: {
        ...change,
        context: encodeDedupHeader(identity.clientIdBytes, identity.sequence, identity.floor, EMPTY_BYTES),
      },
    }))
  }

  /** Hands leadership to `to` (thesis §3.10). Resolves once this node sees `to` lead. */
  transferLeadership(to: NodeId, options: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.#state !== 'running') return Promise.reject(new NodeStoppedError(`the node is ${this.#state}`))
    if (this.#leader === to) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      this.#transferWaiters.push({
        to,
        deadlineMs: this.#clock.now() + (options.timeoutMs ?? this.#settings.retryMs * 2),
        resolve,
        reject,
      })
      this.#enqueueCoreTask(() => this.#core.transferLeader(to))
    })
  }

  /** The node's current state. */
  status(): RaftNodeStatus {
    const core: CoreStatus | null = this.#rawNode?.status() ?? null
    const firstIndex = this.#storage.firstIndex()
    const lastIndex = core?.lastIndex ?? this.#storage.lastIndex()
    return {
      id: this.id,
      role: core?.role ?? this.#role,
      term: core?.term ?? this.#term,
      leader: core?.leader ?? this.#leader,
      commit: core?.commit ?? 0,
      applied: this.#applied,
      firstIndex,
      lastIndex,
      logEntries: Math.max(0, lastIndex - firstIndex + 1),
      snapshotIndex: this.#snapshotIndex,
      logBytesSinceSnapshot: this.#bytesSinceSnapshot,
      confState: this.#confState,
      progress: core?.progress ?? [],
      electionCount: this.#electionCount,
      leaderChangeCount: this.#leaderChangeCount,
      safetyRefusalCount: this.#safetyRefusalCount,
      pendingProposals: this.#proposals.size,
      pendingReads: this.#reads.size,
      state: this.#state,
    }
  }

  /** Why a request cannot be taken now, or null. `proposal`: a proposal rather than a read. */
  #refuseClientRequest(proposal: boolean): Error | null {
    if (this.#state !== 'running') return new NodeStoppedError(`the node is ${this.#state}`)
    // Fail fast in a minority partition or during an election rather than queue blindly.
    if (this.#leader === null) {
      return proposal && this.#failFast
        ? new NoQuorumError('not-applied', 'no-leader')
        : new NotLeaderError(null)
    }
    if (this.#leader !== this.id && !this.#settings.proposalForwarding)
      return new NotLeaderError(this.#leader)
    return null
  }

  /** Whether `noQuorumTimeoutMs` is on. */
  get #failFast(): boolean {
    return this.#settings.noQuorumTimeoutMs > 0
  }

  /**
   * The no-quorum deadline of a proposal made at `nowMs`: one tick early, since the deadline is
   * checked once a tick and the rejection must come within the bound.
   */
  #noQuorumDeadline(nowMs: number): number {
    if (!this.#failFast) return Number.POSITIVE_INFINITY
    return nowMs + Math.max(this.#settings.noQuorumTimeoutMs - this.#settings.tickMs, 0)
  }

  #identity(options: ProposeOptions): EncodedIdentity {
    const given = options.idempotency
    if (given !== undefined) {
      if (!Number.isSafeInteger(given.sequence) || given.sequence < 0)
        throw new RangeError('sequence must be a safe integer ≥ 0')
      return {
        clientId: given.clientId,
        clientIdBytes: encodeClientId(given.clientId),
        sequence: given.sequence,
        floor: given.floor ?? 0,
      }
    }
    const sequence = this.#nextSequence++
    return {
      clientId: this.#clientId,
      clientIdBytes: this.#clientIdBytes,
      sequence,
      floor: this.#ownFloor(),
    }
  }

  /** The lowest own sequence still unanswered: every sequence below it has been settled. */
  #lowestOwnPending = 1
  #ownFloor(): number {
    while (
      this.#lowestOwnPending < this.#nextSequence - 1 &&
      !this.#proposals.has(this.#clientId, this.#lowestOwnPending)
    ) {
      this.#lowestOwnPending++
    }
    return this.#lowestOwnPending
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs.

  #onMessage(message: WireMessage): void {
    if (this.#state !== 'running') return
    if (message.to !== this.id) {
      this.#logger.debug('dropped a message addressed to another node', {
        to: message.to,
        from: message.from,
      })
      return
    }
    // Snapshots arrive only through the snapshot transport, checked there; one in the message
    // stream is a peer's bug or forgery.
    if (message.type === MessageType.Snap) {
      this.#logger.warn('dropped a snapshot sent in the message stream', { from: message.from })
      return
    }
    this.#enqueueMessage(message)
  }

  /**
   * A snapshot from the snapshot transport, stepped into the core as the `Snap` message it was sent
   * as. Throws (so that the transport fails the sender's send) when this node cannot take it.
   */
  #onSnapshotMessage(received: SnapshotMessage): void {
    if (this.#state !== 'running') throw new NodeStoppedError(`the node is ${this.#state}`)
    if (received.to !== this.id)
      throw new SnapshotTransferFailedError(`a snapshot for ${received.to} reached ${this.id}`)
    if (received.snapshot.data.length > this.#settings.snapshotBytesMax) {
      throw new SnapshotTransferFailedError(
        `a snapshot of ${received.snapshot.data.length} bytes exceeds snapshotBytesMax (${this.#settings.snapshotBytesMax})`,
      )
    }
    // Checked here, before the core may accept it, so that the sender hears of a corrupt snapshot.
    decodeSnapshotData(received.snapshot.data, this.#sessionLimits)
    if (this.#inbox.length >= INBOX_MESSAGES_MAX) throw new SnapshotTransferFailedError('the inbox is full')
    this.#enqueueMessage({
      type: MessageType.Snap,
      from: received.from,
      to: received.to,
      term: received.term,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      snapshot: received.snapshot,
      reject: false,
      rejectHint: 0,
      rejectHintTerm: 0,
      context: EMPTY_BYTES,
    })
  }

  #enqueueMessage(message: Message): void {
    if (this.#inbox.length >= INBOX_MESSAGES_MAX) {
      this.#logger.warn('dropped a message: the inbox is full', { from: message.from, type: message.type })
      return
    }
    this.#inbox.push(message)
    this.#kick()
  }

  #enqueueCoreTask(task: () => void): void {
    if (this.#state !== 'running') return
    this.#coreTasks.push(task)
    this.#kick()
  }

  #armTimer(): void {
    this.#timer = this.#clock.setTimer(this.#settings.tickMs, () => this.#onTick())
  }

  #onTick(): void {
    if (this.#state !== 'running') return
    this.#armTimer()
    this.#ticksPending++
    const now = this.#clock.now()
    const timeout = (what: string) => () => new TimeoutError(`${what} timed out`)
    const due = this.#proposals.sweep(now, this.#settings.retryMs, timeout('proposal'), (sent) =>
      sent
        ? new NoQuorumError('unknown', 'not-committed')
        : new NoQuorumError('not-applied', 'not-committed'),
    )
    if (this.#leader !== null) {
      for (const proposal of due) this.#requeue(proposal)
    }
    this.#reads.sweep(now, this.#settings.retryMs, timeout('read'))
    if (this.#transferWaiters.length > 0) {
      const waiting: TransferWaiter[] = []
      for (const waiter of this.#transferWaiters) {
        if (now >= waiter.deadlineMs)
          waiter.reject(new TimeoutError(`leadership transfer to ${waiter.to} timed out`))
        else waiting.push(waiter)
      }
      this.#transferWaiters = waiting
    }
    this.#kick()
  }

  #requeue(proposal: PendingProposal): void {
    if (proposal.queued) return
    proposal.queued = true
    this.#proposalQueue.push(proposal)
  }

  // ---------------------------------------------------------------------------------------------
  // The loop.

  #kick(): void {
    if (this.#state !== 'running') return
    if (this.#pumping) {
      this.#dirty = true
      return
    }
    this.#pumping = true
    void this.#pump()
  }

  async #pump(): Promise<void> {
    try {
      // Yield once so that a synchronous burst of proposals and messages forms one batch.
      await undefined
      while (this.#state === 'running') {
        this.#dirty = false
        if (this.#betweenRounds.length > 0) await this.#runBetweenRounds()
        this.#feedCore()
        if (!this.#core.hasReady()) {
          if (this.#dirty) continue
          break
        }
        await this.#handleReady(this.#core.ready())
      }
    } catch (error) {
      // An invariant violation, too, stops the node first, so that no caller waits forever; it is
      // then rethrown to crash loudly rather than end as a logged failure.
      this.#fail(error)
      rethrowInvariant(error)
    } finally {
      this.#pumping = false
      const waiters = this.#idleWaiters
      this.#idleWaiters = []
      for (const waiter of waiters) waiter()
    }
  }

  async #runBetweenRounds(): Promise<void> {
    while (this.#betweenRounds.length > 0) {
      const task = this.#betweenRounds.shift() as { run: () => Promise<void> }
      await task.run()
    }
  }

  #feedCore(): void {
    const core = this.#core
    for (; this.#ticksPending > 0; this.#ticksPending--) core.tick()
    if (this.#coreTasks.length > 0) {
      const tasks = this.#coreTasks
      this.#coreTasks = []
      for (const task of tasks) this.#guardCore(task)
    }
    if (this.#inbox.length > 0) {
      const inbox = this.#inbox
      this.#inbox = []
      for (const message of inbox) this.#guardCore(() => core.step(message))
    }
    if (this.#proposalQueue.length > 0) this.#feedProposals()
    const context = this.#leader === null ? null : this.#reads.issue(this.#clock.now())
    if (context !== null) this.#guardCore(() => core.readIndex(context))
  }

  /**
   * Runs a core call whose failure concerns one input only (a bad message, a refused request). A
   * refusal that means some node broke Raft's safety rules is not routine: it is logged at error
   * level and counted in {@link RaftNodeStatus.safetyRefusalCount}.
   */
  #guardCore(call: () => void): void {
    try {
      call()
    } catch (error) {
      if (!(error instanceof RaftCoreError)) throw error
      if (error instanceof CommittedEntryConflictError) {
        this.#safetyRefusalCount++
        this.#logger.error('refused a message that would overwrite a committed entry', {
          code: error.code,
          error: error.message,
        })
        return
      }
      this.#logger.debug('the core refused an input', { code: error.code, error: error.message })
    }
  }

  #feedProposals(): void {
    const queue = this.#proposalQueue
    this.#proposalQueue = []
    const now = this.#clock.now()
    const commands: Uint8Array[] = []
    const batch: PendingProposal[] = []
    for (const proposal of queue) {
      proposal.queued = false
      // Settled in the meantime (applied through an earlier copy, or timed out).
      if (!this.#proposals.has(proposal.clientId, proposal.sequence)) continue
      proposal.lastProposedMs = now
      proposal.attempts++
      if (proposal.confChange !== null) {
        this.#proposeOne(proposal, () => this.#core.proposeConfChange(proposal.confChange as ConfChange))
      } else {
        commands.push(proposal.data as Uint8Array)
        batch.push(proposal)
      }
    }
    if (commands.length === 0) return
    try {
      this.#core.proposeBatch(commands)
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error
      for (const proposal of batch) this.#dropped(proposal, error)
    }
  }

  #proposeOne(proposal: PendingProposal, call: () => void): void {
    try {
      call()
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error
      this.#dropped(proposal, error)
    }
  }

  /**
   * The core refused a proposal. On a first attempt that is a definite answer: nothing of it is in
   * any log. A retry, though, may have an earlier copy still on its way to commit, so a refusal then
   * says nothing; the proposal stays pending until it applies or times out.
   */
  #dropped(proposal: PendingProposal, error: ProposalDroppedError): void {
    if (proposal.attempts > 1) return
    const taken = this.#proposals.take(proposal.clientId, proposal.sequence)
    // Fail fast: the core lost its leader before this proposal reached it, so nothing was sent.
    // This is how a lost leader fails the proposals not yet sent: queued proposals are fed to the
    // core right after the ticks and messages that cost it its leader, in the same round.
    if (this.#failFast && this.#core.status().leader === null) {
      taken?.reject(new NoQuorumError('not-applied', 'leader-lost'))
    } else {
      taken?.reject(error)
    }
  }

  async #handleReady(ready: Ready): Promise<void> {
    if (ready.hardState !== null) this.#term = ready.hardState.term
    if (ready.softState !== null) this.#onSoftState(ready.softState)

    const afterPersist: Message[] = []
    const now: Message[] = []
    for (const outbound of ready.messages) (outbound.afterPersist ? afterPersist : now).push(outbound.message)
    this.#send(now)

    if (ready.hardState !== null || ready.entries.length > 0 || ready.snapshot !== null) {
      const batch: PersistBatch = {
        hardState: ready.hardState,
        entries: ready.entries,
        snapshot: ready.snapshot,
      }
      checkBatch(batch, this.#storage.lastIndex())
      await this.#storage.save(batch)
      checkSaved(batch, this.#storage)
    }
    this.#core.onPersisted(ready.number)
    this.#send(afterPersist)

    if (ready.snapshot !== null) await this.#installSnapshot(ready.snapshot)
    if (ready.committedEntries.length > 0) await this.#applyEntries(ready.committedEntries)
    if (ready.readStates.length > 0) this.#reads.onReadStates(ready.readStates)
    this.#core.advance(ready)
    this.#reads.release(this.#applied)
    await this.#maybeSnapshot(this.#staleSnapshotRequests.length > 0)
    if (this.#staleSnapshotRequests.length > 0) this.#sendFreshSnapshots()
  }

  /**
   * A member added after the stored snapshot was taken cannot install it (the snapshot's
   * membership does not name it, so its core refuses it, as etcd's does). Such a request is served
   * with a snapshot taken now, at the applied index, which includes the member.
   */
  #sendFreshSnapshots(): void {
    const requests = this.#staleSnapshotRequests
    this.#staleSnapshotRequests = []
    const fresh = this.#storage.snapshot()
    for (const message of requests) {
      if (snapshotNames(fresh, message.to)) {
        this.#startSnapshot({ ...message, snapshot: fresh })
      } else {
        this.#enqueueCoreTask(() => this.#core.reportSnapshot(message.to, false))
      }
    }
  }

  #send(messages: readonly Message[]): void {
    if (messages.length === 0) return
    let plain: Message[] | null = null
    for (const message of messages) {
      if (message.type === MessageType.Snap && message.snapshot !== null) {
        if (snapshotNames(message.snapshot, message.to)) this.#startSnapshot(message)
        else this.#staleSnapshotRequests.push(message)
      } else {
        plain ??= []
        plain.push(message)
      }
    }
    if (plain !== null) this.#transmit(plain)
  }

  /**
   * Sends the core's `Snap` message on the snapshot transport, never in the message stream, so that
   * heartbeats and appends never wait behind snapshot bytes.
   */
  #startSnapshot(message: Message): void {
    const transport = this.#snapshotTransport
    const snapshot = message.snapshot as Snapshot
    const { index, term } = snapshot.metadata
    const running = this.#outgoingSnapshots.get(message.to)
    // The core asks again while one is on its way (a follower's repeated rejections): one transfer.
    if (running !== undefined && running.index === index && running.term === term) return
    running?.abort.abort(new SnapshotTransferFailedError('superseded by a newer snapshot'))
    const outgoing: OutgoingSnapshot = { index, term, abort: new CancelSource() }
    this.#outgoingSnapshots.set(message.to, outgoing)
    const to = message.to
    const finish = (ok: boolean) => {
      // A superseded or cancelled transfer was already reported.
      if (this.#outgoingSnapshots.get(to) !== outgoing) return
      this.#outgoingSnapshots.delete(to)
      this.#enqueueCoreTask(() => this.#core.reportSnapshot(to, ok))
    }
    let sending: Promise<void>
    try {
      sending = transport.send({ from: this.id, to, term: message.term, snapshot }, outgoing.abort)
    } catch (caught) {
      sending = Promise.reject(caught)
    }
    sending.then(
      () => finish(true),
      (caught: unknown) => {
        if (isInvariantError(caught)) {
          this.#fail(caught)
          return
        }
        this.#logger.warn('a snapshot transfer failed', { to, index, error: describe(caught) })
        finish(false)
      },
    )
  }

  /** Abandons every snapshot on its way (this node stopped leading, or stopped), reporting each as failed. */
  #abortOutgoingSnapshots(): void {
    const outgoing = [...this.#outgoingSnapshots]
    this.#outgoingSnapshots.clear()
    for (const [peer, transfer] of outgoing) {
      transfer.abort.abort(new SnapshotTransferFailedError('the sender stopped leading'))
      this.#enqueueCoreTask(() => this.#core.reportSnapshot(peer, false))
    }
  }

  /**
   * Hands messages to the transport. A transport that throws loses those messages, which Raft
   * tolerates; it must not take the node down.
   */
  #transmit(messages: readonly WireMessage[]): void {
    try {
      this.#transport.send(messages)
    } catch (caught) {
      const error = rethrowInvariant(caught)
      this.#logger.warn('the transport failed to send; messages lost', {
        count: messages.length,
        error: describe(error),
      })
    }
  }

  #onSoftState(soft: SoftState): void {
    if (soft.role !== this.#role) {
      const wasLeader = this.#role === Role.Leader
      this.#role = soft.role
      if (soft.role === Role.Candidate) this.#electionCount++
      if (wasLeader) this.#abortOutgoingSnapshots()
      this.#emit({ type: 'role', role: soft.role, term: this.#term })
    }
    if (soft.leader !== this.#leader) {
      this.#leader = soft.leader
      this.#leaderChangeCount++
      this.#emit({ type: 'leader', leader: soft.leader, term: this.#term })
      if (soft.leader !== null) {
        // Proposals and reads sent towards the old leader may be lost: send them again now.
        for (const proposal of this.#proposals.unqueued()) this.#requeue(proposal)
        this.#reads.reissueAll()
        const still: TransferWaiter[] = []
        for (const waiter of this.#transferWaiters) {
          if (waiter.to === soft.leader) waiter.resolve()
          else still.push(waiter)
        }
        this.#transferWaiters = still
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Applying.

  async #installSnapshot(snapshot: Snapshot): Promise<void> {
    if (snapshot.metadata.index <= this.#applied) return
    await this.#restoreFrom(snapshot)
    this.#confState = snapshot.metadata.confState
    this.#confHistory = [{ index: snapshot.metadata.index, confState: this.#confState }]
    this.#emit({ type: 'snapshot-installed', index: snapshot.metadata.index })
    this.#emit({ type: 'membership', confState: this.#confState, index: snapshot.metadata.index })
  }

  async #restoreFrom(snapshot: Snapshot): Promise<void> {
    const index = snapshot.metadata.index
    if (index > 0) {
      const { sessions, state } = decodeSnapshotData(snapshot.data, this.#sessionLimits)
      this.#sessions.restore(sessions)
      await this.#stateMachine.restore(state)
    }
    this.#applied = index
    this.#snapshotIndex = index
    this.#bytesSinceSnapshot = 0
  }

  async #applyEntries(entries: readonly Entry[]): Promise<void> {
    let commands: AppliedCommand[] = []
    let owners: (PendingProposal | undefined)[] = []
    for (const entry of entries) {
      if (entry.index <= this.#applied) continue
      this.#bytesSinceSnapshot += entry.data.length
      if (entry.type === EntryType.ConfChange) {
        if (this.#stateMachine.vetoConfChange !== undefined && commands.length > 0) {
          // The veto judges the state as of its own index: apply the commands before it first.
          this.#settleApplied(commands, owners, await this.#stateMachine.apply(commands))
          commands = []
          owners = []
        }
        this.#applyConfChangeEntry(entry)
      } else if (entry.data.length > 0 && this.#commandKey !== null) {
        // Sessions off: the bytes as proposed; the application deduplicates.
        const key = this.#commandKey(entry.data)
        commands.push({
          index: entry.index,
          term: entry.term,
          data: entry.data,
          fencingToken: fencingToken(entry.term, entry.index),
        })
        owners.push(key === null ? undefined : this.#proposals.take(COMMAND_KEY_PREFIX + key, 0))
      } else if (entry.data.length > 0) {
        const header = decodeDedupHeader(entry.data)
        if (header === null) {
          this.#logger.warn('skipped a committed entry that is not a RaftNode command', {
            index: entry.index,
          })
        } else {
          const { earlier, owner } = this.#claim(header, entry)
          if (earlier !== null) {
            owner?.resolve(duplicateOutcome(earlier))
          } else {
            commands.push({
              index: entry.index,
              term: entry.term,
              data: header.command,
              fencingToken: fencingToken(entry.term, entry.index),
            })
            owners.push(owner)
          }
        }
      }
      this.#applied = entry.index
    }
    // No extra await here: the loop's timing (and so the simulator's traces) stays as it was.
    if (commands.length === 0) return
    this.#settleApplied(commands, owners, await this.#stateMachine.apply(commands))
  }

  /** Checks the state machine's results and settles the proposals waiting on the commands. */
  #settleApplied(
    commands: readonly AppliedCommand[],
    owners: readonly (PendingProposal | undefined)[],
    results: readonly Result[],
  ): void {
    if (results.length !== commands.length) {
      throw new NodeFailedError(
        `the state machine returned ${results.length} results for ${commands.length} commands`,
      )
    }
    for (let i = 0; i < commands.length; i++) {
      const owner = owners[i]
      if (owner === undefined) continue
      const command = commands[i] as AppliedCommand
      owner.resolve({
        result: results[i],
        duplicate: false,
        index: command.index,
        term: command.term,
        fencingToken: command.fencingToken,
      } satisfies ProposalOutcome<Result>)
    }
  }

  /**
   * Records the command or change an applied entry carries in its client's session and takes the
   * proposal waiting on it: the one deduplication step of both apply paths. `earlier` is where a
   * copy was applied before (the entry is then a duplicate and changes nothing).
   */
  #claim(
    header: ProposalIdentity,
    entry: Entry,
  ): { readonly earlier: AppliedAt | null; readonly owner: PendingProposal | undefined } {
    const at = { index: entry.index, term: entry.term }
    const earlier = this.#sessions.apply(header.clientId, header.sequence, header.floor, at)
    return { earlier, owner: this.#proposals.take(header.clientId, header.sequence) }
  }

  #applyConfChangeEntry(entry: Entry): void {
    let change: ConfChange
    try {
      change = decodeConfChange(entry.data)
    } catch (caught) {
      const error = rethrowInvariant(caught)
      // Every node decodes the same bytes, so every node skips this entry alike.
      this.#logger.error('skipped an undecodable membership change', {
        index: entry.index,
        error: describe(error),
      })
      return
    }
    const header = this.#commandKey === null ? decodeDedupHeader(change.context) : null
    let owner: PendingProposal | undefined
    if (this.#commandKey !== null) owner = this.#proposals.take(confChangeKey(entry.data), 0)
    if (header !== null) {
      const claimed = this.#claim(header, entry)
      owner = claimed.owner
      if (claimed.earlier !== null) {
        owner?.resolve(this.#confState)
        return
      }
    }
    const veto =
      change.changes.length > 0
        ? this.#stateMachine.vetoConfChange?.(change, {
            index: entry.index,
            term: entry.term,
            confState: this.#confState,
          })
        : null
    if (typeof veto === 'string') {
      // The core never sees the change, so no node's configuration moves: every node vetoes alike.
      this.#logger.warn('the state machine vetoed a committed membership change', {
        index: entry.index,
        reason: veto,
      })
      owner?.reject(new ConfChangeVetoedError(veto))
      return
    }
    try {
      this.#confState = this.#core.applyConfChange(change)
    } catch (error) {
      if (!(error instanceof RaftCoreError)) throw error
      this.#logger.warn('a committed membership change is invalid; skipped', {
        index: entry.index,
        error: error.message,
      })
      owner?.reject(error)
      return
    }
    this.#confHistory.push({ index: entry.index, confState: this.#confState })
    this.#emit({ type: 'membership', confState: this.#confState, index: entry.index })
    owner?.resolve(this.#confState)
  }

  async #maybeSnapshot(force: boolean): Promise<void> {
    if (this.#applied <= this.#snapshotIndex) return
    const { snapshotEntriesThreshold: entries, snapshotLogBytesThreshold: bytes } = this.#settings
    const decide = this.#snapshotDue
    const due =
      force ||
      (decide !== null
        ? decide({
            applied: this.#applied,
            snapshotIndex: this.#snapshotIndex,
            logBytesSinceSnapshot: this.#bytesSinceSnapshot,
          })
        : (entries > 0 && this.#applied - this.#snapshotIndex >= entries) ||
          (bytes > 0 && this.#bytesSinceSnapshot >= bytes))
    if (!due) return
    const index = this.#applied
    const state = await this.#stateMachine.snapshot()
    const snapshot: Snapshot = {
      metadata: { index, term: this.#storage.term(index), confState: this.#confState },
      data: encodeSnapshotData(this.#sessions.toWire(), state),
    }
    await this.#storage.compact(snapshot)
    this.#snapshotIndex = index
    this.#bytesSinceSnapshot = 0
    this.#pruneConfHistory(index)
    this.#emit({ type: 'snapshot-taken', index })
  }

  /** The configuration in force at applied `index` (not below the last snapshot). */
  #confStateAt(index: number): ConfState {
    let found = this.#confState
    for (const record of this.#confHistory) {
      if (record.index > index) break
      found = record.confState
    }
    return found
  }

  /** Forgets the configurations before the one in force at the new snapshot's `index`. */
  #pruneConfHistory(index: number): void {
    const base = { index, confState: this.#confStateAt(index) }
    this.#confHistory = [base, ...this.#confHistory.filter((record) => record.index > index)]
  }

  /**
   * Compaction to an offered snapshot (for a replica that cannot take its own, such as a keyless
   * one): installs `data` — a snapshot payload another member's `RaftNode` took at `(index, term)`
   * — as the base of this node's log and discards the entries through `index`, without restoring
   * the state machine (it has already applied further). Only if the offer matches this node's
   * committed log: `index` ≤ the applied index, above the current snapshot, and this node's entry
   * at `index` has `term`; the payload must decode and fit `snapshotBytesMax`. Otherwise it rejects
   * with {@link CompactionRefusedError} and changes nothing. Runs between rounds of the loop.
   *
   * @example
   * ```ts
   * const { index, term } = offer.metadata
   * await node.compactTo(index, term, offer.data) // then serves this snapshot to lagging followers
   * ```
   */
  /**
   * With `builtInSessions: false`: compacts the log to the application's own snapshot `state` of
   * its state at `(index, term)`, taken outside the loop (the application captured its state at an
   * applied index and encoded it while the loop went on applying, sending and ticking). The same
   * checks as {@link compactTo}; rejects with `RangeError` while the built-in sessions are on (their
   * state at `index` is not known by then).
   *
   * @example
   * ```ts
   * const { index, term, bytes } = await encodeInTheBackground(captured)
   * await node.compactToState(index, term, bytes) // the log now starts after index
   * ```
   */
  compactToState(index: number, term: number, state: Uint8Array): Promise<void> {
    if (this.#settings.builtInSessions)
      return Promise.reject(new RangeError('compactToState needs builtInSessions: false'))
    return this.compactTo(index, term, encodeSnapshotData([], state))
  }

  compactTo(index: number, term: number, data: Uint8Array): Promise<void> {
    if (this.#state !== 'running') return Promise.reject(new NodeStoppedError(`the node is ${this.#state}`))
    return new Promise<void>((resolve, reject) => {
      const run = async () => {
        try {
          await this.#compactTo(index, term, data)
        } catch (caught) {
          if (caught instanceof CompactionRefusedError) {
            reject(caught)
            return
          }
          // The storage failed (or an invariant broke): so does the node, in the loop's catch.
          reject(
            isInvariantError(caught)
              ? caught
              : new NodeFailedError('the storage failed while compacting', { cause: caught }),
          )
          throw caught
        }
        resolve()
      }
      this.#betweenRounds.push({ run, reject })
      this.#kick()
    })
  }

  async #compactTo(index: number, term: number, data: Uint8Array): Promise<void> {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(term) || index < 1 || term < 1) {
      throw new CompactionRefusedError('term-mismatch', `no entry (${index}, ${term}) can exist`)
    }
    if (index > this.#applied) {
      throw new CompactionRefusedError('not-applied', `index ${index} is beyond the applied ${this.#applied}`)
    }
    if (index <= this.#snapshotIndex) {
      throw new CompactionRefusedError(
        'already-compacted',
        `the log is compacted through ${this.#snapshotIndex}`,
      )
    }
    let ownTerm: number
    try {
      ownTerm = this.#storage.term(index)
    } catch (caught) {
      const error = rethrowInvariant(caught)
      throw new CompactionRefusedError(
        'term-mismatch',
        `the log no longer holds ${index}: ${describe(error)}`,
      )
    }
    if (ownTerm !== term) {
      throw new CompactionRefusedError(
        'term-mismatch',
        `the entry at ${index} has term ${ownTerm}, not ${term}`,
      )
    }
    if (data.length > this.#settings.snapshotBytesMax) {
      throw new CompactionRefusedError('too-large', `${data.length} bytes exceed snapshotBytesMax`)
    }
    try {
      decodeSnapshotData(data, this.#sessionLimits)
    } catch (caught) {
      const error = rethrowInvariant(caught)
      throw new CompactionRefusedError('malformed', describe(error))
    }
    const snapshot: Snapshot = { metadata: { index, term, confState: this.#confStateAt(index) }, data }
    await this.#storage.compact(snapshot)
    this.#snapshotIndex = index
    // What remains since the adopted snapshot: the applied entries after it.
    let bytes = 0
    if (this.#applied > index) {
      for (const entry of this.#storage.entries(index + 1, this.#applied + 1, Number.POSITIVE_INFINITY)) {
        bytes += entry.data.length
      }
    }
    this.#bytesSinceSnapshot = bytes
    this.#pruneConfHistory(index)
    this.#logger.info('compacted the log to an offered snapshot', { index, term })
    this.#emit({ type: 'snapshot-taken', index })
  }

  // ---------------------------------------------------------------------------------------------
  // Failure and events.

  #fail(error: unknown): void {
    if (this.#state !== 'running') return
    this.#state = 'failed'
    this.#timer?.cancel()
    this.#timer = null
    // An invariant violation is passed on as itself, never wrapped as an operating failure.
    const failure =
      error instanceof RaftNodeError || isInvariantError(error)
        ? error
        : new NodeFailedError('the node failed and stopped', { cause: error })
    this.#logger.error(isInvariantError(error) ? 'raft node invariant violated' : 'raft node failed', {
      error: describe(error),
    })
    this.#rejectEverything(() => failure)
    this.#emit({ type: 'failed', error: failure })
  }

  #rejectEverything(error: () => Error): void {
    this.#proposalQueue = []
    const waiting = this.#betweenRounds
    this.#betweenRounds = []
    for (const task of waiting) task.reject(error())
    this.#proposals.rejectAll(error)
    this.#reads.rejectAll(error)
    const waiters = this.#transferWaiters
    this.#transferWaiters = []
    for (const waiter of waiters) waiter.reject(error())
  }

  #emit(event: RaftNodeEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch (caught) {
        const error = rethrowInvariant(caught)
        this.#logger.warn('a change listener threw', { error: describe(error) })
      }
    }
  }
}

/** Keys of bare proposals (built-in sessions off): commands and membership changes apart. */
const COMMAND_KEY_PREFIX = 'command:'

/** A bare membership change's key: its encoded bytes, as the core stores them in the entry. */
function confChangeKey(encoded: Uint8Array): string {
  let hex = 'conf:'
  for (const byte of encoded) hex += byte.toString(16).padStart(2, '0')
  return hex
}

function snapshotNames(snapshot: Snapshot, id: NodeId): boolean {
  const { voters, learners, votersOutgoing } = snapshot.metadata.confState
  return voters.includes(id) || learners.includes(id) || votersOutgoing.includes(id)
}

function duplicateOutcome(earlier: { index: number; term: number }): ProposalOutcome<never> {
  return {
    result: undefined,
    duplicate: true,
    index: earlier.index,
    term: earlier.term,
    fencingToken: fencingToken(earlier.term, earlier.index),
  }
}

function randomHex(random: RandomSource): string {
  return random.nextInt(0x1_0000_0000).toString(16).padStart(8, '0')
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
