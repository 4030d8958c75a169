/**
 * Issue 14, finding 2: a log that ends below the persisted commit index lost committed entries —
 * corruption, not a torn tail — and `WalLogStorage` refuses to open on it.
 */
import type { Entry } from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import {
  MemoryDevice,
  RAFT_STATE_FILE_NAME,
  WalCommittedEntriesLostError,
  WalLogStorage,
} from '../src/index.js'
import { payloadFor } from './helpers.js'

const SEGMENT = '00000000000000000001.wal'
// 218 bytes of data make 254-byte frames, so record 17 starts at byte 4096: a zeroed last block
// leaves zeros from a record boundary on — what the WAL alone takes for a torn write.
const ENTRY_DATA_BYTES = 218
/** A record frame: 24 bytes of header, 12 of entry header, the data. */
const FRAME_BYTES = 24 + 12 + ENTRY_DATA_BYTES

const entries = (from: number, to: number, term: number): Entry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    index: from + i,
    term,
    type: 0,
    data: payloadFor(from + i, ENTRY_DATA_BYTES),
  }))

/** 20 entries at term 1; the commit index `commit` is persisted with a vote (written at once). */
async function committedLog(commit: number): Promise<MemoryDevice> {
  const device = new MemoryDevice()
  const storage = await WalLogStorage.open({ device })
  await storage.save({
    hardState: { term: 1, vote: 'a', commit: 0 },
    entries: entries(1, 20, 1),
    snapshot: null,
  })
  // A term change writes the state file at once, commit included.
  await storage.save({ hardState: { term: 2, vote: 'a', commit }, entries: [], snapshot: null })
  // Power cut: nothing of close() runs.
  return device.crash()
}

/** The image with the last `bytes` of the segment cut off (a lost block, a truncated file). */
function cutTail(device: MemoryDevice, bytes: number): MemoryDevice {
  const files = device.files()
  const segment = files.get(SEGMENT) as Uint8Array
  files.set(SEGMENT, segment.subarray(0, segment.length - bytes))
  return MemoryDevice.fromFiles(files)
}

/** The image with the last 4 KiB-aligned block of the segment zeroed (a lost block). */
function zeroLastBlock(device: MemoryDevice): MemoryDevice {
  const files = device.files()
  const segment = (files.get(SEGMENT) as Uint8Array).slice()
  segment.fill(0, Math.floor((segment.length - 1) / 4096) * 4096)
  files.set(SEGMENT, segment)
  return MemoryDevice.fromFiles(files)
}

describe('a log that ends below the persisted commit index', () => {
  it('is refused when the tail of the last segment is cut (truncated file)', async () => {
    const device = await committedLog(20)
    // Cut the last three entries and part of a fourth.
    const image = cutTail(device, 3 * FRAME_BYTES + 10)
    const error = await WalLogStorage.open({ device: image }).then(
      (storage) => `opened with last index ${storage.lastIndex()}`,
      (caught: unknown) => caught,
    )
    expect(error).toMatchObject({
      code: 'WAL_COMMITTED_ENTRIES_LOST',
      commitIndex: 20,
      lastIndex: 16,
      segment: SEGMENT,
      stateFile: RAFT_STATE_FILE_NAME,
    })
    expect(error).toBeInstanceOf(WalCommittedEntriesLostError)
    // Refused under policy truncate too: the entries are gone either way.
    await expect(WalLogStorage.open({ device: image, corruptionPolicy: 'truncate' })).rejects.toBeInstanceOf(
      WalCommittedEntriesLostError,
    )
  })

  it('is refused when the last block of the last segment is zeroed', async () => {
    const device = await committedLog(20)
    await expect(WalLogStorage.open({ device: zeroLastBlock(device) })).rejects.toMatchObject({
      code: 'WAL_COMMITTED_ENTRIES_LOST',
      commitIndex: 20,
    })
  })

  it('in sync modes batch and none the log is durable before a state that commits it, so a power cut is no loss', async () => {
    for (const syncMode of ['batch', 'none'] as const) {
      const device = new MemoryDevice()
      const storage = await WalLogStorage.open({ device, syncMode })
      await storage.save({ hardState: null, entries: entries(1, 20, 1), snapshot: null })
      await storage.save({ hardState: { term: 2, vote: 'a', commit: 20 }, entries: [], snapshot: null })
      const reopened = await WalLogStorage.open({ device: device.crash(), syncMode })
      expect([reopened.lastIndex(), reopened.initialState().hardState.commit], syncMode).toEqual([20, 20])
      await reopened.close()
    }
  })

  it('a tail cut at every byte: refused below the commit index, recovered at or above it', async () => {
    const device = await committedLog(12)
    const size = device.fileBytes(SEGMENT)?.length as number
    let refused = 0
    let recovered = 0
    for (let cut = 1; cut <= size - 32; cut++) {
      const wholeRecords = Math.floor((size - cut - 32) / FRAME_BYTES)
      const image = cutTail(device, cut)
      if (wholeRecords < 12) {
        await expect(WalLogStorage.open({ device: image }), `cut ${cut}`).rejects.toMatchObject({
          code: 'WAL_COMMITTED_ENTRIES_LOST',
          commitIndex: 12,
          lastIndex: wholeRecords,
        })
        refused++
      } else {
        const storage = await WalLogStorage.open({ device: image })
        expect([storage.lastIndex(), storage.initialState().hardState.commit], `cut ${cut}`).toEqual([
          wholeRecords,
          12,
        ])
        recovered++
      }
    }
    expect(refused + recovered).toBe(size - 32)
    expect(recovered).toBe(8 * FRAME_BYTES)
  })

  it('a torn tail beyond the commit index still recovers as before', async () => {
    const device = await committedLog(12)
    for (const cut of [1, 24, 3 * FRAME_BYTES + 10, 8 * FRAME_BYTES]) {
      const storage = await WalLogStorage.open({ device: cutTail(device, cut) })
      expect(storage.lastIndex(), `cut ${cut}`).toBeGreaterThanOrEqual(12)
      expect(storage.lastIndex(), `cut ${cut}`).toBeLessThan(20)
      expect(storage.initialState().hardState.commit).toBe(12)
      await storage.close()
    }
  })
})
