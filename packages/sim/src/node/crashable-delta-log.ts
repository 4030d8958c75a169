/**
 * A node's delta log on a simulated disk: an append becomes durable after a drawn write latency, in
 * order, and a crash loses every append not yet durable (its promise never settles: the incarnation
 * that waited is gone). What is durable survives every incarnation, so a restarted node recovers its
 * unfolded eventual batches from it — the property the node mode checks (no acknowledged eventual
 * write lost).
 */
import type { SeededRandom } from '@tandem/base'
import type { DeltaLog, FoldedBatchHeader, StoredBatch, StreamId } from '@tandem/node/core'
import type { Scheduler } from '../world/scheduler.js'

/** The durable image of one node's delta log, and the incarnation writing to it. */
export class CrashableDeltaLog {
  private readonly durable: StoredBatch[] = []
  private generation = 0
  /** Virtual time at which the last accepted append becomes durable (appends stay in order). */
  private lastDurableAtMs = 0

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: SeededRandom,
    private readonly latency: { readonly minMs: number; readonly meanMs: number },
  ) {}

  /** The log as one incarnation sees it. */
  open(): DeltaLog {
    const generation = this.generation
    return {
      append: (stream: StreamId, batch: FoldedBatchHeader) =>
        new Promise<void>((resolve) => {
          const excess = -Math.log(1 - this.random.nextFloat()) * (this.latency.meanMs - this.latency.minMs)
          const atMs = Math.max(this.lastDurableAtMs, this.scheduler.nowMs + this.latency.minMs + excess)
          this.lastDurableAtMs = atMs
          this.scheduler.schedule(atMs - this.scheduler.nowMs, 'delta log fsync', () => {
            if (generation !== this.generation) return
            this.durable.push({ stream, batch })
            resolve()
          })
        }),
      load: async () => [...this.durable],
    }
  }

  /** Loses every append not yet durable. */
  crash(): void {
    this.generation++
    this.lastDurableAtMs = 0
  }

  /** Batches durable. */
  get length(): number {
    return this.durable.length
  }
}
