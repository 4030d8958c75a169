/**
 * An honest sender running ahead of a slow consumer is slowed by flow control, not cut off by the
 * per-peer budget: over yamux the reader pauses its stream above half the budget, and the capped
 * window keeps what still arrives within the stream's read buffer; over QUIC (which ignores a
 * pause) its own flow control holds back what its read loop has not taken. Before, the bytes held passed
 * the budget and the stream was reset with its queued frames (the transport bench lost its run).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { STREAM_WINDOW_BYTES_MAX } from '../src/framing/backpressure.js'
import { Fixture, QUIC_ONLY, seededRandom, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

describe('backpressure on a framed stream', () => {
  it.each([
    ['TCP (yamux: the reader pauses the stream)', TCP_ONLY],
    ['QUIC (no pause: QUIC flow control below its read loop)', QUIC_ONLY],
  ])('a sender far ahead of a slow consumer over %s: every frame arrives', async (_name, listen) => {
    const seed = 5
    const budgetBytes = 4 * STREAM_WINDOW_BYTES_MAX
    const { a, b, nodeA, nodeB } = await fixture.pair({
      listen,
      random: seededRandom(seed),
      raft: { bufferedBytesPerPeerMax: budgetBytes },
    })
    let received = 0
    nodeB.raft.onFrame(() => {
      received++
      // A consumer slower than the network: 5 µs of work per 256-byte frame (about 50 MB/s), 256 frames per turn of the event loop.
      const until = performance.now() + 0.005
      while (performance.now() < until) {}
    })
    const frames = 200_000
    const frame = new Uint8Array(256)
    for (let i = 0; i < frames; i++) {
      // Paced only by the sender's own queue, as Raft's window lets it (far more than the budget).
      if (!nodeA.raft.send(b.nodeId, frame)) throw new Error('send queue overflowed')
      if (nodeA.raft.queuedFrames(b.nodeId) >= 4096) await nodeA.raft.whenWritable(b.nodeId)
    }
    await waitFor(
      () => received === frames || nodeB.peerMetrics(a.nodeId).streamErrors > 0,
      `all frames consumed or the stream reset (seed ${seed})`,
      60_000,
    )
    expect(nodeB.peerMetrics(a.nodeId).streamErrors).toBe(0)
    expect(received).toBe(frames)
    expect(nodeA.peerMetrics(b.nodeId).reconnects).toBe(0)
    expect(nodeB.inbound.peakBufferedBytes(a.nodeId)).toBeLessThanOrEqual(budgetBytes)
    expect(nodeB.inbound.peakBufferedBytes(a.nodeId)).toBeGreaterThan(0)
  })
})
