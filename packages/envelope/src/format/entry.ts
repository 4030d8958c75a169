import { equalAt, readU32, readU64 } from '../bytes.js'
import {
  FORMAT_VERSION,
  HASH_BYTES,
  KIND_ENTRY,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  TAG_BYTES,
} from '../constants.js'
import { MalformedEnvelopeError, UnsupportedVersionError } from '../errors.js'
import type { EnvelopeLimits } from '../limits.js'
import { isMerkleHashId, proofDepth } from '../merkle.js'

/**
 * Byte layout of a sealed entry, format version 1 (all integers big-endian):
 *
 * | offset      | bytes | field |
 * |-------------|-------|-------|
 * | 0           | 1     | format version = 1 |
 * | 1           | 1     | kind = 1 (entry) |
 * | 2           | 1     | Merkle hash: 1 = SHA-256, 2 = BLAKE3 |
 * | 3           | 1     | proof depth d (number of sibling hashes) |
 * | 4           | 4     | key epoch |
 * | 8           | 32    | writer's Ed25519 public key |
 * | 40          | 8     | writer sequence number (≤ 2^53 − 1) |
 * | 48          | 4     | leaf index in the batch |
 * | 52          | 4     | batch size (entries) |
 * | 56          | 24    | XChaCha20 nonce |
 * | 80          | 4     | ciphertext length c (payload + 16) |
 * | 84          | c     | ciphertext ‖ Poly1305 tag |
 * | 84 + c      | 64    | Ed25519 signature of the batch statement |
 * | 148 + c     | 32·d  | Merkle proof: sibling hashes from the leaf up |
 */
export const ENTRY_OFFSET = {
  version: 0,
  kind: 1,
  hash: 2,
  proofDepth: 3,
  epoch: 4,
  writer: 8,
  sequence: 40,
  leafIndex: 48,
  batchSize: 52,
  nonce: 56,
  ciphertextLength: 80,
  ciphertext: 84,
} as const

/** Bytes before the ciphertext; the first 56 of them (through the batch size) enter the AEAD's AD. */
export const ENTRY_HEADER_BYTES = 84
export const ENTRY_AD_HEADER_BYTES = 56
/** Envelope bytes besides the ciphertext and the proof. */
export const ENTRY_FIXED_BYTES = ENTRY_HEADER_BYTES + SIGNATURE_BYTES

/** Total length of an entry with `payloadBytes` of payload and a proof of `depth` hashes. */
export function entryBytes(payloadBytes: number, depth: number): number {
  return ENTRY_FIXED_BYTES + payloadBytes + TAG_BYTES + depth * HASH_BYTES
}

/** The fields of a decoded entry. Byte fields are views into the envelope, not copies. */
export interface EntryHeader {
  /** Wire id of the Merkle hash (checked to be known). */
  readonly hashId: number
  readonly epoch: number
  readonly writer: Uint8Array
  readonly sequence: number
  readonly leafIndex: number
  readonly batchSize: number
  readonly proofDepth: number
  readonly nonce: Uint8Array
  /** Length of ciphertext ‖ tag. */
  readonly ciphertextBytes: number
  readonly signatureOffset: number
  readonly proofOffset: number
}

/** Checks the version byte shared by every object of this format. */
export function checkVersion(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array)) throw new MalformedEnvelopeError(`${what} must be a Uint8Array`)
  if (bytes.length === 0) throw new MalformedEnvelopeError(`${what} is empty`)
  if (bytes[0] !== FORMAT_VERSION) {
    throw new UnsupportedVersionError(
      `${what} has format version ${bytes[0]}, this code reads ${FORMAT_VERSION}`,
    )
  }
}

/**
 * Decodes and checks an entry's structure — every length, range and limit — without any
 * cryptography. Throws `UnsupportedVersionError` or `MalformedEnvelopeError`. When `sibling` (an
 * entry of the same batch, decoded before) names the same writer, its `writer` view is shared
 * instead of making one per entry.
 */
export function decodeEntry(bytes: Uint8Array, limits: EnvelopeLimits, sibling?: EntryHeader): EntryHeader {
  checkVersion(bytes, 'entry')
  if (bytes.length < ENTRY_FIXED_BYTES + TAG_BYTES) {
    throw new MalformedEnvelopeError(`entry of ${bytes.length} bytes is shorter than the fixed fields`)
  }
  if (bytes[ENTRY_OFFSET.kind] !== KIND_ENTRY) throw new MalformedEnvelopeError('not an entry')
  const hashId = bytes[ENTRY_OFFSET.hash] as number
  if (!isMerkleHashId(hashId)) throw new MalformedEnvelopeError('unknown Merkle hash id')
  const depth = bytes[ENTRY_OFFSET.proofDepth] as number
  if (depth > limits.proofDepthMax) throw new MalformedEnvelopeError(`proof depth ${depth} exceeds the limit`)
  const sequence = readU64(bytes, ENTRY_OFFSET.sequence)
  if (sequence < 0) throw new MalformedEnvelopeError('sequence number above 2^53 - 1')
  const leafIndex = readU32(bytes, ENTRY_OFFSET.leafIndex)
  const batchSize = readU32(bytes, ENTRY_OFFSET.batchSize)
  if (batchSize === 0 || batchSize > limits.batchEntriesMax) {
    throw new MalformedEnvelopeError(`batch size ${batchSize} outside 1..${limits.batchEntriesMax}`)
  }
  if (leafIndex >= batchSize) throw new MalformedEnvelopeError('leaf index outside the batch')
  if (depth !== proofDepth(leafIndex, batchSize))
    throw new MalformedEnvelopeError('proof depth does not fit the batch')
  const ciphertextBytes = readU32(bytes, ENTRY_OFFSET.ciphertextLength)
  if (ciphertextBytes < TAG_BYTES || ciphertextBytes - TAG_BYTES > limits.payloadBytesMax) {
    throw new MalformedEnvelopeError(`ciphertext length ${ciphertextBytes} outside the limits`)
  }
  const signatureOffset = ENTRY_HEADER_BYTES + ciphertextBytes
  const proofOffset = signatureOffset + SIGNATURE_BYTES
  if (bytes.length !== proofOffset + depth * HASH_BYTES) {
    throw new MalformedEnvelopeError(`entry length ${bytes.length} does not match its fields`)
  }
  return {
    hashId,
    epoch: readU32(bytes, ENTRY_OFFSET.epoch),
    writer:
      sibling !== undefined && equalAt(bytes, ENTRY_OFFSET.writer, sibling.writer, 0, PUBLIC_KEY_BYTES)
        ? sibling.writer
        : bytes.subarray(ENTRY_OFFSET.writer, ENTRY_OFFSET.writer + PUBLIC_KEY_BYTES),
    sequence,
    leafIndex,
    batchSize,
    proofDepth: depth,
    nonce: bytes.subarray(ENTRY_OFFSET.nonce, ENTRY_OFFSET.nonce + NONCE_BYTES),
    ciphertextBytes,
    signatureOffset,
    proofOffset,
  }
}
