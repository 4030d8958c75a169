import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkNodeMapLinearizability,
  describeNodeMapEntry,
  NodeMapHistory,
  type NodeMapHistoryEntry,
} from '../src/checkers/node-map-linearizability.js'
import {
  applyNodeMapOperation,
  type NodeMapOperation,
  type NodeMapResult,
  type NodeMapValue,
  stepNodeMap,
} from '../src/checkers/node-map-model.js'

/** One hand-written operation: call and return times (`null` = outcome unknown). */
interface Sketch {
  readonly client: string
  readonly operation: NodeMapOperation
  readonly callMs: number
  readonly returnMs: number | null
  readonly result: NodeMapResult | null
}

const options = { stepsMaxPerKey: 1_000_000 }

function historyOf(sketches: readonly Sketch[]): readonly NodeMapHistoryEntry[] {
  const history = new NodeMapHistory()
  const ids = sketches.map((sketch) => history.call(sketch.client, sketch.operation, sketch.callMs))
  sketches.forEach((sketch, index) => {
    if (sketch.returnMs !== null && sketch.result !== null)
      history.complete(ids[index] as number, sketch.result, sketch.returnMs)
  })
  return history.entries
}

const verdict = (sketches: readonly Sketch[], initial?: ReadonlyMap<string, NodeMapValue>) =>
  checkNodeMapLinearizability(historyOf(sketches), { ...options, ...(initial ? { initial } : {}) }).kind

const set = (key: string, value: NodeMapValue): NodeMapOperation => ({ kind: 'set', key, value })
const get = (key: string): NodeMapOperation => ({ kind: 'get', key })
const cas = (key: string, expected: NodeMapValue | undefined, next: NodeMapValue): NodeMapOperation => ({
  kind: 'compare-and-set',
  key,
  expected,
  next,
})
const inc = (key: string, by: number, bounds: { min?: number; max?: number } = {}): NodeMapOperation => ({
  kind: 'increment',
  key,
  by,
  ...bounds,
})
const applied: NodeMapResult = { kind: 'write', applied: true }
const failed = (
  reason: 'value-mismatch' | 'present' | 'not-a-number' | 'below-min' | 'above-max',
): NodeMapResult => ({
  kind: 'write',
  applied: false,
  reason,
})
const read = (value: NodeMapValue | undefined): NodeMapResult => ({ kind: 'get', value })

describe('node map model', () => {
  it('judges conditions as the node does at apply', () => {
    expect(applyNodeMapOperation(undefined, inc('k', 3))).toEqual({ next: 3, failure: null })
    expect(applyNodeMapOperation(9, inc('k', 2, { max: 10 }))).toEqual({ next: 9, failure: 'above-max' })
    expect(applyNodeMapOperation(0, inc('k', -1, { min: 0 }))).toEqual({ next: 0, failure: 'below-min' })
    expect(applyNodeMapOperation('x', inc('k', 1))).toEqual({ next: 'x', failure: 'not-a-number' })
    expect(applyNodeMapOperation(undefined, cas('k', undefined, 'a'))).toEqual({ next: 'a', failure: null })
    expect(applyNodeMapOperation('a', cas('k', undefined, 'b')).failure).toBe('value-mismatch')
    expect(applyNodeMapOperation('a', { kind: 'insert-if-absent', key: 'k', value: 'b' }).failure).toBe(
      'present',
    )
    // 1 and '1' are different values.
    expect(applyNodeMapOperation(1, cas('k', '1', 2)).failure).toBe('value-mismatch')
  })

  it('accepts any result for an unknown outcome and still applies its effect', () => {
    expect(stepNodeMap(1, inc('k', 1), null)).toEqual({ consistent: true, next: 2 })
    expect(stepNodeMap(1, inc('k', 1), failed('above-max'))).toEqual({ consistent: false, next: 1 })
    // A definite not-applied without a condition reason changes nothing anywhere.
    expect(stepNodeMap(1, set('k', 5), { kind: 'write', applied: false })).toEqual({
      consistent: true,
      next: 1,
    })
  })
})

describe('node map linearizability: hand-written histories', () => {
  it('accepts set then read, rejects a stale read after an acknowledged set (a lost write)', () => {
    const write: Sketch = { client: 'a', operation: set('x', 1), callMs: 0, returnMs: 10, result: applied }
    expect(
      verdict([write, { client: 'b', operation: get('x'), callMs: 20, returnMs: 30, result: read(1) }]),
    ).toBe('linearizable')
    expect(
      verdict([
        write,
        { client: 'b', operation: get('x'), callMs: 20, returnMs: 30, result: read(undefined) },
      ]),
    ).toBe('violation')
  })

  it('lets exactly one of two concurrent inserts by compare-and-set win', () => {
    const first: Sketch = {
      client: 'a',
      operation: cas('x', undefined, 'a'),
      callMs: 0,
      returnMs: 20,
      result: applied,
    }
    expect(
      verdict([
        first,
        { client: 'b', operation: cas('x', undefined, 'b'), callMs: 5, returnMs: 25, result: applied },
      ]),
    ).toBe('violation')
    expect(
      verdict([
        first,
        {
          client: 'b',
          operation: cas('x', undefined, 'b'),
          callMs: 5,
          returnMs: 25,
          result: failed('value-mismatch'),
        },
        { client: 'c', operation: get('x'), callMs: 30, returnMs: 31, result: read('a') },
      ]),
    ).toBe('linearizable')
    // The loser's read shows the loser's value: no order explains that.
    expect(
      verdict([
        first,
        {
          client: 'b',
          operation: cas('x', undefined, 'b'),
          callMs: 5,
          returnMs: 25,
          result: failed('value-mismatch'),
        },
        { client: 'c', operation: get('x'), callMs: 30, returnMs: 31, result: read('b') },
      ]),
    ).toBe('violation')
  })

  it('never lets a bounded counter cross its bound under concurrent increments', () => {
    const up = (client: string, callMs: number, result: NodeMapResult): Sketch => ({
      client,
      operation: inc('stock', 1, { max: 2 }),
      callMs,
      returnMs: callMs + 50,
      result,
    })
    expect(verdict([up('a', 0, applied), up('b', 1, applied), up('c', 2, applied)])).toBe('violation')
    expect(verdict([up('a', 0, applied), up('b', 1, failed('above-max')), up('c', 2, applied)])).toBe(
      'linearizable',
    )
    // The right refusal for the wrong reason is still wrong.
    expect(verdict([up('a', 0, applied), up('b', 1, failed('below-min')), up('c', 2, applied)])).toBe(
      'violation',
    )
    // A refusal is only right once the bound is reached: here it was not.
    expect(verdict([up('a', 0, failed('above-max'))])).toBe('violation')
  })

  it('places an unknown outcome anywhere after its call, or nowhere, but not back in time', () => {
    const unknown: Sketch = {
      client: 'a',
      operation: set('x', 'new'),
      callMs: 10,
      returnMs: null,
      result: null,
    }
    const before: Sketch = {
      client: 'z',
      operation: set('x', 'old'),
      callMs: 0,
      returnMs: 5,
      result: applied,
    }
    for (const seen of ['old', 'new'])
      expect(
        verdict([
          before,
          unknown,
          { client: 'b', operation: get('x'), callMs: 100, returnMs: 110, result: read(seen) },
        ]),
      ).toBe('linearizable')
    // Seen, then not seen: once it took effect it cannot be undone.
    expect(
      verdict([
        before,
        unknown,
        { client: 'b', operation: get('x'), callMs: 100, returnMs: 110, result: read('new') },
        { client: 'c', operation: get('x'), callMs: 120, returnMs: 130, result: read('old') },
      ]),
    ).toBe('violation')
    // It cannot take effect before it was called.
    expect(
      verdict([
        before,
        unknown,
        { client: 'b', operation: get('x'), callMs: 6, returnMs: 9, result: read('new') },
      ]),
    ).toBe('violation')
  })

  it('counts an unknown increment at most once', () => {
    const sketches = (final: number): Sketch[] => [
      { client: 'a', operation: inc('n', 1), callMs: 0, returnMs: 10, result: applied },
      { client: 'b', operation: inc('n', 1), callMs: 5, returnMs: null, result: null },
      { client: 'c', operation: get('n'), callMs: 50, returnMs: 60, result: read(final) },
    ]
    expect(verdict(sketches(1))).toBe('linearizable')
    expect(verdict(sketches(2))).toBe('linearizable')
    expect(verdict(sketches(3))).toBe('violation')
    expect(verdict(sketches(0))).toBe('violation')
  })

  it('starts from the given initial values and checks keys independently', () => {
    const sketches: Sketch[] = [
      { client: 'a', operation: get('x'), callMs: 0, returnMs: 1, result: read(7) },
      { client: 'a', operation: get('y'), callMs: 2, returnMs: 3, result: read(undefined) },
    ]
    expect(verdict(sketches, new Map([['x', 7]]))).toBe('linearizable')
    expect(verdict(sketches)).toBe('violation')
    const result = checkNodeMapLinearizability(historyOf(sketches), options)
    expect(result.kind === 'violation' && result.key).toBe('x')
    expect(result.kind === 'violation' && result.explanation).toContain('get(x)')
  })

  it('treats a call at the same instant as a return as concurrent with it', () => {
    expect(
      verdict([
        { client: 'a', operation: set('x', 1), callMs: 0, returnMs: 10, result: applied },
        { client: 'b', operation: get('x'), callMs: 10, returnMs: 12, result: read(undefined) },
      ]),
    ).toBe('linearizable')
  })

  it('deletes and inserts if absent', () => {
    expect(
      verdict([
        { client: 'a', operation: set('x', 1), callMs: 0, returnMs: 1, result: applied },
        { client: 'a', operation: { kind: 'delete', key: 'x' }, callMs: 2, returnMs: 3, result: applied },
        {
          client: 'b',
          operation: { kind: 'insert-if-absent', key: 'x', value: 2 },
          callMs: 4,
          returnMs: 5,
          result: applied,
        },
        { client: 'b', operation: get('x'), callMs: 6, returnMs: 7, result: read(2) },
      ]),
    ).toBe('linearizable')
    expect(
      verdict([
        { client: 'a', operation: set('x', 1), callMs: 0, returnMs: 1, result: applied },
        {
          client: 'b',
          operation: { kind: 'insert-if-absent', key: 'x', value: 2 },
          callMs: 4,
          returnMs: 5,
          result: applied,
        },
      ]),
    ).toBe('violation')
  })

  it('reports inconclusive when the step budget runs out', () => {
    const sketches: Sketch[] = Array.from({ length: 12 }, (_, i) => ({
      client: `c${i}`,
      operation: inc('n', 1),
      callMs: i,
      returnMs: 1_000 + i,
      result: applied,
    }))
    sketches.push({ client: 'r', operation: get('n'), callMs: 2_000, returnMs: 2_001, result: read(13) })
    expect(checkNodeMapLinearizability(historyOf(sketches), { stepsMaxPerKey: 50 }).kind).toBe('inconclusive')
    expect(checkNodeMapLinearizability(historyOf(sketches), options).kind).toBe('violation')
  })

  it('describes an entry on one line', () => {
    const [entry] = historyOf([
      {
        client: 'n1.c2',
        operation: inc('k', 1, { min: 0, max: 10 }),
        callMs: 12.5,
        returnMs: null,
        result: null,
      },
    ])
    expect(describeNodeMapEntry(entry as NodeMapHistoryEntry)).toBe(
      '#0 n1.c2 increment(k by 1 ≥ 0 ≤ 10) [12.500, ∞] unknown',
    )
  })
})

describe('node map linearizability: generated sequential histories', () => {
  const operation = fc.oneof(
    fc.record({
      kind: fc.constant('set' as const),
      key: fc.constantFrom('a', 'b'),
      value: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ kind: fc.constant('get' as const), key: fc.constantFrom('a', 'b') }),
    fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('a', 'b') }),
    fc.record({
      kind: fc.constant('compare-and-set' as const),
      key: fc.constantFrom('a', 'b'),
      expected: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      next: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({
      kind: fc.constant('increment' as const),
      key: fc.constantFrom('a', 'b'),
      by: fc.integer({ min: -2, max: 2 }),
      min: fc.constant(0),
      max: fc.constant(4),
    }),
  )

  /** Runs the operations one after another on the model and records what each returned. */
  function sequential(operations: readonly NodeMapOperation[]): Sketch[] {
    const state = new Map<string, NodeMapValue | undefined>()
    return operations.map((op, i) => {
      const before = state.get(op.key)
      const effect = applyNodeMapOperation(before, op)
      state.set(op.key, effect.next)
      const result: NodeMapResult =
        op.kind === 'get'
          ? read(before)
          : effect.failure === null
            ? applied
            : { kind: 'write', applied: false, reason: effect.failure }
      return { client: `c${i % 3}`, operation: op, callMs: i * 10, returnMs: i * 10 + 5, result }
    })
  }

  it('accepts every history the model produced sequentially', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 30 }), (operations) => {
        expect(verdict(sequential(operations))).toBe('linearizable')
      }),
    )
  })

  it('rejects a sequential history with one read result changed', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 30 }), fc.nat(), (operations, pick) => {
        const sketches = sequential(operations)
        const reads = sketches.flatMap((sketch, index) => (sketch.operation.kind === 'get' ? [index] : []))
        fc.pre(reads.length > 0)
        const index = reads[pick % reads.length] as number
        const original = sketches[index] as Sketch
        const seen = original.result?.kind === 'get' ? original.result.value : undefined
        // Without overlap or unknown outcomes the linearization is unique: any other value is wrong.
        sketches[index] = { ...original, result: read(seen === undefined ? 99 : undefined) }
        expect(verdict(sketches)).toBe('violation')
      }),
    )
  })
})
