import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeStrongPayload, encodeStrongPayload } from '../src/codec/strong-payload.js'
import type { DataOperation, StrongBatchPayload } from '../src/core/data-operations.js'
import { MalformedOperationError } from '../src/errors.js'
import { fuzzDecoder, key } from './fixtures.js'

/** A random valid strong payload drawn from `random`. */
function randomPayload(random: SeededRandom): StrongBatchPayload {
  const value = () =>
    random.pick([null, true, random.nextInt(1000), `s${random.nextInt(9)}`, { a: [1, 'x'] }, random.bytes(3)])
  const map = { kind: 'map', name: `m${random.nextInt(3)}` } as const
  const set = { kind: 'set', name: 's' } as const
  const register = { kind: 'register', name: 'r' } as const
  const operation = (): DataOperation => {
    switch (random.nextInt(9)) {
      case 0:
        return {
          kind: 'declare',
          collection: map,
          rules: {
            writes: random.pick(['both', 'strong', 'eventual'] as const),
            writers: random.chance(0.5) ? null : [key('a'), key('b')],
          },
        }
      case 1:
        return { kind: 'map-set', collection: map, key: `k${random.nextInt(5)}`, value: value() }
      case 2:
        return { kind: 'map-delete', collection: map, key: 'gone' }
      case 3:
        return {
          kind: 'map-conditional',
          collection: map,
          key: 'c',
          condition: {
            kind: 'compare-and-set',
            expected: random.chance(0.5) ? undefined : value(),
            next: value(),
          },
        }
      case 4:
        return {
          kind: 'map-conditional',
          collection: map,
          key: 'i',
          condition: { kind: 'insert-if-absent', value: value() },
        }
      case 5:
        return {
          kind: 'map-conditional',
          collection: map,
          key: 'n',
          condition: {
            kind: 'increment',
            by: random.between(-5, 5),
            ...(random.chance(0.5) ? { min: 0 } : {}),
            ...(random.chance(0.5) ? { max: 10.5 } : {}),
          },
        }
      case 6:
        return { kind: 'set-add', collection: set, element: value() }
      case 7:
        return { kind: 'set-delete', collection: set, element: value() }
      default:
        return { kind: 'register-set', collection: register, value: value() }
    }
  }
  return {
    stamp: { wallMs: random.nextInt(2 ** 31) * 1000, logical: random.nextInt(100) },
    operations: Array.from({ length: random.nextInt(5) }, () =>
      random.chance(0.3)
        ? {
            operation: operation(),
            idempotency: { key: `order-${random.nextInt(99)}`, operationHash: 'ab'.repeat(32) },
          }
        : { operation: operation() },
    ),
  }
}

describe('strong payload codec', () => {
  it('round-trips every kind of data operation (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const payload = randomPayload(new SeededRandom(seed))
        expect(decodeStrongPayload(encodeStrongPayload(payload))).toEqual(payload)
      }),
      { seed: 37, numRuns: 2_000 },
    )
  })

  it('refuses an operation on the wrong kind of collection', () => {
    const bytes = encodeStrongPayload({
      stamp: { wallMs: 1, logical: 0 },
      operations: [{ operation: { kind: 'set-add', collection: { kind: 'map', name: 'm' }, element: 1 } }],
    })
    expect(() => decodeStrongPayload(bytes)).toThrow(MalformedOperationError)
  })

  it('turns 100,000 mutated and random inputs into payloads or MalformedOperationError (seed 41)', () => {
    const decoded = fuzzDecoder({
      seed: 41,
      runs: 100_000,
      samples: (random) => encodeStrongPayload(randomPayload(random)),
      decode: (bytes) => decodeStrongPayload(bytes),
    })
    expect(decoded).toBeGreaterThan(0)
  })
})
