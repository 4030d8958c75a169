/**
 * The receive loop of a long-lived framed protocol (`/tandem/raft/2`): frames come out of a
 * {@link FrameReader} (frame cap, the peer's byte budget, the frame timeout) and are handed to the
 * handler in order, at most `framesPerTurnMax` per event-loop turn — a flood of tiny frames is
 * drained in slices, so other peers' frames (heartbeats) and timers get their turn in between.
 * A stream that fails touches nothing else: other streams and peers keep going.
 */

import type { Stream } from '@libp2p/interface'
import { rethrowInvariant } from '@tandem/base'
import { FrameTooLargeError, MalformedFrameError, MessageHandlerError, TransportError } from '../errors.js'
import type { PeerMetrics } from '../metrics.js'
import type { FlowControl } from './credit.js'
import type { ByteBudget } from './frame-decoder.js'
import { FrameReader } from './frame-reader.js'

/** Options of {@link readFrames}. */
export interface ReadFramesOptions {
  readonly protocol: string
  readonly frameBytesMax: number
  readonly metrics: PeerMetrics
  /** The peer's budget of buffered bytes on this protocol, shared by its streams. */
  readonly budget?: ByteBudget
  /** Closes the stream when a begun frame gets no byte for this long (0: never). */
  readonly frameTimeoutMs?: number
  /** Frames handed to `onFrame` before the reader yields to the event loop. Default 256. */
  readonly framesPerTurnMax?: number
  /** Credit-based flow control of the stream (see credit.ts). Default: none. */
  readonly flowControl?: FlowControl
  /**
   * Called for each frame in order. Throwing a {@link TransportError} (the peer's fault) closes the
   * stream with it; a {@link MessageHandlerError} or any other exception is this node's own failure:
   * it goes to `onLocalError` and the stream stays open.
   */
  readonly onFrame: (frame: Uint8Array) => void
  /** Told of each local failure of `onFrame`. */
  readonly onLocalError?: (error: MessageHandlerError) => void
}

/**
 * Reads frames until the stream ends. Resolves with `null` on a clean end or a reset by the remote,
 * or with the typed error that made this side close the stream (already aborted with it).
 */
export async function readFrames(stream: Stream, options: ReadFramesOptions): Promise<TransportError | null> {
  const { metrics, onFrame, protocol } = options
  const reader = new FrameReader(stream, options)
  try {
    for (;;) {
      // The reader yields to the event loop between slices of `framesPerTurnMax` frames.
      const frames = await reader.next()
      if (frames === null) return null
      for (const bytes of frames) {
        metrics.framesIn++
        metrics.bytesIn += bytes.byteLength + lengthPrefixBytes(bytes.byteLength)
        try {
          onFrame(bytes)
        } catch (error) {
          rethrowInvariant(error)
          if (error instanceof TransportError && !(error instanceof MessageHandlerError)) throw error
          const local =
            error instanceof MessageHandlerError ? error : new MessageHandlerError(protocol, { cause: error })
          options.onLocalError?.(local)
        }
      }
    }
  } catch (error) {
    rethrowInvariant(error)
    const typed = toFrameError(error, protocol, options.frameBytesMax)
    if (typed === null) return null
    metrics.streamErrors++
    if (stream.status === 'open') stream.abort(typed)
    return typed
  } finally {
    reader.dispose()
  }
}

/**
 * Maps decoder failures to this package's errors; `null` for failures of the stream itself (a
 * reset or close by the remote), which are not the frame's fault.
 */
export function toFrameError(error: unknown, protocol: string, frameBytesMax: number): TransportError | null {
  if (error instanceof TransportError) return error
  if (!(error instanceof Error)) return new MalformedFrameError(protocol, 'non-error thrown')
  switch (error.name) {
    case 'InvalidDataLengthError':
      return new FrameTooLargeError(protocol, frameBytesMax)
    case 'InvalidDataLengthLengthError':
    case 'InvalidMessageLengthError':
      return new MalformedFrameError(protocol, 'invalid length prefix', { cause: error })
    case 'UnexpectedEOFError':
      return new MalformedFrameError(protocol, 'stream ended inside a frame', { cause: error })
    default:
      return null
  }
}

function lengthPrefixBytes(length: number): number {
  return length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5
}
