import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StreamsProtocolError } from '../src/errors.js'
import { StreamsFrame } from '../src/proto/streams.js'
import {
  decodeStreamsFrame,
  encodeBatches,
  encodeFolded,
  encodeRequest,
  encodeSummary,
  type StreamsFrameLimits,
} from '../src/streams/frames.js'

const limits: StreamsFrameLimits = { streamIdCharsMax: 16, summaryStreamsMax: 4, batchesPerFrameMax: 4 }

/** Valid frames of every kind, within `limits`. */
const validFrame = fc.oneof(
  fc
    .array(fc.record({ stream: fc.string({ minLength: 1, maxLength: 16 }), heldThrough: fc.nat() }), {
      maxLength: 4,
    })
    .map((streams) => encodeSummary(streams)),
  fc
    .record({ stream: fc.string({ minLength: 1, maxLength: 16 }), fromSequence: fc.integer({ min: 1 }) })
    .map((request) => encodeRequest(request)),
  fc
    .record({
      stream: fc.string({ minLength: 1, maxLength: 16 }),
      batches: fc.array(
        fc.record({ sequence: fc.integer({ min: 1 }), sealed: fc.uint8Array({ maxLength: 16 }) }),
        { maxLength: 4 },
      ),
      answer: fc.boolean(),
    })
    .map((batches) => encodeBatches(batches)),
  fc
    .record({ stream: fc.string({ minLength: 1, maxLength: 16 }), highWater: fc.nat(), index: fc.nat() })
    .map((folded) => encodeFolded(folded)),
)

/** Decodes `bytes`; returns 'ok' or 'typed', and lets anything else (a crash) fail the property. */
function outcome(bytes: Uint8Array): 'ok' | 'typed' {
  try {
    decodeStreamsFrame(bytes, limits)
    return 'ok'
  } catch (error) {
    if (error instanceof StreamsProtocolError) return 'typed'
    throw error
  }
}

describe('/tandem/streams/1 frame decoding', () => {
  it('survives 100,000 arbitrary inputs with a valid frame or a StreamsProtocolError', () => {
    const seen = { ok: 0, typed: 0 }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        seen[outcome(bytes)]++
      }),
      { numRuns: 100_000, seed: 4_701 },
    )
    // Random bytes almost never form a valid frame: the mutation run below covers the valid side.
    expect(seen.typed).toBeGreaterThan(90_000)
  })

  it('survives 20,000 mutations of valid frames the same way', () => {
    const seen = { ok: 0, typed: 0 }
    fc.assert(
      fc.property(
        validFrame,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (frame, flips, cut) => {
          const bytes = Uint8Array.from(frame)
          for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value
          seen[outcome(bytes.subarray(0, bytes.length === 0 ? 0 : cut % (bytes.length + 1)))]++
        },
      ),
      { numRuns: 20_000, seed: 4_702 },
    )
    expect(seen.typed).toBeGreaterThan(0)
    expect(seen.ok).toBeGreaterThan(0)
  })

  it('round-trips every kind and decodes exactly the valid frames within the limits', () => {
    fc.assert(
      fc.property(validFrame, (frame) => {
        expect(outcome(frame)).toBe('ok')
        expect(StreamsFrame.encode(StreamsFrame.decode(frame))).toEqual(frame)
      }),
      { numRuns: 2_000, seed: 4_703 },
    )
    const stream = 'w.1.0'
    expect(decodeStreamsFrame(encodeRequest({ stream, fromSequence: 3 }), limits)).toEqual({
      kind: 'request',
      request: { stream, fromSequence: 3 },
    })
  })

  it.each([
    ['an empty frame', new Uint8Array(0)],
    [
      'two kinds in one frame',
      StreamsFrame.encode({
        request: { stream: 's', fromSequence: 1 },
        folded: { stream: 's', highWater: 1, index: 1 },
      }),
    ],
    ['another wire version', StreamsFrame.encode({ summary: { wireVersion: 2, streams: [] } })],
    [
      'too many summary entries',
      encodeSummary(Array.from({ length: 5 }, (_, i) => ({ stream: `s${i}`, heldThrough: 1 }))),
    ],
    [
      'too many batches',
      encodeBatches({
        stream: 's',
        batches: Array.from({ length: 5 }, (_, i) => ({ sequence: i + 1, sealed: new Uint8Array(1) })),
        answer: true,
      }),
    ],
    ['an empty stream id', encodeRequest({ stream: '', fromSequence: 1 })],
    ['a stream id over the limit', encodeRequest({ stream: 'x'.repeat(17), fromSequence: 1 })],
    ['sequence 0', encodeRequest({ stream: 's', fromSequence: 0 })],
    [
      'a batch at sequence 0',
      encodeBatches({ stream: 's', batches: [{ sequence: 0, sealed: new Uint8Array(1) }], answer: false }),
    ],
    [
      'a sequence beyond 2^53',
      Uint8Array.of(0x12, 13, 0x0a, 1, 0x73, 0x10, ...new Array(8).fill(0x80), 0x10),
    ],
  ])('refuses %s with TRANSPORT_STREAMS_PROTOCOL', (_what, bytes) => {
    expect(() => decodeStreamsFrame(bytes, limits)).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_STREAMS_PROTOCOL' }),
    )
  })
})
