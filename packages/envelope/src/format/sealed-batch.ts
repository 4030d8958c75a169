import { readU32 } from '../bytes.js'
import { KIND_SEALED_BATCH, NONCE_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, TAG_BYTES } from '../constants.js'
import { MalformedEnvelopeError } from '../errors.js'
import type { EnvelopeLimits } from '../limits.js'
import { checkVersion } from './entry.js'

/**
 * Byte layout of a sealed batch, format version 1 (all integers big-endian):
 *
 * | offset      | bytes | field |
 * |-------------|-------|-------|
 * | 0           | 1     | format version = 1 |
 * | 1           | 1     | kind = 4 (sealed batch) |
 * | 2           | 2     | reserved, 0 |
 * | 4           | 4     | key epoch |
 * | 8           | 32    | writer's Ed25519 public key |
 * | 40          | 4     | public header length h |
 * | 44          | 4     | ciphertext length c (payload + 16) |
 * | 48          | 24    | XChaCha20 nonce (random) |
 * | 72          | h     | public header (the caller's plaintext bytes) |
 * | 72 + h      | c     | ciphertext ‖ Poly1305 tag |
 * | 72 + h + c  | 64    | Ed25519 signature of the batch statement |
 */
export const SEALED_BATCH_OFFSET = {
  version: 0,
  kind: 1,
  reserved: 2,
  epoch: 4,
  writer: 8,
  headerLength: 40,
  ciphertextLength: 44,
  nonce: 48,
  header: 72,
} as const

/** Bytes before the public header; everything before the ciphertext enters the AD and the statement. */
export const SEALED_BATCH_FIXED_HEADER_BYTES = 72

/** Total length of a sealed batch with `headerBytes` of public header and `payloadBytes` of payload. */
export function sealedBatchBytes(headerBytes: number, payloadBytes: number): number {
  return SEALED_BATCH_FIXED_HEADER_BYTES + headerBytes + payloadBytes + TAG_BYTES + SIGNATURE_BYTES
}

/** The fields of a decoded sealed batch. Byte fields are views into the input, not copies. */
export interface SealedBatchFields {
  readonly epoch: number
  readonly writer: Uint8Array
  readonly nonce: Uint8Array
  /** The caller's public header. */
  readonly header: Uint8Array
  /** Everything the AD and the signed statement cover before the ciphertext: `bytes[0 .. 72 + h)`. */
  readonly signedHead: Uint8Array
  /** `ciphertext ‖ tag`. */
  readonly ciphertext: Uint8Array
  readonly signature: Uint8Array
}

/**
 * Decodes and checks a sealed batch's structure — lengths, reserved bytes, limits — without any
 * cryptography. Throws `UnsupportedVersionError` or `MalformedEnvelopeError`.
 */
export function decodeSealedBatch(bytes: Uint8Array, limits: EnvelopeLimits): SealedBatchFields {
  checkVersion(bytes, 'sealed batch')
  if (bytes.length < sealedBatchBytes(0, 0)) {
    throw new MalformedEnvelopeError(`sealed batch of ${bytes.length} bytes is shorter than the fixed fields`)
  }
  if (bytes[SEALED_BATCH_OFFSET.kind] !== KIND_SEALED_BATCH)
    throw new MalformedEnvelopeError('not a sealed batch')
  if (bytes[SEALED_BATCH_OFFSET.reserved] !== 0 || bytes[SEALED_BATCH_OFFSET.reserved + 1] !== 0) {
    throw new MalformedEnvelopeError('reserved bytes of a sealed batch are not zero')
  }
  const headerBytes = readU32(bytes, SEALED_BATCH_OFFSET.headerLength)
  if (headerBytes > limits.batchHeaderBytesMax) {
    throw new MalformedEnvelopeError(`public header of ${headerBytes} bytes exceeds the limit`)
  }
  const ciphertextBytes = readU32(bytes, SEALED_BATCH_OFFSET.ciphertextLength)
  if (ciphertextBytes < TAG_BYTES || ciphertextBytes - TAG_BYTES > limits.batchPayloadBytesMax) {
    throw new MalformedEnvelopeError(`ciphertext length ${ciphertextBytes} outside the limits`)
  }
  const ciphertextOffset = SEALED_BATCH_FIXED_HEADER_BYTES + headerBytes
  const signatureOffset = ciphertextOffset + ciphertextBytes
  if (bytes.length !== signatureOffset + SIGNATURE_BYTES) {
    throw new MalformedEnvelopeError(`sealed batch length ${bytes.length} does not match its fields`)
  }
  return {
    epoch: readU32(bytes, SEALED_BATCH_OFFSET.epoch),
    writer: bytes.subarray(SEALED_BATCH_OFFSET.writer, SEALED_BATCH_OFFSET.writer + PUBLIC_KEY_BYTES),
    nonce: bytes.subarray(SEALED_BATCH_OFFSET.nonce, SEALED_BATCH_OFFSET.nonce + NONCE_BYTES),
    header: bytes.subarray(SEALED_BATCH_FIXED_HEADER_BYTES, ciphertextOffset),
    signedHead: bytes.subarray(0, ciphertextOffset),
    ciphertext: bytes.subarray(ciphertextOffset, signatureOffset),
    signature: bytes.subarray(signatureOffset, signatureOffset + SIGNATURE_BYTES),
  }
}
