import { describe, expect, it } from 'vitest'
import { IdempotencyRecords } from '../src/core/idempotency.js'
import { key } from './fixtures.js'

describe('IdempotencyRecords', () => {
  it('replays the original result for the same operation and refuses a different one', () => {
    const records = new IdempotencyRecords<string>({ recordsPerWriterMax: 10, windowMs: 60_000 })
    expect(records.check(key('a'), 'order-17', 'hash-1', 1_000)).toEqual({ kind: 'new' })
    records.record(key('a'), 'order-17', 'hash-1', 'applied@12', 1_000)
    expect(records.check(key('a'), 'order-17', 'hash-1', 2_000)).toEqual({
      kind: 'replay',
      result: 'applied@12',
    })
    expect(records.check(key('a'), 'order-17', 'hash-2', 2_000)).toEqual({ kind: 'reuse' })
    // Scoped per writer key: another writer's key of the same name is a different record.
    expect(records.check(key('b'), 'order-17', 'hash-2', 2_000)).toEqual({ kind: 'new' })
  })

  it('forgets a key past the log-time window and past the count', () => {
    const records = new IdempotencyRecords<string>({ recordsPerWriterMax: 2, windowMs: 10_000 })
    records.record(key('a'), 'k1', 'h', 'r1', 0)
    expect(records.check(key('a'), 'k1', 'h', 10_000).kind).toBe('replay')
    expect(records.check(key('a'), 'k1', 'h', 10_001).kind).toBe('new')
    records.record(key('a'), 'k2', 'h', 'r2', 20_000)
    records.record(key('a'), 'k3', 'h', 'r3', 20_000)
    records.record(key('a'), 'k4', 'h', 'r4', 20_000)
    expect(records.size(key('a'))).toBe(2)
    expect(records.check(key('a'), 'k2', 'h', 20_000).kind).toBe('new')
    expect(records.check(key('a'), 'k4', 'h', 20_000).kind).toBe('replay')
  })
})
