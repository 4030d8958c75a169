import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { decodeDedupHeader, encodeClientId, encodeDedupHeader } from '../../src/driver/dedup-header.js'
import { SnapshotFormatError } from '../../src/driver/errors.js'
import { fencingToken, fencingTokenParts } from '../../src/driver/fencing.js'
import { SessionTable } from '../../src/driver/sessions.js'
import { decodeSnapshotData, encodeSnapshotData } from '../../src/driver/snapshot-data.js'

const seed = Number(process.env.TANDEM_SEED ?? 20261122)

describe('dedup header', () => {
  it('round-trips identity and command, with large sequence numbers', () => {
    const id = encodeClientId('node-1/7.42.deadbeef')
    const command = new Uint8Array([1, 2, 3])
    const decoded = decodeDedupHeader(encodeDedupHeader(id, 2 ** 52 + 3, 17, command))
    expect(decoded).toEqual({ clientId: 'node-1/7.42.deadbeef', sequence: 2 ** 52 + 3, floor: 17, command })
    expect(decodeDedupHeader(encodeDedupHeader(id, 1, 0, new Uint8Array()))?.command).toHaveLength(0)
  })

  it('rejects client ids that are empty or too long', () => {
    expect(() => encodeClientId('')).toThrow(RangeError)
    expect(() => encodeClientId('x'.repeat(256))).toThrow(RangeError)
  })

  it('returns null, never throws, for arbitrary bytes', () => {
    const random = new SeededRandom(seed)
    const valid = encodeDedupHeader(encodeClientId('c'), 5, 1, new Uint8Array([9]))
    for (let i = 0; i < 20_000; i++) {
      const input = i % 2 === 0 ? valid.slice() : new Uint8Array(random.nextInt(24))
      for (let k = 0; k < input.length; k++)
        if (i % 2 === 1 || random.nextInt(4) === 0) input[k] = random.nextInt(256)
      const decoded = decodeDedupHeader(input)
      if (decoded !== null) {
        expect(Number.isSafeInteger(decoded.sequence), `seed ${seed}`).toBe(true)
        expect(Number.isSafeInteger(decoded.floor), `seed ${seed}`).toBe(true)
      }
    }
    expect(decodeDedupHeader(new Uint8Array([2, 1, 65, 1, 0]))).toBeNull()
    expect(decodeDedupHeader(new Uint8Array([1, 0, 1, 0]))).toBeNull()
    // A sequence varint beyond 2^53.
    expect(
      decodeDedupHeader(new Uint8Array([1, 1, 65, 255, 255, 255, 255, 255, 255, 255, 255, 1, 0])),
    ).toBeNull()
  })
})

describe('client sessions', () => {
  it('applies each sequence once, and remembers where', () => {
    const sessions = new SessionTable()
    expect(sessions.apply('a', 1, 0, { index: 10, term: 2 })).toBeNull()
    expect(sessions.apply('a', 2, 0, { index: 11, term: 2 })).toBeNull()
    expect(sessions.apply('a', 1, 0, { index: 12, term: 3 })).toEqual({ index: 10, term: 2 })
    expect(sessions.apply('b', 1, 0, { index: 13, term: 3 })).toBeNull()
  })

  it('accepts sequences out of order and forgets below the floor', () => {
    const sessions = new SessionTable()
    expect(sessions.apply('a', 3, 1, { index: 1, term: 1 })).toBeNull()
    expect(sessions.apply('a', 1, 1, { index: 2, term: 1 })).toBeNull()
    // The client says everything below 3 is answered: 1 and 2 are forgotten but still refused.
    expect(sessions.apply('a', 4, 3, { index: 3, term: 1 })).toBeNull()
    expect(sessions.apply('a', 2, 3, { index: 4, term: 1 })).toEqual({ index: 0, term: 0 })
    expect(sessions.apply('a', 3, 3, { index: 5, term: 1 })).toEqual({ index: 1, term: 1 })
  })

  it('evicts the idlest session deterministically when full', () => {
    const sessions = new SessionTable({ sessionsMax: 2, sequencesPerSessionMax: 10 })
    sessions.apply('a', 1, 0, { index: 1, term: 1 })
    sessions.apply('b', 1, 0, { index: 2, term: 1 })
    sessions.apply('c', 1, 0, { index: 3, term: 1 })
    expect(sessions.size).toBe(2)
    expect(sessions.apply('a', 1, 0, { index: 4, term: 1 })).toBeNull()
  })

  it('folds the oldest sequences into the floor when a session is full', () => {
    const sessions = new SessionTable({ sessionsMax: 10, sequencesPerSessionMax: 2 })
    sessions.apply('a', 1, 0, { index: 1, term: 1 })
    sessions.apply('a', 2, 0, { index: 2, term: 1 })
    sessions.apply('a', 3, 0, { index: 3, term: 1 })
    expect(sessions.apply('a', 1, 0, { index: 4, term: 1 })).toEqual({ index: 0, term: 0 })
    expect(sessions.apply('a', 3, 0, { index: 5, term: 1 })).toEqual({ index: 3, term: 1 })
  })

  it('survives a snapshot round trip and encodes equal tables equally', () => {
    const one = new SessionTable()
    const two = new SessionTable()
    one.apply('b', 5, 2, { index: 7, term: 1 })
    one.apply('a', 1, 0, { index: 8, term: 1 })
    two.apply('a', 1, 0, { index: 8, term: 1 })
    two.apply('b', 5, 2, { index: 7, term: 1 })
    const limits = { sessionsMax: 10, sequencesPerSessionMax: 10 }
    const bytes = encodeSnapshotData(one.toWire(), new Uint8Array([42]))
    // Session b's lastIndex differs by insertion order, so compare after restoring.
    const restored = new SessionTable()
    const decoded = decodeSnapshotData(bytes, limits)
    restored.restore(decoded.sessions)
    expect(decoded.state).toEqual(new Uint8Array([42]))
    expect(restored.apply('b', 5, 2, { index: 9, term: 2 })).toEqual({ index: 7, term: 1 })
    expect(restored.apply('a', 1, 0, { index: 9, term: 2 })).toEqual({ index: 8, term: 1 })
    expect(encodeSnapshotData(one.toWire(), new Uint8Array())).toEqual(
      encodeSnapshotData(two.toWire(), new Uint8Array()),
    )
  })

  it('rejects malformed snapshot data with SnapshotFormatError', () => {
    const limits = { sessionsMax: 10, sequencesPerSessionMax: 10 }
    expect(() => decodeSnapshotData(new Uint8Array([0xff, 0xff, 0xff]), limits)).toThrow(SnapshotFormatError)
    expect(() => decodeSnapshotData(new Uint8Array([0x08, 0x02]), limits)).toThrow(SnapshotFormatError)
    const many = new SessionTable()
    for (let i = 0; i < 11; i++) many.apply(`c${i}`, 1, 0, { index: i + 1, term: 1 })
    expect(() => decodeSnapshotData(encodeSnapshotData(many.toWire(), new Uint8Array()), limits)).toThrow(
      SnapshotFormatError,
    )
  })
})

describe('fencing tokens', () => {
  it('order by term, then index', () => {
    expect(fencingToken(2, 1)).toBeGreaterThan(fencingToken(1, 1_000_000))
    expect(fencingToken(2, 6)).toBeGreaterThan(fencingToken(2, 5))
    expect(fencingTokenParts(fencingToken(7, 2 ** 52))).toEqual({ term: 7, index: 2 ** 52 })
  })
})
