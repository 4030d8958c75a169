/**
 * The background pump of a {@link FrameWriter} (CRDT sync sessions send through it) never strands
 * a queued frame. Before, the pump ended a few microtasks after its last look at the queue; a frame
 * queued in between found it still marked running and waited for the next frame, so a restarted
 * node's CRDT step 2 (queued right after the ack, as the peer's step 1 came in) never left and the
 * local-cluster demo's restarted node missed the eventual write made while it was down.
 */
import type { Stream } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { FrameWriter } from '../src/framing/frame-writer.js'
import { MetricsRegistry } from '../src/metrics.js'

/** A stream that takes every batch at once (`send` returns true), as yamux does with window left. */
function eagerStream(sent: Uint8Array[]): Stream {
  const stream = { send: (batch: Uint8Array) => sent.push(batch) > 0, onDrain: async () => {} }
  return stream as unknown as Stream
}

describe('FrameWriter.pumpTo', () => {
  it('sends a frame queued at any microtask while the previous pump winds down', async () => {
    for (let hops = 0; hops <= 40; hops++) {
      const sent: Uint8Array[] = []
      const stream = eagerStream(sent)
      const writer = new FrameWriter({
        queue: { framesMax: 16, bytesMax: 1024, overflow: 'drop-newest' },
        batchBytesMax: 1024,
        metrics: new MetricsRegistry().peer('peer'),
      })
      writer.enqueue(new Uint8Array([1]))
      writer.pumpTo(stream)
      for (let i = 0; i < hops; i++) await Promise.resolve()
      writer.enqueue(new Uint8Array([2]))
      writer.pumpTo(stream)
      await new Promise((resolve) => setImmediate(resolve))
      expect({ hops, frames: sent.reduce((count, batch) => count + batch.byteLength / 2, 0) }).toEqual({
        hops,
        frames: 2,
      })
      expect(writer.queuedFrames).toBe(0)
    }
  })
})
