/**
 * Taking and restoring NodeCore's Raft snapshots (design.md, "Transport and operations: One
 * snapshot path", "Two applied indices"): C's public part in plaintext and, on a keyed node, its data
 * part — sealed with the node's newest epoch key when the node seals, plain under the null envelope.
 * Encoding runs in steps that yield to the event loop between them (the data layer's encoding is the
 * long one), so a large C does not hold the loop for the whole encoding.
 */
import {
  decodeNodeSnapshot,
  encodeNodeSnapshot,
  type NodeSnapshot,
  type NodeSnapshotData,
} from '../codec/node-snapshot.js'
import {
  defaultSnapshotDecodeLimits,
  encodeDataSnapshot,
  encodePublicSnapshot,
  restoreCommittedState,
  type SnapshotDecodeLimits,
} from '../codec/snapshot.js'
import type { BatchOpener, CommittedState } from '../core/committed-state.js'
import type { BatchSignatureCheck } from '../core/public-layer.js'
import { dataSnapshotOf, publicSnapshotOf } from '../core/snapshot.js'
import { MalformedOperationError } from '../errors.js'
import type { Sealing } from '../sealing/sealing.js'
import { openSealedSnapshotData, sealSnapshotData } from './snapshot-sealing.js'

/** What {@link takeNodeSnapshot} needs besides C. */
export interface TakeSnapshotOptions {
  /** The node's sealing; `null` under the null envelope (the data part stays plain). */
  readonly sealing: Sealing | null
  /** Plaintext bytes per sealed chunk. */
  readonly chunkBytes: number
  /** Resolves after other work of the event loop had its turn. */
  readonly yieldNow: () => Promise<void>
}

/**
 * Encodes `committed` (at the applied index and term given) as a node snapshot. C must not change
 * while this runs (the Raft driver applies nothing while it waits for the snapshot); it is checked.
 */
export async function takeNodeSnapshot(
  committed: CommittedState,
  applied: { readonly index: number; readonly term: number },
  options: TakeSnapshotOptions,
): Promise<Uint8Array> {
  const unchanged = (): void => {
    if (committed.appliedIndex !== applied.index)
      throw new RangeError('NodeCore: C changed while its snapshot was being encoded')
  }
  if (committed.appliedIndex !== applied.index)
    throw new RangeError('NodeCore: a snapshot is taken at the applied index')
  const publicBytes = encodePublicSnapshot(publicSnapshotOf(committed))
  let data: NodeSnapshotData = { kind: 'none' }
  if (committed.data !== null) {
    await options.yieldNow()
    unchanged()
    const state = dataSnapshotOf(committed)
    if (state === null) throw new RangeError('NodeCore: a keyed C lost its data layer')
    await options.yieldNow()
    unchanged()
    const plain = encodeDataSnapshot(state)
    if (options.sealing === null) data = { kind: 'plain', bytes: plain }
    else {
      await options.yieldNow()
      data = {
        kind: 'sealed',
        ...sealSnapshotData(options.sealing, {
          index: applied.index,
          term: applied.term,
          publicBytes,
          dataBytes: plain,
          chunkBytes: options.chunkBytes,
        }),
      }
    }
    await options.yieldNow()
    unchanged()
  }
  return encodeNodeSnapshot({ appliedIndex: applied.index, appliedTerm: applied.term, publicBytes, data })
}

/** What {@link restoreNodeSnapshot} needs. */
export interface RestoreSnapshotOptions {
  readonly signatures: BatchSignatureCheck
  /** The node's opener: present on a keyed node, which needs the data part. */
  readonly opener: BatchOpener | null
  /** The node's sealing; `null` under the null envelope (which takes plain data parts only). */
  readonly sealing: Sealing | null
  readonly limits?: Partial<SnapshotDecodeLimits>
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
export function restoreNodeSnapshot(bytes: Uint8Array, options: RestoreSnapshotOptions): RestoredSnapshot {
  const limits = { ...defaultSnapshotDecodeLimits, ...options.limits }
  const snapshot: NodeSnapshot = decodeNodeSnapshot(bytes, {
    publicBytesMax: limits.publicBytesMax,
    dataBytesMax: limits.dataBytesMax + sealingOverheadBytes(limits.dataBytesMax),
  })
  const common = { signatures: options.signatures, limits: options.limits ?? {} }
  let dataBytes: Uint8Array | null = null
  if (options.opener !== null) {
    const { data } = snapshot
    if (data.kind === 'none')
      throw new MalformedOperationError('a keyed node needs a snapshot with a data part')
    if (options.sealing === null) {
      if (data.kind !== 'plain')
        throw new MalformedOperationError('the null envelope takes plain snapshots only')
      dataBytes = data.bytes
    } else {
      if (data.kind !== 'sealed')
        throw new MalformedOperationError('a sealing node takes sealed snapshots only')
      // The manifest's writer is judged by the standing the snapshot's own public part records.
      const header = restoreCommittedState(snapshot.publicBytes, null, { ...common, opener: null })
      options.sealing.attach(header.public)
      dataBytes = openSealedSnapshotData(options.sealing, {
        index: snapshot.appliedIndex,
        term: snapshot.appliedTerm,
        publicBytes: snapshot.publicBytes,
        manifest: data.manifest,
        chunks: data.chunks,
        dataBytesMax: limits.dataBytesMax,
      })
    }
  }
  const committed = restoreCommittedState(snapshot.publicBytes, dataBytes, {
    ...common,
    opener: options.opener,
  })
  if (committed.appliedIndex !== snapshot.appliedIndex)
    throw new MalformedOperationError('a snapshot whose public part names another index than its header')
  return { committed, appliedIndex: snapshot.appliedIndex, appliedTerm: snapshot.appliedTerm }
}

/** Room for the sealed form's manifest and chunk framing beyond the plaintext. */
function sealingOverheadBytes(dataBytesMax: number): number {
  return 64 * 1024 + Math.ceil(dataBytesMax / 4096) * 128
}
