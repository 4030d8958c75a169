/**
 * An incremental decoder of varint length-prefixed frames (the it-length-prefixed format) that
 * hands out every frame completed by a received chunk at once, so the receive path costs one
 * async step per network chunk instead of one per frame. The cap is checked as soon as a length
 * prefix is read: an oversized frame is never buffered.
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameTooLargeError, MalformedFrameError } from '../errors.js'

/** Longest accepted length prefix: 5 varint bytes cover every length up to 2^35. */
const LENGTH_PREFIX_BYTES_MAX = 5

export class FrameDecoder {
  readonly #protocol: string
  readonly #frameBytesMax: number
  readonly #buffer = new Uint8ArrayList()
  /** Length of the frame being assembled, or -1 while its prefix is still being read. */
  #pending = -1

  constructor(protocol: string, frameBytesMax: number) {
    this.#protocol = protocol
    this.#frameBytesMax = frameBytesMax
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.#buffer.byteLength
  }

  /** Appends `chunk`; returns the frames it completed, in order. Throws a typed error on bad input. */
  push(chunk: Uint8Array | Uint8ArrayList): Uint8Array[] {
    this.#buffer.append(chunk)
    const frames: Uint8Array[] = []
    for (;;) {
      if (this.#pending < 0) {
        const length = this.#readPrefix()
        if (length < 0) break
        this.#pending = length
      }
      if (this.#buffer.byteLength < this.#pending) break
      frames.push(this.#buffer.subarray(0, this.#pending))
      this.#buffer.consume(this.#pending)
      this.#pending = -1
    }
    return frames
  }

  /** Checks that the stream did not end inside a frame. */
  end(): void {
    if (this.#buffer.byteLength > 0 || this.#pending >= 0) {
      throw new MalformedFrameError(this.#protocol, 'stream ended inside a frame')
    }
  }

  /** Reads and consumes a length prefix; -1 when more bytes are needed. */
  #readPrefix(): number {
    const buffer = this.#buffer
    let value = 0
    let scale = 1
    const available = Math.min(buffer.byteLength, LENGTH_PREFIX_BYTES_MAX)
    for (let index = 0; index < available; index++) {
      const byte = buffer.get(index)
      value += (byte & 0x7f) * scale
      if (byte < 0x80) {
        if (index > 0 && byte === 0)
          throw new MalformedFrameError(this.#protocol, 'non-minimal length prefix')
        if (value > this.#frameBytesMax) throw new FrameTooLargeError(this.#protocol, this.#frameBytesMax)
        buffer.consume(index + 1)
        return value
      }
      scale *= 128
      // A partial prefix already announcing more than the cap is rejected without waiting.
      if (value > this.#frameBytesMax) throw new FrameTooLargeError(this.#protocol, this.#frameBytesMax)
    }
    if (buffer.byteLength >= LENGTH_PREFIX_BYTES_MAX) {
      throw new MalformedFrameError(this.#protocol, 'length prefix longer than 5 bytes')
    }
    return -1
  }
}
