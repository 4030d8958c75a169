/**
 * Reports what a node's log storage makes durable to the checkers, without changing its timing:
 * the WAL-backed disk gets its latency and crash behaviour from the device underneath.
 */
import type { DiskObserver, LogStorageLike, StorageBatch, StoredEntry } from './crashable-log-storage.js'

/** A pass-through {@link LogStorageLike} that reports completed saves. */
export class ObservedLogStorage<E extends StoredEntry, H extends { readonly commit: number }, S, C>
  implements LogStorageLike<E, H, S, C>
{
  private readonly inner: LogStorageLike<E, H, S, C>
  private readonly observer: DiskObserver<E>
  private alive = true

  constructor(inner: LogStorageLike<E, H, S, C>, observer: DiskObserver<E>) {
    this.inner = inner
    this.observer = observer
  }

  /** The node crashed: saves completing later (on a dead incarnation) are not reported. */
  crash(): void {
    this.alive = false
  }

  initialState(): { readonly hardState: H; readonly confState: C } {
    return this.inner.initialState()
  }

  entries(low: number, high: number, maxBytes: number): readonly E[] {
    return this.inner.entries(low, high, maxBytes)
  }

  term(index: number): number {
    return this.inner.term(index)
  }

  firstIndex(): number {
    return this.inner.firstIndex()
  }

  lastIndex(): number {
    return this.inner.lastIndex()
  }

  snapshot(): S {
    return this.inner.snapshot()
  }

  async save(batch: StorageBatch<E, H, S>): Promise<void> {
    const commitBefore = this.inner.initialState().hardState.commit
    await this.inner.save(batch)
    if (!this.alive) return
    const first = batch.entries[0]
    if (first !== undefined && batch.snapshot === null) {
      this.observer.onEntriesDurable(this.termAt(first.index - 1), batch.entries)
    }
    const commitAfter = this.inner.initialState().hardState.commit
    if (commitAfter > commitBefore) {
      const low = Math.max(commitBefore + 1, this.inner.firstIndex())
      const high = Math.min(commitAfter, this.inner.lastIndex())
      if (low <= high)
        this.observer.onCommittedDurable(this.inner.entries(low, high + 1, Number.MAX_SAFE_INTEGER))
    }
  }

  compact(snapshot: S): Promise<void> {
    return this.inner.compact(snapshot)
  }

  private termAt(index: number): number | null {
    if (index <= 0) return 0
    try {
      return this.inner.term(index)
    } catch {
      return null
    }
  }
}
