/**
 * The node's key material for sealing (design.md, "Bootstrap and keys" and "Security model"): epoch
 * data keys, and writer standing read from C's public layer rather than from a list of its own. The
 * envelope checks a writer's standing through its key ring; here that ring is a view of C at the
 * index being applied, so the envelope and C can never disagree about who may write.
 */
import { type CryptoProvider, KeyRing, UnknownEpochError, type WriterStanding } from '@tandem/envelope'
import { toString as bytesToHex } from 'uint8arrays'
import type { WriterKey } from '../core/ids.js'
import type { PublicLayer } from '../core/public-layer.js'

/**
 * Which rule of standing a ring applies.
 * - `strong`: a strong batch applies only while its writer may write at this index — admitted, and
 *   neither removed nor revoked (C's `mayWriteAt`).
 * - `folded`: an eventual batch of an admitted key verifies; a removed or revoked key's batches are
 *   bounded by the stream cutoffs C recorded, which the public layer checks before the signature
 *   (batches at or below a cutoff were acknowledged before the key ended, and still fold).
 */
export type StandingRule = 'strong' | 'folded'

/**
 * A key ring whose writers and their standing are those of C's public layer at its applied index.
 *
 * @example
 * ```ts
 * const ring = new PublicLayerKeyRing({ clusterId, cryptoProvider: pureCryptoProvider, rule: 'strong' })
 * ring.attach(committed.public)
 * ring.writerStanding(publicKey, 1) // 'member' while the key may write at the applied index
 * ```
 */
export class PublicLayerKeyRing extends KeyRing {
  readonly rule: StandingRule
  #layer: PublicLayer | null = null

  constructor(options: { clusterId: Uint8Array; cryptoProvider: CryptoProvider; rule: StandingRule }) {
    super({ clusterId: options.clusterId, cryptoProvider: options.cryptoProvider })
    this.rule = options.rule
  }

  /** Binds the ring to the public layer it reads standing from (C is built after its checks). */
  attach(layer: PublicLayer): void {
    this.#layer = layer
  }

  /** Writers come from C's public layer alone: registering one here would bypass C. */
  override addWriter(_publicKey: Uint8Array): void {
    throw new TypeError("a PublicLayerKeyRing's writers are C's: admit them through the log")
  }

  /** Revocations come from C's public layer alone (`revoke` and `remove` entries). */
  override revokeWriter(_publicKey: Uint8Array, _point: { readonly fromEpoch: number }): void {
    throw new TypeError("a PublicLayerKeyRing's revocations are C's: revoke through the log")
  }

  /** Standing at the public layer's applied index: during apply, the index of the entry applying. */
  override writerStanding(publicKey: Uint8Array, _epoch: number): WriterStanding {
    const layer = this.#layer
    if (layer === null || publicKey.length !== 32) return 'unknown'
    const key = bytesToHex(publicKey, 'base16') as WriterKey
    const standing = layer.membership.standing(key)
    const index = layer.appliedIndex
    if (standing === undefined || standing.admittedAtIndex > index) return 'unknown'
    if (this.rule === 'strong' && !layer.membership.mayWriteAt(key, index)) return 'revoked'
    return 'member'
  }
}

/**
 * Epoch data keys and the standing rings of one node. A keyless node holds no epoch key and still
 * verifies everything public; a keyed node adds each epoch's secret as it unwraps it.
 *
 * @example
 * ```ts
 * const keys = new SealingKeys({ clusterId, cryptoProvider: nodeCryptoProvider })
 * keys.addEpochSecret(1, epochOneSecret)
 * keys.attach(committed.public)
 * keys.newestEpoch() // 1
 * ```
 */
export class SealingKeys {
  readonly clusterId: Uint8Array
  readonly cryptoProvider: CryptoProvider
  /** The ring strong batches verify, open and seal with. */
  readonly strongRing: PublicLayerKeyRing
  /** The ring folded eventual batches verify, open and seal with. */
  readonly foldedRing: PublicLayerKeyRing

  constructor(options: { readonly clusterId: Uint8Array; readonly cryptoProvider: CryptoProvider }) {
    this.clusterId = options.clusterId.slice()
    this.cryptoProvider = options.cryptoProvider
    const common = { clusterId: this.clusterId, cryptoProvider: options.cryptoProvider }
    this.strongRing = new PublicLayerKeyRing({ ...common, rule: 'strong' })
    this.foldedRing = new PublicLayerKeyRing({ ...common, rule: 'folded' })
  }

  /** Binds standing to C's public layer; call once C is built, before the first apply. */
  attach(layer: PublicLayer): void {
    this.strongRing.attach(layer)
    this.foldedRing.attach(layer)
  }

  /** Adds an epoch's cluster secret (at least 32 bytes); its data key is derived once. */
  addEpochSecret(epoch: number, secret: Uint8Array): void {
    this.strongRing.addEpoch(epoch, secret)
    this.foldedRing.addEpoch(epoch, secret)
  }

  /** Whether this node holds the data key of `epoch`. */
  hasEpochKey(epoch: number): boolean {
    return this.strongRing.hasDataKey(epoch)
  }

  /** The newest epoch this node holds a key for (the one it seals with), or `null`. */
  newestEpoch(): number | null {
    try {
      return this.strongRing.currentEpoch()
    } catch (error) {
      if (error instanceof UnknownEpochError) return null
      throw error
    }
  }
}
