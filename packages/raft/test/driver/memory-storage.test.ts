import { describe, expect, it } from 'vitest'
import { decodeConfChange } from '../../src/codec/index.js'
import { CompactedError, UnavailableError } from '../../src/core/errors.js'
import { ConfChangeType, type Entry, EntryType } from '../../src/core/types.js'
import { MemoryLogStorage } from '../../src/driver/memory-storage.js'

const entry = (index: number, term: number, size = 1): Entry => ({
  index,
  term,
  type: EntryType.Normal,
  data: new Uint8Array(size).fill(index),
})

describe('MemoryLogStorage', () => {
  it('starts empty at index 0', () => {
    const storage = new MemoryLogStorage()
    expect(storage.firstIndex()).toBe(1)
    expect(storage.lastIndex()).toBe(0)
    expect(storage.term(0)).toBe(0)
    expect(storage.initialState().hardState).toEqual({ term: 0, vote: null, commit: 0 })
  })

  it('bootstraps founding voters as committed conf change entries at term 1', () => {
    const storage = new MemoryLogStorage({ voters: ['a', 'b'] })
    expect(storage.lastIndex()).toBe(2)
    expect(storage.initialState().hardState).toEqual({ term: 1, vote: null, commit: 2 })
    expect(storage.initialState().confState.voters).toEqual(['a', 'b'])
    const [first] = storage.entries(1, 3, Number.POSITIVE_INFINITY)
    expect(first?.type).toBe(EntryType.ConfChange)
    expect(decodeConfChange(first?.data as Uint8Array).changes).toEqual([
      { type: ConfChangeType.AddVoter, nodeId: 'a' },
    ])
  })

  it('appends, replaces a conflicting suffix, and keeps the hard state', async () => {
    const storage = new MemoryLogStorage()
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 0 },
      entries: [entry(1, 1), entry(2, 1), entry(3, 1)],
      snapshot: null,
    })
    await storage.save({ hardState: null, entries: [entry(2, 2)], snapshot: null })
    expect(storage.lastIndex()).toBe(2)
    expect(storage.term(2)).toBe(2)
    expect(storage.initialState().hardState.vote).toBe('a')
    await expect(storage.save({ hardState: null, entries: [entry(5, 2)], snapshot: null })).rejects.toThrow(
      UnavailableError,
    )
  })

  it('limits entries by bytes but always returns at least one', async () => {
    const storage = new MemoryLogStorage()
    await storage.save({
      hardState: null,
      entries: [entry(1, 1, 10), entry(2, 1, 10), entry(3, 1, 10)],
      snapshot: null,
    })
    expect(storage.entries(1, 4, 25)).toHaveLength(2)
    expect(storage.entries(1, 4, 1)).toHaveLength(1)
    expect(() => storage.entries(1, 5, 100)).toThrow(UnavailableError)
  })

  it('compacts through a snapshot and answers CompactedError below it', async () => {
    const storage = new MemoryLogStorage()
    await storage.save({ hardState: null, entries: [entry(1, 1), entry(2, 1), entry(3, 2)], snapshot: null })
    const confState = { voters: ['a'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
    await storage.compact({ metadata: { index: 2, term: 1, confState }, data: new Uint8Array([7]) })
    expect(storage.firstIndex()).toBe(3)
    expect(storage.term(2)).toBe(1)
    expect(() => storage.term(1)).toThrow(CompactedError)
    expect(() => storage.entries(2, 4, 100)).toThrow(CompactedError)
    expect(storage.entries(3, 4, 100)).toHaveLength(1)
    expect(storage.initialState().confState).toEqual(confState)
    await expect(
      storage.compact({ metadata: { index: 9, term: 2, confState }, data: new Uint8Array() }),
    ).rejects.toThrow(UnavailableError)
  })

  it('replaces the whole log with a received snapshot, and ignores an older one', async () => {
    const storage = new MemoryLogStorage()
    await storage.save({ hardState: null, entries: [entry(1, 1)], snapshot: null })
    const confState = { voters: ['a'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
    await storage.save({
      hardState: null,
      entries: [],
      snapshot: { metadata: { index: 10, term: 3, confState }, data: new Uint8Array() },
    })
    expect(storage.firstIndex()).toBe(11)
    expect(storage.lastIndex()).toBe(10)
    expect(storage.term(10)).toBe(3)
    await storage.save({
      hardState: null,
      entries: [],
      snapshot: { metadata: { index: 5, term: 2, confState }, data: new Uint8Array() },
    })
    expect(storage.snapshot().metadata.index).toBe(10)
    // Entries the snapshot already covers are skipped on append.
    await storage.save({
      hardState: null,
      entries: [entry(9, 3), entry(10, 3), entry(11, 3)],
      snapshot: null,
    })
    expect(storage.lastIndex()).toBe(11)
  })
})
