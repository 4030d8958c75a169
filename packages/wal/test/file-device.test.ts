import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  FileDevice,
  nodeCrc32,
  openWal,
  SnapshotStore,
  StateFile,
  WalArgumentError,
  WalLogStorage,
} from '../src/index.js'
import { payloadFor, readAll } from './helpers.js'

const directories: string[] = []
async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'tandem-wal-fs-'))
  directories.push(directory)
  return directory
}
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true })
})

describe('FileDevice', () => {
  it('implements the block-device operations on a directory', async () => {
    const device = await FileDevice.open(await freshDirectory())
    await expect(device.open('missing', { create: false })).rejects.toMatchObject({ code: 'ENOENT' })
    const file = await device.open('a', { create: true })
    await file.write(0, new Uint8Array([1, 2, 3]))
    await file.write(5, new Uint8Array([9]))
    await file.sync()
    expect(await file.size()).toBe(6)
    expect(await file.read(0, 100)).toEqual(new Uint8Array([1, 2, 3, 0, 0, 9]))
    await file.truncate(2)
    expect(await file.read(0, 100)).toEqual(new Uint8Array([1, 2]))
    await file.close()
    await device.rename('a', 'b')
    await device.syncDirectory()
    expect(await device.list()).toEqual(['b'])
    await device.remove('b')
    await device.remove('b') // absent: no error
    expect(await device.list()).toEqual([])
    await expect(device.open('../escape', { create: true })).rejects.toBeInstanceOf(WalArgumentError)
  })

  it('runs the WAL, state file, snapshots and the Raft adapter on disk', async () => {
    const directory = await freshDirectory()
    const wal = await openWal({
      device: await FileDevice.open(directory),
      checksum: nodeCrc32,
      segmentBytesMax: 8192,
    })
    for (let tag = 1; tag <= 40; tag++) await wal.append([{ type: 1, payload: payloadFor(tag, 700) }])
    await wal.truncateSuffix(31)
    await wal.compactPrefix(10)
    await wal.close()
    const reopened = await openWal({ device: await FileDevice.open(directory), segmentBytesMax: 8192 })
    const records = await readAll(reopened)
    expect(records.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11))
    expect(records[0]?.payload).toEqual(payloadFor(11, 700))
    expect((await reopened.verify()).ok).toBe(true)
    await reopened.close()

    const other = await FileDevice.open(await freshDirectory())
    const state = new StateFile(other, 'node.state', { checksum: nodeCrc32 })
    await state.save(new Uint8Array([4, 2]))
    expect(await state.load()).toEqual(new Uint8Array([4, 2]))
    const store = new SnapshotStore(other, { checksum: nodeCrc32 })
    await store.save({ index: 3, term: 1, metadata: new Uint8Array() }, payloadFor(1, 5000))
    expect(await (await store.latest())?.readAll()).toEqual(payloadFor(1, 5000))

    const storageDirectory = await freshDirectory()
    const storage = await WalLogStorage.open({
      device: await FileDevice.open(storageDirectory),
      checksum: nodeCrc32,
    })
    await storage.save({
      hardState: { term: 1, vote: 'n1', commit: 0 },
      entries: [{ index: 1, term: 1, type: 0, data: new Uint8Array([7]) }],
      snapshot: null,
    })
    await storage.close()
    const restored = await WalLogStorage.open({
      device: await FileDevice.open(storageDirectory),
      checksum: nodeCrc32,
    })
    expect(restored.lastIndex()).toBe(1)
    expect(restored.initialState().hardState.vote).toBe('n1')
    await restored.close()
  })
})
