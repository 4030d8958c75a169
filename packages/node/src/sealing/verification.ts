/**
 * Envelope-backed checks and openers of the node's log items (design.md, "Batches and the two layers
 * of C", "Security model"): what the null envelope (`codec/null-envelope.ts`) stands in for.
 *
 * - Control entries: the proposer's Ed25519 signature over the exact operation bytes, bound to the
 *   cluster (who may propose what is C's rule, checked where the entry applies).
 * - Strong batches and folded eventual batches: one sealed batch each, whose signed plaintext header
 *   must be exactly what the log item states (stream or session, sequence, epoch, writer), whose
 *   writer must stand in C's public layer at this index, and whose signature covers header, epoch,
 *   nonce and ciphertext. Keyless nodes check all of it without any data key.
 * - Opening: a keyed node decrypts with the epoch's data key, through the same `BatchOpener` that
 *   verified the batch, so the Ed25519 check is not paid twice (a bounded cache). A batch whose
 *   epoch key this node lacks is reported as {@link missingEpochKeyReason}, never as tampered: the
 *   batch may be genuine, and the data layer must wait for the key.
 *
 * Every rejection is counted by reason and reported without secrets; the reasons depend only on the
 * log and C, so every node rejects the same items for the same reasons.
 */
import type { Delta } from '@tandem/crdt'
import {
  BatchOpener,
  BatchVerifier,
  ControlVerifier,
  EnvelopeError,
  type VerifiedBatch,
} from '@tandem/envelope'
import { toString as bytesToHex, fromString as hexToBytes } from 'uint8arrays'
import { decodeEventualPayload } from '../codec/eventual-payload.js'
import { encodeStrongBatchHeader } from '../codec/log-entry.js'
import { decodeStrongPayload } from '../codec/strong-payload.js'
import type { BatchOpener as CoreBatchOpener } from '../core/committed-state.js'
import type { FoldedBatchHeader } from '../core/control.js'
import { parseStreamId, type StreamId, type WriterKey } from '../core/ids.js'
import type { EntrySignatureCheck } from '../core/log-applier.js'
import type { SealedStrongBatchHeader } from '../core/log-items.js'
import type { BatchSignatureCheck } from '../core/public-layer.js'
import { MalformedOperationError } from '../errors.js'
import {
  controlEntryBytes,
  encodeEventualBatchHeader,
  equalBytes,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  trailingSignature,
} from './batch-headers.js'
import type { PublicLayerKeyRing, SealingKeys } from './keys.js'

/** What kind of log item a rejection concerns. */
export type SealedItemKind = 'control' | 'strong' | 'eventual'

/** One rejected item, as reported to `onRejection`: public facts only. */
export interface SealingRejection {
  readonly item: SealedItemKind
  /** A stable reason: an envelope error code, or a mismatch between the item and its sealed header. */
  readonly reason: string
  /** The claimed writer or signer (a public key, hex). */
  readonly writer: string
}

/** Options of {@link SealedItemChecks}. */
export interface SealedItemChecksOptions {
  readonly keys: SealingKeys
  /** Whether this node opens data (a keyed node); a keyless node only verifies. */
  readonly keyed: boolean
  /** Verified batch signatures remembered per kind of batch (default 64; 0 disables). */
  readonly signatureCacheEntries?: number
  /** Called for every rejected item (for a log line: no secret is passed). */
  readonly onRejection?: (rejection: SealingRejection) => void
}

/**
 * The reason the opener gives for a batch of an epoch whose data key this node lacks.
 *
 * @example
 * ```ts
 * missingEpochKeyReason(2) // 'missing epoch key 2'
 * ```
 */
export function missingEpochKeyReason(epoch: number): string {
  return `missing epoch key ${epoch}`
}

/**
 * Whether an opener's reason (possibly prefixed by the core, e.g. `unopenable: `) is a missing key.
 *
 * @example
 * ```ts
 * isMissingEpochKeyReason('unopenable: missing epoch key 1') // true
 * ```
 */
export function isMissingEpochKeyReason(reason: string): boolean {
  return /(^|: )missing epoch key \d+$/.test(reason)
}

type Authenticator = Pick<BatchVerifier, 'verifyBatch'>

/**
 * Envelope-backed `EntrySignatureCheck` and `BatchSignatureCheck` for `LogApplier` and
 * `CommittedState`, and on a keyed node the `BatchOpener` (`opener`) both take.
 *
 * @example
 * ```ts
 * const checks = new SealedItemChecks({ keys, keyed: true, onRejection: (r) => log.warn(r) })
 * const committed = new CommittedState({ signatures: checks, opener: checks.opener })
 * keys.attach(committed.public)
 * ```
 */
export class SealedItemChecks implements EntrySignatureCheck, BatchSignatureCheck {
  /** The opener of strong and folded batches; `null` on a keyless node. */
  readonly opener: CoreBatchOpener | null
  /** Rejected items by `<item>: <reason>`. */
  readonly rejections = new Map<string, number>()
  /** Batches not opened because this node lacks their epoch key. */
  missingKeyBatches = 0
  readonly #keys: SealingKeys
  readonly #control: ControlVerifier
  readonly #strong: Authenticator
  readonly #folded: Authenticator
  readonly #onRejection: ((rejection: SealingRejection) => void) | undefined

  constructor(options: SealedItemChecksOptions) {
    const { keys } = options
    const signatureCacheEntries = options.signatureCacheEntries ?? 64
    this.#keys = keys
    this.#onRejection = options.onRejection
    const provider = keys.cryptoProvider
    this.#control = new ControlVerifier({
      clusterId: keys.clusterId,
      cryptoProvider: provider,
      signatureCacheEntries,
    })
    const authenticator = (ring: PublicLayerKeyRing) =>
      options.keyed
        ? new BatchOpener({ keyRing: ring, cryptoProvider: provider, signatureCacheEntries })
        : new BatchVerifier({ keyRing: ring, cryptoProvider: provider, signatureCacheEntries })
    const strong = authenticator(keys.strongRing)
    const folded = authenticator(keys.foldedRing)
    this.#strong = strong
    this.#folded = folded
    this.opener =
      strong instanceof BatchOpener && folded instanceof BatchOpener ? this.#openerOf(strong, folded) : null
  }

  invalidControlReason(signer: WriterKey, signed: Uint8Array, signature: Uint8Array): string | null {
    const reason = this.#controlReason(signer, signed, signature)
    if (reason !== null) this.#reject('control', reason, signer)
    return reason
  }

  invalidStrongBatchReason(
    header: SealedStrongBatchHeader,
    signed: Uint8Array,
    signature: Uint8Array,
    sealed: Uint8Array,
  ): string | null {
    const verified = this.#verify(this.#strong, sealed)
    const reason =
      typeof verified === 'string'
        ? verified
        : !equalBytes(signed, encodeStrongBatchHeader(header))
          ? 'header not canonical'
          : this.#mismatch(verified, signed, header.key, header.epoch, signature, sealed)
    if (reason !== null) this.#reject('strong', reason, header.key)
    return reason
  }

  invalidBatchReason(stream: StreamId, batch: FoldedBatchHeader): string | null {
    const parsed = parseStreamId(stream)
    let reason: string | null
    if (parsed === null) reason = 'not a stream id'
    else {
      const verified = this.#verify(this.#folded, batch.sealed)
      reason =
        typeof verified === 'string'
          ? verified
          : this.#mismatch(
              verified,
              encodeEventualBatchHeader(stream, batch.sequence),
              parsed.key,
              batch.epoch,
              batch.signature,
              batch.sealed,
            )
    }
    if (reason !== null) this.#reject('eventual', reason, parsed?.key ?? 'unknown')
    return reason
  }

  #controlReason(signer: WriterKey, signed: Uint8Array, signature: Uint8Array): string | null {
    if (signature.length !== SIGNATURE_BYTES) return 'malformed signature'
    const signerBytes = hexToBytes(signer, 'base16')
    if (signerBytes.length !== PUBLIC_KEY_BYTES) return 'malformed signer'
    try {
      this.#control.verifyControl(controlEntryBytes(signerBytes, signed, signature))
      return null
    } catch (error) {
      if (error instanceof EnvelopeError) return error.code
      throw error
    }
  }

  /** The verified batch, or the envelope's error code. */
  #verify(authenticator: Authenticator, sealed: Uint8Array): VerifiedBatch | string {
    try {
      return authenticator.verifyBatch(sealed)
    } catch (error) {
      if (error instanceof EnvelopeError) return error.code
      throw error
    }
  }

  /** Why a verified batch is not the one the log item states, or `null`. */
  #mismatch(
    verified: VerifiedBatch,
    header: Uint8Array,
    key: WriterKey,
    epoch: number,
    signature: Uint8Array,
    sealed: Uint8Array,
  ): string | null {
    if (!equalBytes(verified.header, header)) return 'header mismatch'
    if (bytesToHex(verified.writer, 'base16') !== key) return 'writer mismatch'
    if (verified.epoch !== epoch) return 'epoch mismatch'
    const sealedSignature = trailingSignature(sealed)
    if (sealedSignature === null || !equalBytes(sealedSignature, signature)) return 'signature mismatch'
    return null
  }

  #reject(item: SealedItemKind, reason: string, writer: string): void {
    const label = `${item}: ${reason}`
    this.rejections.set(label, (this.rejections.get(label) ?? 0) + 1)
    this.#onRejection?.({ item, reason, writer })
  }

  #openerOf(strong: BatchOpener, folded: BatchOpener): CoreBatchOpener {
    return {
      openStrongBatch: (header, sealed) => {
        const opened = this.#open(strong, sealed, header.epoch, encodeStrongBatchHeader(header), header.key)
        return typeof opened === 'string' ? opened : reasonOf(() => decodeStrongPayload(opened))
      },
      openEventualBatch: (stream, batch) => {
        const parsed = parseStreamId(stream)
        if (parsed === null) return 'not a stream id'
        const header = encodeEventualBatchHeader(stream, batch.sequence)
        const opened = this.#open(folded, batch.sealed, batch.epoch, header, parsed.key)
        return typeof opened === 'string' ? opened : reasonOf((): Delta[] => decodeEventualPayload(opened))
      },
    }
  }

  /** The decrypted payload of a batch that must carry `header` by `key` in `epoch`, or a reason. */
  #open(
    opener: BatchOpener,
    sealed: Uint8Array,
    epoch: number,
    header: Uint8Array,
    key: WriterKey,
  ): Uint8Array | string {
    // Checked first: without the key the batch cannot be judged, and it must not look tampered.
    if (!this.#keys.hasEpochKey(epoch)) {
      this.missingKeyBatches++
      return missingEpochKeyReason(epoch)
    }
    try {
      const opened = opener.openBatch(sealed)
      if (!equalBytes(opened.header, header)) return 'header mismatch'
      if (bytesToHex(opened.writer, 'base16') !== key) return 'writer mismatch'
      if (opened.epoch !== epoch) return 'epoch mismatch'
      return opened.payload
    } catch (error) {
      if (error instanceof EnvelopeError) return error.code
      throw error
    }
  }
}

/** The decoded value, or why the bytes are malformed (the only error a payload decoder throws). */
function reasonOf<T>(decode: () => T): T | string {
  try {
    return decode()
  } catch (error) {
    if (error instanceof MalformedOperationError) return error.message
    throw error
  }
}
