/**
 * A simulated disk under a node's log storage. Writes take simulated time and complete in order;
 * a crash loses every write not yet complete, and may tear the first of them (a prefix of its
 * entries reaches the disk, its hard state does not). The durable image — an in-memory
 * `LogStorage` such as raft's `MemoryLogStorage` — outlives the node's incarnations: a restarted
 * node recovers from exactly what completed.
 *
 * Every completed write is reported to the checkers: the entries written (log matching) and the
 * entries the durable commit index now covers (committed entries must agree across nodes).
 */

import type { SeededRandom } from '@tandem/base'
import { assert } from '@tandem/base'
import type { Scheduler } from '../world/scheduler.js'

/** The entry fields this layer reads (raft's `Entry`). */
export interface StoredEntry {
  readonly index: number
  readonly term: number
  readonly data: Uint8Array
}

/** The shape of raft's `PersistBatch`. */
export interface StorageBatch<E extends StoredEntry, H extends { readonly commit: number }, S> {
  readonly hardState: H | null
  readonly entries: readonly E[]
  readonly snapshot: S | null
}

/** The shape of raft's `LogStorage`, generic in its entry, hard state and snapshot types. */
export interface LogStorageLike<E extends StoredEntry, H extends { readonly commit: number }, S, C> {
  initialState(): { readonly hardState: H; readonly confState: C }
  entries(low: number, high: number, maxBytes: number): readonly E[]
  term(index: number): number
  firstIndex(): number
  lastIndex(): number
  snapshot(): S
  save(batch: StorageBatch<E, H, S>): Promise<void>
  compact(snapshot: S): Promise<void>
}

/** What the checkers learn from the disk. */
export interface DiskObserver<E extends StoredEntry> {
  /** Entries reached the disk; `prevTerm` is the term just before the first (null if unknown). */
  onEntriesDurable(prevTerm: number | null, entries: readonly E[]): void
  /** The durable commit index now covers these entries. */
  onCommittedDurable(entries: readonly E[]): void
}

/** Latency of one write (plus its sync). */
export interface DiskLatency {
  readonly minMs: number
  readonly meanMs: number
}

type PendingWrite<E extends StoredEntry, H extends { readonly commit: number }, S> =
  | { readonly kind: 'save'; readonly batch: StorageBatch<E, H, S> }
  | { readonly kind: 'compact'; readonly snapshot: S }

/** One incarnation's view of the disk: a new one is made for every restart. */
export class CrashableLogStorage<E extends StoredEntry, H extends { readonly commit: number }, S, C>
  implements LogStorageLike<E, H, S, C>
{
  private readonly durable: LogStorageLike<E, H, S, C>
  private readonly scheduler: Scheduler
  private readonly random: SeededRandom
  private readonly latency: DiskLatency
  private readonly observer: DiskObserver<E> | null
  private readonly label: string
  private readonly pending: PendingWrite<E, H, S>[] = []
  private lastCompletionMs = 0
  private crashed = false

  constructor(init: {
    readonly durable: LogStorageLike<E, H, S, C>
    readonly scheduler: Scheduler
    readonly random: SeededRandom
    readonly latency: DiskLatency
    readonly observer: DiskObserver<E> | null
    readonly label: string
  }) {
    this.durable = init.durable
    this.scheduler = init.scheduler
    this.random = init.random
    this.latency = init.latency
    this.observer = init.observer
    this.label = init.label
  }

  initialState(): { readonly hardState: H; readonly confState: C } {
    return this.durable.initialState()
  }

  entries(low: number, high: number, maxBytes: number): readonly E[] {
    return this.durable.entries(low, high, maxBytes)
  }

  term(index: number): number {
    return this.durable.term(index)
  }

  firstIndex(): number {
    return this.durable.firstIndex()
  }

  lastIndex(): number {
    return this.durable.lastIndex()
  }

  snapshot(): S {
    return this.durable.snapshot()
  }

  save(batch: StorageBatch<E, H, S>): Promise<void> {
    return this.enqueue({ kind: 'save', batch })
  }

  compact(snapshot: S): Promise<void> {
    return this.enqueue({ kind: 'compact', snapshot })
  }

  /** Writes still in flight. */
  get pendingWrites(): number {
    return this.pending.length
  }

  /**
   * Power loss: every pending write is lost and its promise never settles (the process is gone).
   * With probability `tornWriteProbability` the first pending save leaves a prefix of its entries.
   */
  crash(tornWriteProbability: number): void {
    if (this.crashed) return
    this.crashed = true
    const first = this.pending[0]
    if (
      first?.kind === 'save' &&
      first.batch.snapshot === null &&
      first.batch.entries.length > 0 &&
      this.random.chance(tornWriteProbability)
    ) {
      const kept = this.random.nextInt(first.batch.entries.length)
      if (kept > 0) {
        const torn = first.batch.entries.slice(0, kept)
        const prevTerm = this.termBefore(torn)
        void this.durable.save({ hardState: null, entries: torn, snapshot: null })
        this.observer?.onEntriesDurable(prevTerm, torn)
      }
    }
    this.pending.length = 0
  }

  private enqueue(write: PendingWrite<E, H, S>): Promise<void> {
    if (this.crashed) return new Promise<void>(() => {})
    this.pending.push(write)
    const latencyMs = this.latency.minMs + this.random.exponential(this.latency.meanMs - this.latency.minMs)
    // Writes complete in the order they were issued (one log file, one sync queue).
    const completionMs = Math.max(this.lastCompletionMs, this.scheduler.nowMs + latencyMs)
    this.lastCompletionMs = completionMs
    return new Promise<void>((resolve, reject) => {
      this.scheduler.schedule(completionMs - this.scheduler.nowMs, `${this.label} disk write`, () => {
        if (this.crashed) return
        const done = this.pending.shift()
        assert(done === write, `${this.label}: disk writes completed out of order`)
        this.complete(write).then(resolve, reject)
      })
    })
  }

  private async complete(write: PendingWrite<E, H, S>): Promise<void> {
    if (write.kind === 'compact') {
      await this.durable.compact(write.snapshot)
      return
    }
    const commitBefore = this.durable.initialState().hardState.commit
    const batch = write.batch
    const prevTerm =
      batch.entries.length > 0 && batch.snapshot === null ? this.termBefore(batch.entries) : null
    await this.durable.save(batch)
    if (batch.entries.length > 0) this.observer?.onEntriesDurable(prevTerm, batch.entries)
    const commitAfter = this.durable.initialState().hardState.commit
    if (commitAfter > commitBefore && this.observer !== null) {
      const low = Math.max(commitBefore + 1, this.durable.firstIndex())
      const high = Math.min(commitAfter, this.durable.lastIndex())
      if (low <= high)
        this.observer.onCommittedDurable(this.durable.entries(low, high + 1, Number.MAX_SAFE_INTEGER))
    }
  }

  /** The durable term at the index before `entries[0]`, or `null` when it is compacted or absent. */
  private termBefore(entries: readonly E[]): number | null {
    const first = entries[0]
    if (first === undefined || first.index <= 1) return first === undefined ? null : 0
    try {
      return this.durable.term(first.index - 1)
    } catch {
      return null
    }
  }
}
