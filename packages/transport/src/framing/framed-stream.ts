/**
 * Request/response style framing over one libp2p stream, for the protocols whose two sides talk
 * in turn (snapshot, CRDT sync): `write()` sends one length-prefixed frame and waits for `drain`
 * when the stream's buffer is full; `read()` returns the next frame, decoded through
 * it-length-prefixed with the frame cap. Errors become this package's typed errors.
 */
import type { Stream } from '@libp2p/interface'
import * as lp from 'it-length-prefixed'
import type { TransportError } from '../errors.js'
import type { PeerMetrics } from '../metrics.js'
import { toFrameError } from './read-frames.js'
import { varintLength, writeVarint } from './varint.js'

const LENGTH_PREFIX_BYTES_MAX = 5

export class FramedStream {
  readonly stream: Stream
  readonly #protocol: string
  readonly #frameBytesMax: number
  readonly #metrics: PeerMetrics
  readonly #frames: AsyncGenerator<{ subarray(): Uint8Array }, void, unknown>

  constructor(stream: Stream, options: { protocol: string; frameBytesMax: number; metrics: PeerMetrics }) {
    this.stream = stream
    this.#protocol = options.protocol
    this.#frameBytesMax = options.frameBytesMax
    this.#metrics = options.metrics
    this.#frames = lp.decode(stream, {
      maxDataLength: options.frameBytesMax,
      maxLengthLength: LENGTH_PREFIX_BYTES_MAX,
    })
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
   * stream) on an oversized or malformed frame; rethrows stream failures as they are.
   */
  async read(): Promise<Uint8Array | null> {
    let next: IteratorResult<{ subarray(): Uint8Array }, void>
    try {
      next = await this.#frames.next()
    } catch (error) {
      const typed = toFrameError(error, this.#protocol, this.#frameBytesMax)
      if (typed === null) throw error
      this.fail(typed)
      throw typed
    }
    if (next.done === true) return null
    const bytes = next.value.subarray()
    this.#metrics.framesIn++
    this.#metrics.bytesIn += bytes.byteLength + varintLength(bytes.byteLength)
    return bytes
  }

  /** Aborts the stream because of `error` (a protocol violation), counting it once. */
  fail(error: TransportError): void {
    if (this.stream.status !== 'open') return
    this.#metrics.streamErrors++
    this.stream.abort(error)
  }

  /** Closes this side for writing, waiting at most `timeoutMs` for buffered data to leave. */
  async close(timeoutMs = 5_000): Promise<void> {
    try {
      await this.stream.close({ signal: AbortSignal.timeout(timeoutMs) })
    } catch (error) {
      this.stream.abort(error instanceof Error ? error : new Error('close failed'))
    }
  }
}
