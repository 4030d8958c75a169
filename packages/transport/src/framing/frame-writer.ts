/**
 * The send side of every framed protocol: one writer for the Raft links, the CRDT sync sessions and
 * the snapshot exchange. Frames wait in a bounded {@link FrameQueue}; a write takes as many as fit
 * in `batchBytesMax` (at least one), lays them out behind their varint length prefixes (the
 * it-length-prefixed format) in one buffer, and hands that buffer to the stream with one `send()`,
 * waiting for `drain` when the stream reports a full buffer. How frames are cut into batches changes
 * only the chunking, never the bytes on the wire.
 *
 * One allocation (not zero-filled) per batch: handing the frames over as a list of references
 * instead measured several times slower, since the layers below flatten lists piece by piece.
 */
import type { Stream } from '@libp2p/interface'
import { assert, rethrowInvariant, writeVarint } from '@tandem/base'
import type { PeerMetrics } from '../metrics.js'
import { framedBytes } from './credit.js'
import { FrameQueue, type FrameQueueLimits } from './frame-queue.js'

/** Options of a {@link FrameWriter}. */
export interface FrameWriterOptions {
  readonly queue: FrameQueueLimits
  /** Upper bound of one batched write, in bytes (a single larger frame is written alone). */
  readonly batchBytesMax: number
  /** Where frames and bytes out, and frames dropped by the full queue, are counted. */
  readonly metrics: PeerMetrics
}

export class FrameWriter {
  readonly #queue: FrameQueue
  readonly #batchBytesMax: number
  readonly #metrics: PeerMetrics
  #writableWaiters: Array<() => void> = []
  /** Whether a background pump (see {@link pumpTo}) is running. */
  #pumping = false
  #pumpFailed = false

  constructor(options: FrameWriterOptions) {
    assert(options.batchBytesMax >= 1, 'a batch holds at least one byte')
    this.#queue = new FrameQueue(options.queue)
    this.#batchBytesMax = options.batchBytesMax
    this.#metrics = options.metrics
  }

  /** Frames waiting to be written. */
  get queuedFrames(): number {
    return this.#queue.length
  }

  /**
   * Queues one frame (the payload, without its length prefix). Never blocks. Returns `false` when
   * the frame (or, with `drop-oldest`, an older one) was dropped because the queue was full, or a
   * background pump has failed; drops are counted in `framesDropped`.
   */
  enqueue(frame: Uint8Array): boolean {
    if (this.#pumpFailed) {
      this.#metrics.framesDropped++
      return false
    }
    const dropped = this.#queue.push(frame)
    if (dropped > 0) this.#metrics.framesDropped += dropped
    return dropped === 0
  }

  /** Resolves once the queue is at or below half its bounds (or {@link clear} was called). */
  whenWritable(): Promise<void> {
    if (this.#queue.belowLowWater) return Promise.resolve()
    return new Promise((resolve) => this.#writableWaiters.push(resolve))
  }

  /** Wire bytes (length prefix included) of the frame at the head of the queue; 0 when empty. */
  get headFramedBytes(): number {
    const frame = this.#queue.peek()
    return frame === undefined ? 0 : framedBytes(frame.byteLength)
  }

  /** Drops the frame at the head of the queue (one that can never be sent), counting it. */
  dropHead(): void {
    if (this.#queue.shift() === undefined) return
    this.#metrics.framesDropped++
    if (this.#writableWaiters.length > 0 && this.#queue.belowLowWater) this.#releaseWaiters()
  }

  /**
   * Writes one batch of queued frames to `stream` (nothing when the queue is empty), waiting for
   * `drain` if the stream's buffer is full. Rejects when the stream fails or `signal` aborts.
   * With `creditBytes` (flow control), the batch holds only the frames that fit in it, in order —
   * none if the first does not. Resolves with the wire bytes written.
   */
  async writeBatch(
    stream: Stream,
    signal?: AbortSignal,
    creditBytes = Number.POSITIVE_INFINITY,
  ): Promise<number> {
    if (this.#queue.length === 0 || this.headFramedBytes > creditBytes) return 0
    const batch = this.#takeBatch(creditBytes)
    if (!stream.send(batch)) await stream.onDrain(signal === undefined ? undefined : { signal })
    return batch.byteLength
  }

  /** Writes batches to `stream` until the queue is empty. */
  async flush(stream: Stream, signal?: AbortSignal): Promise<void> {
    while (this.#queue.length > 0) await this.writeBatch(stream, signal)
  }

  /**
   * Keeps `stream` fed in the background: after each `enqueue`, call this; a pump starts on a
   * microtask (so frames queued in the same turn go out in one batch) and runs until the queue is
   * empty. If the stream fails, the writer refuses every later frame.
   */
  pumpTo(stream: Stream): void {
    if (this.#pumping || this.#pumpFailed) return
    this.#pumping = true
    queueMicrotask(() => void this.#pump(stream))
  }

  /**
   * The pump's loop. The last look at the queue and the end of `#pumping` happen in one
   * synchronous step: a frame queued in between would find the pump still marked running, start
   * none, and wait for the next frame (with `flush(...).finally(...)`, a few microtasks apart, that
   * stranded a CRDT step 2 whenever the stream took the previous batch at once).
   */
  async #pump(stream: Stream): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.writeBatch(stream)
    } catch (error) {
      rethrowInvariant(error)
      this.#pumpFailed = true
      this.clear()
    } finally {
      this.#pumping = false
    }
  }

  /** Discards every queued frame and releases whoever waits for room. */
  clear(): void {
    this.#queue.clear()
    this.#releaseWaiters()
  }

  /** Takes the frames of one batch: at least one (the caller checked that it fits `creditBytes`). */
  #takeBatch(creditBytes: number): Uint8Array {
    const queue = this.#queue
    const parts: Uint8Array[] = []
    let total = 0
    for (;;) {
      const frame = queue.peek()
      if (frame === undefined) break
      const framed = framedBytes(frame.byteLength)
      if (total + framed > creditBytes) break
      if (parts.length > 0 && total + framed > this.#batchBytesMax) break
      queue.shift()
      parts.push(frame)
      total += framed
    }
    this.#metrics.framesOut += parts.length
    this.#metrics.bytesOut += total
    if (this.#writableWaiters.length > 0 && queue.belowLowWater) this.#releaseWaiters()
    return layOutFrames(parts, total)
  }

  #releaseWaiters(): void {
    const waiters = this.#writableWaiters
    this.#writableWaiters = []
    for (const resolve of waiters) resolve()
  }
}

/** Returns the frames of `parts` laid out with length prefixes; `totalBytes` is the framed size. */
function layOutFrames(parts: readonly Uint8Array[], totalBytes: number): Uint8Array {
  const batch = Buffer.allocUnsafe(totalBytes)
  let offset = 0
  for (const frame of parts) {
    offset = writeVarint(batch, offset, frame.byteLength)
    batch.set(frame, offset)
    offset += frame.byteLength
  }
  assert(offset === totalBytes, 'a batch fills exactly the bytes it was sized for')
  return batch
}
