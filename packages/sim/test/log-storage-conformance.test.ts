/**
 * The simulator's disks run raft's LogStorage conformance suite (`@tandem/raft/testing`), so a
 * simulated node relies on the same storage behaviour as a real one: the crashable write queue
 * over raft's in-memory log (the `memory` disk) and the observing wrapper the `wal` disk puts
 * around `WalLogStorage`.
 */
import { SeededRandom } from '@tandem/base'
import {
  type ConfState,
  type Entry,
  type HardState,
  type LogStorage,
  MemoryLogStorage,
  type Snapshot,
} from '@tandem/raft'
import { logStorageSuite } from '@tandem/raft/testing'
import { CrashableLogStorage } from '../src/disk/crashable-log-storage.js'
import { ObservedLogStorage } from '../src/disk/observed-log-storage.js'
import { Scheduler } from '../src/world/scheduler.js'

/**
 * In a simulation the scheduler is always running; here every write runs it until the write has
 * completed (a write completes after simulated latency, as an event).
 */
function driven(storage: LogStorage, scheduler: Scheduler): LogStorage {
  const complete = async (write: Promise<void>): Promise<void> => {
    // Hold the outcome at once, so that a refused write is not reported as unhandled meanwhile.
    const outcome = write.then(
      () => null,
      (error: unknown) => ({ error }),
    )
    await scheduler.run({ untilMs: scheduler.nowMs + 60_000, eventsMax: 10_000 })
    const refused = await outcome
    if (refused !== null) throw refused.error
  }
  return Object.assign(Object.create(storage) as LogStorage, {
    save: (batch: Parameters<LogStorage['save']>[0]) => complete(storage.save(batch)),
    compact: (snapshot: Snapshot) => complete(storage.compact(snapshot)),
  })
}

logStorageSuite("the simulator's crashable storage over raft's in-memory log", {
  setup: () => {
    const scheduler = new Scheduler()
    const crashable = new CrashableLogStorage<Entry, HardState, Snapshot, ConfState>({
      durable: new MemoryLogStorage(),
      scheduler,
      random: new SeededRandom(1),
      latency: { minMs: 0.5, meanMs: 3 },
      observer: null,
      label: 'n1',
    })
    return driven(crashable as LogStorage, scheduler)
  },
})

logStorageSuite("the simulator's observed storage (the wal disk's wrapper) over raft's in-memory log", {
  setup: () =>
    new ObservedLogStorage<Entry, HardState, Snapshot, ConfState>(new MemoryLogStorage(), {
      onEntriesDurable: () => {},
      onCommittedDurable: () => {},
    }) as LogStorage,
})
