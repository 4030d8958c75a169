/**
 * `@tandem/node/core` — the hybrid node's pure composition core, with no `node:*` import, no timer
 * and no ambient clock or randomness: the committed state C (names, log time, strong sessions,
 * idempotency records, fold apply, both layers), the log-entry format, the applier that feeds
 * committed Raft entries to C, the local view V, sealing with an injected crypto provider and the
 * composition core `NodeCore`. The simulator and browser builds import this entry; apps on Node
 * import `@tandem/node`, which adds `createNode` (libp2p, the WAL on disk, native crypto).
 *
 * @example
 * ```ts
 * import { LogTime, memberId } from '@tandem/node/core'
 *
 * const voters = ['a', 'b', 'c'].map((store) =>
 *   memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', store.repeat(16)),
 * )
 * const time = new LogTime()
 * time.setVoters(voters)
 * time.applyClock(voters[0], 1_700_000_000_000)
 * time.applyClock(voters[1], 1_700_000_000_500)
 * time.applyClock(voters[2], 1_700_086_400_000) // a day ahead: a minority cannot move t
 * console.log(time.nowMs) // 1700000000500
 * ```
 *
 * @packageDocumentation
 */

/**
 * The wire form of control operations, decoded with limits into typed errors.
 *
 * @example
 * ```ts
 * import { decodeControlOperation, encodeControlOperation, memberId } from '@tandem/node/core'
 * const member = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'a'.repeat(16))
 * const bytes = encodeControlOperation({ kind: 'promote', member })
 * console.log(decodeControlOperation(bytes)) // { kind: 'promote', member }
 * ```
 */
export {
  controlOperationVersion,
  decodeControlOperation,
  encodeControlOperation,
} from './codec/control-codec.js'
/**
 * The payload of an eventual batch: its deltas, decoded with limits.
 *
 * @example
 * ```ts
 * import { Replica } from '@tandem/crdt'
 * import { decodeEventualPayload, encodeEventualPayload } from '@tandem/node/core'
 * const writer = new Replica({ node: 'w', now: () => 1_000 })
 * const bytes = encodeEventualPayload([writer.map('carts').set('alice', 1)])
 * console.log(decodeEventualPayload(bytes).length) // 1
 * ```
 */
export {
  decodeEventualPayload,
  EVENTUAL_BATCH_DELTAS_MAX,
  encodeEventualPayload,
  eventualPayloadVersion,
} from './codec/eventual-payload.js'
/**
 * Decode limits of every node decoder: entry and operation sizes, items, runs, batches, cutoffs, ids.
 *
 * @example
 * ```ts
 * import { decodeLogEntry, defaultOperationDecodeLimits } from '@tandem/node/core'
 * console.log(defaultOperationDecodeLimits.entryItemsMax) // 4096
 * decodeLogEntry(new Uint8Array([8, 1]), { entryBytesMax: 1 }) // throws MalformedOperationError
 * ```
 */
export { defaultOperationDecodeLimits, type OperationDecodeLimits } from './codec/limits.js'
/**
 * The wire form of one Raft entry's bytes: a versioned list of signed control entries (folds among
 * them) and sealed strong batches, decoded with limits into typed errors; `signed` on each decoded
 * item is exactly what its signature covers.
 *
 * @example
 * ```ts
 * import { decodeLogEntry, encodeLogEntry, type WriterKey } from '@tandem/node/core'
 * const signer = 'a'.repeat(64) as WriterKey
 * const bytes = encodeLogEntry([
 *   { kind: 'control', signer, operation: { kind: 'open', incarnation: '1'.repeat(32) as never, expected: null }, signature: new Uint8Array(64) },
 * ])
 * console.log(decodeLogEntry(bytes)[0]?.kind) // 'control'
 * ```
 */
export {
  decodeLogEntry,
  encodeLogEntry,
  encodeStrongBatchHeader,
  logEntryVersion,
} from './codec/log-entry.js'
/**
 * NodeCore's Raft snapshots: when to take one ({@link SnapshotPolicy}: the log bytes since the last
 * one above max(64 MiB, 2 × its size) by default; `NodeCoreOptions.snapshotPolicy`), and the bytes
 * of one — C's public part in plaintext and the data part plain (null envelope) or sealed in
 * segments — taken and restored with yields to the event loop between parts.
 *
 * @example
 * ```ts
 * import { NodeCore, SnapshotPolicy } from '@tandem/node/core'
 * const core = new NodeCore({ ...options, snapshotPolicy: { logBytesMin: 1 << 20 }, onRestored: (index) => resubscribe() })
 * new SnapshotPolicy().due(65 * 1024 * 1024) // true: above the 64 MiB floor
 * ```
 */
export {
  decodeNodeSnapshot,
  defaultNodeSnapshotLimits,
  encodeNodeSnapshot,
  type NodeSnapshot,
  type NodeSnapshotData,
  type NodeSnapshotLimits,
  nodeSnapshotVersion,
  type SealedSegment,
} from './codec/node-snapshot.js'
/**
 * The null envelope of the first build step: sealed bytes are plain payloads and every signature
 * passes. For the simulator and tests only, until sealing lands.
 *
 * @example
 * ```ts
 * import { CommittedState, LogApplier, plaintextBatchOpener, unverifiedSignatures } from '@tandem/node/core'
 * const committed = new CommittedState({ signatures: unverifiedSignatures, opener: plaintextBatchOpener })
 * const applier = new LogApplier({ committed, signatures: unverifiedSignatures, opener: plaintextBatchOpener })
 * console.log(applier.apply(1, 1, new Uint8Array()).publicAppliedIndex) // 1
 * ```
 */
export { NULL_EPOCH_WRAP, plaintextBatchOpener, unverifiedSignatures } from './codec/null-envelope.js'
/**
 * Snapshots of the committed state C: the public layer with its applied index (the signed
 * plaintext header every node restores) and, from a keyed node, the data layer (values with the
 * scoped merge's removal records, strongClock, the dense counter, sessions, idempotency records,
 * declarations). Both encodings are canonical; decoders enforce {@link SnapshotDecodeLimits} and
 * throw `MalformedOperationError`. A restored C applies further entries exactly as the original.
 *
 * @example
 * ```ts
 * import { CommittedState, encodeCommittedSnapshot, plaintextBatchOpener, restoreCommittedState, unverifiedSignatures } from '@tandem/node/core'
 * const committed = new CommittedState({ signatures: unverifiedSignatures, opener: plaintextBatchOpener })
 * const { publicBytes, dataBytes } = encodeCommittedSnapshot(committed)
 * const keyed = restoreCommittedState(publicBytes, dataBytes, { signatures: unverifiedSignatures, opener: plaintextBatchOpener })
 * const keyless = restoreCommittedState(publicBytes, null, { signatures: unverifiedSignatures, opener: null })
 * console.log(keyed.appliedIndex, keyless.data) // 0 null
 * ```
 */
export {
  decodeDataSnapshot,
  decodePublicSnapshot,
  defaultSnapshotDecodeLimits,
  type EncodedCommittedSnapshot,
  encodeCommittedSnapshot,
  encodeDataSnapshot,
  encodePublicSnapshot,
  restoreCommittedState,
  type SnapshotDecodeLimits,
  snapshotVersion,
} from './codec/snapshot.js'
/**
 * The payload of a strong batch: the proposer's stamp and its data operations, decoded with limits.
 *
 * @example
 * ```ts
 * import { decodeStrongPayload, encodeStrongPayload } from '@tandem/node/core'
 * const bytes = encodeStrongPayload({
 *   stamp: { wallMs: 1_000, logical: 0 },
 *   operations: [{ operation: { kind: 'register-set', collection: { kind: 'register', name: 'leader' }, value: 'n1' } }],
 * })
 * console.log(decodeStrongPayload(bytes).operations.length) // 1
 * ```
 */
export {
  decodeStrongPayload,
  encodeStrongPayload,
  STRONG_BATCH_OPERATIONS_MAX,
  strongPayloadVersion,
} from './codec/strong-payload.js'
/**
 * Cluster operations of a NodeCore (also as `core.addLearner`, `promote`, `remove`, `leave`,
 * `transferLeadership`, `clusterStatus`): every membership change goes through C first, then Raft.
 * `writerKeyOfMember` reads the writer key an Ed25519 peer id embeds (pure).
 *
 * @example
 * ```ts
 * import { writerKeyOfMember } from '@tandem/node/core'
 * const key = writerKeyOfMember(joinerId) // null unless the peer id is an Ed25519 one
 * if (key !== null) await founder.addLearner(joinerId, key, { keyed: true })
 * await founder.promote(joinerId)
 * ```
 */
export {
  type ClusterHost,
  ClusterOperations,
  type ClusterRaft,
  DEFAULT_PROMOTE_CATCH_UP_MS,
  type PromoteOptions,
} from './compose/cluster-operations.js'
/**
 * The composition core: one node's C and its writes on a RaftNode (built-in sessions off, fail
 * fast, the conf-change veto), with injected clock, wall clock, delta log and Raft node.
 *
 * @example
 * ```ts
 * import { MemoryDeltaLog, NodeCore, createNodeSealing } from '@tandem/node/core'
 * const sealing = createNodeSealing({ clusterId, signingKey, keyed: true })
 * const core = new NodeCore({ member, key, incarnation, clock, wallClock, deltaLog: new MemoryDeltaLog(),
 *   sealing, init: true, // the founder only; or `sealing: NULL_ENVELOPE` (the simulator's fast mode)
 *   noQuorumTimeoutMs: 2_000, createRaft: (parts) => new RaftNode({ ...raftOptions, ...parts }) })
 * await core.start()
 * await core.eventual({ kind: 'map-set', collection: 'm', key: 'k', value: 1 })
 * ```
 */
export { commandKeyOf } from './compose/command-key.js'
export { confChangeVeto } from './compose/conf-veto.js'
export { type DeltaLog, MemoryDeltaLog, type StoredBatch } from './compose/delta-log.js'
export { EpochGrants, type EpochGrantsHost } from './compose/epoch-grants.js'
export {
  EpochKeyWait,
  KEY_WAIT_BYTES_MAX,
  type KeptEntry,
  missingEpochsOf,
  SnapshotKeyWait,
} from './compose/epoch-key-wait.js'
export {
  BacklogFullError,
  NoQuorumError,
  StrongBatchRefusedError,
  WriteRefusedError,
} from './compose/errors.js'
export {
  type AddLearnerOptions,
  type ClusterMemberStatus,
  type ClusterStatus,
  type EventualOperation,
  type EventualWriteResult,
  type LeaveOutcome,
  NodeCore,
  type NodeCoreOptions,
  type NodeCoreSealing,
  type NodeRaft,
  type NodeRaftParts,
  NULL_ENVELOPE,
  type NullEnvelope,
  type StreamPositions,
  type StrongWriteOutcome,
  type StrongWriteResult,
} from './compose/node-core.js'
export {
  type RestoredSnapshot,
  type RestoreSnapshotOptions,
  restoreNodeSnapshot,
  SNAPSHOT_ITEMS_PER_PART,
  type TakeSnapshotOptions,
  takeNodeSnapshot,
} from './compose/node-snapshots.js'
export { type FoldRuns, PendingFolds } from './compose/pending-folds.js'
export {
  defaultSnapshotLogBytesMin,
  defaultSnapshotSizeFactor,
  SnapshotPolicy,
  type SnapshotPolicyOptions,
} from './compose/snapshot-policy.js'
export { SNAPSHOT_SEGMENT_BYTES } from './compose/snapshot-sealing.js'
/**
 * Collection declarations and the write rules they impose.
 *
 * @example
 * ```ts
 * import { CollectionDeclarations, type WriterKey } from '@tandem/node/core'
 * const collections = new CollectionDeclarations()
 * collections.declare('stock', { writes: 'strong', writers: null })
 * console.log(collections.refusal('stock', 'eventual', 'a'.repeat(64) as WriterKey, false)) // 'consistency-not-allowed'
 * ```
 */
export {
  CollectionDeclarations,
  type CollectionRules,
  type Consistency,
  type DeclareOutcome,
  type WriteRefusal,
  type WritesAllowed,
} from './core/collections.js'
/**
 * The committed state C: the public layer on every node, the data layer on keyed nodes, composed
 * over decoded, verified entries.
 *
 * @example
 * ```ts
 * import { CommittedState, plaintextBatchOpener } from '@tandem/node/core'
 * const keyed = new CommittedState({ signatures: { invalidBatchReason: () => null }, opener: plaintextBatchOpener })
 * const keyless = new CommittedState({ signatures: { invalidBatchReason: () => null }, opener: null })
 * console.log(keyed.data !== null, keyless.data) // true null
 * ```
 */
export {
  type BatchOpener,
  type CommittedChange,
  type CommittedOutcome,
  CommittedState,
  type CommittedStateOptions,
  type FoldedBatchOutcome,
  type StrongEntry,
} from './core/committed-state.js'
/**
 * Conditional strong operations evaluated on C.
 *
 * @example
 * ```ts
 * import { evaluateCondition } from '@tandem/node/core'
 * console.log(evaluateCondition({ kind: 'increment', by: -1, min: 0 }, 0)) // { ok: false, reason: 'below-min' }
 * ```
 */
export { type Condition, type ConditionOutcome, evaluateCondition } from './core/conditions.js'
/**
 * Control entries and cluster constants of C's public layer.
 *
 * @example
 * ```ts
 * import { defaultClusterConstants, type ControlOperation } from '@tandem/node/core'
 * const raise: ControlOperation = { kind: 'constants', constants: { ...defaultClusterConstants, driftMaxMs: 30_000 } }
 * ```
 */
export {
  type ClusterConstants,
  type ControlEntry,
  type ControlOperation,
  defaultClusterConstants,
  type FoldedBatchHeader,
} from './core/control.js'
/**
 * C's data layer: strong batches stamped and deduplicated at apply, folded deltas merged with the
 * scoped merge and clamped.
 *
 * @example
 * ```ts
 * import { DataLayer, defaultClusterConstants, type Incarnation, type WriterKey } from '@tandem/node/core'
 * const data = new DataLayer(defaultClusterConstants)
 * const key = 'a'.repeat(64) as WriterKey
 * const incarnation = '1'.repeat(32) as Incarnation
 * data.sessions.open(key, incarnation)
 * const [result] = data.applyStrongBatch({
 *   index: 7,
 *   ordinalStart: 0,
 *   header: { key, incarnation, sequence: 1, floor: 1 },
 *   payload: {
 *     stamp: { wallMs: 1_000, logical: 0 },
 *     operations: [{ operation: { kind: 'map-set', collection: { kind: 'map', name: 'carts' }, key: 'alice', value: 3 } }],
 *   },
 *   logTimeMs: 1_000,
 *   constants: defaultClusterConstants,
 * })
 * console.log(result, data.mapValue('carts', 'alice')) // { applied: true, … } 3
 * ```
 */
export { DataLayer, type FoldedDeltaOutcome } from './core/data-layer.js'
export type {
  CollectionRef,
  DataOperation,
  NotAppliedReason,
  StrongBatchPayload,
  StrongOperation,
  StrongResult,
} from './core/data-operations.js'
/**
 * Fold apply: the folded high-water h of every eventual stream, advanced by runs that start at
 * h + 1.
 *
 * @example
 * ```ts
 * import { StreamHighWaters, streamId, type Incarnation, type WriterKey } from '@tandem/node/core'
 * const stream = streamId('c'.repeat(64) as WriterKey, '2'.repeat(32) as Incarnation, 0)
 * const folds = new StreamHighWaters()
 * const run = { stream, batches: [{ sequence: 1, epoch: 1 }, { sequence: 2, epoch: 1 }] }
 * folds.applyRun(run, { knowsEpoch: () => true, invalidReason: () => null })
 * console.log(folds.highWater(stream)) // 2
 * ```
 */
export {
  type FoldBatch,
  type FoldChecks,
  type FoldRun,
  type FoldRunOutcome,
  type FoldStop,
  StreamHighWaters,
} from './core/fold.js'
/**
 * Idempotency keys for app retries across restarts, kept for a count and a log-time window.
 *
 * @example
 * ```ts
 * import { IdempotencyRecords, type WriterKey } from '@tandem/node/core'
 * const writer = 'b'.repeat(64) as WriterKey
 * const records = new IdempotencyRecords<string>({ recordsPerWriterMax: 100, windowMs: 86_400_000 })
 * records.record(writer, 'order-17', 'hash', 'applied', 1_000)
 * console.log(records.check(writer, 'order-17', 'other-hash', 2_000)) // { kind: 'reuse' }
 * ```
 */
export {
  type IdempotencyCheck,
  type IdempotencyLimits,
  IdempotencyRecords,
} from './core/idempotency.js'
/**
 * The node's names: member ids (peer id ‖ storeId), writer keys, incarnations, stream ids, the
 * strong CRDT id and write ids (stream or strong session, sequence, position), with validators that
 * return a reason.
 *
 * @example
 * ```ts
 * import { invalidMemberId, memberId, peerIdOf } from '@tandem/node/core'
 * const id = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', '0123456789abcdef')
 * console.log(peerIdOf(id), invalidMemberId('nonsense'))
 * ```
 */
export {
  eventualWriteId,
  type Incarnation,
  invalidIncarnation,
  invalidMemberId,
  invalidWriterKey,
  isStrongCrdtId,
  type MemberId,
  memberId,
  parseStreamId,
  peerIdOf,
  type StreamId,
  streamDotsMax,
  streamId,
  strongCrdtId,
  strongWriteId,
  type WriteId,
  type WriterKey,
} from './core/ids.js'
export { Incarnations, type OpenOutcome } from './core/incarnations.js'
/**
 * The local view V = C ⊔ {admissible pending deltas}: an overlay of the durable, unfolded eventual
 * batches this node holds, merged per stream in order over C with the scoped merge (no drift check),
 * stopping at a gap; rebuilt when C changes; folded batches leave it as C's h passes them. Reads
 * (`map`, `set`, `register`) answer `local` consistency.
 *
 * @example
 * ```ts
 * import { Replica } from '@tandem/crdt'
 * import { CommittedState, encodeEventualPayload, LocalView, memberId, plaintextBatchOpener, streamId, unverifiedSignatures, type Incarnation, type WriterKey } from '@tandem/node/core'
 * const key = 'a'.repeat(64) as WriterKey
 * const committed = new CommittedState({ signatures: unverifiedSignatures, opener: plaintextBatchOpener })
 * committed.applyControl({ index: 1, signer: key, operation: { kind: 'init', member: memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', '0123456789abcdef'), key } })
 * const stream = streamId(key, '1'.repeat(32) as Incarnation, 0)
 * const writer = new Replica({ node: stream, now: () => 1_000 })
 * const deltas = [writer.map('carts').set('alice', 2)]
 * const view = new LocalView({ committed, now: () => 1_000 })
 * view.addPending(stream, { sequence: 1, epoch: 1, deltas, bytes: encodeEventualPayload(deltas).length })
 * console.log(view.map('carts').get('alice'), committed.data?.mapValue('carts', 'alice')) // 2 undefined
 * ```
 */
export {
  type ExcludedBatch,
  LocalView,
  type LocalViewOptions,
  type MapReader,
  type PendingAdmission,
  type PendingBatch,
  type RegisterReader,
  type SetReader,
} from './core/local-view.js'
/**
 * Applies committed Raft entries (index, term, bytes) in log order to C: decodes each entry, checks
 * signatures and epochs, applies control entries, folds and strong batches (ordinals counted across
 * the entry), and reports every write's outcome by write id, the eventual batches a rule refused, and
 * both applied indices. A malformed entry is skipped and counted on every node alike.
 *
 * @example
 * ```ts
 * import { CommittedState, encodeLogEntry, LogApplier, memberId, plaintextBatchOpener, unverifiedSignatures, type WriterKey } from '@tandem/node/core'
 * const key = 'a'.repeat(64) as WriterKey
 * const member = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', '0123456789abcdef')
 * const committed = new CommittedState({ signatures: unverifiedSignatures, opener: plaintextBatchOpener })
 * const applier = new LogApplier({ committed, signatures: unverifiedSignatures, opener: plaintextBatchOpener })
 * const init = encodeLogEntry([{ kind: 'control', signer: key, operation: { kind: 'init', member, key }, signature: new Uint8Array() }])
 * console.log(applier.apply(1, 1, init).controls) // [{ applied: true }]
 * console.log(applier.apply(2, 1, new Uint8Array([0xff])).malformed) // 'invalid protobuf'
 * ```
 */
export {
  type AppliedEntry,
  type EntrySignatureCheck,
  LogApplier,
  type LogApplierOptions,
  type RefusedEventualBatch,
  type StrongBatchRefusal,
  type WriteOutcome,
} from './core/log-applier.js'
/**
 * The items of a Raft entry: signed control entries and sealed strong batches with their signed headers.
 *
 * @example
 * ```ts
 * import type { LogItem } from '@tandem/node/core'
 * const item: LogItem = {
 *   kind: 'strong',
 *   header: { key: 'a'.repeat(64) as never, incarnation: '1'.repeat(32) as never, sequence: 1, floor: 1, epoch: 1 },
 *   signature: new Uint8Array(64),
 *   sealed: new Uint8Array(),
 * }
 * console.log(item.kind) // 'strong'
 * ```
 */
export type { DecodedLogItem, LogItem, SealedStrongBatchHeader } from './core/log-items.js'
/**
 * Log time t: the ⌈n/2⌉-th smallest clock reading of the current voters, never moving back.
 *
 * @example
 * ```ts
 * import { LogTime, memberId } from '@tandem/node/core'
 * const voter = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'a'.repeat(16))
 * const time = new LogTime()
 * time.setVoters([voter])
 * time.applyClock(voter, 5_000)
 * console.log(time.nowMs) // 5000
 * ```
 */
export { type ClockEntryOutcome, LogTime } from './core/log-time.js'
/**
 * Members and writer standing by log index, and incarnations opened against the expected one.
 *
 * @example
 * ```ts
 * import { Incarnations, Membership, memberId, type Incarnation, type WriterKey } from '@tandem/node/core'
 * const members = new Membership()
 * const key = 'a'.repeat(64) as WriterKey
 * members.bootstrap(memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'a'.repeat(16)), key, 1)
 * console.log(members.mayWriteAt(key, 2)) // true
 * console.log(new Incarnations().open(key, '1'.repeat(32) as Incarnation, null)) // 'opened'
 * ```
 */
export { type MemberRecord, Membership, type WriterStanding, writerKeyOfMember } from './core/membership.js'
/**
 * C's public layer: every control entry applied with counted refusal reasons, and its canonical
 * encoding (identical bytes on every node at the same index).
 *
 * @example
 * ```ts
 * import { PublicLayer, memberId, type WriterKey } from '@tandem/node/core'
 * const layer = new PublicLayer({ invalidBatchReason: () => null })
 * const key = 'a'.repeat(64) as WriterKey
 * const member = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'a'.repeat(16))
 * layer.apply({ index: 1, signer: key, operation: { kind: 'init', member, key } })
 * console.log(layer.membership.voters(), layer.encode().length)
 * ```
 */
export { type BatchSignatureCheck, type ControlOutcome, PublicLayer } from './core/public-layer.js'
/**
 * The plain forms of a snapshot's two parts, and how they are taken from and restored into C.
 *
 * @example
 * ```ts
 * import { CommittedState, publicSnapshotOf, restoreCommittedStateFrom, unverifiedSignatures } from '@tandem/node/core'
 * const committed = new CommittedState({ signatures: unverifiedSignatures, opener: null })
 * const restored = restoreCommittedStateFrom({ public: publicSnapshotOf(committed), data: null }, { signatures: unverifiedSignatures, opener: null })
 * console.log(restored.appliedIndex) // 0
 * ```
 */
export {
  type DataSnapshotState,
  dataSnapshotOf,
  type PublicSnapshotState,
  publicSnapshotOf,
  restoreCommittedStateFrom,
} from './core/snapshot.js'
/**
 * Stamps at apply: strongClock and the clamp of folded stamps to t + driftMax.
 *
 * @example
 * ```ts
 * import { StrongClock, clampStamp } from '@tandem/node/core'
 * const clock = new StrongClock()
 * const stamp = clock.stampStrongWrite({ wallMs: 9e12, logical: 0 }, 1_000, 60_000) // capped
 * console.log(stamp.wallMs, clampStamp({ wallMs: 9e12, logical: 3 }, 1_000, 60_000)) // 61000 …
 * ```
 */
export { clampStamp, compareStampTimes, type StampTime, StrongClock } from './core/strong-clock.js'
/**
 * Strong sessions: deduplication of strong batches on the verified (key, incarnation, sequence),
 * with the proposer's floor.
 *
 * @example
 * ```ts
 * import { StrongSessions, type Incarnation, type WriterKey } from '@tandem/node/core'
 * const key = 'a'.repeat(64) as WriterKey
 * const incarnation = '1'.repeat(32) as Incarnation
 * const sessions = new StrongSessions<string>({ resultsPerSessionMax: 1024 })
 * sessions.open(key, incarnation)
 * const header = { key, incarnation, sequence: 1, floor: 1 }
 * if (sessions.admit(header).kind === 'new') sessions.record(header, ['applied'])
 * console.log(sessions.admit(header)) // { kind: 'duplicate', results: ['applied'] }
 * ```
 */
export {
  type SessionAdmission,
  type SessionLimits,
  type SessionOutcome,
  type StrongBatchHeader,
  StrongSessions,
} from './core/strong-sessions.js'
/**
 * Typed errors of the node: malformed operations; and of the delta streams — damage on disk, a
 * prune the persisted commit index does not cover, an own stream that already exists, an oversized
 * batch.
 *
 * @example
 * ```ts
 * import { MalformedOperationError, PruneNotCoveredError, decodeControlOperation } from '@tandem/node/core'
 * try {
 *   decodeControlOperation(new Uint8Array([0xff]))
 * } catch (error) {
 *   console.log(error instanceof MalformedOperationError) // true
 * }
 * try {
 *   await store.prune(stream, through, { foldIndex: 9, persistedCommitIndex: 7 })
 * } catch (error) {
 *   console.log(error instanceof PruneNotCoveredError) // true: wait for the commit index to persist
 * }
 * ```
 */
export {
  DeltaBatchTooLargeError,
  DeltaStreamCorruptionError,
  EpochUnwrapError,
  LearnerNotReadyError,
  MalformedOperationError,
  MembershipChangeRefusedError,
  OwnStreamExistsError,
  PruneNotCoveredError,
} from './errors.js'
/**
 * Real sealing for the node (design.md, "Batches and the two layers of C"): envelope-backed checks
 * of control entries, strong batch headers and folded eventual batches (writer standing read from
 * C's public layer; keyless nodes verify without data keys), openers that report a missing epoch
 * key apart from tampering (`missingEpochKeyReason`), and the writer side. `createSealing` takes the
 * crypto provider (a browser build passes `pureCryptoProvider`; `@tandem/node` adds
 * `createNodeSealing`, which defaults to `nodeCryptoProvider` from `@tandem/envelope/node`).
 *
 * @example
 * ```ts
 * import { CommittedState, LogApplier, createSealing } from '@tandem/node/core'
 * import { pureCryptoProvider } from '@tandem/envelope'
 * const sealing = createSealing({ clusterId, cryptoProvider: pureCryptoProvider, signingKey, keyed: true })
 * sealing.keys.addEpochSecret(1, epochOneSecret)
 * const committed = new CommittedState({ signatures: sealing.checks, opener: sealing.checks.opener })
 * sealing.attach(committed.public)
 * const applier = new LogApplier({ committed, signatures: sealing.checks, opener: sealing.checks.opener })
 * const item = sealing.writer.sealStrongBatch({ incarnation, sequence: 1, floor: 1 }, payload)
 * ```
 */
export {
  EVENTUAL_HEADER_MAGIC,
  encodeEventualBatchHeader,
  eventualHeaderVersion,
} from './sealing/batch-headers.js'
export { EpochKeyHolder, type EpochKeyHolderOptions } from './sealing/epoch-keys.js'
/**
 * Epoch keys through C's wrap table (design.md, "Bootstrap and keys"): an epoch secret exists only
 * wrapped to one recipient's X25519 key (derived from its Ed25519 writer key), bound to cluster,
 * epoch and recipient; a keyed sealing's `epochKeys` (an {@link EpochKeyHolder}) draws epoch 1 for
 * `init`, learns its own rows as entries apply and wraps grants for members lacking an epoch. The
 * node's Ed25519 seed reaches it as `createSealing`/`createNodeSealing`'s `signingKey`.
 *
 * @example
 * ```ts
 * import { unwrapEpochSecret, wrapEpochSecret, EpochUnwrapError } from '@tandem/node/core'
 * const wrapped = wrapEpochSecret(secret, { clusterId, epoch: 1, recipient: publicKey }, random)
 * unwrapEpochSecret(wrapped, { clusterId, epoch: 1, recipient: publicKey }, seed) // the secret
 * ```
 */
export {
  EPOCH_SECRET_BYTES,
  EPOCH_SECRET_BYTES_MAX,
  type EpochWrapBinding,
  unwrapEpochSecret,
  WRAPPED_BYTES_MAX,
  WRAPPED_BYTES_MIN,
  wrapEpochSecret,
} from './sealing/epoch-wrap.js'
export { PublicLayerKeyRing, SealingKeys, type StandingRule } from './sealing/keys.js'
export { createSealing, type Sealing, type SealingOptions } from './sealing/sealing.js'
export {
  isMissingEpochKeyReason,
  missingEpochKeyReason,
  SealedItemChecks,
  type SealedItemChecksOptions,
  type SealedItemKind,
  type SealingRejection,
} from './sealing/verification.js'
export { SealingWriter, type SealingWriterOptions, type StrongSession } from './sealing/writer.js'
/**
 * The node's durable delta streams on the WAL: its own stream of this start (appends acknowledged
 * after fsync, group-committed), other writers' batches strictly in order, pruning only once a fold
 * is covered by the persisted commit index or a snapshot, and recovery of every stream at open.
 *
 * @example
 * ```ts
 * import { DeltaStreamStore, streamId } from '@tandem/node/core'
 * import { MemoryDevice } from '@tandem/wal/pure'
 * const ownStream = streamId(key, incarnation, 0)
 * const store = await DeltaStreamStore.open({ device: new MemoryDevice(), ownStream, eventualBacklogBytesMax: 64 << 20 })
 * const sequence = await store.appendOwn((next) => sealBatch(next, deltas)) // durable once resolved
 * await store.prune(ownStream, sequence, { foldIndex, persistedCommitIndex, snapshotIndex })
 * ```
 */
export {
  DeltaStreamStore,
  type DeltaStreamStoreOptions,
  type FoldCoverage,
  type HeldStream,
  type ReceiveOutcome,
  type StreamBatch,
} from './streams/delta-stream-store.js'
/**
 * `@tandem/transport`'s `StreamStore` over the node's delta streams and C, for
 * `createStreamSyncService`: the receipt rules (a key C never admitted, above a cutoff, the
 * backlog bound, verified before storing, in order), the anti-entropy summary, folded answers with
 * the fold's index, and pruning only once a fold is covered by the persisted commit index.
 *
 * @example
 * ```ts
 * import { createStreamSyncService } from '@tandem/transport'
 * import { StreamStoreAdapter } from '@tandem/node/core'
 * const adapter = new StreamStoreAdapter({
 *   store, committed: core.committed.public, batchCheck: sealing.checks,
 *   persistedCommitIndex: () => storage.persistedCommitIndex,
 *   onStored: (stream, batch) => core.receiveBatch(stream, batch),
 * })
 * const service = await createStreamSyncService(host, adapter)
 * ```
 */
export {
  StreamStoreAdapter,
  type StreamStoreAdapterOptions,
  type StreamStoreAdapterStats,
  type StreamStoreCommitted,
} from './streams/stream-store-adapter.js'
/**
 * The composition core's `DeltaLog` on the durable delta streams: a `NodeCore` built with it
 * acknowledges an eventual write only once the batch is fsynced, and gets its unfolded batches back
 * at start.
 *
 * @example
 * ```ts
 * import { DeltaStreamStore, NodeCore, WalDeltaLog, streamId } from '@tandem/node/core'
 * const store = await DeltaStreamStore.open({ device, ownStream: streamId(key, incarnation, 0), eventualBacklogBytesMax })
 * const core = new NodeCore({ ...options, key, incarnation, deltaLog: new WalDeltaLog(store) })
 * ```
 */
export { WalDeltaLog } from './streams/wal-delta-log.js'
