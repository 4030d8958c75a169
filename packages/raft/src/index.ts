/**
 * @tandem/raft — a pure, deterministic Raft core in etcd/raft's shape (`RawNode`) and its driver
 * (`RaftNode`) over injected storage, transport, state machine and clock; a protobuf wire codec;
 * an in-memory log storage and network. Nothing here imports a Node built-in.
 *
 * @example
 * ```ts
 * import { MemoryLogStorage, MemoryNetwork, RaftNode, SeededRandom } from '@tandem/raft'
 *
 * const clock = { now: () => performance.now(), setTimer: (ms, fn) => { const t = setTimeout(fn, ms); return { cancel: () => clearTimeout(t) } } }
 * const network = new MemoryNetwork({ schedule: setImmediate })
 * const ids = ['a', 'b', 'c']
 * const nodes = ids.map((id, i) => new RaftNode({
 *   id, clock, random: new SeededRandom(i + 1), transport: network.transport(id),
 *   storage: new MemoryLogStorage({ voters: ids }),
 *   stateMachine: { apply: (cmds) => cmds.map((c) => c.index), snapshot: () => new Uint8Array(), restore: () => {} },
 * }))
 * for (const node of nodes) await node.start()
 * ```
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// The driver.

/**
 * A seeded random source for election jitter (not for cryptography).
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42)
 * random.nextInt(10) // the same value on every run with seed 42
 * ```
 */
export { SeededRandom } from '@tandem/base'
/**
 * The driver's typed errors, each with a stable `code`: `NOT_LEADER` (with `leaderHint`),
 * `TIMEOUT`, `PROPOSAL_TOO_LARGE`, `NODE_STOPPED`, `NODE_FAILED`, `SNAPSHOT_FORMAT`.
 *
 * @example
 * ```ts
 * try {
 *   await node.propose(bytes)
 * } catch (error) {
 *   if (error instanceof NotLeaderError && error.leaderHint !== null) retryOn(error.leaderHint)
 *   else if (error instanceof TimeoutError) retryWithSameIdentity()
 * }
 * ```
 */
export {
  NodeFailedError,
  NodeStoppedError,
  NotLeaderError,
  ProposalTooLargeError,
  RaftNodeError,
  SnapshotFormatError,
  TimeoutError,
} from './driver/errors.js'
/**
 * Fencing tokens: `(term, index)` folded into one monotonic bigint, and back.
 *
 * @example
 * ```ts
 * fencingToken(3, 120) > fencingToken(2, 9_000) // true: a later term always wins
 * fencingTokenParts(fencingToken(3, 120)) // { term: 3, index: 120 }
 * ```
 */
export { fencingToken, fencingTokenParts } from './driver/fencing.js'
/**
 * The driver's injected interfaces: storage, network, state machine and time.
 *
 * @example
 * ```ts
 * const stateMachine: StateMachine<number> = {
 *   apply: (commands: readonly AppliedCommand[]) => commands.map((command) => command.data.length),
 *   snapshot: () => new Uint8Array(),
 *   restore: () => {},
 * }
 * const clock: Clock = { now: () => performance.now(), setTimer: (ms, fn): TimerHandle => { const t = setTimeout(fn, ms); return { cancel: () => clearTimeout(t) } } }
 * ```
 */
export type {
  AppliedCommand,
  Clock,
  LogStorage,
  PersistBatch,
  StateMachine,
  TimerHandle,
  Transport,
} from './driver/interfaces.js'
/**
 * Options of {@link MemoryNetwork}.
 *
 * @example
 * ```ts
 * const options: MemoryNetworkOptions = { encode: true }
 * ```
 */
export type { MemoryNetworkOptions } from './driver/memory-network.js'
/**
 * An in-process network: one transport per node, delivery in a microtask; optionally through the codec.
 *
 * @example
 * ```ts
 * const network = new MemoryNetwork({ encode: true })
 * const transport = network.transport('a')
 * network.setDown('c', true) // cut c off
 * ```
 */
export { MemoryNetwork } from './driver/memory-network.js'
/**
 * Options of {@link MemoryLogStorage}.
 *
 * @example
 * ```ts
 * const options: MemoryLogStorageOptions = { voters: ['a', 'b', 'c'] }
 * ```
 */
export type { MemoryLogStorageOptions } from './driver/memory-storage.js'
/**
 * In-memory log storage (etcd's MemoryStorage); `voters` bootstraps a new cluster.
 *
 * @example
 * ```ts
 * const storage = new MemoryLogStorage({ voters: ['a', 'b', 'c'] })
 * storage.lastIndex() // 3: one committed AddVoter entry per founder
 * ```
 */
export { MemoryLogStorage } from './driver/memory-storage.js'
/**
 * How a {@link RaftNode} is built: the injected components, then timing, limits and snapshot tuning.
 *
 * @example
 * ```ts
 * const options: RaftNodeOptions = { id, storage, transport, stateMachine, clock, random, tickMs: 50, snapshotEntriesThreshold: 5_000 }
 * ```
 *
 * Options of {@link RaftNode.propose}: a deadline, and an application-chosen identity for retries across processes.
 *
 * @example
 * ```ts
 * await node.propose(bytes, { timeoutMs: 2_000, idempotency: { clientId: 'checkout-7', sequence: 12 } })
 * ```
 *
 * Options of {@link RaftNode.read}.
 *
 * @example
 * ```ts
 * const { index } = await node.read({ linearizable: true, timeoutMs: 1_000 })
 * ```
 *
 * What {@link RaftNode.status} returns: role, term, leader, commit, applied, log size, progress, counters.
 *
 * @example
 * ```ts
 * const { role, term, leader, commit, applied, logEntries, progress, electionCount } = node.status()
 * ```
 *
 * The events of {@link RaftNode.onChange}: role, leader, membership, snapshots, stop and failure.
 *
 * @example
 * ```ts
 * const unsubscribe = node.onChange((event) => { if (event.type === 'leader') console.log('leader is', event.leader) })
 * ```
 */
export type {
  ProposeOptions,
  RaftNodeEvent,
  RaftNodeOptions,
  RaftNodeStatus,
  ReadOptions,
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
 * const node = new RaftNode({ id: 'a', storage, transport, stateMachine, clock, random: new SeededRandom(1) })
 * await node.start()
 * const { result, index, fencingToken } = await node.propose(new TextEncoder().encode('set x 1'))
 * await node.read({ linearizable: true })
 * await node.stop()
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
 * A message as it travels between drivers, and one chunk of a snapshot in transfer.
 *
 * @example
 * ```ts
 * transport.onMessage((message: WireMessage) => console.log(message.type, message.chunk?.chunkIndex))
 * ```
 */
export type { SnapshotChunk, WireMessage } from './model/index.js'
/**
 * The one in-memory Raft log (etcd's MemoryStorage), with synchronous writes: what the core reads,
 * what {@link MemoryLogStorage} wraps, and what a durable adapter keeps its in-memory window in.
 * `bootstrapEntries` writes a new cluster's founding membership as committed AddVoter entries.
 *
 * @example
 * ```ts
 * import { MemoryLog, RawNode, SeededRandom } from '@tandem/raft'
 * const log = new MemoryLog({ voters: ['a'] })
 * const core = new RawNode({ id: 'a', storage: log, random: new SeededRandom(1) })
 * console.log(log.lastIndex(), core.status().commit) // 1 1
 * ```
 */
export { bootstrapEntries, MemoryLog, type MemoryLogOptions } from './storage/memory-log.js'

// ---------------------------------------------------------------------------------------------
// The core.

/**
 * The core's configuration (only `id`, `storage` and `random` are required).
 *
 * @example
 * ```ts
 * const config: RaftConfig = { id: 'a', storage, random: new SeededRandom(1), electionTicks: 10, heartbeatTicks: 1, preVote: true }
 * ```
 */
export type { RaftConfig } from './core/config.js'
/**
 * The core's typed errors, each with a stable `code` (`PROPOSAL_DROPPED`, `LOG_COMPACTED`, ...).
 *
 * @example
 * ```ts
 * try { core.propose(data) } catch (error) { if (error instanceof ProposalDroppedError) backOff() }
 * ```
 */
export {
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
/**
 * The pure Raft core (etcd's RawNode): tick, step, propose, ready, advance — synchronous and deterministic.
 *
 * @example
 * ```ts
 * const core = new RawNode({ id: 'a', storage: new MemoryLogStorage({ voters: ['a'] }), random: new SeededRandom(1) })
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
 * The Raft data model shared by the core, the driver, the codec and storage adapters.
 *
 * @example
 * ```ts
 * const entry: Entry = { term: 2, index: 10, type: EntryType.Normal, data: new Uint8Array([1]) }
 * const hardState: HardState = { term: 2, vote: 'a', commit: 9 }
 * ```
 */
export type {
  ConfChange,
  ConfChangeSingle,
  ConfState,
  CoreStatus,
  Entry,
  HardState,
  Logger,
  LogStorageReader,
  Message,
  NodeId,
  OutboundMessage,
  PeerProgress,
  RandomSource,
  ReadState,
  Ready,
  Snapshot,
  SnapshotMetadata,
  SoftState,
} from './core/types.js'
/**
 * Enumerations of the Raft data model (values are small integers, as on the wire).
 *
 * @example
 * ```ts
 * if (entry.type === EntryType.ConfChange) core.applyConfChange(decodeConfChange(entry.data))
 * if (status.role === Role.Leader) console.log('leading term', status.term)
 * const change = { transition: ConfChangeTransition.Auto, changes: [{ type: ConfChangeType.AddLearner, nodeId: 'd' }], context: new Uint8Array() }
 * ```
 */
export {
  ConfChangeTransition,
  ConfChangeType,
  EntryType,
  MessageType,
  ProgressState,
  Role,
} from './core/types.js'

// ---------------------------------------------------------------------------------------------
// The wire codec.

/**
 * Protobuf encoders and validating decoders (size limits, enum ranges, field sanity; only
 * {@link MalformedMessageError} on bad input).
 *
 * @example
 * ```ts
 * const bytes = encodeMessage(message)
 * const back = decodeMessage(bytes, { messageBytesMax: 4 * 1024 * 1024 })
 * const change = decodeConfChange(entry.data)
 * ```
 *
 * The only error a decoder throws on bad input; `code` is `RAFT_MALFORMED_MESSAGE`.
 *
 * @example
 * ```ts
 * try { decodeMessage(frame) } catch (error) { if (error instanceof MalformedMessageError) log.warn(error.reason) }
 * ```
 *
 * Decoder bounds, and their defaults (64 MiB per message, 100,000 entries, 1,024 members).
 *
 * @example
 * ```ts
 * const limits: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, messageBytesMax: 8 * 1024 * 1024 }
 * ```
 *
 * CRC-32C (Castagnoli), as used for snapshot chunks.
 *
 * @example
 * ```ts
 * crc32c(new TextEncoder().encode('123456789')) // 0xe3069283
 * ```
 */
export {
  crc32c,
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
