import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeControlOperation, encodeControlOperation } from '../src/codec/control-codec.js'
import { memberId, streamId } from '../src/core/ids.js'
import { MalformedOperationError } from '../src/errors.js'
import { fuzzDecoder, incarnation, key, randomControlOperation } from './fixtures.js'

const member = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'fedcba9876543210')

describe('control operation codec', () => {
  it('round-trips every kind of operation (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const operation = randomControlOperation(new SeededRandom(seed))
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
            { sequence: 1, epoch: 1, sealed: new Uint8Array(), signature: new Uint8Array() },
            { sequence: 2, epoch: 1, sealed: new Uint8Array(), signature: new Uint8Array() },
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
      samples: (random) => encodeControlOperation(randomControlOperation(random)),
      decode: (bytes) => decodeControlOperation(bytes),
    })
    expect(decoded).toBeGreaterThan(0)
  })
})
