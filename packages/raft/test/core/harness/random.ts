import type { RandomSource } from '@tandem/base'

/** A RandomSource that always answers the same offset (clamped to the bound). */
export function fixedRandom(value: number): RandomSource {
  return { nextInt: (bound) => Math.min(value, bound - 1) }
}
