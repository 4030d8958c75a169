/**
 * The one in-memory Raft log (etcd's MemoryStorage): the newest snapshot, the entries after it,
 * the hard state and the membership. Synchronous and pure. The core reads it as its
 * {@link LogStorageReader}; the driver's in-memory storage (`MemoryLogStorage`) wraps it with the
 * asynchronous writes of a `LogStorage`; the core's tests write it directly; a durable adapter
 * (`@tandem/wal`'s) keeps its in-memory window in one and writes its disk beside it.
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
  type LogStorageReader,
  type NodeId,
  type Snapshot,
} from '../core/types.js'

const EMPTY_BYTES = new Uint8Array(0)

/** The membership of no one: the state of a node that joins later and learns it from a leader. */
export const EMPTY_CONF_STATE: ConfState = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}

/** How a {@link MemoryLog} starts. */
export interface MemoryLogOptions {
  /**
   * The founding voters of a new cluster, written as committed AddVoter entries at term 1 (see
   * {@link bootstrapEntries}). Every founder must be given the same list, in the same order; a
   * member that joins later starts with none.
   */
  readonly voters?: readonly NodeId[]
  /**
   * The membership of the empty snapshot at index 0, without bootstrap entries (the core's tests
   * start clusters this way). Ignored when `voters` is given.
   */
  readonly confState?: ConfState
}

/** An in-memory Raft log: a {@link LogStorageReader} with synchronous writes. */
export class MemoryLog implements LogStorageReader {
  #hardState: HardState = { term: 0, vote: null, commit: 0 }
  #confState: ConfState
  #snapshot: Snapshot
  // #log[0] is a sentinel at the snapshot's index carrying the snapshot's term, as in etcd: it
  // answers term(snapshotIndex) and keeps index arithmetic simple.
  #log: Entry[]

  constructor(options: MemoryLogOptions = {}) {
    const voters = options.voters ?? []
    const confState =
      voters.length > 0
        ? { ...EMPTY_CONF_STATE, voters: [...voters] }
        : (options.confState ?? EMPTY_CONF_STATE)
    this.#confState = confState
    this.#snapshot = { metadata: { index: 0, term: 0, confState }, data: EMPTY_BYTES }
    this.#log = [sentinel(0, 0), ...bootstrapEntries(voters)]
    if (voters.length > 0) this.#hardState = { term: 1, vote: null, commit: voters.length }
  }

  initialState(): { readonly hardState: HardState; readonly confState: ConfState } {
    return { hardState: this.#hardState, confState: this.#confState }
  }

  /** The hard state last written. */
  get hardState(): HardState {
    return this.#hardState
  }

  get #offset(): number {
    return (this.#log[0] as Entry).index
  }

  entries(low: number, high: number, maxBytes: number): readonly Entry[] {
    const offset = this.#offset
    if (low <= offset) throw new CompactedError(`entries from ${low} compacted (first is ${offset + 1})`)
    if (high > this.lastIndex() + 1) throw new UnavailableError(`entries up to ${high - 1} unavailable`)
    if (low >= high) return []
    const out: Entry[] = []
    let bytes = 0
    for (let index = low; index < high; index++) {
      const entry = this.#log[index - offset] as Entry
      bytes += entry.data.length
      // Always return at least one entry, so that a large entry still makes progress.
      if (out.length > 0 && bytes > maxBytes) break
      out.push(entry)
    }
    return out
  }

  term(index: number): number {
    const offset = this.#offset
    if (index < offset) throw new CompactedError(`term of ${index} compacted (snapshot at ${offset})`)
    const entry = this.#log[index - offset]
    if (entry === undefined) throw new UnavailableError(`term of ${index} unavailable`)
    return entry.term
  }

  firstIndex(): number {
    return this.#offset + 1
  }

  lastIndex(): number {
    return this.#offset + this.#log.length - 1
  }

  snapshot(): Snapshot {
    return this.#snapshot
  }

  /** The number of entries held after the snapshot. */
  entryCount(): number {
    return this.#log.length - 1
  }

  /** Records the hard state (term, vote, commit) last persisted. */
  setHardState(hardState: HardState): void {
    this.#hardState = hardState
  }

  /** Records the membership last applied, which {@link initialState} reports on a restart. */
  setConfState(confState: ConfState): void {
    this.#confState = confState
  }

  /**
   * Appends entries, replacing any held suffix from the first one's index. Entries the snapshot
   * already covers are skipped; entries that would leave a gap throw {@link UnavailableError}.
   */
  append(entries: readonly Entry[]): void {
    const first = entries[0]
    if (first === undefined) return
    const offset = this.#offset
    const skip = Math.max(0, offset + 1 - first.index)
    if (skip >= entries.length) return
    const start = first.index + skip
    if (start > this.lastIndex() + 1) {
      throw new UnavailableError(`append at ${start} leaves a gap after ${this.lastIndex()}`)
    }
    this.#log.length = start - offset
    for (let i = skip; i < entries.length; i++) this.#log.push(entries[i] as Entry)
  }

  /**
   * Replaces the whole log with a snapshot received from a leader. An older snapshot than the one
   * held can only be a stale duplicate: the newer state is kept.
   */
  applySnapshot(snapshot: Snapshot): void {
    const held = this.#snapshot.metadata.index
    if (snapshot.metadata.index <= held && held > 0) return
    this.#snapshot = snapshot
    this.#confState = snapshot.metadata.confState
    this.#log = [sentinel(snapshot.metadata.index, snapshot.metadata.term)]
  }

  /**
   * Keeps `snapshot`, taken locally at an index this log holds, as the newest snapshot and
   * discards the entries through its index. A snapshot not newer than the held one changes
   * nothing; one beyond the last index throws {@link UnavailableError}.
   */
  compact(snapshot: Snapshot): void {
    const index = snapshot.metadata.index
    const offset = this.#offset
    if (index <= offset) return
    if (index > this.lastIndex()) {
      throw new UnavailableError(`cannot compact through ${index}: last is ${this.lastIndex()}`)
    }
    const kept = this.#log.slice(index - offset)
    kept[0] = sentinel(index, (kept[0] as Entry).term)
    this.#log = kept
    this.#snapshot = snapshot
    this.#confState = snapshot.metadata.confState
  }
}

function sentinel(index: number, term: number): Entry {
  return { term, index, type: EntryType.Normal, data: EMPTY_BYTES }
}

/**
 * The founding configuration as committed log entries at term 1 (etcd's Bootstrap): one AddVoter
 * per founder, so that a member added later replays the whole membership history from index 1.
 * Applying them again on a founder changes nothing: adding an existing voter is a no-op.
 */
export function bootstrapEntries(voters: readonly NodeId[]): Entry[] {
  return voters.map((nodeId, position) => ({
    term: 1,
    index: position + 1,
    type: EntryType.ConfChange,
    data: encodeConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [{ type: ConfChangeType.AddVoter, nodeId }],
      context: EMPTY_BYTES,
    }),
  }))
}
