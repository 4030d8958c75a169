/**
 * Snapshots of the committed state C (design.md, "Batches and the two layers of C", "Joining and
 * zero-knowledge replicas"). A snapshot has two parts: the public layer — every node, keyed or
 * keyless, restores it, and it travels as the signed plaintext header — and, from a keyed node, the
 * data layer. Both name the applied index they were taken at; a keyed node snapshots only where
 * its public and data indices are equal. Restored, C applies further entries exactly as the C it was
 * taken from: everything that decides an apply (the storeIds ever admitted, session floors and
 * results, idempotency records in write order, removal records of the scoped merge, strongClock and
 * the dense counter) is in it. Refusal counters are metrics, not state, and start at zero.
 */
import { type DecodeLimits, type Delta, decodeDelta, type RemovalRecord } from '@tandem/crdt'
import { MalformedOperationError } from '../errors.js'
import type { CollectionRules } from './collections.js'
import { type BatchOpener, CommittedState } from './committed-state.js'
import type { ClusterConstants } from './control.js'
import type { StrongResult } from './data-operations.js'
import type { IdempotencyWriterSnapshot } from './idempotency.js'
import type { Incarnation, MemberId, StreamId, WriterKey } from './ids.js'
import type { MemberRecord, WriterStanding } from './membership.js'
import type { BatchSignatureCheck } from './public-layer.js'
import type { StampTime } from './strong-clock.js'
import type { SessionSnapshot } from './strong-sessions.js'

/** The public layer of C as a snapshot holds it (every list sorted: one form per state). */
export interface PublicSnapshotState {
  readonly appliedIndex: number
  readonly members: readonly MemberRecord[]
  readonly everStoreIds: readonly string[]
  readonly writers: readonly (readonly [WriterKey, WriterStanding])[]
  readonly endedKeys: readonly WriterKey[]
  readonly incarnations: readonly (readonly [WriterKey, Incarnation])[]
  readonly tMs: number
  readonly readings: readonly (readonly [MemberId, number])[]
  readonly highWaters: readonly (readonly [StreamId, number])[]
  readonly cutoffs: readonly (readonly [StreamId, number])[]
  readonly epochs: readonly number[]
  readonly constants: ClusterConstants
  /** The wrap table's rows (epoch, recipient, wrapped secret), sorted by epoch then recipient. */
  readonly wraps: readonly (readonly [number, WriterKey, Uint8Array])[]
}

/** The data layer of C as a snapshot holds it. */
export interface DataSnapshotState {
  readonly appliedIndex: number
  /** The replica's canonical `encodeState()`, decoded only at restore. */
  readonly replicaState: Uint8Array
  readonly removals: readonly RemovalRecord[]
  readonly strongClock: StampTime
  readonly strongCount: number
  readonly sessions: readonly SessionSnapshot<StrongResult>[]
  readonly idempotency: readonly IdempotencyWriterSnapshot<StrongResult>[]
  readonly collections: readonly (readonly [string, CollectionRules])[]
}

/** The public layer of `state` as a snapshot. */
export function publicSnapshotOf(state: CommittedState): PublicSnapshotState {
  const layer = state.public
  return {
    appliedIndex: layer.appliedIndex,
    members: layer.membership.members(),
    everStoreIds: layer.membership.everStoreIds(),
    writers: layer.membership.writers(),
    endedKeys: layer.endedKeys(),
    incarnations: layer.incarnations.entries(),
    tMs: layer.logTime.nowMs,
    readings: [...layer.logTime.readings()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    highWaters: layer.highWaters.entries(),
    cutoffs: layer.cutoffs(),
    epochs: layer.epochs(),
    constants: layer.constants,
    wraps: layer.wraps(),
  }
}

/**
 * The data layer of a keyed `state` as a snapshot; `null` on a keyless node. With `replica: false`
 * the replica state is left out (empty bytes): a node snapshot encodes it apart, in parts.
 */
export function dataSnapshotOf(
  state: CommittedState,
  options: { readonly replica?: boolean } = {},
): DataSnapshotState | null {
  const data = state.data
  if (data === null) return null
  return {
    appliedIndex: state.appliedIndex,
    replicaState: options.replica === false ? new Uint8Array(0) : data.replica.encodeState(),
    removals: data.replica.removalRecords(),
    strongClock: data.strongClock.latest,
    strongCount: data.strongCount,
    sessions: data.sessions.entries(),
    idempotency: data.idempotency.entries(),
    collections: data.collections.entries(),
  }
}

/**
 * A committed state restored from a snapshot: keyed when `data` is given (it then needs an
 * `opener`), keyless (public layer only) when `data` is `null`. The data part must have been taken
 * at the public part's index.
 */
export function restoreCommittedStateFrom(
  snapshot: { readonly public: PublicSnapshotState; readonly data: DataSnapshotState | null },
  options: {
    readonly signatures: BatchSignatureCheck
    readonly opener: BatchOpener | null
    /** Limits for decoding the replica state. */
    readonly crdtLimits?: DecodeLimits
    /** The replica state, decoded already (a node snapshot carries it apart); `data.replicaState` is then ignored. */
    readonly replica?: Delta
  },
): CommittedState {
  const { public: pub, data } = snapshot
  if (data !== null && data.appliedIndex !== pub.appliedIndex)
    throw new MalformedOperationError('the data layer was taken at another index than the public layer')
  // A keyed C is built as the original was (its data layer's limits from the defaults it started
  // with), then its fields are replaced.
  const state = new CommittedState({
    signatures: options.signatures,
    opener: data === null ? null : options.opener,
  })
  const layer = state.public
  layer.membership.restore(pub)
  layer.incarnations.restore(pub.incarnations)
  layer.highWaters.restore(pub.highWaters)
  layer.logTime.restore(pub)
  layer.restoreFields(pub)
  layer.restoreWraps(pub.wraps)
  if (data !== null) {
    const restored = state.data
    if (restored === null)
      throw new MalformedOperationError('a data layer needs a batch opener to restore into')
    let replica: Delta
    try {
      replica = options.replica ?? decodeDelta(data.replicaState, options.crdtLimits)
    } catch (error) {
      throw new MalformedOperationError('invalid replica state', { cause: error })
    }
    try {
      restored.restoreReplica(replica, data.removals)
    } catch (error) {
      // A state that decodes but does not merge (a dot held twice, a bad removal record).
      throw new MalformedOperationError('a replica state that does not restore', { cause: error })
    }
    restored.restoreCounters(data)
    restored.sessions.restore(data.sessions)
    restored.idempotency.restore(data.idempotency)
    restored.collections.restore(data.collections)
  }
  return state
}
