import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeControlOperation } from '../src/codec/control-codec.js'
import { decodeLogEntry, encodeLogEntry, encodeStrongBatchHeader } from '../src/codec/log-entry.js'
import type { LogItem } from '../src/core/log-items.js'
import { MalformedOperationError } from '../src/errors.js'
import { fuzzDecoder, incarnation, key, randomControlOperation } from './fixtures.js'

const hex = '0123456789abcdef'

/** A random valid log item drawn from `random`. */
function randomItem(random: SeededRandom): LogItem {
  const digit = () => random.pick([...hex])
  if (random.chance(0.5)) {
    return {
      kind: 'control',
      signer: key(digit()),
      operation: randomControlOperation(random),
      signature: random.bytes(64),
    }
  }
  const sequence = 1 + random.nextInt(1_000)
  return {
    kind: 'strong',
    header: {
      key: key(digit()),
      incarnation: incarnation(digit()),
      sequence,
      floor: 1 + random.nextInt(sequence),
      epoch: 1 + random.nextInt(5),
    },
    signature: random.bytes(64),
    sealed: random.bytes(random.nextInt(80)),
  }
}

const randomEntry = (random: SeededRandom) =>
  Array.from({ length: random.nextInt(5) }, () => randomItem(random))

describe('log entry codec', () => {
  it('round-trips entries of control items and strong batches, with the bytes each signature covers (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const items = randomEntry(new SeededRandom(seed))
        const decoded = decodeLogEntry(encodeLogEntry(items))
        expect(decoded.map(({ signed: _, ...item }) => item)).toEqual(items)
        decoded.forEach((item, position) => {
          const original = items[position] as LogItem
          expect(item.signed).toEqual(
            original.kind === 'control'
              ? encodeControlOperation(original.operation)
              : encodeStrongBatchHeader(original.header),
          )
        })
      }),
      { seed: 12, numRuns: 500 },
    )
  })

  it('enforces the entry size and item count limits, the version and field forms', () => {
    const random = new SeededRandom(5)
    const items = Array.from({ length: 6 }, () => randomItem(random))
    const bytes = encodeLogEntry(items)
    expect(() => decodeLogEntry(bytes, { entryItemsMax: 5 })).toThrow(MalformedOperationError)
    expect(decodeLogEntry(bytes, { entryItemsMax: 6 })).toHaveLength(6)
    expect(() => decodeLogEntry(bytes, { entryBytesMax: bytes.length - 1 })).toThrow(/too large/)
    // A future version is refused rather than half understood.
    const future = bytes.slice()
    expect(future[0]).toBe(0x08)
    future[1] = 2
    expect(() => decodeLogEntry(future)).toThrow(/version/)
    // A strong header with floor 0 and a truncated key.
    const strong: LogItem = {
      kind: 'strong',
      header: { key: key('1'), incarnation: incarnation('2'), sequence: 1, floor: 0, epoch: 1 },
      signature: new Uint8Array(),
      sealed: new Uint8Array(),
    }
    expect(() => decodeLogEntry(encodeLogEntry([strong]))).toThrow(/count below 1/)
    expect(decodeLogEntry(encodeLogEntry([]))).toEqual([])
  })

  it('turns 100,000 fuzzed inputs into entries or MalformedOperationError, never anything else', () => {
    const decoded = fuzzDecoder({
      seed: 2026,
      runs: 100_000,
      samples: (random) => encodeLogEntry(randomEntry(random)),
      decode: (bytes) => decodeLogEntry(bytes),
    })
    expect(decoded).toBeGreaterThan(1_000)
  })
})
