/**
 * An honest sender far ahead of a slow consumer is slowed by the receiver's credit, not cut off by
 * the per-peer budget: on the Raft channel (`/tandem/raft/2`) a sender never has more bytes
 * unconsumed at the receiver than the receiver granted (half its budget), over TCP and over QUIC
 * alike. Before, the receiver took bytes as fast as libp2p pushed them: over TCP the bytes held
 * passed the budget and the stream was reset with the frames on it (7,936 of 200,000 frames
 * arrived; the transport bench lost its run the same way). Over QUIC, `@chainsafe/libp2p-quic`
 * 2.1.1's read loop hands over about one 4 KiB chunk per event-loop turn, so here it never ran
 * ahead (4,350 B held at the peak, before and after); that case checks that grants flow over QUIC.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MalformedFrameError } from '../src/errors.js'
import { encodeGrant, grantThresholdBytes, windowBytesFor } from '../src/framing/credit.js'
import { FrameChannel } from '../src/framing/frame-channel.js'
import { FrameDecoder } from '../src/framing/frame-decoder.js'
import type { TransportHost } from '../src/transport-host.js'
import { Fixture, QUIC_ONLY, seededRandom, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

/**
 * The Raft channel's machinery (a {@link FrameChannel}: links, readers, credit) on a protocol of the
 * test's own, with the Raft defaults: frame cap 16 MiB, budget 2 × 16 MiB + 1 MiB = 33 MiB.
 */
async function channelOn(host: TransportHost): Promise<FrameChannel> {
  const channel = new FrameChannel(host, {
    protocol: PROTOCOL,
    frameBytesMax: FRAME_BYTES_MAX,
    queue: { framesMax: 8192, bytesMax: 64 * 1024 * 1024, overflow: 'drop-oldest' },
    batchBytesMax: 256 * 1024,
    bufferedBytesPerPeerMax: BUDGET_BYTES,
    keepAlive: () => true,
  })
  await channel.start()
  return channel
}

const PROTOCOL = '/tandem-test/flow/1'
const FRAME_BYTES_MAX = 16 * 1024 * 1024
const BUDGET_BYTES = 2 * FRAME_BYTES_MAX + 1024 * 1024

describe('flow control on the Raft channel', () => {
  it.each([
    ['TCP', TCP_ONLY],
    ['QUIC', QUIC_ONLY],
  ])(
    'a sender far ahead of a slow consumer over %s: every frame arrives, no reset',
    async (name, listen) => {
      const seed = 14
      const { a, b, nodeA, nodeB } = await fixture.pair({ listen, random: seededRandom(seed) })
      const [sender, receiver] = [await channelOn(nodeA), await channelOn(nodeB)]
      // Either may be the pair's opener (ids sort by chance): both keep the link up, as members do.
      sender.connect([b.nodeId])
      receiver.connect([a.nodeId])
      try {
        let received = 0
        receiver.onFrame(() => {
          received++
          // A consumer slower than the network: 20 µs of work per 256-byte frame (about 13 MB/s).
          const until = performance.now() + 0.02
          while (performance.now() < until) {}
        })
        // 200,000 × 256 B = 51 MB, paced only by the sender's own queue (as Raft's in-flight window
        // lets it: far more than the budget).
        const frames = 200_000
        const startedMs = performance.now()
        for (let i = 0; i < frames; i++) {
          const frame = new Uint8Array(256)
          frame[0] = i & 0xff
          if (!sender.send(b.nodeId, frame)) throw new Error('send queue overflowed')
          if (sender.queuedFrames(b.nodeId) >= 4096) await sender.whenWritable(b.nodeId)
        }
        await waitFor(
          () => received === frames || nodeB.peerMetrics(a.nodeId).streamErrors > 0,
          `all frames consumed or the stream reset (seed ${seed})`,
          120_000,
        )
        const peak = nodeB.inbound.peakBufferedBytes(a.nodeId)
        console.log(
          `${name}: ${received} of ${frames} frames in ${Math.round(performance.now() - startedMs)} ms, ` +
            `stream errors ${nodeB.peerMetrics(a.nodeId).streamErrors}, peak held ${peak} B of ${BUDGET_BYTES} B`,
        )
        expect(nodeB.peerMetrics(a.nodeId).streamErrors).toBe(0)
        expect(received).toBe(frames)
        expect(nodeA.peerMetrics(b.nodeId).reconnects).toBe(0)
        expect(nodeA.peerMetrics(b.nodeId).framesDropped).toBe(0)
        // The sender never had more than the receiver's window (half the budget) unconsumed there.
        expect(peak).toBeLessThanOrEqual(BUDGET_BYTES / 2)
        expect(peak).toBeGreaterThan(0)
      } finally {
        await Promise.all([sender.stop(), receiver.stop()])
      }
    },
    180_000,
  )
})

describe('grants on the wire', () => {
  const protocol = '/test/1'

  it('are told apart from frames, in order, and count only message frames', () => {
    const grants: number[] = []
    const decoder = new FrameDecoder(protocol, 1024, undefined, (bytes) => grants.push(bytes))
    const frame = new Uint8Array([7, 7, 7])
    const wire = new Uint8Array([...encodeGrant(300), 3, ...frame, ...encodeGrant(1), 3, ...frame])
    // Byte by byte: a grant split anywhere waits for the rest.
    const frames: Uint8Array[] = []
    for (const byte of wire) frames.push(...decoder.push(new Uint8Array([byte])))
    expect(frames).toEqual([frame, frame])
    expect(grants).toEqual([300, 1])
    expect(decoder.framedBytesTaken).toBe(2 * 4)
    expect(decoder.inFrame).toBe(false)
  })

  it.each([
    ['a grant of 0 bytes', [0, 0]],
    ['a non-minimal grant', [0, 0x81, 0]],
    ['a grant longer than 5 bytes', [0, 0x80, 0x80, 0x80, 0x80, 0x80, 1]],
    ['a grant over 2^32 - 1', [0, 0x80, 0x80, 0x80, 0x80, 0x10]],
  ])('%s is a malformed frame', (_name, bytes) => {
    const decoder = new FrameDecoder(protocol, 1024, undefined, () => {})
    expect(() => decoder.push(new Uint8Array(bytes))).toThrow(MalformedFrameError)
  })

  it('a flood of grants is handled in slices, like frames', () => {
    let grants = 0
    const decoder = new FrameDecoder(protocol, 1024, undefined, () => grants++)
    const one = encodeGrant(5)
    const wire = new Uint8Array(one.byteLength * 1000)
    for (let i = 0; i < 1000; i++) wire.set(one, i * one.byteLength)
    decoder.append(wire)
    expect(decoder.take(256)).toEqual([])
    expect(grants).toBe(256)
    expect(decoder.stoppedAtLimit).toBe(true)
    while (decoder.stoppedAtLimit) decoder.take(256)
    expect(grants).toBe(1000)
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('windows: half the budget, at least one whole frame; grants leave room for a whole frame', () => {
    const frameBytesMax = 16 * 1024 * 1024
    const budget = 2 * frameBytesMax + 1024 * 1024
    const window = windowBytesFor(budget, frameBytesMax)
    expect(window).toBe(budget / 2)
    const threshold = grantThresholdBytes(window, frameBytesMax)
    // What a receiver may hold back ungranted (< threshold) still leaves a whole frame of credit.
    expect(window - (threshold - 1)).toBeGreaterThanOrEqual(frameBytesMax + 4)
    expect(windowBytesFor(frameBytesMax + 4, frameBytesMax)).toBe(frameBytesMax + 4)
    expect(grantThresholdBytes(frameBytesMax + 4, frameBytesMax)).toBe(1)
  })
})
