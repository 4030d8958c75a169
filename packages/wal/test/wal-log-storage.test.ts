import {
  CompactedError,
  type ConfState,
  type Entry,
  EntryType,
  type LogStorage,
  MemoryLogStorage,
  type PersistBatch,
  type Snapshot,
  UnavailableError,
} from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { MemoryDevice, WalLogStorage } from '../src/index.js'
import { equalBytes, payloadFor } from './helpers.js'

const conf = (voters: string[]): ConfState => ({
  voters,
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
})
const entry = (index: number, term: number, length = 20): Entry => ({
  index,
  term,
  type: 0,
  data: payloadFor(index * 100 + term, length),
})
const entries = (from: number, to: number, term: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term))
const snapshotAt = (index: number, term: number): Snapshot => ({
  metadata: { index, term, confState: conf(['a', 'b', 'c']) },
  data: payloadFor(index, 300),
})

describe('WalLogStorage', () => {
  it('is a LogStorage of @tandem/raft, with its error classes', async () => {
    const storage: LogStorage = await WalLogStorage.open({ device: new MemoryDevice() })
    expect(() => storage.term(5)).toThrow(UnavailableError)
    await storage.save({ hardState: null, entries: entries(1, 3, 1), snapshot: null })
    await storage.compact(snapshotAt(2, 1))
    expect(() => storage.term(1)).toThrow(CompactedError)
  })

  it('bootstraps founding voters exactly like MemoryLogStorage, once', async () => {
    const device = new MemoryDevice()
    const voters = ['a', 'b', 'c']
    const storage = await WalLogStorage.open({ device, voters })
    const memory = new MemoryLogStorage({ voters })
    expect(storage.initialState()).toEqual(memory.initialState())
    expect(storage.lastIndex()).toBe(memory.lastIndex())
    expect(storage.entries(1, 4, Number.POSITIVE_INFINITY)).toEqual(
      memory.entries(1, 4, Number.POSITIVE_INFINITY),
    )
    await storage.save({
      hardState: { term: 2, vote: 'b', commit: 3 },
      entries: entries(4, 4, 2),
      snapshot: null,
    })
    const reopened = await WalLogStorage.open({ device, voters })
    expect(reopened.lastIndex()).toBe(4)
    expect(reopened.initialState().hardState).toEqual({ term: 2, vote: 'b', commit: 3 })
    expect(reopened.initialState().confState.voters).toEqual(voters)
  })

  it('a crash at any point of bootstrapping bootstraps again on the next open', async () => {
    const voters = ['a', 'b', 'c']
    const probe = new MemoryDevice()
    await WalLogStorage.open({ device: probe, voters })
    const memory = new MemoryLogStorage({ voters })
    for (let cut = 1; cut <= probe.operationCount + 1; cut++) {
      const device = new MemoryDevice({ powerCutAtOperation: cut })
      await WalLogStorage.open({ device, voters }).catch(() => undefined)
      for (const image of [
        device.crash(),
        device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY }),
      ]) {
        const storage = await WalLogStorage.open({ device: image, voters })
        expect(storage.initialState(), `cut at ${cut}`).toEqual(memory.initialState())
        expect(storage.entries(1, 4, Number.POSITIVE_INFINITY), `cut at ${cut}`).toEqual(
          memory.entries(1, 4, Number.POSITIVE_INFINITY),
        )
      }
    }
  })

  it('serves the core synchronous reads after saving', async () => {
    const storage = await WalLogStorage.open({ device: new MemoryDevice() })
    expect(storage.firstIndex()).toBe(1)
    expect(storage.lastIndex()).toBe(0)
    expect(storage.term(0)).toBe(0)
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 0 },
      entries: entries(1, 5, 1),
      snapshot: null,
    })
    expect(storage.lastIndex()).toBe(5)
    expect(storage.term(3)).toBe(1)
    expect(storage.entries(2, 5, Number.POSITIVE_INFINITY).map((e) => e.index)).toEqual([2, 3, 4])
    expect(storage.entries(2, 5, 0).length).toBe(1) // always at least one
    expect(storage.entries(2, 5, 40).length).toBe(2)
    expect(() => storage.term(6)).toThrow(expect.objectContaining({ code: 'RAFT_LOG_UNAVAILABLE' }))
    expect(() => storage.entries(1, 7, 100)).toThrow(
      expect.objectContaining({ code: 'RAFT_LOG_UNAVAILABLE' }),
    )
    expect(storage.initialState().hardState).toEqual({ term: 1, vote: 'a', commit: 0 })
  })

  it('replaces a conflicting suffix and restores everything on reopen', async () => {
    const device = new MemoryDevice()
    const storage = await WalLogStorage.open({ device, segmentBytesMax: 4096 })
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 2 },
      entries: entries(1, 6, 1),
      snapshot: null,
    })
    await storage.save({
      hardState: { term: 2, vote: 'b', commit: 3 },
      entries: entries(4, 8, 2),
      snapshot: null,
    })
    expect(storage.term(3)).toBe(1)
    expect(storage.term(4)).toBe(2)
    await storage.close()
    const reopened = await WalLogStorage.open({ device, segmentBytesMax: 4096 })
    expect(reopened.lastIndex()).toBe(8)
    expect(reopened.entries(1, 9, Number.POSITIVE_INFINITY)).toEqual([
      ...entries(1, 3, 1),
      ...entries(4, 8, 2),
    ])
    expect(reopened.initialState().hardState).toEqual({ term: 2, vote: 'b', commit: 3 })
  })

  it('a commit index that passes a conf change is durable at once, even through a power cut', async () => {
    const device = new MemoryDevice()
    const storage = await WalLogStorage.open({ device })
    const confChange: Entry = { index: 4, term: 1, type: EntryType.ConfChange, data: payloadFor(4, 12) }
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 2 },
      entries: [...entries(1, 3, 1), confChange, entry(5, 1)],
      snapshot: null,
    })
    // Commit moves within plain entries: written lazily, so a power cut may lose it.
    await storage.save({ hardState: { term: 1, vote: 'a', commit: 3 }, entries: [], snapshot: null })
    const lazy = await WalLogStorage.open({ device: device.crash() })
    expect(lazy.initialState().hardState.commit).toBe(2)
    // Commit passes the conf change: written before save resolves.
    await storage.save({ hardState: { term: 1, vote: 'a', commit: 5 }, entries: [], snapshot: null })
    const reopened = await WalLogStorage.open({ device: device.crash() })
    expect(reopened.initialState().hardState.commit).toBe(5)
  })

  it('compact keeps a snapshot, discards entries and reports compaction', async () => {
    const device = new MemoryDevice()
    const storage = await WalLogStorage.open({ device })
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 5 },
      entries: entries(1, 8, 1),
      snapshot: null,
    })
    await storage.compact(snapshotAt(5, 1))
    expect(storage.firstIndex()).toBe(6)
    expect(storage.term(5)).toBe(1)
    expect(() => storage.term(4)).toThrow(expect.objectContaining({ code: 'RAFT_LOG_COMPACTED' }))
    expect(() => storage.entries(5, 7, 100)).toThrow(expect.objectContaining({ code: 'RAFT_LOG_COMPACTED' }))
    await storage.close()
    const reopened = await WalLogStorage.open({ device })
    expect(reopened.firstIndex()).toBe(6)
    expect(reopened.lastIndex()).toBe(8)
    expect(reopened.snapshot().data).toEqual(snapshotAt(5, 1).data)
    expect(reopened.initialState().confState).toEqual(conf(['a', 'b', 'c']))
  })

  it('a received snapshot replaces the whole log', async () => {
    const device = new MemoryDevice()
    const storage = await WalLogStorage.open({ device })
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 2 },
      entries: entries(1, 8, 1),
      snapshot: null,
    })
    await storage.save({
      hardState: { term: 3, vote: null, commit: 6 },
      entries: [],
      snapshot: snapshotAt(6, 3),
    })
    expect(storage.firstIndex()).toBe(7)
    expect(storage.lastIndex()).toBe(6)
    await storage.save({ hardState: null, entries: entries(7, 9, 3), snapshot: null })
    const reopened = await WalLogStorage.open({ device })
    expect(reopened.lastIndex()).toBe(9)
    expect(reopened.term(6)).toBe(3)
    expect(reopened.term(7)).toBe(3)
    expect(reopened.initialState().hardState).toEqual({ term: 3, vote: null, commit: 6 })
  })

  it('persists the membership set after a conf change', async () => {
    const device = new MemoryDevice()
    const storage = await WalLogStorage.open({ device })
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 1 },
      entries: entries(1, 2, 1),
      snapshot: null,
    })
    await storage.setConfState(conf(['a', 'd']), 2)
    expect((await WalLogStorage.open({ device })).initialState().confState).toEqual(conf(['a', 'd']))
  })
})

/** What the storage holds, as the core would read it. */
interface Model {
  readonly snapshotIndex: number
  readonly snapshotTerm: number
  readonly entries: ReadonlyMap<number, Entry>
  readonly lastIndex: number
  readonly term: number
  readonly vote: string | null
}

function modelOf(storage: WalLogStorage): Model {
  const snapshot = storage.snapshot().metadata
  const map = new Map<number, Entry>()
  if (storage.lastIndex() >= storage.firstIndex()) {
    for (const e of storage.entries(
      storage.firstIndex(),
      storage.lastIndex() + 1,
      Number.POSITIVE_INFINITY,
    )) {
      map.set(e.index, e)
    }
  }
  const { hardState } = storage.initialState()
  return {
    snapshotIndex: snapshot.index,
    snapshotTerm: snapshot.term,
    entries: map,
    lastIndex: storage.lastIndex(),
    term: hardState.term,
    vote: hardState.vote,
  }
}

type Step = { readonly save: PersistBatch } | { readonly compact: Snapshot }

const STEPS: readonly Step[] = [
  { save: { hardState: { term: 1, vote: 'a', commit: 0 }, entries: entries(1, 3, 1), snapshot: null } },
  { save: { hardState: { term: 1, vote: 'a', commit: 2 }, entries: entries(4, 6, 1), snapshot: null } },
  { save: { hardState: { term: 2, vote: 'b', commit: 3 }, entries: entries(4, 7, 2), snapshot: null } },
  { compact: snapshotAt(3, 1) },
  { save: { hardState: null, entries: entries(8, 10, 2), snapshot: null } },
  { save: { hardState: { term: 3, vote: null, commit: 12 }, entries: [], snapshot: snapshotAt(12, 3) } },
  { save: { hardState: { term: 3, vote: null, commit: 13 }, entries: entries(13, 15, 3), snapshot: null } },
  { save: { hardState: { term: 4, vote: 'c', commit: 13 }, entries: entries(15, 16, 4), snapshot: null } },
  // A received snapshot behind the last index: the entries after it go (truncate, then compact).
  { save: { hardState: { term: 5, vote: 'a', commit: 14 }, entries: [], snapshot: snapshotAt(14, 3) } },
  { save: { hardState: null, entries: entries(15, 17, 5), snapshot: null } },
]

describe('WalLogStorage crash at every operation', () => {
  it('restores the acknowledged state (or the one in flight) from every crash image', async () => {
    const models: Model[] = []
    const probe = new MemoryDevice()
    const probeStorage = await WalLogStorage.open({ device: probe, segmentBytesMax: 4096 })
    models.push(modelOf(probeStorage))
    for (const step of STEPS) {
      if ('save' in step) await probeStorage.save(step.save)
      else await probeStorage.compact(step.compact)
      models.push(modelOf(probeStorage))
    }
    const operations = probe.operationCount
    for (let cut = 1; cut <= operations + 1; cut++) {
      const device = new MemoryDevice({ powerCutAtOperation: cut })
      const storage = await WalLogStorage.open({ device, segmentBytesMax: 4096 })
      let acknowledged = 0
      try {
        for (const step of STEPS) {
          if ('save' in step) await storage.save(step.save)
          else await storage.compact(step.compact)
          acknowledged++
        }
      } catch {
        // The power cut stops the workload.
      }
      const before = models[acknowledged] as Model
      const inFlight = models[Math.min(acknowledged + 1, models.length - 1)] as Model
      const pending = device.pendingOperationCount
      const images = [
        device.crash(),
        device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY }),
        device.crash({ keepPendingOperations: Math.max(0, pending - 1), tornBytes: 30 }),
      ]
      for (const [variant, image] of images.entries()) {
        const context = `cut at ${cut}, image ${variant}`
        const recovered = modelOf(await WalLogStorage.open({ device: image, segmentBytesMax: 4096 }))
        const either = [before, inFlight]
        expect(
          either.some((m) => m.term === recovered.term && m.vote === recovered.vote),
          `${context}: hard state`,
        ).toBe(true)
        expect(
          either.map((m) => m.snapshotIndex),
          `${context}: snapshot`,
        ).toContain(recovered.snapshotIndex)
        for (const [index, e] of recovered.entries) {
          const known = either.some((m) => {
            const expected = m.entries.get(index)
            return expected !== undefined && expected.term === e.term && equalBytes(expected.data, e.data)
          })
          expect(known, `${context}: entry ${index} was never saved`).toBe(true)
        }
        // Acknowledged entries that the operation in flight keeps must survive.
        for (const [index, e] of before.entries) {
          const kept = inFlight.entries.get(index)
          if (index > recovered.snapshotIndex && kept && kept.term === e.term) {
            expect(recovered.entries.get(index)?.term, `${context}: entry ${index} lost`).toBe(e.term)
          }
        }
        for (let index = recovered.snapshotIndex + 1; index <= recovered.lastIndex; index++) {
          expect(recovered.entries.has(index), `${context}: gap at ${index}`).toBe(true)
        }
      }
    }
  })
})
