import type { CryptoRandom } from '@tandem/base'

/**
 * The cryptography the envelope format is built from, behind one narrow interface, so that the
 * same sealing, opening and verification code runs on pure JavaScript (browsers, the simulator)
 * or on native code (a Node process). Every provider must produce the same bytes for the same
 * inputs and accept exactly the same inputs: an envelope sealed with one opens with any other.
 *
 * The shapes are the ones the format needs and no more: every hash in the format is a 32-byte
 * digest of a one-byte domain prefix followed by bytes (Merkle leaves and nodes, snapshot chunks),
 * and every output is written into a buffer the caller already holds, so that a native provider
 * does not allocate per entry.
 *
 * @example
 * ```ts
 * const provider: CryptoProvider = pureCryptoProvider // or nodeCryptoProvider from '@tandem/envelope/node'
 * const sealer = new Sealer({ keyRing: ring, signingKey, cryptoProvider: provider })
 * ```
 */
export interface CryptoProvider {
  /** Short name for diagnostics and benchmarks, e.g. `'pure'` or `'node'`. */
  readonly name: string
  /** XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha), 32-byte key, 24-byte nonce, 16-byte tag. */
  readonly xchacha20poly1305: AeadCipher
  /** SHA-256 of `prefix ‖ data`: the default Merkle hash and the snapshot chunk hash. */
  readonly sha256Prefixed: PrefixedHash
  /** BLAKE3 (32-byte output) of `prefix ‖ data`: the alternative Merkle hash. */
  readonly blake3Prefixed: PrefixedHash
  /** HKDF-SHA-256 (RFC 5869): derives the per-epoch data keys. */
  hkdfSha256(inputKey: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array
  /** An Ed25519 signer for a 32-byte secret seed (RFC 8032); it keeps its expanded key private. */
  ed25519Signer(seed: Uint8Array): Ed25519Signer
  /**
   * Ed25519 verification under one rule shared by every provider, libsodium's: `S < L`; canonical
   * encodings of `A` and `R`; neither `A` nor `R` of small order; and the cofactorless equation
   * `[S]B = R + [k]A` checked by comparing encodings. Any two providers must agree on every input,
   * or two nodes could disagree on whether a malicious writer's batch is valid.
   */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
  /** Cryptographically secure random bytes (nonces, fresh signing keys). */
  readonly randomBytes: CryptoRandom
}

/**
 * An AEAD that encrypts into, and decrypts into, buffers the caller provides.
 *
 * @example
 * ```ts
 * const sealed = new Uint8Array(plaintext.length + 16)
 * provider.xchacha20poly1305.encrypt(key, nonce24, associatedData, plaintext, sealed)
 * ```
 */
export interface AeadCipher {
  /** Writes `ciphertext ‖ tag` (`plaintext.length + 16` bytes) into `out`, which has exactly that length. */
  encrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    associatedData: Uint8Array,
    plaintext: Uint8Array,
    out: Uint8Array,
  ): void
  /**
   * Checks the tag of `sealed` (`ciphertext ‖ tag`) and writes the plaintext into `out`
   * (`sealed.length - 16` bytes). Returns false, and leaves `out` unspecified, when the tag fails.
   */
  decrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    associatedData: Uint8Array,
    sealed: Uint8Array,
    out: Uint8Array,
  ): boolean
}

/**
 * Writes the 32-byte digest of `prefix ‖ data[0 .. dataLength)` into `out[outOffset .. outOffset + 32)`;
 * `dataLength` defaults to all of `data`. (A length rather than a subarray: the envelope hashes a
 * prefix of every entry, and making a view per entry cost more than the copy a native provider makes.)
 *
 * @example
 * ```ts
 * const leaf = new Uint8Array(32)
 * provider.sha256Prefixed(0x00, envelopeBytes, leaf, 0)
 * provider.sha256Prefixed(0x00, envelopeBytes, leaf, 0, 84 + ciphertextBytes) // the first bytes only
 * ```
 */
export type PrefixedHash = (
  prefix: number,
  data: Uint8Array,
  out: Uint8Array,
  outOffset: number,
  dataLength?: number,
) => void

/**
 * Signs with one Ed25519 key; deterministic (RFC 8032), so every provider signs alike.
 *
 * @example
 * ```ts
 * const signer: Ed25519Signer = provider.ed25519Signer(signingKey)
 * const signature = signer.sign(message) // 64 bytes, same on every provider
 * provider.ed25519Verify(signature, message, signer.publicKey) // true
 * ```
 */
export interface Ed25519Signer {
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array
  /** The 64-byte signature of `message`. */
  sign(message: Uint8Array): Uint8Array
}
