/**
 * Taking and restoring NodeCore's Raft snapshots (design.md, "Transport and operations: One
 * snapshot path", "Two applied indices"): C's public part in plaintext and, on a keyed node, its data
 * part — sealed with the node's newest epoch key when the node seals, plain under the null envelope.
 * The replica state, which is nearly all of a large C, is encoded and decoded in parts with a yield
 * to the event loop between parts, so a large C never holds the loop for the whole encoding; a
 * snapshot is captured at once (cheap) and encoded afterwards, so C may go on applying meanwhile.
 */
import { type Delta, decodeDelta, encodeDelta } from '@tandem/crdt'
import { decodeNodeSnapshot, encodeNodeSnapshot, type NodeSnapshotData } from '../codec/node-snapshot.js'
import {
  decodeDataSnapshot,
  decodePublicSnapshot,
  defaultSnapshotDecodeLimits,
  encodeDataSnapshot,
  encodePublicSnapshot,
  type SnapshotDecodeLimits,
} from '../codec/snapshot.js'
import {
  decodeSnapshotDataPart,
  encodeSnapshotDataPart,
  mergeReplicaParts,
  splitReplicaState,
} from '../codec/snapshot-data-part.js'
import type { BatchOpener, CommittedState } from '../core/committed-state.js'
import type { BatchSignatureCheck } from '../core/public-layer.js'
import { dataSnapshotOf, publicSnapshotOf, restoreCommittedStateFrom } from '../core/snapshot.js'
import { MalformedOperationError } from '../errors.js'
import type { Sealing } from '../sealing/sealing.js'
import { openSealedSnapshotData, sealSnapshotData } from './snapshot-sealing.js'

/** Entries or elements per replica part: about 1 MiB of 1 KiB values, tens of milliseconds to encode. */
export const SNAPSHOT_ITEMS_PER_PART = 1024

/** What {@link takeNodeSnapshot} needs besides C. */
export interface TakeSnapshotOptions {
  /** The node's sealing; `null` under the null envelope (the data part stays plain). */
  readonly sealing: Sealing | null
  /** Plaintext bytes per sealed chunk. */
  readonly chunkBytes: number
  /** Resolves after other work of the event loop had its turn. */
  readonly yieldNow: () => Promise<void>
  /** Entries or elements per replica part; default {@link SNAPSHOT_ITEMS_PER_PART}. */
  readonly itemsPerPart?: number
  /** Data bytes per sealed segment; default `SNAPSHOT_SEGMENT_BYTES` (8 MiB). */
  readonly segmentBytes?: number
}

/**
 * C's state at one applied index, captured at once (the public part and the data layer's fields
 * encoded, the replica's state as a fresh delta that later applies do not change), so that it can
 * be encoded while C goes on applying.
 */
export interface CapturedSnapshot {
  readonly index: number
  readonly term: number
  readonly publicBytes: Uint8Array
  /** `encodeDataSnapshot` of the data layer without its replica; `null` on a keyless node. */
  readonly fieldsBytes: Uint8Array | null
  /** The replica's state; `null` on a keyless node. */
  readonly state: Delta | null
}

/** Captures `committed`, which is at the applied index and term given (synchronous, cheap). */
export function captureNodeSnapshot(
  committed: CommittedState,
  applied: { readonly index: number; readonly term: number },
): CapturedSnapshot {
  if (committed.appliedIndex !== applied.index)
    throw new RangeError('NodeCore: a snapshot is taken at the applied index')
  const fields = dataSnapshotOf(committed, { replica: false })
  return {
    index: applied.index,
    term: applied.term,
    publicBytes: encodePublicSnapshot(publicSnapshotOf(committed)),
    fieldsBytes: fields === null ? null : encodeDataSnapshot(fields),
    state: committed.data === null ? null : committed.data.replica.state(),
  }
}

/**
 * Encodes a captured C as a node snapshot: the replica state in parts and the sealed segments, with
 * a yield to the event loop between parts and between segments.
 */
export async function encodeCapturedSnapshot(
  captured: CapturedSnapshot,
  options: TakeSnapshotOptions,
): Promise<Uint8Array> {
  const { index, term, publicBytes, fieldsBytes, state } = captured
  let data: NodeSnapshotData = { kind: 'none' }
  if (fieldsBytes !== null && state !== null) {
    const parts: Uint8Array[] = []
    for (const part of splitReplicaState(state, options.itemsPerPart ?? SNAPSHOT_ITEMS_PER_PART)) {
      await options.yieldNow()
      parts.push(encodeDelta(part))
    }
    const plain = encodeSnapshotDataPart({ fields: fieldsBytes, parts })
    await options.yieldNow()
    if (options.sealing === null) data = { kind: 'plain', bytes: plain }
    else {
      data = {
        kind: 'sealed',
        segments: await sealSnapshotData(options.sealing, {
          index,
          term,
          publicBytes,
          dataBytes: plain,
          chunkBytes: options.chunkBytes,
          ...(options.segmentBytes === undefined ? {} : { segmentBytes: options.segmentBytes }),
          yieldNow: options.yieldNow,
        }),
      }
      await options.yieldNow()
    }
  }
  return encodeNodeSnapshot({ appliedIndex: index, appliedTerm: term, publicBytes, data })
}

/** Captures and encodes `committed` (at the applied index and term given) as a node snapshot. */
export function takeNodeSnapshot(
  committed: CommittedState,
  applied: { readonly index: number; readonly term: number },
  options: TakeSnapshotOptions,
): Promise<Uint8Array> {
  return encodeCapturedSnapshot(captureNodeSnapshot(committed, applied), options)
}

/** What {@link restoreNodeSnapshot} needs. */
export interface RestoreSnapshotOptions {
  readonly signatures: BatchSignatureCheck
  /** The node's opener: present on a keyed node, which needs the data part. */
  readonly opener: BatchOpener | null
  /** The node's sealing; `null` under the null envelope (which takes plain data parts only). */
  readonly sealing: Sealing | null
  readonly limits?: Partial<SnapshotDecodeLimits>
  /** Resolves after other work of the event loop had its turn; no yields when omitted. */
  readonly yieldNow?: () => Promise<void>
}

/** A C restored from a node snapshot, with the index and term it was taken at. */
export interface RestoredSnapshot {
  readonly committed: CommittedState
  readonly appliedIndex: number
  readonly appliedTerm: number
}

/**
 * Restores C from node snapshot bytes. A keyed node needs the data part, sealed when it seals (a
 * plain one would have been plaintext on the wire or disk) and plain under the null envelope; a
 * keyless node restores the public part alone. Bad bytes throw {@link MalformedOperationError}; a
 * sealed part that does not verify or open throws the envelope's error.
 */
export async function restoreNodeSnapshot(
  bytes: Uint8Array,
  options: RestoreSnapshotOptions,
): Promise<RestoredSnapshot> {
  const limits = { ...defaultSnapshotDecodeLimits, ...options.limits }
  const yieldNow = options.yieldNow ?? (() => Promise.resolve())
  const snapshot = decodeNodeSnapshot(bytes, {
    publicBytesMax: limits.publicBytesMax,
    dataBytesMax: limits.dataBytesMax + sealingOverheadBytes(limits.dataBytesMax),
  })
  const pub = decodePublicSnapshot(snapshot.publicBytes, options.limits)
  if (pub.appliedIndex !== snapshot.appliedIndex)
    throw new MalformedOperationError('a snapshot whose public part names another index than its header')
  const common = { signatures: options.signatures }
  if (options.opener === null) {
    const committed = restoreCommittedStateFrom({ public: pub, data: null }, { ...common, opener: null })
    return { committed, appliedIndex: snapshot.appliedIndex, appliedTerm: snapshot.appliedTerm }
  }
  const { data } = snapshot
  if (data.kind === 'none')
    throw new MalformedOperationError('a keyed node needs a snapshot with a data part')
  let plain: Uint8Array
  if (options.sealing === null) {
    if (data.kind !== 'plain')
      throw new MalformedOperationError('the null envelope takes plain snapshots only')
    plain = data.bytes
  } else {
    if (data.kind !== 'sealed')
      throw new MalformedOperationError('a sealing node takes sealed snapshots only')
    // The manifest's writer is judged by the standing the snapshot's own public part records.
    const header = restoreCommittedStateFrom({ public: pub, data: null }, { ...common, opener: null })
    options.sealing.attach(header.public)
    plain = await openSealedSnapshotData(options.sealing, {
      index: snapshot.appliedIndex,
      term: snapshot.appliedTerm,
      publicBytes: snapshot.publicBytes,
      segments: data.segments,
      dataBytesMax: limits.dataBytesMax,
      yieldNow,
    })
  }
  const part = decodeSnapshotDataPart(plain, {
    fieldsBytesMax: limits.dataBytesMax,
    partBytesMax: limits.crdt.bytesMax ?? limits.dataBytesMax,
  })
  const fields = decodeDataSnapshot(part.fields, options.limits)
  const replicaParts: Delta[] = []
  for (const encoded of part.parts) {
    await yieldNow()
    try {
      replicaParts.push(decodeDelta(encoded, limits.crdt))
    } catch (error) {
      throw new MalformedOperationError('invalid replica part', { cause: error })
    }
  }
  await yieldNow()
  const committed = restoreCommittedStateFrom(
    { public: pub, data: fields },
    { ...common, opener: options.opener, replica: mergeReplicaParts(replicaParts) },
  )
  return { committed, appliedIndex: snapshot.appliedIndex, appliedTerm: snapshot.appliedTerm }
}

/** Room for the sealed form's manifest and chunk framing, and the part framing, beyond the plaintext. */
function sealingOverheadBytes(dataBytesMax: number): number {
  return 64 * 1024 + Math.ceil(dataBytesMax / 4096) * 128
}
