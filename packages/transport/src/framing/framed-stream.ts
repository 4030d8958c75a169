/**
 * Framing over one libp2p stream that lives as long as its session (snapshot, CRDT sync): frames go
 * out through the same {@link FrameWriter} as the Raft links' — `write()` queues one and waits until
 * it is handed to the stream (and for `drain` when the stream's buffer is full), `enqueue()` queues
 * without waiting and lets a background pump batch what is queued in one turn — and come in through
 * a {@link FrameReader} (frame cap, the peer's byte budget, the frame timeout) with `read()`.
 * Errors become this package's typed errors.
 */

import type { Stream } from '@libp2p/interface'
import { assert, rethrowInvariant, varintLength } from '@tandem/base'
import type { TransportError } from '../errors.js'
import type { PeerMetrics } from '../metrics.js'
import type { ByteBudget } from './frame-decoder.js'
import type { FrameQueueLimits } from './frame-queue.js'
import { FrameReader } from './frame-reader.js'
import { FrameWriter } from './frame-writer.js'
import { toFrameError } from './read-frames.js'

/**
 * The send queue of a session stream when none is given: the snapshot exchange writes one frame at
 * a time and waits, so it never holds more than a frame; the bound only matters for `enqueue`.
 */
const DEFAULT_SEND_QUEUE: FrameQueueLimits = {
  framesMax: 1024,
  bytesMax: 64 * 1024 * 1024,
  overflow: 'drop-newest',
}

/** Largest batched write of a session stream. */
const BATCH_BYTES_MAX = 256 * 1024

/** Options of a {@link FramedStream}. */
export interface FramedStreamOptions {
  readonly protocol: string
  readonly frameBytesMax: number
  readonly metrics: PeerMetrics
  /** The peer's budget of buffered bytes on this protocol, shared by its streams. Default: unbounded. */
  readonly budget?: ByteBudget
  /** Closes the stream when a begun frame gets no byte for this long. Default 0: never. */
  readonly frameTimeoutMs?: number
  /** Frames read before the reader yields to the event loop. Default 256. */
  readonly framesPerTurnMax?: number
  /** Bounds of the send queue (only `enqueue` can fill it). Default 1,024 frames, 64 MiB, drop-newest. */
  readonly sendQueue?: FrameQueueLimits
}

export class FramedStream {
  readonly stream: Stream
  readonly #protocol: string
  readonly #frameBytesMax: number
  readonly #metrics: PeerMetrics
  readonly #reader: FrameReader
  readonly #writer: FrameWriter
  /** Frames decoded but not yet returned by `read()`. */
  #pending: Uint8Array[] = []
  /** Whether a failure of this stream was counted already. */
  #counted = false

  constructor(stream: Stream, options: FramedStreamOptions) {
    this.stream = stream
    this.#protocol = options.protocol
    this.#frameBytesMax = options.frameBytesMax
    this.#metrics = options.metrics
    this.#reader = new FrameReader(stream, options)
    this.#writer = new FrameWriter({
      queue: options.sendQueue ?? DEFAULT_SEND_QUEUE,
      batchBytesMax: BATCH_BYTES_MAX,
      metrics: options.metrics,
    })
  }

  /** Sends one frame; resolves once the stream can take more. Rejects if the stream is gone. */
  async write(frame: Uint8Array): Promise<void> {
    const queued = this.#writer.enqueue(frame)
    assert(queued, 'a session writes one frame at a time, so its send queue has room')
    await this.#writer.flush(this.stream)
  }

  /**
   * Queues one frame without waiting; frames queued in the same turn go out in one batch. `false`
   * when the send queue is full or the stream failed (nothing was queued; counted as dropped).
   */
  enqueue(frame: Uint8Array): boolean {
    if (!this.#writer.enqueue(frame)) return false
    this.#writer.pumpTo(this.stream)
    return true
  }

  /**
   * The next frame, or `null` when the remote closed its side. Throws a typed error (and aborts the
   * stream) on an oversized, malformed, over-budget or stalled frame; rethrows stream failures as
   * they are.
   */
  async read(): Promise<Uint8Array | null> {
    let bytes = this.#pending.shift()
    if (bytes === undefined) {
      let frames: Uint8Array[] | null
      try {
        // One frame at a time: the rest stay in the reader, accounted in the peer's budget.
        frames = await this.#reader.next(1)
      } catch (error) {
        rethrowInvariant(error)
        const typed = toFrameError(error, this.#protocol, this.#frameBytesMax)
        if (typed === null) throw error
        this.fail(typed)
        throw typed
      }
      if (frames === null) return null
      this.#pending = frames
      bytes = this.#pending.shift()
      assert(bytes !== undefined, 'the frame reader hands out at least one frame or null')
    }
    this.#metrics.framesIn++
    this.#metrics.bytesIn += bytes.byteLength + varintLength(bytes.byteLength)
    return bytes
  }

  /** Aborts the stream because of `error` (a protocol violation), counting it once. */
  fail(error: TransportError): void {
    if (this.#counted) return
    this.#counted = true
    this.#metrics.streamErrors++
    if (this.stream.status === 'open') this.stream.abort(error)
  }

  /** Closes this side for writing, waiting at most `timeoutMs` for buffered data to leave. */
  async close(timeoutMs = 5_000): Promise<void> {
    try {
      await this.stream.close({ signal: AbortSignal.timeout(timeoutMs) })
    } catch (error) {
      rethrowInvariant(error)
      this.stream.abort(error instanceof Error ? error : new Error('close failed'))
    }
  }

  /** Stops reading and returns buffered bytes to the peer's budget (call when done with the stream). */
  dispose(): void {
    this.#reader.dispose()
  }
}
