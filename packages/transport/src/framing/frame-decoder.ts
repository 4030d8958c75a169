/**
 * An incremental decoder of varint length-prefixed frames (the it-length-prefixed format) that
 * hands out the frames completed by received chunks in batches, so the receive path costs one
 * async step per batch instead of one per frame. The cap is checked as soon as a length prefix is
 * read: an oversized frame is never buffered. Every byte held between `append` and `take` is
 * reserved from a {@link ByteBudget} (shared by all streams of the same peer), so the bytes one peer
 * can make this node hold stay within a bound however many streams it opens.
 *
 * With `onGrant` (a flow-controlled channel, see credit.ts), a frame of length 0 is a grant: the
 * varint after it is handed to `onGrant` instead of a frame.
 */
import { assert, rethrowInvariant } from '@tandem/base'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameTooLargeError, InboundBufferExceededError, MalformedFrameError } from '../errors.js'
import { framedBytes, GRANT_BYTES_MAX } from './credit.js'

/** Longest accepted length prefix: 5 varint bytes cover every length up to 2^35. */
const LENGTH_PREFIX_BYTES_MAX = 5

/** Where buffered bytes are accounted; `reserve` refuses (returns `false`) beyond the bound. */
export interface ByteBudget {
  /** The bound, in bytes. */
  readonly bytesMax: number
  reserve(bytes: number): boolean
  release(bytes: number): void
}

/** A budget that never refuses (for decoders outside any peer's accounting, such as benchmarks). */
export const UNBOUNDED_BUDGET: ByteBudget = {
  bytesMax: Number.POSITIVE_INFINITY,
  reserve: () => true,
  release: () => {},
}

export class FrameDecoder {
  readonly #protocol: string
  readonly #frameBytesMax: number
  readonly #budget: ByteBudget
  readonly #buffer = new Uint8ArrayList()
  /** Length of the frame being assembled, or -1 while its prefix is still being read. */
  #pending = -1
  /** Bytes reserved from the budget and not yet released. */
  #reserved = 0
  /** A failure found behind frames that were handed out first; thrown by the next `take`. */
  #failure: unknown = null
  /** Told of each grant (a frame of length 0 and a varint); `null`: a frame of length 0 is empty. */
  readonly #onGrant: ((bytes: number) => void) | null
  /** Wire bytes (length prefixes included) of the message frames handed out so far. */
  #framedBytesTaken = 0
  /** Whether the last `take` stopped at its item limit with more input possibly complete. */
  #stoppedAtLimit = false

  constructor(
    protocol: string,
    frameBytesMax: number,
    budget: ByteBudget = UNBOUNDED_BUDGET,
    onGrant: ((bytes: number) => void) | null = null,
  ) {
    this.#protocol = protocol
    this.#frameBytesMax = frameBytesMax
    this.#budget = budget
    this.#onGrant = onGrant
  }

  /** Wire bytes (length prefixes included) of every message frame handed out so far. */
  get framedBytesTaken(): number {
    return this.#framedBytesTaken
  }

  /**
   * Whether the last {@link take} stopped at `framesMax` items (frames and grants both count, so a
   * flood of grants is handled in slices too) rather than for want of bytes.
   */
  get stoppedAtLimit(): boolean {
    return this.#stoppedAtLimit
  }

  /** Bytes received but not yet handed out as part of a frame. */
  get bufferedBytes(): number {
    return this.#buffer.byteLength
  }

  /** Whether a frame has begun (prefix or body bytes received) and is not complete yet. */
  get inFrame(): boolean {
    return this.#buffer.byteLength > 0 || this.#pending >= 0
  }

  /**
   * Appends `chunk` (accounting it in the budget); throws {@link InboundBufferExceededError} when
   * the budget cannot hold it, then nothing is appended.
   */
  append(chunk: Uint8Array | Uint8ArrayList): void {
    if (!this.#budget.reserve(chunk.byteLength)) {
      throw new InboundBufferExceededError(this.#protocol, this.#budget.bytesMax)
    }
    this.#reserved += chunk.byteLength
    this.#buffer.append(chunk)
  }

  /** Takes up to `framesMax` complete frames, in order. Throws a typed error on bad input. */
  take(framesMax = Number.POSITIVE_INFINITY): Uint8Array[] {
    if (this.#failure !== null) throw this.#failure
    const frames: Uint8Array[] = []
    const before = this.#buffer.byteLength
    let items = 0
    this.#stoppedAtLimit = false
    try {
      for (;;) {
        if (items >= framesMax) {
          this.#stoppedAtLimit = true
          break
        }
        if (this.#pending < 0) {
          const length = this.#readPrefix()
          if (length < 0) break
          this.#pending = length
        }
        if (this.#pending === 0 && this.#onGrant !== null) {
          const grant = this.#readGrant()
          if (grant < 0) break
          this.#pending = -1
          items++
          this.#onGrant(grant)
          continue
        }
        if (this.#buffer.byteLength < this.#pending) break
        frames.push(plainView(this.#buffer.subarray(0, this.#pending)))
        this.#buffer.consume(this.#pending)
        this.#framedBytesTaken += framedBytes(this.#pending)
        this.#pending = -1
        items++
      }
    } catch (error) {
      rethrowInvariant(error)
      // The good frames before the bad input still count; the failure comes with the next call.
      if (frames.length === 0) throw error
      this.#failure = error
    } finally {
      // Handed-out frames are the caller's now (delivered at once); only the remainder stays accounted.
      this.#releaseBytes(before - this.#buffer.byteLength)
    }
    return frames
  }

  /** Appends `chunk` and returns every frame complete so far. */
  push(chunk: Uint8Array | Uint8ArrayList): Uint8Array[] {
    this.append(chunk)
    return this.take()
  }

  /** Checks that the stream did not end inside a frame. */
  end(): void {
    if (this.inFrame) throw new MalformedFrameError(this.#protocol, 'stream ended inside a frame')
  }

  /** Drops whatever is buffered and returns its bytes to the budget (the stream is gone). */
  dispose(): void {
    this.#buffer.consume(this.#buffer.byteLength)
    this.#pending = -1
    this.#releaseBytes(this.#reserved)
  }

  #releaseBytes(bytes: number): void {
    assert(bytes >= 0, 'released bytes are not negative')
    assert(bytes <= this.#reserved, 'only reserved bytes are released')
    if (bytes === 0) return
    this.#reserved -= bytes
    this.#budget.release(bytes)
  }

  /** Reads and consumes the varint of a grant (after its length 0); -1 when more bytes are needed. */
  #readGrant(): number {
    const buffer = this.#buffer
    let value = 0
    let scale = 1
    const available = Math.min(buffer.byteLength, LENGTH_PREFIX_BYTES_MAX)
    for (let index = 0; index < available; index++) {
      const byte = buffer.get(index)
      value += (byte & 0x7f) * scale
      if (byte < 0x80) {
        if (index > 0 && byte === 0) throw new MalformedFrameError(this.#protocol, 'non-minimal grant')
        if (value === 0 || value > GRANT_BYTES_MAX)
          throw new MalformedFrameError(this.#protocol, `grant of ${value} bytes`)
        buffer.consume(index + 1)
        return value
      }
      scale *= 128
    }
    if (buffer.byteLength >= LENGTH_PREFIX_BYTES_MAX) {
      throw new MalformedFrameError(this.#protocol, 'grant longer than 5 bytes')
    }
    return -1
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

/**
 * The frame as a plain `Uint8Array` over the same memory: libp2p hands over Node `Buffer`s, and a
 * decoder's fields are views of its input, so a Buffer frame would make every byte field a Buffer
 * (which compares unequal to a Uint8Array of the same bytes, and is not what other runtimes give).
 */
function plainView(frame: Uint8Array): Uint8Array {
  if (Object.getPrototypeOf(frame) === Uint8Array.prototype) return frame
  return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
}
