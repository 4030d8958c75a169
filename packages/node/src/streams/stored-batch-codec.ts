/**
 * How a delta log batch sits in its stream's WAL record: the record index is the batch's sequence,
 * and the payload carries the rest of its header and its sealed bytes. Decoded with limits — the
 * bytes come from disk, so anything malformed is a typed error, never a crash.
 *
 * | offset | size | field                                   |
 * | -----: | ---: | --------------------------------------- |
 * |      0 |    1 | version = 1                             |
 * |      1 |    4 | epoch (u32, little-endian)              |
 * |      5 |    2 | signature length _s_ (u16, ≤ 1024)      |
 * |      7 |  _s_ | signature                               |
 * |  7 + s |    … | sealed batch bytes (the rest)           |
 */
import { assert } from '@tandem/base'
import type { FoldedBatchHeader } from '../core/control.js'
import { DeltaStreamCorruptionError } from '../errors.js'

const VERSION = 1
const HEADER_BYTES = 7
/** Longer than any signature the envelope makes (Ed25519: 64 bytes); a bound for the decoder. */
export const storedSignatureBytesMax = 1024

/** Encodes a batch for its stream's WAL (its sequence is the record index, not repeated here). */
export function encodeStoredBatch(batch: FoldedBatchHeader): Uint8Array {
  assert(
    Number.isSafeInteger(batch.epoch) && batch.epoch >= 0 && batch.epoch <= 0xffffffff,
    'encodeStoredBatch: epoch out of range',
  )
  assert(batch.signature.length <= storedSignatureBytesMax, 'encodeStoredBatch: signature too long')
  const bytes = new Uint8Array(HEADER_BYTES + batch.signature.length + batch.sealed.length)
  const view = new DataView(bytes.buffer)
  view.setUint8(0, VERSION)
  view.setUint32(1, batch.epoch, true)
  view.setUint16(5, batch.signature.length, true)
  bytes.set(batch.signature, HEADER_BYTES)
  bytes.set(batch.sealed, HEADER_BYTES + batch.signature.length)
  return bytes
}

/** Decodes batch `sequence` of `stream` from its record payload; throws `DeltaStreamCorruptionError`. */
export function decodeStoredBatch(stream: string, sequence: number, bytes: Uint8Array): FoldedBatchHeader {
  if (bytes.length < HEADER_BYTES)
    throw new DeltaStreamCorruptionError(stream, `batch ${sequence} is truncated`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint8(0) !== VERSION) {
    throw new DeltaStreamCorruptionError(stream, `batch ${sequence} has an unknown version`)
  }
  const signatureBytes = view.getUint16(5, true)
  if (signatureBytes > storedSignatureBytesMax || HEADER_BYTES + signatureBytes > bytes.length) {
    throw new DeltaStreamCorruptionError(stream, `batch ${sequence} has a bad signature length`)
  }
  return {
    sequence,
    epoch: view.getUint32(1, true),
    signature: bytes.slice(HEADER_BYTES, HEADER_BYTES + signatureBytes),
    sealed: bytes.slice(HEADER_BYTES + signatureBytes),
  }
}
