/**
 * The writer side of sealing (design.md, "Batches and the two layers of C"): a node signs its control
 * entries, and seals each strong proposal batch and each eventual group commit as one sealed batch
 * whose signed plaintext header is what every node — keyless ones included — reads and checks. The
 * log items it returns are those the log-entry format and the fold operation carry, and exactly what
 * {@link SealedItemChecks} accepts.
 */

import type { CryptoRandom } from '@tandem/base'
import type { Delta } from '@tandem/crdt'
import {
  BatchSealer,
  ControlSigner,
  type SealedSnapshot,
  sealSnapshot,
  UnknownEpochError,
} from '@tandem/envelope'
import { toString as bytesToHex } from 'uint8arrays'
import { encodeControlOperation } from '../codec/control-codec.js'
import { encodeEventualPayload } from '../codec/eventual-payload.js'
import { encodeStrongBatchHeader } from '../codec/log-entry.js'
import { encodeStrongPayload } from '../codec/strong-payload.js'
import type { ControlOperation, FoldedBatchHeader } from '../core/control.js'
import type { StrongBatchPayload } from '../core/data-operations.js'
import type { Incarnation, StreamId, WriterKey } from '../core/ids.js'
import type { LogItem, SealedStrongBatchHeader } from '../core/log-items.js'
import { encodeEventualBatchHeader, trailingSignature } from './batch-headers.js'
import type { SealingKeys } from './keys.js'

/** Options of {@link SealingWriter}. */
export interface SealingWriterOptions {
  readonly keys: SealingKeys
  /** The node's 32-byte Ed25519 seed: its libp2p identity and its writer key. */
  readonly signingKey: Uint8Array
  /** CSPRNG for nonces; the provider's by default. */
  readonly random?: CryptoRandom
}

/** A strong batch's session fields: the writer's key and the epoch are the sealer's own. */
export interface StrongSession {
  readonly incarnation: Incarnation
  readonly sequence: number
  readonly floor: number
}

/**
 * Signs control entries and seals strong and eventual batches for one writer key.
 *
 * @example
 * ```ts
 * const writer = new SealingWriter({ keys, signingKey })
 * const open = writer.signControl({ kind: 'open', incarnation, expected: null })
 * const strong = writer.sealStrongBatch({ incarnation, sequence: 1, floor: 1 }, payload)
 * const batch = writer.sealEventualBatch(stream, 1, deltas) // a FoldedBatchHeader for a fold run
 * ```
 */
export class SealingWriter {
  /** The writer's key (hex), as every item it signs names it. */
  readonly key: WriterKey
  readonly #keys: SealingKeys
  readonly #control: ControlSigner
  readonly #sealer: BatchSealer
  readonly #signingKey: Uint8Array
  readonly #random: CryptoRandom | undefined

  constructor(options: SealingWriterOptions) {
    const { keys } = options
    this.#keys = keys
    this.#signingKey = options.signingKey.slice()
    this.#random = options.random
    const common = { signingKey: options.signingKey, cryptoProvider: keys.cryptoProvider }
    this.#control = new ControlSigner({ clusterId: keys.clusterId, ...common })
    // Strong and folded rings hold the same epoch keys; sealing reads only keys and the cluster id.
    this.#sealer = new BatchSealer({
      keyRing: keys.strongRing,
      ...common,
      ...(options.random === undefined ? {} : { random: options.random }),
    })
    this.key = bytesToHex(this.#control.publicKey, 'base16') as WriterKey
  }

  /** Signs a control operation: the log item carries the operation, this key and the signature. */
  signControl(operation: ControlOperation): LogItem {
    const entry = this.#control.signControl(encodeControlOperation(operation))
    return { kind: 'control', signer: this.key, operation, signature: signatureOf(entry) }
  }

  /**
   * Seals a strong batch in the newest epoch this node holds (or `epoch`). Throws
   * `UnknownEpochError` when the node holds no key for it.
   */
  sealStrongBatch(session: StrongSession, payload: StrongBatchPayload, epoch?: number): LogItem {
    const header: SealedStrongBatchHeader = { key: this.key, ...session, epoch: this.#epoch(epoch) }
    const sealed = this.#sealer.sealBatch(encodeStrongBatchHeader(header), encodeStrongPayload(payload), {
      epoch: header.epoch,
    })
    return { kind: 'strong', header, signature: signatureOf(sealed), sealed }
  }

  /**
   * Seals one eventual group commit of `stream` (one of this key's streams) at `sequence`, in the
   * newest epoch this node holds (or `epoch`).
   */
  sealEventualBatch(
    stream: StreamId,
    sequence: number,
    deltas: readonly Delta[],
    epoch?: number,
  ): FoldedBatchHeader {
    const sealedIn = this.#epoch(epoch)
    const sealed = this.#sealer.sealBatch(
      encodeEventualBatchHeader(stream, sequence),
      encodeEventualPayload(deltas),
      { epoch: sealedIn },
    )
    return { sequence, epoch: sealedIn, sealed, signature: signatureOf(sealed) }
  }

  /**
   * Seals a snapshot's plaintext (NodeCore's Raft snapshots) in the newest epoch this node holds:
   * a manifest signed by this key and the encrypted chunks it lists (`sealSnapshot` of
   * @tandem/envelope), bound to `streamId`, `index` and `term`. Throws `UnknownEpochError` without an
   * epoch key.
   */
  sealSnapshot(snapshot: {
    readonly streamId: Uint8Array
    readonly index: number
    readonly term: number
    readonly data: Uint8Array
    readonly chunkBytes: number
  }): SealedSnapshot {
    return sealSnapshot({
      keyRing: this.#keys.strongRing,
      signingKey: this.#signingKey,
      cryptoProvider: this.#keys.cryptoProvider,
      epoch: this.#epoch(undefined),
      ...snapshot,
      ...(this.#random === undefined ? {} : { random: this.#random }),
    })
  }

  #epoch(epoch: number | undefined): number {
    const chosen = epoch ?? this.#keys.newestEpoch()
    if (chosen === null) throw new UnknownEpochError('this node holds no epoch key')
    return chosen
  }
}

function signatureOf(bytes: Uint8Array): Uint8Array {
  const signature = trailingSignature(bytes)
  if (signature === null) throw new RangeError('sealed bytes shorter than a signature')
  return signature
}
