import { ManualClock } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import {
  MemoryDevice,
  openWal,
  WalArgumentError,
  WalClosedError,
  WalFailedError,
  type WalRecord,
} from '../src/index.js'
import { payloadFor, readAll } from './helpers.js'

const record = (tag: number, length = 40, type = 1): WalRecord => ({ type, payload: payloadFor(tag, length) })

describe('Wal', () => {
  it('appends, reads by index, reads ranges and iterates', async () => {
    const wal = await openWal({ device: new MemoryDevice() })
    const first = await wal.append([record(1), record(2, 0, 7)])
    const second = await wal.append([record(3, 1000)])
    expect(first).toEqual({ firstIndex: 1, lastIndex: 2 })
    expect(second).toEqual({ firstIndex: 3, lastIndex: 3 })
    expect(await wal.read(2)).toEqual({ index: 2, type: 7, payload: new Uint8Array(0) })
    expect((await wal.read(3)).payload).toEqual(payloadFor(3, 1000))
    const range = await wal.readRange(1, 4)
    expect(range.map((r) => r.index)).toEqual([1, 2, 3])
    expect((await wal.readRange(1, 4, { payloadBytesMax: 1 })).length).toBe(1)
    expect((await readAll(wal)).map((r) => r.index)).toEqual([1, 2, 3])
    await expect(wal.read(0)).rejects.toBeInstanceOf(WalArgumentError)
    await expect(wal.read(4)).rejects.toBeInstanceOf(WalArgumentError)
    await wal.close()
  })

  it('reopens with every record, and continues the indices', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device })
    await wal.append([record(1), record(2)])
    await wal.close()
    const reopened = await openWal({ device })
    expect(reopened.firstIndex).toBe(1)
    expect(reopened.lastIndex).toBe(2)
    expect(await reopened.append([record(3)])).toEqual({ firstIndex: 3, lastIndex: 3 })
    expect((await readAll(reopened)).map((r) => r.payload)).toEqual(
      [1, 2, 3].map((tag) => payloadFor(tag, 40)),
    )
  })

  it('rotates segments at the configured size and names them by first index', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device, segmentBytesMax: 4096 })
    for (let tag = 1; tag <= 30; tag++) await wal.append([record(tag, 500)])
    const names = [...device.files().keys()].filter((name) => name.endsWith('.wal')).sort()
    expect(names.length).toBeGreaterThan(3)
    expect(names[0]).toBe('00000000000000000001.wal')
    for (const name of names) expect(device.fileBytes(name)?.length).toBeLessThanOrEqual(4096)
    expect(wal.stats().segments).toBe(names.length)
    const reopened = await openWal({ device, segmentBytesMax: 4096 })
    expect((await readAll(reopened)).map((r) => r.index)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
  })

  it('shares one write and one sync among appends that arrive together (group commit)', async () => {
    const wal = await openWal({ device: new MemoryDevice() })
    const results = await Promise.all(Array.from({ length: 50 }, (_, tag) => wal.append([record(tag)])))
    expect(results.map((r) => r.firstIndex)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const stats = wal.stats()
    expect(stats.groupCommit.batches).toBe(1)
    expect(stats.groupCommit.maxRecords).toBe(50)
    expect(stats.dataSyncs).toBe(2) // the new segment's header, then the batch
    expect(stats.groupCommit.histogram[5]).toBe(1)
  })

  it('appends arriving during an in-flight sync share the next one', async () => {
    const wal = await openWal({ device: new MemoryDevice() })
    const first = wal.append([record(1)])
    await Promise.resolve()
    // Queued while the first batch is being written and synced.
    const rest = Array.from({ length: 10 }, (_, tag) => wal.append([record(tag + 2)]))
    await Promise.all([first, ...rest])
    expect(wal.stats().groupCommit.batches).toBeLessThanOrEqual(2)
  })

  it('a read of a record still being written waits for its write, not for an idle queue', async () => {
    const wal = await openWal({ device: new MemoryDevice() })
    let stop = false
    const writer = (async () => {
      for (let tag = 0; !stop; tag++) await wal.append([record(tag)])
    })()
    const pending = wal.append([record(1000)])
    const read = await wal.read(wal.lastIndex)
    expect(read.payload).toEqual(payloadFor(1000, 40))
    stop = true
    await Promise.all([writer, pending])
  })

  it('truncateSuffix removes the tail across segments and survives reopening', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device, segmentBytesMax: 4096 })
    for (let tag = 1; tag <= 20; tag++) await wal.append([record(tag, 600)])
    await wal.truncateSuffix(4)
    expect(wal.lastIndex).toBe(3)
    expect(await wal.append([record(100)])).toEqual({ firstIndex: 4, lastIndex: 4 })
    const reopened = await openWal({ device, segmentBytesMax: 4096 })
    const records = await readAll(reopened)
    expect(records.map((r) => r.index)).toEqual([1, 2, 3, 4])
    expect(records[3]?.payload).toEqual(payloadFor(100, 40))
    await expect(reopened.truncateSuffix(6)).rejects.toBeInstanceOf(WalArgumentError)
    await reopened.truncateSuffix(1)
    expect(reopened.lastIndex).toBe(0)
    await reopened.append([record(5)])
    expect((await readAll(await openWal({ device }))).map((r) => r.index)).toEqual([1])
  })

  it('compactPrefix drops whole segments, hides the rest, and can empty the log', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device, segmentBytesMax: 4096 })
    for (let tag = 1; tag <= 20; tag++) await wal.append([record(tag, 600)])
    const segmentsBefore = wal.stats().segments
    await wal.compactPrefix(10)
    expect(wal.firstIndex).toBe(11)
    expect(wal.stats().segments).toBeLessThan(segmentsBefore)
    await expect(wal.read(10)).rejects.toBeInstanceOf(WalArgumentError)
    let reopened = await openWal({ device, segmentBytesMax: 4096 })
    expect(reopened.firstIndex).toBe(11)
    expect((await readAll(reopened))[0]?.index).toBe(11)
    await reopened.compactPrefix(50)
    expect(reopened.firstIndex).toBe(51)
    expect(reopened.lastIndex).toBe(50)
    expect(await reopened.append([record(51)])).toEqual({ firstIndex: 51, lastIndex: 51 })
    reopened = await openWal({ device })
    expect((await readAll(reopened)).map((r) => r.index)).toEqual([51])
  })

  it('starts a new log at a chosen first index and remembers it', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device, firstIndex: 100 })
    expect(wal.lastIndex).toBe(99)
    await wal.append([record(1)])
    await wal.truncateSuffix(100)
    const reopened = await openWal({ device })
    expect(reopened.firstIndex).toBe(100)
    expect(reopened.lastIndex).toBe(99)
  })

  it('rejects bad input with typed errors', async () => {
    const wal = await openWal({ device: new MemoryDevice(), recordBytesMax: 10 })
    await expect(wal.append([{ type: 256, payload: new Uint8Array() }])).rejects.toBeInstanceOf(
      WalArgumentError,
    )
    await expect(wal.append([{ type: 1, payload: new Uint8Array(11) }])).rejects.toBeInstanceOf(
      WalArgumentError,
    )
    await expect(openWal({ device: new MemoryDevice(), segmentBytesMax: 10 })).rejects.toBeInstanceOf(
      WalArgumentError,
    )
    await wal.close()
    await expect(wal.append([record(1)])).rejects.toBeInstanceOf(WalClosedError)
  })

  it('stops after a device error and rejects every queued and later operation', async () => {
    const device = new MemoryDevice({ powerCutAtOperation: 4 })
    const wal = await openWal({ device })
    // Operations 1-4 are: create the segment, write its header, sync it, sync the directory.
    await expect(wal.append([record(1)])).rejects.toBeInstanceOf(WalFailedError)
    await expect(wal.append([record(2)])).rejects.toBeInstanceOf(WalFailedError)
    await expect(wal.sync()).rejects.toBeInstanceOf(WalFailedError)
  })

  it('batch mode acknowledges after the write and syncs on the timer or the byte threshold', async () => {
    const clock = new ManualClock()
    const device = new MemoryDevice()
    const wal = await openWal({ device, syncMode: 'batch', batchBytesMax: 1000, batchIntervalMs: 10, clock })
    await wal.append([record(1, 100)])
    expect(wal.stats().dataSyncs).toBe(1) // only the segment header
    expect(clock.pendingTimers).toBe(1)
    // A power cut now loses the acknowledged record: exactly what `batch` promises.
    expect((await readAll(await openWal({ device: device.crash() }))).length).toBe(0)
    clock.advance(10) // the batch interval: the timer queues a sync
    await wal.sync()
    expect((await readAll(await openWal({ device: device.crash() }))).length).toBe(1)
    await wal.append([record(2, 2000)]) // past batchBytesMax: synced before resolving
    expect((await readAll(await openWal({ device: device.crash() }))).length).toBe(2)
  })

  it('none mode never syncs on its own but loses nothing on a process crash', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device, syncMode: 'none' })
    await wal.append([record(1)])
    await wal.append([record(2)])
    const syncs = wal.stats().dataSyncs
    expect(syncs).toBe(1)
    const processCrash = device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY })
    expect((await readAll(await openWal({ device: processCrash }))).length).toBe(2)
  })

  it('verify() scans every segment and finds damage the index does not know about', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device, segmentBytesMax: 4096 })
    for (let tag = 1; tag <= 12; tag++) await wal.append([record(tag, 500)])
    const clean = await wal.verify()
    expect(clean.ok).toBe(true)
    expect(clean.records).toBe(12)
    device.flipBit('00000000000000000001.wal', 100, 0)
    const damaged = await wal.verify()
    expect(damaged.ok).toBe(false)
    expect(damaged.problems[0]).toContain('00000000000000000001.wal')
    await expect(wal.read(1)).rejects.toMatchObject({ code: 'WAL_CORRUPTION' })
  })
})
