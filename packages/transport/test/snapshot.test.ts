import { createHash } from 'node:crypto'
import { ManualClock } from '@tandem/base'
import { afterEach, describe, expect, it } from 'vitest'
import { SnapshotIntegrityError } from '../src/errors.js'
import { FramedStream } from '../src/framing/framed-stream.js'
import { SNAPSHOT_PROTOCOL } from '../src/protocols.js'
import {
  chunkChecksum,
  decodeFrame,
  encodeChunk,
  encodeOffer,
  SNAPSHOT_WIRE_VERSION,
  verifyChunk,
} from '../src/snapshot/frames.js'
import type { ReceivedSnapshot } from '../src/snapshot/receiver.js'
import { createSnapshotService } from '../src/snapshot/service.js'
import type { TransportHost } from '../src/transport-host.js'
import { Fixture, QUIC_ONLY, seededRandom, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

const MiB = 1024 * 1024
const backoff = { delayMsInitial: 10, delayMsMax: 100 }

function snapshotBytes(length: number, seed: number): Uint8Array {
  const random = seededRandom(seed)
  const data = new Uint8Array(length)
  const view = new DataView(data.buffer)
  for (let offset = 0; offset + 4 <= length; offset += 4) view.setUint32(offset, random() * 2 ** 32)
  return data
}

async function pair(listen: string[], receiverOptions = {}) {
  const { a, b, nodeA, nodeB } = await fixture.pair({ listen, backoff })
  const sender = await createSnapshotService(nodeA)
  const receiver = await createSnapshotService(nodeB, receiverOptions)
  return { a: a.nodeId, b: b.nodeId, nodeA, nodeB, sender, receiver }
}

/** A snapshot stream from `nodeA` to `b`, for tests that speak the protocol by hand. */
async function rawSnapshotStream(
  nodeA: TransportHost,
  b: string,
  frameBytesMax: number,
): Promise<FramedStream> {
  const stream = await nodeA.openStream(b, SNAPSHOT_PROTOCOL, AbortSignal.timeout(10_000))
  return new FramedStream(stream, {
    protocol: SNAPSHOT_PROTOCOL,
    frameBytesMax,
    metrics: nodeA.metrics.peer(b),
  })
}

describe('snapshot streaming', () => {
  it('streams a 64 MiB snapshot over TCP and, cut halfway, resumes from the last acknowledged chunk', async () => {
    const seed = 11
    const { a, b, nodeA, nodeB, sender, receiver } = await pair(TCP_ONLY)
    const data = snapshotBytes(64 * MiB, seed)
    const chunkBytes = 256 * 1024
    const chunkCount = (64 * MiB) / chunkBytes
    const half = chunkCount / 2
    let cutAt = -1
    receiver.onProgress((_peer, _id, nextChunk) => {
      if (cutAt < 0 && nextChunk === half) {
        cutAt = nextChunk
        for (const connection of nodeB.libp2p.getConnections()) connection.abort(new Error('cut by the test'))
      }
    })
    const received: ReceivedSnapshot[] = []
    receiver.onSnapshot((snapshot) => {
      received.push(snapshot)
    })
    const result = await sender.send(
      b,
      { transferId: 'term-3-index-900', metadata: Uint8Array.of(9, 0, 0), data },
      { chunkBytes },
    )
    expect(cutAt, `seed ${seed}`).toBe(half)
    expect(result.resumedFrom).toEqual([0, half])
    expect(result.chunkCount).toBe(chunkCount)
    // Only chunks past the last acknowledgement were sent again: at most one window's worth.
    expect(result.chunksSent).toBeLessThanOrEqual(chunkCount + 8)
    expect(received.length).toBe(1)
    const snapshot = received[0]
    expect(snapshot?.from).toBe(a)
    expect(snapshot?.metadata).toEqual(Uint8Array.of(9, 0, 0))
    const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
    expect(digest(snapshot?.data ?? new Uint8Array())).toBe(digest(data))
    expect(receiver.partialTransfers()).toEqual([])
    expect(nodeA.peerMetrics(b).bytesOut).toBeGreaterThan(64 * MiB)
  })

  it('streams a 64 MiB snapshot over QUIC', async () => {
    const { b, sender, receiver } = await pair(QUIC_ONLY)
    const data = snapshotBytes(64 * MiB, 12)
    let receivedDigest = ''
    receiver.onSnapshot((snapshot) => {
      receivedDigest = createHash('sha256').update(snapshot.data).digest('hex')
    })
    const result = await sender.send(b, { transferId: 'quic', data })
    expect(result.resumedFrom).toEqual([0])
    expect(receivedDigest).toBe(createHash('sha256').update(data).digest('hex'))
  })

  it('discards an abandoned partial transfer after its TTL, so the next offer starts over', async () => {
    const clock = new ManualClock()
    const { b, nodeB, sender, receiver } = await pair(TCP_ONLY, { ttlMs: 60_000, clock })
    const data = snapshotBytes(4 * MiB, 13)
    receiver.onProgress((_peer, _id, nextChunk) => {
      if (nextChunk === 4)
        for (const connection of nodeB.libp2p.getConnections()) connection.abort(new Error('cut'))
    })
    await expect(
      sender.send(b, { transferId: 'ttl', data }, { chunkBytes: 64 * 1024, attemptsMax: 1 }),
    ).rejects.toMatchObject({ code: 'TRANSPORT_SNAPSHOT_TRANSFER_FAILED' })
    await waitFor(() => receiver.partialTransfers()[0]?.nextChunk === 4, 'partial transfer kept')
    clock.advance(59_999)
    expect(receiver.sweep()).toBe(0)
    clock.advance(1)
    expect(receiver.sweep()).toBe(1)
    expect(receiver.partialTransfers()).toEqual([])
    receiver.onProgress(() => {})
    const result = await sender.send(b, { transferId: 'ttl', data }, { chunkBytes: 64 * 1024 })
    expect(result.resumedFrom).toEqual([0])
  })

  it('closes the stream on a chunk that fails its checksum and keeps the verified prefix', async () => {
    const { a, b, nodeA, nodeB, receiver } = await pair(TCP_ONLY)
    const data = snapshotBytes(1024, 14)
    const chunkBytes = 256
    const framed = await rawSnapshotStream(nodeA, b, 1 * MiB)
    await framed.write(
      encodeOffer({
        wireVersion: SNAPSHOT_WIRE_VERSION,
        transferId: 'corrupt',
        totalBytes: data.byteLength,
        chunkBytes,
        chunkCount: 4,
        sha256: createHash('sha256').update(data).digest(),
        metadata: new Uint8Array(0),
      }),
    )
    const accept = decodeFrame((await framed.read()) ?? new Uint8Array(), 'accept')
    expect(accept.resumeFromChunk).toBe(0)
    const good = data.slice(0, chunkBytes)
    await framed.write(encodeChunk({ index: 0, crc32: chunkChecksum(good), data: good }))
    expect(decodeFrame((await framed.read()) ?? new Uint8Array(), 'ack').nextChunk).toBe(1)
    const bad = data.slice(chunkBytes, 2 * chunkBytes)
    await framed.write(encodeChunk({ index: 1, crc32: chunkChecksum(bad) ^ 1, data: bad }))
    await expect(framed.read()).rejects.toThrow()
    await waitFor(() => nodeB.peerMetrics(a).streamErrors === 1, 'stream error counted')
    expect(receiver.partialTransfers()).toEqual([
      { peer: a, transferId: 'corrupt', nextChunk: 1, chunkCount: 4 },
    ])
  })
})

describe('snapshot receive window', () => {
  it('grants no more unacknowledged chunk bytes than the receive buffer bound', async () => {
    const { b, nodeA } = await pair(TCP_ONLY)
    const framed = await rawSnapshotStream(nodeA, b, 2 * MiB)
    await framed.write(
      encodeOffer({
        wireVersion: SNAPSHOT_WIRE_VERSION,
        transferId: 'window',
        totalBytes: 8 * MiB,
        chunkBytes: MiB,
        chunkCount: 8,
        sha256: new Uint8Array(32),
        metadata: new Uint8Array(0),
      }),
    )
    const accept = decodeFrame((await framed.read()) ?? new Uint8Array(), 'accept')
    // 4 MiB of receive buffer holds 3 chunks of 1 MiB plus their frame fields, not the default 8.
    expect(accept.windowChunks).toBe(3)
  })
})

describe('snapshot chunk checksum', () => {
  it('detects every single-bit flip of a chunk', () => {
    const data = snapshotBytes(512, 15)
    const offer = {
      wireVersion: 1,
      transferId: 'x',
      totalBytes: 512,
      chunkBytes: 512,
      chunkCount: 1,
      sha256: new Uint8Array(32),
      metadata: new Uint8Array(0),
    }
    const crc32 = chunkChecksum(data)
    let detected = 0
    for (let bit = 0; bit < data.byteLength * 8; bit++) {
      const flipped = data.slice()
      flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7))
      try {
        verifyChunk({ index: 0, crc32, data: flipped }, offer, 0)
      } catch (error) {
        if (error instanceof SnapshotIntegrityError) detected++
      }
    }
    expect(detected).toBe(512 * 8)
  })
})
