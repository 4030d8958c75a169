import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import {
  ClockDriftError,
  decodeDelta,
  decodeSyncMessage,
  encodeDelta,
  encodeSyncMessage,
  InputTooLargeError,
  MalformedInputError,
  Replica,
  UnsupportedVersionError,
} from '../src/index.js'
import { VirtualClock } from './helpers.js'

// Decoder fuzzing: 100,000+ inputs, mostly mutations of valid encodings (bit flips, byte overwrites,
// truncations, insertions, splices of two encodings) plus plain random bytes. Every input must
// either decode (and then merge into a replica without anything but a typed error) or throw one of
// the typed codec errors — never another exception, a hang, or a polluted prototype.

const TYPED = [MalformedInputError, InputTooLargeError, UnsupportedVersionError]
const LIMITS = {
  bytesMax: 1 << 16,
  stringBytesMax: 1 << 12,
  entriesMax: 10_000,
  nodesMax: 1000,
  rangesPerNodeMax: 1000,
}

function corpus(): Uint8Array[] {
  const clock = new VirtualClock()
  const a = new Replica({ node: '12D3KooWAlpha', now: clock.now })
  const b = new Replica({ node: '12D3KooWBravo', now: clock.now })
  const samples: Uint8Array[] = []
  const keep = (delta: Parameters<typeof encodeDelta>[0]) => {
    samples.push(encodeDelta(delta))
    samples.push(encodeSyncMessage({ type: 'update', delta }))
  }
  keep(a.map('m').set('k', { nested: [1, 'two', null, true, 2.5, new Uint8Array([9])], __proto__x: 'y' }))
  keep(a.map('m').set('__proto__', { __proto__: 1 } as never))
  keep(a.map('m').delete('k'))
  keep(b.set('s').add('élément ✓ 😀'))
  keep(b.set('s').add({ id: 7 }))
  keep(b.register('r').set(-123456789))
  b.apply(a.state())
  keep(b.set('s').delete('élément ✓ 😀'))
  keep(b.state())
  samples.push(encodeSyncMessage({ type: 'sync-step-1', context: b.context() }))
  samples.push(encodeSyncMessage({ type: 'ack', context: a.context() }))
  samples.push(encodeSyncMessage({ type: 'sync-step-2', delta: b.diff(a.context()) }))
  samples.push(b.encodeState())
  return samples
}

function mutate(random: SeededRandom, samples: readonly Uint8Array[]): Uint8Array {
  const source = samples[Math.floor(random.nextFloat() * samples.length)] as Uint8Array
  const choice = random.nextFloat()
  if (choice < 0.1) {
    const out = new Uint8Array(Math.floor(random.nextFloat() * 64))
    for (let index = 0; index < out.length; index++) out[index] = Math.floor(random.nextFloat() * 256)
    if (out.length > 1 && random.nextFloat() < 0.7) out[0] = 1
    return out
  }
  const out = Uint8Array.from(source)
  if (choice < 0.4) {
    const flips = 1 + Math.floor(random.nextFloat() * 3)
    for (let flip = 0; flip < flips; flip++) {
      const position = Math.floor(random.nextFloat() * out.length)
      out[position] = (out[position] as number) ^ (1 << Math.floor(random.nextFloat() * 8))
    }
    return out
  }
  if (choice < 0.6) {
    const position = Math.floor(random.nextFloat() * out.length)
    out[position] = pickByte(random)
    return out
  }
  if (choice < 0.75) return out.subarray(0, Math.floor(random.nextFloat() * out.length))
  if (choice < 0.9) {
    const position = Math.floor(random.nextFloat() * (out.length + 1))
    const inserted = Array.from({ length: 1 + Math.floor(random.nextFloat() * 4) }, () => pickByte(random))
    return Uint8Array.from([...out.subarray(0, position), ...inserted, ...out.subarray(position)])
  }
  const other = samples[Math.floor(random.nextFloat() * samples.length)] as Uint8Array
  const cut = Math.floor(random.nextFloat() * out.length)
  return Uint8Array.from([
    ...out.subarray(0, cut),
    ...other.subarray(Math.floor(random.nextFloat() * other.length)),
  ])
}

/** Bytes that are likely to hit edge cases: varint continuation, huge counts, tags. */
function pickByte(random: SeededRandom): number {
  const special = [0, 1, 2, 0x7f, 0x80, 0xff, 0x40, 0x7e, 0x3f]
  return random.nextFloat() < 0.5
    ? (special[Math.floor(random.nextFloat() * special.length)] as number)
    : Math.floor(random.nextFloat() * 256)
}

describe('decoder fuzzing', () => {
  it('survives 120,000 mutated and random inputs with typed errors only', () => {
    const seed = 424242
    const random = new SeededRandom(seed)
    const samples = corpus()
    const clock = new VirtualClock()
    let decoded = 0
    let rejected = 0
    for (let iteration = 0; iteration < 120_000; iteration++) {
      const input = mutate(random, samples)
      for (const decode of [decodeDelta, decodeSyncMessage] as const) {
        let result: ReturnType<typeof decodeDelta> | ReturnType<typeof decodeSyncMessage>
        try {
          result = decode(input, LIMITS)
        } catch (error) {
          const typed = TYPED.some((type) => error instanceof type)
          expect(typed, `seed ${seed} iteration ${iteration}: ${String(error)}`).toBe(true)
          rejected++
          continue
        }
        decoded++
        const delta = 'collections' in result ? result : 'delta' in result ? result.delta : undefined
        if (delta === undefined) continue
        const replica = new Replica({ node: 'fuzz', now: clock.now })
        try {
          replica.apply(delta)
          replica.encodeState()
        } catch (error) {
          expect(
            error instanceof ClockDriftError,
            `seed ${seed} iteration ${iteration}: ${String(error)}`,
          ).toBe(true)
        }
      }
    }
    expect(decoded).toBeGreaterThan(1000)
    expect(rejected).toBeGreaterThan(100_000)
    expect(({} as Record<string, unknown>).__proto__x).toBeUndefined()
    expect(Object.keys(Object.prototype)).toEqual([])
  })
})
