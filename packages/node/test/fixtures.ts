import { SeededRandom } from '@tandem/base'
import { type ControlOperation, defaultClusterConstants } from '../src/core/control.js'
import type { Incarnation, StreamId, WriterKey } from '../src/core/ids.js'
import { memberId, streamId } from '../src/core/ids.js'
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

const hex = '0123456789abcdef'
const member = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'fedcba9876543210')

/** A random valid control operation drawn from `random` (every kind). */
export function randomControlOperation(random: SeededRandom): ControlOperation {
  const digit = () => random.pick([...hex])
  const stream = () => streamId(key(digit()), incarnation(digit()), random.nextInt(3))
  const cutoffs = () =>
    Array.from({ length: random.nextInt(3) }, () => [stream(), random.nextInt(1000)] as const)
  const wrapped = () => random.bytes(80 + random.nextInt(33))
  switch (random.nextInt(10)) {
    case 0:
      return { kind: 'init', member, key: key(digit()), wrapped: wrapped() }
    case 9:
      return { kind: 'grant', epoch: 1 + random.nextInt(5), recipient: key(digit()), wrapped: wrapped() }
    case 1:
      return {
        kind: 'open',
        incarnation: incarnation(digit()),
        expected: random.chance(0.5) ? null : incarnation(digit()),
      }
    case 2:
      return { kind: 'clock', member, readingMs: random.nextInt(2 ** 32) * 1000 }
    case 3:
      return {
        kind: 'fold',
        runs: Array.from({ length: random.nextInt(3) }, () => ({
          stream: stream(),
          batches: Array.from({ length: random.nextInt(4) }, (_, i) => ({
            sequence: i + 1,
            epoch: 1 + random.nextInt(3),
            sealed: random.bytes(random.nextInt(40)),
            signature: random.bytes(random.nextInt(3) * 32),
          })),
        })),
      }
    case 4:
      return { kind: 'add-learner', member, key: key(digit()), keyed: random.chance(0.5) }
    case 5:
      return { kind: 'promote', member }
    case 6:
      return { kind: 'remove', member, cutoffs: cutoffs() }
    case 7:
      return { kind: 'revoke', key: key(digit()), cutoffs: cutoffs() }
    default:
      return {
        kind: 'constants',
        constants: { ...defaultClusterConstants, driftMaxMs: random.nextInt(100_000) },
      }
  }
}
