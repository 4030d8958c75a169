import { describe, expect, it } from 'vitest'
import { DeviceCrashedError, MemoryDevice, WalArgumentError } from '../src/index.js'

const bytes = (...values: number[]) => new Uint8Array(values)

describe('MemoryDevice', () => {
  it('reads back what was written and truncated', async () => {
    const device = new MemoryDevice()
    const file = await device.open('a', { create: true })
    await file.write(0, bytes(1, 2, 3, 4))
    await file.write(6, bytes(9))
    expect(await file.read(0, 10)).toEqual(bytes(1, 2, 3, 4, 0, 0, 9))
    await file.truncate(2)
    expect(await file.size()).toBe(2)
    await file.truncate(4)
    expect(await file.read(0, 4)).toEqual(bytes(1, 2, 0, 0))
  })

  it('a power cut keeps only synced data under durable names', async () => {
    const device = new MemoryDevice()
    const file = await device.open('a', { create: true })
    await file.write(0, bytes(1, 2))
    await file.sync()
    expect(device.crash().files().size).toBe(0) // the name was never made durable
    await device.syncDirectory()
    await file.write(2, bytes(3))
    expect(device.crash().fileBytes('a')).toEqual(bytes(1, 2))
    expect(device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY }).fileBytes('a')).toEqual(
      bytes(1, 2, 3),
    )
  })

  it('tears the next unsynced write at any byte', async () => {
    const device = new MemoryDevice()
    const file = await device.open('a', { create: true })
    await device.syncDirectory()
    await file.write(0, bytes(1, 2, 3, 4, 5))
    for (let torn = 0; torn <= 5; torn++) {
      expect(device.crash({ tornBytes: torn }).fileBytes('a')).toEqual(bytes(1, 2, 3, 4, 5).subarray(0, torn))
    }
  })

  it('renames are atomic and durable only after a directory sync', async () => {
    const device = new MemoryDevice()
    const old = await device.open('state', { create: true })
    await old.write(0, bytes(1))
    await old.sync()
    await device.syncDirectory()
    const fresh = await device.open('state.tmp', { create: true })
    await fresh.write(0, bytes(2))
    await fresh.sync()
    await device.rename('state.tmp', 'state')
    expect(device.crash().fileBytes('state')).toEqual(bytes(1))
    expect(device.crash({ keepPendingOperations: 10 }).fileBytes('state')).toEqual(bytes(2))
    await device.syncDirectory()
    const after = device.crash()
    expect(after.fileBytes('state')).toEqual(bytes(2))
    expect(after.fileBytes('state.tmp')).toBeUndefined()
  })

  it('cuts the power at the chosen operation and refuses everything after', async () => {
    const device = new MemoryDevice({ powerCutAtOperation: 3 })
    const file = await device.open('a', { create: true }) // operation 1
    await file.write(0, bytes(1)) // operation 2
    await expect(file.sync()).rejects.toBeInstanceOf(DeviceCrashedError) // operation 3
    await expect(file.read(0, 1)).rejects.toBeInstanceOf(DeviceCrashedError)
    expect(device.isPoweredOff).toBe(true)
    expect(device.operationCount).toBe(3)
  })

  it('flips single bits in current and durable contents', async () => {
    const device = new MemoryDevice()
    const file = await device.open('a', { create: true })
    await file.write(0, bytes(0, 0))
    await file.sync()
    await device.syncDirectory()
    device.flipBit('a', 1, 3)
    expect(device.fileBytes('a')).toEqual(bytes(0, 8))
    expect(device.crash().fileBytes('a')).toEqual(bytes(0, 8))
    expect(() => device.flipBit('a', 5, 0)).toThrow(WalArgumentError)
  })
})
