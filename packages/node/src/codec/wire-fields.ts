/**
 * Field checks shared by the node's decoders: raw keys and incarnations into the core's hex forms,
 * and counts that must be safe integers, each failure a {@link MalformedOperationError}.
 */
import { toString as bytesToHex } from 'uint8arrays'
import type { Incarnation, WriterKey } from '../core/ids.js'
import { MalformedOperationError } from '../errors.js'

/** A safe integer at or above `min`. */
export function count(value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new MalformedOperationError(`a count below ${min} or unsafe`)
  return value
}

/** A raw 32-byte Ed25519 public key, as the core's writer key. */
export function writerKey(bytes: Uint8Array): WriterKey {
  if (bytes.length !== 32) throw new MalformedOperationError('a writer key is 32 bytes')
  return bytesToHex(bytes, 'base16') as WriterKey
}

/** A raw 16-byte incarnation, as the core's incarnation. */
export function incarnation(bytes: Uint8Array): Incarnation {
  if (bytes.length !== 16) throw new MalformedOperationError('an incarnation is 16 bytes')
  return bytesToHex(bytes, 'base16') as Incarnation
}
