/**
 * `@tandem/envelope` — encrypted, signed log entries. Every entry is encrypted with
 * XChaCha20-Poly1305 under a per-epoch data key (HKDF from the epoch's cluster secret), bound by
 * associated data to its cluster, stream, writer, sequence and epoch, and signed by its writer
 * with Ed25519 — once per batch, over a Merkle root, each entry carrying its own inclusion proof.
 * A replica without the data key verifies, stores and forwards entries with public keys only.
 *
 * Pure: no Node built-in, no clock, no ambient randomness (a CSPRNG source is injected, defaulting
 * to the global `crypto.getRandomValues`). The cryptography itself is injected too, as a
 * `CryptoProvider`: `pureCryptoProvider` by default, `nodeCryptoProvider` from
 * `@tandem/envelope/node` for native speed on Node; both produce and accept the same bytes.
 *
 * @example
 * ```ts
 * import { KeyRing, Opener, Sealer, generateSigningKey, writerPublicKey } from '@tandem/envelope'
 * const clusterId = new TextEncoder().encode('cluster-1')
 * const stream = new TextEncoder().encode('orders')
 * const signingKey = generateSigningKey()
 * const ring = new KeyRing({ clusterId })
 * ring.addWriter(writerPublicKey(signingKey))
 * ring.addEpoch(1, crypto.getRandomValues(new Uint8Array(32)))
 * const sealed = new Sealer({ keyRing: ring, signingKey }).sealBatch(stream, [{ sequence: 1, payload: new Uint8Array([42]) }])
 * const { payload } = new Opener({ keyRing: ring }).open(stream, sealed[0]!)
 * ```
 *
 * @packageDocumentation
 */

/**
 * The format version this code writes and reads.
 * @example
 * ```ts
 * envelope[0] === FORMAT_VERSION // true
 * ```
 */
export { FORMAT_VERSION } from './constants.js'
/**
 * Base class of every error this package throws on bad input; each subclass has a stable `code`.
 * @example
 * ```ts
 * try { opener.open(stream, bytes) } catch (error) {
 *   if (error instanceof EnvelopeError) log.warn({ code: error.code }, error.message)
 * }
 * ```
 */
/**
 * Well-formed bytes that do not authenticate (signature, proof, hash or tag mismatch, or the
 * wrong cluster or stream). Code `ENVELOPE_TAMPERED`.
 * @example
 * ```ts
 * expect(() => opener.open(otherStream, sealed)).toThrow(TamperedEntryError)
 * ```
 */
/**
 * Signed by a key that is not a registered writer. Code `ENVELOPE_UNKNOWN_WRITER`.
 * @example
 * ```ts
 * if (error instanceof UnknownWriterError) peer.penalize()
 * ```
 */
/**
 * Sealed under a revoked epoch, or by a writer after its revocation point. Code `ENVELOPE_REVOKED_KEY`.
 * @example
 * ```ts
 * ring.revokeEpoch(1)
 * expect(() => opener.open(stream, sealedUnderEpoch1)).toThrow(RevokedKeyError)
 * ```
 */
/**
 * A sequence number not above the highest accepted for its writer and stream. Code `ENVELOPE_REPLAYED`.
 * @example
 * ```ts
 * opener.open(stream, sealed) // first time: fine
 * expect(() => opener.open(stream, sealed)).toThrow(ReplayedEntryError)
 * ```
 */
/**
 * A format version this code does not read. Code `ENVELOPE_UNSUPPORTED_VERSION`.
 * @example
 * ```ts
 * expect(() => inspectEnvelope(Uint8Array.of(9, 1, 1))).toThrow(UnsupportedVersionError)
 * ```
 */
/**
 * Bytes that do not follow the format or exceed a size limit. Code `ENVELOPE_MALFORMED`.
 * @example
 * ```ts
 * expect(() => inspectEnvelope(Uint8Array.of(1, 1))).toThrow(MalformedEnvelopeError)
 * ```
 */
/**
 * Opening needs the data key of an epoch this ring does not hold. Code `ENVELOPE_UNKNOWN_EPOCH`.
 * @example
 * ```ts
 * if (error instanceof UnknownEpochError) await fetchEpochSecret(error.message)
 * ```
 */
export {
  EnvelopeError,
  MalformedEnvelopeError,
  ReplayedEntryError,
  RevokedKeyError,
  TamperedEntryError,
  UnknownEpochError,
  UnknownWriterError,
  UnsupportedVersionError,
} from './errors.js'
/**
 * An envelope's public header.
 * @example
 * ```ts
 * const info: EnvelopeInfo = inspectEnvelope(envelope)
 * ```
 */
export type { EnvelopeInfo } from './inspect.js'
/**
 * Reads an envelope's public header without any key (nothing verified).
 * @example
 * ```ts
 * const { writer, sequence, epoch, batchSize } = inspectEnvelope(envelope)
 * ```
 */
export { inspectEnvelope } from './inspect.js'
/**
 * Options of a `KeyRing`.
 * @example
 * ```ts
 * const options: KeyRingOptions = { clusterId: new TextEncoder().encode('cluster-1') }
 * ```
 */
/**
 * The public half of a key ring — all that zero-knowledge verification needs.
 * @example
 * ```ts
 * const publicRing: PublicKeyRing = ringWithoutSecrets
 * const verifier = new Verifier({ keyRing: publicRing })
 * ```
 */
/**
 * Where a writer stands for an epoch: `'member'`, `'unknown'` or `'revoked'`.
 * @example
 * ```ts
 * const standing: WriterStanding = ring.writerStanding(publicKey, 3)
 * ```
 */
export type { KeyRingOptions, PublicKeyRing, WriterStanding } from './keyring.js'
/**
 * Writers, key epochs and revocations; holds the per-epoch data keys (a replica's ring holds none).
 * @example
 * ```ts
 * const ring = new KeyRing({ clusterId })
 * ring.addWriter(writerPublicKey(signingKey))
 * ring.addEpoch(1, secretForEpoch1) // new writes use the newest epoch
 * ring.addEpoch(2, secretForEpoch2) // rotation: epoch 1 still opens
 * ring.revokeWriter(leaverPublicKey, { fromEpoch: 2 })
 * ring.revokeEpoch(1) // wipes the key; epoch-1 entries are now rejected
 * ```
 */
/**
 * HKDF-SHA-256 derivation of an epoch's data key (exposed for interoperability tests).
 * @example
 * ```ts
 * const dataKey = deriveEpochDataKey(clusterSecret, clusterId, 1) // 32 bytes
 * deriveEpochDataKey(clusterSecret, clusterId, 1, nodeCryptoProvider) // the same 32 bytes
 * ```
 */
export { deriveEpochDataKey, KeyRing } from './keyring.js'
/**
 * A fresh Ed25519 secret seed for a writer.
 * @example
 * ```ts
 * const signingKey = generateSigningKey()
 * ```
 */
/**
 * The Ed25519 public key of a writer's secret seed.
 * @example
 * ```ts
 * ring.addWriter(writerPublicKey(signingKey))
 * writerPublicKey(signingKey, nodeCryptoProvider) // the same 32 bytes, computed natively
 * ```
 */
export { generateSigningKey, writerPublicKey } from './keys.js'
/**
 * Size limits every decoder enforces.
 * @example
 * ```ts
 * const limits: Partial<EnvelopeLimits> = { payloadBytesMax: 1 << 20, batchEntriesMax: 4096 }
 * ```
 */
export type { EnvelopeLimits } from './limits.js'
/**
 * The default limits.
 * @example
 * ```ts
 * defaultLimits.payloadBytesMax // 4 MiB
 * ```
 */
export { defaultLimits } from './limits.js'
/**
 * Name of a Merkle hash: `'sha256'` (default) or `'blake3'`.
 * @example
 * ```ts
 * const hash: MerkleHashName = 'blake3'
 * ```
 */
export type { MerkleHashName } from './merkle.js'
/**
 * Options of an `Opener`.
 * @example
 * ```ts
 * const options: OpenerOptions = { keyRing: ring, signatureCacheEntries: 32 }
 * ```
 */
/**
 * An opened entry: public facts and plaintext.
 * @example
 * ```ts
 * const { payload }: OpenedEntry = opener.open(stream, envelope)
 * ```
 */
export type { OpenedEntry, OpenerOptions } from './open.js'
/**
 * Authenticates and decrypts sealed entries.
 * @example
 * ```ts
 * const opener = new Opener({ keyRing: ring, replayGuard: new ReplayGuard() })
 * const { payload, sequence } = opener.open(stream, envelope)
 * const batch = opener.openBatch(stream, envelopes)
 * ```
 */
export { Opener } from './open.js'
/**
 * The cryptography the format is built from (AEAD, prefixed hashes, HKDF, Ed25519, random bytes),
 * injected into `KeyRing`, `Sealer`, `Opener`, `Verifier` and the snapshot functions.
 * @example
 * ```ts
 * const provider: CryptoProvider = pureCryptoProvider // or nodeCryptoProvider from '@tandem/envelope/node'
 * const sealer = new Sealer({ keyRing: ring, signingKey, cryptoProvider: provider })
 * ```
 */
/**
 * An AEAD that encrypts into and decrypts into caller-provided buffers (XChaCha20-Poly1305 here).
 * @example
 * ```ts
 * const sealed = new Uint8Array(plaintext.length + 16)
 * provider.xchacha20poly1305.encrypt(key, nonce24, associatedData, plaintext, sealed)
 * ```
 */
/**
 * A hash of `prefix ‖ data` written into a caller's buffer: the shape of every hash in the format.
 * @example
 * ```ts
 * const leaf = new Uint8Array(32)
 * provider.sha256Prefixed(0x00, envelopeBytes, leaf, 0)
 * ```
 */
/**
 * An Ed25519 signer holding one expanded key.
 * @example
 * ```ts
 * const signer: Ed25519Signer = provider.ed25519Signer(signingKey)
 * const signature = signer.sign(message) // 64 bytes, same on every provider
 * provider.ed25519Verify(signature, message, signer.publicKey) // true
 * ```
 */
export type { AeadCipher, CryptoProvider, Ed25519Signer, PrefixedHash } from './provider.js'
/**
 * The default, pure-JavaScript provider (@noble/ciphers, @noble/hashes, @noble/ed25519): runs in
 * browsers and in the simulator; a browser build uses it.
 * @example
 * ```ts
 * const opener = new Opener({ keyRing: ring, cryptoProvider: pureCryptoProvider }) // the default anyway
 * ```
 */
export { pureCryptoProvider } from './pure-provider.js'
/**
 * A CSPRNG source: `(length) => Uint8Array`.
 * @example
 * ```ts
 * const random: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length))
 * ```
 */
export type { RandomSource } from './random.js'
/**
 * The default random source: the global `crypto.getRandomValues`.
 * @example
 * ```ts
 * const nonce = webCryptoRandom(24)
 * ```
 */
export { webCryptoRandom } from './random.js'
/**
 * Highest accepted sequence per (writer, stream); rejects duplicates and regressions; snapshots to bytes.
 * @example
 * ```ts
 * const guard = new ReplayGuard()
 * const opener = new Opener({ keyRing: ring, replayGuard: guard })
 * const saved = guard.snapshot()
 * const restored = ReplayGuard.restore(saved)
 * ```
 */
export { ReplayGuard } from './replay.js'
/**
 * Options of a `Sealer`.
 * @example
 * ```ts
 * const options: SealerOptions = { keyRing: ring, signingKey, merkleHash: 'blake3' }
 * ```
 */
/**
 * One entry to seal.
 * @example
 * ```ts
 * const entry: EntryToSeal = { sequence: 7, payload: new Uint8Array([1, 2, 3]) }
 * ```
 */
/**
 * Per-batch sealing options.
 * @example
 * ```ts
 * sealer.sealBatch(stream, entries, { epoch: 2 } satisfies SealBatchOptions)
 * ```
 */
export type { EntryToSeal, SealBatchOptions, SealerOptions } from './seal.js'
/**
 * Seals entries for one writer, one signature per batch.
 * @example
 * ```ts
 * const sealer = new Sealer({ keyRing: ring, signingKey })
 * const envelopes = sealer.sealBatch(stream, [{ sequence: 1, payload }, { sequence: 2, payload }])
 * const single = sealer.seal(stream, { sequence: 3, payload }) // signed alone
 * ```
 */
export { Sealer } from './seal.js'
/**
 * Options of `sealSnapshot`.
 * @example
 * ```ts
 * const options: SealSnapshotOptions = { keyRing: ring, signingKey, streamId, index: 1, term: 1, data, chunkBytes: 65_536 }
 * ```
 */
/**
 * A sealed snapshot: manifest and chunks.
 * @example
 * ```ts
 * const sealed: SealedSnapshot = sealSnapshot(options)
 * ```
 */
/**
 * A manifest that verified.
 * @example
 * ```ts
 * const { index, term, chunkCount }: VerifiedManifest = verifySnapshotManifest({ keyRing, streamId, manifest })
 * ```
 */
/**
 * Options of `verifySnapshotManifest`.
 * @example
 * ```ts
 * const options: VerifyManifestOptions = { keyRing: replicaRing, streamId, manifest }
 * ```
 */
export type {
  SealedSnapshot,
  SealSnapshotOptions,
  VerifiedManifest,
  VerifyManifestOptions,
} from './snapshot.js'
/**
 * Seals a snapshot into a signed manifest and encrypted chunks.
 * @example
 * ```ts
 * const { manifest, chunks } = sealSnapshot({ keyRing: ring, signingKey, streamId, index: 120, term: 3, data })
 * ```
 */
/**
 * Verifies a snapshot manifest with public keys only.
 * @example
 * ```ts
 * const verified = verifySnapshotManifest({ keyRing: replicaRing, streamId, manifest })
 * ```
 */
/**
 * Verifies one snapshot chunk alone against a verified manifest, without the data key.
 * @example
 * ```ts
 * verifySnapshotChunk(verified, 0, chunks[0]!)
 * ```
 */
/**
 * Verifies and decrypts one snapshot chunk.
 * @example
 * ```ts
 * const plaintext = openSnapshotChunk(ring, verified, 0, chunks[0]!)
 * ```
 */
/**
 * Verifies and decrypts a whole snapshot.
 * @example
 * ```ts
 * const data = openSnapshot(ring, verified, chunks)
 * ```
 */
export {
  openSnapshot,
  openSnapshotChunk,
  sealSnapshot,
  verifySnapshotChunk,
  verifySnapshotManifest,
} from './snapshot.js'
/**
 * Options of a `Verifier`.
 * @example
 * ```ts
 * const options: VerifierOptions = { keyRing: replicaRing, limits: { payloadBytesMax: 65_536 } }
 * ```
 */
/**
 * Public facts of an authenticated entry.
 * @example
 * ```ts
 * const { writer, sequence, epoch }: VerifiedEntry = verifier.verify(stream, envelope)
 * ```
 */
export type { VerifiedEntry, VerifierOptions } from './verify.js'
/**
 * Zero-knowledge verification of sealed entries with public keys only.
 * @example
 * ```ts
 * const verifier = new Verifier({ keyRing: replicaRing, replayGuard: new ReplayGuard() })
 * const info = verifier.verify(stream, envelope) // one entry, alone
 * const all = verifier.verifyBatch(stream, envelopes) // a whole batch, one signature check
 * ```
 */
export { Verifier } from './verify.js'
