/**
 * The composition core's `DeltaLog` on a {@link DeltaStreamStore}: what makes a `NodeCore`'s
 * eventual writes survive a crash. The core numbers its own stream's batches; the store hands out
 * the same numbers (both start at 1 on a new stream and count every append), and the adapter
 * checks that they agree before a byte is written.
 */
import { assert } from '@tandem/base'
import type { DeltaLog, StoredBatch } from '../compose/delta-log.js'
import type { FoldedBatchHeader } from '../core/control.js'
import type { StreamId } from '../core/ids.js'
import type { DeltaStreamStore } from './delta-stream-store.js'
import { decodeStoredBatch, encodeStoredBatch } from './stored-batch-codec.js'

/** Bytes read per call while loading a stream back. */
const LOAD_CHUNK_BYTES = 4 * 1024 * 1024

/**
 * A durable `DeltaLog`: `append` resolves once the batch is fsynced in the store's own stream
 * (moved to the next one at a dot rollover); `load` returns every batch the store holds, each
 * stream in order.
 *
 * @example
 * ```ts
 * const store = await DeltaStreamStore.open({ device, ownStream: streamId(key, incarnation, 0), eventualBacklogBytesMax })
 * const core = new NodeCore({ ...options, incarnation, deltaLog: new WalDeltaLog(store) })
 * ```
 */
export class WalDeltaLog implements DeltaLog {
  readonly #store: DeltaStreamStore

  constructor(store: DeltaStreamStore) {
    this.#store = store
  }

  /**
   * Appends to the store's own stream. The first batch of the next dot rollover (`n + 1`, whose
   * sequence is 1) first moves the store's own stream there; the core appends one batch at a time,
   * so every batch of stream n was handed to the store before the move.
   */
  async append(stream: StreamId, batch: FoldedBatchHeader): Promise<void> {
    if (stream !== this.#store.ownStream) {
      assert(batch.sequence === 1, 'WalDeltaLog: a new own stream starts at sequence 1')
      // startOwnStream refuses anything but n + 1 of the own stream's key and incarnation.
      await this.#store.startOwnStream(stream)
    }
    assert(stream === this.#store.ownStream, 'WalDeltaLog: append to a stream other than the own one')
    const bytes = encodeStoredBatch(batch)
    const sequence = await this.#store.appendOwn((next) => {
      assert(
        next === batch.sequence,
        `WalDeltaLog: the core sealed ${batch.sequence}, the store is at ${next}`,
      )
      return bytes
    })
    assert(sequence === batch.sequence, 'WalDeltaLog: acknowledged another sequence')
  }

  async load(): Promise<readonly StoredBatch[]> {
    const loaded: StoredBatch[] = []
    for (const { stream, firstHeld, heldThrough } of this.#store.streams()) {
      let next = firstHeld
      while (next <= heldThrough) {
        const batches = await this.#store.read(stream, next, LOAD_CHUNK_BYTES)
        if (batches.length === 0) break
        for (const { sequence, bytes } of batches) {
          loaded.push({ stream, batch: decodeStoredBatch(stream, sequence, bytes) })
          next = sequence + 1
        }
      }
    }
    return loaded
  }
}
