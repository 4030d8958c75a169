/**
 * Folding eventual batches into the Raft log (design.md, "Folding into the Raft log"). A fold entry
 * carries runs of batches, each contiguous in one writer's delta stream. Apply takes the runs in
 * order, and for each:
 *
 * - skips every batch at or below the stream's folded high-water h (folding twice is harmless);
 * - ignores the whole run (counted) if its first remaining sequence is not h + 1 — a run that does
 *   not start where the stream left off would leave a gap;
 * - stops at the first batch whose epoch C does not know, or that fails public verification
 *   (signature, order, an admitted key, at or below any cutoff): h stays at the last batch applied.
 *
 * h advances over every batch that passes public verification, whether or not its content takes
 * effect in the data layer, so h is identical on keyed and keyless nodes.
 */
import { assert } from '@tandem/base'
import type { StreamId } from './ids.js'

/** One batch of a fold run, as the public layer sees it. */
export interface FoldBatch {
  readonly sequence: number
  readonly epoch: number
}

/** A run of batches of one stream, in sequence order. */
export interface FoldRun<Batch extends FoldBatch> {
  readonly stream: StreamId
  readonly batches: readonly Batch[]
}

/** Why a batch stops a run. */
export type FoldStop = 'unknown-epoch' | 'unverified'

/** What folding one run did. */
export interface FoldRunOutcome<Batch extends FoldBatch> {
  /** The batches that passed and advanced h, in order: the data layer decides what they do. */
  readonly applied: readonly Batch[]
  /** Batches at or below h before the run (duplicates of earlier folds). */
  readonly skipped: number
  /** The run did not start at h + 1 and was ignored. */
  readonly ignored: boolean
  /** Why the run stopped before its end, if it did. */
  readonly stoppedBy: FoldStop | null
  /** h after the run. */
  readonly highWater: number
}

/** The hooks fold apply asks of the public layer. */
export interface FoldChecks<Batch extends FoldBatch> {
  /** Whether C knows the epoch a batch was sealed in. */
  knowsEpoch(epoch: number): boolean
  /** Public verification of one batch; a reason, or `null` when it passes. */
  invalidReason(stream: StreamId, batch: Batch): string | null
}

/** The folded high-water of every stream: part of C's public layer. */
export class StreamHighWaters {
  readonly #highWaters = new Map<StreamId, number>()

  /** h of a stream (0 for a stream never folded). */
  highWater(stream: StreamId): number {
    return this.#highWaters.get(stream) ?? 0
  }

  /** Every stream with h > 0, sorted by id (the order snapshots and digests use). */
  entries(): [StreamId, number][] {
    return [...this.#highWaters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Applies one fold run. */
  applyRun<Batch extends FoldBatch>(run: FoldRun<Batch>, checks: FoldChecks<Batch>): FoldRunOutcome<Batch> {
    let highWater = this.highWater(run.stream)
    let index = 0
    while (index < run.batches.length && (run.batches[index] as Batch).sequence <= highWater) index++
    const skipped = index
    if (index === run.batches.length)
      return { applied: [], skipped, ignored: false, stoppedBy: null, highWater }
    if ((run.batches[index] as Batch).sequence !== highWater + 1) {
      return { applied: [], skipped, ignored: true, stoppedBy: null, highWater }
    }
    const applied: Batch[] = []
    let stoppedBy: FoldStop | null = null
    for (; index < run.batches.length; index++) {
      const batch = run.batches[index] as Batch
      if (batch.sequence !== highWater + 1) {
        // A run is contiguous by construction; a gap inside it is a malformed entry: stop there.
        stoppedBy = 'unverified'
        break
      }
      if (!checks.knowsEpoch(batch.epoch)) {
        stoppedBy = 'unknown-epoch'
        break
      }
      if (checks.invalidReason(run.stream, batch) !== null) {
        stoppedBy = 'unverified'
        break
      }
      highWater = batch.sequence
      applied.push(batch)
    }
    if (applied.length > 0) this.#highWaters.set(run.stream, highWater)
    assert(this.highWater(run.stream) === highWater, 'applyRun: h recorded as computed')
    return { applied, skipped, ignored: false, stoppedBy, highWater }
  }

  /** Restores the layer from a snapshot's public header. */
  restore(entries: Iterable<readonly [StreamId, number]>): void {
    this.#highWaters.clear()
    for (const [stream, highWater] of entries) this.#highWaters.set(stream, highWater)
  }
}
