/**
 * The receive side of every framed protocol: bytes are taken from the stream as libp2p delivers
 * them ('message' events), accounted at once in the peer's {@link ByteBudget} and decoded lazily,
 * in batches, as the consumer asks. Three bounds hold whatever the peer does:
 *
 * - the frame cap (`frameBytesMax`), checked on the length prefix before any body byte is kept;
 * - the peer's budget: bytes held here (partial frames, and complete frames not yet consumed) over
 *   all the peer's streams on the protocol; the stream that would exceed it is closed;
 * - the frame timeout: while the consumer waits for a frame that has begun, a pause of
 *   `frameTimeoutMs` without a byte closes the stream;
 * - fairness: after `framesPerTurnMax` frames handed out without waiting for the network, the
 *   reader yields to the event loop (`setImmediate`) before the next, so a flood of small frames
 *   on one stream is drained in slices and other streams, peers and timers run in between;
 * - flow control (`flowControl`, see credit.ts): the reader grants the sender its window when it
 *   starts and grants back what the consumer took, so an honest sender never has more than the
 *   window unconsumed here; grants the peer sends on the stream go to `flowControl.onGrant`.
 *
 * A stream that fails touches nothing else: other streams and peers keep going.
 */

import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Stream } from '@libp2p/interface'
import { rethrowInvariant } from '@tandem/base'
import type { Uint8ArrayList } from 'uint8arraylist'
import { FrameTimeoutError, MalformedFrameError } from '../errors.js'
import { encodeGrant, type FlowControl } from './credit.js'
import { type ByteBudget, FrameDecoder, UNBOUNDED_BUDGET } from './frame-decoder.js'

/** Options of a {@link FrameReader}. */
export interface FrameReaderOptions {
  readonly protocol: string
  readonly frameBytesMax: number
  /** The peer's budget on this protocol, shared by its streams. Default: unbounded. */
  readonly budget?: ByteBudget
  /** Closes the stream when a begun frame gets no byte for this long. Default 0: never. */
  readonly frameTimeoutMs?: number
  /** Frames handed out before yielding to the event loop. Default 256. */
  readonly framesPerTurnMax?: number
  /** Grants credit to the sender and takes its grants (a flow-controlled channel). Default: none. */
  readonly flowControl?: FlowControl
}

interface MessageEventLike {
  readonly data: Uint8Array | Uint8ArrayList
}

interface CloseEventLike {
  readonly error?: Error
}

export class FrameReader {
  readonly stream: Stream
  readonly #protocol: string
  readonly #decoder: FrameDecoder
  readonly #frameTimeoutMs: number
  readonly #framesPerTurnMax: number
  /** Frames handed out since the reader last waited (for bytes or for a turn of the event loop). */
  #framesThisTurn = 0
  #timer: ReturnType<typeof setTimeout> | null = null
  /** The first failure: this side's typed error, or the stream's own. */
  #error: unknown = null
  #ended = false
  #wake: (() => void) | null = null
  readonly #flowControl: FlowControl | null
  /** Wire bytes of consumed frames not granted back yet. */
  #ungrantedBytes = 0
  /** The decoder's `framedBytesTaken` when consumption was last counted. */
  #countedBytes = 0
  readonly #onMessage = (event: Event): void => this.#receive((event as unknown as MessageEventLike).data)
  readonly #onClose = (event: Event): void => {
    const error = (event as unknown as CloseEventLike).error
    if (error !== undefined && this.#error === null) this.#error = error
    this.#finish()
  }
  readonly #onRemoteCloseWrite = (): void => this.#finish()

  constructor(stream: Stream, options: FrameReaderOptions) {
    this.stream = stream
    this.#protocol = options.protocol
    this.#flowControl = options.flowControl ?? null
    this.#decoder = new FrameDecoder(
      options.protocol,
      options.frameBytesMax,
      options.budget ?? UNBOUNDED_BUDGET,
      options.flowControl?.onGrant ?? null,
    )
    this.#frameTimeoutMs = options.frameTimeoutMs ?? 0
    this.#framesPerTurnMax = options.framesPerTurnMax ?? 256
    // The sender may send nothing before this first grant: it is the whole window.
    if (this.#flowControl !== null) this.#sendGrant(this.#flowControl.windowBytes)
    stream.addEventListener('message', this.#onMessage)
    stream.addEventListener('close', this.#onClose)
    stream.addEventListener('remoteCloseWrite', this.#onRemoteCloseWrite)
    // Data libp2p buffered before we listened is dispatched in a microtask; an end already seen is
    // processed after it, so no byte is lost.
    if (
      stream.readStatus === 'closing' ||
      stream.readStatus === 'closed' ||
      stream.remoteWriteStatus !== 'writable'
    ) {
      queueMicrotask(() => this.#finish())
    }
  }

  /** Bytes received and not yet handed out (accounted in the budget). */
  get bufferedBytes(): number {
    return this.#decoder.bufferedBytes
  }

  /**
   * Up to `framesMax` frames, in order, waiting until at least one is complete; `null` once the
   * remote ended the stream cleanly. Throws the typed error that made this side close the stream,
   * or the stream's own failure (a reset by the remote).
   */
  async next(framesMax = Number.POSITIVE_INFINITY): Promise<Uint8Array[] | null> {
    if (this.#framesThisTurn >= this.#framesPerTurnMax) {
      await nextTurn()
      this.#framesThisTurn = 0
    }
    for (;;) {
      if (this.#error === null) {
        try {
          const frames = this.#decoder.take(
            Math.min(framesMax, this.#framesPerTurnMax - this.#framesThisTurn),
          )
          this.#framesThisTurn += frames.length
          this.#grantConsumed()
          if (frames.length > 0) return frames
          if (this.#decoder.stoppedAtLimit) {
            // Only grants this turn, and more may be complete: the rest after a turn of the event loop.
            await nextTurn()
            this.#framesThisTurn = 0
            continue
          }
        } catch (error) {
          rethrowInvariant(error)
          this.#fail(error)
        }
      }
      if (this.#error !== null) {
        this.#release()
        throw this.#error
      }
      if (this.#ended) {
        try {
          // Checked before the buffer is released: a stream must not end inside a frame.
          this.#decoder.end()
        } catch (error) {
          rethrowInvariant(error)
          this.#fail(error)
          throw error
        } finally {
          this.#release()
        }
        return null
      }
      // Waiting for bytes: a begun frame must keep arriving.
      if (this.#frameTimeoutMs > 0 && this.#decoder.inFrame) this.#armTimer()
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
      this.#framesThisTurn = 0
      this.#clearTimer()
    }
  }

  /** Stops reading and returns the buffered bytes to the budget (the consumer is done). */
  dispose(): void {
    this.#finish()
    this.#release()
  }

  #receive(data: Uint8Array | Uint8ArrayList): void {
    if (this.#error !== null || this.#ended) return
    try {
      this.#decoder.append(data)
    } catch (error) {
      rethrowInvariant(error)
      this.#fail(error)
    }
    if (this.#timer !== null) this.#timer.refresh()
    this.#notify()
  }

  /**
   * Counts the frames just handed out as consumed (the caller handles them before it asks again)
   * and grants them back once they reach the threshold.
   */
  #grantConsumed(): void {
    const flowControl = this.#flowControl
    if (flowControl === null) return
    const taken = this.#decoder.framedBytesTaken
    this.#ungrantedBytes += taken - this.#countedBytes
    this.#countedBytes = taken
    if (this.#ungrantedBytes < flowControl.grantThresholdBytes) return
    const bytes = this.#ungrantedBytes
    this.#ungrantedBytes = 0
    this.#sendGrant(bytes)
  }

  /** Sends a grant on the stream (written whole, between the writer's batches, never inside one). */
  #sendGrant(bytes: number): void {
    if (this.stream.status !== 'open' || this.stream.writeStatus !== 'writable') return
    try {
      this.stream.send(encodeGrant(bytes))
    } catch (error) {
      // The stream closed meanwhile: there is no sender left to grant to.
      rethrowInvariant(error)
    }
  }

  /** This side closes the stream because of `error` (a typed, peer-caused failure). */
  #fail(error: unknown): void {
    if (this.#error === null) this.#error = error
    this.#clearTimer()
    if (this.stream.status === 'open') {
      this.stream.abort(
        error instanceof Error ? error : new MalformedFrameError(this.#protocol, 'non-error thrown'),
      )
    }
    this.#notify()
  }

  #finish(): void {
    if (this.#ended) return
    this.#ended = true
    this.#clearTimer()
    this.stream.removeEventListener('message', this.#onMessage)
    this.stream.removeEventListener('close', this.#onClose)
    this.stream.removeEventListener('remoteCloseWrite', this.#onRemoteCloseWrite)
    this.#notify()
  }

  #release(): void {
    if (this.#ended || this.#error !== null) this.#decoder.dispose()
  }

  #armTimer(): void {
    if (this.#timer !== null) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#fail(new FrameTimeoutError(this.#protocol, this.#frameTimeoutMs))
    }, this.#frameTimeoutMs)
  }

  #clearTimer(): void {
    if (this.#timer === null) return
    clearTimeout(this.#timer)
    this.#timer = null
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }
}
