/**
 * The wire form of C's snapshots (schema `PublicSnapshot` and `DataSnapshot` in `proto/node.proto`):
 * `publicBytes` is the public layer with its applied index — the signed plaintext header every node
 * restores and hashes — and `dataBytes` the data layer, on keyed nodes. Both encodings are
 * canonical: equal layers give equal bytes, so the simulator and the keyless replicas compare them.
 * Decoding validates every id, count and list length (limits below), so bad bytes from disk or a
 * peer become a {@link MalformedOperationError}, never an invariant failure in a later apply.
 */
import { type DecodeLimits, decodeValue, encodeValue, type RemovalRecord } from '@tandem/crdt'
import type { CollectionRules } from '../core/collections.js'
import type { BatchOpener, CommittedState } from '../core/committed-state.js'
import type { ClusterConstants } from '../core/control.js'
import type { NotAppliedReason, StrongResult } from '../core/data-operations.js'
import {
  type Incarnation,
  invalidIncarnation,
  invalidMemberId,
  invalidWriterKey,
  type MemberId,
  parseStreamId,
  type StreamId,
  type WriterKey,
} from '../core/ids.js'
import type { BatchSignatureCheck } from '../core/public-layer.js'
import {
  type DataSnapshotState,
  dataSnapshotOf,
  type PublicSnapshotState,
  publicSnapshotOf,
  restoreCommittedStateFrom,
} from '../core/snapshot.js'
import { MalformedOperationError } from '../errors.js'
import * as pb from '../proto/node.js'
import { WRAPPED_BYTES_MAX, WRAPPED_BYTES_MIN } from '../sealing/epoch-wrap.js'
import { count } from './wire-fields.js'

/** The version both snapshot messages carry. */
export const snapshotVersion = 1

/** Bounds the snapshot decoders enforce on untrusted bytes. */
export interface SnapshotDecodeLimits {
  /** The largest public part accepted. */
  readonly publicBytesMax: number
  /** The largest data part accepted. */
  readonly dataBytesMax: number
  /** The most items of any one list (members, writers, streams, sessions, records, ...). */
  readonly itemsMax: number
  /** The most results one strong batch of a session may hold. */
  readonly resultsPerBatchMax: number
  /** The longest id, key, name or hash string accepted, in characters. */
  readonly stringLengthMax: number
  /** Limits for the replica state and values inside the data part (@tandem/crdt's decoder). */
  readonly crdt: DecodeLimits
}

/** Public parts up to 64 MiB, data parts up to 1 GiB, 1,048,576 items a list, 4,096 results a batch, strings of 4,096 characters. */
export const defaultSnapshotDecodeLimits: SnapshotDecodeLimits = Object.freeze({
  publicBytesMax: 64 * 1024 * 1024,
  dataBytesMax: 1024 * 1024 * 1024,
  itemsMax: 1_048_576,
  resultsPerBatchMax: 4096,
  stringLengthMax: 4096,
  crdt: Object.freeze({ bytesMax: 1024 * 1024 * 1024 }),
})

/** A snapshot of C in bytes: the public part always, the data part on a keyed node. */
export interface EncodedCommittedSnapshot {
  readonly appliedIndex: number
  readonly publicBytes: Uint8Array
  readonly dataBytes: Uint8Array | null
}

/** Encodes the committed state `state` (both layers on a keyed node, the public one on a keyless one). */
export function encodeCommittedSnapshot(state: CommittedState): EncodedCommittedSnapshot {
  const data = dataSnapshotOf(state)
  return {
    appliedIndex: state.appliedIndex,
    publicBytes: encodePublicSnapshot(publicSnapshotOf(state)),
    dataBytes: data === null ? null : encodeDataSnapshot(data),
  }
}

/**
 * Restores a committed state from snapshot bytes: keyed (give `dataBytes` and an `opener`) or
 * keyless (`dataBytes` `null`). Throws {@link MalformedOperationError} for bytes that do not decode,
 * and for a data part taken at another index than the public part.
 */
export function restoreCommittedState(
  publicBytes: Uint8Array,
  dataBytes: Uint8Array | null,
  options: {
    readonly signatures: BatchSignatureCheck
    readonly opener: BatchOpener | null
    readonly limits?: Partial<SnapshotDecodeLimits>
  },
): CommittedState {
  const pub = decodePublicSnapshot(publicBytes, options.limits)
  const data = dataBytes === null ? null : decodeDataSnapshot(dataBytes, options.limits)
  const crdtLimits = { ...defaultSnapshotDecodeLimits, ...options.limits }.crdt
  return restoreCommittedStateFrom({ public: pub, data }, { ...options, crdtLimits })
}

/** Encodes the public part (canonical: the lists of `state` are sorted). */
export function encodePublicSnapshot(state: PublicSnapshotState): Uint8Array {
  return pb.PublicSnapshot.encode({
    version: snapshotVersion,
    appliedIndex: state.appliedIndex,
    members: state.members.map((member) => ({ ...member })),
    everStoreIds: [...state.everStoreIds],
    writers: state.writers.map(([key, standing]) => ({
      key,
      admittedAtIndex: standing.admittedAtIndex,
      ended: standing.endedAtIndex !== null,
      endedAtIndex: standing.endedAtIndex ?? 0,
      revoked: standing.revoked,
    })),
    endedKeys: [...state.endedKeys],
    incarnations: state.incarnations.map(([key, incarnation]) => ({ key, incarnation })),
    tMs: state.tMs,
    readings: state.readings.map(([member, readingMs]) => ({ member, readingMs })),
    highWaters: state.highWaters.map(([stream, position]) => ({ stream, position })),
    cutoffs: state.cutoffs.map(([stream, position]) => ({ stream, position })),
    epochs: [...state.epochs],
    constants: { ...state.constants },
    wraps: state.wraps.map(([epoch, recipient, wrapped]) => ({
      epoch,
      recipient,
      wrapped: wrapped as Uint8Array<ArrayBuffer>,
    })),
  })
}

/** Decodes and validates a public part from untrusted bytes. */
export function decodePublicSnapshot(
  bytes: Uint8Array,
  limits: Partial<SnapshotDecodeLimits> = {},
): PublicSnapshotState {
  const bounds = { ...defaultSnapshotDecodeLimits, ...limits }
  if (!(bytes instanceof Uint8Array)) throw new MalformedOperationError('input is not bytes')
  if (bytes.length > bounds.publicBytesMax) throw new MalformedOperationError('public snapshot too large')
  const items = bounds.itemsMax
  let wire: pb.PublicSnapshot
  try {
    wire = pb.PublicSnapshot.decode(bytes, {
      limits: {
        members: items,
        everStoreIds: items,
        writers: items,
        endedKeys: items,
        incarnations: items,
        readings: items,
        highWaters: items,
        cutoffs: items,
        epochs: items,
        wraps: items,
      },
    })
  } catch (error) {
    throw new MalformedOperationError('invalid protobuf', { cause: error })
  }
  if (wire.version !== snapshotVersion) throw new MalformedOperationError('unsupported snapshot version')
  if (wire.constants === undefined) throw new MalformedOperationError('public snapshot without constants')
  const text = (value: string) => string(value, bounds)
  return consistentPublic({
    appliedIndex: count(wire.appliedIndex, 0),
    members: sortedBy(
      wire.members.map((member) => ({
        id: memberIdFrom(member.id, bounds),
        key: writerKeyFrom(member.key),
        keyed: member.keyed,
        voter: member.voter,
      })),
      (member) => member.id,
    ),
    everStoreIds: sortedBy(wire.everStoreIds.map(text), (id) => id),
    writers: sortedBy(
      wire.writers.map((writer) => {
        if (!writer.ended && writer.endedAtIndex !== 0)
          throw new MalformedOperationError('an end index on a standing that did not end')
        return [
          writerKeyFrom(writer.key),
          {
            admittedAtIndex: count(writer.admittedAtIndex, 0),
            endedAtIndex: writer.ended ? count(writer.endedAtIndex, 0) : null,
            revoked: writer.revoked,
          },
        ] as const
      }),
      ([key]) => key,
    ),
    endedKeys: sortedBy(wire.endedKeys.map(writerKeyFrom), (key) => key),
    incarnations: sortedBy(
      wire.incarnations.map(
        (entry) => [writerKeyFrom(entry.key), incarnationFrom(entry.incarnation)] as const,
      ),
      ([key]) => key,
    ),
    tMs: count(wire.tMs, 0),
    readings: sortedBy(
      wire.readings.map(
        (reading) => [memberIdFrom(reading.member, bounds), count(reading.readingMs, 0)] as const,
      ),
      ([member]) => member,
    ),
    highWaters: sortedBy(
      wire.highWaters.map((entry) => [streamFrom(entry.stream, bounds), count(entry.position, 1)] as const),
      ([stream]) => stream,
    ),
    cutoffs: sortedBy(
      wire.cutoffs.map((entry) => [streamFrom(entry.stream, bounds), count(entry.position, 0)] as const),
      ([stream]) => stream,
    ),
    epochs: strictlyAscending(wire.epochs.map((epoch) => count(epoch, 1))),
    constants: constantsFrom(wire.constants),
    wraps: sortedBy(
      wire.wraps.map(
        (row) => [count(row.epoch, 1), writerKeyFrom(row.recipient), wrappedFrom(row.wrapped)] as const,
      ),
      ([epoch, recipient]) => `${String(epoch).padStart(16, '0')}/${recipient}`,
    ),
  })
}

/** Encodes the data part (canonical: sessions and declarations sorted, records in write order). */
export function encodeDataSnapshot(state: DataSnapshotState): Uint8Array {
  return pb.DataSnapshot.encode({
    version: snapshotVersion,
    appliedIndex: state.appliedIndex,
    replicaState: state.replicaState as Uint8Array<ArrayBuffer>,
    removals: state.removals.map((record) => ({
      collection: record.collection,
      element: encodeValue(record.element) as Uint8Array<ArrayBuffer>,
      node: record.node,
      ranges: [...record.ranges],
    })),
    strongClockWallMs: state.strongClock.wallMs,
    strongClockLogical: state.strongClock.logical,
    strongCount: state.strongCount,
    sessions: state.sessions.map((session) => ({
      key: session.key,
      incarnation: session.incarnation,
      floor: session.floor,
      applied: session.applied.map(([sequence, results]) => ({
        sequence,
        results: results.map(resultToWire),
      })),
    })),
    idempotency: state.idempotency.map(({ writer, records }) => ({
      key: writer,
      records: records.map((record) => ({
        idempotencyKey: record.idempotencyKey,
        operationHash: record.operationHash,
        result: resultToWire(record.result),
        writtenAtMs: record.writtenAtMs,
      })),
    })),
    collections: state.collections.map(([name, rules]) => ({
      name,
      writes: writesToWire[rules.writes],
      writersListed: rules.writers !== null,
      writers: rules.writers === null ? [] : [...rules.writers],
    })),
  })
}

/** Decodes and validates a data part from untrusted bytes. */
export function decodeDataSnapshot(
  bytes: Uint8Array,
  limits: Partial<SnapshotDecodeLimits> = {},
): DataSnapshotState {
  const bounds = { ...defaultSnapshotDecodeLimits, ...limits }
  if (!(bytes instanceof Uint8Array)) throw new MalformedOperationError('input is not bytes')
  if (bytes.length > bounds.dataBytesMax) throw new MalformedOperationError('data snapshot too large')
  const items = bounds.itemsMax
  let wire: pb.DataSnapshot
  try {
    wire = pb.DataSnapshot.decode(bytes, {
      limits: {
        removals: items,
        removals$: { ranges: items },
        sessions: items,
        sessions$: { applied: items, applied$: { results: bounds.resultsPerBatchMax } },
        idempotency: items,
        idempotency$: { records: items },
        collections: items,
        collections$: { writers: items },
      },
    })
  } catch (error) {
    throw new MalformedOperationError('invalid protobuf', { cause: error })
  }
  if (wire.version !== snapshotVersion) throw new MalformedOperationError('unsupported snapshot version')
  const text = (value: string) => string(value, bounds)
  if (wire.replicaState.length > (bounds.crdt.bytesMax ?? bounds.dataBytesMax))
    throw new MalformedOperationError('replica state too large')
  const removals: RemovalRecord[] = wire.removals.map((record) => ({
    collection: text(record.collection),
    element: valueFrom(record.element, bounds),
    node: text(record.node),
    ranges: rangesFrom(record.ranges),
  }))
  return {
    appliedIndex: count(wire.appliedIndex, 0),
    replicaState: wire.replicaState,
    removals,
    strongClock: { wallMs: count(wire.strongClockWallMs, 0), logical: count(wire.strongClockLogical, 0) },
    strongCount: count(wire.strongCount, 0),
    sessions: sortedBy(
      wire.sessions.map((session) => ({
        key: writerKeyFrom(session.key),
        incarnation: incarnationFrom(session.incarnation),
        floor: count(session.floor, 1),
        applied: ascendingSequences(
          session.applied.map((batch) => [count(batch.sequence, 1), batch.results.map(resultFrom)] as const),
        ),
      })),
      (session) => session.key,
    ),
    idempotency: sortedBy(
      wire.idempotency.map((writer) => ({
        writer: writerKeyFrom(writer.key),
        records: uniqueKeys(
          writer.records.map((record) => {
            if (record.result === undefined)
              throw new MalformedOperationError('an idempotency record without result')
            return {
              idempotencyKey: text(record.idempotencyKey),
              operationHash: text(record.operationHash),
              result: resultFrom(record.result),
              writtenAtMs: count(record.writtenAtMs, 0),
            }
          }),
        ),
      })),
      (writer) => writer.writer,
    ),
    collections: sortedBy(
      wire.collections.map((declaration) => [text(declaration.name), rulesFrom(declaration)] as const),
      ([name]) => name,
    ),
  }
}

/**
 * Cross-checks a decoded public part, so that no restored C can reach a state its apply asserts
 * against: every member's key and every incarnation's key has a standing, every member's storeId
 * was admitted, every reading is a voter's, and every cutoff belongs to an ended key (a
 * key that ended may be admitted again, so an ended key's standing may be open).
 */
function consistentPublic(state: PublicSnapshotState): PublicSnapshotState {
  const standings = new Map(state.writers)
  const storeIds = new Set(state.everStoreIds)
  const voters = new Set(state.members.filter((member) => member.voter).map((member) => member.id))
  const ended = new Set(state.endedKeys)
  for (const member of state.members) {
    if (!standings.has(member.key)) throw new MalformedOperationError('a member whose key has no standing')
    if (!storeIds.has(member.id.slice(member.id.indexOf('/') + 1)))
      throw new MalformedOperationError('a member whose storeId was never admitted')
  }
  if (standings.size > 0 && storeIds.size === 0)
    throw new MalformedOperationError('writer standings without any admitted storeId')
  for (const [key] of state.incarnations)
    if (!standings.has(key)) throw new MalformedOperationError('an incarnation of a key without standing')
  for (const [member] of state.readings)
    if (!voters.has(member))
      throw new MalformedOperationError('a clock reading of a member that is not a voter')
  const epochs = new Set(state.epochs)
  for (const [epoch, recipient] of state.wraps) {
    if (!epochs.has(epoch)) throw new MalformedOperationError('a wrap of an epoch C does not know')
    if (!standings.has(recipient)) throw new MalformedOperationError('a wrap to a key without standing')
  }
  for (const [stream] of state.cutoffs) {
    const parsed = parseStreamId(stream)
    if (parsed === null || !ended.has(parsed.key))
      throw new MalformedOperationError('a cutoff of a key that did not end')
  }
  return state
}

const writesToWire = {
  both: pb.WritesAllowed.WRITES_BOTH,
  strong: pb.WritesAllowed.WRITES_STRONG,
  eventual: pb.WritesAllowed.WRITES_EVENTUAL,
} as const

/** Every reason a refused strong result may carry (the wire holds it as text). */
const notAppliedReasons: ReadonlySet<string> = new Set<NotAppliedReason>([
  'collection-conflict',
  'consistency-not-allowed',
  'writer-not-allowed',
  'conditional-needs-strong-collection',
  'value-mismatch',
  'present',
  'not-a-number',
  'below-min',
  'above-max',
  'idempotency-key-reuse',
  'stale-incarnation',
  'beyond-session-window',
])

function resultToWire(result: StrongResult): pb.SnapshotResult {
  return result.applied
    ? {
        applied: true,
        wallMs: result.stamp.wallMs,
        logical: result.stamp.logical,
        fencingToken: result.fencingToken,
        replayed: result.replayed,
        reason: '',
        ...(result.counter === undefined ? {} : { counter: result.counter }),
      }
    : { applied: false, wallMs: 0, logical: 0, fencingToken: 0n, replayed: false, reason: result.reason }
}

function resultFrom(wire: pb.SnapshotResult): StrongResult {
  if (wire.applied) {
    if (wire.reason !== '') throw new MalformedOperationError('an applied result with a reason')
    if (wire.fencingToken < 0n || wire.fencingToken >= 2n ** 64n)
      throw new MalformedOperationError('a fencing token out of range')
    if (wire.counter !== undefined && !Number.isFinite(wire.counter))
      throw new MalformedOperationError('a counter that is not a finite number')
    const applied = {
      applied: true as const,
      stamp: { wallMs: count(wire.wallMs, 0), logical: count(wire.logical, 0) },
      fencingToken: wire.fencingToken,
      replayed: wire.replayed,
    }
    return wire.counter === undefined ? applied : { ...applied, counter: wire.counter }
  }
  if (!notAppliedReasons.has(wire.reason)) throw new MalformedOperationError('unknown not-applied reason')
  if (
    wire.wallMs !== 0 ||
    wire.logical !== 0 ||
    wire.fencingToken !== 0n ||
    wire.replayed ||
    wire.counter !== undefined
  )
    throw new MalformedOperationError('a refused result with applied fields')
  return { applied: false, reason: wire.reason as NotAppliedReason }
}

function rulesFrom(wire: pb.SnapshotDeclaration): CollectionRules {
  const writes = (['both', 'strong', 'eventual'] as const).find((name) => writesToWire[name] === wire.writes)
  if (writes === undefined) throw new MalformedOperationError('unknown writes rule')
  if (!wire.writersListed) {
    if (wire.writers.length > 0) throw new MalformedOperationError('writers listed but not marked so')
    return { writes, writers: null }
  }
  return { writes, writers: strictlyAscendingText(wire.writers.map(writerKeyFrom)) }
}

function constantsFrom(wire: pb.Constants): ClusterConstants {
  return {
    driftMaxMs: count(wire.driftMaxMs, 0),
    eventualBacklogBytesMax: count(wire.eventualBacklogBytesMax, 1),
    foldBytesMax: count(wire.foldBytesMax, 1),
    sessionResultsMax: count(wire.sessionResultsMax, 1),
    idempotencyRecordsPerWriterMax: count(wire.idempotencyRecordsPerWriterMax, 1),
    idempotencyWindowMs: count(wire.idempotencyWindowMs, 0),
    applyProtocolVersion: wire.applyProtocolVersion,
  }
}

function string(value: string, bounds: SnapshotDecodeLimits): string {
  if (value.length > bounds.stringLengthMax) throw new MalformedOperationError('a string too long')
  return value
}

function writerKeyFrom(value: string): WriterKey {
  if (invalidWriterKey(value) !== null) throw new MalformedOperationError('not a writer key')
  return value as WriterKey
}

function wrappedFrom(bytes: Uint8Array): Uint8Array {
  if (bytes.length < WRAPPED_BYTES_MIN || bytes.length > WRAPPED_BYTES_MAX)
    throw new MalformedOperationError('an epoch wrap of impossible size')
  return bytes
}

function incarnationFrom(value: string): Incarnation {
  if (invalidIncarnation(value) !== null) throw new MalformedOperationError('not an incarnation')
  return value as Incarnation
}

function memberIdFrom(value: string, bounds: SnapshotDecodeLimits): MemberId {
  string(value, bounds)
  if (invalidMemberId(value) !== null) throw new MalformedOperationError('not a member id')
  return value as MemberId
}

function streamFrom(value: string, bounds: SnapshotDecodeLimits): StreamId {
  string(value, bounds)
  if (parseStreamId(value) === null) throw new MalformedOperationError('not a stream id')
  return value as StreamId
}

function valueFrom(bytes: Uint8Array, bounds: SnapshotDecodeLimits) {
  try {
    return decodeValue(bytes, bounds.crdt)
  } catch (error) {
    throw new MalformedOperationError('invalid value', { cause: error })
  }
}

/** Flat inclusive ranges [from, to, from, to, ...]: ascending, disjoint, every dot ≥ 1. */
function rangesFrom(ranges: readonly number[]): number[] {
  if (ranges.length === 0 || ranges.length % 2 !== 0)
    throw new MalformedOperationError('ranges come in pairs')
  let previous = 0
  for (let i = 0; i < ranges.length; i += 2) {
    const from = count(ranges[i] as number, 1)
    const to = count(ranges[i + 1] as number, from)
    if (from <= previous) throw new MalformedOperationError('ranges out of order')
    previous = to
  }
  return [...ranges]
}

/** The items, checked to be in strictly ascending order of `keyOf` (one canonical form, no duplicates). */
function sortedBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  for (let i = 1; i < items.length; i++) {
    if (!(keyOf(items[i - 1] as T) < keyOf(items[i] as T)))
      throw new MalformedOperationError('a list out of order or with duplicates')
  }
  return items
}

function strictlyAscendingText<T extends string>(items: T[]): T[] {
  return sortedBy(items, (item) => item)
}

function strictlyAscending(items: number[]): number[] {
  for (let i = 1; i < items.length; i++) {
    if (!((items[i - 1] as number) < (items[i] as number)))
      throw new MalformedOperationError('a list out of order or with duplicates')
  }
  return items
}

function ascendingSequences<T>(items: (readonly [number, T])[]): (readonly [number, T])[] {
  strictlyAscending(items.map(([sequence]) => sequence))
  return items
}

function uniqueKeys<T extends { readonly idempotencyKey: string }>(records: T[]): T[] {
  const seen = new Set<string>()
  for (const record of records) {
    if (seen.has(record.idempotencyKey)) throw new MalformedOperationError('an idempotency key twice')
    seen.add(record.idempotencyKey)
  }
  return records
}
