/**
 * In-memory {@link LogStorage} (etcd's MemoryStorage): the newest snapshot, the entries after it,
 * and the hard state. Writes resolve at once; nothing survives the process. Used by tests, the
 * benchmark, and any node that keeps its log only in memory.
 */

import { encodeConfChange } from '../codec/index.js'
import { CompactedError, UnavailableError } from '../core/errors.js'
import {
  ConfChangeTransition,
  ConfChangeType,
  type ConfState,
  type Entry,
  EntryType,
  type HardState,
  type Snapshot,
} from '../core/types.js'
import type { LogStorage, PersistBatch } from './interfaces.js'

const emptyConfState: ConfState = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}

/** Options of a {@link MemoryLogStorage}. */
export interface MemoryLogStorageOptions {
  /**
   * The founding voters of a new cluster. Every founding member must be created with the same list
   * (in the same order); a member that joins later starts with none and learns the configuration
   * from the leader.
   */
  readonly voters?: readonly string[]
}

export class MemoryLogStorage implements LogStorage {
  private hardState: HardState = { term: 0, vote: null, commit: 0 }
  private latestSnapshot: Snapshot
  // entries[0] is a sentinel at the snapshot's index carrying the snapshot's term, as in etcd:
  // it answers term(snapshotIndex) and keeps index arithmetic simple.
  private log: Entry[]

  constructor(options: MemoryLogStorageOptions = {}) {
    const voters = options.voters ?? []
    const confState = voters.length > 0 ? { ...emptyConfState, voters: [...voters] } : emptyConfState
    this.latestSnapshot = { metadata: { index: 0, term: 0, confState }, data: new Uint8Array(0) }
    this.log = [
      { term: 0, index: 0, type: EntryType.Normal, data: new Uint8Array(0) },
      ...bootstrapEntries(voters),
    ]
    if (voters.length > 0) this.hardState = { term: 1, vote: null, commit: voters.length }
  }

  initialState(): { readonly hardState: HardState; readonly confState: ConfState } {
    return { hardState: this.hardState, confState: this.latestSnapshot.metadata.confState }
  }

  private get offset(): number {
    return (this.log[0] as Entry).index
  }

  entries(low: number, high: number, maxBytes: number): readonly Entry[] {
    const offset = this.offset
    if (low <= offset) throw new CompactedError(`entries from ${low} compacted (first is ${offset + 1})`)
    if (high > this.lastIndex() + 1) throw new UnavailableError(`entries up to ${high - 1} unavailable`)
    if (low >= high) return []
    const out: Entry[] = []
    let bytes = 0
    for (let index = low; index < high; index++) {
      const entry = this.log[index - offset] as Entry
      bytes += entry.data.length
      // Always return at least one entry, so that a large entry still makes progress.
      if (out.length > 0 && bytes > maxBytes) break
      out.push(entry)
    }
    return out
  }

  term(index: number): number {
    const offset = this.offset
    if (index < offset) throw new CompactedError(`term of ${index} compacted (snapshot at ${offset})`)
    const entry = this.log[index - offset]
    if (entry === undefined) throw new UnavailableError(`term of ${index} unavailable`)
    return entry.term
  }

  firstIndex(): number {
    return this.offset + 1
  }

  lastIndex(): number {
    return this.offset + this.log.length - 1
  }

  snapshot(): Snapshot {
    return this.latestSnapshot
  }

  /** The number of entries held after the snapshot. */
  entryCount(): number {
    return this.log.length - 1
  }

  save(batch: PersistBatch): Promise<void> {
    try {
      if (batch.snapshot !== null) this.applySnapshot(batch.snapshot)
      if (batch.entries.length > 0) this.append(batch.entries)
      if (batch.hardState !== null) this.hardState = batch.hardState
    } catch (error) {
      return Promise.reject(error)
    }
    return Promise.resolve()
  }

  compact(snapshot: Snapshot): Promise<void> {
    const index = snapshot.metadata.index
    const offset = this.offset
    if (index <= offset) return Promise.resolve()
    if (index > this.lastIndex()) {
      return Promise.reject(
        new UnavailableError(`cannot compact through ${index}: last is ${this.lastIndex()}`),
      )
    }
    const kept = this.log.slice(index - offset)
    const sentinel = kept[0] as Entry
    kept[0] = { term: sentinel.term, index: sentinel.index, type: EntryType.Normal, data: new Uint8Array(0) }
    this.log = kept
    this.latestSnapshot = snapshot
    return Promise.resolve()
  }

  private applySnapshot(snapshot: Snapshot): void {
    // An older snapshot than the one held can only be a stale duplicate; keep the newer state.
    if (
      snapshot.metadata.index <= this.latestSnapshot.metadata.index &&
      this.latestSnapshot.metadata.index > 0
    ) {
      return
    }
    this.latestSnapshot = snapshot
    this.log = [
      {
        term: snapshot.metadata.term,
        index: snapshot.metadata.index,
        type: EntryType.Normal,
        data: new Uint8Array(0),
      },
    ]
  }

  private append(entries: readonly Entry[]): void {
    const first = entries[0] as Entry
    const offset = this.offset
    // Entries already covered by the snapshot are dropped; the rest replace any suffix from there.
    const skip = Math.max(0, offset + 1 - first.index)
    if (skip >= entries.length) return
    const start = first.index + skip
    if (start > this.lastIndex() + 1) {
      throw new UnavailableError(`append at ${start} leaves a gap after ${this.lastIndex()}`)
    }
    this.log.length = start - offset
    for (let i = skip; i < entries.length; i++) this.log.push(entries[i] as Entry)
  }
}

/**
 * The founding configuration as committed log entries at term 1 (etcd's Bootstrap): one AddVoter
 * per founder, so that a member added later replays the whole membership history from index 1.
 * Applying them again on a founder changes nothing: adding an existing voter is a no-op.
 */
export function bootstrapEntries(voters: readonly string[]): Entry[] {
  return voters.map((nodeId, position) => ({
    term: 1,
    index: position + 1,
    type: EntryType.ConfChange,
    data: encodeConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [{ type: ConfChangeType.AddVoter, nodeId }],
      context: new Uint8Array(0),
    }),
  }))
}
