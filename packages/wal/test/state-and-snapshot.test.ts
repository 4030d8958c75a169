import { describe, expect, it } from 'vitest'
import {
  MemoryDevice,
  SnapshotCorruptionError,
  SnapshotStore,
  StateFile,
  StateFileCorruptionError,
} from '../src/index.js'
import { payloadFor } from './helpers.js'

describe('StateFile', () => {
  it('saves and loads, and is null before the first save', async () => {
    const state = new StateFile(new MemoryDevice(), 'node.state')
    expect(await state.load()).toBeNull()
    await state.save(payloadFor(1, 30))
    await state.save(payloadFor(2, 10))
    expect(await state.load()).toEqual(payloadFor(2, 10))
  })

  it('a crash at any operation of a save leaves the old or the new contents, whole', async () => {
    const probe = new MemoryDevice()
    const probeState = new StateFile(probe, 'node.state')
    await probeState.save(payloadFor(1, 50))
    const before = probe.operationCount
    await probeState.save(payloadFor(2, 70))
    const saveOperations = probe.operationCount - before
    for (let cut = before + 1; cut <= before + saveOperations + 1; cut++) {
      const device = new MemoryDevice({ powerCutAtOperation: cut })
      const state = new StateFile(device, 'node.state')
      await state.save(payloadFor(1, 50))
      await state.save(payloadFor(2, 70)).catch(() => undefined)
      const pending = device.pendingOperationCount
      const images = [
        device.crash(),
        device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY }),
        ...[0, 1, 20, 60].map((tornBytes) =>
          device.crash({ keepPendingOperations: Math.max(0, pending - 1), tornBytes }),
        ),
      ]
      for (const image of images) {
        const loaded = await new StateFile(image, 'node.state').load()
        expect([payloadFor(1, 50), payloadFor(2, 70)], `cut at ${cut}`).toContainEqual(loaded)
        // The leftover temporary file is cleaned up by load().
        expect(image.fileBytes('node.state.tmp'), `cut at ${cut}`).toBeUndefined()
      }
    }
  })

  it('detects every single-bit flip', async () => {
    const device = new MemoryDevice()
    await new StateFile(device, 's').save(payloadFor(3, 16))
    const size = device.fileBytes('s')?.length as number
    for (let offset = 0; offset < size; offset++) {
      for (let bit = 0; bit < 8; bit++) {
        const image = MemoryDevice.fromFiles(device.files())
        image.flipBit('s', offset, bit)
        await expect(new StateFile(image, 's').load(), `flip ${offset}.${bit}`).rejects.toBeInstanceOf(
          StateFileCorruptionError,
        )
      }
    }
  })
})

describe('SnapshotStore', () => {
  it('writes atomically, keeps the newest N, and streams verified chunks', async () => {
    const device = new MemoryDevice()
    const store = new SnapshotStore(device, { snapshotsKept: 2, blockBytes: 100 })
    const data = payloadFor(7, 1050)
    await store.save({ index: 5, term: 1, metadata: new Uint8Array([1]) }, payloadFor(1, 10))
    await store.save({ index: 9, term: 2, metadata: new Uint8Array([2]) }, payloadFor(2, 10))
    const writer = await store.createWriter({ index: 20, term: 3, metadata: new Uint8Array([3, 3]) })
    // Arbitrary chunk sizes on the way in.
    await writer.write(data.subarray(0, 7))
    await writer.write(data.subarray(7, 450))
    await writer.write(data.subarray(450))
    await writer.commit()
    expect((await store.list()).map((info) => info.index)).toEqual([9, 20])
    const reader = await store.latest()
    expect(reader?.index).toBe(20)
    expect(reader?.term).toBe(3)
    expect(reader?.metadata).toEqual(new Uint8Array([3, 3]))
    expect(reader?.blockCount).toBe(11)
    const chunks: Uint8Array[] = []
    for await (const chunk of reader!.chunks()) chunks.push(chunk)
    expect(chunks.map((chunk) => chunk.length)).toEqual([...Array(10).fill(100), 50])
    expect(await reader?.readAll()).toEqual(data)
    expect(await reader?.readBlock(10)).toEqual(data.subarray(1000))
  })

  it('an unfinished snapshot is invisible and its temporary file is cleaned up', async () => {
    const device = new MemoryDevice()
    const store = new SnapshotStore(device)
    const writer = await store.createWriter({ index: 3, term: 1, metadata: new Uint8Array() })
    await writer.write(payloadFor(1, 500))
    const image = device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY })
    expect(await new SnapshotStore(image).latest()).toBeNull()
    expect([...image.files().keys()]).toEqual([])
  })

  it('a crash at any operation of a snapshot save leaves the previous snapshot or the new one, whole', async () => {
    const probe = new MemoryDevice()
    const probeStore = new SnapshotStore(probe, { snapshotsKept: 1, blockBytes: 64 })
    await probeStore.save({ index: 1, term: 1, metadata: new Uint8Array() }, payloadFor(1, 100))
    const before = probe.operationCount
    await probeStore.save({ index: 2, term: 1, metadata: new Uint8Array() }, payloadFor(2, 300))
    const total = probe.operationCount
    for (let cut = before + 1; cut <= total + 1; cut++) {
      const device = new MemoryDevice({ powerCutAtOperation: cut })
      const store = new SnapshotStore(device, { snapshotsKept: 1, blockBytes: 64 })
      await store.save({ index: 1, term: 1, metadata: new Uint8Array() }, payloadFor(1, 100))
      await store
        .save({ index: 2, term: 1, metadata: new Uint8Array() }, payloadFor(2, 300))
        .catch(() => undefined)
      for (const image of [
        device.crash(),
        device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY }),
      ]) {
        const reader = await new SnapshotStore(image).latest()
        expect(reader, `cut at ${cut}`).not.toBeNull()
        const data = await reader!.readAll()
        expect(data, `cut at ${cut}`).toEqual(reader!.index === 1 ? payloadFor(1, 100) : payloadFor(2, 300))
      }
    }
  })

  it('detects every single-bit flip in a snapshot file (header, metadata or a chunk)', async () => {
    const device = new MemoryDevice()
    await new SnapshotStore(device, { blockBytes: 16 }).save(
      { index: 4, term: 2, metadata: new Uint8Array([9, 9, 9]) },
      payloadFor(4, 40),
    )
    const name = [...device.files().keys()][0] as string
    const size = device.fileBytes(name)?.length as number
    let detected = 0
    for (let offset = 0; offset < size; offset++) {
      for (let bit = 0; bit < 8; bit++) {
        const image = MemoryDevice.fromFiles(device.files())
        image.flipBit(name, offset, bit)
        try {
          const reader = await new SnapshotStore(image).latest()
          await reader?.readAll()
        } catch (error) {
          expect(error).toBeInstanceOf(SnapshotCorruptionError)
          detected++
        }
      }
    }
    expect(detected).toBe(size * 8)
  })
})

describe('SnapshotStore with a writer in progress', () => {
  it('listing does not remove the temporary file of a writer still open', async () => {
    const device = new MemoryDevice()
    const store = new SnapshotStore(device)
    const writer = await store.createWriter({ index: 8, term: 2, metadata: new Uint8Array() })
    await writer.write(payloadFor(1, 300))
    expect(await store.latest()).toBeNull()
    await writer.write(payloadFor(2, 300))
    await writer.commit()
    expect((await store.latest())?.index).toBe(8)
  })
})
