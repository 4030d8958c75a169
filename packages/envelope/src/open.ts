import { EntryAuthenticator } from './authenticate.js'
import { TAG_BYTES } from './constants.js'
import { DataViewCache } from './data-view-cache.js'
import { TamperedEntryError } from './errors.js'
import { ENTRY_HEADER_BYTES, type EntryHeader } from './format/entry.js'
import { epochDataKey, type KeyRing } from './keyring.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'
import type { AeadCipher, CryptoProvider } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'
import type { ReplayGuard } from './replay.js'
import type { VerifiedEntry } from './verify.js'

/**
 * Options of an opener.
 *
 * @example
 * ```ts
 * const options: OpenerOptions = { keyRing: ring, signatureCacheEntries: 32 }
 * ```
 */
export interface OpenerOptions {
  /** Key ring with the data keys of the epochs to read, and the writers' public keys. */
  readonly keyRing: KeyRing
  /** When given, entries must arrive in increasing sequence per (writer, stream), and are recorded. */
  readonly replayGuard?: ReplayGuard
  readonly limits?: Partial<EnvelopeLimits>
  /** How many recently verified batch signatures to remember (default 16; 0 disables). */
  readonly signatureCacheEntries?: number
  /** The cryptography to open with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * An opened entry: its public facts and its plaintext.
 *
 * @example
 * ```ts
 * const { payload }: OpenedEntry = opener.open(stream, envelope)
 * ```
 */
export interface OpenedEntry extends VerifiedEntry {
  readonly payload: Uint8Array
}

function openedEntryOf(header: EntryHeader, payload: Uint8Array): OpenedEntry {
  return {
    writer: header.writer,
    epoch: header.epoch,
    sequence: header.sequence,
    leafIndex: header.leafIndex,
    batchSize: header.batchSize,
    payloadBytes: payload.length,
    payload,
  }
}

/**
 * Opens sealed entries: authenticates each exactly as `Verifier` does, then decrypts it with its
 * epoch's data key. Nothing is recorded in the replay guard unless the entry fully opened.
 *
 * @example
 * ```ts
 * const opener = new Opener({ keyRing: ring, replayGuard: new ReplayGuard() })
 * const { payload, sequence } = opener.open(stream, envelope)
 * const batch = opener.openBatch(stream, envelopes)
 * ```
 */
export class Opener {
  readonly #keyRing: KeyRing
  readonly #authenticator: EntryAuthenticator
  readonly #replayGuard: ReplayGuard | undefined
  readonly #aead: AeadCipher
  readonly #views = new DataViewCache()

  constructor(options: OpenerOptions) {
    const provider = options.cryptoProvider ?? pureCryptoProvider
    this.#keyRing = options.keyRing
    this.#aead = provider.xchacha20poly1305
    this.#authenticator = new EntryAuthenticator(
      options.keyRing,
      resolveLimits(options.limits),
      options.signatureCacheEntries ?? 16,
      provider,
    )
    this.#replayGuard = options.replayGuard
  }

  /** Opens one entry on its own (proof, signature, replay order, then decryption). */
  open(streamId: Uint8Array, envelope: Uint8Array): OpenedEntry {
    const authenticator = this.#authenticator
    const context = authenticator.context(streamId)
    const header = authenticator.entry(context, envelope)
    const guard = this.#replayGuard
    if (guard !== undefined) guard.check(header.writer, streamId, header.sequence)
    const payload = new Uint8Array(header.ciphertextBytes - TAG_BYTES)
    this.#decrypt(
      envelope,
      header,
      payload,
      epochDataKey(this.#keyRing, header.epoch),
      context.associatedData(envelope),
    )
    if (guard !== undefined) guard.record(header.writer, streamId, header.sequence)
    return openedEntryOf(header, payload)
  }

  /**
   * Opens a whole batch (all its entries, in leaf order) with a single signature check. The
   * payloads are adjacent views into one buffer allocated for the batch.
   */
  openBatch(streamId: Uint8Array, envelopes: readonly Uint8Array[]): OpenedEntry[] {
    const authenticator = this.#authenticator
    const context = authenticator.context(streamId)
    const headers = authenticator.batch(context, envelopes)
    const guard = this.#replayGuard
    if (guard !== undefined) authenticator.checkReplay(guard, streamId, headers)
    const opened: OpenedEntry[] = new Array(headers.length)
    // One allocation for all the plaintexts of the batch: the payloads are adjacent views into it.
    let batchBytes = 0
    for (const header of headers) batchBytes += header.ciphertextBytes - TAG_BYTES
    const batchBuffer = new ArrayBuffer(batchBytes)
    let batchOffset = 0
    // The entries of a batch share their epoch (checked by the authenticator): one key look-up.
    const key = epochDataKey(this.#keyRing, (headers[0] as EntryHeader).epoch)
    for (let index = 0; index < headers.length; index++) {
      const header = headers[index] as EntryHeader
      const payloadBytes = header.ciphertextBytes - TAG_BYTES
      const payload = new Uint8Array(batchBuffer, batchOffset, payloadBytes)
      batchOffset += payloadBytes
      const envelope = envelopes[index] as Uint8Array
      const associatedData = context.associatedDataAt(this.#views.of(envelope), envelope.byteOffset)
      this.#decrypt(envelope, header, payload, key, associatedData)
      opened[index] = openedEntryOf(header, payload)
    }
    if (guard !== undefined) {
      const last = headers[headers.length - 1] as EntryHeader
      guard.record(last.writer, streamId, last.sequence)
    }
    return opened
  }

  /** Decrypts the entry's ciphertext into `payload` (exactly its plaintext length). */
  #decrypt(
    envelope: Uint8Array,
    header: EntryHeader,
    payload: Uint8Array,
    key: Uint8Array,
    associatedData: Uint8Array,
  ): void {
    const opened = this.#aead.decrypt(
      key,
      header.nonce,
      associatedData,
      envelope.subarray(ENTRY_HEADER_BYTES, header.signatureOffset),
      payload,
    )
    if (!opened) {
      // Reached only if the writer itself sealed bytes that do not decrypt: the signature held.
      throw new TamperedEntryError(`entry ${header.sequence} does not decrypt under epoch ${header.epoch}`)
    }
  }
}
