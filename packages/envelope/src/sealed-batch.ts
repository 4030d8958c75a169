import type { CryptoRandom } from '@tandem/base'
import { writerLabel, writeU32 } from './bytes.js'
import {
  DOMAIN_SEALED_BATCH_AD,
  DOMAIN_SEALED_BATCH_STATEMENT,
  FORMAT_VERSION,
  KIND_SEALED_BATCH,
  NONCE_BYTES,
  SEALED_BATCH_CIPHERTEXT_HASH_PREFIX,
  TAG_BYTES,
} from './constants.js'
import { TamperedEntryError } from './errors.js'
import {
  decodeSealedBatch,
  SEALED_BATCH_FIXED_HEADER_BYTES,
  SEALED_BATCH_OFFSET,
  type SealedBatchFields,
  sealedBatchBytes,
} from './format/sealed-batch.js'
import { epochDataKey, type KeyRing, type PublicKeyRing } from './keyring.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'
import { NoncePool } from './nonce-pool.js'
import type { CryptoProvider, Ed25519Signer } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'
import type { SealBatchOptions } from './seal.js'
import { VerifiedSignatureCache } from './signature-cache.js'
import { signedStatement } from './signed-statement.js'
import { checkWriterStanding } from './standing.js'

/**
 * Options of a `BatchSealer`.
 *
 * @example
 * ```ts
 * const options: BatchSealerOptions = { keyRing: ring, signingKey, cryptoProvider: nodeCryptoProvider }
 * ```
 */
export interface BatchSealerOptions {
  /** Key ring holding the data key of the epoch to seal under (by default its newest). */
  readonly keyRing: KeyRing
  /** The writer's 32-byte Ed25519 secret seed. */
  readonly signingKey: Uint8Array
  /** CSPRNG for nonces; defaults to the provider's `randomBytes`. */
  readonly random?: CryptoRandom
  /** The cryptography to seal with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
  readonly limits?: Partial<EnvelopeLimits>
}

/**
 * Options of a `BatchVerifier` (keyless) or a `BatchOpener` (whose ring must hold data keys).
 *
 * @example
 * ```ts
 * const options: BatchVerifierOptions = { keyRing: replicaRing, signatureCacheEntries: 64 }
 * ```
 */
export interface BatchVerifierOptions {
  /** Writers' public keys and revocations; a keyless replica's ring holds no data key. */
  readonly keyRing: PublicKeyRing
  readonly limits?: Partial<EnvelopeLimits>
  /**
   * How many recently verified batch signatures to remember (default 16; 0 disables), so that a
   * batch verified once — say when its fold entry applies to the public layer — opens later without
   * a second Ed25519 verification.
   */
  readonly signatureCacheEntries?: number
  /** The cryptography to verify with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * Options of a `BatchOpener`: a verifier's, with a key ring that holds data keys.
 *
 * @example
 * ```ts
 * const options: BatchOpenerOptions = { keyRing: memberRing, cryptoProvider: nodeCryptoProvider }
 * ```
 */
export interface BatchOpenerOptions extends BatchVerifierOptions {
  readonly keyRing: KeyRing
}

/**
 * The public, authenticated facts of a sealed batch. `writer` and `header` are views into the
 * sealed bytes: `slice()` them to keep them apart from those bytes.
 *
 * @example
 * ```ts
 * const { writer, epoch, header }: VerifiedBatch = verifier.verifyBatch(sealed)
 * ```
 */
export interface VerifiedBatch {
  /** The signer's Ed25519 public key: authenticated, registered and unrevoked at `epoch`. */
  readonly writer: Uint8Array
  /** The key epoch the payload is encrypted under. */
  readonly epoch: number
  /** The caller's public header, exactly as sealed. */
  readonly header: Uint8Array
  /** Length of the encrypted payload's plaintext. */
  readonly payloadBytes: number
}

/**
 * An opened sealed batch: its public facts and its decrypted payload (a fresh array).
 *
 * @example
 * ```ts
 * const { header, payload }: OpenedBatch = opener.openBatch(sealed)
 * ```
 */
export interface OpenedBatch extends VerifiedBatch {
  readonly payload: Uint8Array
}

function associatedData(clusterId: Uint8Array, signedHead: Uint8Array): Uint8Array {
  const ad = new Uint8Array(DOMAIN_SEALED_BATCH_AD.length + 1 + clusterId.length + signedHead.length)
  ad.set(DOMAIN_SEALED_BATCH_AD, 0)
  ad[DOMAIN_SEALED_BATCH_AD.length] = clusterId.length
  ad.set(clusterId, DOMAIN_SEALED_BATCH_AD.length + 1)
  ad.set(signedHead, DOMAIN_SEALED_BATCH_AD.length + 1 + clusterId.length)
  return ad
}

function statementOf(provider: CryptoProvider, clusterId: Uint8Array, fields: SealedBatchFields): Uint8Array {
  return signedStatement(
    provider,
    DOMAIN_SEALED_BATCH_STATEMENT,
    clusterId,
    fields.signedHead,
    SEALED_BATCH_CIPHERTEXT_HASH_PREFIX,
    fields.ciphertext,
  )
}

/**
 * Seals batches: one envelope per batch, whose payload is encrypted with XChaCha20-Poly1305 under
 * the epoch's data key and whose public header — the caller's plaintext bytes, e.g. a stream and a
 * sequence — any replica reads and verifies without that key. One Ed25519 signature covers the
 * header, the epoch, the writer, the nonce and the whole ciphertext (through its SHA-256), and the
 * AEAD's associated data holds the same header, so neither half can be paired with another's.
 *
 * @example
 * ```ts
 * const sealer = new BatchSealer({ keyRing: ring, signingKey })
 * const sealed = sealer.sealBatch(encodeHeader({ stream, sequence: 7 }), encodedDeltas)
 * const { header, payload } = new BatchOpener({ keyRing: ring }).openBatch(sealed)
 * ```
 */
export class BatchSealer {
  /** The writer's Ed25519 public key, as written into every sealed batch. */
  readonly publicKey: Uint8Array
  readonly #keyRing: KeyRing
  readonly #provider: CryptoProvider
  readonly #signer: Ed25519Signer
  readonly #nonces: NoncePool
  readonly #limits: EnvelopeLimits

  constructor(options: BatchSealerOptions) {
    const provider = options.cryptoProvider ?? pureCryptoProvider
    this.#provider = provider
    this.#signer = provider.ed25519Signer(options.signingKey)
    this.publicKey = this.#signer.publicKey.slice()
    this.#keyRing = options.keyRing
    // Batches are sealed one at a time, each costing far more than a nonce: a small pool suffices.
    this.#nonces = new NoncePool(options.random ?? provider.randomBytes, NONCE_BYTES, 16)
    this.#limits = resolveLimits(options.limits)
  }

  /**
   * Seals `payload` (encrypted) under `header` (public, signed) and returns the sealed batch, one
   * new array. Throws `RangeError` when either exceeds its limit, `UnknownEpochError` or
   * `RevokedKeyError` when the epoch cannot be sealed under.
   */
  sealBatch(header: Uint8Array, payload: Uint8Array, options?: SealBatchOptions): Uint8Array {
    const limits = this.#limits
    if (!(header instanceof Uint8Array) || header.length > limits.batchHeaderBytesMax) {
      throw new RangeError(`a batch header is a Uint8Array of at most ${limits.batchHeaderBytesMax} bytes`)
    }
    if (!(payload instanceof Uint8Array) || payload.length > limits.batchPayloadBytesMax) {
      throw new RangeError(`a batch payload is a Uint8Array of at most ${limits.batchPayloadBytesMax} bytes`)
    }
    const epoch = options?.epoch ?? this.#keyRing.currentEpoch()
    const key = epochDataKey(this.#keyRing, epoch)
    const ciphertextBytes = payload.length + TAG_BYTES
    const sealed = new Uint8Array(sealedBatchBytes(header.length, payload.length))
    sealed[SEALED_BATCH_OFFSET.version] = FORMAT_VERSION
    sealed[SEALED_BATCH_OFFSET.kind] = KIND_SEALED_BATCH
    writeU32(sealed, SEALED_BATCH_OFFSET.epoch, epoch)
    sealed.set(this.publicKey, SEALED_BATCH_OFFSET.writer)
    writeU32(sealed, SEALED_BATCH_OFFSET.headerLength, header.length)
    writeU32(sealed, SEALED_BATCH_OFFSET.ciphertextLength, ciphertextBytes)
    this.#nonces.take(sealed, SEALED_BATCH_OFFSET.nonce)
    sealed.set(header, SEALED_BATCH_FIXED_HEADER_BYTES)
    const ciphertextOffset = SEALED_BATCH_FIXED_HEADER_BYTES + header.length
    const signatureOffset = ciphertextOffset + ciphertextBytes
    const signedHead = sealed.subarray(0, ciphertextOffset)
    const ciphertext = sealed.subarray(ciphertextOffset, signatureOffset)
    this.#provider.xchacha20poly1305.encrypt(
      key,
      sealed.subarray(SEALED_BATCH_OFFSET.nonce, SEALED_BATCH_OFFSET.nonce + NONCE_BYTES),
      associatedData(this.#keyRing.clusterId, signedHead),
      payload,
      ciphertext,
    )
    const statement = signedStatement(
      this.#provider,
      DOMAIN_SEALED_BATCH_STATEMENT,
      this.#keyRing.clusterId,
      signedHead,
      SEALED_BATCH_CIPHERTEXT_HASH_PREFIX,
      ciphertext,
    )
    sealed.set(this.#signer.sign(statement), signatureOffset)
    return sealed
  }
}

/** Structure, standing and signature of a sealed batch: what both the verifier and the opener check. */
class BatchAuthenticator {
  readonly #keyRing: PublicKeyRing
  readonly #provider: CryptoProvider
  readonly #limits: EnvelopeLimits
  readonly #signatures: VerifiedSignatureCache

  constructor(options: BatchVerifierOptions) {
    this.#keyRing = options.keyRing
    this.#provider = options.cryptoProvider ?? pureCryptoProvider
    this.#limits = resolveLimits(options.limits)
    this.#signatures = new VerifiedSignatureCache(options.signatureCacheEntries ?? 16)
  }

  get provider(): CryptoProvider {
    return this.#provider
  }

  authenticate(sealed: Uint8Array): SealedBatchFields {
    const fields = decodeSealedBatch(sealed, this.#limits)
    checkWriterStanding(this.#keyRing, fields.writer, fields.epoch)
    const statement = statementOf(this.#provider, this.#keyRing.clusterId, fields)
    if (this.#signatures.has(statement, fields.signature)) return fields
    if (!this.#provider.ed25519Verify(fields.signature, statement, fields.writer)) {
      throw new TamperedEntryError(`sealed batch of writer ${writerLabel(fields.writer)} fails its signature`)
    }
    this.#signatures.add(statement, fields.signature)
    return fields
  }
}

function verifiedBatchOf(fields: SealedBatchFields): VerifiedBatch {
  return {
    writer: fields.writer,
    epoch: fields.epoch,
    header: fields.header,
    payloadBytes: fields.ciphertext.length - TAG_BYTES,
  }
}

/**
 * Keyless verification of sealed batches: structure and limits, the writer's standing in the key
 * ring, and the signature over header, epoch, nonce and ciphertext. What a zero-knowledge replica
 * runs before it stores, forwards or applies a batch's public header; it never needs a data key.
 *
 * @example
 * ```ts
 * const verifier = new BatchVerifier({ keyRing: replicaRing })
 * const { writer, header } = verifier.verifyBatch(sealed) // throws an EnvelopeError if not genuine
 * ```
 */
export class BatchVerifier {
  readonly #authenticator: BatchAuthenticator

  constructor(options: BatchVerifierOptions) {
    this.#authenticator = new BatchAuthenticator(options)
  }

  /**
   * Verifies a sealed batch without decrypting it. Throws `MalformedEnvelopeError`,
   * `UnsupportedVersionError`, `UnknownWriterError`, `RevokedKeyError` or `TamperedEntryError`.
   */
  verifyBatch(sealed: Uint8Array): VerifiedBatch {
    return verifiedBatchOf(this.#authenticator.authenticate(sealed))
  }
}

/**
 * Opens sealed batches: verifies each exactly as `BatchVerifier` does, then decrypts its payload
 * with its epoch's data key.
 *
 * @example
 * ```ts
 * const opener = new BatchOpener({ keyRing: ring })
 * const { header, payload, writer } = opener.openBatch(sealed)
 * opener.verifyBatch(sealed) // the keyless checks alone
 * ```
 */
export class BatchOpener {
  readonly #keyRing: KeyRing
  readonly #authenticator: BatchAuthenticator

  constructor(options: BatchOpenerOptions) {
    this.#keyRing = options.keyRing
    this.#authenticator = new BatchAuthenticator(options)
  }

  /** The keyless checks of `BatchVerifier.verifyBatch`, nothing decrypted. */
  verifyBatch(sealed: Uint8Array): VerifiedBatch {
    return verifiedBatchOf(this.#authenticator.authenticate(sealed))
  }

  /**
   * Verifies, then decrypts. Throws what `verifyBatch` throws, and `UnknownEpochError` when this
   * ring holds no key for the batch's epoch (the batch may be genuine: its header is still good).
   */
  openBatch(sealed: Uint8Array): OpenedBatch {
    const fields = this.#authenticator.authenticate(sealed)
    const key = epochDataKey(this.#keyRing, fields.epoch)
    const payload = new Uint8Array(fields.ciphertext.length - TAG_BYTES)
    const opened = this.#authenticator.provider.xchacha20poly1305.decrypt(
      key,
      fields.nonce,
      associatedData(this.#keyRing.clusterId, fields.signedHead),
      fields.ciphertext,
      payload,
    )
    if (!opened) {
      // Reached only if the writer itself sealed bytes that do not decrypt: its signature held.
      throw new TamperedEntryError(
        `sealed batch of writer ${writerLabel(fields.writer)} does not decrypt under epoch ${fields.epoch}`,
      )
    }
    return { ...verifiedBatchOf(fields), payload }
  }
}
