import { describe, expect, it } from 'vitest'
import {
  decodeDelta,
  decodeSyncMessage,
  encodeDelta,
  encodeSyncMessage,
  InputTooLargeError,
  InvalidValueError,
  MalformedInputError,
  Replica,
  UnsupportedVersionError,
  type Value,
  valuesEqual,
} from '../src/index.js'
import { VirtualClock } from './helpers.js'

function replica(node = 'A'): Replica {
  return new Replica({ node, now: new VirtualClock().now })
}

describe('codec', () => {
  it('round-trips every kind of value', () => {
    const values: Value[] = [
      null,
      true,
      false,
      0,
      63,
      64,
      -1,
      2 ** 52,
      -(2 ** 52),
      Number.MAX_SAFE_INTEGER,
      1.5,
      -0.25,
      '',
      'ascii',
      'ünïcødé ✓ 😀',
      'x'.repeat(5000),
      new Uint8Array([0, 255, 7]),
      [],
      [1, [2, [3]]],
      { b: 1, a: { c: [null] } },
      { ['__proto__']: { polluted: true } } as Value,
    ]
    const source = replica()
    for (const [index, value] of values.entries()) source.map('m').set(`k${index}`, value)
    const target = replica('B')
    target.apply(decodeDelta(encodeDelta(source.state())))
    for (const [index, value] of values.entries()) {
      expect(valuesEqual(target.map('m').get(`k${index}`) as Value, value), `value ${index}`).toBe(true)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('treats "__proto__" and other Object.prototype names as plain keys', () => {
    const a = replica()
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) a.map('m').set(key, key)
    const b = replica('B')
    b.apply(decodeDelta(encodeDelta(a.state())))
    expect([...b.map('m').keys()].sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString'])
    expect(b.map('m').get('__proto__')).toBe('__proto__')
    const decodedObject = decodeDelta(encodeDelta(a.map('m').set('o', { ['__proto__']: 5 } as Value)))
    const value = decodedObject.collections[0]?.entries[0]?.value as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.hasOwn(value, '__proto__')).toBe(true)
  })

  it('rejects values that are not JSON-compatible', () => {
    const map = replica().map('m')
    expect(() => map.set('k', Number.NaN)).toThrow(InvalidValueError)
    expect(() => map.set('k', Number.POSITIVE_INFINITY)).toThrow(InvalidValueError)
    expect(() => map.set('k', new Date(0) as unknown as Value)).toThrow(InvalidValueError)
    expect(() => map.set('k', (() => 1) as unknown as Value)).toThrow(InvalidValueError)
    let deep: Value = 1
    for (let index = 0; index < 100; index++) deep = [deep]
    expect(() => map.set('k', deep)).toThrow(InvalidValueError)
  })

  it('round-trips every sync message', () => {
    const a = replica()
    a.map('m').set('k', 1)
    a.set('s').add('x')
    const b = replica('B')
    for (const message of [
      { type: 'sync-step-1', context: a.context() },
      { type: 'sync-step-2', delta: a.diff(b.context()) },
      { type: 'update', delta: a.map('m').set('j', 2) },
      { type: 'ack', context: a.context() },
    ] as const) {
      const bytes = encodeSyncMessage(message)
      expect(encodeSyncMessage(decodeSyncMessage(bytes))).toEqual(bytes)
    }
  })

  it('throws typed errors on bad frames and enforces limits', () => {
    const a = replica()
    a.map('m').set('key', 'x'.repeat(100))
    const bytes = encodeDelta(a.state())
    expect(() => decodeDelta(new Uint8Array([]))).toThrow(MalformedInputError)
    expect(() => decodeDelta(Uint8Array.from([9, ...bytes.subarray(1)]))).toThrow(UnsupportedVersionError)
    expect(() => decodeDelta(bytes.subarray(0, bytes.length - 1))).toThrow(MalformedInputError)
    expect(() => decodeDelta(Uint8Array.from([...bytes, 0]))).toThrow(MalformedInputError)
    expect(() => decodeDelta(bytes, { bytesMax: 10 })).toThrow(InputTooLargeError)
    expect(() => decodeDelta(bytes, { stringBytesMax: 50 })).toThrow(InputTooLargeError)
    expect(() => decodeDelta(bytes, { entriesMax: 0 })).toThrow(InputTooLargeError)
    expect(() => decodeSyncMessage(bytes)).toThrow(MalformedInputError)
    const error = (() => {
      try {
        decodeDelta(new Uint8Array([1]))
      } catch (caught) {
        return caught as MalformedInputError
      }
    })()
    expect(error?.code).toBe('CRDT_MALFORMED_INPUT')
  })

  it('rejects a hostile count without allocating for it', () => {
    // version 1, delta frame, node count = 2^53 - 1 (8-byte varint).
    const hostile = Uint8Array.from([1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f])
    expect(() => decodeDelta(hostile)).toThrow(InputTooLargeError)
    const beyondInput = Uint8Array.from([1, 1, 0x90, 0x4e]) // 10,000 nodes, no bytes follow
    expect(() => decodeDelta(beyondInput)).toThrow(MalformedInputError)
  })

  it('encodes equal states to equal bytes regardless of history order', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'A', now: clock.now })
    const b = new Replica({ node: 'B', now: clock.now })
    const deltas = [
      a.map('m').set('x', 1),
      b.map('m').set('y', 2),
      a.set('s').add({ z: 1, a: 2 }),
      b.set('s').add('q'),
    ]
    const left = new Replica({ node: 'L', now: clock.now })
    const right = new Replica({ node: 'R', now: clock.now })
    for (const delta of deltas) left.apply(delta)
    for (const delta of [...deltas].reverse()) right.apply(delta)
    expect(left.encodeState()).toEqual(right.encodeState())
  })
})

describe('encodeValue / decodeValue', () => {
  it('round-trips values canonically and refuses trailing or malformed bytes with typed errors', async () => {
    const { decodeValue, encodeValue, MalformedInputError } = await import('../src/index.js')
    const value = { b: [1, 2.5, 'x', null, true], a: new Uint8Array([7]) }
    expect(decodeValue(encodeValue(value))).toEqual(value)
    expect(encodeValue({ a: 1, b: 2 })).toEqual(encodeValue({ b: 2, a: 1 }))
    const bytes = encodeValue('hello')
    expect(() => decodeValue(Uint8Array.of(...bytes, 0))).toThrow(MalformedInputError)
    expect(() => decodeValue(Uint8Array.of(0xff))).toThrow(MalformedInputError)
    expect(() => decodeValue(new Uint8Array())).toThrow(MalformedInputError)
  })
})
