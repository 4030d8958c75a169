/**
 * Encoding and validation of `/tandem/snapshot/1` frames. Every decoded frame holds exactly the
 * expected kind with values inside the configured limits, or a typed error is thrown.
 */

import { crc32 } from 'node:zlib'
import { rethrowInvariant } from '@tandem/base'
import { SnapshotIntegrityError, SnapshotProtocolError } from '../errors.js'
import { type Accept, type Ack, type Chunk, type Done, type Offer, SnapshotFrame } from '../proto/snapshot.js'

/** The wire version this package speaks. */
export const SNAPSHOT_WIRE_VERSION = 1
/** The longest transfer id accepted. */
export const TRANSFER_ID_CHARS_MAX = 128
/** The largest metadata accepted. */
export const METADATA_BYTES_MAX = 64 * 1024
/** Room for a frame's fields around a chunk's data. */
export const FRAME_OVERHEAD_BYTES = 64

export type FrameKind = 'offer' | 'accept' | 'chunk' | 'ack' | 'done'

export function encodeOffer(offer: Offer): Uint8Array {
  return SnapshotFrame.encode({ offer })
}
export function encodeAccept(accept: Accept): Uint8Array {
  return SnapshotFrame.encode({ accept })
}
export function encodeChunk(chunk: Chunk): Uint8Array {
  return SnapshotFrame.encode({ chunk })
}
export function encodeAck(ack: Ack): Uint8Array {
  return SnapshotFrame.encode({ ack })
}
export function encodeDone(done: Partial<Done>): Uint8Array {
  return SnapshotFrame.encode({ done: { error: '', busy: false, ...done } })
}

/** Decodes one frame and checks it is of kind `kind`. */
export function decodeFrame(bytes: Uint8Array, kind: 'offer'): Offer
export function decodeFrame(bytes: Uint8Array, kind: 'accept'): Accept
export function decodeFrame(bytes: Uint8Array, kind: 'chunk'): Chunk
export function decodeFrame(bytes: Uint8Array, kind: 'ack'): Ack
export function decodeFrame(bytes: Uint8Array, kind: 'done'): Done
export function decodeFrame(bytes: Uint8Array, kind: FrameKind): Offer | Accept | Chunk | Ack | Done {
  let frame: SnapshotFrame
  try {
    frame = SnapshotFrame.decode(bytes)
  } catch (error) {
    rethrowInvariant(error)
    throw new SnapshotProtocolError('undecodable snapshot frame', { cause: error })
  }
  const present = (['offer', 'accept', 'chunk', 'ack', 'done'] as const).filter((name) => frame[name] != null)
  if (present.length !== 1 || present[0] !== kind) {
    throw new SnapshotProtocolError(`expected a ${kind} frame, got ${present.join('+') || 'an empty frame'}`)
  }
  const value = frame[kind]
  if (value == null) throw new SnapshotProtocolError(`missing ${kind}`)
  return value
}

/** Limits the receiver enforces on offers. */
export interface OfferLimits {
  readonly snapshotBytesMax: number
  readonly chunkBytesMax: number
}

/** Returns why `offer` is unacceptable, or `null`. */
export function invalidOffer(offer: Offer, limits: OfferLimits): string | null {
  if (offer.wireVersion !== SNAPSHOT_WIRE_VERSION) return `unsupported wire version ${offer.wireVersion}`
  if (offer.transferId.length === 0 || offer.transferId.length > TRANSFER_ID_CHARS_MAX)
    return 'bad transfer id'
  if (!Number.isSafeInteger(offer.totalBytes) || offer.totalBytes < 0) return 'bad total size'
  if (offer.totalBytes > limits.snapshotBytesMax) return 'snapshot larger than the receiver accepts'
  if (offer.chunkBytes < 1 || offer.chunkBytes > limits.chunkBytesMax) return 'bad chunk size'
  if (offer.chunkCount !== chunkCountOf(offer.totalBytes, offer.chunkBytes))
    return 'chunk count does not match'
  if (offer.sha256.byteLength !== 32) return 'bad digest'
  if (offer.metadata.byteLength > METADATA_BYTES_MAX) return 'metadata too large'
  return null
}

/** The number of chunks of a snapshot; an empty snapshot still sends one (empty) chunk. */
export function chunkCountOf(totalBytes: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(totalBytes / chunkBytes))
}

/** The checksum of a chunk's data. */
export function chunkChecksum(data: Uint8Array): number {
  return crc32(data) >>> 0
}

/**
 * Checks that `chunk` is the chunk `expectedIndex` of `offer`, with the right length and checksum.
 * Throws {@link SnapshotIntegrityError} (checksum) or {@link SnapshotProtocolError} (anything else).
 */
export function verifyChunk(chunk: Chunk, offer: Offer, expectedIndex: number): void {
  if (chunk.index !== expectedIndex) {
    throw new SnapshotProtocolError(`chunk ${chunk.index} arrived where ${expectedIndex} was expected`)
  }
  const start = expectedIndex * offer.chunkBytes
  const length = Math.min(offer.chunkBytes, offer.totalBytes - start)
  if (chunk.data.byteLength !== Math.max(0, length)) {
    throw new SnapshotProtocolError(
      `chunk ${chunk.index} has ${chunk.data.byteLength} bytes, expected ${length}`,
    )
  }
  if (chunkChecksum(chunk.data) !== chunk.crc32) {
    throw new SnapshotIntegrityError(`chunk ${chunk.index} failed its checksum`)
  }
}

/**
 * The same bytes typed as backed by an `ArrayBuffer`, as the generated codec wants. Only a view on a
 * `SharedArrayBuffer` is copied (another thread could change it while it is being encoded).
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>
  return new Uint8Array(bytes)
}
