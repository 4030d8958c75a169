import { InvariantError } from '@tandem/base'
import { CommittedEntryConflictError, CompactedError, UnavailableError } from './errors.js'
import type { Entry, LogStorageReader, Snapshot } from './types.js'
import { Unstable } from './unstable.js'

/** Bytes an entry counts for in message and batch limits: its payload. */
export function entryBytes(entry: Entry): number {
  return entry.data.byteLength
}

/** The sum of {@link entryBytes} over `entries`. */
export function entriesBytes(entries: readonly Entry[]): number {
  let total = 0
  for (const entry of entries) total += entry.data.byteLength
  return total
}

const NO_ENTRIES: Entry[] = []

/**
 * The Raft log as the core sees it: stable storage (read-only here) followed by the in-memory
 * {@link Unstable} tail, with the commit, applying and applied cursors.
 *
 * Invariants: `applied <= applying <= committed <= lastIndex()`, and `firstIndex() - 1 <= applied`
 * once a snapshot has been applied.
 */
export class RaftLog {
  readonly storage: LogStorageReader
  readonly unstable: Unstable
  /** The highest index known to be committed by a quorum. */
  committed: number
  /** The highest index handed to the driver to apply. */
  applying: number
  /** The highest index the driver has applied. */
  applied: number
  /** The most bytes of committed entries handed out in one batch (at least one entry is). */
  readonly maxCommittedBytesPerBatch: number

  constructor(storage: LogStorageReader, maxCommittedBytesPerBatch: number) {
    this.storage = storage
    this.maxCommittedBytesPerBatch = maxCommittedBytesPerBatch
    const firstIndex = storage.firstIndex()
    const lastIndex = storage.lastIndex()
    this.unstable = new Unstable(lastIndex + 1)
    // Everything up to the snapshot is committed and applied by definition.
    this.committed = firstIndex - 1
    this.applying = firstIndex - 1
    this.applied = firstIndex - 1
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex()
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex()
  }

  /** The last index known durable (handed out and reported persisted). */
  lastPersistedIndex(): number {
    return this.unstable.snapshot === null ? this.unstable.offset - 1 : this.storage.lastIndex()
  }

  /** The term of the entry at `index`. Throws {@link CompactedError} or {@link UnavailableError}. */
  term(index: number): number {
    const dummyIndex = this.firstIndex() - 1
    if (index < dummyIndex)
      throw new CompactedError(`index ${index} is compacted (first index ${dummyIndex + 1})`)
    if (index > this.lastIndex()) throw new UnavailableError(`index ${index} is beyond the last index`)
    const fromUnstable = this.unstable.maybeTerm(index)
    if (fromUnstable !== undefined) return fromUnstable
    return this.storage.term(index)
  }

  /** The term at `index`, or 0 when it is outside the log (compacted or not yet written). */
  termOrZero(index: number): number {
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return 0
    const fromUnstable = this.unstable.maybeTerm(index)
    if (fromUnstable !== undefined) return fromUnstable
    try {
      return this.storage.term(index)
    } catch (error) {
      if (error instanceof CompactedError || error instanceof UnavailableError) return 0
      throw error
    }
  }

  lastTerm(): number {
    return this.termOrZero(this.lastIndex())
  }

  /** Whether the entry at `index` exists and has `term`. */
  matchTerm(index: number, term: number): boolean {
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return false
    return this.termOrZero(index) === term
  }

  /**
   * Appends a leader's entries that follow `(index, logTerm)` if the log holds that entry, and
   * moves the commit forward. Returns the index of the last new entry, or -1 on mismatch.
   */
  maybeAppend(index: number, logTerm: number, committed: number, entries: readonly Entry[]): number {
    if (!this.matchTerm(index, logTerm)) return -1
    const lastNewIndex = index + entries.length
    const conflictIndex = this.findConflict(entries)
    if (conflictIndex !== 0) {
      if (conflictIndex <= this.committed) {
        // A leader may never overwrite a committed entry: this peer is broken or malicious.
        throw new CommittedEntryConflictError(
          `entry ${conflictIndex} conflicts with the committed log (committed ${this.committed})`,
        )
      }
      this.append(entries.slice(conflictIndex - (index + 1)))
    }
    this.commitTo(Math.min(committed, lastNewIndex))
    return lastNewIndex
  }

  /** Appends entries (replacing any suffix they overlap); returns the new last index. */
  append(entries: readonly Entry[]): number {
    const first = entries[0]
    if (first === undefined) return this.lastIndex()
    // Callers append only past the commit: a follower after maybeAppend's conflict check, a leader
    // at the end of its own log.
    if (first.index - 1 < this.committed)
      throw new InvariantError(`appending after ${first.index - 1} would rewrite committed ${this.committed}`)
    this.unstable.truncateAndAppend(entries)
    return this.lastIndex()
  }

  /**
   * The first of `entries` at a committed index this log still holds whose term differs from the
   * log's, or `undefined`. Messages of a term at least this node's never carry one from a correct
   * leader: it is a safety alarm, not a stale duplicate.
   */
  findCommittedConflict(entries: readonly Entry[]): Entry | undefined {
    const firstIndex = this.firstIndex()
    for (const entry of entries) {
      if (entry.index > this.committed) break
      if (entry.index < firstIndex) continue
      if (this.termOrZero(entry.index) !== entry.term) return entry
    }
    return undefined
  }

  /**
   * The index of the first entry in `entries` whose term differs from the log's (or that the log
   * does not have yet), or 0 when every entry is already present.
   */
  findConflict(entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index
    }
    return 0
  }

  /**
   * The largest index ≤ `index` whose term is ≤ `term`, with that term; used for fast
   * backtracking of a rejected append. An unknown term (compacted) answers `[index, 0]`.
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      if (index < this.firstIndex() - 1 || index > this.lastIndex()) return [index, 0]
      const ourTerm = this.termOrZero(index)
      if (ourTerm <= term) return [index, ourTerm]
    }
    return [0, 0]
  }

  nextUnstableEntries(): readonly Entry[] {
    return this.unstable.nextEntries()
  }

  hasNextUnstableEntries(): boolean {
    return this.unstable.hasNextEntries()
  }

  hasNextOrInProgressSnapshot(): boolean {
    return this.unstable.snapshot !== null
  }

  /** Whether committed entries are waiting to be handed out for applying. */
  hasNextCommittedEntries(): boolean {
    if (this.hasNextOrInProgressSnapshot()) return false
    return this.committed > Math.max(this.applying, this.firstIndex() - 1)
  }

  /** The next batch of committed entries to apply, bounded by {@link maxCommittedBytesPerBatch}. */
  nextCommittedEntries(): Entry[] {
    if (!this.hasNextCommittedEntries()) return NO_ENTRIES
    const low = Math.max(this.applying + 1, this.firstIndex())
    const high = this.committed + 1
    if (low >= high) return NO_ENTRIES
    return this.slice(low, high, this.maxCommittedBytesPerBatch)
  }

  /** The driver has been handed entries through `index` to apply. */
  acceptApplying(index: number): void {
    if (index > this.applying) this.applying = index
  }

  /** The driver has applied entries through `index`. */
  appliedTo(index: number): void {
    if (index === 0 || index <= this.applied) return
    // The driver applies only what a Ready handed out: applying more is a driver bug, not bad input.
    if (index > this.committed)
      throw new InvariantError(`applied ${index} is beyond committed ${this.committed}`)
    this.applied = index
    if (this.applying < index) this.applying = index
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term)
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index)
  }

  /** Moves the commit forward to `index` (never back). */
  commitTo(index: number): void {
    if (index <= this.committed) return
    // Every caller bounds the commit by entries this log holds (a heartbeat's by the last index).
    if (index > this.lastIndex())
      throw new InvariantError(`commit ${index} is beyond the last index ${this.lastIndex()}`)
    this.committed = index
  }

  /** Commits `maxIndex` if the entry there is from `term` (a leader commits only its own term). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.termOrZero(maxIndex) === term) {
      this.commitTo(maxIndex)
      return true
    }
    return false
  }

  /** Whether a log ending at `(lastIndex, lastTerm)` is at least as up to date as this one (§5.4.1). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm()
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex())
  }

  /** Entries from `index` to the end, bounded by `maxBytes` (at least one entry). */
  entries(index: number, maxBytes: number): Entry[] {
    const last = this.lastIndex()
    if (index > last) return NO_ENTRIES
    return this.slice(index, last + 1, maxBytes)
  }

  /** Every entry from the first to the last (tests and debugging). */
  allEntries(): Entry[] {
    return this.entries(this.firstIndex(), Number.POSITIVE_INFINITY)
  }

  /** Entries in `[low, high)`, bounded by `maxBytes` (at least one). Throws if `low` is compacted. */
  slice(low: number, high: number, maxBytes: number): Entry[] {
    if (low >= high) return NO_ENTRIES
    const first = this.firstIndex()
    if (low < first) throw new CompactedError(`index ${low} is compacted (first index ${first})`)
    const last = this.lastIndex()
    if (high > last + 1)
      throw new UnavailableError(`slice [${low}, ${high}) is beyond the last index ${last}`)
    const offset = this.unstable.offset
    let result: Entry[] = NO_ENTRIES
    let bytes = 0
    if (low < offset) {
      const storedHigh = Math.min(high, offset)
      const stored = this.storage.entries(low, storedHigh, maxBytes)
      if (stored.length < storedHigh - low || storedHigh === high) return stored as Entry[]
      result = stored.slice()
      bytes = entriesBytes(stored)
    }
    if (high > offset) {
      const unstableLow = Math.max(low, offset)
      if (result.length === 0) {
        // Fast path: no stored part, so take the unstable part with the byte bound directly.
        const count = high - unstableLow
        const entries = this.unstable.entries
        const start = unstableLow - offset
        let end = start
        while (end < start + count) {
          const entry = entries[end] as Entry
          bytes += entry.data.byteLength
          if (end > start && bytes > maxBytes) break
          end++
        }
        return entries.slice(start, end)
      }
      for (let index = unstableLow; index < high; index++) {
        const entry = this.unstable.entries[index - offset] as Entry
        bytes += entry.data.byteLength
        if (bytes > maxBytes) break
        result.push(entry)
      }
    }
    return result
  }

  /** The newest snapshot: the pending incoming one, or storage's. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot()
  }

  /** Replaces the log with a snapshot received from the leader. */
  restore(snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index
    this.unstable.restore(snapshot)
  }
}
