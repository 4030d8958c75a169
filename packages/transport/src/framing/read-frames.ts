/**
 * The receive pipeline of a framed protocol: `stream → length-prefixed decoder (with the frame cap)
 * → handler`, composed with it-pipe. The decoder reads the it-length-prefixed format but yields all
 * frames of a chunk together (see {@link FrameDecoder}). A frame over the cap is rejected as soon as its length prefix
 * is read — the body is never buffered — and the stream is closed with a typed error. A stream
 * that fails touches nothing else: other streams and peers keep going.
 */
import type { Stream } from '@libp2p/interface'
import { pipe } from 'it-pipe'
import { FrameTooLargeError, MalformedFrameError, TransportError } from '../errors.js'
import type { PeerMetrics } from '../metrics.js'
import { FrameDecoder } from './frame-decoder.js'

/** Options of {@link readFrames}. */
export interface ReadFramesOptions {
  readonly protocol: string
  readonly frameBytesMax: number
  readonly metrics: PeerMetrics
  /** Called for each frame in order; throwing a {@link TransportError} closes the stream with it. */
  readonly onFrame: (frame: Uint8Array) => void
}

/**
 * Reads frames until the stream ends. Resolves with `null` on a clean end or a reset by the remote,
 * or with the typed error that made this side close the stream (already aborted with it).
 */
export async function readFrames(stream: Stream, options: ReadFramesOptions): Promise<TransportError | null> {
  const { metrics, onFrame, protocol } = options
  const decoder = new FrameDecoder(protocol, options.frameBytesMax)
  try {
    await pipe(
      stream,
      // One step per received chunk: every frame it completes comes out together.
      async function* (chunks) {
        for await (const chunk of chunks) {
          const frames = decoder.push(chunk)
          if (frames.length > 0) yield frames
        }
        decoder.end()
      },
      async (batches) => {
        for await (const frames of batches) {
          for (const bytes of frames) {
            metrics.framesIn++
            metrics.bytesIn += bytes.byteLength + lengthPrefixBytes(bytes.byteLength)
            try {
              onFrame(bytes)
            } catch (error) {
              throw error instanceof TransportError
                ? error
                : new MalformedFrameError(protocol, 'frame rejected by the decoder', { cause: error })
            }
          }
        }
      },
    )
    return null
  } catch (error) {
    const typed = toFrameError(error, protocol, options.frameBytesMax)
    if (typed === null) return null
    metrics.streamErrors++
    stream.abort(typed)
    return typed
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
