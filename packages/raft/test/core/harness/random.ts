import type { RandomSource } from '../../../src/core/types.js'

/** A small seeded PRNG (mulberry32): deterministic election jitter for tests. */
export class SeededRandom implements RandomSource {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  nextInt(bound: number): number {
    return Math.floor(this.next() * bound)
  }
}

/** A RandomSource that always answers the same offset (clamped to the bound). */
export function fixedRandom(value: number): RandomSource {
  return { nextInt: (bound) => Math.min(value, bound - 1) }
}
