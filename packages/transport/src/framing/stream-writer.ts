/**
 * A bounded, batching writer for one already-open stream (used by sessions that live exactly as
 * long as their stream, such as CRDT sync). Frames queue without blocking; a pump writes as many
 * as fit in one batch with one `send()`, waiting for `drain` when the stream is full. When the
 * queue bound is reached `enqueue` refuses, and the caller decides (CRDT sync restarts its session,
 * whose anti-entropy step repairs whatever was not sent).
 */
import type { Stream } from '@libp2p/interface'
import { rethrowInvariant } from '@tandem/base'
import type { PeerMetrics } from '../metrics.js'
import { FrameQueue } from './frame-queue.js'
import { layOutFrames } from './lay-out.js'
import { varintLength } from './varint.js'

export class StreamWriter {
  readonly #stream: Stream
  readonly #queue: FrameQueue
  readonly #metrics: PeerMetrics
  readonly #batchBytesMax: number
  #pumping = false
  #failed = false

  constructor(
    stream: Stream,
    init: { framesMax: number; bytesMax: number; batchBytesMax: number; metrics: PeerMetrics },
  ) {
    this.#stream = stream
    this.#queue = new FrameQueue({
      framesMax: init.framesMax,
      bytesMax: init.bytesMax,
      overflow: 'drop-newest',
    })
    this.#metrics = init.metrics
    this.#batchBytesMax = init.batchBytesMax
  }

  /** Queues one frame; `false` when the queue is full or the stream failed (nothing was queued). */
  enqueue(frame: Uint8Array): boolean {
    if (this.#failed || this.#queue.push(frame) > 0) {
      this.#metrics.framesDropped++
      return false
    }
    if (!this.#pumping) {
      this.#pumping = true
      // Start on a microtask, so frames queued in the same turn go out in one batch.
      queueMicrotask(() => {
        this.#pump().catch((error: unknown) => {
          rethrowInvariant(error)
          this.#failed = true
        })
      })
    }
    return true
  }

  async #pump(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#failed) {
        const batch = this.#takeBatch()
        if (!this.#stream.send(batch)) await this.#stream.onDrain()
      }
    } finally {
      this.#pumping = false
    }
  }

  #takeBatch(): Uint8Array {
    const parts: Uint8Array[] = []
    let total = 0
    for (;;) {
      const frame = this.#queue.peek()
      if (frame === undefined) break
      const framed = varintLength(frame.byteLength) + frame.byteLength
      if (parts.length > 0 && total + framed > this.#batchBytesMax) break
      this.#queue.shift()
      parts.push(frame)
      total += framed
    }
    this.#metrics.framesOut += parts.length
    this.#metrics.bytesOut += total
    return layOutFrames(parts, total)
  }
}
