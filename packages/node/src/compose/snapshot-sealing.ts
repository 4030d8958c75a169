/**
 * The sealed data part of a node snapshot: the data layer's bytes, encrypted in chunks under the
 * node's newest epoch key with manifests signed by its key (envelope's sealed snapshots), so no data
 * value is plaintext on the wire or on disk. It is sealed in segments — the first the public part
 * (length-prefixed), then the data part in slices of `segmentBytes` — each its own envelope snapshot
 * whose stream id names its position and the segment count, with a yield to the event loop between
 * segments. A keyed node restoring it checks the first segment against the plaintext public part,
 * so the public header it restores is the one the signer took with this data (a swapped header, a
 * dropped, repeated or reordered segment is refused).
 */
import { openSnapshotChunk, verifySnapshotManifest } from '@tandem/envelope'
import { equals } from 'uint8arrays'
import type { SealedSegment } from '../codec/node-snapshot.js'
import { MalformedOperationError } from '../errors.js'
import type { Sealing } from '../sealing/sealing.js'

/** Data bytes per sealed segment: about 20 ms of sealing with the native provider. */
export const SNAPSHOT_SEGMENT_BYTES = 8 * 1024 * 1024

/** The stream id of segment `position` of `count`: each manifest and chunk is bound to it. */
function segmentStreamId(position: number, count: number): Uint8Array {
  return new TextEncoder().encode(`tandem/snapshot/1/${position}/${count}`)
}

/** Seals the data part of the snapshot at (index, term), bound to its public part. */
export async function sealSnapshotData(
  sealing: Sealing,
  snapshot: {
    readonly index: number
    readonly term: number
    readonly publicBytes: Uint8Array
    readonly dataBytes: Uint8Array
    readonly chunkBytes: number
    readonly segmentBytes?: number
    readonly yieldNow: () => Promise<void>
  },
): Promise<readonly SealedSegment[]> {
  const { publicBytes, dataBytes } = snapshot
  const segmentBytes = snapshot.segmentBytes ?? SNAPSHOT_SEGMENT_BYTES
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1)
    throw new RangeError(`segmentBytes must be a positive integer, got ${segmentBytes}`)
  const header = new Uint8Array(4 + publicBytes.length)
  new DataView(header.buffer).setUint32(0, publicBytes.length)
  header.set(publicBytes, 4)
  const plaintexts: Uint8Array[] = [header]
  for (let start = 0; start < dataBytes.length; start += segmentBytes)
    plaintexts.push(dataBytes.subarray(start, Math.min(dataBytes.length, start + segmentBytes)))
  const segments: SealedSegment[] = []
  for (const [position, data] of plaintexts.entries()) {
    if (position > 0) await snapshot.yieldNow()
    segments.push(
      sealing.writer.sealSnapshot({
        streamId: segmentStreamId(position, plaintexts.length),
        index: snapshot.index,
        term: snapshot.term,
        data,
        chunkBytes: snapshot.chunkBytes,
      }),
    )
  }
  return segments
}

/**
 * Verifies and opens a sealed data part, chunk by chunk with a yield to the event loop between
 * chunks; returns the data part's plaintext. The sealing must be attached to the snapshot's own
 * public layer (the writer's standing is judged there). Throws the envelope's error for a manifest
 * or chunk that does not verify or open (`UnknownEpochError` without the epoch key), and
 * {@link MalformedOperationError} for one taken at another index or term, with another public
 * part, or beyond the limits.
 */
export async function openSealedSnapshotData(
  sealing: Sealing,
  sealed: {
    readonly index: number
    readonly term: number
    readonly publicBytes: Uint8Array
    readonly segments: readonly SealedSegment[]
    readonly dataBytesMax: number
    readonly yieldNow: () => Promise<void>
  },
): Promise<Uint8Array> {
  const ring = sealing.keys.foldedRing
  const count = sealed.segments.length
  if (count < 1) throw new MalformedOperationError('a sealed snapshot part without segments')
  // Every manifest is verified (and the total bounded) before the plaintext is allocated.
  const verified = sealed.segments.map((segment, position) => {
    const manifest = verifySnapshotManifest({
      keyRing: ring,
      streamId: segmentStreamId(position, count),
      manifest: segment.manifest,
      cryptoProvider: sealing.cryptoProvider,
    })
    if (manifest.index !== sealed.index || manifest.term !== sealed.term)
      throw new MalformedOperationError('a sealed snapshot part taken at another index or term')
    if (segment.chunks.length !== manifest.chunkCount)
      throw new MalformedOperationError(
        `a sealed snapshot segment has ${segment.chunks.length} chunks, its manifest lists ${manifest.chunkCount}`,
      )
    return manifest
  })
  const headerBytes = 4 + sealed.publicBytes.length
  const first = verified[0]
  if (first === undefined || first.totalBytes !== headerBytes)
    throw new MalformedOperationError('a sealed snapshot part taken with another public part')
  const dataBytes = verified.slice(1).reduce((sum, manifest) => sum + manifest.totalBytes, 0)
  if (dataBytes > sealed.dataBytesMax)
    throw new MalformedOperationError('a sealed snapshot part larger than the limits')
  const header = new Uint8Array(headerBytes)
  const plaintext = new Uint8Array(dataBytes)
  let at = 0
  for (const [position, segment] of sealed.segments.entries()) {
    const manifest = verified[position] as (typeof verified)[number]
    const target = position === 0 ? header : plaintext
    const base = position === 0 ? 0 : at
    for (let index = 0; index < segment.chunks.length; index++) {
      await sealed.yieldNow()
      const chunk = openSnapshotChunk(ring, manifest, index, segment.chunks[index] as Uint8Array)
      target.set(chunk, base + index * manifest.chunkBytes)
    }
    if (position > 0) at += manifest.totalBytes
  }
  if (
    new DataView(header.buffer).getUint32(0) !== sealed.publicBytes.length ||
    !equals(header.subarray(4), sealed.publicBytes)
  )
    throw new MalformedOperationError('a sealed snapshot part taken with another public part')
  return plaintext
}
