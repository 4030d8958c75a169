import type { CryptoRandom } from '@tandem/base'
import { equalAt, isSafeCount, writerLabel, writeU32, writeU64 } from './bytes.js'
import {
  CHUNK_HASH_PREFIX,
  DOMAIN_CHUNK_AD,
  DOMAIN_MANIFEST_STATEMENT,
  FORMAT_VERSION,
  HASH_BYTES,
  KIND_SNAPSHOT_CHUNK,
  KIND_SNAPSHOT_MANIFEST,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  TAG_BYTES,
} from './constants.js'
import { writeIds } from './context.js'
import { MalformedEnvelopeError, RevokedKeyError, TamperedEntryError, UnknownWriterError } from './errors.js'
import {
  CHUNK_AD_HEADER_BYTES,
  CHUNK_HEADER_BYTES,
  CHUNK_OFFSET,
  chunkCountFor,
  chunkPlaintextBytes,
  decodeChunk,
  decodeManifest,
  MANIFEST_OFFSET,
  type ManifestFields,
} from './format/snapshot.js'
import { assertId, epochDataKey, type KeyRing, type PublicKeyRing } from './keyring.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'
import { type MerkleHashName, merkleHashByName, merkleHashNameById } from './merkle.js'
import { NoncePool } from './nonce-pool.js'
import type { CryptoProvider } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'

/**
 * Options of `sealSnapshot`.
 *
 * @example
 * ```ts
 * const options: SealSnapshotOptions = { keyRing: ring, signingKey, streamId, index: 1, term: 1, data, chunkBytes: 65_536 }
 * ```
 */
export interface SealSnapshotOptions {
  readonly keyRing: KeyRing
  /** The sealing node's 32-byte Ed25519 secret seed. */
  readonly signingKey: Uint8Array
  /** Stream (or state machine) the snapshot belongs to; bound into the signature and every chunk. */
  readonly streamId: Uint8Array
  /** Last log index the snapshot includes, and its term. */
  readonly index: number
  readonly term: number
  /** The snapshot's plaintext. */
  readonly data: Uint8Array
  /** Plaintext bytes per chunk (default 1 MiB). */
  readonly chunkBytes?: number
  /** Epoch to encrypt under; the key ring's newest by default. */
  readonly epoch?: number
  /** CSPRNG for nonces; defaults to the provider's `randomBytes`. */
  readonly random?: CryptoRandom
  readonly merkleHash?: MerkleHashName
  readonly limits?: Partial<EnvelopeLimits>
  /** The cryptography to seal with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * A sealed snapshot: a signed manifest and the encrypted chunks it lists.
 *
 * @example
 * ```ts
 * const sealed: SealedSnapshot = sealSnapshot(options)
 * ```
 */
export interface SealedSnapshot {
  readonly manifest: Uint8Array
  readonly chunks: Uint8Array[]
}

/**
 * A manifest whose signature, writer and epoch were verified; chunks are checked against it.
 *
 * @example
 * ```ts
 * const { index, term, chunkCount }: VerifiedManifest = verifySnapshotManifest({ keyRing, streamId, manifest })
 * ```
 */
export interface VerifiedManifest {
  readonly clusterId: Uint8Array
  readonly streamId: Uint8Array
  readonly writer: Uint8Array
  readonly epoch: number
  readonly index: number
  readonly term: number
  readonly totalBytes: number
  readonly chunkBytes: number
  readonly chunkCount: number
  /** The manifest's bytes (a private copy). */
  readonly bytes: Uint8Array
  /** Hash of the chunk list. */
  readonly merkleHash: MerkleHashName
  /** The provider that verified the manifest; its chunks are checked and opened with it too. */
  readonly cryptoProvider: CryptoProvider
}

function chunkAssociatedData(
  clusterId: Uint8Array,
  streamId: Uint8Array,
  writer: Uint8Array,
  index: number,
  term: number,
  chunkCount: number,
): { ad: Uint8Array; headerOffset: number } {
  const headerOffset = DOMAIN_CHUNK_AD.length + 2 + clusterId.length + streamId.length + PUBLIC_KEY_BYTES + 20
  const ad = new Uint8Array(headerOffset + CHUNK_AD_HEADER_BYTES)
  let at = 0
  ad.set(DOMAIN_CHUNK_AD, at)
  at += DOMAIN_CHUNK_AD.length
  writeIds(ad, at, clusterId, streamId)
  at += 2 + clusterId.length + streamId.length
  ad.set(writer, at)
  at += PUBLIC_KEY_BYTES
  writeU64(ad, at, index)
  writeU64(ad, at + 8, term)
  writeU32(ad, at + 16, chunkCount)
  return { ad, headerOffset }
}

function manifestStatement(clusterId: Uint8Array, streamId: Uint8Array, body: Uint8Array): Uint8Array {
  const statement = new Uint8Array(
    DOMAIN_MANIFEST_STATEMENT.length + 2 + clusterId.length + streamId.length + body.length,
  )
  let at = 0
  statement.set(DOMAIN_MANIFEST_STATEMENT, at)
  at += DOMAIN_MANIFEST_STATEMENT.length
  writeIds(statement, at, clusterId, streamId)
  at += 2 + clusterId.length + streamId.length
  statement.set(body, at)
  return statement
}

/**
 * Seals a snapshot: splits the plaintext into chunks, encrypts each under the epoch's data key,
 * and signs a manifest listing index, term, epoch and every chunk's hash. Each chunk can then be
 * fetched, stored and verified alone against the manifest.
 *
 * @example
 * ```ts
 * const { manifest, chunks } = sealSnapshot({ keyRing: ring, signingKey, streamId, index: 120, term: 3, data })
 * ```
 */
export function sealSnapshot(options: SealSnapshotOptions): SealedSnapshot {
  const limits = resolveLimits(options.limits)
  const { keyRing, streamId, index, term, data } = options
  assertId(streamId, 'stream id')
  if (!isSafeCount(index) || !isSafeCount(term))
    throw new RangeError('index and term are safe non-negative integers')
  if (!(data instanceof Uint8Array)) throw new TypeError('snapshot data must be a Uint8Array')
  const chunkBytes = options.chunkBytes ?? 1024 * 1024
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > limits.snapshotChunkBytesMax) {
    throw new RangeError(`chunkBytes must be 1..${limits.snapshotChunkBytesMax}`)
  }
  const chunkCount = chunkCountFor(data.length, chunkBytes)
  if (chunkCount > limits.snapshotChunkCountMax)
    throw new RangeError('snapshot needs more chunks than the limit')
  const provider = options.cryptoProvider ?? pureCryptoProvider
  const hash = merkleHashByName(provider, options.merkleHash ?? 'sha256')
  const epoch = options.epoch ?? keyRing.currentEpoch()
  const key = epochDataKey(keyRing, epoch)
  const signer = provider.ed25519Signer(options.signingKey)
  const writer = signer.publicKey
  const nonces = new NoncePool(options.random ?? provider.randomBytes, NONCE_BYTES, 16)
  const { ad, headerOffset } = chunkAssociatedData(
    keyRing.clusterId,
    streamId,
    writer,
    index,
    term,
    chunkCount,
  )

  const signatureOffset = MANIFEST_OFFSET.chunkHashes + chunkCount * HASH_BYTES
  const manifest = new Uint8Array(signatureOffset + SIGNATURE_BYTES)
  manifest[MANIFEST_OFFSET.version] = FORMAT_VERSION
  manifest[MANIFEST_OFFSET.kind] = KIND_SNAPSHOT_MANIFEST
  manifest[MANIFEST_OFFSET.hash] = hash.id
  writeU32(manifest, MANIFEST_OFFSET.epoch, epoch)
  manifest.set(writer, MANIFEST_OFFSET.writer)
  writeU64(manifest, MANIFEST_OFFSET.index, index)
  writeU64(manifest, MANIFEST_OFFSET.term, term)
  writeU64(manifest, MANIFEST_OFFSET.totalBytes, data.length)
  writeU32(manifest, MANIFEST_OFFSET.chunkBytes, chunkBytes)
  writeU32(manifest, MANIFEST_OFFSET.chunkCount, chunkCount)

  const chunks: Uint8Array[] = new Array(chunkCount)
  for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
    const plaintextBytes = chunkPlaintextBytes(data.length, chunkBytes, chunkCount, chunkIndex)
    const start = chunkIndex * chunkBytes
    const chunk = new Uint8Array(CHUNK_HEADER_BYTES + plaintextBytes + TAG_BYTES)
    chunk[CHUNK_OFFSET.version] = FORMAT_VERSION
    chunk[CHUNK_OFFSET.kind] = KIND_SNAPSHOT_CHUNK
    writeU32(chunk, CHUNK_OFFSET.epoch, epoch)
    writeU32(chunk, CHUNK_OFFSET.chunkIndex, chunkIndex)
    nonces.take(chunk, CHUNK_OFFSET.nonce)
    writeU32(chunk, CHUNK_OFFSET.ciphertextLength, plaintextBytes + TAG_BYTES)
    ad.set(chunk.subarray(0, CHUNK_AD_HEADER_BYTES), headerOffset)
    provider.xchacha20poly1305.encrypt(
      key,
      chunk.subarray(CHUNK_OFFSET.nonce, CHUNK_OFFSET.nonce + NONCE_BYTES),
      ad,
      data.subarray(start, start + plaintextBytes),
      chunk.subarray(CHUNK_HEADER_BYTES),
    )
    hash.prefixed(CHUNK_HASH_PREFIX, chunk, manifest, MANIFEST_OFFSET.chunkHashes + chunkIndex * HASH_BYTES)
    chunks[chunkIndex] = chunk
  }
  const statement = manifestStatement(keyRing.clusterId, streamId, manifest.subarray(0, signatureOffset))
  manifest.set(signer.sign(statement), signatureOffset)
  return { manifest, chunks }
}

/**
 * Options of `verifySnapshotManifest`.
 *
 * @example
 * ```ts
 * const options: VerifyManifestOptions = { keyRing: replicaRing, streamId, manifest }
 * ```
 */
export interface VerifyManifestOptions {
  /** Public key ring: a zero-knowledge replica's is enough. */
  readonly keyRing: PublicKeyRing
  readonly streamId: Uint8Array
  readonly manifest: Uint8Array
  readonly limits?: Partial<EnvelopeLimits>
  /** The cryptography to verify with (and later to check and open chunks with); pure by default. */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * Verifies a manifest's structure, writer, epoch and signature, with public keys only.
 *
 * @example
 * ```ts
 * const verified = verifySnapshotManifest({ keyRing: replicaRing, streamId, manifest })
 * ```
 */
export function verifySnapshotManifest(options: VerifyManifestOptions): VerifiedManifest {
  const { keyRing, streamId } = options
  const provider = options.cryptoProvider ?? pureCryptoProvider
  assertId(streamId, 'stream id')
  const fields: ManifestFields = decodeManifest(options.manifest, resolveLimits(options.limits))
  if (keyRing.isEpochRevoked(fields.epoch)) throw new RevokedKeyError(`epoch ${fields.epoch} is revoked`)
  const standing = keyRing.writerStanding(fields.writer, fields.epoch)
  if (standing === 'unknown')
    throw new UnknownWriterError(`writer ${writerLabel(fields.writer)} is not registered`)
  if (standing === 'revoked') {
    throw new RevokedKeyError(`writer ${writerLabel(fields.writer)} is revoked at epoch ${fields.epoch}`)
  }
  const bytes = options.manifest.slice()
  const statement = manifestStatement(keyRing.clusterId, streamId, bytes.subarray(0, fields.signatureOffset))
  const signature = bytes.subarray(fields.signatureOffset, fields.signatureOffset + SIGNATURE_BYTES)
  const writer = bytes.subarray(MANIFEST_OFFSET.writer, MANIFEST_OFFSET.writer + PUBLIC_KEY_BYTES)
  if (!provider.ed25519Verify(signature, statement, writer)) {
    throw new TamperedEntryError(`snapshot manifest ${fields.index} fails its signature`)
  }
  return {
    clusterId: keyRing.clusterId.slice(),
    streamId: streamId.slice(),
    writer,
    epoch: fields.epoch,
    index: fields.index,
    term: fields.term,
    totalBytes: fields.totalBytes,
    chunkBytes: fields.chunkBytes,
    chunkCount: fields.chunkCount,
    bytes,
    merkleHash: merkleHashNameById(fields.hashId),
    cryptoProvider: provider,
  }
}

/**
 * Verifies one chunk alone against a verified manifest, without the data key: structure, its
 * position and its hash. Throws `TamperedEntryError` when the bytes are not the listed chunk.
 *
 * @example
 * ```ts
 * verifySnapshotChunk(verified, 0, chunks[0]!)
 * ```
 */
export function verifySnapshotChunk(manifest: VerifiedManifest, chunkIndex: number, chunk: Uint8Array): void {
  if (!Number.isInteger(chunkIndex) || chunkIndex < 0 || chunkIndex >= manifest.chunkCount) {
    throw new MalformedEnvelopeError(`chunk index ${chunkIndex} outside 0..${manifest.chunkCount - 1}`)
  }
  const fields = decodeChunk(
    chunk,
    chunkPlaintextBytes(manifest.totalBytes, manifest.chunkBytes, manifest.chunkCount, chunkIndex),
  )
  if (fields.chunkIndex !== chunkIndex || fields.epoch !== manifest.epoch) {
    throw new TamperedEntryError(`chunk ${chunkIndex} is labelled as another chunk or epoch`)
  }
  const digest = new Uint8Array(HASH_BYTES)
  merkleHashByName(manifest.cryptoProvider, manifest.merkleHash).prefixed(CHUNK_HASH_PREFIX, chunk, digest, 0)
  if (
    !equalAt(digest, 0, manifest.bytes, MANIFEST_OFFSET.chunkHashes + chunkIndex * HASH_BYTES, HASH_BYTES)
  ) {
    throw new TamperedEntryError(`chunk ${chunkIndex} does not match its manifest hash`)
  }
}

/**
 * Verifies one chunk against its manifest, then decrypts it with the epoch's data key.
 *
 * @example
 * ```ts
 * const plaintext = openSnapshotChunk(ring, verified, 0, chunks[0]!)
 * ```
 */
export function openSnapshotChunk(
  keyRing: KeyRing,
  manifest: VerifiedManifest,
  chunkIndex: number,
  chunk: Uint8Array,
): Uint8Array {
  verifySnapshotChunk(manifest, chunkIndex, chunk)
  const key = epochDataKey(keyRing, manifest.epoch)
  const { ad, headerOffset } = chunkAssociatedData(
    manifest.clusterId,
    manifest.streamId,
    manifest.writer,
    manifest.index,
    manifest.term,
    manifest.chunkCount,
  )
  ad.set(chunk.subarray(0, CHUNK_AD_HEADER_BYTES), headerOffset)
  const plaintext = new Uint8Array(chunk.length - CHUNK_HEADER_BYTES - TAG_BYTES)
  const opened = manifest.cryptoProvider.xchacha20poly1305.decrypt(
    key,
    chunk.subarray(CHUNK_OFFSET.nonce, CHUNK_OFFSET.nonce + NONCE_BYTES),
    ad,
    chunk.subarray(CHUNK_HEADER_BYTES),
    plaintext,
  )
  if (!opened) throw new TamperedEntryError(`chunk ${chunkIndex} does not decrypt`)
  return plaintext
}

/**
 * Verifies and decrypts every chunk of a snapshot and returns the joined plaintext.
 *
 * @example
 * ```ts
 * const data = openSnapshot(ring, verified, chunks)
 * ```
 */
export function openSnapshot(
  keyRing: KeyRing,
  manifest: VerifiedManifest,
  chunks: readonly Uint8Array[],
): Uint8Array {
  if (chunks.length !== manifest.chunkCount) {
    throw new MalformedEnvelopeError(
      `snapshot has ${chunks.length} chunks, its manifest lists ${manifest.chunkCount}`,
    )
  }
  // Every chunk is verified (and so its length bounded) before the joined buffer is allocated.
  const plaintexts = chunks.map((chunk, chunkIndex) =>
    openSnapshotChunk(keyRing, manifest, chunkIndex, chunk),
  )
  const out = new Uint8Array(manifest.totalBytes)
  plaintexts.forEach((plaintext, chunkIndex) => {
    out.set(plaintext, chunkIndex * manifest.chunkBytes)
  })
  return out
}
