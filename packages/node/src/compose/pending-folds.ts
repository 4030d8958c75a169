/**
 * The durable eventual batches a node holds that C has not folded yet, kept for folding (design.md,
 * "Folding into the Raft log"): per stream, by sequence. A leader builds each fold from them — runs
 * contiguous per stream, each starting at the stream's folded high-water h + 1, up to
 * `foldBytesMax` in all — and batches at or below h are dropped as C folds them. (The local view V
 * over the same batches is `LocalView`'s; this set only feeds folds.)
 */
import type { FoldedBatchHeader } from '../core/control.js'
import type { StreamId } from '../core/ids.js'

/** One fold's runs. */
export type FoldRuns = { readonly stream: StreamId; readonly batches: readonly FoldedBatchHeader[] }[]

/** Pending batches by stream. */
export class PendingFolds {
  readonly #streams = new Map<StreamId, Map<number, FoldedBatchHeader>>()
  #bytes = 0

  /** Bytes of sealed batches held. */
  get bytes(): number {
    return this.#bytes
  }

  /** Batches held. */
  get count(): number {
    let count = 0
    for (const batches of this.#streams.values()) count += batches.size
    return count
  }

  /** Adds a durable batch; `false` when it was held already. */
  add(stream: StreamId, batch: FoldedBatchHeader): boolean {
    let batches = this.#streams.get(stream)
    if (batches === undefined) {
      batches = new Map()
      this.#streams.set(stream, batches)
    }
    if (batches.has(batch.sequence)) return false
    batches.set(batch.sequence, batch)
    this.#bytes += batch.sealed.length
    return true
  }

  /** Every held batch of every stream, sorted by stream then sequence (pushes). */
  entries(): { readonly stream: StreamId; readonly batch: FoldedBatchHeader }[] {
    const out: { stream: StreamId; batch: FoldedBatchHeader }[] = []
    for (const stream of [...this.#streams.keys()].sort()) {
      const batches = this.#streams.get(stream)
      if (batches === undefined) continue
      for (const sequence of [...batches.keys()].sort((a, b) => a - b))
        out.push({ stream, batch: batches.get(sequence) as FoldedBatchHeader })
    }
    return out
  }

  /** Drops every batch at or below its stream's folded high-water. */
  prune(highWater: (stream: StreamId) => number): void {
    for (const [stream, batches] of this.#streams) {
      const h = highWater(stream)
      for (const [sequence, batch] of batches) {
        if (sequence > h) continue
        batches.delete(sequence)
        this.#bytes -= batch.sealed.length
      }
      if (batches.size === 0) this.#streams.delete(stream)
    }
  }

  /**
   * The next fold: per stream (sorted), the batches held contiguously from h + 1, while the total
   * stays within `bytesMax` (a first batch larger than the bound still goes alone, or nothing could
   * ever fold it). Empty when nothing is foldable.
   */
  nextFold(highWater: (stream: StreamId) => number, bytesMax: number): FoldRuns {
    const runs: { stream: StreamId; batches: FoldedBatchHeader[] }[] = []
    let total = 0
    for (const stream of [...this.#streams.keys()].sort()) {
      const batches = this.#streams.get(stream)
      if (batches === undefined) continue
      const run: FoldedBatchHeader[] = []
      for (let sequence = highWater(stream) + 1; ; sequence++) {
        const batch = batches.get(sequence)
        if (batch === undefined) break
        if (total + batch.sealed.length > bytesMax && total > 0) break
        total += batch.sealed.length
        run.push(batch)
      }
      if (run.length > 0) runs.push({ stream, batches: run })
      if (total >= bytesMax) break
    }
    return runs
  }
}
