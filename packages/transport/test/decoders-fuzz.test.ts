import fc from 'fast-check'
import * as lp from 'it-length-prefixed'
import { describe, expect, it } from 'vitest'
import { TransportError } from '../src/errors.js'
import { FrameDecoder } from '../src/framing/frame-decoder.js'
import { SnapshotFrame } from '../src/proto/snapshot.js'
import { decodeFrame, invalidOffer } from '../src/snapshot/frames.js'

const FRAME_BYTES_MAX = 4096

/** Splits `bytes` at the given cut points (taken modulo its length). */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => (bytes.byteLength === 0 ? 0 : cut % bytes.byteLength)))].sort(
    (a, b) => a - b,
  )
  const chunks: Uint8Array[] = []
  let start = 0
  for (const point of points) {
    chunks.push(bytes.subarray(start, point))
    start = point
  }
  chunks.push(bytes.subarray(start))
  return chunks
}

describe('FrameDecoder', () => {
  it('returns exactly the frames it-length-prefixed encoded, however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const encoded = new Uint8Array(
            Buffer.concat(frames.map((frame) => lp.encode.single(frame).subarray())),
          )
          const decoder = new FrameDecoder('test', FRAME_BYTES_MAX)
          const decoded = chunked(encoded, cuts).flatMap((chunk) => decoder.push(chunk))
          decoder.end()
          expect(decoded.map((frame) => Buffer.from(frame).toString('hex'))).toEqual(
            frames.map((frame) => Buffer.from(frame).toString('hex')),
          )
        },
      ),
      { numRuns: 5_000 },
    )
  })

  it('survives 100,000 arbitrary inputs with frames or a typed error, never anything else', () => {
    let typedErrors = 0
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
        const decoder = new FrameDecoder('test', 32)
        try {
          for (const chunk of chunked(bytes, cuts)) {
            for (const frame of decoder.push(chunk)) expect(frame.byteLength).toBeLessThanOrEqual(32)
          }
          decoder.end()
        } catch (error) {
          if (!(error instanceof TransportError)) throw error
          typedErrors++
        }
      }),
      { numRuns: 100_000 },
    )
    expect(typedErrors).toBeGreaterThan(0)
  })

  it('rejects an oversized frame from its prefix alone, before the body arrives', () => {
    const decoder = new FrameDecoder('test', 1000)
    expect(() => decoder.push(Uint8Array.of(0xe9, 0x07))).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_FRAME_TOO_LARGE' }),
    )
    expect(() => new FrameDecoder('test', 1000).push(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_FRAME_TOO_LARGE' }),
    )
    expect(new FrameDecoder('test', 1000).push(Uint8Array.of(0xe8, 0x07))).toEqual([])
  })
})

describe('snapshot frame decoding', () => {
  it('survives 100,000 arbitrary inputs with a valid frame or a typed error', () => {
    const limits = { snapshotBytesMax: 1 << 20, chunkBytesMax: 1 << 16 }
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 96 }),
        fc.constantFrom('offer', 'accept', 'chunk', 'ack', 'done'),
        (bytes, kind) => {
          try {
            const frame = decodeFrame(bytes, kind as 'offer')
            if (kind === 'offer') invalidOffer(frame, limits)
          } catch (error) {
            if (!(error instanceof TransportError)) throw error
          }
        },
      ),
      { numRuns: 100_000 },
    )
  })

  it('round-trips every frame kind', () => {
    const offer = {
      wireVersion: 1,
      transferId: 't',
      totalBytes: 10,
      chunkBytes: 4,
      chunkCount: 3,
      sha256: new Uint8Array(32),
      metadata: Uint8Array.of(1),
    }
    expect(decodeFrame(SnapshotFrame.encode({ offer }), 'offer')).toEqual(offer)
    expect(invalidOffer(offer, { snapshotBytesMax: 100, chunkBytesMax: 100 })).toBeNull()
    expect(invalidOffer({ ...offer, chunkCount: 2 }, { snapshotBytesMax: 100, chunkBytesMax: 100 })).toMatch(
      /count/,
    )
    expect(invalidOffer(offer, { snapshotBytesMax: 5, chunkBytesMax: 100 })).toMatch(/larger/)
    expect(() => decodeFrame(SnapshotFrame.encode({ offer }), 'chunk')).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_SNAPSHOT_PROTOCOL' }),
    )
  })
})
