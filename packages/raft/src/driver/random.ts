/**
 * A small seeded pseudo-random generator (SplitMix32 variant) for election jitter, so that a seed
 * replays a run exactly. Not for cryptography.
 */
import type { RandomSource } from '../core/types.js'

/** A {@link RandomSource} drawn from a 32-bit seed. */
export class SeededRandom implements RandomSource {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** The next unsigned 32-bit value. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0
    let z = this.state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }

  /** An integer in `[0, bound)`; `bound` must be a positive integer below 2^32. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > 0x1_0000_0000) {
      throw new RangeError(`bound must be an integer in [1, 2^32], got ${bound}`)
    }
    return Math.floor((this.nextUint32() / 0x1_0000_0000) * bound)
  }

  /** A float in `[0, 1)`. */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000
  }
}
