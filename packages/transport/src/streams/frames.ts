/**
 * Encoding and validation of `/tandem/streams/1` frames. A decoded frame holds exactly one kind,
 * with stream ids, sequences and counts inside the configured limits, or a typed
 * {@link StreamsProtocolError} is thrown. Batches stay opaque bytes; whether they are in order is
 * the store's to judge (an out-of-order batch is refused there and counted, not a reason to drop
 * the link).
 */

import { rethrowInvariant } from '@tandem/base'
import { StreamsProtocolError } from '../errors.js'
import { type Batches, type Folded, type Request, StreamsFrame, type Summary } from '../proto/streams.js'

/** The wire version this package speaks. */
export const STREAMS_WIRE_VERSION = 1
/** Room for a frame's fields around its batches. */
export const STREAMS_FRAME_OVERHEAD_BYTES = 1024

/** Limits every decoded frame must respect. */
export interface StreamsFrameLimits {
  /** The longest stream id (in UTF-16 code units). */
  readonly streamIdCharsMax: number
  /** The most streams one summary may list. */
  readonly summaryStreamsMax: number
  /** The most batches one frame may carry. */
  readonly batchesPerFrameMax: number
}

/** One decoded frame, tagged by kind. */
export type DecodedStreamsFrame =
  | { readonly kind: 'summary'; readonly summary: Summary }
  | { readonly kind: 'request'; readonly request: Request }
  | { readonly kind: 'batches'; readonly batches: Batches }
  | { readonly kind: 'folded'; readonly folded: Folded }

export function encodeSummary(streams: Summary['streams']): Uint8Array {
  return StreamsFrame.encode({ summary: { wireVersion: STREAMS_WIRE_VERSION, streams } })
}
export function encodeRequest(request: Request): Uint8Array {
  return StreamsFrame.encode({ request })
}
export function encodeBatches(batches: Batches): Uint8Array {
  return StreamsFrame.encode({ batches })
}
export function encodeFolded(folded: Folded): Uint8Array {
  return StreamsFrame.encode({ folded })
}

function checkStreamId(stream: string, limits: StreamsFrameLimits): void {
  if (stream.length === 0 || stream.length > limits.streamIdCharsMax) {
    throw new StreamsProtocolError(`stream id of ${stream.length} characters`)
  }
}

/** Sequences, high-waters and indices are uint64 on the wire; only safe integers are meaningful here. */
function checkCount(value: number, what: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) throw new StreamsProtocolError(`bad ${what}`)
}

/** Decodes one frame and checks it against `limits`. */
export function decodeStreamsFrame(bytes: Uint8Array, limits: StreamsFrameLimits): DecodedStreamsFrame {
  let frame: StreamsFrame
  try {
    frame = StreamsFrame.decode(bytes, {
      limits: {
        summary: { streams: limits.summaryStreamsMax },
        batches: { batches: limits.batchesPerFrameMax },
      },
    })
  } catch (error) {
    rethrowInvariant(error)
    throw new StreamsProtocolError('undecodable streams frame', { cause: error })
  }
  const present = (['summary', 'request', 'batches', 'folded'] as const).filter((name) => frame[name] != null)
  if (present.length !== 1) {
    throw new StreamsProtocolError(
      `expected one kind per frame, got ${present.join('+') || 'an empty frame'}`,
    )
  }
  if (frame.summary != null) {
    const summary = frame.summary
    if (summary.wireVersion !== STREAMS_WIRE_VERSION) {
      throw new StreamsProtocolError(`unsupported wire version ${summary.wireVersion}`)
    }
    for (const entry of summary.streams) {
      checkStreamId(entry.stream, limits)
      checkCount(entry.heldThrough, 'held-through', 0)
    }
    return { kind: 'summary', summary }
  }
  if (frame.request != null) {
    checkStreamId(frame.request.stream, limits)
    checkCount(frame.request.fromSequence, 'request sequence', 1)
    return { kind: 'request', request: frame.request }
  }
  if (frame.batches != null) {
    checkStreamId(frame.batches.stream, limits)
    for (const batch of frame.batches.batches) checkCount(batch.sequence, 'batch sequence', 1)
    return { kind: 'batches', batches: frame.batches }
  }
  const folded = frame.folded
  if (folded == null) throw new StreamsProtocolError('missing frame')
  checkStreamId(folded.stream, limits)
  checkCount(folded.highWater, 'folded high-water', 0)
  checkCount(folded.index, 'fold index', 0)
  return { kind: 'folded', folded }
}
