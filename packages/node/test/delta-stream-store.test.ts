import { InvariantError, SeededRandom } from '@tandem/base'
import { type Entry, EntryType } from '@tandem/raft'
import type { BlockDevice, DeviceFile } from '@tandem/wal/pure'
import { MemoryDevice, WalLogStorage } from '@tandem/wal/pure'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BacklogFullError } from '../src/compose/errors.js'
import { type Incarnation, type StreamId, streamId, type WriterKey } from '../src/core/ids.js'
import { DeltaStreamCorruptionError, OwnStreamExistsError, PruneNotCoveredError } from '../src/errors.js'
import { DeltaStreamStore } from '../src/streams/delta-stream-store.js'

const SEED = Number(process.env.TANDEM_SEED ?? 20261207)
const ownKey = 'a'.repeat(64) as WriterKey
const otherKey = 'b'.repeat(64) as WriterKey

function incarnation(n: number): Incarnation {
  return n.toString(16).padStart(32, '0') as Incarnation
}
function own(n: number): StreamId {
  return streamId(ownKey, incarnation(n), 0)
}
function other(n: number): StreamId {
  return streamId(otherKey, incarnation(n), 0)
}
function bytesOf(...values: number[]): Uint8Array {
  return new Uint8Array(values)
}

async function openStore(device: BlockDevice, start: number, backlog = 1 << 20): Promise<DeltaStreamStore> {
  return DeltaStreamStore.open({ device, ownStream: own(start), eventualBacklogBytesMax: backlog })
}

/** A device that counts file syncs (to see group commit). */
class SyncCountingDevice implements BlockDevice {
  syncs = 0
  constructor(readonly inner: BlockDevice) {}
  async open(name: string, options: { readonly create: boolean }): Promise<DeviceFile> {
    const file = await this.inner.open(name, options)
    return {
      name: file.name,
      size: () => file.size(),
      read: (offset, length) => file.read(offset, length),
      write: (offset, bytes) => file.write(offset, bytes),
      sync: async () => {
        this.syncs++
        await file.sync()
      },
      truncate: (size) => file.truncate(size),
      close: () => file.close(),
    }
  }
  list(): Promise<readonly string[]> {
    return this.inner.list()
  }
  remove(name: string): Promise<void> {
    return this.inner.remove(name)
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to)
  }
  syncDirectory(): Promise<void> {
    return this.inner.syncDirectory()
  }
}

async function allBatches(store: DeltaStreamStore, stream: StreamId): Promise<Map<number, Uint8Array>> {
  const held = new Map<number, Uint8Array>()
  const info = store.streams().find((entry) => entry.stream === stream)
  if (info === undefined) return held
  let next = info.firstHeld
  while (next <= info.heldThrough) {
    const batches = await store.read(stream, next, 4096)
    if (batches.length === 0) break
    for (const batch of batches) {
      expect(batch.sequence).toBe(next)
      held.set(batch.sequence, batch.bytes)
      next++
    }
  }
  return held
}

describe('DeltaStreamStore', () => {
  it('gives own batches consecutive sequences, serves them once durable, and reads them in order', async () => {
    const store = await openStore(new MemoryDevice(), 1)
    expect(await store.appendOwn(bytesOf(1))).toBe(1)
    expect(await store.appendOwn((sequence) => bytesOf(10 + sequence))).toBe(2)
    expect(store.heldThrough(own(1))).toBe(2)
    expect(await store.read(own(1), 1, 1 << 20)).toEqual([
      { sequence: 1, bytes: bytesOf(1) },
      { sequence: 2, bytes: bytesOf(12) },
    ])
    expect(await store.read(own(1), 3, 1 << 20)).toEqual([])
    expect(store.pendingBytes()).toBe(2)
    await store.close()
  })

  it('appends issued together share one fsync (group commit)', async () => {
    const device = new SyncCountingDevice(new MemoryDevice())
    const store = await openStore(device, 1)
    await store.appendOwn(bytesOf(0))
    const before = device.syncs
    const sequences = await Promise.all(Array.from({ length: 16 }, (_, i) => store.appendOwn(bytesOf(i))))
    expect(sequences).toEqual(Array.from({ length: 16 }, (_, i) => i + 2))
    expect(device.syncs - before).toBe(1)
    await store.close()
  })

  it('an appended batch is not served before its fsync', async () => {
    const store = await openStore(new MemoryDevice(), 1)
    const pending = store.appendOwn(bytesOf(7))
    expect(await store.read(own(1), 1, 100)).toEqual([])
    expect(store.heldThrough(own(1))).toBe(0)
    await pending
    expect(await store.read(own(1), 1, 100)).toHaveLength(1)
    await store.close()
  })

  it('a restart keeps every acknowledged batch and opens a new own stream; the old own id is refused', async () => {
    const device = new MemoryDevice()
    const store = await openStore(device, 1)
    for (let i = 0; i < 5; i++) await store.appendOwn(bytesOf(i, i))
    const inFlight = store.appendOwn(bytesOf(99)) // not awaited: the power cut comes first
    const image = device.crash()
    await inFlight
    await expect(openStore(image.crash(), 1)).rejects.toBeInstanceOf(OwnStreamExistsError)
    const reopened = await openStore(image, 2)
    const held = await allBatches(reopened, own(1))
    expect([...held.keys()]).toEqual([1, 2, 3, 4, 5])
    expect(held.get(3)).toEqual(bytesOf(2, 2))
    expect(await reopened.appendOwn(bytesOf(1))).toBe(1) // sequence 1 of a new stream
    expect(reopened.ownStream).toBe(own(2))
    await reopened.close()
  })

  it('stores received batches in order per stream: duplicates and gaps refused, the first at h + 1', async () => {
    const store = await openStore(new MemoryDevice(), 1)
    expect(await store.storeReceived(other(1), 2, bytesOf(2), 0)).toBe('gap')
    expect(await store.storeReceived(other(1), 1, bytesOf(1), 0)).toBe('stored')
    expect(await store.storeReceived(other(1), 1, bytesOf(1), 0)).toBe('duplicate')
    expect(await store.storeReceived(other(1), 3, bytesOf(3), 0)).toBe('gap')
    expect(await store.storeReceived(other(1), 2, bytesOf(2), 0)).toBe('stored')
    expect(await store.storeReceived(other(2), 4, bytesOf(4), 5)).toBe('duplicate')
    expect(await store.storeReceived(other(2), 7, bytesOf(7), 5)).toBe('gap')
    expect(await store.storeReceived(other(2), 6, bytesOf(6), 5)).toBe('stored')
    expect(await store.storeReceived(own(1), 1, bytesOf(1), 0)).toBe('own')
    expect(store.heldThrough(other(1))).toBe(2)
    expect(store.heldThrough(other(2))).toBe(6)
    expect(store.heldThrough(other(3))).toBe(0)
    expect(await store.read(other(2), 6, 10)).toEqual([{ sequence: 6, bytes: bytesOf(6) }])
    store.noteFolded(other(1), 2)
    expect(store.summary()).toEqual([{ stream: other(2), heldThrough: 6 }])
    await store.close()
  })

  it('refuses local writes at the backlog bound and takes them again once folds are noted', async () => {
    const store = await openStore(new MemoryDevice(), 1, 100)
    await store.appendOwn(new Uint8Array(60))
    await store.appendOwn(new Uint8Array(60)) // admitted below the bound, takes it past
    await expect(store.appendOwn(new Uint8Array(1))).rejects.toBeInstanceOf(BacklogFullError)
    expect(await store.storeReceived(other(1), 1, new Uint8Array(10), 0)).toBe('stored') // never dropped
    expect(store.backlogFull()).toBe(true)
    store.noteFolded(own(1), 2)
    expect(store.pendingBytes()).toBe(10)
    expect(await store.appendOwn(new Uint8Array(1))).toBe(3)
    await store.close()
  })

  it('prunes only a fold covered by the persisted commit index or a snapshot (the lazy commit index trap)', async () => {
    const device = new MemoryDevice()
    const store = await openStore(device, 1)
    for (let i = 1; i <= 4; i++) await store.appendOwn(bytesOf(i))
    for (let i = 1; i <= 3; i++) await store.storeReceived(other(1), i, bytesOf(100 + i), 0)
    // The fold at index 7 applied, but the storage has persisted commit 5 only: a crash now would
    // restart below the fold, which re-applies from the log and needs every batch again.
    await expect(store.prune(own(1), 3, { foldIndex: 7, persistedCommitIndex: 5 })).rejects.toBeInstanceOf(
      PruneNotCoveredError,
    )
    await expect(store.prune(other(1), 3, { foldIndex: 7, persistedCommitIndex: 5 })).rejects.toBeInstanceOf(
      PruneNotCoveredError,
    )
    const image = device.crash()
    const afterCrash = await openStore(image, 2)
    expect([...(await allBatches(afterCrash, own(1))).keys()]).toEqual([1, 2, 3, 4])
    expect([...(await allBatches(afterCrash, other(1))).keys()]).toEqual([1, 2, 3])
    // Covered by the persisted commit index, or by a snapshot: pruned, durably.
    expect(await afterCrash.prune(own(1), 3, { foldIndex: 7, persistedCommitIndex: 7 })).toBe(3)
    expect(
      await afterCrash.prune(other(1), 3, { foldIndex: 7, persistedCommitIndex: 2, snapshotIndex: 9 }),
    ).toBe(3)
    expect(afterCrash.streams().map((entry) => entry.stream)).toEqual([own(2), own(1)])
    const again = await openStore(image.crash(), 3)
    expect(again.streams().some((entry) => entry.stream === other(1))).toBe(false)
    expect([...(await allBatches(again, own(1))).keys()]).toEqual([4])
    await again.close()
  })

  it('the lazy commit index trap on a real WalLogStorage: a fold committed in memory only is not pruned, and a power cut then needs its batches', async () => {
    const raftDevice = new MemoryDevice()
    const storage = await WalLogStorage.open({ device: raftDevice })
    const entry = (index: number): Entry => ({ index, term: 1, type: EntryType.Normal, data: bytesOf(index) })
    await storage.save({
      hardState: { term: 1, vote: 'a', commit: 0 },
      entries: [1, 2, 3].map(entry),
      snapshot: null,
    })
    const streamsDevice = new MemoryDevice()
    const store = await openStore(streamsDevice, 1)
    for (let i = 1; i <= 3; i++) await store.storeReceived(other(1), i, bytesOf(i), 0)
    // Entry 3 folds the stream through 3 and applies; the storage keeps commit 3 in memory only.
    await storage.save({ hardState: { term: 1, vote: 'a', commit: 3 }, entries: [], snapshot: null })
    expect(storage.persistedCommitIndex).toBe(0)
    store.noteFolded(other(1), 3)
    await expect(
      store.prune(other(1), 3, { foldIndex: 3, persistedCommitIndex: storage.persistedCommitIndex }),
    ).rejects.toBeInstanceOf(PruneNotCoveredError)
    // A power cut now: the restarted Raft log says commit 0, so C is rebuilt without the fold
    // (h = 0) until the entry commits again — and the batches must still be there to serve and fold.
    const restartedStorage = await WalLogStorage.open({ device: raftDevice.crash() })
    expect(restartedStorage.initialState().hardState.commit).toBe(0)
    const restarted = await openStore(streamsDevice.crash(), 2)
    expect([...(await allBatches(restarted, other(1))).keys()]).toEqual([1, 2, 3])
    // Once a term change persists the commit index, the same prune goes through.
    await restartedStorage.save({ hardState: { term: 2, vote: 'a', commit: 3 }, entries: [], snapshot: null })
    expect(restartedStorage.persistedCommitIndex).toBe(3)
    expect(
      await restarted.prune(other(1), 3, {
        foldIndex: 3,
        persistedCommitIndex: restartedStorage.persistedCommitIndex,
      }),
    ).toBe(3)
    await restarted.close()
    await restartedStorage.close()
  })

  it('a pruned stream takes its next batch again as h + 1', async () => {
    const store = await openStore(new MemoryDevice(), 1)
    await store.storeReceived(other(1), 1, bytesOf(1), 0)
    await store.prune(other(1), 1, { foldIndex: 3, persistedCommitIndex: 3 })
    expect(store.heldThrough(other(1))).toBe(1)
    expect(await store.storeReceived(other(1), 1, bytesOf(1), 1)).toBe('duplicate')
    expect(await store.storeReceived(other(1), 2, bytesOf(2), 1)).toBe('stored')
    expect(await store.read(other(1), 2, 10)).toEqual([{ sequence: 2, bytes: bytesOf(2) }])
    await store.close()
  })

  it('cuts a torn tail and refuses corruption and foreign files with a typed error', async () => {
    const device = new MemoryDevice()
    const store = await openStore(device, 1)
    for (let i = 0; i < 3; i++) await store.appendOwn(new Uint8Array(40).fill(i))
    void store.appendOwn(new Uint8Array(40).fill(9))
    const torn = device.crash({ keepPendingOperations: 0, tornBytes: 30 })
    const reopened = await openStore(torn, 2)
    expect([...(await allBatches(reopened, own(1))).keys()]).toEqual([1, 2, 3])
    await reopened.close()

    const damaged = device.crash()
    const segment = [...damaged.files().keys()].find(
      (name) => name.startsWith(`${own(1)}~`) && name.endsWith('.wal'),
    )
    expect(segment).toBeDefined()
    damaged.flipBit(segment as string, (damaged.fileBytes(segment as string)?.length ?? 0) - 70, 3)
    await expect(openStore(damaged, 2)).rejects.toBeInstanceOf(DeltaStreamCorruptionError)

    const foreign = device.crash()
    await (await foreign.open('stray-file', { create: true })).close()
    await expect(openStore(foreign, 2)).rejects.toBeInstanceOf(DeltaStreamCorruptionError)
  })

  it('rolls the own stream over to a new one and keeps the old', async () => {
    const store = await openStore(new MemoryDevice(), 1)
    await store.appendOwn(bytesOf(1))
    const next = streamId(ownKey, incarnation(1), 1)
    await store.startOwnStream(next)
    expect(await store.appendOwn(bytesOf(2))).toBe(1)
    expect(store.heldThrough(own(1))).toBe(1)
    await expect(store.startOwnStream(own(1))).rejects.toBeInstanceOf(OwnStreamExistsError)
    await store.close()
  })

  it('moves only to n + 1 of the own key and incarnation; the old own stream is then served, received and pruned like any other', async () => {
    const store = await openStore(new MemoryDevice(), 1)
    await store.appendOwn(bytesOf(1))
    await store.appendOwn(bytesOf(2))
    await expect(store.startOwnStream(streamId(ownKey, incarnation(1), 2))).rejects.toBeInstanceOf(
      InvariantError,
    )
    await expect(store.startOwnStream(streamId(ownKey, incarnation(2), 1))).rejects.toBeInstanceOf(
      InvariantError,
    )
    await expect(store.startOwnStream(streamId(otherKey, incarnation(1), 1))).rejects.toBeInstanceOf(
      InvariantError,
    )
    const first = own(1)
    const second = streamId(ownKey, incarnation(1), 1)
    await store.startOwnStream(second)
    expect(store.ownStream).toBe(second)
    // A receipt of the old own stream is now an ordinary one: what it holds is a duplicate.
    expect(await store.storeReceived(first, 2, bytesOf(2), 0)).toBe('duplicate')
    expect(await store.storeReceived(second, 1, bytesOf(9), 0)).toBe('own')
    expect([...(await allBatches(store, first)).values()]).toEqual([bytesOf(1), bytesOf(2)])
    expect(store.summary()).toEqual([{ stream: first, heldThrough: 2 }])
    // Folded and pruned, the old own stream loses its files; the current one keeps its own.
    expect(await store.prune(first, 2, { foldIndex: 5, persistedCommitIndex: 5 })).toBe(2)
    expect(store.streams().map((held) => held.stream)).toEqual([second])
    expect(await store.appendOwn(bytesOf(3))).toBe(1)
    await store.close()
  })

  it('a crash after rollovers keeps every durable batch of every own stream; the next start is a new incarnation at n = 0', async () => {
    const device = new MemoryDevice()
    const store = await openStore(device, 1)
    const streams = [0, 1, 2].map((n) => streamId(ownKey, incarnation(1), n))
    await store.appendOwn(bytesOf(10))
    await store.appendOwn(bytesOf(11))
    await store.startOwnStream(streams[1] as StreamId)
    await store.appendOwn(bytesOf(20))
    await store.startOwnStream(streams[2] as StreamId)
    // The crash image keeps only what was synced: the in-flight append of stream 2 may be lost,
    // and the empty stream it was the first of is removed at the next open.
    const inFlight = store.appendOwn(bytesOf(30))
    const image = device.crash()
    await inFlight
    await store.close()
    const restarted = await openStore(image, 2)
    expect(restarted.ownStream).toBe(own(2))
    expect(await allBatches(restarted, streams[0] as StreamId)).toEqual(
      new Map([
        [1, bytesOf(10)],
        [2, bytesOf(11)],
      ]),
    )
    expect(await allBatches(restarted, streams[1] as StreamId)).toEqual(new Map([[1, bytesOf(20)]]))
    expect(restarted.streams().map((held) => held.stream)).not.toContain(streams[2])
    expect(restarted.pendingBytes()).toBe(3)
    // A crash cannot lead to reusing a stream: a start that names one held is refused.
    await expect(openStore(image.crash(), 1)).rejects.toBeInstanceOf(OwnStreamExistsError)
    await restarted.close()
    // After the append settled, a crash image holds stream 2's batch too.
    const synced = await openStore(device.crash(), 3)
    expect(await allBatches(synced, streams[2] as StreamId)).toEqual(new Map([[1, bytesOf(30)]]))
    await synced.close()
  })

  it('property: crashes at random moments lose no acknowledged batch, reuse no sequence, and prune nothing a restart needs (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        await crashRun(seed)
      }),
      { seed: SEED, numRuns: 12 },
    )
  })
})

/**
 * One randomized run: own appends in concurrent groups (some left in flight), receipts of other
 * streams, folds that are or are not yet covered by the persisted commit index, and crashes that
 * keep only synced data, everything, or a prefix with a torn write. Checked after every restart.
 */
async function crashRun(seed: number): Promise<void> {
  const random = new SeededRandom(seed)
  let device = new MemoryDevice()
  let start = 1
  let store = await openStore(device, start, 1 << 30)
  let crashed = false
  /** Every batch ever handed to the store, by `stream/sequence`: a second one would be a reuse. */
  const written = new Map<string, Uint8Array>()
  /** Acknowledged (durable) batches, less the pruned ones. */
  const acknowledged = new Map<string, Uint8Array>()
  /** Durable folded high-water per stream (covered folds); uncovered ones are noted in memory only. */
  const durableFolded = new Map<StreamId, number>()
  const streamsSeen = new Set<StreamId>([own(1)])
  const others = [other(1), other(2), other(3)]
  const key = (stream: StreamId, sequence: number) => `${stream}/${sequence}`
  let inFlight: Promise<unknown>[] = []

  const restart = async () => {
    crashed = true
    const keep = random.pick([0, Number.POSITIVE_INFINITY, random.between(0, 6)])
    const torn = random.chance(0.5) ? random.between(0, 60) : undefined
    device = device.crash({ keepPendingOperations: keep, ...(torn === undefined ? {} : { tornBytes: torn }) })
    await Promise.allSettled(inFlight)
    inFlight = []
    start++
    streamsSeen.add(own(start))
    store = await openStore(device, start, 1 << 30)
    crashed = false
    for (const [stream, h] of durableFolded) store.noteFolded(stream, h)
    for (const stream of streamsSeen) {
      const held = await allBatches(store, stream)
      for (const [sequence, bytes] of held) {
        expect(
          written.get(key(stream, sequence)),
          `seed ${seed}: ${stream}/${sequence} never written`,
        ).toEqual(bytes)
      }
      for (const [name, bytes] of acknowledged) {
        if (!name.startsWith(`${stream}/`)) continue
        const sequence = Number(name.slice(stream.length + 1))
        expect(held.get(sequence), `seed ${seed}: acknowledged ${name} lost`).toEqual(bytes)
      }
    }
  }

  for (let step = 0; step < 60; step++) {
    const action = random.nextInt(10)
    if (action < 4) {
      const group = random.between(1, 6)
      const calls = Array.from({ length: group }, () => {
        let named = ''
        let payload: Uint8Array = new Uint8Array()
        const stream = store.ownStream
        const call = store
          .appendOwn((sequence) => {
            named = key(stream, sequence)
            expect(written.has(named), `seed ${seed}: sequence reused: ${named}`).toBe(false)
            payload = random.bytes(random.between(0, 200))
            written.set(named, payload)
            return payload
          })
          .then(() => {
            if (!crashed) acknowledged.set(named, payload)
          })
        return call
      })
      if (random.chance(0.3)) inFlight.push(...calls.map((call) => call.catch(() => undefined)))
      else await Promise.all(calls)
    } else if (action < 6) {
      await Promise.allSettled(inFlight)
      inFlight = []
      const stream = random.pick(others)
      streamsSeen.add(stream)
      const h = durableFolded.get(stream) ?? 0
      const held = store.heldThrough(stream)
      const roll = random.nextInt(6)
      const sequence = roll === 0 ? Math.max(1, held) : roll === 1 ? held + 2 : held + 1
      const bytes = written.get(key(stream, sequence)) ?? random.bytes(random.between(0, 100))
      const outcome = await store.storeReceived(stream, sequence, bytes, h)
      if (sequence === held + 1) {
        expect(outcome).toBe('stored')
        written.set(key(stream, sequence), bytes)
        acknowledged.set(key(stream, sequence), bytes)
      } else {
        expect(outcome).toBe(sequence <= held ? 'duplicate' : 'gap')
      }
    } else if (action < 8) {
      await Promise.allSettled(inFlight)
      inFlight = []
      const held = store.streams().filter((entry) => entry.heldThrough >= entry.firstHeld)
      if (held.length === 0) continue
      const target = random.pick(held)
      const through = random.between(target.firstHeld, target.heldThrough)
      const foldIndex = random.between(1, 50)
      const persisted = random.between(0, 60)
      const coverage = { foldIndex, persistedCommitIndex: persisted }
      if (foldIndex > persisted) {
        // Applied, not persisted as committed: noted in memory, refused for pruning.
        store.noteFolded(target.stream, through)
        await expect(store.prune(target.stream, through, coverage)).rejects.toBeInstanceOf(
          PruneNotCoveredError,
        )
      } else {
        await store.prune(target.stream, through, coverage)
        durableFolded.set(target.stream, Math.max(durableFolded.get(target.stream) ?? 0, through))
        for (let sequence = target.firstHeld; sequence <= through; sequence++) {
          acknowledged.delete(key(target.stream, sequence))
        }
        expect(await store.read(target.stream, through, 1)).toEqual([])
      }
    } else {
      for (let tick = random.nextInt(8); tick > 0; tick--) await Promise.resolve()
      await restart()
    }
  }
  await restart()
}
