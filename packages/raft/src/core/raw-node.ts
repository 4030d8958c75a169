import { encodeConfChange } from '../codec/index.js'
import type { RaftConfig } from './config.js'
import {
  InvalidMessageError,
  ProposalDroppedError,
  ReadyOrderError,
  StepLocalMessageError,
  StepPeerNotFoundError,
} from './errors.js'
import { entriesBytes } from './log.js'
import { makeMessage } from './messages.js'
import { type ProposalInit, Raft } from './raft.js'
import {
  type ConfChange,
  type ConfState,
  type CoreStatus,
  type Entry,
  EntryType,
  type HardState,
  type Message,
  MessageType,
  type NodeId,
  type OutboundMessage,
  type PeerProgress,
  type ReadState,
  type Ready,
  Role,
  type SoftState,
} from './types.js'

/** What a handed-out batch asked the driver to persist, remembered until it is reported durable. */
interface PendingPersist {
  readonly number: number
  /** The last entry of the batch (index 0 when it had none). */
  readonly lastIndex: number
  readonly lastTerm: number
  /** The snapshot's index (0 when it had none). */
  readonly snapshotIndex: number
  /** The term of the batch's hard state (0 when it had none). */
  readonly hardStateTerm: number
}

function isLocalMessage(type: MessageType): boolean {
  return (
    type === MessageType.Hup ||
    type === MessageType.Beat ||
    type === MessageType.Unreachable ||
    type === MessageType.SnapStatus ||
    type === MessageType.CheckQuorum
  )
}

function isResponseMessage(type: MessageType): boolean {
  return (
    type === MessageType.AppResp ||
    type === MessageType.VoteResp ||
    type === MessageType.HeartbeatResp ||
    type === MessageType.Unreachable ||
    type === MessageType.PreVoteResp
  )
}

/** Checks what the codec cannot: the Raft-level shape of a message from the network. */
const NO_MESSAGES: readonly OutboundMessage[] = []
const NO_READ_STATES: readonly ReadState[] = []

const MESSAGE_TYPES: ReadonlySet<number> = new Set(Object.values(MessageType))

function invalidReason(m: Message): string | null {
  if (!MESSAGE_TYPES.has(m.type)) return `unknown message type ${String(m.type)}`
  if (typeof m.from !== 'string' || m.from === '') return 'message has no sender'
  if (!Number.isSafeInteger(m.term) || m.term < 0) return `invalid term ${m.term}`
  if (!Number.isSafeInteger(m.index) || m.index < 0) return `invalid index ${m.index}`
  if (!Number.isSafeInteger(m.logTerm) || m.logTerm < 0) return `invalid log term ${m.logTerm}`
  if (!Number.isSafeInteger(m.commit) || m.commit < 0) return `invalid commit ${m.commit}`
  // Only forwarded proposals and reads travel without a term; anything else with term 0 would be
  // mistaken for a local message.
  if (m.term === 0 && m.type !== MessageType.Prop && m.type !== MessageType.ReadIndex) {
    return `message type ${m.type} without a term`
  }
  if (m.type === MessageType.Snap && m.snapshot !== null) {
    const { index, term } = m.snapshot.metadata
    if (
      !Number.isSafeInteger(index) ||
      index <= 0 ||
      !Number.isSafeInteger(term) ||
      term <= 0 ||
      term > m.term
    ) {
      return `invalid snapshot metadata ${index}/${term}`
    }
  }
  if (m.type === MessageType.App) {
    for (let i = 0; i < m.entries.length; i++) {
      const entry = m.entries[i] as Entry
      if (!Number.isSafeInteger(entry.term) || entry.term <= 0)
        return `append entry with invalid term ${entry.term}`
      if (entry.index !== m.index + 1 + i) return `append entries are not contiguous after index ${m.index}`
      if (entry.term > m.term)
        return `append carries an entry of term ${entry.term} beyond the message term ${m.term}`
      if (entry.term < (i === 0 ? m.logTerm : (m.entries[i - 1] as Entry).term))
        return 'append entry terms decrease'
    }
  }
  if (m.type === MessageType.Snap && m.snapshot === null) return 'snapshot message without a snapshot'
  if (m.type === MessageType.Prop && m.entries.length === 0) return 'proposal without entries'
  return null
}

/**
 * The public face of the Raft core (etcd's RawNode): a synchronous, deterministic state machine
 * driven by method calls, whose every output comes out of {@link RawNode.ready} as a numbered
 * {@link Ready} batch.
 *
 * The driver loop:
 * 1. feed inputs: `tick()` on a timer, `step(message)` for messages received, `propose(...)`;
 * 2. when `hasReady()`, take `ready()`; persist its `hardState`, `entries` and `snapshot`;
 *    send `messages` (those with `afterPersist` only once the persist is durable);
 * 3. apply `snapshot` and `committedEntries` (calling {@link RawNode.applyConfChange} for each
 *    ConfChange entry), serve `readStates`;
 * 4. `advance(ready)`. With an asynchronous persist, call `onPersisted(ready.number)` as soon as
 *    the batch is durable (batches are persisted in order), and `advance` once applied.
 */
export class RawNode {
  readonly raft: Raft
  #readyNumber = 0
  #prevSoftState: SoftState
  #prevHardState: HardState
  readonly #pendingPersists: PendingPersist[] = []
  #persistedNumber = 0
  #advancedNumber = 0

  constructor(config: RaftConfig) {
    this.raft = new Raft(config)
    this.#prevSoftState = this.#softState()
    this.#prevHardState = this.raft.hardState()
  }

  /** Advances the logical clock by one tick (elections, heartbeats, CheckQuorum). */
  tick(): void {
    this.raft.tick()
  }

  /** Starts an election now (subject to PreVote when enabled). */
  campaign(): void {
    this.raft.step(makeMessage({ type: MessageType.Hup, from: this.raft.id }))
  }

  /**
   * Takes in a message received from a peer. Throws {@link StepLocalMessageError} for local-only
   * types, {@link StepPeerNotFoundError} for a response from a non-member, and
   * {@link InvalidMessageError} for a message that breaks Raft's rules.
   */
  step(message: Message): void {
    if (isLocalMessage(message.type))
      throw new StepLocalMessageError(`message type ${message.type} is local-only`)
    const reason = invalidReason(message)
    if (reason !== null) throw new InvalidMessageError(reason)
    if (isResponseMessage(message.type) && !this.raft.trk.progress.has(message.from)) {
      throw new StepPeerNotFoundError(`response from ${message.from}, which is not a member`)
    }
    // A forwarded proposal that has to be dropped is not an error of the sender's making: its
    // client times out and retries.
    this.raft.step(message)
  }

  /** Proposes one application command. Throws {@link ProposalDroppedError} when it cannot be accepted. */
  propose(data: Uint8Array): void {
    this.proposeBatch([data])
  }

  /**
   * Proposes several commands at once (one append, one broadcast). They are accepted or dropped
   * together. Throws {@link ProposalDroppedError}.
   */
  proposeBatch(commands: readonly Uint8Array[]): void {
    if (this.raft.role === Role.Leader) {
      if (!this.raft.appendCommands(commands)) throw new ProposalDroppedError(this.raft.lastDropReason)
      return
    }
    const proposals: ProposalInit[] = new Array(commands.length)
    for (let i = 0; i < commands.length; i++) {
      proposals[i] = { type: EntryType.Normal, data: commands[i] as Uint8Array }
    }
    this.#proposeEntries(proposals)
  }

  /** Proposes a membership change; it takes effect when the driver applies it ({@link applyConfChange}). */
  proposeConfChange(change: ConfChange): void {
    this.#proposeEntries([{ type: EntryType.ConfChange, data: encodeConfChange(change) }])
  }

  #proposeEntries(proposals: readonly ProposalInit[]): void {
    const raft = this.raft
    let accepted: boolean
    if (raft.role === Role.Leader) {
      accepted = raft.appendProposals(proposals)
    } else {
      const entries: Entry[] = proposals.map((proposal) => ({
        term: 0,
        index: 0,
        type: proposal.type,
        data: proposal.data,
      }))
      accepted = raft.step(makeMessage({ type: MessageType.Prop, entries }))
    }
    if (!accepted) throw new ProposalDroppedError(raft.lastDropReason)
  }

  /**
   * Asks for a linearizable read. Once its read index is known, a {@link ReadState} with the same
   * `context` appears in a `Ready`; the read may run once the state machine has applied through
   * that index. The context must be unique among reads in flight.
   */
  readIndex(context: Uint8Array): void {
    this.raft.step(makeMessage({ type: MessageType.ReadIndex, context }))
  }

  /** Asks the leader to hand leadership to `to` (forwarded to the leader from a follower). */
  transferLeader(to: NodeId): void {
    this.raft.step(makeMessage({ type: MessageType.TransferLeader, from: to }))
  }

  /**
   * Applies a committed membership change (call it while applying its ConfChange entry, before
   * `advance`). Returns the new configuration, which the driver should persist with the applied
   * state. Throws {@link ConfChangeError} if the change is invalid for the current configuration;
   * nothing changes then, and every node skips it alike.
   */
  applyConfChange(change: ConfChange): ConfState {
    return this.raft.applyConfChange(change)
  }

  /** The transport could not reach `id`: the leader stops streaming to it and probes instead. */
  reportUnreachable(id: NodeId): void {
    this.raft.step(makeMessage({ type: MessageType.Unreachable, from: id }))
  }

  /** Reports how sending a snapshot to `id` ended. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(makeMessage({ type: MessageType.SnapStatus, from: id, reject: !ok }))
  }

  #softState(): SoftState {
    return { leader: this.raft.lead, role: this.raft.role }
  }

  /** Whether {@link ready} would return anything to do. */
  hasReady(): boolean {
    const raft = this.raft
    if (raft.hasPendingBroadcast()) raft.flushBroadcast()
    const soft = this.#prevSoftState
    if (raft.lead !== soft.leader || raft.role !== soft.role) return true
    const hard = this.#prevHardState
    if (raft.term !== hard.term || raft.vote !== hard.vote || raft.raftLog.committed !== hard.commit)
      return true
    const log = raft.raftLog
    if (log.unstable.nextSnapshot() !== null) return true
    if (raft.msgs.length > 0 || log.hasNextUnstableEntries() || log.hasNextCommittedEntries()) return true
    return raft.readStates.length > 0
  }

  /**
   * Hands out the next batch of work, numbered. Everything in it is considered handed over: the
   * next call returns only what is new. See the class documentation for the driver loop.
   */
  ready(): Ready {
    const raft = this.raft
    raft.flushBroadcast()
    const log = raft.raftLog
    const number = ++this.#readyNumber

    let softState: SoftState | null = null
    if (raft.lead !== this.#prevSoftState.leader || raft.role !== this.#prevSoftState.role) {
      softState = this.#softState()
      this.#prevSoftState = softState
    }
    let hardState: HardState | null = null
    const prev = this.#prevHardState
    if (raft.term !== prev.term || raft.vote !== prev.vote || log.committed !== prev.commit) {
      hardState = raft.hardState()
      this.#prevHardState = hardState
    }
    const snapshot = log.unstable.nextSnapshot()
    const entries = log.nextUnstableEntries()
    log.unstable.acceptInProgress()
    // Committed entries may include this batch's own entries: the driver persists before applying.
    const committedEntries = log.nextCommittedEntries()
    const lastCommitted = committedEntries[committedEntries.length - 1]
    if (lastCommitted !== undefined) {
      log.acceptApplying(lastCommitted.index)
      if (raft.role === Role.Leader) raft.reduceUncommittedSize(entriesBytes(committedEntries))
    }
    // Swap the output queues only when they hold something, to spare allocations on idle batches.
    const messages = raft.msgs.length === 0 ? NO_MESSAGES : raft.msgs
    if (messages !== NO_MESSAGES) raft.msgs = []
    const readStates = raft.readStates.length === 0 ? NO_READ_STATES : raft.readStates
    if (readStates !== NO_READ_STATES) raft.readStates = []

    const lastEntry = entries[entries.length - 1]
    if (lastEntry !== undefined || snapshot !== null || hardState !== null) {
      this.#pendingPersists.push({
        number,
        lastIndex: lastEntry?.index ?? 0,
        lastTerm: lastEntry?.term ?? 0,
        snapshotIndex: snapshot?.metadata.index ?? 0,
        hardStateTerm: hardState?.term ?? 0,
      })
    }
    return { number, softState, hardState, entries, snapshot, committedEntries, messages, readStates }
  }

  /**
   * Reports that every batch numbered ≤ `readyNumber` is durable (batches are persisted in
   * order). A leader counts its own log towards commit only from here.
   */
  onPersisted(readyNumber: number): void {
    if (readyNumber > this.#readyNumber) {
      throw new ReadyOrderError(`batch ${readyNumber} was never handed out (last is ${this.#readyNumber})`)
    }
    if (readyNumber <= this.#persistedNumber) return
    this.#persistedNumber = readyNumber
    const raft = this.raft
    while (
      this.#pendingPersists.length > 0 &&
      (this.#pendingPersists[0] as PendingPersist).number <= readyNumber
    ) {
      const done = this.#pendingPersists.shift() as PendingPersist
      if (done.hardStateTerm > raft.persistedTerm) raft.persistedTerm = done.hardStateTerm
      if (done.snapshotIndex > 0) raft.raftLog.stableSnapTo(done.snapshotIndex)
      if (done.lastIndex > 0) raft.onLocalPersist(done.lastIndex, done.lastTerm)
    }
  }

  /**
   * Acknowledges a batch: it is durable (if {@link onPersisted} was not called for it yet) and its
   * snapshot and committed entries are applied. Batches must be advanced in order.
   */
  advance(ready: Ready): void {
    if (ready.number <= this.#advancedNumber || ready.number > this.#readyNumber) {
      throw new ReadyOrderError(
        `cannot advance batch ${ready.number} (advanced ${this.#advancedNumber}, last ${this.#readyNumber})`,
      )
    }
    this.#advancedNumber = ready.number
    this.onPersisted(ready.number)
    if (ready.snapshot !== null) this.raft.appliedTo(ready.snapshot.metadata.index)
    const lastCommitted = ready.committedEntries[ready.committedEntries.length - 1]
    if (lastCommitted !== undefined) this.raft.appliedTo(lastCommitted.index)
  }

  /** A snapshot of the node's state, for status pages and tests. */
  status(): CoreStatus {
    const raft = this.raft
    const progress: PeerProgress[] = []
    if (raft.role === Role.Leader) {
      raft.trk.visit((id, member) => {
        progress.push({
          id,
          match: member.match,
          next: member.next,
          state: member.state,
          learner: member.isLearner,
          recentActive: member.recentActive,
          inflight: member.inflights.count,
        })
      })
    }
    return {
      id: raft.id,
      role: raft.role,
      term: raft.term,
      vote: raft.vote,
      leader: raft.lead,
      commit: raft.raftLog.committed,
      applied: raft.raftLog.applied,
      firstIndex: raft.raftLog.firstIndex(),
      lastIndex: raft.raftLog.lastIndex(),
      confState: raft.trk.confState(),
      progress,
      leadTransferee: raft.leadTransferee,
    }
  }
}
