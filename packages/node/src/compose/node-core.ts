/**
 * The node's pure composition core (design.md, build order step 3): one node's committed state C
 * and its writes, on a RaftNode it is given. No `node:*`, no timer, clock or randomness of its own —
 * the clock, the wall clock, the durable delta log and the Raft node (over its storage and network)
 * are injected — so the simulator runs the same core as Node does.
 *
 * - Raft: built-in sessions off (C deduplicates on the verified (key, incarnation, sequence)), fail
 *   fast on, the conf-change veto wired to C's public layer. The state machine is {@link LogApplier};
 *   its snapshots are C's (public part plaintext, data part sealed), taken by {@link SnapshotPolicy}
 *   where both applied indices are equal; a restored one replaces C, its applier and V.
 * - Start: `open(incarnation, expected)`, `expected` read linearizably, retried after a refusal;
 *   strong writes wait until it applies. A founder proposes `init` and admits the founding voters.
 * - Log time: every voter proposes `clock(ms)` from its wall clock at least once a second.
 * - Strong writes: the operations of one turn become one batch with the next sequence and the floor
 *   (the lowest sequence whose result is not delivered); each resolves once its batch applied here,
 *   with `{ index, term, fencingToken, writeId }` and the operation's result, or rejects with
 *   {@link NoQuorumError} carrying the driver's outcome. An `'unknown'` one stays outstanding (the
 *   floor stays below it) until the apply path sees it.
 * - Eventual writes: the operations of one turn become one batch of the node's delta stream,
 *   acknowledged with `{ stamp, writeId }` once the injected delta log holds it durably; only then
 *   is it handed on (`onBatchDurable`, the push) and held for folding.
 * - Folding: the leader keeps one fold of up to `foldBytesMax` in flight, built from the batches it
 *   holds contiguously from each stream's h + 1.
 * - Sealing (build order step 5): with a {@link Sealing}, control entries are signed and strong and
 *   eventual batches sealed by its `SealingWriter`, and C applies through its `SealedItemChecks`
 *   (bound to C's public layer, so the envelope and C agree on who may write). The cryptography is
 *   injected: the Node wiring passes `createNodeSealing` (native provider), the simulator and a
 *   browser build `createSealing` with the pure one. {@link NULL_ENVELOPE} keeps the plaintext,
 *   unverified items of step 3 for the simulator's fast mode; it accepts forgeries, so nothing else
 *   may use it.
 */
import type { Clock, TimerHandle, WallClock } from '@tandem/base'
import type { Delta, Value } from '@tandem/crdt'
import { Replica } from '@tandem/crdt'
import {
  type ConfChange,
  type ConfChangeAt,
  type ConfState,
  type RaftNode,
  NoQuorumError as RaftNoQuorumError,
  Role,
  type SnapshotProgress,
  type StateMachine,
} from '@tandem/raft'
import { encodeEventualPayload } from '../codec/eventual-payload.js'
import { encodeLogEntry } from '../codec/log-entry.js'
import { decodeNodeSnapshot } from '../codec/node-snapshot.js'
import { plaintextBatchOpener, unverifiedSignatures } from '../codec/null-envelope.js'
import type { SnapshotDecodeLimits } from '../codec/snapshot.js'
import { decodePublicSnapshot } from '../codec/snapshot.js'
import { encodeStrongPayload } from '../codec/strong-payload.js'
import type { BatchOpener } from '../core/committed-state.js'
import { CommittedState } from '../core/committed-state.js'
import type { ControlOperation, FoldedBatchHeader } from '../core/control.js'
import type {
  DataOperation,
  StrongBatchPayload,
  StrongOperation,
  StrongResult,
} from '../core/data-operations.js'
import {
  eventualWriteId,
  type Incarnation,
  type MemberId,
  parseStreamId,
  type StreamId,
  streamDotsMax,
  streamId,
  strongWriteId,
  type WriteId,
  type WriterKey,
} from '../core/ids.js'
import { LocalView } from '../core/local-view.js'
import { type AppliedEntry, type EntrySignatureCheck, LogApplier } from '../core/log-applier.js'
import type { LogItem } from '../core/log-items.js'
import type { BatchSignatureCheck } from '../core/public-layer.js'
import { restoreCommittedStateFrom } from '../core/snapshot.js'
import type { StampTime } from '../core/strong-clock.js'
import { MalformedOperationError } from '../errors.js'
import type { Sealing } from '../sealing/sealing.js'
import { isMissingEpochKeyReason } from '../sealing/verification.js'
import type { SealingWriter } from '../sealing/writer.js'
import {
  ClusterOperations,
  type ClusterStatus,
  type LeaveOutcome,
  type PromoteOptions,
  type StreamPositions,
} from './cluster-operations.js'
import { commandKeyOf } from './command-key.js'
import { confChangeVeto } from './conf-veto.js'
import type { DeltaLog } from './delta-log.js'
import { EpochGrants } from './epoch-grants.js'
import { EpochKeyWait, missingEpochsOf, SnapshotKeyWait } from './epoch-key-wait.js'
import { BacklogFullError, NoQuorumError, StrongBatchRefusedError, WriteRefusedError } from './errors.js'
import {
  captureNodeSnapshot,
  encodeCapturedSnapshot,
  type RestoredSnapshot,
  restoreNodeSnapshot,
  type TakeSnapshotOptions,
  takeNodeSnapshot,
} from './node-snapshots.js'
import { PendingFolds } from './pending-folds.js'
import { SnapshotPolicy, type SnapshotPolicyOptions } from './snapshot-policy.js'

export type {
  AddLearnerOptions,
  ClusterMemberStatus,
  ClusterStatus,
  LeaveOutcome,
  PromoteOptions,
  StreamPositions,
} from './cluster-operations.js'

/** The epoch every batch is sealed in under the null envelope (`init` creates epoch 1). */
const NULL_ENVELOPE_EPOCH = 1
const NO_SIGNATURE = new Uint8Array(0)
/**
 * Eventual writes sealed into one batch at most: a batch stays far below the stores' and the
 * wire's 4 MiB batch bound for values of ordinary size, and a long queue becomes several batches.
 */
const EVENTUAL_WRITES_PER_BATCH_MAX = 1024
/** Plaintext bytes per sealed chunk of a snapshot's data part. */
const DEFAULT_SNAPSHOT_CHUNK_BYTES = 1024 * 1024

/**
 * Selects the null envelope (plaintext items, every signature accepted): the simulator's fast mode
 * and tests of the composition alone. A cluster on it accepts forged entries.
 *
 * @example
 * ```ts
 * const core = new NodeCore({ ...options, sealing: NULL_ENVELOPE })
 * ```
 */
export const NULL_ENVELOPE = Object.freeze({ kind: 'null-envelope' as const })

/** The null envelope's selector type. */
export type NullEnvelope = typeof NULL_ENVELOPE

/** How a {@link NodeCore} seals and checks: a node's {@link Sealing}, or the null envelope. */
export type NodeCoreSealing = Sealing | NullEnvelope

function isNullEnvelope(sealing: NodeCoreSealing): sealing is NullEnvelope {
  return 'kind' in sealing && sealing.kind === 'null-envelope'
}

/** What the core needs of its RaftNode. */
export type NodeRaft = Pick<
  RaftNode<AppliedEntry>,
  | 'start'
  | 'stop'
  | 'propose'
  | 'read'
  | 'status'
  | 'compactToState'
  | 'addLearner'
  | 'promote'
  | 'removeMember'
  | 'transferLeadership'
>

/** The RaftNode options the core decides; the caller adds id, storage, transport, clock and random. */
export interface NodeRaftParts {
  readonly stateMachine: StateMachine<AppliedEntry>
  readonly builtInSessions: false
  readonly commandKey: (command: Uint8Array) => string
  readonly noQuorumTimeoutMs: number
  /**
   * When to snapshot C: the core's {@link SnapshotPolicy} (max(floor, 2 × the last snapshot) of log
   * bytes), only where both applied indices are equal, never on a keyless node. It replaces the
   * driver's entry and byte thresholds.
   */
  readonly snapshotDue: (progress: SnapshotProgress) => boolean
}

/** Options of {@link NodeCore}. */
export interface NodeCoreOptions {
  readonly member: MemberId
  readonly key: WriterKey
  /** Drawn at every start by the caller (128 random bits). */
  readonly incarnation: Incarnation
  /** The monotonic clock the core's timers run on. */
  readonly clock: Clock
  /** The wall clock: HLC stamps and clock entries. */
  readonly wallClock: WallClock
  readonly deltaLog: DeltaLog
  /**
   * The node's sealing, whose writer key must be `key`: keyed (it opens data, holds V and writes
   * data) or keyless (it verifies and applies C's public layer only). Or {@link NULL_ENVELOPE}.
   */
  readonly sealing: NodeCoreSealing
  /** Builds the node's RaftNode with the core's parts (once, in `start`). */
  readonly createRaft: (parts: NodeRaftParts) => NodeRaft
  /** The fail-fast bound: `defaultNoQuorumTimeoutMs(tickMs, electionTicks)` for the node's settings. */
  readonly noQuorumTimeoutMs: number
  /**
   * Founds a new cluster (design.md, "Bootstrap and keys"): this node is its single voter — its Raft
   * storage must hold itself as the only voter — and it proposes `init`, which creates epoch 1 and
   * carries its secret wrapped to this node's key. Every other node joins: an operator runs
   * `cluster.addLearner` on a member, then the joiner starts on an empty Raft configuration (no
   * `init`) and is brought in by the leader; it gets its epoch keys from the wrap table once a
   * `grant` to it applies. Give `init` only on the very first start of an empty data directory.
   */
  readonly init?: boolean
  /**
   * Asks connected members for their positions of a key's streams, for the cutoffs a removal
   * records (design.md, "Leaving and revocation"); absent, this node's own positions count and a
   * stream nobody lists is cut at its h.
   */
  readonly positionsOf?: (key: WriterKey) => Promise<StreamPositions>
  /** How often a voter proposes its clock reading (at most 1,000 ms); default 500. */
  readonly clockIntervalMs?: number
  /** How often the leader looks for something to fold; default 100. */
  readonly foldIntervalMs?: number
  /** Pause before retrying `open` or the founding entry; default 200. */
  readonly retryMs?: number
  /** Called after each committed entry applied to C (observers, the simulator's checkers). */
  readonly onApplied?: (entry: AppliedEntry) => void
  /**
   * When to snapshot C (design.md: max(64 MiB, 2 × the last snapshot) of log bytes since the last
   * one, the defaults); tests and the simulator give small thresholds.
   */
  readonly snapshotPolicy?: SnapshotPolicyOptions
  /** Plaintext bytes per sealed chunk of a snapshot's data part; default 1 MiB. */
  readonly snapshotChunkBytes?: number
  /** Limits for decoding a snapshot (from disk or the leader); the codec's defaults otherwise. */
  readonly snapshotLimits?: Partial<SnapshotDecodeLimits>
  /**
   * Called once a Raft snapshot replaced C, its applier and V (a learner catching up, a restart):
   * anything subscribed to the old C or V subscribes again.
   */
  readonly onRestored?: (index: number) => void
  /** Called once an own eventual batch is durable (the push to peers). */
  readonly onBatchDurable?: (stream: StreamId, batch: FoldedBatchHeader) => void
  /**
   * The largest dot an own stream uses (design.md: a writer starts stream n + 1 before its dots
   * reach 2^31); default {@link streamDotsMax}. Tests and the simulator give a small one so that
   * rollovers happen.
   */
  readonly streamDotsMax?: number
}

/** The result of a strong write. */
export interface StrongWriteResult {
  readonly index: number
  readonly term: number
  /** The operation's fencing token; `null` when it did not take effect. */
  readonly fencingToken: bigint | null
  readonly writeId: WriteId
  /** Whether it applied, or the definite reason it did not (a failed condition among them). */
  readonly result: StrongResult
}

/** What became of a strong write (`NodeCore.outcome`). */
export type StrongWriteOutcome =
  | { readonly kind: 'applied'; readonly result: StrongResult }
  | { readonly kind: 'not-applied'; readonly reason: string }
  /** Proposed by this incarnation and not applied yet (it may still commit). */
  | { readonly kind: 'pending' }
  /** C no longer knows: below the session floor, or an earlier incarnation's session. */
  | { readonly kind: 'unknown-expired' }

/** The result of an eventual write: durable in this node's delta stream. */
export interface EventualWriteResult {
  readonly stamp: StampTime
  readonly writeId: WriteId
}

/** An eventual data operation. */
export type EventualOperation =
  | { readonly kind: 'map-set'; readonly collection: string; readonly key: string; readonly value: Value }
  | { readonly kind: 'map-delete'; readonly collection: string; readonly key: string }
  | { readonly kind: 'set-add'; readonly collection: string; readonly element: Value }
  | { readonly kind: 'set-delete'; readonly collection: string; readonly element: Value }
  | { readonly kind: 'register-set'; readonly collection: string; readonly value: Value }

interface Deferred<T> {
  readonly resolve: (value: T) => void
  readonly reject: (error: unknown) => void
}

interface QueuedStrong {
  readonly operation: DataOperation
  readonly idempotency: StrongOperation['idempotency']
  readonly waiter: Deferred<StrongWriteResult>
}

/** A strong batch proposed and not yet seen applied here. */
interface OutstandingBatch {
  readonly waiters: Deferred<StrongWriteResult>[]
  /** The app was answered (a rejection): the apply path only clears the batch. */
  answered: boolean
}

interface QueuedEventual {
  /** The own stream the write's dot belongs to: a batch holds the writes of one stream only. */
  readonly stream: StreamId
  readonly delta: Delta
  readonly stamp: StampTime
  readonly waiter: Deferred<EventualWriteResult>
}

/**
 * One node's composition core.
 *
 * @example
 * ```ts
 * const core = new NodeCore({ member, key, incarnation, clock, wallClock, deltaLog,
 *   noQuorumTimeoutMs: defaultNoQuorumTimeoutMs(100, 10),
 *   createRaft: (parts) => new RaftNode({ id: member, storage, transport, snapshotTransport, clock, random, ...parts }) })
 * await core.start()
 * const { fencingToken } = await core.strong({ kind: 'map-set', collection: { kind: 'map', name: 'm' }, key: 'k', value: 1 })
 * ```
 */
export class NodeCore {
  // C, its applier and V are replaced together when a Raft snapshot is restored (#restoreSnapshot).
  #committed: CommittedState
  #applier: LogApplier
  #view: LocalView | null
  /** Checks signatures for C and its applier (kept to build a restored C alike). */
  readonly #signatures: EntrySignatureCheck & BatchSignatureCheck
  /** When to snapshot C (the size of the last snapshot taken or restored). */
  readonly #snapshotPolicy: SnapshotPolicy
  /** The index of the last snapshot taken or restored here. */
  #snapshotIndex = 0
  /** A snapshot captured and being encoded beside the Raft loop. */
  #snapshotEncoding = false
  /** Signs and seals this node's items; `null` under the null envelope. */
  readonly #sealer: SealingWriter | null
  /** Opens batches for V; `null` on a keyless node. */
  readonly #opener: BatchOpener | null
  readonly #options: NodeCoreOptions
  /** Pending batches V holds or judged (`<stream>/<sequence>`); the others are offered again. */
  #inView = new Set<string>()
  readonly #pending = new PendingFolds()
  /** The own stream (and CRDT id) new eventual writes go to: `key.incarnation.n`. */
  #stream: StreamId
  /** The writer's replica under `#stream`, replaced at each dot rollover. */
  #replica: Replica
  /** n of `#stream`: the dot rollovers of this start so far. */
  #rollover = 0
  /** The greatest dot `#replica` has used: at `#streamDotsMax` the next write rolls over. */
  #streamDots = 0
  readonly #streamDotsMax: number
  #raft: NodeRaft | null = null
  #running = false
  #opened = false
  #founded: boolean
  /** Epoch keys through C's wrap table: learnt as entries apply, granted to members lacking them. */
  readonly #grants: EpochGrants
  /** The data layer waiting for an epoch key: C kept before the first entry needing it, and the entries since. */
  #keyWait: EpochKeyWait | null = null
  /** A Raft snapshot waiting for the epoch keys that open its data part (C is its public part meanwhile). */
  #snapshotWait: SnapshotKeyWait | null = null
  /** Waits for an epoch key given up at the bound (the batches stayed refused in the data layer). */
  keyWaitsAbandoned = 0
  /**
   * The operator's cluster operations through this node: `addLearner`, `promote`, `remove`,
   * `leave`, `transferLeadership`, `status` (each membership change C first, then Raft).
   */
  readonly cluster: ClusterOperations
  readonly #timers = new Set<TimerHandle>()
  // Strong writes.
  #strongQueue: QueuedStrong[] = []
  #strongFlushScheduled = false
  #strongNext = 1
  readonly #outstanding = new Map<number, OutstandingBatch>()
  /** Own sequences withdrawn before they left the node (NoQuorum 'not-applied'): never applied. */
  readonly #withdrawn = new Set<number>()
  // Eventual writes.
  #eventualQueue: QueuedEventual[] = []
  #eventualFlushScheduled = false
  /** The stream the last batch was sealed in, and its next sequence (1 again in a new stream). */
  #sealingStream: StreamId
  #streamNext = 1
  #queuedBytes = 0
  /** Whether an own eventual batch is being appended: the writes meanwhile form the next batch. */
  #eventualAppending = false
  #lastStamp: StampTime = { wallMs: 0, logical: 0 }
  // Control proposals in flight (one of each kind at a time).
  #clockInFlight = false
  #foldInFlight = false
  /** Proposals of each kind that ended in an error (by kind): none is silent. */
  readonly proposalFailures = new Map<string, number>()

  constructor(options: NodeCoreOptions) {
    this.#options = options
    this.#snapshotPolicy = new SnapshotPolicy(options.snapshotPolicy)
    const sealing = options.sealing
    if (isNullEnvelope(sealing)) {
      this.#sealer = null
      this.#opener = plaintextBatchOpener
      this.#signatures = unverifiedSignatures
    } else {
      if (sealing.writer.key !== options.key)
        throw new RangeError('NodeCore: the sealing signs with another key than the node key')
      // init creates epoch 1 and wraps it to this node: a keyless node holds no epoch to create it with.
      if (options.init === true && sealing.epochKeys === null)
        throw new RangeError('NodeCore: a keyless node cannot init a cluster')
      const opener = sealing.checks.opener
      this.#sealer = sealing.writer
      this.#opener = opener
      this.#signatures = sealing.checks
    }
    const committed = new CommittedState({ signatures: this.#signatures, opener: this.#opener })
    if (!isNullEnvelope(sealing)) sealing.attach(committed.public)
    this.#committed = committed
    this.#applier = this.#applierFor(committed)
    this.#view = this.#viewFor(committed)
    this.#stream = streamId(options.key, options.incarnation, 0)
    this.#sealingStream = this.#stream
    this.#streamDotsMax = options.streamDotsMax ?? streamDotsMax
    if (
      !Number.isSafeInteger(this.#streamDotsMax) ||
      this.#streamDotsMax < 1 ||
      this.#streamDotsMax > streamDotsMax
    )
      throw new RangeError(`NodeCore: streamDotsMax must be an integer in [1, ${streamDotsMax}]`)
    // The writer's clock observes C: an eventual write made after a strong write applied here is
    // stamped above it (capped at the local clock + driftMax, as V's HLC is), so it wins under LWW.
    this.#replica = new Replica({ node: this.#stream, now: () => this.#observedWallMs() })
    this.#founded = options.init !== true
    this.#grants = new EpochGrants(
      {
        key: options.key,
        publicLayer: () => this.committed.public,
        leading: () => this.leading,
        propose: (operations) =>
          this.#raftNode().propose(
            encodeLogEntry(operations.map((operation) => this.#signControl(operation))),
          ),
        failed: (kind, error) => this.#countFailure(kind, error),
      },
      isNullEnvelope(sealing) ? null : sealing.epochKeys,
      { nullEnvelope: isNullEnvelope(sealing) },
    )
    this.cluster = new ClusterOperations({
      member: options.member,
      key: options.key,
      committed: () => this.committed,
      dataAppliedIndex: () => this.dataAppliedIndex,
      raft: () => this.#raftNode(),
      proposeControl: (operation) => this.#raftNode().propose(this.#control(operation)),
      localPositions: (key) => this.#localPositions(key),
      ownUnfoldedBatches: () => this.#ownUnfoldedBatches(),
      nowMs: () => options.clock.now(),
      sleep: (ms) => this.#sleep(ms),
      noQuorumTimeoutMs: options.noQuorumTimeoutMs,
      positionsOf: options.positionsOf,
    })
  }

  /**
   * The committed state C. A restored Raft snapshot replaces it (and {@link applier} and
   * {@link view}) with the snapshot's: read it through this getter, not from a kept reference, and
   * subscribe again on `onRestored`.
   */
  get committed(): CommittedState {
    return this.#committed
  }

  /** The applier of C's log entries (replaced with C). */
  get applier(): LogApplier {
    return this.#applier
  }

  /** The size of the last snapshot of C taken or restored here, in bytes (0 before any). */
  get lastSnapshotBytes(): number {
    return this.#snapshotPolicy.lastSnapshotBytes
  }

  /** The local view V = C ⊔ the pending batches this node holds (local reads); keyed nodes only. */
  get view(): LocalView {
    if (this.#view === null) throw new RangeError('NodeCore: a keyless node holds no local view')
    return this.#view
  }

  /** Whether this node holds C's data layer (and V). */
  get keyed(): boolean {
    return this.#view !== null
  }

  /**
   * The delta stream this incarnation's eventual writes go to now (`key.incarnation.n`; n grows at
   * each dot rollover). Its key and incarnation never change within a start.
   */
  get stream(): StreamId {
    return this.#stream
  }

  /** Whether this incarnation's `open` has applied (strong writes wait for it). */
  get opened(): boolean {
    return this.#opened
  }

  /** Whether the Raft node reports itself leader. */
  get leading(): boolean {
    return this.#raft?.status().role === Role.Leader
  }

  /** Unfolded batches held (own and pushed), and their bytes. */
  get pendingBatches(): { readonly count: number; readonly bytes: number } {
    this.#prune()
    return { count: this.#pending.count, bytes: this.#pending.bytes }
  }

  /** Strong batches proposed and not yet seen applied. */
  get outstandingStrongBatches(): number {
    return this.#outstanding.size
  }

  /**
   * Starts: loads the durable delta log into the pending set, starts Raft (which replays the log
   * into C), then opens the incarnation and runs the clock and fold loops.
   */
  async start(): Promise<void> {
    const options = this.#options
    for (const stored of await options.deltaLog.load()) this.#pending.add(stored.stream, stored.batch)
    const raft = options.createRaft({
      stateMachine: {
        apply: (commands) =>
          commands.map((command) => this.#apply(command.index, command.term, command.data)),
        snapshot: () => this.#takeSnapshot(),
        restore: (data) => this.#restoreSnapshot(data),
        vetoConfChange: (change: ConfChange, at: ConfChangeAt) =>
          confChangeVeto(this.committed.public, change, at),
      },
      builtInSessions: false,
      commandKey: commandKeyOf,
      noQuorumTimeoutMs: options.noQuorumTimeoutMs,
      snapshotDue: (progress) => this.#snapshotDue(progress),
    })
    this.#raft = raft
    this.#running = true
    await raft.start()
    this.#every(Math.min(options.clockIntervalMs ?? 500, 1_000), () => this.#proposeClock())
    this.#every(options.foldIntervalMs ?? 100, () => {
      this.#proposeFold()
      this.#grants.tick()
    })
    void this.#openLoop()
  }

  /** Stops the loops and the Raft node; pending writes reject with the driver's NodeStoppedError. */
  async stop(): Promise<void> {
    this.#running = false
    for (const timer of this.#timers) timer.cancel()
    this.#timers.clear()
    await this.#raft?.stop()
  }

  /** Ends this core at once (a crash in the simulator): no loop or timer of it runs again. */
  halt(): void {
    this.#running = false
    for (const timer of this.#timers) timer.cancel()
    this.#timers.clear()
  }

  /**
   * A strong write. Conditional operations need a collection declared `writes: 'strong'`. With
   * `idempotency` (an app's retry key and the operation's hash), C answers a retry with the original
   * result, and refuses the key with another operation (`'idempotency-key-reuse'`).
   */
  strong(
    operation: DataOperation,
    options: { readonly idempotency?: StrongOperation['idempotency'] } = {},
  ): Promise<StrongWriteResult> {
    const data = this.#data()
    if (operation.kind !== 'declare') {
      const refusal = data.collections.refusal(
        operation.collection.name,
        'strong',
        this.#options.key,
        operation.kind === 'map-conditional',
      )
      if (refusal !== null) return Promise.reject(new WriteRefusedError(refusal))
    }
    return new Promise<StrongWriteResult>((resolve, reject) => {
      this.#strongQueue.push({ operation, idempotency: options.idempotency, waiter: { resolve, reject } })
      this.#scheduleStrongFlush()
    })
  }

  /** An eventual write: resolves once this node's delta stream holds it durably. */
  eventual(operation: EventualOperation): Promise<EventualWriteResult> {
    const refusal = this.#data().collections.refusal(
      operation.collection,
      'eventual',
      this.#options.key,
      false,
    )
    if (refusal !== null) return Promise.reject(new WriteRefusedError(refusal))
    const backlogMax = this.committed.public.constants.eventualBacklogBytesMax
    if (this.#pending.bytes + this.#queuedBytes >= backlogMax)
      return Promise.reject(new BacklogFullError('the eventual backlog is full'))
    const delta = this.#write(operation)
    // Read after the write: it may have rolled the stream over.
    const stream = this.#stream
    const stamp = this.#stampOf(delta)
    this.#queuedBytes += 64
    return new Promise<EventualWriteResult>((resolve, reject) => {
      this.#eventualQueue.push({ stream, delta, stamp, waiter: { resolve, reject } })
      if (this.#eventualFlushScheduled) return
      this.#eventualFlushScheduled = true
      void Promise.resolve().then(() => this.#flushEventual())
    })
  }

  /**
   * Takes a durable batch another node pushed (anti-entropy over the transport is the next step; the
   * simulator pushes directly). Batches C folded already are not kept.
   */
  receiveBatch(stream: StreamId, batch: FoldedBatchHeader): 'held' | 'refused' {
    const publicLayer = this.committed.public
    const parsed = parseStreamId(stream)
    // Not stored (design.md, "At receipt"): a key C has not admitted (fetched again once it has),
    // a batch above its stream's cutoff, one C folded already; and, at the backlog bound, nothing
    // more is pulled (the sender keeps it and offers it again; nothing held is dropped).
    if (parsed === null || publicLayer.membership.standing(parsed.key) === undefined) return 'refused'
    const cutoff = publicLayer.cutoff(stream)
    if (cutoff !== null && batch.sequence > cutoff) return 'refused'
    if (batch.sequence <= publicLayer.highWaters.highWater(stream)) return 'refused'
    if (this.#pending.bytes + batch.sealed.length > publicLayer.constants.eventualBacklogBytesMax)
      return 'refused'
    this.#pending.add(stream, batch)
    this.#offerToView(stream, batch)
    return 'held'
  }

  /** The pending batches this node holds (for pushes), sorted by stream and sequence. */
  pendingEntries(): { readonly stream: StreamId; readonly batch: FoldedBatchHeader }[] {
    this.#prune()
    return this.#pending.entries()
  }

  /**
   * What became of a strong write, as this node's C and proposals know it (design.md, "Sessions and
   * outcomes"): applied with its result, not applied (refused at apply, or withdrawn), pending, or
   * unknown-expired once C dropped the session's record.
   */
  outcome(writeId: WriteId): StrongWriteOutcome {
    const match = /^([0-9a-f]{64})\.([0-9a-f]{32})\.strong\/([1-9][0-9]*)\/(0|[1-9][0-9]*)$/.exec(writeId)
    if (match === null) throw new RangeError('NodeCore.outcome: not a strong write id')
    const [, key, incarnation, sequenceText, positionText] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ]
    const sequence = Number(sequenceText)
    const known = this.#data().sessions.outcome(key as WriterKey, incarnation as Incarnation, sequence)
    if (known.kind === 'applied') {
      const result = known.results[Number(positionText)]
      if (result === undefined) return { kind: 'unknown-expired' }
      return result.applied ? { kind: 'applied', result } : { kind: 'not-applied', reason: result.reason }
    }
    const own = key === this.#options.key && incarnation === this.#options.incarnation
    if (own && this.#withdrawn.has(sequence)) return { kind: 'not-applied', reason: 'withdrawn' }
    if (known.kind === 'not-seen' && own && this.#outstanding.has(sequence)) return { kind: 'pending' }
    return { kind: 'unknown-expired' }
  }

  /** Waits until C holds every strong write completed before the call (ReadIndex). */
  async linearizableBarrier(): Promise<number> {
    const raft = this.#raftNode()
    return (await raft.read({ linearizable: true })).index
  }

  /** A keyed node snapshots where both applied indices are equal, by the policy; a keyless one never. */
  /**
   * Asked by the Raft driver after each round. When the policy says so, C is captured here at its
   * applied index (cheap) and encoded beside the loop, which goes on applying, sending and ticking
   * (encoding a large C takes seconds: inside the loop it would stop heartbeats); the log is then
   * compacted to it with `compactToState`. So the driver itself never snapshots on its own (`false`);
   * it still asks `snapshot()` for a member that needs a fresh one.
   */
  #snapshotDue(progress: SnapshotProgress): boolean {
    const applier = this.#applier
    if (applier.dataAppliedIndex === null || applier.dataAppliedIndex !== applier.appliedIndex) return false
    // Waiting for an epoch key, C's data layer is behind its public one: no snapshot here.
    if (this.#keyWait !== null) return false
    if (this.#snapshotEncoding || applier.appliedIndex <= this.#snapshotIndex) return false
    if (this.#snapshotPolicy.due(progress.logBytesSinceSnapshot)) this.#snapshotBesideTheLoop()
    return false
  }

  #snapshotBesideTheLoop(): void {
    const raft = this.#raft
    if (raft === null) return
    const applied = { index: this.#applier.appliedIndex, term: this.#applier.appliedTerm }
    const captured = captureNodeSnapshot(this.#committed, applied)
    this.#snapshotEncoding = true
    encodeCapturedSnapshot(captured, this.#snapshotEncodingOptions())
      .then(async (bytes) => {
        await raft.compactToState(applied.index, applied.term, bytes)
        this.#snapshotPolicy.recordSnapshot(bytes.length)
        this.#snapshotIndex = Math.max(this.#snapshotIndex, applied.index)
      })
      // Refused when a snapshot from the leader got there first, or the node stopped: counted.
      .catch((error: unknown) => this.#countFailure('snapshot', error))
      .finally(() => {
        this.#snapshotEncoding = false
      })
  }

  /** A snapshot the driver asks for (a member that needs a fresh one): taken inside its loop. */
  async #takeSnapshot(): Promise<Uint8Array> {
    const applied = { index: this.#applier.appliedIndex, term: this.#applier.appliedTerm }
    const bytes = await takeNodeSnapshot(this.#committed, applied, this.#snapshotEncodingOptions())
    this.#snapshotPolicy.recordSnapshot(bytes.length)
    this.#snapshotIndex = Math.max(this.#snapshotIndex, applied.index)
    return bytes
  }

  #snapshotEncodingOptions(): TakeSnapshotOptions {
    const sealing = this.#options.sealing
    return {
      sealing: isNullEnvelope(sealing) ? null : sealing,
      chunkBytes: this.#options.snapshotChunkBytes ?? DEFAULT_SNAPSHOT_CHUNK_BYTES,
      yieldNow: () => this.#yieldNow(),
    }
  }

  /** Replaces C, its applier and V with a Raft snapshot's (a learner catching up, a restart). */
  async #restoreSnapshot(bytes: Uint8Array): Promise<void> {
    // A keyed node learns its own epochs from the snapshot's wrap table first; one that still
    // lacks an epoch C knows runs on the public part until a grant brings it (epoch-key-wait.ts).
    if (this.#awaitKeysForSnapshot(bytes)) return
    const sealing = this.#options.sealing
    const sealingOrNull = isNullEnvelope(sealing) ? null : sealing
    let restored: RestoredSnapshot
    try {
      restored = await restoreNodeSnapshot(bytes, {
        yieldNow: () => this.#yieldNow(),
        signatures: this.#signatures,
        opener: this.#opener,
        sealing: sealingOrNull,
        ...(this.#options.snapshotLimits === undefined ? {} : { limits: this.#options.snapshotLimits }),
      })
    } finally {
      // Restoring judges the snapshot's signer against the snapshot's own public layer: whatever
      // happened, the sealing reads standing from the C in force again.
      sealingOrNull?.attach(this.#committed.public)
    }
    const committed = restored.committed
    sealingOrNull?.attach(committed.public)
    this.#committed = committed
    this.#applier = this.#applierFor(committed)
    this.#view = this.#viewFor(committed)
    this.#snapshotPolicy.recordSnapshot(bytes.length)
    // V is rebuilt over the new C: held batches the snapshot folded are dropped, the rest offered.
    this.#inView.clear()
    this.#refreshView()
    if (committed.public.incarnations.current(this.#options.key) === this.#options.incarnation)
      this.#opened = true
    this.#settleRestored(restored.appliedTerm)
    this.#snapshotIndex = restored.appliedIndex
    this.#options.onRestored?.(restored.appliedIndex)
  }

  /** Lets the event loop run (an untracked timer: halt() must not strand the Raft driver waiting on it). */
  #yieldNow(): Promise<void> {
    return new Promise<void>((resolve) => this.#options.clock.setTimer(0, resolve))
  }

  /**
   * Answers own strong batches the snapshot covered: their results are in C's sessions. An applied
   * write resolves at the index its fencing token names, with the snapshot's term (C keeps no
   * entry's own term). For one that did not apply (a failed condition, say) C kept no index, so it
   * rejects with {@link StrongBatchRefusedError} carrying the reason; `outcome(writeId)` answers
   * `not-applied` with the same reason.
   */
  #settleRestored(term: number): void {
    const data = this.#committed.data
    if (data === null || this.#outstanding.size === 0) return
    const { key, incarnation } = this.#options
    for (const [sequence, batch] of [...this.#outstanding]) {
      const known = data.sessions.outcome(key, incarnation, sequence)
      if (known.kind !== 'applied') continue
      this.#outstanding.delete(sequence)
      if (batch.answered) continue
      batch.waiters.forEach((waiter, position) => {
        const writeId = strongWriteId(key, incarnation, sequence, position)
        const result = known.results[position]
        if (result === undefined) {
          waiter.reject(new StrongBatchRefusedError(writeId, 'no result for the operation'))
          return
        }
        if (!result.applied) {
          waiter.reject(new StrongBatchRefusedError(writeId, result.reason))
          return
        }
        waiter.resolve({
          index: Number(result.fencingToken >> 32n),
          term,
          fencingToken: result.fencingToken,
          writeId,
          result,
        })
      })
    }
    if (this.#strongQueue.length > 0) this.#scheduleStrongFlush()
  }

  #applierFor(committed: CommittedState): LogApplier {
    return new LogApplier({ committed, signatures: this.#signatures, opener: this.#opener })
  }

  #viewFor(committed: CommittedState): LocalView | null {
    return committed.data === null ? null : new LocalView({ committed, now: this.#options.wallClock })
  }

  #apply(index: number, term: number, bytes: Uint8Array): AppliedEntry {
    const snapshotWait = this.#snapshotWait
    if (snapshotWait !== null) {
      // Public only, on the snapshot's public part; reported once the snapshot restores whole.
      if (!snapshotWait.keep({ index, term, bytes })) this.keyWaitsAbandoned++
      const entry = this.applier.apply(index, term, bytes)
      if (this.committed.public.incarnations.current(this.#options.key) === this.#options.incarnation)
        this.#opened = true
      if (this.#grants.learn()) this.#epochLearned()
      return entry
    }
    // An entry sealed in an epoch this keyed node does not hold yet: the data layer waits for the
    // key (epoch-key-wait.ts), keeping C as it was and the entries from here on.
    const missing = this.#missingEpochs(bytes)
    if (this.#keyWait === null && missing.length > 0) this.#keyWait = new EpochKeyWait(this.committed)
    const wait = this.#keyWait
    if (wait !== null && !wait.keep({ index, term, bytes }, missing)) {
      this.#keyWait = null
      this.keyWaitsAbandoned++
    }
    const entry = this.applier.apply(index, term, bytes)
    if (this.committed.public.incarnations.current(this.#options.key) === this.#options.incarnation)
      this.#opened = true
    const learnt = this.#grants.learn()
    // A kept entry is reported once C is rebuilt with its key (its data outcome is known only then).
    if (wait === null) {
      this.#settleOwnBatches(entry)
      this.#options.onApplied?.(entry)
    }
    if (learnt) this.#epochLearned()
    return entry
  }

  /** The epochs `bytes` is sealed in that C knows and this keyed node lacks (none when keyless). */
  #missingEpochs(bytes: Uint8Array): number[] {
    const sealing = this.#options.sealing
    if (isNullEnvelope(sealing) || this.#opener === null) return []
    const keys = sealing.keys
    // The common case costs no decoding: every epoch C knows is held.
    if (this.committed.public.epochs().every((epoch) => keys.hasEpochKey(epoch))) return []
    return missingEpochsOf(
      bytes,
      (epoch) => this.committed.public.knowsEpoch(epoch),
      (epoch) => keys.hasEpochKey(epoch),
    )
  }

  /** Whether this node holds every epoch C knows. */
  #holdsEveryKnownEpoch(): boolean {
    return this.committed.public.epochs().every((epoch) => this.#holdsEpoch(epoch))
  }

  /**
   * Before restoring a Raft snapshot on a keyed node: learns the node's own rows of its wrap table,
   * and when an epoch C knows is still missing, switches to the snapshot's public part and waits
   * (returns `true`). A snapshot that does not decode is left to the normal restore to refuse.
   */
  #awaitKeysForSnapshot(bytes: Uint8Array): boolean {
    const sealing = this.#options.sealing
    if (isNullEnvelope(sealing) || this.#opener === null || sealing.epochKeys === null) return false
    let publicLayer: CommittedState
    try {
      const snapshot = decodeNodeSnapshot(bytes)
      publicLayer = restoreCommittedStateFrom(
        { public: decodePublicSnapshot(snapshot.publicBytes, this.#options.snapshotLimits), data: null },
        { signatures: this.#signatures, opener: null },
      )
    } catch (error) {
      if (error instanceof MalformedOperationError) return false
      throw error
    }
    const epochKeys = sealing.epochKeys
    for (const epoch of publicLayer.public.epochs()) {
      const wrapped = publicLayer.public.wrapOf(epoch, this.#options.key)
      if (wrapped !== undefined) epochKeys.learn(epoch, wrapped)
    }
    if (publicLayer.public.epochs().every((epoch) => sealing.keys.hasEpochKey(epoch))) return false
    this.#keyWait = null
    this.#snapshotWait = new SnapshotKeyWait(bytes)
    sealing.attach(publicLayer.public)
    this.#committed = publicLayer
    this.#applier = new LogApplier({ committed: publicLayer, signatures: this.#signatures, opener: null })
    this.#view = null
    this.#inView.clear()
    this.#grants.reset()
    this.#grants.learn()
    return true
  }

  /**
   * The keys a waiting snapshot needs are held: it is restored whole, then the entries kept since
   * apply again on top of it (those that arrive during the restore too), each reported as it applies.
   */
  #resumeFromSnapshot(wait: SnapshotKeyWait): void {
    const sealing = this.#options.sealing
    const sealingOrNull = isNullEnvelope(sealing) ? null : sealing
    wait.resuming = true
    const restoring = Promise.resolve().then(() =>
      restoreNodeSnapshot(wait.snapshot, {
        signatures: this.#signatures,
        opener: this.#opener,
        sealing: sealingOrNull,
        ...(this.#options.snapshotLimits === undefined ? {} : { limits: this.#options.snapshotLimits }),
      }),
    )
    restoring.then(
      (restored) => {
        if (this.#snapshotWait !== wait) return
        this.#snapshotWait = null
        const committed = restored.committed
        sealingOrNull?.attach(committed.public)
        this.#committed = committed
        this.#applier = this.#applierFor(committed)
        this.#view = this.#viewFor(committed)
        this.#inView.clear()
        this.#grants.reset()
        this.#grants.learn()
        for (const kept of wait.entries)
          if (kept.index > restored.appliedIndex) this.#apply(kept.index, kept.term, kept.bytes)
        this.#refreshView()
        this.#options.onRestored?.(this.#applier.appliedIndex)
        if (this.#strongQueue.length > 0) this.#scheduleStrongFlush()
      },
      (error: unknown) => {
        // The snapshot does not open even with the keys: it stays public only (counted).
        if (this.#snapshotWait !== wait) return
        sealingOrNull?.attach(this.committed.public)
        wait.resuming = false
        this.#countFailure('snapshot restore', error)
      },
    )
  }

  /** Whether this node holds `epoch`'s key (always, under the null envelope). */
  #holdsEpoch(epoch: number): boolean {
    const sealing = this.#options.sealing
    return isNullEnvelope(sealing) || sealing.keys.hasEpochKey(epoch)
  }

  /**
   * The keys the kept entries need are all held: C is rebuilt from the state kept before them and
   * they apply again, now opened, each reported as it applies (observers see C at its index).
   */
  #resumeAfterKeys(wait: EpochKeyWait): void {
    this.#keyWait = null
    const committed = restoreCommittedStateFrom(wait.base, {
      signatures: this.#signatures,
      opener: this.#opener,
    })
    const sealing = this.#options.sealing
    if (!isNullEnvelope(sealing)) sealing.attach(committed.public)
    this.#committed = committed
    this.#applier = this.#applierFor(committed)
    this.#view = this.#viewFor(committed)
    this.#inView.clear()
    this.#grants.reset()
    for (const kept of wait.entries) {
      const entry = this.#applier.apply(kept.index, kept.term, kept.bytes)
      this.#grants.learn()
      this.#settleOwnBatches(entry)
      this.#options.onApplied?.(entry)
    }
    if (committed.public.incarnations.current(this.#options.key) === this.#options.incarnation)
      this.#opened = true
    this.#options.onRestored?.(this.#applier.appliedIndex)
  }

  /**
   * A grant to this node applied (or, after a restart, its own rows replayed): batches that waited
   * for the key are offered to V again, and writes that waited for a key go out.
   */
  #epochLearned(): void {
    const snapshotWait = this.#snapshotWait
    if (snapshotWait !== null && !snapshotWait.resuming && this.#holdsEveryKnownEpoch())
      this.#resumeFromSnapshot(snapshotWait)
    const wait = this.#keyWait
    if (wait?.satisfied((epoch) => this.#holdsEpoch(epoch)) === true) this.#resumeAfterKeys(wait)
    this.#refreshView()
    if (this.#strongQueue.length > 0) this.#scheduleStrongFlush()
  }

  /**
   * The index C's data layer stands at: while it waits for an epoch key, the index before the
   * first entry that needs it; `null` on a keyless node.
   */
  get dataAppliedIndex(): number | null {
    if (this.#snapshotWait !== null) return null
    if (this.#keyWait !== null) return this.#keyWait.baseIndex
    return this.applier.dataAppliedIndex
  }

  /** The epochs the data layer waits for (empty when it is not waiting). */
  get awaitedEpochs(): number[] {
    return this.#keyWait?.neededEpochs ?? []
  }

  /** Whether this node holds an epoch key to seal with (always, under the null envelope). */
  get holdsEpochKey(): boolean {
    const sealing = this.#options.sealing
    if (isNullEnvelope(sealing)) return true
    // Waiting on a snapshot's keys, C has no data layer yet: nothing can be written or read.
    return sealing.keys.newestEpoch() !== null && this.#snapshotWait === null
  }

  /**
   * Admits `member` with writer `key` as a learner: C's `add-learner` first (a refusal rejects with
   * `MembershipChangeRefusedError` and Raft is not touched), then Raft's AddLearner. See
   * {@link ClusterOperations.addLearner}.
   */
  addLearner(member: MemberId, key: WriterKey, options: { readonly keyed: boolean }): Promise<ConfState> {
    return this.cluster.addLearner(member, { keyed: options.keyed, key })
  }

  /** Makes a caught-up learner a voter: C's `promote`, then Raft's AddVoter. See {@link ClusterOperations.promote}. */
  promote(member: MemberId, options: PromoteOptions = {}): Promise<ConfState> {
    return this.cluster.promote(member, options)
  }

  /** Removes a member (cutoffs recorded from `positionsOf` and this node's positions); does not wait for it. */
  remove(member: MemberId): Promise<ConfState> {
    return this.cluster.remove(member)
  }

  /** Waits (at most the NoQuorum bound) until this node's batches are folded, then removes itself. */
  leave(): Promise<LeaveOutcome> {
    return this.cluster.leave()
  }

  /** Hands leadership to `member`; resolves once this node sees it lead. */
  transferLeadership(member: MemberId): Promise<void> {
    return this.cluster.transferLeadership(member)
  }

  /** The cluster as this node sees it: members, roles, keyed flags, indexes, lag when leading. */
  clusterStatus(): ClusterStatus {
    return this.cluster.status()
  }

  /** The Raft node's status; `null` before `start`. */
  raftStatus(): ReturnType<NodeRaft['status']> | null {
    return this.#raft?.status() ?? null
  }

  /** Answers the writes of own strong batches this entry applied or refused. */
  #settleOwnBatches(entry: AppliedEntry): void {
    if (this.#outstanding.size === 0) return
    const before = this.#outstanding.size
    this.#settleApplied(entry)
    if (this.#outstanding.size < before && this.#strongQueue.length > 0) this.#scheduleStrongFlush()
  }

  #settleApplied(entry: AppliedEntry): void {
    const { key, incarnation } = this.#options
    for (const refusal of entry.strongBatchRefusals) {
      if (refusal.key !== key || refusal.incarnation !== incarnation) continue
      const batch = this.#outstanding.get(refusal.sequence)
      if (batch === undefined) continue
      this.#outstanding.delete(refusal.sequence)
      if (batch.answered) continue
      batch.waiters.forEach((waiter, position) => {
        const writeId = strongWriteId(key, incarnation, refusal.sequence, position)
        waiter.reject(new StrongBatchRefusedError(writeId, refusal.reason))
      })
    }
    for (const [sequence, batch] of [...this.#outstanding]) {
      const first = entry.writes.get(strongWriteId(key, incarnation, sequence, 0))
      if (first === undefined) continue
      this.#outstanding.delete(sequence)
      if (batch.answered) continue
      batch.waiters.forEach((waiter, position) => {
        const writeId = strongWriteId(key, incarnation, sequence, position)
        const outcome = entry.writes.get(writeId)
        if (outcome?.kind !== 'strong') {
          waiter.reject(new StrongBatchRefusedError(writeId, 'no result for the operation'))
          return
        }
        const result = outcome.result
        waiter.resolve({
          index: entry.index,
          term: entry.term,
          fencingToken: result.applied ? result.fencingToken : null,
          writeId,
          result,
        })
      })
    }
  }

  #scheduleStrongFlush(): void {
    // A joiner waits for its first grant: without an epoch key nothing can be sealed.
    if (this.#strongFlushScheduled || !this.#opened || !this.holdsEpochKey) return
    this.#strongFlushScheduled = true
    void Promise.resolve().then(() => this.#flushStrong())
  }

  #flushStrong(): void {
    this.#strongFlushScheduled = false
    if (!this.#running || !this.#opened || !this.holdsEpochKey || this.#strongQueue.length === 0) return
    const { key, incarnation } = this.#options
    const floor = Math.min(this.#strongNext, ...this.#outstanding.keys())
    // C refuses a batch at or beyond floor + the session window; the queue waits for the floor to
    // rise (an outstanding batch applying) instead, so no write is refused for running ahead.
    if (this.#strongNext >= floor + this.committed.public.constants.sessionResultsMax) return
    const queued = this.#strongQueue
    this.#strongQueue = []
    const sequence = this.#strongNext++
    const batch: OutstandingBatch = { waiters: queued.map((item) => item.waiter), answered: false }
    this.#outstanding.set(sequence, batch)
    const payload = {
      stamp: this.#nextStamp(),
      operations: queued.map(({ operation, idempotency }) =>
        idempotency === undefined ? { operation } : { operation, idempotency },
      ),
    }
    let item: LogItem
    try {
      item = this.#sealStrong({ incarnation, sequence, floor }, payload)
    } catch (error) {
      // Not sealed (no epoch key): it never left the node, so it is withdrawn like a NoQuorum one.
      this.#outstanding.delete(sequence)
      this.#withdrawn.add(sequence)
      batch.answered = true
      for (const waiter of batch.waiters) waiter.reject(error)
      return
    }
    const command = encodeLogEntry([item])
    this.#raftNode()
      .propose(command)
      .catch((error: unknown) => {
        if (!this.#outstanding.has(sequence) || batch.answered) return
        batch.answered = true
        if (error instanceof RaftNoQuorumError && error.outcome === 'not-applied') {
          // Withdrawn before it left the node: it can never apply, so its result is "delivered".
          this.#outstanding.delete(sequence)
          this.#withdrawn.add(sequence)
          if (this.#strongQueue.length > 0) this.#scheduleStrongFlush()
        }
        batch.waiters.forEach((waiter, position) => {
          const writeId = strongWriteId(key, incarnation, sequence, position)
          waiter.reject(
            error instanceof RaftNoQuorumError
              ? new NoQuorumError(error.outcome, writeId, error.reason)
              : error,
          )
        })
      })
  }

  /**
   * Seals the queued eventual writes into the next batch of the stream and appends it. One append
   * at a time: the writes queued while a batch waits for its fsync become the next batch (group
   * commit sized by the disk's latency), and the stream becomes durable in sequence order, so no
   * gap is ever durable.
   */
  async #flushEventual(): Promise<void> {
    this.#eventualFlushScheduled = false
    if (this.#eventualAppending) return
    // A batch is sealed in one stream: the writes queued before a rollover go first, alone.
    const first = this.#eventualQueue[0]
    let count = 0
    while (
      count < this.#eventualQueue.length &&
      count < EVENTUAL_WRITES_PER_BATCH_MAX &&
      this.#eventualQueue[count]?.stream === first?.stream
    )
      count++
    const queued = this.#eventualQueue.splice(0, count)
    this.#queuedBytes -= queued.length * 64
    if (queued.length === 0) return
    this.#eventualAppending = true
    try {
      await this.#appendEventual(queued)
    } finally {
      this.#eventualAppending = false
      if (this.#eventualQueue.length > 0 && !this.#eventualFlushScheduled) {
        this.#eventualFlushScheduled = true
        void Promise.resolve().then(() => this.#flushEventual())
      }
    }
  }

  async #appendEventual(queued: readonly QueuedEventual[]): Promise<void> {
    const stream = (queued[0] as QueuedEventual).stream
    if (stream !== this.#sealingStream) {
      // The first batch of a rollover's stream: every batch of the previous one was handed to the
      // delta log already (one append at a time), so the log may move its own stream here.
      this.#sealingStream = stream
      this.#streamNext = 1
    }
    const sequence = this.#streamNext
    let batch: FoldedBatchHeader
    try {
      batch = this.#sealEventual(
        stream,
        sequence,
        queued.map((item) => item.delta),
      )
    } catch (error) {
      // The sequence is taken only once sealed: a failed seal leaves no gap in the stream.
      for (const item of queued) item.waiter.reject(error)
      return
    }
    this.#streamNext++
    try {
      await this.#options.deltaLog.append(stream, batch)
    } catch (error) {
      for (const item of queued) item.waiter.reject(error)
      return
    }
    this.#pending.add(stream, batch)
    this.#offerToView(stream, batch)
    if (this.#running) this.#options.onBatchDurable?.(stream, batch)
    queued.forEach((item, position) => {
      item.waiter.resolve({ stamp: item.stamp, writeId: eventualWriteId(stream, sequence, position) })
    })
  }

  #write(operation: EventualOperation): Delta {
    if (this.#streamDots >= this.#streamDotsMax) this.#rollOver()
    const delta = this.#writeIn(this.#replica, operation)
    // The delta's context names the new dot (the greatest of this stream's it names).
    const own = delta.nodes.indexOf(this.#stream)
    const ranges = own < 0 ? undefined : delta.ranges[own]
    const last = ranges?.[ranges.length - 1]
    if (last !== undefined && last > this.#streamDots) this.#streamDots = last
    return delta
  }

  #writeIn(writer: Replica, operation: EventualOperation): Delta {
    switch (operation.kind) {
      case 'map-set':
        return writer.map(operation.collection).set(operation.key, operation.value)
      case 'map-delete':
        return writer.map(operation.collection).delete(operation.key)
      case 'set-add':
        return writer.set(operation.collection).add(operation.element)
      case 'set-delete':
        return writer.set(operation.collection).delete(operation.element)
      case 'register-set':
        return writer.register(operation.collection).set(operation.value)
    }
  }

  /**
   * A dot rollover (design.md, "Identities"): new writes go to stream n + 1 of this incarnation,
   * under a fresh replica of that CRDT id, before the current one's dots pass `streamDotsMax`. The
   * writes already queued stay tagged with stream n and are sealed there first (#flushEventual).
   */
  #rollOver(): void {
    this.#rollover++
    const next = streamId(this.#options.key, this.#options.incarnation, this.#rollover)
    const replica = new Replica({ node: next, now: () => this.#observedWallMs() })
    // The clock carries over: every later stamp is above every one issued so far, so a later write
    // of this writer still wins under LWW. So do the writes: a set delete after the rollover still
    // names the dots of an element added before it. C may fold that delete before the batch of
    // stream n that added them: the scoped merge then records the removal of those unseen dots and
    // drops the add when it folds, as if it had come first (it refuses nothing).
    const previous = this.#replica.clock
    replica.clock.observe(previous.wallMs, previous.logical)
    replica.apply(this.#replica.state(), { origin: 'remote' }, { drift: 'cap' })
    this.#stream = next
    this.#replica = replica
    this.#streamDots = 0
  }

  /** The stamp of a write: its entry's HLC stamp, or (a set operation) the core's next stamp. */
  #stampOf(delta: Delta): StampTime {
    for (const collection of delta.collections) {
      for (const entry of collection.entries) return { wallMs: entry.wallMs, logical: entry.logical }
    }
    return this.#nextStamp()
  }

  /** The wall clock, raised past the greatest stamp that took effect in C, within driftMax. */
  #observedWallMs(): number {
    const wallMs = this.#options.wallClock()
    const latest = this.committed.data?.strongClock.latest
    if (latest === undefined) return wallMs
    const driftMaxMs = this.committed.public.constants.driftMaxMs
    return Math.max(wallMs, Math.min(latest.wallMs + 1, wallMs + driftMaxMs))
  }

  /** A stamp above every earlier one of this core (the proposer's stamp of a strong batch). */
  #nextStamp(): StampTime {
    const nowMs = Math.floor(this.#options.wallClock())
    const last = this.#lastStamp
    this.#lastStamp =
      nowMs > last.wallMs ? { wallMs: nowMs, logical: 0 } : { wallMs: last.wallMs, logical: last.logical + 1 }
    return this.#lastStamp
  }

  async #openLoop(): Promise<void> {
    const { key, incarnation } = this.#options
    while (this.#running && !this.#opened) {
      try {
        if (!this.#founded) await this.#found()
        await this.linearizableBarrier()
        if (this.#opened || !this.#running) break
        const publicLayer = this.committed.public
        // Log time starts with the voters' clock entries: a strong write stamped before it would be
        // capped at driftMax since the epoch (below every eventual stamp), so none goes before it.
        if (publicLayer.logTime.nowMs === 0) this.#proposeClock()
        else if (publicLayer.membership.mayWriteAt(key, publicLayer.appliedIndex + 1)) {
          const expected = publicLayer.incarnations.current(key)
          await this.#raftNode().propose(this.#control({ kind: 'open', incarnation, expected }))
        }
      } catch (error) {
        this.#countFailure('open', error)
      }
      if (!this.#opened) await this.#sleep(this.#options.retryMs ?? 200)
    }
    if (this.#opened) this.#scheduleStrongFlush()
  }

  /**
   * The founder's entry: `init` for itself alone, epoch 1 wrapped to its own key. Proposed only
   * while C (caught up by the barrier before it) has no member, so a retried `init` never draws a
   * second secret for a cluster that exists.
   */
  async #found(): Promise<void> {
    await this.linearizableBarrier()
    if (this.committed.public.membership.members().length > 0) {
      this.#founded = true
      return
    }
    const { member, key } = this.#options
    const wrapped = this.#grants.firstEpochWrap()
    await this.#raftNode().propose(this.#control({ kind: 'init', member, key, wrapped }))
    this.#founded = this.committed.public.membership.members().length > 0
  }

  /** This node's highest contiguous held sequence of each of `key`'s streams above h (removal cutoffs). */
  #localPositions(key: WriterKey): [StreamId, number][] {
    const highWaters = this.committed.public.highWaters
    const positions = new Map<StreamId, number>()
    for (const { stream, batch } of this.pendingEntries()) {
      if (parseStreamId(stream)?.key !== key) continue
      const held = positions.get(stream) ?? highWaters.highWater(stream)
      if (batch.sequence === held + 1) positions.set(stream, batch.sequence)
    }
    return [...positions]
  }

  /** Own batches (any incarnation of this key) not folded yet. */
  #ownUnfoldedBatches(): number {
    return this.pendingEntries().filter(({ stream }) => parseStreamId(stream)?.key === this.#options.key)
      .length
  }

  #proposeClock(): void {
    const { member, key } = this.#options
    const publicLayer = this.committed.public
    if (this.#clockInFlight || !publicLayer.membership.member(member)?.voter) return
    if (!publicLayer.membership.mayWriteAt(key, publicLayer.appliedIndex + 1)) return
    const readingMs = Math.max(0, Math.floor(this.#options.wallClock()))
    this.#clockInFlight = true
    this.#raftNode()
      .propose(this.#control({ kind: 'clock', member, readingMs }))
      .catch((error: unknown) => this.#countFailure('clock', error))
      .finally(() => {
        this.#clockInFlight = false
      })
  }

  /**
   * Hands a held batch to V. V refuses a batch whose key C has not admitted yet (after a restart, C
   * is still replaying when the delta log loads), so such batches are offered again each fold tick.
   */
  #offerToView(stream: StreamId, batch: FoldedBatchHeader): void {
    const id = `${stream}/${batch.sequence}`
    const view = this.#view
    const opener = this.#opener
    if (view === null || opener === null || this.#inView.has(id)) return
    // A key C has not admitted yet cannot be judged (its signature's standing is unknown): offered
    // again once C admits it.
    const parsed = parseStreamId(stream)
    if (parsed !== null && this.committed.public.membership.standing(parsed.key) === undefined) return
    const deltas = opener.openEventualBatch(stream, batch)
    if (typeof deltas === 'string') {
      // Never mergeable; the fold refuses it identically on every node. A missing epoch key is not
      // a verdict: the batch is offered again once the key arrives.
      if (!isMissingEpochKeyReason(deltas)) this.#inView.add(id)
      return
    }
    const admission = view.addPending(stream, {
      sequence: batch.sequence,
      epoch: batch.epoch,
      deltas,
      bytes: batch.sealed.length,
    })
    if (admission !== 'key-not-admitted') this.#inView.add(id)
  }

  /** Offers V every held batch it has not taken yet, and forgets the ids of folded ones. */
  #refreshView(): void {
    this.#prune()
    const held = new Set<string>()
    for (const { stream, batch } of this.#pending.entries()) {
      const id = `${stream}/${batch.sequence}`
      held.add(id)
      if (!this.#inView.has(id)) this.#offerToView(stream, batch)
    }
    for (const id of this.#inView) if (!held.has(id)) this.#inView.delete(id)
  }

  #proposeFold(): void {
    this.#refreshView()
    if (this.#foldInFlight || !this.leading) return
    const publicLayer = this.committed.public
    // Before log time starts every folded stamp would clamp to driftMax and tie (see #openLoop).
    if (publicLayer.logTime.nowMs === 0) return
    if (!publicLayer.membership.mayWriteAt(this.#options.key, publicLayer.appliedIndex + 1)) return
    this.#prune()
    const runs = this.#pending.nextFold(
      (stream) => publicLayer.highWaters.highWater(stream),
      publicLayer.constants.foldBytesMax,
    )
    if (runs.length === 0) return
    this.#foldInFlight = true
    this.#raftNode()
      .propose(this.#control({ kind: 'fold', runs }))
      .catch((error: unknown) => this.#countFailure('fold', error))
      .finally(() => {
        this.#foldInFlight = false
      })
  }

  #control(operation: ControlOperation): Uint8Array {
    return encodeLogEntry([this.#signControl(operation)])
  }

  #signControl(operation: ControlOperation): LogItem {
    if (this.#sealer !== null) return this.#sealer.signControl(operation)
    return { kind: 'control', signer: this.#options.key, operation, signature: NO_SIGNATURE }
  }

  /** Seals a strong batch; throws the envelope's `UnknownEpochError` without an epoch key. */
  #sealStrong(
    session: { readonly incarnation: Incarnation; readonly sequence: number; readonly floor: number },
    payload: StrongBatchPayload,
  ): LogItem {
    if (this.#sealer !== null) return this.#sealer.sealStrongBatch(session, payload)
    return {
      kind: 'strong',
      header: { key: this.#options.key, ...session, epoch: NULL_ENVELOPE_EPOCH },
      signature: NO_SIGNATURE,
      sealed: encodeStrongPayload(payload),
    }
  }

  /** Seals one eventual group commit; throws the envelope's `UnknownEpochError` without an epoch key. */
  #sealEventual(stream: StreamId, sequence: number, deltas: readonly Delta[]): FoldedBatchHeader {
    if (this.#sealer !== null) return this.#sealer.sealEventualBatch(stream, sequence, deltas)
    return {
      sequence,
      epoch: NULL_ENVELOPE_EPOCH,
      sealed: encodeEventualPayload(deltas),
      signature: NO_SIGNATURE,
    }
  }

  #prune(): void {
    const highWaters = this.committed.public.highWaters
    this.#pending.prune((stream) => highWaters.highWater(stream))
  }

  #countFailure(kind: string, error: unknown): void {
    const name = error instanceof Error ? error.name : 'unknown'
    const label = `${kind}: ${name}`
    this.proposalFailures.set(label, (this.proposalFailures.get(label) ?? 0) + 1)
  }

  #every(intervalMs: number, run: () => void): void {
    const tick = (): void => {
      if (!this.#running) return
      run()
      this.#schedule(intervalMs, tick)
    }
    this.#schedule(intervalMs, tick)
  }

  #schedule(ms: number, callback: () => void): void {
    const timer = this.#options.clock.setTimer(ms, () => {
      this.#timers.delete(timer)
      callback()
    })
    this.#timers.add(timer)
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#schedule(ms, resolve))
  }

  #data() {
    const data = this.committed.data
    if (data === null) throw new RangeError('NodeCore: a keyless node holds no data layer')
    return data
  }

  #raftNode(): NodeRaft {
    if (this.#raft === null) throw new RangeError('NodeCore: not started')
    return this.#raft
  }
}
