/**
 * The sealed data part of a node snapshot: the data layer's bytes, encrypted in chunks under the
 * node's newest epoch key with a manifest signed by its key (envelope's sealed snapshots), so no data
 * value is plaintext on the wire or on disk. The sealed plaintext starts with a copy of the public
 * part: a keyed node restoring it checks that copy against the plaintext public part, so the public
 * header it restores is the one the signer took with this data (a swapped header is refused).
 */
import { openSnapshotChunk, verifySnapshotManifest } from '@tandem/envelope'
import { equals } from 'uint8arrays'
import { MalformedOperationError } from '../errors.js'
import type { Sealing } from '../sealing/sealing.js'

/** The stream id every snapshot manifest and chunk is bound to. */
const SNAPSHOT_STREAM_ID = new TextEncoder().encode('tandem/snapshot/1')

/** Seals the data part of the snapshot at (index, term), bound to its public part. */
export function sealSnapshotData(
  sealing: Sealing,
  snapshot: {
    readonly index: number
    readonly term: number
    readonly publicBytes: Uint8Array
    readonly dataBytes: Uint8Array
    readonly chunkBytes: number
  },
): { readonly manifest: Uint8Array; readonly chunks: readonly Uint8Array[] } {
  const { publicBytes, dataBytes } = snapshot
  const plaintext = new Uint8Array(4 + publicBytes.length + dataBytes.length)
  new DataView(plaintext.buffer).setUint32(0, publicBytes.length)
  plaintext.set(publicBytes, 4)
  plaintext.set(dataBytes, 4 + publicBytes.length)
  return sealing.writer.sealSnapshot({
    streamId: SNAPSHOT_STREAM_ID,
    index: snapshot.index,
    term: snapshot.term,
    data: plaintext,
    chunkBytes: snapshot.chunkBytes,
  })
}

/**
 * Verifies and opens a sealed data part, chunk by chunk with a yield to the event loop between
 * chunks; returns the data part's plaintext. The sealing must be attached to the snapshot's own
 * public layer (the writer's standing is judged there). Throws the envelope's error for a manifest
 * or chunk that does not verify or open (`UnknownEpochError` without the epoch key), and
 * {@link MalformedOperationError} for one taken at another index or term, or with another public part.
 */
export async function openSealedSnapshotData(
  sealing: Sealing,
  sealed: {
    readonly index: number
    readonly term: number
    readonly publicBytes: Uint8Array
    readonly manifest: Uint8Array
    readonly chunks: readonly Uint8Array[]
    readonly dataBytesMax: number
    readonly yieldNow: () => Promise<void>
  },
): Promise<Uint8Array> {
  const verified = verifySnapshotManifest({
    keyRing: sealing.keys.foldedRing,
    streamId: SNAPSHOT_STREAM_ID,
    manifest: sealed.manifest,
    cryptoProvider: sealing.cryptoProvider,
  })
  if (verified.index !== sealed.index || verified.term !== sealed.term)
    throw new MalformedOperationError('a sealed snapshot part taken at another index or term')
  if (verified.totalBytes > 4 + sealed.publicBytes.length + sealed.dataBytesMax)
    throw new MalformedOperationError('a sealed snapshot part larger than the limits')
  if (sealed.chunks.length !== verified.chunkCount)
    throw new MalformedOperationError(
      `a sealed snapshot part has ${sealed.chunks.length} chunks, its manifest lists ${verified.chunkCount}`,
    )
  const plaintext = new Uint8Array(verified.totalBytes)
  for (let index = 0; index < sealed.chunks.length; index++) {
    if (index > 0) await sealed.yieldNow()
    const chunk = openSnapshotChunk(
      sealing.keys.foldedRing,
      verified,
      index,
      sealed.chunks[index] as Uint8Array,
    )
    plaintext.set(chunk, index * verified.chunkBytes)
  }
  if (plaintext.length < 4) throw new MalformedOperationError('a sealed snapshot part is truncated')
  const publicLength = new DataView(plaintext.buffer, plaintext.byteOffset).getUint32(0)
  if (
    publicLength !== sealed.publicBytes.length ||
    !equals(plaintext.subarray(4, 4 + publicLength), sealed.publicBytes)
  )
    throw new MalformedOperationError('a sealed snapshot part taken with another public part')
  return plaintext.subarray(4 + publicLength)
}
