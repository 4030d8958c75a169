import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CollectionDeclarations } from '../src/core/collections.js'
import { evaluateCondition } from '../src/core/conditions.js'
import { key } from './fixtures.js'

describe('CollectionDeclarations', () => {
  it('treats an undeclared collection as both, any writer', () => {
    const collections = new CollectionDeclarations()
    expect(collections.refusal('carts', 'eventual', key('a'), false)).toBeNull()
    expect(collections.refusal('carts', 'strong', key('a'), false)).toBeNull()
    expect(collections.refusal('carts', 'strong', key('a'), true)).toBe('conditional-needs-strong-collection')
  })

  it('first declaration wins; an equal one (writers in any order) is a no-op; another conflicts', () => {
    const collections = new CollectionDeclarations()
    expect(collections.declare('stock', { writes: 'strong', writers: [key('b'), key('a')] })).toBe('declared')
    expect(collections.declare('stock', { writes: 'strong', writers: [key('a'), key('b'), key('a')] })).toBe(
      'equal',
    )
    expect(collections.declare('stock', { writes: 'both', writers: null })).toBe('conflict')
    expect(collections.refusal('stock', 'eventual', key('a'), false)).toBe('consistency-not-allowed')
    expect(collections.refusal('stock', 'strong', key('c'), false)).toBe('writer-not-allowed')
    expect(collections.refusal('stock', 'strong', key('a'), true)).toBeNull()
    collections.declare('presence', { writes: 'eventual', writers: null })
    expect(collections.refusal('presence', 'strong', key('a'), false)).toBe('consistency-not-allowed')
  })
})

describe('conditions', () => {
  it('compare-and-set, insert-if-absent and increment against the current value', () => {
    expect(evaluateCondition({ kind: 'compare-and-set', expected: { a: [1] }, next: 2 }, { a: [1] })).toEqual(
      {
        ok: true,
        write: 2,
      },
    )
    expect(evaluateCondition({ kind: 'compare-and-set', expected: undefined, next: 2 }, 1)).toEqual({
      ok: false,
      reason: 'value-mismatch',
    })
    expect(evaluateCondition({ kind: 'insert-if-absent', value: 'x' }, undefined)).toEqual({
      ok: true,
      write: 'x',
    })
    expect(evaluateCondition({ kind: 'insert-if-absent', value: 'x' }, null)).toEqual({
      ok: false,
      reason: 'present',
    })
    expect(evaluateCondition({ kind: 'increment', by: -1, min: 0 }, 0)).toEqual({
      ok: false,
      reason: 'below-min',
    })
    expect(evaluateCondition({ kind: 'increment', by: 5 }, 'five')).toEqual({
      ok: false,
      reason: 'not-a-number',
    })
  })

  it('compares expected and current values structurally, absent only equal to absent', () => {
    const cas = (expected: unknown, current: unknown) =>
      evaluateCondition({ kind: 'compare-and-set', expected: expected as never, next: 1 }, current as never)
        .ok
    expect(cas(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(cas({ a: 1, b: [true] }, { b: [true], a: 1 })).toBe(true)
    expect(cas({ a: 1 }, { a: 1, b: null })).toBe(false)
    expect(cas(null, undefined)).toBe(false)
    expect(cas(undefined, undefined)).toBe(true)
  })

  it('a bounded counter never crosses its bounds under any interleaving of writers (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        let stock: number | undefined
        for (let op = 0; op < 200; op++) {
          const by = random.between(-5, 5)
          const outcome = evaluateCondition({ kind: 'increment', by, min: 0, max: 20 }, stock)
          if (outcome.ok) stock = outcome.write as number
          expect(stock ?? 0).toBeGreaterThanOrEqual(0)
          expect(stock ?? 0).toBeLessThanOrEqual(20)
        }
      }),
      { seed: 13, numRuns: 200 },
    )
  })
})
