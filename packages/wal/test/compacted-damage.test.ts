/**
 * Issue 14, finding 1: damage to records that `compactPrefix` already discarded (but that still sit
 * in the first segment) must never cost a live record.
 */

import { SeededRandom } from '@tandem/base'
import type { Entry } from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { MemoryDevice, openWal, StateFile, WalCorruptionError, WalLogStorage } from '../src/index.js'
import { equalBytes, payloadFor, readAll } from './helpers.js'

const SEGMENT = '00000000000000000001.wal'
const PAYLOAD_BYTES = 100
const FRAME_BYTES = 24 + PAYLOAD_BYTES
const SEGMENT_HEADER_BYTES = 32

/** Ten records of 100 B in one segment, compacted through 5, closed. */
async function compactedLog(
  count = 10,
  through = 5,
  segmentBytesMax = 64 * 1024,
): Promise<{ device: MemoryDevice; deadEnd: number }> {
  const device = new MemoryDevice()
  const wal = await openWal({ device, segmentBytesMax })
  for (let tag = 1; tag <= count; tag++)
    await wal.append([{ type: 3, payload: payloadFor(tag, PAYLOAD_BYTES) }])
  await wal.compactPrefix(through)
  await wal.close()
  return { device, deadEnd: SEGMENT_HEADER_BYTES + through * FRAME_BYTES }
}

async function expectLive(device: MemoryDevice, first: number, last: number, label: string): Promise<void> {
  const wal = await openWal({ device })
  expect(wal.firstIndex, label).toBe(first)
  expect(wal.lastIndex, label).toBe(last)
  const records = await readAll(wal)
  expect(
    records.map((record) => record.index),
    label,
  ).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i))
  for (const record of records) {
    expect(equalBytes(record.payload, payloadFor(record.index, PAYLOAD_BYTES)), label).toBe(true)
  }
  await wal.close()
}

describe('damage below the first index', () => {
  it('a flipped bit in a compacted record costs no live record (the reproduction of issue 14)', async () => {
    const { device } = await compactedLog()
    const image = MemoryDevice.fromFiles(device.files())
    image.flipBit(SEGMENT, 200, 0) // inside record 2 (bytes 156..279)
    const wal = await openWal({ device: image })
    expect(wal.firstIndex).toBe(6)
    expect(wal.lastIndex).toBe(10)
    expect((await readAll(wal)).map((record) => record.index)).toEqual([6, 7, 8, 9, 10])
    await wal.close()
    // Policy truncate must not cut either.
    const truncating = await openWal({
      device: MemoryDevice.fromFiles(image.files()),
      corruptionPolicy: 'truncate',
    })
    expect([truncating.firstIndex, truncating.lastIndex]).toEqual([6, 10])
    expect(truncating.recovery.corruptionDropped).toBeNull()
  })

  it('a corrupted length field of a compacted record (framing destroyed) costs no live record', async () => {
    const { device } = await compactedLog()
    const image = MemoryDevice.fromFiles(device.files())
    const record3 = SEGMENT_HEADER_BYTES + 2 * FRAME_BYTES
    image.flipBit(SEGMENT, record3 + 2, 5) // the length field of record 3
    await expectLive(image, 6, 10, 'length flip')
  })

  it('a zeroed segment header of a segment holding live records costs no live record', async () => {
    const { device } = await compactedLog()
    const files = device.files()
    const bytes = (files.get(SEGMENT) as Uint8Array).slice()
    bytes.fill(0, 0, SEGMENT_HEADER_BYTES)
    files.set(SEGMENT, bytes)
    await expectLive(MemoryDevice.fromFiles(files), 6, 10, 'header zeroed')
  })

  it('a compaction that emptied the log and was cut short leaves a segment that is removed unread', async () => {
    const { device } = await compactedLog(10, 5)
    const before = device.files()
    const after = MemoryDevice.fromFiles(before)
    const wal = await openWal({ device: after })
    await wal.compactPrefix(10) // empties the log: wal.meta says so, then the segment goes
    await wal.close()
    expect(after.files().has(SEGMENT)).toBe(false)
    // The crash came between the two steps, and the segment is damaged as well.
    const files = new Map([...after.files(), [SEGMENT, before.get(SEGMENT) as Uint8Array]])
    const image = MemoryDevice.fromFiles(files)
    image.flipBit(SEGMENT, 500, 3)
    const reopened = await openWal({ device: image })
    expect([reopened.firstIndex, reopened.lastIndex]).toEqual([11, 10])
    expect(reopened.recovery.obsoleteSegmentsRemoved).toEqual([SEGMENT])
    expect(image.files().has(SEGMENT)).toBe(false)
    expect(await reopened.append([{ type: 1, payload: payloadFor(11, 5) }])).toEqual({
      firstIndex: 11,
      lastIndex: 11,
    })
    await reopened.close()
  })

  it('reports the compacted damage it stepped over, and verify() does too', async () => {
    const { device, deadEnd } = await compactedLog()
    const image = MemoryDevice.fromFiles(device.files())
    image.flipBit(SEGMENT, 200, 0)
    const wal = await openWal({ device: image })
    expect(wal.recovery.compacted).toEqual({
      segment: SEGMENT,
      bytes: deadEnd,
      recordsIntact: 4,
      recordsDamaged: 1,
      damage: {
        kind: 'corrupt',
        offset: SEGMENT_HEADER_BYTES + FRAME_BYTES,
        reason: 'compacted record 2: record payload checksum mismatch',
      },
    })
    const report = await wal.verify()
    expect(report.ok).toBe(true)
    expect(report.records).toBe(5)
    expect(report.compacted.map((region) => region.damage?.offset)).toEqual([
      SEGMENT_HEADER_BYTES + FRAME_BYTES,
    ])
    // Appending, a further compaction inside the same segment and reopening keep working.
    await wal.append([{ type: 3, payload: payloadFor(11, PAYLOAD_BYTES) }])
    await wal.compactPrefix(7)
    await wal.close()
    await expectLive(image, 8, 11, 'after a second compaction')
  })

  it('through WalLogStorage: damage in compacted entries loses no committed entry', async () => {
    const device = new MemoryDevice()
    const storage = await WalLogStorage.open({ device })
    const entries: Entry[] = Array.from({ length: 20 }, (_, i) => ({
      index: i + 1,
      term: 1,
      type: 0,
      data: payloadFor(i + 1, 60),
    }))
    await storage.save({ hardState: { term: 1, vote: 'a', commit: 20 }, entries, snapshot: null })
    const confState = { voters: ['a'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
    await storage.compact({ metadata: { index: 10, term: 1, confState }, data: payloadFor(10, 50) })
    await storage.close()
    const image = MemoryDevice.fromFiles(device.files())
    image.flipBit(SEGMENT, SEGMENT_HEADER_BYTES + 2 * (24 + 12 + 60) + 3, 6) // the length of entry 3
    const reopened = await WalLogStorage.open({ device: image })
    expect([reopened.firstIndex(), reopened.lastIndex()]).toEqual([11, 20])
    expect(reopened.entries(11, 21, Number.POSITIVE_INFINITY)).toEqual(entries.slice(10))
    expect(reopened.initialState().hardState.commit).toBe(20)
    await reopened.close()
  })

  it('damage at the first live record is still refused', async () => {
    const { device, deadEnd } = await compactedLog()
    const image = MemoryDevice.fromFiles(device.files())
    image.flipBit(SEGMENT, deadEnd + 40, 1) // payload of record 6
    await expect(openWal({ device: image })).rejects.toMatchObject({
      code: 'WAL_CORRUPTION',
      segment: SEGMENT,
      offset: deadEnd,
    })
  })
})

// ---------------------------------------------------------------------------------------------
// Seeded random trials: damage confined to the compacted bytes never costs a live record (with
// wal.meta version 2, which knows where the live records start, and with a version-1 wal.meta,
// where recovery resynchronises); a flipped bit in the first live record is always refused.

const SEED = Number(process.env.TANDEM_SEED ?? 20261207)
const BIT_FLIP_TRIALS = 1000
const ZEROED_BLOCK_TRIALS = 300
const LIVE_FLIP_TRIALS = 200
const BLOCK_BYTES = 4096

interface Trial {
  readonly device: MemoryDevice
  readonly sizes: readonly number[]
  readonly firstLive: number
  /** The segment holding compacted records in front of the first live one, and that record's offset. */
  readonly segment: string
  readonly liveOffset: number
}

/** A random log compacted so that its first segment keeps compacted records before live ones. */
async function randomTrial(random: SeededRandom, tag: number): Promise<Trial> {
  for (;;) {
    const count = 8 + random.nextInt(60)
    const sizes = Array.from({ length: count }, () => 1 + random.nextInt(400))
    const segmentBytesMax = random.nextFloat() < 0.5 ? 64 * 1024 : 4096 + random.nextInt(8000)
    const through = 1 + random.nextInt(count - 1)
    const device = new MemoryDevice()
    const wal = await openWal({ device, segmentBytesMax })
    for (let index = 1; index <= count; index++) {
      await wal.append([
        { type: index % 256, payload: payloadFor(tag * 1000 + index, sizes[index - 1] as number) },
      ])
    }
    await wal.compactPrefix(through)
    await wal.close()
    const segments = [...device.files().keys()].filter((name) => name.endsWith('.wal')).sort()
    const first = segments[0] as string
    const segmentFirst = Number(first.slice(0, 20))
    if (segmentFirst >= through + 1) continue // the live records start their own segment: no compacted bytes
    let offset = SEGMENT_HEADER_BYTES
    for (let index = segmentFirst; index <= through; index++) offset += 24 + (sizes[index - 1] as number)
    return { device, sizes, firstLive: through + 1, segment: first, liveOffset: offset }
  }
}

async function expectAllLive(trial: Trial, device: MemoryDevice, tag: number, label: string): Promise<void> {
  const count = trial.sizes.length
  const wal = await openWal({ device, corruptionPolicy: tag % 2 === 0 ? 'refuse' : 'truncate' })
  expect([wal.firstIndex, wal.lastIndex], label).toEqual([trial.firstLive, count])
  expect(wal.recovery.corruptionDropped, label).toBeNull()
  expect(wal.recovery.tornTail, label).toBeNull()
  const records = await readAll(wal)
  expect(records.length, label).toBe(count - trial.firstLive + 1)
  for (const record of records) {
    const expected = payloadFor(tag * 1000 + record.index, trial.sizes[record.index - 1] as number)
    expect(equalBytes(record.payload, expected), `${label}: record ${record.index}`).toBe(true)
    expect(record.type, label).toBe(record.index % 256)
  }
  expect((await wal.verify()).ok, label).toBe(true)
  await wal.close()
}

/** The same image with its wal.meta rewritten in version 1 (no live offset): the resync path. */
async function withVersion1Meta(image: MemoryDevice, firstLive: number): Promise<MemoryDevice> {
  const legacy = MemoryDevice.fromFiles(image.files())
  const payload = new Uint8Array(16)
  payload[0] = 1
  new DataView(payload.buffer).setUint32(8, firstLive, true)
  await new StateFile(legacy, 'wal.meta').save(payload)
  return legacy
}

describe(`random damage below the first index (seed ${SEED}; rerun with TANDEM_SEED=${SEED})`, () => {
  it(`${BIT_FLIP_TRIALS} bit flips and ${ZEROED_BLOCK_TRIALS} zeroed 4 KiB blocks in compacted bytes lose no live record`, async () => {
    const random = new SeededRandom(SEED)
    let flips = 0
    let blocks = 0
    let damagedReported = 0
    for (let trialNumber = 0; trialNumber < BIT_FLIP_TRIALS + ZEROED_BLOCK_TRIALS; trialNumber++) {
      const trial = await randomTrial(random, trialNumber)
      const image = MemoryDevice.fromFiles(trial.device.files())
      let label: string
      if (trialNumber < BIT_FLIP_TRIALS) {
        const offset = random.nextInt(trial.liveOffset)
        const bit = random.nextInt(8)
        image.flipBit(trial.segment, offset, bit)
        label = `seed ${SEED} trial ${trialNumber}: bit ${bit} of byte ${offset} of ${trial.segment} (live from ${trial.liveOffset})`
        flips++
      } else {
        // A 4 KiB-aligned block, clipped to the compacted bytes (the segment header included).
        const block = random.nextInt(Math.ceil(trial.liveOffset / BLOCK_BYTES)) * BLOCK_BYTES
        const files = image.files()
        const bytes = (files.get(trial.segment) as Uint8Array).slice()
        bytes.fill(0, block, Math.min(block + BLOCK_BYTES, trial.liveOffset))
        files.set(trial.segment, bytes)
        label = `seed ${SEED} trial ${trialNumber}: zeroed [${block}, ${Math.min(block + BLOCK_BYTES, trial.liveOffset)}) of ${trial.segment}`
        await expectAllLive(trial, MemoryDevice.fromFiles(files), trialNumber, label)
        await expectAllLive(
          trial,
          await withVersion1Meta(MemoryDevice.fromFiles(files), trial.firstLive),
          trialNumber,
          `${label} (wal.meta v1)`,
        )
        blocks++
        continue
      }
      const opened = await openWal({ device: MemoryDevice.fromFiles(image.files()) })
      if (opened.recovery.compacted?.damage) damagedReported++
      await opened.close()
      await expectAllLive(trial, image, trialNumber, label)
      await expectAllLive(
        trial,
        await withVersion1Meta(image, trial.firstLive),
        trialNumber,
        `${label} (wal.meta v1)`,
      )
    }
    expect([flips, blocks]).toEqual([BIT_FLIP_TRIALS, ZEROED_BLOCK_TRIALS])
    // Every flip lands in a checksummed byte, so recovery reports each one as compacted damage.
    expect(damagedReported).toBe(BIT_FLIP_TRIALS)
  }, 120_000)

  it(`${BIT_FLIP_TRIALS} bit flips anywhere in the segments: opened whole when below the first index, refused otherwise`, async () => {
    const random = new SeededRandom(SEED + 2)
    let below = 0
    let refused = 0
    for (let trialNumber = 0; trialNumber < BIT_FLIP_TRIALS; trialNumber++) {
      const trial = await randomTrial(random, trialNumber)
      const segments = [...trial.device.files()].filter(([name]) => name.endsWith('.wal'))
      const total = segments.reduce((sum, [, bytes]) => sum + bytes.length, 0)
      let offset = random.nextInt(total)
      let victim = segments[0] as [string, Uint8Array]
      for (const segment of segments) {
        if (offset < segment[1].length) {
          victim = segment
          break
        }
        offset -= segment[1].length
      }
      const bit = random.nextInt(8)
      const image = MemoryDevice.fromFiles(trial.device.files())
      image.flipBit(victim[0], offset, bit)
      const label = `seed ${SEED + 2} trial ${trialNumber}: bit ${bit} of byte ${offset} of ${victim[0]} (live from ${trial.liveOffset} of ${trial.segment})`
      if (victim[0] === trial.segment && offset < trial.liveOffset) {
        below++
        await expectAllLive(trial, image, trialNumber, label)
      } else {
        refused++
        await expect(openWal({ device: image }), label).rejects.toBeInstanceOf(WalCorruptionError)
      }
    }
    // Both kinds were drawn.
    expect(below).toBeGreaterThan(50)
    expect(refused).toBeGreaterThan(50)
  }, 120_000)

  it(`${LIVE_FLIP_TRIALS} bit flips in the first live record are refused, with either wal.meta version`, async () => {
    const random = new SeededRandom(SEED + 1)
    for (let trialNumber = 0; trialNumber < LIVE_FLIP_TRIALS; trialNumber++) {
      const trial = await randomTrial(random, trialNumber)
      const frameBytes = 24 + (trial.sizes[trial.firstLive - 1] as number)
      const offset = trial.liveOffset + random.nextInt(frameBytes)
      const bit = random.nextInt(8)
      const image = MemoryDevice.fromFiles(trial.device.files())
      image.flipBit(trial.segment, offset, bit)
      const label = `seed ${SEED + 1} trial ${trialNumber}: bit ${bit} of byte ${offset} of ${trial.segment} (live from ${trial.liveOffset})`
      for (const device of [image, await withVersion1Meta(image, trial.firstLive)]) {
        const error = await openWal({ device }).then(
          () => null,
          (caught: unknown) => caught,
        )
        expect(error, label).toBeInstanceOf(WalCorruptionError)
        expect((error as WalCorruptionError).segment, label).toBe(trial.segment)
        expect((error as WalCorruptionError).offset, label).toBeGreaterThanOrEqual(trial.liveOffset)
      }
    }
  }, 120_000)
})
