import type { ConfState, Entry, HardState, Snapshot } from '../../../src/core/types.js'
import { EMPTY_CONF_STATE, MemoryLog } from '../../../src/storage/memory-log.js'

export const emptyConfState: ConfState = EMPTY_CONF_STATE

/**
 * The core harness's storage: the package's one in-memory log ({@link MemoryLog}), written by the
 * harness as a driver would, plus a hook that takes a fresh snapshot on demand (as a driver does
 * when a leader needs one whose membership names a recently added node).
 */
export class TestStorage extends MemoryLog {
  /** When set, `snapshot()` asks it for a snapshot of the current applied state. */
  snapshotProvider: (() => Snapshot) | null = null

  override snapshot(): Snapshot {
    return this.snapshotProvider?.() ?? super.snapshot()
  }

  /** The snapshot held (never a fresh one); setting it replaces the log, as a leader's snapshot does. */
  get snap(): Snapshot {
    return super.snapshot()
  }
  set snap(snapshot: Snapshot) {
    this.applySnapshot(snapshot)
  }

  override get hardState(): HardState {
    return super.hardState
  }
  override set hardState(hardState: HardState) {
    this.setHardState(hardState)
  }

  /** Takes a local snapshot at `index` (≤ applied) and discards the entries through it. */
  compactAt(index: number, data: Uint8Array, confState: ConfState): void {
    this.compact({ metadata: { index, term: this.term(index), confState }, data })
  }

  /** Every entry held after the snapshot. */
  get ents(): readonly Entry[] {
    return this.entries(this.firstIndex(), this.lastIndex() + 1, Number.POSITIVE_INFINITY)
  }

  /** The membership a restart would start from. */
  get confState(): ConfState {
    return this.initialState().confState
  }
  set confState(confState: ConfState) {
    this.setConfState(confState)
  }
}

/** Storage for a fresh node of a cluster whose configuration starts as `confState`. */
export function bootstrapStorage(confState: ConfState, entries: readonly Entry[] = []): TestStorage {
  const storage = new TestStorage({ confState })
  storage.append(entries)
  return storage
}
