import { varintLength, writeVarint } from '@tandem/base'
import * as lp from 'it-length-prefixed'
import { describe, expect, it } from 'vitest'
import { backoffDelayMs, DEFAULT_BACKOFF, invalidBackoff } from '../src/backoff.js'
import { FrameQueue } from '../src/framing/frame-queue.js'
import { seededRandom } from './helpers.js'

describe('backoff', () => {
  it('grows exponentially up to the cap, with jitter inside [d × (1 − jitter), d]', () => {
    const seed = 3
    const random = seededRandom(seed)
    const options = { delayMsInitial: 100, delayMsMax: 5_000, multiplier: 2, jitter: 0.5 }
    for (let attempt = 0; attempt < 20; attempt++) {
      const ceiling = Math.min(5_000, 100 * 2 ** attempt)
      const delay = backoffDelayMs(options, attempt, random)
      expect(delay, `seed ${seed} attempt ${attempt}`).toBeLessThanOrEqual(ceiling)
      expect(delay, `seed ${seed} attempt ${attempt}`).toBeGreaterThanOrEqual(Math.floor(ceiling / 2))
    }
  })

  it('replays exactly from the same seed', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed)
      return Array.from({ length: 10 }, (_, attempt) => backoffDelayMs(DEFAULT_BACKOFF, attempt, random))
    }
    expect(draw(5)).toEqual(draw(5))
    expect(draw(5)).not.toEqual(draw(6))
  })

  it('explains invalid options', () => {
    expect(invalidBackoff(DEFAULT_BACKOFF)).toBeNull()
    expect(invalidBackoff({ ...DEFAULT_BACKOFF, jitter: 2 })).toMatch(/jitter/)
    expect(invalidBackoff({ ...DEFAULT_BACKOFF, delayMsMax: 1 })).toMatch(/delayMsMax/)
  })
})

describe('frame queue', () => {
  it('drop-oldest keeps the newest frames within both bounds', () => {
    const queue = new FrameQueue({ framesMax: 3, bytesMax: 100, overflow: 'drop-oldest' })
    let dropped = 0
    for (let i = 0; i < 10; i++) dropped += queue.push(Uint8Array.of(i))
    expect(dropped).toBe(7)
    expect([queue.shift()?.[0], queue.shift()?.[0], queue.shift()?.[0]]).toEqual([7, 8, 9])
    expect(queue.push(new Uint8Array(60))).toBe(0)
    expect(queue.push(new Uint8Array(60))).toBe(1)
    expect(queue.bytes).toBe(60)
    expect(queue.push(new Uint8Array(101))).toBe(1)
  })

  it('drop-newest refuses new frames when full', () => {
    const queue = new FrameQueue({ framesMax: 2, bytesMax: 100, overflow: 'drop-newest' })
    expect([
      queue.push(Uint8Array.of(1)),
      queue.push(Uint8Array.of(2)),
      queue.push(Uint8Array.of(3)),
    ]).toEqual([0, 0, 1])
    expect([queue.shift()?.[0], queue.shift()?.[0], queue.shift()]).toEqual([1, 2, undefined])
  })

  it('stays FIFO across compactions', () => {
    const queue = new FrameQueue({ framesMax: 10_000, bytesMax: 1 << 20, overflow: 'drop-newest' })
    let next = 0
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) queue.push(new Uint8Array(Uint32Array.of(round * 100 + i).buffer))
      for (let i = 0; i < 90; i++) {
        const frame = queue.shift()
        expect(frame && new Uint32Array(frame.buffer)[0]).toBe(next++)
      }
    }
  })
})

describe('varint length prefix', () => {
  it('matches it-length-prefixed byte for byte around every byte boundary', () => {
    for (const length of [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152]) {
      const mine = new Uint8Array(varintLength(length))
      expect(writeVarint(mine, 0, length)).toBe(mine.byteLength)
      const theirs = lp.encode.single(new Uint8Array(length)).subarray(0, mine.byteLength)
      expect([...mine], `length ${length}`).toEqual([...theirs])
    }
  })

  it('encodes large lengths as LEB128', () => {
    const out = new Uint8Array(5)
    expect(writeVarint(out, 0, 268_435_456)).toBe(5)
    expect([...out]).toEqual([0x80, 0x80, 0x80, 0x80, 0x01])
    expect(varintLength(268_435_455)).toBe(4)
  })
})
