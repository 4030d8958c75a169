/**
 * In-memory {@link LogStorage}: the driver's face of a {@link MemoryLog}. Writes resolve at once;
 * nothing survives the process. Used by tests, the benchmark, and any node that keeps its log only
 * in memory.
 */
import type { ConfState, Entry, HardState, NodeId, Snapshot } from '../core/types.js'
import { MemoryLog } from '../storage/memory-log.js'
import type { LogStorage, PersistBatch } from './interfaces.js'

/** Options of a {@link MemoryLogStorage}. */
export interface MemoryLogStorageOptions {
  /**
   * The founding voters of a new cluster. Every founding member must be created with the same list
   * (in the same order); a member that joins later starts with none and learns the configuration
   * from the leader.
   */
  readonly voters?: readonly NodeId[]
}

/** A {@link LogStorage} over a {@link MemoryLog}. */
export class MemoryLogStorage implements LogStorage {
  /** The log itself, for reads and for tests that inspect it. */
  readonly log: MemoryLog

  constructor(options: MemoryLogStorageOptions = {}) {
    this.log = new MemoryLog(options.voters === undefined ? {} : { voters: options.voters })
  }

  initialState(): { readonly hardState: HardState; readonly confState: ConfState } {
    return this.log.initialState()
  }

  entries(low: number, high: number, maxBytes: number): readonly Entry[] {
    return this.log.entries(low, high, maxBytes)
  }

  term(index: number): number {
    return this.log.term(index)
  }

  firstIndex(): number {
    return this.log.firstIndex()
  }

  lastIndex(): number {
    return this.log.lastIndex()
  }

  snapshot(): Snapshot {
    return this.log.snapshot()
  }

  /** The number of entries held after the snapshot. */
  entryCount(): number {
    return this.log.entryCount()
  }

  save(batch: PersistBatch): Promise<void> {
    try {
      if (batch.snapshot !== null) this.log.applySnapshot(batch.snapshot)
      if (batch.entries.length > 0) this.log.append(batch.entries)
      if (batch.hardState !== null) this.log.setHardState(batch.hardState)
    } catch (error) {
      return Promise.reject(error)
    }
    return Promise.resolve()
  }

  compact(snapshot: Snapshot): Promise<void> {
    try {
      this.log.compact(snapshot)
    } catch (error) {
      return Promise.reject(error)
    }
    return Promise.resolve()
  }
}
