import { readU32, readU64 } from '../bytes.js'
import {
  HASH_BYTES,
  KIND_SNAPSHOT_CHUNK,
  KIND_SNAPSHOT_MANIFEST,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  TAG_BYTES,
} from '../constants.js'
import { MalformedEnvelopeError } from '../errors.js'
import type { EnvelopeLimits } from '../limits.js'
import { isMerkleHashId } from '../merkle.js'
import { checkVersion } from './entry.js'

/**
 * Snapshot manifest, format version 1 (big-endian):
 *
 * | offset   | bytes | field |
 * |----------|-------|-------|
 * | 0        | 1     | format version = 1 |
 * | 1        | 1     | kind = 3 (snapshot manifest) |
 * | 2        | 1     | hash: 1 = SHA-256, 2 = BLAKE3 |
 * | 3        | 1     | reserved, 0 |
 * | 4        | 4     | key epoch of the chunks |
 * | 8        | 32    | writer's Ed25519 public key |
 * | 40       | 8     | snapshot index (last log index included) |
 * | 48       | 8     | term of that index |
 * | 56       | 8     | total plaintext bytes |
 * | 64       | 4     | plaintext bytes per chunk (the last may hold fewer) |
 * | 68       | 4     | chunk count n = max(1, ceil(total / per chunk)) |
 * | 72       | 32·n  | chunk hashes: H(0x02 ‖ chunk bytes) |
 * | 72 + 32n | 64    | Ed25519 signature of `"tandem/envelope/v1/manifest" ‖ len ‖ cluster ‖ len ‖ stream ‖ bytes[0..72+32n)` |
 */
export const MANIFEST_OFFSET = {
  version: 0,
  kind: 1,
  hash: 2,
  reserved: 3,
  epoch: 4,
  writer: 8,
  index: 40,
  term: 48,
  totalBytes: 56,
  chunkBytes: 64,
  chunkCount: 68,
  chunkHashes: 72,
} as const

/**
 * Snapshot chunk, format version 1:
 *
 * | offset | bytes | field |
 * |--------|-------|-------|
 * | 0      | 1     | format version = 1 |
 * | 1      | 1     | kind = 2 (snapshot chunk) |
 * | 2      | 2     | reserved, 0 |
 * | 4      | 4     | key epoch |
 * | 8      | 4     | chunk index |
 * | 12     | 24    | XChaCha20 nonce |
 * | 36     | 4     | ciphertext length c |
 * | 40     | c     | ciphertext ‖ Poly1305 tag |
 *
 * AEAD associated data: `"tandem/envelope/v1/chunk-ad" ‖ len ‖ cluster ‖ len ‖ stream ‖ writer (32)
 * ‖ snapshot index (8) ‖ term (8) ‖ chunk count (4) ‖ chunk[0..12)`.
 */
export const CHUNK_OFFSET = {
  version: 0,
  kind: 1,
  reserved: 2,
  epoch: 4,
  chunkIndex: 8,
  nonce: 12,
  ciphertextLength: 36,
  ciphertext: 40,
} as const
export const CHUNK_HEADER_BYTES = 40
export const CHUNK_AD_HEADER_BYTES = 12

export interface ManifestFields {
  /** Wire id of the chunk hash (checked to be known). */
  readonly hashId: number
  readonly epoch: number
  readonly writer: Uint8Array
  readonly index: number
  readonly term: number
  readonly totalBytes: number
  readonly chunkBytes: number
  readonly chunkCount: number
  readonly signatureOffset: number
}

/** Plaintext length of chunk `chunkIndex` of a snapshot. */
export function chunkPlaintextBytes(
  totalBytes: number,
  chunkBytes: number,
  chunkCount: number,
  chunkIndex: number,
): number {
  return chunkIndex < chunkCount - 1 ? chunkBytes : totalBytes - (chunkCount - 1) * chunkBytes
}

export function chunkCountFor(totalBytes: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(totalBytes / chunkBytes))
}

/** Structural decoding of a manifest: lengths, ranges and limits, no cryptography. */
export function decodeManifest(bytes: Uint8Array, limits: EnvelopeLimits): ManifestFields {
  checkVersion(bytes, 'snapshot manifest')
  if (bytes.length < MANIFEST_OFFSET.chunkHashes + HASH_BYTES + SIGNATURE_BYTES) {
    throw new MalformedEnvelopeError('snapshot manifest too short')
  }
  if (bytes[MANIFEST_OFFSET.kind] !== KIND_SNAPSHOT_MANIFEST)
    throw new MalformedEnvelopeError('not a snapshot manifest')
  const hashId = bytes[MANIFEST_OFFSET.hash] as number
  if (!isMerkleHashId(hashId)) throw new MalformedEnvelopeError('unknown hash id')
  if (bytes[MANIFEST_OFFSET.reserved] !== 0) throw new MalformedEnvelopeError('reserved byte set')
  const index = readU64(bytes, MANIFEST_OFFSET.index)
  const term = readU64(bytes, MANIFEST_OFFSET.term)
  const totalBytes = readU64(bytes, MANIFEST_OFFSET.totalBytes)
  if (index < 0 || term < 0 || totalBytes < 0)
    throw new MalformedEnvelopeError('manifest integer above 2^53 - 1')
  const chunkBytes = readU32(bytes, MANIFEST_OFFSET.chunkBytes)
  if (chunkBytes === 0 || chunkBytes > limits.snapshotChunkBytesMax) {
    throw new MalformedEnvelopeError(`chunk size ${chunkBytes} outside 1..${limits.snapshotChunkBytesMax}`)
  }
  const chunkCount = readU32(bytes, MANIFEST_OFFSET.chunkCount)
  if (chunkCount > limits.snapshotChunkCountMax)
    throw new MalformedEnvelopeError('chunk count exceeds the limit')
  if (chunkCount !== chunkCountFor(totalBytes, chunkBytes)) {
    throw new MalformedEnvelopeError('chunk count does not fit the snapshot size')
  }
  const signatureOffset = MANIFEST_OFFSET.chunkHashes + chunkCount * HASH_BYTES
  if (bytes.length !== signatureOffset + SIGNATURE_BYTES) {
    throw new MalformedEnvelopeError(`manifest length ${bytes.length} does not match its fields`)
  }
  return {
    hashId,
    epoch: readU32(bytes, MANIFEST_OFFSET.epoch),
    writer: bytes.subarray(MANIFEST_OFFSET.writer, MANIFEST_OFFSET.writer + PUBLIC_KEY_BYTES),
    index,
    term,
    totalBytes,
    chunkBytes,
    chunkCount,
    signatureOffset,
  }
}

export interface ChunkFields {
  readonly epoch: number
  readonly chunkIndex: number
  readonly nonce: Uint8Array
  readonly ciphertextBytes: number
}

/** Structural decoding of a chunk against the plaintext length its manifest expects. */
export function decodeChunk(bytes: Uint8Array, expectedPlaintextBytes: number): ChunkFields {
  checkVersion(bytes, 'snapshot chunk')
  if (bytes.length < CHUNK_HEADER_BYTES + TAG_BYTES)
    throw new MalformedEnvelopeError('snapshot chunk too short')
  if (bytes[CHUNK_OFFSET.kind] !== KIND_SNAPSHOT_CHUNK)
    throw new MalformedEnvelopeError('not a snapshot chunk')
  if (bytes[CHUNK_OFFSET.reserved] !== 0 || bytes[CHUNK_OFFSET.reserved + 1] !== 0) {
    throw new MalformedEnvelopeError('reserved bytes set')
  }
  const ciphertextBytes = readU32(bytes, CHUNK_OFFSET.ciphertextLength)
  if (
    ciphertextBytes !== expectedPlaintextBytes + TAG_BYTES ||
    bytes.length !== CHUNK_HEADER_BYTES + ciphertextBytes
  ) {
    throw new MalformedEnvelopeError('snapshot chunk length does not match its manifest')
  }
  return {
    epoch: readU32(bytes, CHUNK_OFFSET.epoch),
    chunkIndex: readU32(bytes, CHUNK_OFFSET.chunkIndex),
    nonce: bytes.subarray(CHUNK_OFFSET.nonce, CHUNK_OFFSET.nonce + NONCE_BYTES),
    ciphertextBytes,
  }
}
