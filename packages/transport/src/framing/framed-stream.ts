/**
 * Request/response style framing over one libp2p stream, for the protocols whose two sides talk
 * in turn (snapshot, CRDT sync): `write()` sends one length-prefixed frame and waits for `drain`
 * when the stream's buffer is full; `read()` returns the next frame from a {@link FrameReader}
 * (frame cap, the peer's byte budget, the frame timeout). Errors become this package's typed errors.
 */

import type { Stream } from '@libp2p/interface'
import { assert, rethrowInvariant } from '@tandem/base'
import type { TransportError } from '../errors.js'
import type { PeerMetrics } from '../metrics.js'
import type { ByteBudget } from './frame-decoder.js'
import { FrameReader } from './frame-reader.js'
import { toFrameError } from './read-frames.js'
import { varintLength, writeVarint } from './varint.js'

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
}

export class FramedStream {
  readonly stream: Stream
  readonly #protocol: string
  readonly #frameBytesMax: number
  readonly #metrics: PeerMetrics
  readonly #reader: FrameReader
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
  }

  /** Sends one frame; resolves once the stream can take more. Rejects if the stream is gone. */
  async write(frame: Uint8Array): Promise<void> {
    const framed = new Uint8Array(varintLength(frame.byteLength) + frame.byteLength)
    framed.set(frame, writeVarint(framed, 0, frame.byteLength))
    this.#metrics.framesOut++
    this.#metrics.bytesOut += framed.byteLength
    if (!this.stream.send(framed)) await this.stream.onDrain()
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
