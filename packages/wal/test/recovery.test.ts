import { describe, expect, it } from 'vitest'
import { MemoryDevice, openWal, WalCorruptionError } from '../src/index.js'
import { payloadFor, readAll } from './helpers.js'

const SEGMENT = '00000000000000000001.wal'

async function smallLog(count: number, length = 30, segmentBytesMax = 64 * 1024): Promise<MemoryDevice> {
  const device = new MemoryDevice()
  const wal = await openWal({ device, segmentBytesMax })
  for (let tag = 1; tag <= count; tag++) await wal.append([{ type: 2, payload: payloadFor(tag, length) }])
  await wal.close()
  return device
}

describe('recovery', () => {
  it('cuts a record torn at any byte of the tail and keeps everything before it', async () => {
    const device = new MemoryDevice()
    const wal = await openWal({ device })
    await wal.append([{ type: 1, payload: payloadFor(1, 50) }])
    await wal.append([{ type: 1, payload: payloadFor(2, 50) }])
    // The third append is written but never synced; tear that write at every byte.
    const frameBytes = 24 + 70
    const written = wal.append([{ type: 1, payload: payloadFor(3, 70) }])
    await written
    const before = device.files().get(SEGMENT)?.length as number
    for (let torn = 0; torn < frameBytes; torn++) {
      const image = MemoryDevice.fromFiles(
        new Map([[SEGMENT, device.fileBytes(SEGMENT)!.subarray(0, before - frameBytes + torn)]]),
      )
      const recovered = await openWal({ device: image })
      expect(recovered.lastIndex, `torn at ${torn}`).toBe(2)
      expect(recovered.recovery.tornTail, `torn at ${torn}`).toEqual(
        torn === 0 ? null : { segment: SEGMENT, offset: before - frameBytes, bytes: torn },
      )
      expect((await readAll(recovered)).map((r) => r.payload)).toEqual([payloadFor(1, 50), payloadFor(2, 50)])
      // Appending continues right after the last whole record.
      expect(await recovered.append([{ type: 1, payload: payloadFor(9, 5) }])).toEqual({
        firstIndex: 3,
        lastIndex: 3,
      })
      expect((await readAll(await openWal({ device: image }))).length).toBe(3)
    }
  })

  it('treats a zero-filled tail as torn', async () => {
    const device = await smallLog(3)
    const bytes = device.fileBytes(SEGMENT) as Uint8Array
    const padded = new Uint8Array(bytes.length + 4096)
    padded.set(bytes)
    const recovered = await openWal({ device: MemoryDevice.fromFiles(new Map([[SEGMENT, padded]])) })
    expect(recovered.lastIndex).toBe(3)
    expect(recovered.recovery.tornTail?.bytes).toBe(4096)
  })

  it('detects every single-bit flip in every record of a small log (100%)', async () => {
    const device = await smallLog(4, 12, 4096)
    const bytes = device.fileBytes(SEGMENT) as Uint8Array
    let flips = 0
    let detected = 0
    // Every bit after the segment header: each lies in some record's header or payload.
    for (let offset = 32; offset < bytes.length; offset++) {
      for (let bit = 0; bit < 8; bit++) {
        flips++
        const image = MemoryDevice.fromFiles(device.files())
        image.flipBit(SEGMENT, offset, bit)
        try {
          await openWal({ device: image })
        } catch (error) {
          expect(error, `flip at ${offset}.${bit}`).toBeInstanceOf(WalCorruptionError)
          const corruption = error as WalCorruptionError
          expect(corruption.segment).toBe(SEGMENT)
          expect(corruption.offset).toBeLessThanOrEqual(offset)
          detected++
        }
      }
    }
    expect(flips).toBe((bytes.length - 32) * 8)
    expect(detected).toBe(flips)
  })

  it('detects every single-bit flip in the segment header', async () => {
    const device = await smallLog(2)
    for (let offset = 0; offset < 32; offset++) {
      for (let bit = 0; bit < 8; bit++) {
        const image = MemoryDevice.fromFiles(device.files())
        image.flipBit(SEGMENT, offset, bit)
        await expect(openWal({ device: image }), `flip at ${offset}.${bit}`).rejects.toMatchObject({
          code: 'WAL_CORRUPTION',
          segment: SEGMENT,
          offset: 0,
        })
      }
    }
  })

  it('policy truncate cuts at the bad record and reports exactly what it dropped', async () => {
    const device = await smallLog(40, 200, 4096)
    const names = [...device.files().keys()].filter((name) => name.endsWith('.wal')).sort()
    expect(names.length).toBeGreaterThan(2)
    const victim = names[1] as string
    const victimFirst = Number(victim.slice(0, 20))
    const victimOffset = 32 + 2 * (24 + 200) // the third record of the second segment
    const image = MemoryDevice.fromFiles(device.files())
    image.flipBit(victim, victimOffset + 30, 4)
    await expect(openWal({ device: image })).rejects.toMatchObject({ segment: victim, offset: victimOffset })
    const victimBytes = image.fileBytes(victim)?.length as number
    const recovered = await openWal({ device: image, corruptionPolicy: 'truncate' })
    expect(recovered.recovery.corruptionDropped).toEqual({
      segment: victim,
      offset: victimOffset,
      reason: 'record payload checksum mismatch',
      firstIndexDropped: victimFirst + 2,
      bytesDropped: victimBytes - victimOffset,
      segmentsRemoved: names.slice(2).map((name) => ({ name, bytes: device.fileBytes(name)?.length })),
    })
    expect(recovered.lastIndex).toBe(victimFirst + 1)
    const records = await readAll(recovered)
    expect(records.map((r) => r.payload)).toEqual(
      Array.from({ length: victimFirst + 1 }, (_, i) => payloadFor(i + 1, 200)),
    )
    // The cut is durable: reopening with the default policy now succeeds.
    expect((await openWal({ device: image })).lastIndex).toBe(victimFirst + 1)
  })

  it('a missing middle segment is corruption, not a shorter log', async () => {
    const device = await smallLog(40, 200, 4096)
    const names = [...device.files().keys()].filter((name) => name.endsWith('.wal')).sort()
    const files = device.files()
    files.delete(names[1] as string)
    await expect(openWal({ device: MemoryDevice.fromFiles(files) })).rejects.toMatchObject({
      code: 'WAL_CORRUPTION',
      segment: names[2],
      offset: 0,
    })
  })

  it('damage in a segment that is not the last is never taken for a torn tail', async () => {
    const device = await smallLog(40, 200, 4096)
    const names = [...device.files().keys()].filter((name) => name.endsWith('.wal')).sort()
    const files = device.files()
    const first = files.get(names[0] as string) as Uint8Array
    files.set(names[0] as string, first.subarray(0, first.length - 10))
    await expect(openWal({ device: MemoryDevice.fromFiles(files) })).rejects.toMatchObject({
      code: 'WAL_CORRUPTION',
      segment: names[0],
    })
  })
})
