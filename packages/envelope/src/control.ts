import { writerLabel, writeU32 } from './bytes.js'
import {
  CONTROL_CONTENT_HASH_PREFIX,
  DOMAIN_CONTROL_STATEMENT,
  FORMAT_VERSION,
  KIND_CONTROL,
} from './constants.js'
import { TamperedEntryError } from './errors.js'
import { CONTROL_HEADER_BYTES, CONTROL_OFFSET, controlBytes, decodeControl } from './format/control.js'
import { assertId } from './keyring.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'
import type { CryptoProvider, Ed25519Signer } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'
import { VerifiedSignatureCache } from './signature-cache.js'
import { signedStatement } from './signed-statement.js'

/**
 * Options of a `ControlSigner`.
 *
 * @example
 * ```ts
 * const options: ControlSignerOptions = { clusterId, signingKey, cryptoProvider: nodeCryptoProvider }
 * ```
 */
export interface ControlSignerOptions {
  /** The cluster's id (0..255 bytes); bound into every signature. */
  readonly clusterId: Uint8Array
  /** The proposer's 32-byte Ed25519 secret seed. */
  readonly signingKey: Uint8Array
  /** The cryptography to sign with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
  readonly limits?: Partial<EnvelopeLimits>
}

/**
 * Options of a `ControlVerifier`.
 *
 * @example
 * ```ts
 * const options: ControlVerifierOptions = { clusterId, signatureCacheEntries: 0 }
 * ```
 */
export interface ControlVerifierOptions {
  /** The cluster's id (0..255 bytes): entries signed for another cluster fail. */
  readonly clusterId: Uint8Array
  readonly limits?: Partial<EnvelopeLimits>
  /** How many recently verified signatures to remember (default 16; 0 disables). */
  readonly signatureCacheEntries?: number
  /** The cryptography to verify with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * A control entry whose signature verified. `signer` and `content` are views into the entry's
 * bytes: `slice()` them to keep them apart from those bytes.
 *
 * @example
 * ```ts
 * const { signer, content }: VerifiedControl = controlVerifier.verifyControl(bytes)
 * ```
 */
export interface VerifiedControl {
  /** The Ed25519 public key that signed the entry. Whether it may propose it is the caller's rule. */
  readonly signer: Uint8Array
  /** The signed plaintext content. */
  readonly content: Uint8Array
}

/**
 * Signs control entries: plaintext content (a membership change, an incarnation's `open`, a fold's
 * list of batch headers) that every node must read and check — keyless replicas included — so it
 * is signed by its proposer but not encrypted. The signature binds the cluster, the format version,
 * the signer and the content, under a label no other signed object of this package uses.
 *
 * @example
 * ```ts
 * const signer = new ControlSigner({ clusterId, signingKey })
 * const entry = signer.signControl(encodeControlOperation(operation))
 * const { signer: proposer, content } = new ControlVerifier({ clusterId }).verifyControl(entry)
 * ```
 */
export class ControlSigner {
  /** The signer's Ed25519 public key, as written into every entry. */
  readonly publicKey: Uint8Array
  readonly #clusterId: Uint8Array
  readonly #provider: CryptoProvider
  readonly #signer: Ed25519Signer
  readonly #limits: EnvelopeLimits

  constructor(options: ControlSignerOptions) {
    assertId(options.clusterId, 'cluster id')
    this.#clusterId = options.clusterId.slice()
    this.#provider = options.cryptoProvider ?? pureCryptoProvider
    this.#signer = this.#provider.ed25519Signer(options.signingKey)
    this.publicKey = this.#signer.publicKey.slice()
    this.#limits = resolveLimits(options.limits)
  }

  /** Signs `content` and returns the control entry, one new array. Throws `RangeError` past the limit. */
  signControl(content: Uint8Array): Uint8Array {
    const contentBytesMax = this.#limits.controlContentBytesMax
    if (!(content instanceof Uint8Array) || content.length > contentBytesMax) {
      throw new RangeError(`control content is a Uint8Array of at most ${contentBytesMax} bytes`)
    }
    const entry = new Uint8Array(controlBytes(content.length))
    entry[CONTROL_OFFSET.version] = FORMAT_VERSION
    entry[CONTROL_OFFSET.kind] = KIND_CONTROL
    entry.set(this.publicKey, CONTROL_OFFSET.signer)
    writeU32(entry, CONTROL_OFFSET.contentLength, content.length)
    entry.set(content, CONTROL_HEADER_BYTES)
    const statement = signedStatement(
      this.#provider,
      DOMAIN_CONTROL_STATEMENT,
      this.#clusterId,
      entry.subarray(0, CONTROL_HEADER_BYTES),
      CONTROL_CONTENT_HASH_PREFIX,
      content,
    )
    entry.set(this.#signer.sign(statement), CONTROL_HEADER_BYTES + content.length)
    return entry
  }
}

/**
 * Verifies control entries with public keys only: any node, keyed or keyless, runs it on every
 * control entry before applying it. It checks structure, limits and the signature; it does not
 * decide whether the signer may propose the entry (control entries are what change membership, so
 * that rule belongs to the state they apply to).
 *
 * @example
 * ```ts
 * const verifier = new ControlVerifier({ clusterId, cryptoProvider: nodeCryptoProvider })
 * const { signer, content } = verifier.verifyControl(entryBytes) // throws an EnvelopeError if not genuine
 * ```
 */
export class ControlVerifier {
  readonly #clusterId: Uint8Array
  readonly #provider: CryptoProvider
  readonly #limits: EnvelopeLimits
  readonly #signatures: VerifiedSignatureCache

  constructor(options: ControlVerifierOptions) {
    assertId(options.clusterId, 'cluster id')
    this.#clusterId = options.clusterId.slice()
    this.#provider = options.cryptoProvider ?? pureCryptoProvider
    this.#limits = resolveLimits(options.limits)
    this.#signatures = new VerifiedSignatureCache(options.signatureCacheEntries ?? 16)
  }

  /**
   * Verifies a control entry. Throws `MalformedEnvelopeError` or `UnsupportedVersionError` for bytes
   * that are not a control entry, `TamperedEntryError` when the signature fails.
   */
  verifyControl(entry: Uint8Array): VerifiedControl {
    const fields = decodeControl(entry, this.#limits)
    const statement = signedStatement(
      this.#provider,
      DOMAIN_CONTROL_STATEMENT,
      this.#clusterId,
      fields.head,
      CONTROL_CONTENT_HASH_PREFIX,
      fields.content,
    )
    if (!this.#signatures.has(statement, fields.signature)) {
      if (!this.#provider.ed25519Verify(fields.signature, statement, fields.signer)) {
        throw new TamperedEntryError(`control entry of ${writerLabel(fields.signer)} fails its signature`)
      }
      this.#signatures.add(statement, fields.signature)
    }
    return { signer: fields.signer, content: fields.content }
  }
}
