/**
 * Epoch keys through C's wrap table, for one node (design.md, "Bootstrap and keys"): `init` carries
 * epoch 1 wrapped to the founder; a node learns each epoch by unwrapping its own row as the entries
 * apply; a keyed node that holds an epoch proposes a `grant` for every standing keyed member the
 * table shows without it. The leader grants at once; any other keyed holder after the gap persisted
 * a while (a keyless leader never grants), and concurrent grants are harmless: C keeps the first.
 *
 * Under the null envelope nothing is encrypted: a node "holds" an epoch when C has its row, and
 * wraps are {@link NULL_EPOCH_WRAP}, so the table and its rules run the same way.
 */
import { NULL_EPOCH_WRAP } from '../codec/null-envelope.js'
import type { ControlOperation } from '../core/control.js'
import type { WriterKey } from '../core/ids.js'
import type { PublicLayer } from '../core/public-layer.js'
import type { EpochKeyHolder } from '../sealing/epoch-keys.js'

/** What {@link EpochGrants} needs of its node. */
export interface EpochGrantsHost {
  /** The node's writer key. */
  readonly key: WriterKey
  /** C's public layer in force (a restored snapshot replaces it). */
  publicLayer(): PublicLayer
  /** Whether the node leads. */
  leading(): boolean
  /** Signs the operations and proposes them as one entry. */
  propose(operations: readonly ControlOperation[]): Promise<unknown>
  /** Counts a proposal that ended in an error. */
  failed(kind: string, error: unknown): void
}

/** Grant ticks a non-leader waits with a gap before granting itself (the leader grants at once). */
const FOLLOWER_GRANT_TICKS = 20
/** Grants proposed in one entry at most. */
const GRANTS_PER_ENTRY_MAX = 16

/**
 * One node's side of the wrap table.
 *
 * @example
 * ```ts
 * const grants = new EpochGrants(host, sealing.epochKeys)
 * const init = { kind: 'init', member, key, wrapped: grants.firstEpochWrap() }
 * // after each applied entry:
 * if (grants.learn()) applier.resumeData()
 * // on the node's periodic tick:
 * grants.tick()
 * ```
 */
export class EpochGrants {
  readonly #host: EpochGrantsHost
  /** The keyed node's secrets; `null` under the null envelope (and on a keyless node: it grants nothing). */
  readonly #holder: EpochKeyHolder | null
  readonly #nullEnvelope: boolean
  #seenWrapCount = -1
  #inFlight = false
  #gapTicks = 0

  constructor(
    host: EpochGrantsHost,
    holder: EpochKeyHolder | null,
    options: { readonly nullEnvelope: boolean },
  ) {
    this.#host = host
    this.#holder = holder
    this.#nullEnvelope = options.nullEnvelope
  }

  /** Whether this node can hold epoch keys at all (keyed sealing, or the null envelope). */
  get keyed(): boolean {
    return this.#holder !== null || this.#nullEnvelope
  }

  /** Epoch 1's wrap to this node, for `init` (draws epoch 1's secret once). */
  firstEpochWrap(): Uint8Array {
    if (this.#holder === null) {
      if (this.#nullEnvelope) return NULL_EPOCH_WRAP
      throw new RangeError('a keyless node cannot found a cluster: it holds no epoch key')
    }
    return this.#holder.createFirstEpoch()
  }

  /** Whether this node holds `epoch`. */
  holds(epoch: number): boolean {
    if (this.#holder !== null) return this.#holder.holds(epoch)
    return this.#nullEnvelope && this.#host.publicLayer().wrapOf(epoch, this.#host.key) !== undefined
  }

  /**
   * Learns the epochs of this node's rows that C recorded since the last call. Returns whether it
   * learnt one (the data layer may resume, held batches may open).
   */
  learn(): boolean {
    const layer = this.#host.publicLayer()
    if (layer.wrapCount === this.#seenWrapCount) return false
    this.#seenWrapCount = layer.wrapCount
    const holder = this.#holder
    if (holder === null) return this.#nullEnvelope
    let learnt = false
    for (const epoch of layer.epochs()) {
      const wrapped = layer.wrapOf(epoch, this.#host.key)
      if (wrapped !== undefined && holder.learn(epoch, wrapped) === 'learned') learnt = true
    }
    return learnt
  }

  /** Forgets what was learnt from C (a restored snapshot replaced it): the next `learn` reads all. */
  reset(): void {
    this.#seenWrapCount = -1
  }

  /** Proposes grants for the gaps C shows, if this node holds the epochs (one entry in flight). */
  tick(): void {
    if (!this.keyed || this.#inFlight) return
    const layer = this.#host.publicLayer()
    if (!layer.membership.mayWriteAt(this.#host.key, layer.appliedIndex + 1)) return
    const grants: ControlOperation[] = []
    for (const epoch of layer.epochs()) {
      if (!this.holds(epoch) || layer.wrapOf(epoch, this.#host.key) === undefined) continue
      for (const recipient of layer.keysLackingWrap(epoch)) {
        if (grants.length >= GRANTS_PER_ENTRY_MAX) break
        const wrapped = this.#wrapTo(epoch, recipient)
        if (wrapped !== null) grants.push({ kind: 'grant', epoch, recipient, wrapped })
      }
    }
    if (grants.length === 0) {
      this.#gapTicks = 0
      return
    }
    this.#gapTicks++
    if (!this.#host.leading() && this.#gapTicks < FOLLOWER_GRANT_TICKS) return
    this.#inFlight = true
    this.#host
      .propose(grants)
      .catch((error: unknown) => this.#host.failed('grant', error))
      .finally(() => {
        this.#inFlight = false
      })
  }

  #wrapTo(epoch: number, recipient: WriterKey): Uint8Array | null {
    if (this.#holder !== null) return this.#holder.wrapTo(epoch, recipient)
    return NULL_EPOCH_WRAP
  }
}
