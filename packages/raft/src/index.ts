/**
 * @tandem/raft — a pure, deterministic Raft core in etcd/raft's shape ({@link RawNode}) and its
 * driver ({@link RaftNode}) over injected storage, transport, state machine and clock; a protobuf
 * wire codec; the one in-memory log ({@link MemoryLog}) and an in-memory network. Nothing here
 * imports a Node built-in. Conformance suites for storage and transport adapters are in the
 * `@tandem/raft/testing` entry.
 *
 * @example
 * ```ts
 * import { systemClock } from '@tandem/base/system'
 * import { MemoryLogStorage, MemoryNetwork, RaftNode, SeededRandom } from '@tandem/raft'
 *
 * const network = new MemoryNetwork({ schedule: setImmediate })
 * const ids = ['a', 'b', 'c']
 * const nodes = ids.map((id, i) => new RaftNode({
 *   id, clock: systemClock(), random: new SeededRandom(i + 1),
 *   transport: network.transport(id), snapshotTransport: network.snapshotTransport(id),
 *   storage: new MemoryLogStorage({ voters: ids }),
 *   stateMachine: { apply: (cmds) => cmds.map((c) => c.index), snapshot: () => new Uint8Array(), restore: () => {} },
 * }))
 * for (const node of nodes) await node.start()
 * ```
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// The driver: RaftNode and what it is given.

/**
 * `(term, index)` folded into one monotonic bigint: a later write always carries a larger token.
 *
 * @example
 * ```ts
 * fencingToken(3, 120) > fencingToken(2, 9_000) // true: a later term always wins
 * ```
 */
/**
 * A fencing token split back into its term and index.
 *
 * @example
 * ```ts
 * fencingTokenParts(fencingToken(3, 120)) // { term: 3, index: 120 }
 * ```
 */
export { fencingToken, fencingTokenParts } from './driver/fencing.js'
/**
 * The application's deterministic state machine: apply committed commands, snapshot, restore.
 *
 * @example
 * ```ts
 * const stateMachine: StateMachine<number> = {
 *   apply: (commands) => commands.map((command) => command.data.length),
 *   snapshot: () => new Uint8Array(),
 *   restore: () => {},
 * }
 * ```
 */
/**
 * A committed command as handed to the state machine: index, term, the proposed bytes and its fencing token.
 *
 * @example
 * ```ts
 * const apply = (commands: readonly AppliedCommand[]) => commands.map((command) => command.fencingToken)
 * ```
 */
/**
 * Stable storage as the driver uses it: synchronous reads (the core's {@link LogStorageReader}),
 * writes that resolve once durable. {@link MemoryLogStorage} here, `WalLogStorage` in `@tandem/wal`.
 *
 * @example
 * ```ts
 * const storage: LogStorage = new MemoryLogStorage({ voters: ['a', 'b', 'c'] })
 * await storage.save({ hardState: { term: 2, vote: 'a', commit: 3 }, entries: [], snapshot: null })
 * ```
 */
/**
 * One persisted batch, the durable part of a `Ready`: snapshot, entries, hard state — one sync.
 *
 * @example
 * ```ts
 * const batch: PersistBatch = { hardState: ready.hardState, entries: ready.entries, snapshot: ready.snapshot }
 * ```
 */
/**
 * The network as the driver sees it: fire-and-forget sends and one handler for received messages.
 *
 * @example
 * ```ts
 * const transport: Transport = { send: (messages) => socket.write(messages.map(encodeMessage)), onMessage: (handler) => (onFrame = (bytes) => handler(decodeMessage(bytes))) }
 * ```
 */
/**
 * The shared vocabulary's monotonic clock with timers (`@tandem/base`), which the driver is given.
 *
 * @example
 * ```ts
 * import { systemClock } from '@tandem/base/system'
 * const clock: Clock = systemClock()
 * ```
 */
/**
 * Cancels a timer set by a {@link Clock} (`@tandem/base`).
 *
 * @example
 * ```ts
 * const handle: TimerHandle = clock.setTimer(100, tick)
 * handle.cancel()
 * ```
 */
/**
 * The part of an `AbortSignal` a snapshot transport reads; a real `AbortSignal` fits it.
 *
 * @example
 * ```ts
 * const signal: CancelSignal = AbortSignal.timeout(30_000)
 * ```
 */
/**
 * A snapshot on its way from a leader to one follower, with the sender's term.
 *
 * @example
 * ```ts
 * const message: SnapshotMessage = { from: 'a', to: 'c', term: 4, snapshot: storage.snapshot() }
 * ```
 */
/**
 * The path of snapshots, apart from the Raft messages: `send` resolves once the receiver holds the
 * snapshot whole; `onSnapshot` takes received ones (a throwing handler refuses).
 *
 * @example
 * ```ts
 * const network = new MemoryNetwork()
 * const node = new RaftNode({ id: 'a', storage, transport: network.transport('a'), snapshotTransport: network.snapshotTransport('a'), stateMachine, clock, random })
 * ```
 */
export type {
  AppliedCommand,
  CancelSignal,
  Clock,
  LogStorage,
  PersistBatch,
  SnapshotMessage,
  SnapshotTransport,
  StateMachine,
  TimerHandle,
  Transport,
} from './driver/interfaces.js'
/**
 * How a {@link RaftNode} is built: the injected components, then timing, limits and snapshot tuning.
 *
 * @example
 * ```ts
 * const options: RaftNodeOptions = { id, storage, transport, snapshotTransport, stateMachine, clock, random, tickMs: 50, electionTicks: 10, appendBytesMax: 1 << 20 }
 * ```
 */
/**
 * Options of {@link RaftNode.propose}: a deadline, and an application-chosen identity for retries across processes.
 *
 * @example
 * ```ts
 * await node.propose(bytes, { timeoutMs: 2_000, idempotency: { clientId: 'checkout-7', sequence: 12 } })
 * ```
 */
/**
 * Options of {@link RaftNode.read}: linearizable (ReadIndex) or local, and a deadline.
 *
 * @example
 * ```ts
 * const { index } = await node.read({ linearizable: true, timeoutMs: 1_000 })
 * ```
 */
/**
 * What {@link RaftNode.status} returns: role, term, leader, commit, applied, log size, progress and
 * counters (elections, leader changes, safety refusals).
 *
 * @example
 * ```ts
 * const { role, term, leader, commit, applied, safetyRefusalCount } = node.status()
 * if (safetyRefusalCount > 0) alert('a peer tried to overwrite a committed entry')
 * ```
 */
/**
 * The events of {@link RaftNode.onChange}: role, leader, membership, snapshots, stop and failure.
 *
 * @example
 * ```ts
 * const unsubscribe = node.onChange((event: RaftNodeEvent) => { if (event.type === 'leader') console.log('leader is', event.leader) })
 * ```
 */
export type {
  ProposeOptions,
  RaftNodeEvent,
  RaftNodeOptions,
  RaftNodeStatus,
  ReadOptions,
  SnapshotProgress,
} from './driver/options.js'
/**
 * What a proposal resolves with: the state machine's result, the entry's index and term, and its fencing token.
 *
 * @example
 * ```ts
 * const outcome: ProposalOutcome<Uint8Array> = await node.propose(bytes)
 * if (!outcome.duplicate) use(outcome.result)
 * ```
 */
export type { ProposalOutcome } from './driver/proposals.js'
/**
 * A Raft node: runs the core's loop (persist → send → apply → advance) over injected storage,
 * transport, state machine and clock; proposals resolve on apply, exactly once.
 *
 * @example
 * ```ts
 * import { MemoryLogStorage, MemoryNetwork, RaftNode, SeededRandom } from '@tandem/raft'
 * import { systemClock } from '@tandem/base/system'
 * const network = new MemoryNetwork()
 * const node = new RaftNode({
 *   id: 'a', clock: systemClock(), random: new SeededRandom(1), storage: new MemoryLogStorage({ voters: ['a'] }),
 *   transport: network.transport('a'), snapshotTransport: network.snapshotTransport('a'),
 *   stateMachine: { apply: (commands) => commands.map((c) => c.index), snapshot: () => new Uint8Array(), restore: () => {} },
 * })
 * await node.start()
 * node.campaign()
 * ```
 */
export { RaftNode } from './driver/raft-node.js'
/**
 * What a read resolves with: the state machine has applied at least through `index`.
 *
 * @example
 * ```ts
 * const { index }: ReadOutcome = await node.read({ linearizable: true })
 * ```
 */
export type { ReadOutcome } from './driver/reads.js'
/**
 * The most applied-but-unacknowledged sequences one client session keeps: a constant of the
 * protocol (it decides which duplicates every node recognizes), equal on every node.
 *
 * @example
 * ```ts
 * import { SEQUENCES_PER_SESSION_MAX } from '@tandem/raft'
 * console.log(SEQUENCES_PER_SESSION_MAX) // 100000
 * ```
 */
export { SEQUENCES_PER_SESSION_MAX } from './driver/sessions.js'
/**
 * A message on the Raft message stream: a core {@link Message} (snapshots take the {@link SnapshotTransport}).
 *
 * @example
 * ```ts
 * transport.onMessage((message: WireMessage) => console.log(message.type, message.from))
 * ```
 */
export type { WireMessage } from './model/index.js'

// ---------------------------------------------------------------------------------------------
// In-memory storage and network.

/**
 * An in-process network: one transport per node, delivery a moment later; optionally through the codec.
 *
 * @example
 * ```ts
 * const network = new MemoryNetwork({ encode: true })
 * const transport = network.transport('a')
 * network.setDown('c', true) // cut c off
 * ```
 */
/**
 * Options of {@link MemoryNetwork}: encode every message, and how delivery rounds are scheduled.
 *
 * @example
 * ```ts
 * const options: MemoryNetworkOptions = { encode: true, schedule: setImmediate }
 * ```
 */
export { MemoryNetwork, type MemoryNetworkOptions } from './driver/memory-network.js'
/**
 * In-memory {@link LogStorage}: the driver's face of a {@link MemoryLog}; `voters` bootstraps a new cluster.
 *
 * @example
 * ```ts
 * const storage = new MemoryLogStorage({ voters: ['a', 'b', 'c'] })
 * storage.lastIndex() // 3: one committed AddVoter entry per founder
 * ```
 */
/**
 * Options of {@link MemoryLogStorage}.
 *
 * @example
 * ```ts
 * const options: MemoryLogStorageOptions = { voters: ['a', 'b', 'c'] }
 * ```
 */
export { MemoryLogStorage, type MemoryLogStorageOptions } from './driver/memory-storage.js'
/**
 * The one in-memory Raft log (etcd's MemoryStorage), with synchronous writes: what the core reads,
 * what {@link MemoryLogStorage} wraps, and what a durable adapter keeps its in-memory window in.
 *
 * @example
 * ```ts
 * import { MemoryLog, RawNode, SeededRandom } from '@tandem/raft'
 * const log = new MemoryLog({ voters: ['a'] })
 * const core = new RawNode({ id: 'a', storage: log, random: new SeededRandom(1) })
 * console.log(log.lastIndex(), core.status().commit) // 1 1
 * ```
 */
/**
 * How a {@link MemoryLog} starts: founding voters (bootstrap entries), or an empty snapshot's membership.
 *
 * @example
 * ```ts
 * const options: MemoryLogOptions = { voters: ['a', 'b', 'c'] }
 * ```
 */
/**
 * A new cluster's founding membership as committed AddVoter entries at term 1 (etcd's Bootstrap).
 *
 * @example
 * ```ts
 * bootstrapEntries(['a', 'b', 'c']).map((entry) => entry.index) // [1, 2, 3]
 * ```
 */
export { bootstrapEntries, MemoryLog, type MemoryLogOptions } from './storage/memory-log.js'

// ---------------------------------------------------------------------------------------------
// The driver's errors (each a `TandemError` with a stable `RAFT_` code).

/**
 * The base of every operating error the driver throws.
 *
 * @example
 * ```ts
 * if (error instanceof RaftNodeError) console.log(error.code)
 * ```
 */
/**
 * This node cannot take the request: it is not the leader (`RAFT_NOT_LEADER`); `leaderHint` says where to retry.
 *
 * @example
 * ```ts
 * if (error instanceof NotLeaderError && error.leaderHint !== null) retryOn(error.leaderHint)
 * ```
 */
/**
 * The request did not complete within its deadline (`RAFT_TIMEOUT`); it may still take effect.
 *
 * @example
 * ```ts
 * if (error instanceof TimeoutError) retryWithSameIdentity()
 * ```
 */
/**
 * A proposal is larger than `proposalBytesMax` (`RAFT_PROPOSAL_TOO_LARGE`).
 *
 * @example
 * ```ts
 * if (error instanceof ProposalTooLargeError) console.log(error.sizeBytes, error.sizeBytesMax)
 * ```
 */
/**
 * The node was stopped, or never started, before the request completed (`RAFT_NODE_STOPPED`).
 *
 * @example
 * ```ts
 * await node.stop(); await node.propose(bytes).catch((error) => error instanceof NodeStoppedError) // true
 * ```
 */
/**
 * The storage or the state machine failed; the node stopped (`RAFT_NODE_FAILED`).
 *
 * @example
 * ```ts
 * node.onChange((event) => { if (event.type === 'failed' && event.error instanceof NodeFailedError) restart() })
 * ```
 */
/**
 * A snapshot's driver data (sessions and state) is corrupt or of an unknown version (`RAFT_SNAPSHOT_FORMAT`).
 *
 * @example
 * ```ts
 * if (error instanceof SnapshotFormatError) console.log(error.code) // 'RAFT_SNAPSHOT_FORMAT'
 * ```
 */
/**
 * A snapshot could not be handed to a peer: unreachable, gone, or refused (`RAFT_SNAPSHOT_TRANSFER_FAILED`).
 *
 * @example
 * ```ts
 * const failed = new SnapshotTransferFailedError(`${message.to} is unreachable`)
 * ```
 */
/**
 * Fail fast (option `noQuorumTimeoutMs`): a proposal that could not reach a quorum within the bound
 * (`RAFT_NO_QUORUM`). `outcome: 'not-applied'` only when it never left this node and was withdrawn;
 * `'unknown'` otherwise (it stays proposed until it applies or the node stops). `reason` names the
 * cause: `'no-leader'`, `'leader-lost'` or `'not-committed'`.
 *
 * @example
 * ```ts
 * const outcome = await node.propose(bytes).catch((error) => {
 *   if (error instanceof NoQuorumError && error.outcome === 'not-applied') return null // safe to retry as new
 *   throw error
 * })
 * ```
 */
/**
 * A committed membership change refused at apply by the state machine's `vetoConfChange`
 * (`RAFT_CONF_CHANGE_VETOED`); no node's configuration changed. `reason` is the state machine's.
 *
 * @example
 * ```ts
 * await node.addLearner(id).catch((error) => {
 *   if (error instanceof ConfChangeVetoedError) console.log('refused:', error.reason)
 * })
 * ```
 */
/**
 * `RaftNode.compactTo` refused an offered snapshot (`RAFT_COMPACTION_REFUSED`): `reason` is
 * `'not-applied'`, `'term-mismatch'`, `'already-compacted'`, `'too-large'` or `'malformed'`; the log
 * is unchanged.
 *
 * @example
 * ```ts
 * await node.compactTo(index, term, data).catch((error) => {
 *   if (error instanceof CompactionRefusedError) console.log('refused:', error.reason)
 * })
 * ```
 */
export {
  type CompactionRefusal,
  CompactionRefusedError,
  ConfChangeVetoedError,
  NodeFailedError,
  NodeStoppedError,
  NoQuorumError,
  type NoQuorumReason,
  NotLeaderError,
  ProposalTooLargeError,
  RaftNodeError,
  SnapshotFormatError,
  SnapshotTransferFailedError,
  TimeoutError,
} from './driver/errors.js'
/**
 * Where `StateMachine.vetoConfChange` is asked: the change's entry (index, term) and the
 * configuration in force before it.
 *
 * @example
 * ```ts
 * const veto = (change: ConfChange, at: ConfChangeAt) => (at.confState.voters.length < 3 ? 'too few voters' : null)
 * ```
 */
export type { ConfChangeAt } from './driver/interfaces.js'
/**
 * The hybrid node's fail-fast bound: max(2 s, 2 × the maximum election timeout of `electionTicks`
 * ticks of `tickMs`), for the option `noQuorumTimeoutMs`.
 *
 * @example
 * ```ts
 * new RaftNode({ ...required, noQuorumTimeoutMs: defaultNoQuorumTimeoutMs(100, 10) }) // 4,000 ms
 * ```
 */
export { defaultNoQuorumTimeoutMs } from './driver/options.js'

// ---------------------------------------------------------------------------------------------
// The core (etcd's RawNode): synchronous and deterministic.

/**
 * The core's configuration (only `id`, `storage` and `random` are required); the driver's options use the same names.
 *
 * @example
 * ```ts
 * const config: RaftConfig = { id: 'a', storage, random: new SeededRandom(1), electionTicks: 10, heartbeatTicks: 1, preVote: true }
 * ```
 */
export type { RaftConfig } from './core/config.js'
/**
 * The pure Raft core: tick, step, propose, ready, advance — synchronous and deterministic.
 *
 * @example
 * ```ts
 * const core = new RawNode({ id: 'a', storage: new MemoryLog({ voters: ['a'] }), random: new SeededRandom(1) })
 * core.campaign()
 * while (core.hasReady()) {
 *   const ready = core.ready()
 *   // persist ready.entries and ready.hardState, send ready.messages, apply ready.committedEntries
 *   core.advance(ready)
 * }
 * ```
 */
export { RawNode } from './core/raw-node.js'

/**
 * How the core confirms reads: `'safe'` (a heartbeat round) or `'lease-based'` (bounded clock drift assumed).
 *
 * @example
 * ```ts
 * new RawNode({ ...config, readOnly: ReadOnlyOption.Safe })
 * ```
 */
export { ReadOnlyOption } from './core/read-only.js'
/**
 * Everything the driver must do, in one numbered batch, with each field's durability rule.
 *
 * @example
 * ```ts
 * const ready: Ready = core.ready()
 * await storage.save({ hardState: ready.hardState, entries: ready.entries, snapshot: ready.snapshot })
 * core.onPersisted(ready.number)
 * ```
 */
/**
 * A message to send, and whether it must wait until its batch is durable.
 *
 * @example
 * ```ts
 * for (const { message, afterPersist }: OutboundMessage of ready.messages) (afterPersist ? later : now).push(message)
 * ```
 */
/**
 * Volatile state worth showing: the known leader and this node's role.
 *
 * @example
 * ```ts
 * if (ready.softState?.role === Role.Leader) console.log('now leading')
 * ```
 */
/**
 * A confirmed read: serve it once the state machine has applied through `index`.
 *
 * @example
 * ```ts
 * for (const read: ReadState of ready.readStates) whenApplied(read.index, () => serve(read.context))
 * ```
 */
/**
 * A snapshot of the core's state for status pages and tests.
 *
 * @example
 * ```ts
 * const { role, term, commit, progress }: CoreStatus = core.status()
 * ```
 */
/**
 * The leader's view of one peer: match, next, state, inflight appends.
 *
 * @example
 * ```ts
 * for (const peer: PeerProgress of core.status().progress) console.log(peer.id, peer.match)
 * ```
 */
/**
 * Stable storage as the core reads it: synchronous, backed by memory.
 *
 * @example
 * ```ts
 * const reader: LogStorageReader = new MemoryLog({ voters: ['a'] })
 * reader.term(reader.lastIndex()) // 1
 * ```
 */
/**
 * The role a node plays (small integers, as on the wire).
 *
 * @example
 * ```ts
 * if (node.status().role === Role.Leader) console.log('leading term', node.status().term)
 * ```
 */
/**
 * Where the leader stands with one follower: probing, replicating or sending a snapshot.
 *
 * @example
 * ```ts
 * const lagging = core.status().progress.filter((peer) => peer.state === ProgressState.Snapshot)
 * ```
 */
export {
  type CoreStatus,
  type LogStorageReader,
  type OutboundMessage,
  type PeerProgress,
  ProgressState,
  type ReadState,
  type Ready,
  Role,
  type SoftState,
} from './core/types.js'

// ---------------------------------------------------------------------------------------------
// The core's errors (each a `TandemError` with a stable `RAFT_` code).

/**
 * The base of every operating error the core throws.
 *
 * @example
 * ```ts
 * try { core.step(message) } catch (error) { if (!(error instanceof RaftCoreError)) throw error }
 * ```
 */
/**
 * A proposal was not accepted: no leader, a transfer in progress, a full log, or this leader was removed (`RAFT_PROPOSAL_DROPPED`).
 *
 * @example
 * ```ts
 * try { core.propose(data) } catch (error) { if (error instanceof ProposalDroppedError) backOff() }
 * ```
 */
/**
 * The requested index was compacted into a snapshot (`RAFT_LOG_COMPACTED`).
 *
 * @example
 * ```ts
 * try { storage.term(1) } catch (error) { if (error instanceof CompactedError) sendSnapshot() }
 * ```
 */
/**
 * The requested index is beyond the last entry held (`RAFT_LOG_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * try { storage.term(storage.lastIndex() + 1) } catch (error) { console.log(error instanceof UnavailableError) } // true
 * ```
 */
/**
 * Storage cannot produce a snapshot right now; the leader retries later (`RAFT_SNAPSHOT_TEMPORARILY_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * snapshot(): Snapshot { if (this.taking) throw new SnapshotTemporarilyUnavailableError('snapshot in progress'); return this.latest }
 * ```
 */
/**
 * The core's configuration, or the persisted state it starts from, is invalid (`RAFT_INVALID_CONFIGURATION`).
 *
 * @example
 * ```ts
 * try { new RawNode({ id: '', storage, random }) } catch (error) { console.log(error instanceof ConfigurationError) } // true
 * ```
 */
/**
 * A membership change cannot be applied to the current configuration; every node skips it alike (`RAFT_INVALID_CONF_CHANGE`).
 *
 * @example
 * ```ts
 * try { core.applyConfChange(change) } catch (error) { if (error instanceof ConfChangeError) skip(entry) }
 * ```
 */
/**
 * A message from the network breaks Raft's rules, for example non-contiguous entries (`RAFT_INVALID_MESSAGE`).
 *
 * @example
 * ```ts
 * try { core.step(message) } catch (error) { if (error instanceof InvalidMessageError) log.debug(error.message) }
 * ```
 */
/**
 * A current leader's append contradicts an entry this node holds as committed: a safety alarm, logged at error and counted by RaftNode (`RAFT_COMMITTED_ENTRY_CONFLICT`).
 *
 * @example
 * ```ts
 * try { core.step(message) } catch (error) { if (error instanceof CommittedEntryConflictError) alarm(message.from) }
 * ```
 */
/**
 * A message type only the local driver may produce arrived through `step` (`RAFT_STEP_LOCAL_MESSAGE`).
 *
 * @example
 * ```ts
 * try { core.step(message) } catch (error) { if (error instanceof StepLocalMessageError) drop(message) }
 * ```
 */
/**
 * A response arrived from a node that is not in the configuration (`RAFT_STEP_PEER_NOT_FOUND`).
 *
 * @example
 * ```ts
 * try { core.step(message) } catch (error) { if (error instanceof StepPeerNotFoundError) drop(message) }
 * ```
 */
/**
 * `onPersisted` or `advance` named a batch never handed out, or out of order (`RAFT_READY_ORDER`).
 *
 * @example
 * ```ts
 * try { core.advance(staleReady) } catch (error) { console.log(error instanceof ReadyOrderError) } // true
 * ```
 */
export {
  CommittedEntryConflictError,
  CompactedError,
  ConfChangeError,
  ConfigurationError,
  InvalidMessageError,
  ProposalDroppedError,
  RaftCoreError,
  ReadyOrderError,
  SnapshotTemporarilyUnavailableError,
  StepLocalMessageError,
  StepPeerNotFoundError,
  UnavailableError,
} from './core/errors.js'

// ---------------------------------------------------------------------------------------------
// The data model (etcd's raftpb), shared by the core, the driver, the codec and storage adapters.

/**
 * The shared seeded PRNG (xoshiro128**, `@tandem/base`), re-exported for election jitter.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42)
 * random.nextInt(10) // the same value on every run with seed 42
 * ```
 */
export { SeededRandom } from '@tandem/base'
/**
 * The shared vocabulary's structured logger (`@tandem/base`), which core and driver are given.
 *
 * @example
 * ```ts
 * import { RecordingLogger } from '@tandem/base'
 * const logger: Logger = new RecordingLogger()
 * ```
 */
/**
 * The source of election jitter (`@tandem/base`): inject a seeded one to replay a run.
 *
 * @example
 * ```ts
 * const random: RandomSource = new SeededRandom(42)
 * ```
 */
export type { Logger, RandomSource } from './core/types.js'
/**
 * A node's identity in the cluster (its libp2p peer id when deployed).
 *
 * @example
 * ```ts
 * const id: NodeId = '12D3KooW...'
 * ```
 */
/**
 * One log entry: term, index, type and data.
 *
 * @example
 * ```ts
 * const entry: Entry = { term: 2, index: 10, type: EntryType.Normal, data: new Uint8Array([1]) }
 * ```
 */
/**
 * The kinds of log entry: a command, or a membership change.
 *
 * @example
 * ```ts
 * if (entry.type === EntryType.ConfChange) core.applyConfChange(decodeConfChange(entry.data))
 * ```
 */
/**
 * What must be durable before a node answers a vote or an append: term, vote, commit.
 *
 * @example
 * ```ts
 * const hardState: HardState = { term: 2, vote: 'a', commit: 9 }
 * ```
 */
/**
 * The membership at some point of the log, joint configurations included.
 *
 * @example
 * ```ts
 * const confState: ConfState = { voters: ['a', 'b', 'c'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
 * ```
 */
/**
 * A state-machine snapshot: everything applied through `metadata.index`.
 *
 * @example
 * ```ts
 * const snapshot: Snapshot = { metadata: { index: 40, term: 3, confState }, data: state }
 * ```
 */
/**
 * Where a snapshot sits in the log, and the membership at that point.
 *
 * @example
 * ```ts
 * const { index, term, confState }: SnapshotMetadata = storage.snapshot().metadata
 * ```
 */
/**
 * A membership change (etcd's ConfChangeV2); an empty list leaves a joint configuration.
 *
 * @example
 * ```ts
 * const change: ConfChange = { transition: ConfChangeTransition.Auto, changes: [{ type: ConfChangeType.AddLearner, nodeId: 'd' }], context: new Uint8Array() }
 * ```
 */
/**
 * One step of a membership change.
 *
 * @example
 * ```ts
 * const step: ConfChangeSingle = { type: ConfChangeType.RemoveNode, nodeId: 'c' }
 * ```
 */
/**
 * The kinds of membership change: add a voter, add a learner, remove a node.
 *
 * @example
 * ```ts
 * await node.changeMembership({ transition: ConfChangeTransition.Auto, changes: [{ type: ConfChangeType.AddVoter, nodeId: 'd' }], context: new Uint8Array() })
 * ```
 */
/**
 * How a change of several voters is carried out: automatically, or always through joint consensus.
 *
 * @example
 * ```ts
 * const change = { transition: ConfChangeTransition.JointExplicit, changes, context: new Uint8Array() }
 * ```
 */
/**
 * One Raft message; fields unused by its type are zero, empty or `null`.
 *
 * @example
 * ```ts
 * const { type, from, to, term }: Message = ready.messages[0].message
 * ```
 */
/**
 * Every message kind the core sends, receives, or takes from its own driver.
 *
 * @example
 * ```ts
 * if (message.type === MessageType.Heartbeat) lastHeardMs = clock.now()
 * ```
 */
export {
  type ConfChange,
  type ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  type ConfState,
  type Entry,
  EntryType,
  type HardState,
  type Message,
  MessageType,
  type NodeId,
  type Snapshot,
  type SnapshotMetadata,
} from './model/index.js'

// ---------------------------------------------------------------------------------------------
// The wire codec: protobuf encoders and validating decoders.

/**
 * Encodes a wire message (a core message or a snapshot chunk) as protobuf.
 *
 * @example
 * ```ts
 * const bytes = encodeMessage(message)
 * ```
 */
/**
 * Decodes and validates a wire message within {@link DecodeLimits}; only {@link MalformedMessageError} on bad input.
 *
 * @example
 * ```ts
 * const message = decodeMessage(bytes, { messageBytesMax: 4 * 1024 * 1024 })
 * ```
 */
/**
 * Encodes a membership change (the data of a ConfChange entry).
 *
 * @example
 * ```ts
 * const data = encodeConfChange(change)
 * ```
 */
/**
 * Decodes and validates a membership change.
 *
 * @example
 * ```ts
 * const change = decodeConfChange(entry.data)
 * ```
 */
/**
 * Encodes one log entry (as a storage adapter writes it).
 *
 * @example
 * ```ts
 * const record = encodeEntry(entry)
 * ```
 */
/**
 * Decodes and validates one log entry.
 *
 * @example
 * ```ts
 * const entry = decodeEntry(record)
 * ```
 */
/**
 * Encodes a hard state.
 *
 * @example
 * ```ts
 * const bytes = encodeHardState({ term: 2, vote: 'a', commit: 9 })
 * ```
 */
/**
 * Decodes and validates a hard state.
 *
 * @example
 * ```ts
 * const { term, vote, commit } = decodeHardState(bytes)
 * ```
 */
/**
 * Encodes a snapshot (metadata and data).
 *
 * @example
 * ```ts
 * const bytes = encodeSnapshot(snapshot)
 * ```
 */
/**
 * Decodes and validates a snapshot.
 *
 * @example
 * ```ts
 * const snapshot = decodeSnapshot(bytes)
 * ```
 */
/**
 * Decoder bounds: message bytes, entries, members.
 *
 * @example
 * ```ts
 * const limits: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, messageBytesMax: 8 * 1024 * 1024 }
 * ```
 */
/**
 * The default decoder bounds (64 MiB per message, 100,000 entries, 1,024 members).
 *
 * @example
 * ```ts
 * decodeMessage(bytes, DEFAULT_DECODE_LIMITS)
 * ```
 */
/**
 * The only error a decoder throws on bad input (`RAFT_MALFORMED_MESSAGE`), with a secret-free `reason`.
 *
 * @example
 * ```ts
 * try { decodeMessage(frame) } catch (error) { if (error instanceof MalformedMessageError) log.warn(error.reason) }
 * ```
 */
/**
 * The version every encoded message carries (2; conf changes carry their own, 1); decoders refuse any other.
 *
 * @example
 * ```ts
 * console.log(WIRE_VERSION) // 2
 * ```
 */
export {
  DEFAULT_DECODE_LIMITS,
  type DecodeLimits,
  decodeConfChange,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  decodeSnapshot,
  encodeConfChange,
  encodeEntry,
  encodeHardState,
  encodeMessage,
  encodeSnapshot,
  MalformedMessageError,
  WIRE_VERSION,
} from './codec/index.js'
