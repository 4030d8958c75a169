/**
 * `WalLogStorage.persistedCommitIndex`: the commit index a crash cannot take back. It must advance
 * only once the hard state holding it is durable.
 */
import type { Entry } from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { DeviceCrashedError, MemoryDevice, WalLogStorage } from '../src/index.js'
import { payloadFor } from './helpers.js'

const entries = (from: number, to: number, term: number): Entry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    index: from + i,
    term,
    type: 0,
    data: payloadFor(from + i, 30),
  }))

const snapshotAt = (index: number, term: number) => ({
  metadata: {
    index,
    term,
    confState: { voters: ['a'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
  },
  data: payloadFor(index, 100),
})

/**
 * A workload that moves the commit index lazily and eagerly; `observe` is called after every step
 * with the storage, so the caller sees every value `persistedCommitIndex` took.
 */
async function workload(device: MemoryDevice, observe: (storage: WalLogStorage) => void): Promise<void> {
  const storage = await WalLogStorage.open({ device })
  observe(storage)
  await storage.save({
    hardState: { term: 1, vote: 'a', commit: 0 },
    entries: entries(1, 10, 1),
    snapshot: null,
  })
  observe(storage)
  await storage.save({
    hardState: { term: 1, vote: 'a', commit: 6 },
    entries: entries(11, 12, 1),
    snapshot: null,
  })
  observe(storage)
  await storage.save({ hardState: { term: 2, vote: 'a', commit: 9 }, entries: [], snapshot: null })
  observe(storage)
  await storage.save({ hardState: { term: 2, vote: 'a', commit: 11 }, entries: [], snapshot: null })
  observe(storage)
  await storage.compact(snapshotAt(10, 1))
  observe(storage)
  await storage.close()
  observe(storage)
}

describe('persistedCommitIndex', () => {
  it('advances with durable state writes only, never with a lazily kept commit', async () => {
    const seen: [number, number][] = []
    await workload(new MemoryDevice(), (storage) =>
      seen.push([storage.initialState().hardState.commit, storage.persistedCommitIndex]),
    )
    // [commit of the last save, persisted]: the commit 6 and 11 changes alone are kept in memory,
    // the term change writes 9, the snapshot at 10 commits through 10, close writes 11.
    expect(seen).toEqual([
      [0, 0],
      [0, 0],
      [6, 0],
      [9, 9],
      [11, 9],
      [11, 10],
      [11, 11],
    ])
  })

  it('a power cut at any device operation keeps at least the persisted commit index seen before it', async () => {
    const clean = new MemoryDevice()
    await workload(clean, () => undefined)
    let cuts = 0
    for (let operation = 1; operation <= clean.operationCount; operation++) {
      const device = new MemoryDevice({ powerCutAtOperation: operation })
      let highest = 0
      // Polled after every step and on every microtask turn while a step is in flight.
      let current: WalLogStorage | null = null
      let polling = true
      const poll = async (): Promise<void> => {
        while (polling) {
          if (current) highest = Math.max(highest, current.persistedCommitIndex)
          await Promise.resolve()
        }
      }
      const poller = poll()
      try {
        await workload(device, (storage) => {
          current = storage
          highest = Math.max(highest, storage.persistedCommitIndex)
        })
      } catch (error) {
        if (!(error instanceof DeviceCrashedError) && (error as { cause?: unknown }).cause === undefined)
          throw error
      }
      polling = false
      await poller
      const reopened = await WalLogStorage.open({ device: device.crash() })
      expect(
        reopened.initialState().hardState.commit,
        `power cut at operation ${operation}`,
      ).toBeGreaterThanOrEqual(highest)
      expect(reopened.persistedCommitIndex, `power cut at operation ${operation}`).toBeGreaterThanOrEqual(
        highest,
      )
      await reopened.close()
      cuts++
    }
    expect(cuts).toBeGreaterThan(20)
  })
})
