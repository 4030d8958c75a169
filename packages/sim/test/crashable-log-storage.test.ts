import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import {
  CrashableLogStorage,
  type LogStorageLike,
  type StorageBatch,
} from '../src/disk/crashable-log-storage.js'
import { Scheduler } from '../src/world/scheduler.js'

interface E {
  readonly index: number
  readonly term: number
  readonly data: Uint8Array
}
interface H {
  readonly term: number
  readonly commit: number
}

/** A minimal durable image: entries from index 1, a hard state, no snapshots. */
class ArrayStorage implements LogStorageLike<E, H, null, null> {
  log: E[] = []
  hardState: H = { term: 0, commit: 0 }
  initialState() {
    return { hardState: this.hardState, confState: null }
  }
  entries(low: number, high: number): readonly E[] {
    return this.log.slice(low - 1, high - 1)
  }
  term(index: number): number {
    if (index === 0) return 0
    const entry = this.log[index - 1]
    if (entry === undefined) throw new RangeError(`no entry ${index}`)
    return entry.term
  }
  firstIndex(): number {
    return 1
  }
  lastIndex(): number {
    return this.log.length
  }
  snapshot(): null {
    return null
  }
  async save(batch: StorageBatch<E, H, null>): Promise<void> {
    const first = batch.entries[0]
    if (first !== undefined) this.log = [...this.log.slice(0, first.index - 1), ...batch.entries]
    if (batch.hardState !== null) this.hardState = batch.hardState
  }
  async compact(): Promise<void> {}
}

const entries = (from: number, count: number, term: number): E[] =>
  Array.from({ length: count }, (_, i) => ({ index: from + i, term, data: new Uint8Array([from + i]) }))

function setup(seed = 1) {
  const scheduler = new Scheduler()
  const durable = new ArrayStorage()
  const durableSeen: string[] = []
  const committedSeen: number[] = []
  const storage = new CrashableLogStorage({
    durable,
    scheduler,
    random: new SeededRandom(seed),
    latency: { minMs: 1, meanMs: 5 },
    observer: {
      onEntriesDurable: (prevTerm, written) =>
        durableSeen.push(`${prevTerm}:${written.map((entry) => entry.index).join(',')}`),
      onCommittedDurable: (committed) => committedSeen.push(...committed.map((entry) => entry.index)),
    },
    label: 'n1',
  })
  return { scheduler, durable, storage, durableSeen, committedSeen }
}

describe('CrashableLogStorage', () => {
  it('completes writes in order after simulated latency, and reports them to the checkers', async () => {
    const { scheduler, durable, storage, durableSeen, committedSeen } = setup()
    const done: number[] = []
    void storage.save({ hardState: null, entries: entries(1, 2, 1), snapshot: null }).then(() => done.push(1))
    void storage
      .save({ hardState: { term: 1, commit: 2 }, entries: entries(3, 1, 1), snapshot: null })
      .then(() => done.push(2))
    expect(durable.lastIndex()).toBe(0)
    await scheduler.run({ untilMs: 1000, eventsMax: 100 })
    expect(done).toEqual([1, 2])
    expect(durable.lastIndex()).toBe(3)
    expect(durableSeen).toEqual(['0:1,2', '1:3'])
    expect(committedSeen).toEqual([1, 2])
  })

  it('loses every write still pending at a crash, and never settles them', async () => {
    const { scheduler, durable, storage } = setup()
    void storage.save({ hardState: { term: 1, commit: 0 }, entries: entries(1, 1, 1), snapshot: null })
    await scheduler.run({ untilMs: 100, eventsMax: 100 })
    let settled = false
    void storage
      .save({ hardState: { term: 2, commit: 1 }, entries: entries(2, 1, 2), snapshot: null })
      .then(() => {
        settled = true
      })
    storage.crash(0)
    await scheduler.run({ untilMs: 1000, eventsMax: 100 })
    expect(settled).toBe(false)
    expect(durable.lastIndex()).toBe(1)
    expect(durable.hardState).toEqual({ term: 1, commit: 0 })
  })

  it('tears the first pending write: a strict prefix of its entries survives, its hard state does not', async () => {
    let torn = 0
    for (let seed = 1; seed <= 50; seed++) {
      const { scheduler, durable, storage } = setup(seed)
      void storage.save({ hardState: { term: 3, commit: 5 }, entries: entries(1, 5, 3), snapshot: null })
      storage.crash(1)
      await scheduler.run({ untilMs: 1000, eventsMax: 100 })
      expect(durable.lastIndex(), `seed ${seed}`).toBeLessThan(5)
      expect(durable.hardState, `seed ${seed}`).toEqual({ term: 0, commit: 0 })
      if (durable.lastIndex() > 0) torn++
    }
    expect(torn).toBeGreaterThan(20)
  })

  it('serves reads from the durable image', async () => {
    const { scheduler, storage } = setup()
    void storage.save({ hardState: null, entries: entries(1, 3, 2), snapshot: null })
    await scheduler.run({ untilMs: 1000, eventsMax: 100 })
    expect(storage.lastIndex()).toBe(3)
    expect(storage.term(2)).toBe(2)
    expect(storage.entries(2, 4, 1000).map((entry) => entry.index)).toEqual([2, 3])
  })
})
