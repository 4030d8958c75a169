import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeControlOperation, encodeControlOperation } from '../src/codec/control-codec.js'
import { type ControlOperation, defaultClusterConstants } from '../src/core/control.js'
import { memberId, streamId } from '../src/core/ids.js'
import { MalformedOperationError } from '../src/errors.js'
import { fuzzDecoder, incarnation, key } from './fixtures.js'

const hex = '0123456789abcdef'
const member = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'fedcba9876543210')

/** A random valid control operation drawn from `random`. */
function randomOperation(random: SeededRandom): ControlOperation {
  const digit = () => random.pick([...hex])
  const stream = () => streamId(key(digit()), incarnation(digit()), random.nextInt(3))
  const cutoffs = () =>
    Array.from({ length: random.nextInt(3) }, () => [stream(), random.nextInt(1000)] as const)
  switch (random.nextInt(9)) {
    case 0:
      return { kind: 'init', member, key: key(digit()) }
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

describe('control operation codec', () => {
  it('round-trips every kind of operation (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const operation = randomOperation(new SeededRandom(seed))
        expect(decodeControlOperation(encodeControlOperation(operation))).toEqual(operation)
      }),
      { seed: 17, numRuns: 2_000 },
    )
  })

  it('refuses bad ids, key lengths, unsafe integers, versions and oversized input with a typed error', () => {
    const good = encodeControlOperation({ kind: 'promote', member })
    expect(() => decodeControlOperation(good, { operationBytesMax: good.length - 1 })).toThrow(
      MalformedOperationError,
    )
    const badMember = encodeControlOperation({ kind: 'promote', member: 'not-a-member' as typeof member })
    expect(() => decodeControlOperation(badMember)).toThrow(/member id/)
    const fold = encodeControlOperation({
      kind: 'fold',
      runs: [
        {
          stream: streamId(key('a'), incarnation('b'), 0),
          batches: [
            { sequence: 1, epoch: 1, sealed: new Uint8Array() },
            { sequence: 2, epoch: 1, sealed: new Uint8Array() },
          ],
        },
      ],
    })
    expect(() => decodeControlOperation(fold, { runBatchesMax: 1 })).toThrow(MalformedOperationError)
    expect(() => decodeControlOperation(new Uint8Array([0x08, 0x02, 0x3a, 0x00]))).toThrow(/version/)
    expect(() => decodeControlOperation(new Uint8Array([0x08, 0x01]))).toThrow(/no operation/)
  })

  it('turns 100,000 mutated and random inputs into operations or MalformedOperationError, never anything else (seed 23)', () => {
    const decoded = fuzzDecoder({
      seed: 23,
      runs: 100_000,
      samples: (random) => encodeControlOperation(randomOperation(random)),
      decode: (bytes) => decodeControlOperation(bytes),
    })
    expect(decoded).toBeGreaterThan(0)
  })
})
