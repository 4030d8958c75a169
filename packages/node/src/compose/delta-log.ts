/**
 * The durable log of a node's eventual batches (design.md, "Eventual writes: sealed delta streams"):
 * injected, so the core runs over the WAL in Node and over a crashable store in the simulator. An
 * eventual write is acknowledged only after `append` resolves — the batch is then durable — and no
 * batch leaves the node (push, fold) before that.
 */
import type { FoldedBatchHeader } from '../core/control.js'
import type { StreamId } from '../core/ids.js'

/** One durable batch of a delta stream, as the log returns it at start. */
export interface StoredBatch {
  readonly stream: StreamId
  readonly batch: FoldedBatchHeader
}

/** The node's durable delta log. */
export interface DeltaLog {
  /** Appends a batch; resolves once it is durable (rejects if it could not be made durable). */
  append(stream: StreamId, batch: FoldedBatchHeader): Promise<void>
  /** Every durable batch, in append order (a restart's pending set is rebuilt from it). */
  load(): Promise<readonly StoredBatch[]>
}

/**
 * A delta log held in memory: durable for as long as the object lives (tests; a simulator store
 * wraps the same contract with crashes).
 *
 * @example
 * ```ts
 * const log = new MemoryDeltaLog()
 * const core = new NodeCore({ ...options, deltaLog: log })
 * ```
 */
export class MemoryDeltaLog implements DeltaLog {
  readonly #batches: StoredBatch[] = []

  async append(stream: StreamId, batch: FoldedBatchHeader): Promise<void> {
    this.#batches.push({ stream, batch })
  }

  async load(): Promise<readonly StoredBatch[]> {
    return [...this.#batches]
  }

  /** Batches held. */
  get length(): number {
    return this.#batches.length
  }
}
