import type { Entry, Snapshot } from './types.js'

const NO_ENTRIES: readonly Entry[] = []

/**
 * The tail of the log that is not yet known to be durable: entries (and possibly an incoming
 * snapshot) that were appended in memory and handed, or are still to be handed, to the driver for
 * persisting. `offset` is the index of `entries[0]`; everything before it is in stable storage.
 *
 * Entries between `offset` and `offsetInProgress` have been handed out in a `Ready` and are being
 * written; the ones after it have not been handed out yet. Persisted batches are reported back in
 * order with {@link Unstable.stableTo}.
 */
export class Unstable {
  snapshot: Snapshot | null = null
  entries: Entry[] = []
  offset: number
  snapshotInProgress = false
  offsetInProgress: number

  constructor(offset: number) {
    this.offset = offset
    this.offsetInProgress = offset
  }

  /** The first index if a snapshot is pending (the snapshot decides it), otherwise `undefined`. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot === null ? undefined : this.snapshot.metadata.index + 1
  }

  /** The last index held here, if any. */
  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1
    return this.snapshot === null ? undefined : this.snapshot.metadata.index
  }

  /** The term of the entry at `index`, if this tail knows it. */
  maybeTerm(index: number): number | undefined {
    if (index < this.offset) {
      if (this.snapshot !== null && this.snapshot.metadata.index === index) return this.snapshot.metadata.term
      return undefined
    }
    const entry = this.entries[index - this.offset]
    return entry === undefined ? undefined : entry.term
  }

  /** Entries not yet handed out for persisting. */
  nextEntries(): readonly Entry[] {
    const start = this.offsetInProgress - this.offset
    if (start >= this.entries.length) return NO_ENTRIES
    return this.entries.slice(start)
  }

  hasNextEntries(): boolean {
    return this.offsetInProgress - this.offset < this.entries.length
  }

  /** The snapshot not yet handed out for persisting. */
  nextSnapshot(): Snapshot | null {
    return this.snapshot === null || this.snapshotInProgress ? null : this.snapshot
  }

  /** Marks everything held as handed out (being persisted). */
  acceptInProgress(): void {
    this.offsetInProgress = this.offset + this.entries.length
    if (this.snapshot !== null) this.snapshotInProgress = true
  }

  /**
   * Entries through `index` (whose term was `term` when handed out) are durable. If the entry
   * there has since been replaced by one of another term, the report is stale and ignored.
   */
  stableTo(index: number, term: number): void {
    const known = this.maybeTerm(index)
    if (known === undefined || known !== term || index < this.offset) return
    this.entries = this.entries.slice(index + 1 - this.offset)
    this.offset = index + 1
    if (this.offsetInProgress < this.offset) this.offsetInProgress = this.offset
  }

  /** The snapshot at `index` is durable. */
  stableSnapTo(index: number): void {
    if (this.snapshot !== null && this.snapshot.metadata.index === index) {
      this.snapshot = null
      this.snapshotInProgress = false
    }
  }

  /** Replaces everything with an incoming snapshot. */
  restore(snapshot: Snapshot): void {
    this.offset = snapshot.metadata.index + 1
    this.offsetInProgress = this.offset
    this.entries = []
    this.snapshot = snapshot
    this.snapshotInProgress = false
  }

  /** Appends `entries`, first discarding any held suffix from `entries[0].index` on. */
  truncateAndAppend(entries: readonly Entry[]): void {
    const first = entries[0]
    if (first === undefined) return
    const fromIndex = first.index
    if (fromIndex === this.offset + this.entries.length) {
      for (const entry of entries) this.entries.push(entry)
    } else if (fromIndex <= this.offset) {
      // The whole tail is replaced.
      this.offset = fromIndex
      this.offsetInProgress = fromIndex
      this.entries = entries.slice()
    } else {
      const kept = this.entries.slice(0, fromIndex - this.offset)
      for (const entry of entries) kept.push(entry)
      this.entries = kept
      if (this.offsetInProgress > fromIndex) this.offsetInProgress = fromIndex
    }
  }

  /** Entries in `[low, high)`; the caller has checked the bounds. */
  slice(low: number, high: number): Entry[] {
    return this.entries.slice(low - this.offset, high - this.offset)
  }
}
