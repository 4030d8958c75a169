/**
 * A keyed node's epoch secrets (design.md, "Bootstrap and keys"): it learns each one by unwrapping its
 * own row of C's wrap table with its identity key, and wraps the ones it holds to members that lack
 * them (`grant`). `init` draws epoch 1's secret here. The secrets live in memory only — never on disk
 * and never in a log entry except wrapped — so a restarted node learns them again from C as its log
 * replays.
 */
import type { CryptoRandom } from '@tandem/base'
import { writerPublicKey } from '@tandem/envelope'
import { toString as bytesToHex, fromString as hexToBytes } from 'uint8arrays'
import type { WriterKey } from '../core/ids.js'
import { EpochUnwrapError, MalformedOperationError } from '../errors.js'
import { EPOCH_SECRET_BYTES, unwrapEpochSecret, wrapEpochSecret } from './epoch-wrap.js'
import type { SealingKeys } from './keys.js'

/** Options of {@link EpochKeyHolder}. */
export interface EpochKeyHolderOptions {
  readonly keys: SealingKeys
  /** The node's 32-byte Ed25519 seed: its writer key, and the key its wraps open with. */
  readonly signingKey: Uint8Array
  /** CSPRNG for new epoch secrets and ephemeral wrap keys. */
  readonly random: CryptoRandom
}

/**
 * Holds a keyed node's epoch secrets and moves them through the wrap table.
 *
 * @example
 * ```ts
 * const holder = new EpochKeyHolder({ keys, signingKey, random })
 * const wrapped = holder.createFirstEpoch() // the wrap `init` carries
 * holder.learn(1, committed.public.wrapOf(1, holder.key)!) // after a restart: 'learned'
 * holder.wrapTo(1, joinerKey) // a grant's wrap, or null when this node does not hold epoch 1
 * ```
 */
export class EpochKeyHolder {
  /** The node's writer key (hex). */
  readonly key: WriterKey
  readonly #keys: SealingKeys
  readonly #seed: Uint8Array
  readonly #publicKey: Uint8Array
  readonly #random: CryptoRandom
  readonly #secrets = new Map<number, Uint8Array>()
  /** Wraps of this node's rows that did not open, by epoch (counted; never retried). */
  readonly failedUnwraps = new Map<number, number>()

  constructor(options: EpochKeyHolderOptions) {
    this.#keys = options.keys
    this.#seed = options.signingKey.slice()
    this.#publicKey = writerPublicKey(this.#seed)
    this.#random = options.random
    this.key = bytesToHex(this.#publicKey, 'base16') as WriterKey
  }

  /** Whether this node holds `epoch`'s secret. */
  holds(epoch: number): boolean {
    return this.#secrets.has(epoch)
  }

  /** The epochs this node holds, ascending. */
  epochs(): number[] {
    return [...this.#secrets.keys()].sort((a, b) => a - b)
  }

  /**
   * Draws epoch 1's secret for a new cluster and returns it wrapped to this node (what `init`
   * carries). The node holds it from now on; if `init` does not apply, nothing was sealed with it.
   */
  createFirstEpoch(): Uint8Array {
    // A retried `init` carries the same secret: the first attempt may have committed.
    const secret = this.#secrets.get(1) ?? this.#random(EPOCH_SECRET_BYTES)
    if (secret.length !== EPOCH_SECRET_BYTES) throw new RangeError('the random source returned too few bytes')
    this.#add(1, secret)
    return this.#wrap(1, secret, this.#publicKey)
  }

  /**
   * Learns `epoch` from this node's own row of the wrap table. `'learned'` the first time,
   * `'held'` when it had the secret already, `'refused'` when the wrap does not open (counted in
   * {@link failedUnwraps}; the node stays without that epoch).
   */
  learn(epoch: number, wrapped: Uint8Array): 'learned' | 'held' | 'refused' {
    if (this.#secrets.has(epoch)) return 'held'
    let secret: Uint8Array
    try {
      secret = unwrapEpochSecret(wrapped, this.#binding(epoch, this.#publicKey), this.#seed)
    } catch (error) {
      if (!(error instanceof EpochUnwrapError || error instanceof MalformedOperationError)) throw error
      this.failedUnwraps.set(epoch, (this.failedUnwraps.get(epoch) ?? 0) + 1)
      return 'refused'
    }
    this.#add(epoch, secret)
    return 'learned'
  }

  /** `epoch`'s secret wrapped to `recipient` (a grant), or `null` when this node does not hold it. */
  wrapTo(epoch: number, recipient: WriterKey): Uint8Array | null {
    const secret = this.#secrets.get(epoch)
    if (secret === undefined) return null
    const recipientBytes = hexToBytes(recipient, 'base16')
    return this.#wrap(epoch, secret, recipientBytes)
  }

  #add(epoch: number, secret: Uint8Array): void {
    this.#secrets.set(epoch, secret.slice())
    if (!this.#keys.hasEpochKey(epoch)) this.#keys.addEpochSecret(epoch, secret)
  }

  #wrap(epoch: number, secret: Uint8Array, recipient: Uint8Array): Uint8Array {
    return wrapEpochSecret(secret, this.#binding(epoch, recipient), this.#random)
  }

  #binding(epoch: number, recipient: Uint8Array) {
    return { clusterId: this.#keys.clusterId, epoch, recipient }
  }
}
