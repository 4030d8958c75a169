import { SeededRandom } from '@tandem/base'
import type { Incarnation, StreamId, WriterKey } from '../src/core/ids.js'
import { streamId } from '../src/core/ids.js'
import { MalformedOperationError } from '../src/errors.js'

/** A writer key made of one repeated hex digit. */
export const key = (digit: string): WriterKey => digit.repeat(64) as WriterKey
/** An incarnation made of one repeated hex digit. */
export const incarnation = (digit: string): Incarnation => digit.repeat(32) as Incarnation
/** Stream n = 0 of (key digit, incarnation digit). */
export const stream = (keyDigit: string, incarnationDigit: string): StreamId =>
  streamId(key(keyDigit), incarnation(incarnationDigit), 0)

/**
 * Feeds `decode` `runs` inputs — random bytes, and valid `samples` with bytes flipped and tails cut —
 * and fails on anything thrown that is not a `MalformedOperationError`, naming the run and the seed.
 * Returns how many inputs decoded (a fuzz where nothing ever decodes exercises only the first check).
 */
export function fuzzDecoder(options: {
  readonly seed: number
  readonly runs: number
  readonly samples: (random: SeededRandom) => Uint8Array
  readonly decode: (bytes: Uint8Array) => unknown
}): number {
  const random = new SeededRandom(options.seed)
  const samples = Array.from({ length: 64 }, () => options.samples(random))
  let decoded = 0
  for (let run = 0; run < options.runs; run++) {
    let bytes: Uint8Array
    if (random.chance(0.2)) bytes = random.bytes(random.nextInt(64))
    else {
      bytes = random.pick(samples).slice()
      for (let flips = 1 + random.nextInt(3); flips > 0 && bytes.length > 0; flips--)
        bytes[random.nextInt(bytes.length)] = random.nextInt(256)
      if (random.chance(0.2)) bytes = bytes.subarray(0, random.nextInt(bytes.length + 1))
    }
    try {
      options.decode(bytes)
      decoded++
    } catch (error) {
      if (!(error instanceof MalformedOperationError))
        throw new Error(`run ${run} (seed ${options.seed}) threw ${String(error)}`)
    }
  }
  return decoded
}
