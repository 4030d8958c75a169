import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { crc32c } from '../../src/codec/crc32c.js'
import { type Message, MessageType, type Snapshot } from '../../src/core/types.js'
import { SnapshotReceiver, SnapshotSender } from '../../src/driver/snapshot-transfer.js'
import type { WireMessage } from '../../src/model/wire-message.js'

const seed = Number(process.env.TANDEM_SEED ?? 20261122)
const confState = {
  voters: ['leader', 'follower'],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}

function snapMessage(size: number, index = 50): Message {
  const data = new Uint8Array(size)
  for (let i = 0; i < size; i++) data[i] = (i * 7 + 3) & 0xff
  const snapshot: Snapshot = { metadata: { index, term: 4, confState }, data }
  return {
    type: MessageType.Snap,
    from: 'leader',
    to: 'follower',
    term: 4,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    snapshot,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    context: new Uint8Array(),
  }
}

/** Wires a sender and a receiver through a lossy, corrupting link driven by hand. */
function link(options: { chunkBytes: number; windowChunks: number; retriesMax?: number }) {
  const toReceiver: WireMessage[] = []
  const toSender: WireMessage[] = []
  const delivered: Message[] = []
  const reports: boolean[] = []
  const sender = new SnapshotSender(
    {
      chunkBytes: options.chunkBytes,
      windowChunks: options.windowChunks,
      retryMs: 100,
      retriesMax: options.retriesMax ?? 5,
    },
    (messages) => toReceiver.push(...messages),
    (_peer, ok) => reports.push(ok),
  )
  const receiver = new SnapshotReceiver(
    1024 * 1024,
    (messages) => toSender.push(...messages),
    (message) => delivered.push(message),
  )
  return { sender, receiver, toReceiver, toSender, delivered, reports }
}

describe('chunked snapshot transfer', () => {
  it('delivers a snapshot in chunks, each checked, and reports success', () => {
    const { sender, receiver, toReceiver, toSender, delivered, reports } = link({
      chunkBytes: 100,
      windowChunks: 3,
    })
    const message = snapMessage(1050)
    sender.start(message, 0)
    let rounds = 0
    while ((toReceiver.length > 0 || toSender.length > 0) && rounds++ < 1000) {
      for (const chunk of toReceiver.splice(0)) {
        expect(chunk.snapshot).toBeNull()
        expect(chunk.chunk?.data.length).toBeLessThanOrEqual(100)
        receiver.onChunk(chunk)
      }
      for (const ack of toSender.splice(0)) sender.onAck(ack, 0)
    }
    expect(delivered).toHaveLength(1)
    expect(delivered[0]?.snapshot).toEqual(message.snapshot)
    expect(delivered[0]).not.toHaveProperty('chunk')
    expect(reports).toEqual([true])
  })

  it('refuses a corrupted chunk and gets it again', () => {
    const { sender, receiver, toReceiver, toSender, delivered, reports } = link({
      chunkBytes: 64,
      windowChunks: 2,
    })
    sender.start(snapMessage(300), 0)
    let corrupted = false
    for (let rounds = 0; rounds < 100 && reports.length === 0; rounds++) {
      sender.tick(rounds * 100)
      for (const chunk of toReceiver.splice(0)) {
        if (!corrupted && chunk.chunk?.chunkIndex === 2) {
          corrupted = true
          const data = chunk.chunk.data.slice()
          data[5] = (data[5] as number) ^ 0x10
          expect(receiver.onChunk({ ...chunk, chunk: { ...chunk.chunk, data } })).toBe('checksum')
          continue
        }
        receiver.onChunk(chunk)
      }
      for (const ack of toSender.splice(0)) sender.onAck(ack, rounds * 100)
    }
    expect(corrupted).toBe(true)
    expect(reports).toEqual([true])
    expect(delivered[0]?.snapshot?.data).toEqual(snapMessage(300).snapshot?.data)
  })

  it('resumes after a cut from the first chunk the receiver lacks', () => {
    const { sender, receiver, toReceiver, toSender, delivered, reports } = link({
      chunkBytes: 10,
      windowChunks: 4,
      retriesMax: 1,
    })
    const message = snapMessage(200)
    sender.start(message, 0)
    // Ten chunks get through, then the link is cut until the sender gives up.
    let passed = 0
    for (let rounds = 0; rounds < 50 && passed < 10; rounds++) {
      for (const chunk of toReceiver.splice(0)) {
        if (passed < 10) {
          receiver.onChunk(chunk)
          passed++
        }
      }
      for (const ack of toSender.splice(0)) sender.onAck(ack, 0)
    }
    toReceiver.length = 0
    toSender.length = 0
    sender.tick(100)
    toReceiver.length = 0
    sender.tick(200)
    expect(reports).toEqual([false])
    // The core asks again for the same snapshot: the receiver's acknowledgement moves the sender on.
    sender.start(message, 300)
    const sentIndexes: number[] = []
    for (let rounds = 0; rounds < 100 && reports.length < 2; rounds++) {
      for (const chunk of toReceiver.splice(0)) {
        sentIndexes.push(chunk.chunk?.chunkIndex ?? -1)
        receiver.onChunk(chunk)
      }
      for (const ack of toSender.splice(0)) sender.onAck(ack, 300)
    }
    expect(reports).toEqual([false, true])
    expect(delivered).toHaveLength(1)
    // Only the first window is resent before the acknowledgement skips ahead: at most 4 + 10 sends.
    expect(sentIndexes.length).toBeLessThanOrEqual(14)
    expect(sentIndexes).toContain(19)
    expect(sentIndexes.filter((index) => index >= 4 && index < 10)).toEqual([])
  })

  it('completes under random loss, duplication and reordering', () => {
    const random = new SeededRandom(seed)
    for (let trial = 0; trial < 20; trial++) {
      const { sender, receiver, toReceiver, toSender, delivered, reports } = link({
        chunkBytes: 32,
        windowChunks: 3,
        retriesMax: 50,
      })
      const message = snapMessage(100 + random.nextInt(900), trial + 1)
      sender.start(message, 0)
      let now = 0
      for (let rounds = 0; rounds < 5000 && reports.length === 0; rounds++) {
        const chunks = toReceiver.splice(0).sort(() => random.nextInt(3) - 1)
        for (const chunk of chunks) {
          if (random.nextFloat() < 0.2) continue
          receiver.onChunk(chunk)
          if (random.nextFloat() < 0.1) receiver.onChunk(chunk)
        }
        for (const ack of toSender.splice(0)) if (random.nextFloat() >= 0.2) sender.onAck(ack, now)
        now += 50
        sender.tick(now)
      }
      expect(reports, `seed ${seed} trial ${trial}`).toEqual([true])
      expect(delivered.at(-1)?.snapshot?.data, `seed ${seed} trial ${trial}`).toEqual(message.snapshot?.data)
    }
  })

  it('refuses chunks of a snapshot above the size limit or inconsistent in shape', () => {
    const receiver = new SnapshotReceiver(
      100,
      () => {},
      () => {},
    )
    const base = snapMessage(10)
    const chunk = {
      metadata: base.snapshot!.metadata,
      chunkIndex: 0,
      chunkCount: 1,
      totalBytes: 1000,
      data: new Uint8Array(10),
      dataCrc32c: 0,
      snapshotCrc32c: 0,
    }
    expect(receiver.onChunk({ ...base, snapshot: null, chunk })).toBe('too-large')
    expect(
      receiver.onChunk({ ...base, snapshot: null, chunk: { ...chunk, totalBytes: 10, chunkIndex: 1 } }),
    ).toBe('inconsistent')
    expect(
      receiver.onChunk({ ...base, snapshot: null, chunk: { ...chunk, totalBytes: 10, chunkCount: 11 } }),
    ).toBe('inconsistent')
  })
})

describe('snapshot receiver bounds', () => {
  it('keeps at most three partial snapshots, dropping the oldest sender', () => {
    const acks: WireMessage[] = []
    const receiver = new SnapshotReceiver(
      1024,
      (messages) => acks.push(...messages),
      () => {},
    )
    const base = snapMessage(40)
    const chunkFrom = (from: string, chunkIndex: number): WireMessage => {
      const data = (base.snapshot as Snapshot).data.subarray(chunkIndex * 10, chunkIndex * 10 + 10)
      return {
        ...base,
        from,
        snapshot: null,
        chunk: {
          metadata: (base.snapshot as Snapshot).metadata,
          chunkIndex,
          chunkCount: 4,
          totalBytes: 40,
          data,
          dataCrc32c: crc32c(data),
          snapshotCrc32c: 0,
        },
      }
    }
    for (const from of ['s1', 's2', 's3', 's4']) receiver.onChunk(chunkFrom(from, 0))
    acks.length = 0
    // s1 was evicted: its second chunk is out of order for a fresh start, so the ack asks for chunk 0.
    receiver.onChunk(chunkFrom('s1', 1))
    expect(acks.at(-1)?.chunk?.chunkIndex).toBe(0)
    // s4 is still kept: its second chunk is accepted.
    receiver.onChunk(chunkFrom('s4', 1))
    expect(acks.at(-1)?.chunk?.chunkIndex).toBe(2)
  })
})
