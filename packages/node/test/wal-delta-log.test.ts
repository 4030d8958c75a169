import { InvariantError, SeededRandom } from '@tandem/base'
import { MemoryDevice } from '@tandem/wal/pure'
import { describe, expect, it } from 'vitest'
import type { FoldedBatchHeader } from '../src/core/control.js'
import { type Incarnation, type StreamId, streamId, type WriterKey } from '../src/core/ids.js'
import { DeltaStreamCorruptionError } from '../src/errors.js'
import { DeltaStreamStore } from '../src/streams/delta-stream-store.js'
import { decodeStoredBatch, encodeStoredBatch } from '../src/streams/stored-batch-codec.js'
import { WalDeltaLog } from '../src/streams/wal-delta-log.js'

const SEED = Number(process.env.TANDEM_SEED ?? 20261207)
const key = 'd'.repeat(64) as WriterKey
const stream = (n: number): StreamId => streamId(key, n.toString(16).padStart(32, '0') as Incarnation, 0)

function batch(sequence: number, fill: number): FoldedBatchHeader {
  return {
    sequence,
    epoch: 1 + (sequence % 3),
    sealed: new Uint8Array(10 + sequence).fill(fill),
    signature: new Uint8Array(64).fill(fill ^ 0xff),
  }
}

describe('WalDeltaLog (the core DeltaLog on the WAL)', () => {
  it('an acknowledged batch comes back after a power cut, each stream in order, under a new own stream', async () => {
    const device = new MemoryDevice()
    const store = await DeltaStreamStore.open({
      device,
      ownStream: stream(1),
      eventualBacklogBytesMax: 1 << 20,
    })
    const log = new WalDeltaLog(store)
    for (let sequence = 1; sequence <= 4; sequence++) await log.append(stream(1), batch(sequence, sequence))
    const restarted = await DeltaStreamStore.open({
      device: device.crash(),
      ownStream: stream(2),
      eventualBacklogBytesMax: 1 << 20,
    })
    const loaded = await new WalDeltaLog(restarted).load()
    expect(loaded).toEqual(
      [1, 2, 3, 4].map((sequence) => ({ stream: stream(1), batch: batch(sequence, sequence) })),
    )
    await new WalDeltaLog(restarted).append(stream(2), batch(1, 9))
    await restarted.close()
  })

  it('refuses a batch whose sequence is not the store’s next, or on another stream, before writing it', async () => {
    const device = new MemoryDevice()
    const store = await DeltaStreamStore.open({
      device,
      ownStream: stream(1),
      eventualBacklogBytesMax: 1 << 20,
    })
    const log = new WalDeltaLog(store)
    await expect(log.append(stream(1), batch(2, 0))).rejects.toBeInstanceOf(InvariantError)
    await expect(log.append(stream(3), batch(1, 0))).rejects.toBeInstanceOf(InvariantError)
    expect(store.heldThrough(stream(1))).toBe(0)
    await log.append(stream(1), batch(1, 0))
    expect(store.heldThrough(stream(1))).toBe(1)
    await store.close()
  })

  it('at a dot rollover the first batch of stream n + 1 moves the own stream there; both come back after a power cut', async () => {
    const device = new MemoryDevice()
    const incarnation = '1'.padStart(32, '0') as Incarnation
    const rolled = (n: number): StreamId => streamId(key, incarnation, n)
    const store = await DeltaStreamStore.open({
      device,
      ownStream: rolled(0),
      eventualBacklogBytesMax: 1 << 20,
    })
    const log = new WalDeltaLog(store)
    await log.append(rolled(0), batch(1, 1))
    await log.append(rolled(0), batch(2, 2))
    // Only the next rollover, from its sequence 1, may move the own stream.
    await expect(log.append(rolled(1), batch(2, 0))).rejects.toBeInstanceOf(InvariantError)
    await expect(log.append(rolled(2), batch(1, 0))).rejects.toBeInstanceOf(InvariantError)
    expect(store.ownStream).toBe(rolled(0))
    await log.append(rolled(1), batch(1, 3))
    expect(store.ownStream).toBe(rolled(1))
    await expect(log.append(rolled(0), batch(3, 0))).rejects.toBeInstanceOf(InvariantError)
    await log.append(rolled(1), batch(2, 4))
    const restarted = await DeltaStreamStore.open({
      device: device.crash(),
      ownStream: stream(2),
      eventualBacklogBytesMax: 1 << 20,
    })
    expect(await new WalDeltaLog(restarted).load()).toEqual([
      { stream: rolled(0), batch: batch(1, 1) },
      { stream: rolled(0), batch: batch(2, 2) },
      { stream: rolled(1), batch: batch(1, 3) },
      { stream: rolled(1), batch: batch(2, 4) },
    ])
    await restarted.close()
    await store.close()
  })

  it('the stored-batch decoder gives a batch or its typed error on random and mutated bytes (seeded)', () => {
    const random = new SeededRandom(SEED)
    const valid = encodeStoredBatch(batch(5, 7))
    expect(decodeStoredBatch('s', 5, valid)).toEqual(batch(5, 7))
    for (let run = 0; run < 5_000; run++) {
      const bytes = random.chance(0.5)
        ? random.bytes(random.nextInt(80))
        : valid.slice(0, random.nextInt(valid.length + 1))
      if (bytes.length > 0 && random.chance(0.5)) {
        const at = random.nextInt(bytes.length)
        bytes[at] = (bytes[at] as number) ^ (1 << random.nextInt(8))
      }
      try {
        const decoded = decodeStoredBatch('s', 1, bytes)
        expect(decoded.signature.length + decoded.sealed.length + 7, `seed ${SEED}, run ${run}`).toBe(
          bytes.length,
        )
      } catch (error) {
        expect(error, `seed ${SEED}, run ${run}`).toBeInstanceOf(DeltaStreamCorruptionError)
      }
    }
  })
})
