/**
 * WalLogStorage's paired assertions fire: each check, fed a deliberately inconsistent state (a
 * batch with a gap inside it, a log that ends elsewhere than its WAL, a reopened log that differs
 * from its state file), throws base's InvariantError, and the storage stops at the first one.
 */
import { InvariantError } from '@tandem/base'
import { type Entry, MemoryLog, type PersistBatch } from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { MemoryDevice, WalLogStorage } from '../src/index.js'
import type { PersistedRaftState } from '../src/raft/raft-codec.js'
import {
  checkAppended,
  checkBatchShape,
  checkCompacted,
  checkInstalled,
  checkRestored,
  checkStateRoundTrip,
} from '../src/raft/storage-checks.js'
import { invariant } from './helpers.js'

const entry = (index: number, term: number): Entry => ({ index, term, type: 0, data: new Uint8Array(4) })
const batch = (entries: Entry[]): PersistBatch => ({ hardState: null, entries, snapshot: null })

describe('the WalLogStorage checks (save and reopen)', () => {
  it('refuse a batch that is not contiguous, has decreasing terms or lies within its snapshot', () => {
    checkBatchShape(batch([entry(3, 1), entry(4, 2)]))
    invariant(() => checkBatchShape(batch([entry(3, 1), entry(5, 1)])))
    invariant(() => checkBatchShape(batch([entry(3, 2), entry(4, 1)])))
    invariant(() => checkBatchShape(batch([entry(0, 1)])))
    const snapshot = {
      metadata: { index: 9, term: 2, confState: new MemoryLog().initialState().confState },
      data: new Uint8Array(),
    }
    invariant(() => checkBatchShape({ hardState: null, entries: [entry(8, 2), entry(9, 2)], snapshot }))
  })

  it('refuse a log or WAL that does not end where an append, install or compaction left it', () => {
    const log = new MemoryLog()
    log.append([entry(1, 1), entry(2, 1), entry(3, 2)])
    checkAppended(entry(3, 2), log, { firstIndex: 1, lastIndex: 3 })
    invariant(() => checkAppended(entry(3, 3), log, { firstIndex: 1, lastIndex: 3 }))
    invariant(() => checkAppended(entry(3, 2), log, { firstIndex: 1, lastIndex: 4 }))
    invariant(() => checkInstalled(3, 2, log, { firstIndex: 4, lastIndex: 3 }))
    invariant(() => checkCompacted(1, 3, log, { firstIndex: 2, lastIndex: 3 }))
  })

  it('refuse a reopened log that differs from its WAL or its state file', () => {
    const log = new MemoryLog()
    log.append([entry(1, 1), entry(2, 1)])
    log.setHardState({ term: 1, vote: 'a', commit: 2 })
    const restored = { snapshotIndex: 0, entries: [entry(1, 1), entry(2, 1)], hardState: log.hardState }
    checkRestored(restored, log, { firstIndex: 1, lastIndex: 2 })
    invariant(() => checkRestored(restored, log, { firstIndex: 1, lastIndex: 3 }))
    invariant(() =>
      checkRestored({ ...restored, entries: [entry(1, 1), entry(3, 1)] }, log, {
        firstIndex: 1,
        lastIndex: 2,
      }),
    )
    invariant(() =>
      checkRestored({ ...restored, hardState: { term: 2, vote: 'a', commit: 2 } }, log, {
        firstIndex: 1,
        lastIndex: 2,
      }),
    )
    log.setHardState({ term: 1, vote: 'a', commit: 3 })
    expect(
      invariant(() =>
        checkRestored({ ...restored, hardState: log.hardState }, log, { firstIndex: 1, lastIndex: 2 }),
      ).message,
    ).toMatch(/beyond the log's end/)
  })

  it('refuse state bytes that decode to another state than the one meant', () => {
    const meant: PersistedRaftState = {
      hardState: { term: 3, vote: 'b', commit: 9 },
      confIndex: 4,
      confState: { voters: ['a', 'b'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
    }
    checkStateRoundTrip(meant, structuredClone(meant))
    invariant(() => checkStateRoundTrip(meant, { ...meant, hardState: { ...meant.hardState, vote: null } }))
    invariant(() =>
      checkStateRoundTrip(meant, { ...meant, confState: { ...meant.confState, voters: ['a'] } }),
    )
  })

  it('a malformed batch rejects with the InvariantError before touching the disk, and the storage stops', async () => {
    const device = new MemoryDevice()
    const storage = await WalLogStorage.open({ device })
    await storage.save(batch([entry(1, 1), entry(2, 1)]))
    const operations = device.operationCount
    const failure = await storage.save(batch([entry(3, 1), entry(5, 1)])).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(InvariantError)
    expect(device.operationCount).toBe(operations)
    expect(storage.lastIndex()).toBe(2)
    // Every later write refuses with the same error: the storage's state is no longer trusted.
    await expect(storage.save(batch([entry(3, 1)]))).rejects.toBe(failure)
    await expect(storage.setConfState(storage.initialState().confState, 2)).rejects.toBe(failure)
    // close() reports it too; the disk holds what was saved before the refused batch.
    await expect(storage.close()).rejects.toBe(failure)
    expect((await WalLogStorage.open({ device })).lastIndex()).toBe(2)
  })

  it('an ordinary gap is still the memory log operating error, and the storage goes on', async () => {
    const storage = await WalLogStorage.open({ device: new MemoryDevice() })
    await storage.save(batch([entry(1, 1)]))
    await expect(storage.save(batch([entry(3, 1)]))).rejects.toMatchObject({ code: 'RAFT_LOG_UNAVAILABLE' })
    await storage.save(batch([entry(2, 1)]))
    expect(storage.lastIndex()).toBe(2)
  })
})
