/**
 * The conformance suite of {@link LogStorage} (js-libp2p's interface-compliance habit): every
 * implementation — the in-memory one here, `@tandem/wal`'s `WalLogStorage`, the simulator's
 * crashable storage — runs the same tests, so that the driver can rely on one behaviour.
 */
import { describe, expect, it } from 'vitest'
import type { ConfState, Entry, HardState, Snapshot } from '../core/types.js'
import { EntryType } from '../core/types.js'
import type { LogStorage, PersistBatch } from '../driver/interfaces.js'

/** How the suite gets a fresh, empty storage for each test, and gives it back. */
export interface LogStorageSuiteSetup {
  /** A new storage holding nothing: no snapshot, no entries, a zero hard state. */
  setup(): LogStorage | Promise<LogStorage>
  /** Releases what `setup` opened (files, handles). */
  teardown?(storage: LogStorage): void | Promise<void>
}

const CONF_STATE: ConfState = {
  voters: ['a', 'b', 'c'],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}

function entry(index: number, term: number, bytes = 8): Entry {
  return { index, term, type: EntryType.Normal, data: new Uint8Array(bytes).fill(index & 0xff) }
}

function batch(init: Partial<PersistBatch>): PersistBatch {
  return { hardState: null, entries: [], snapshot: null, ...init }
}

/** Entries `first..last` with the given terms (one per index). */
function run(first: number, terms: readonly number[]): Entry[] {
  return terms.map((term, i) => entry(first + i, term))
}

function snapshotAt(index: number, term: number): Snapshot {
  return { metadata: { index, term, confState: CONF_STATE }, data: new Uint8Array([1, 2, 3]) }
}

function codeOf(call: () => unknown): string | undefined {
  try {
    call()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

/**
 * Registers the LogStorage conformance tests under `describe(name)`.
 *
 * @example
 * ```ts
 * import { MemoryLogStorage } from '@tandem/raft'
 * import { logStorageSuite } from '@tandem/raft/testing'
 * logStorageSuite('MemoryLogStorage', { setup: () => new MemoryLogStorage() })
 * ```
 */
export function logStorageSuite(name: string, common: LogStorageSuiteSetup): void {
  describe(`${name} (LogStorage conformance)`, () => {
    async function withStorage(test: (storage: LogStorage) => Promise<void> | void): Promise<void> {
      const storage = await common.setup()
      try {
        await test(storage)
      } finally {
        await common.teardown?.(storage)
      }
    }

    it('starts empty: no entries, an empty snapshot at index 0, a zero hard state', () =>
      withStorage((storage) => {
        expect(storage.firstIndex()).toBe(1)
        expect(storage.lastIndex()).toBe(0)
        expect(storage.term(0)).toBe(0)
        expect(storage.snapshot().metadata.index).toBe(0)
        expect(storage.initialState().hardState).toEqual({ term: 0, vote: null, commit: 0 })
      }))

    it('serves the entries and terms it saved', () =>
      withStorage(async (storage) => {
        const saved = run(1, [1, 1, 2, 2, 3])
        await storage.save(batch({ entries: saved }))
        expect(storage.lastIndex()).toBe(5)
        expect([1, 2, 3, 4, 5].map((index) => storage.term(index))).toEqual([1, 1, 2, 2, 3])
        expect(storage.entries(2, 5, Number.POSITIVE_INFINITY)).toEqual(saved.slice(1, 4))
      }))

    it('bounds entries by bytes, but always returns at least one', () =>
      withStorage(async (storage) => {
        await storage.save(batch({ entries: run(1, [1, 1, 1, 1]) }))
        expect(storage.entries(1, 5, 16).map((e) => e.index)).toEqual([1, 2])
        expect(storage.entries(1, 5, 1).map((e) => e.index)).toEqual([1])
        expect(storage.entries(3, 3, 100)).toEqual([])
      }))

    it('replaces the stored suffix from the first entry of a save', () =>
      withStorage(async (storage) => {
        await storage.save(batch({ entries: run(1, [1, 1, 2, 2, 2]) }))
        await storage.save(batch({ entries: run(4, [3]) }))
        expect(storage.lastIndex()).toBe(4)
        expect(storage.term(3)).toBe(2)
        expect(storage.term(4)).toBe(3)
      }))

    it('keeps the hard state saved with a batch', () =>
      withStorage(async (storage) => {
        const hardState: HardState = { term: 3, vote: 'b', commit: 2 }
        await storage.save(batch({ entries: run(1, [1, 2, 3]), hardState }))
        expect(storage.initialState().hardState).toEqual(hardState)
      }))

    it('answers compacted and unavailable indexes with RAFT_LOG_COMPACTED and RAFT_LOG_UNAVAILABLE', () =>
      withStorage(async (storage) => {
        await storage.save(
          batch({ entries: run(1, [1, 1, 2, 2, 2]), hardState: { term: 2, vote: null, commit: 5 } }),
        )
        await storage.compact(snapshotAt(2, 1))
        expect(codeOf(() => storage.term(1))).toBe('RAFT_LOG_COMPACTED')
        expect(codeOf(() => storage.entries(1, 4, 100))).toBe('RAFT_LOG_COMPACTED')
        expect(codeOf(() => storage.term(6))).toBe('RAFT_LOG_UNAVAILABLE')
        expect(codeOf(() => storage.entries(4, 7, 100))).toBe('RAFT_LOG_UNAVAILABLE')
      }))

    it('compacts through a local snapshot and keeps the entries after it', () =>
      withStorage(async (storage) => {
        await storage.save(
          batch({ entries: run(1, [1, 1, 2, 2, 2]), hardState: { term: 2, vote: null, commit: 5 } }),
        )
        const snapshot = snapshotAt(3, 2)
        await storage.compact(snapshot)
        expect(storage.firstIndex()).toBe(4)
        expect(storage.lastIndex()).toBe(5)
        expect(storage.term(3)).toBe(2)
        expect(storage.entries(4, 6, 100).map((e) => e.index)).toEqual([4, 5])
        expect(storage.snapshot().metadata.index).toBe(3)
        expect(storage.snapshot().data).toEqual(snapshot.data)
        expect(storage.initialState().confState).toEqual(CONF_STATE)
      }))

    it('installs a snapshot from the leader in place of its log', () =>
      withStorage(async (storage) => {
        await storage.save(
          batch({ entries: run(1, [1, 1, 2]), hardState: { term: 2, vote: null, commit: 2 } }),
        )
        const snapshot = snapshotAt(8, 4)
        await storage.save(batch({ snapshot, hardState: { term: 4, vote: null, commit: 8 } }))
        expect(storage.firstIndex()).toBe(9)
        expect(storage.lastIndex()).toBe(8)
        expect(storage.term(8)).toBe(4)
        expect(codeOf(() => storage.term(3))).toBe('RAFT_LOG_COMPACTED')
        expect(storage.snapshot().metadata).toEqual(snapshot.metadata)
        expect(storage.initialState().confState).toEqual(CONF_STATE)
        expect(storage.initialState().hardState).toEqual({ term: 4, vote: null, commit: 8 })
      }))

    it('skips saved entries that its snapshot already covers', () =>
      withStorage(async (storage) => {
        await storage.save(
          batch({ snapshot: snapshotAt(8, 4), hardState: { term: 4, vote: null, commit: 8 } }),
        )
        await storage.save(batch({ entries: run(7, [4, 4, 4, 5]) }))
        expect(storage.lastIndex()).toBe(10)
        expect(storage.term(9)).toBe(4)
        expect(storage.term(10)).toBe(5)
      }))

    it('refuses a save that would leave a gap after its last entry', () =>
      withStorage(async (storage) => {
        await storage.save(batch({ entries: run(1, [1, 1]) }))
        await expect(storage.save(batch({ entries: run(4, [1]) }))).rejects.toThrow()
        expect(storage.lastIndex()).toBe(2)
      }))
  })
}
