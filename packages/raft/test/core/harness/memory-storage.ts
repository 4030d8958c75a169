import { CompactedError, UnavailableError } from '../../../src/core/errors.js'
import type { ConfState, Entry, HardState, LogStorageReader, Snapshot } from '../../../src/core/types.js'

export const emptyConfState: ConfState = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}

/**
 * A test-only in-memory {@link LogStorageReader} with the writes a driver would do. Entries
 * after the snapshot are kept in one array; `entries[0]` is at `snapshot.metadata.index + 1`.
 */
export class TestStorage implements LogStorageReader {
  hardState: HardState = { term: 0, vote: null, commit: 0 }
  confState: ConfState = emptyConfState
  snap: Snapshot = { metadata: { index: 0, term: 0, confState: emptyConfState }, data: new Uint8Array(0) }
  ents: Entry[] = []
  /**
   * When set, `snapshot()` asks it for a snapshot of the current applied state, as a driver does
   * when the leader needs one (so the snapshot's membership includes recently added nodes).
   */
  snapshotProvider: (() => Snapshot) | null = null

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.confState }
  }

  firstIndex(): number {
    return this.snap.metadata.index + 1
  }

  lastIndex(): number {
    return this.snap.metadata.index + this.ents.length
  }

  term(index: number): number {
    const snapIndex = this.snap.metadata.index
    if (index === snapIndex) return this.snap.metadata.term
    if (index < snapIndex) throw new CompactedError(`index ${index} compacted`)
    if (index > this.lastIndex()) throw new UnavailableError(`index ${index} unavailable`)
    return (this.ents[index - snapIndex - 1] as Entry).term
  }

  entries(low: number, high: number, maxBytes: number): readonly Entry[] {
    if (low <= this.snap.metadata.index) throw new CompactedError(`index ${low} compacted`)
    if (high > this.lastIndex() + 1) throw new UnavailableError(`index ${high - 1} unavailable`)
    const offset = this.snap.metadata.index + 1
    const result: Entry[] = []
    let bytes = 0
    for (let index = low; index < high; index++) {
      const entry = this.ents[index - offset] as Entry
      bytes += entry.data.byteLength
      if (result.length > 0 && bytes > maxBytes) break
      result.push(entry)
    }
    return result
  }

  snapshot(): Snapshot {
    return this.snapshotProvider?.() ?? this.snap
  }

  /** Appends entries, replacing any stored suffix from the first one's index. */
  append(entries: readonly Entry[]): void {
    const first = entries[0]
    if (first === undefined) return
    const offset = this.snap.metadata.index + 1
    if (first.index < offset) throw new Error(`append at ${first.index} before the snapshot`)
    if (first.index > this.lastIndex() + 1) throw new Error(`append at ${first.index} leaves a gap`)
    if (first.index === this.lastIndex() + 1) {
      for (const entry of entries) this.ents.push(entry)
      return
    }
    this.ents = this.ents.slice(0, first.index - offset).concat(entries)
  }

  setHardState(hardState: HardState): void {
    this.hardState = hardState
  }

  /** Replaces the whole log with a snapshot received from a leader. */
  applySnapshot(snapshot: Snapshot): void {
    this.snap = snapshot
    this.ents = []
    this.confState = snapshot.metadata.confState
  }

  /** Takes a local snapshot at `index` (≤ applied) and discards the entries through it. */
  compact(index: number, data: Uint8Array, confState: ConfState): void {
    const term = this.term(index)
    const offset = this.snap.metadata.index + 1
    this.ents = this.ents.slice(index + 1 - offset)
    this.snap = { metadata: { index, term, confState }, data }
  }
}

/** Storage for a fresh node of a cluster whose configuration starts as `confState`. */
export function bootstrapStorage(confState: ConfState, entries: readonly Entry[] = []): TestStorage {
  const storage = new TestStorage()
  storage.confState = confState
  storage.snap = { metadata: { index: 0, term: 0, confState }, data: new Uint8Array(0) }
  storage.append(entries)
  return storage
}
