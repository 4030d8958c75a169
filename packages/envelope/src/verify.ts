import { EntryAuthenticator } from './authenticate.js'
import { TAG_BYTES } from './constants.js'
import type { EntryHeader } from './format/entry.js'
import type { PublicKeyRing } from './keyring.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'
import type { CryptoProvider } from './provider.js'
import { pureCryptoProvider } from './pure-provider.js'
import type { ReplayGuard } from './replay.js'

/**
 * Options of a verifier or an opener.
 *
 * @example
 * ```ts
 * const options: VerifierOptions = { keyRing: replicaRing, limits: { payloadBytesMax: 65_536 } }
 * ```
 */
export interface VerifierOptions {
  /** Writers' public keys and revocations. A zero-knowledge replica's ring holds no data key. */
  readonly keyRing: PublicKeyRing
  /** When given, entries must arrive in increasing sequence per (writer, stream), and are recorded. */
  readonly replayGuard?: ReplayGuard
  readonly limits?: Partial<EnvelopeLimits>
  /** How many recently verified batch signatures to remember (default 16; 0 disables). */
  readonly signatureCacheEntries?: number
  /** The cryptography to verify with; `pureCryptoProvider` by default (`nodeCryptoProvider` on Node). */
  readonly cryptoProvider?: CryptoProvider
}

/**
 * The public facts of an authenticated entry. `writer` is a view into the envelope.
 *
 * @example
 * ```ts
 * const { writer, sequence, epoch }: VerifiedEntry = verifier.verify(stream, envelope)
 * ```
 */
export interface VerifiedEntry {
  readonly writer: Uint8Array
  readonly epoch: number
  readonly sequence: number
  readonly leafIndex: number
  readonly batchSize: number
  readonly payloadBytes: number
}

export function verifiedEntryOf(header: EntryHeader): VerifiedEntry {
  return {
    writer: header.writer,
    epoch: header.epoch,
    sequence: header.sequence,
    leafIndex: header.leafIndex,
    batchSize: header.batchSize,
    payloadBytes: header.ciphertextBytes - TAG_BYTES,
  }
}

/**
 * Zero-knowledge verification: proves sealed entries genuine — registered, unrevoked writer and
 * epoch, intact bytes, right cluster and stream, signed batch, fresh sequence — using only
 * writers' public keys. A replica that stores, replicates and serves entries it cannot read uses
 * this and never holds a data key.
 *
 * @example
 * ```ts
 * const verifier = new Verifier({ keyRing: replicaRing, replayGuard: new ReplayGuard() })
 * const info = verifier.verify(stream, envelope) // one entry, alone
 * const all = verifier.verifyBatch(stream, envelopes) // a whole batch, one signature check
 * ```
 */
export class Verifier {
  readonly #authenticator: EntryAuthenticator
  readonly #replayGuard: ReplayGuard | undefined

  constructor(options: VerifierOptions) {
    this.#authenticator = new EntryAuthenticator(
      options.keyRing,
      resolveLimits(options.limits),
      options.signatureCacheEntries ?? 16,
      options.cryptoProvider ?? pureCryptoProvider,
    )
    this.#replayGuard = options.replayGuard
  }

  /** Verifies one entry on its own (its inclusion proof and its batch's signature). */
  verify(streamId: Uint8Array, envelope: Uint8Array): VerifiedEntry {
    const authenticator = this.#authenticator
    const header = authenticator.entry(authenticator.context(streamId), envelope)
    const guard = this.#replayGuard
    if (guard !== undefined) guard.record(header.writer, streamId, header.sequence)
    return verifiedEntryOf(header)
  }

  /** Verifies a whole batch (all its entries, in leaf order) with a single signature check. */
  verifyBatch(streamId: Uint8Array, envelopes: readonly Uint8Array[]): VerifiedEntry[] {
    const authenticator = this.#authenticator
    const headers = authenticator.batch(authenticator.context(streamId), envelopes)
    const guard = this.#replayGuard
    if (guard !== undefined) {
      authenticator.checkReplay(guard, streamId, headers)
      const last = headers[headers.length - 1] as EntryHeader
      guard.record(last.writer, streamId, last.sequence)
    }
    return headers.map(verifiedEntryOf)
  }
}
