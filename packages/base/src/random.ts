/**
 * The one seeded pseudo-random generator of the codebase: xoshiro128** seeded through splitmix32.
 * Election jitter, the simulator's every choice, property-test workloads and test fixtures draw from
 * it, so a seed replays a run exactly. It is not cryptographic and is never meant to be: secrets and
 * nonces come from a {@link CryptoRandom}.
 */
import { assert } from './assert.js'

const uint32Range = 0x1_0000_0000

/**
 * The narrow face of a random source that pure cores take (election jitter, say): an integer in
 * `[0, bound)`. {@link SeededRandom} implements it.
 */
export interface RandomSource {
  nextInt(bound: number): number
}

/**
 * A cryptographically secure random source: `length` fresh random bytes. Injected so that pure
 * packages read no ambient randomness; production passes `cryptoRandom` from `@tandem/base/system`
 * (or Web Crypto), tests and the simulator a seeded one ({@link SeededRandom.bytes}).
 */
export type CryptoRandom = (length: number) => Uint8Array

function splitmix32(state: number): { readonly state: number; readonly value: number } {
  const next = (state + 0x9e3779b9) | 0
  let z = next
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  z ^= z >>> 16
  return { state: next, value: z >>> 0 }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits))
}

/** A deterministic generator drawn from a seed. */
export class SeededRandom implements RandomSource {
  #s0: number
  #s1: number
  #s2: number
  #s3: number

  /** `seed` may be any safe integer; both its low and high 32 bits are mixed in. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`)
    const low = seed >>> 0
    const high = Math.floor(seed / uint32Range) >>> 0
    let mix = splitmix32(low ^ Math.imul(high, 0x27d4eb2f))
    this.#s0 = mix.value
    mix = splitmix32(mix.state ^ high)
    this.#s1 = mix.value
    mix = splitmix32(mix.state)
    this.#s2 = mix.value
    mix = splitmix32(mix.state)
    this.#s3 = mix.value
    // xoshiro's state must not be all zero.
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.#s1, 5), 7), 9) >>> 0
    const shifted = this.#s1 << 9
    this.#s2 ^= this.#s0
    this.#s3 ^= this.#s1
    this.#s1 ^= this.#s2
    this.#s0 ^= this.#s3
    this.#s2 ^= shifted
    this.#s3 = rotateLeft(this.#s3, 11)
    return result
  }

  /** A float in `[0, 1)`. */
  nextFloat(): number {
    return this.nextUint32() / uint32Range
  }

  /** An integer in `[0, bound)`; `bound` must be a positive integer no larger than 2^32. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > uint32Range) {
      throw new RangeError(`bound must be an integer in [1, 2^32], got ${bound}`)
    }
    return Math.floor(this.nextFloat() * bound)
  }

  /** An integer in `[min, max]` inclusive. */
  between(min: number, max: number): number {
    if (max < min) throw new RangeError(`between(${min}, ${max}): max is below min`)
    return min + this.nextInt(max - min + 1)
  }

  /** `true` with probability `probability` (0 never, 1 always). */
  chance(probability: number): boolean {
    if (probability <= 0) return false
    if (probability >= 1) return true
    return this.nextFloat() < probability
  }

  /** An exponentially distributed sample with the given mean (≥ 0). */
  exponential(mean: number): number {
    if (mean <= 0) return 0
    return -mean * Math.log(1 - this.nextFloat())
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array')
    return items[this.nextInt(items.length)] as T
  }

  /** A new shuffled copy (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = items.slice()
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1)
      const held = copy[i] as T
      copy[i] = copy[j] as T
      copy[j] = held
    }
    return copy
  }

  /** `length` pseudo-random bytes: a deterministic stand-in for a {@link CryptoRandom} in tests. */
  bytes(length: number): Uint8Array {
    assert(Number.isSafeInteger(length) && length >= 0, 'bytes: length must be a non-negative integer')
    const out = new Uint8Array(length)
    for (let offset = 0; offset < length; offset += 4) {
      let word = this.nextUint32()
      for (let i = offset; i < Math.min(length, offset + 4); i++) {
        out[i] = word & 0xff
        word >>>= 8
      }
    }
    return out
  }

  /**
   * An independent generator derived from this one and a label. Each subsystem (network, disk,
   * each node's election jitter, the workload) gets its own stream, so adding a random choice in
   * one subsystem does not reshuffle every other one.
   */
  fork(label: string): SeededRandom {
    let hash = 0x811c9dc5
    for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193)
    const seed = (this.nextUint32() ^ (hash >>> 0)) >>> 0
    return new SeededRandom(seed + this.nextUint32() * 0x20_0000)
  }
}

/** A {@link CryptoRandom} drawn from a seed: deterministic, for tests and the simulator only. */
export function seededCryptoRandom(seed: number): CryptoRandom {
  const random = new SeededRandom(seed)
  return (length) => random.bytes(length)
}
