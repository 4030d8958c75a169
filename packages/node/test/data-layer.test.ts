import { SeededRandom } from '@tandem/base'
import { encodeDelta, Replica } from '@tandem/crdt'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultClusterConstants } from '../src/core/control.js'
import { DataLayer } from '../src/core/data-layer.js'
import type { DataOperation, StrongOperation } from '../src/core/data-operations.js'
import { streamId } from '../src/core/ids.js'
import { incarnation, key } from './fixtures.js'

const constants = defaultClusterConstants
const t0 = 1_700_000_000_000
const writerA = key('a')
const writerB = key('b')
const carts = { kind: 'map', name: 'carts' } as const
const stock = { kind: 'map', name: 'stock' } as const

/** A data layer with sessions open for writers a and b. */
function layer(): DataLayer {
  const data = new DataLayer(constants)
  data.sessions.open(writerA, incarnation('1'))
  data.sessions.open(writerB, incarnation('1'))
  return data
}

let sequences = new Map<string, number>()
/** Applies one strong batch of `operations` from `writer` at `index`. */
function strong(
  data: DataLayer,
  writer: typeof writerA,
  index: number,
  operations: DataOperation[],
  wallMs = t0,
) {
  const next = (sequences.get(writer) ?? 0) + 1
  sequences.set(writer, next)
  return data.applyStrongBatch({
    index,
    ordinalStart: 0,
    header: { key: writer, incarnation: incarnation('1'), sequence: next, floor: 1 },
    payload: { stamp: { wallMs, logical: 0 }, operations: operations.map((operation) => ({ operation })) },
    logTimeMs: t0,
    constants,
  })
}

describe('DataLayer', () => {
  it('a strong write supersedes a folded eventual write stamped ahead of it; fencing tokens rise', () => {
    sequences = new Map()
    const data = layer()
    const stream = streamId(writerB, incarnation('2'), 0)
    // An eventual write from a clock running an hour ahead, folded first.
    const writer = new Replica({ node: stream, now: () => t0 + 3_600_000 })
    const delta = writer.map('carts').set('alice', 'eventual')
    expect(
      data.applyFoldedBatch({
        deltas: [delta],
        writer: writerB,
        writerIds: [stream],
        logTimeMs: t0,
        constants,
      }),
    ).toEqual({
      merged: true,
    })
    expect(data.mapValue('carts', 'alice')).toBe('eventual')
    // Clamped to t + driftMax, so strongClock did not jump an hour.
    expect(data.strongClock.latest.wallMs).toBe(t0 + constants.driftMaxMs)
    const [first] = strong(data, writerA, 10, [
      { kind: 'map-set', collection: carts, key: 'alice', value: 'strong' },
    ])
    expect(data.mapValue('carts', 'alice')).toBe('strong')
    const [second] = strong(data, writerA, 11, [{ kind: 'map-set', collection: carts, key: 'bob', value: 1 }])
    expect(first?.applied && second?.applied).toBe(true)
    if (first?.applied && second?.applied) expect(second.fencingToken).toBeGreaterThan(first.fencingToken)
  })

  it('a re-forwarded batch applies once and answers with the recorded results', () => {
    sequences = new Map()
    const data = layer()
    const header = { key: writerA, incarnation: incarnation('1'), sequence: 1, floor: 1 }
    const payload = {
      stamp: { wallMs: t0, logical: 0 },
      operations: [
        { operation: { kind: 'set-add', collection: { kind: 'set', name: 'tags' }, element: 'x' } },
      ],
    } satisfies { stamp: { wallMs: number; logical: number }; operations: StrongOperation[] }
    const once = data.applyStrongBatch({
      index: 5,
      ordinalStart: 0,
      header,
      payload,
      logTimeMs: t0,
      constants,
    })
    const twice = data.applyStrongBatch({
      index: 9,
      ordinalStart: 0,
      header,
      payload,
      logTimeMs: t0,
      constants,
    })
    expect(twice).toEqual(once)
    expect(data.strongCount).toBe(1)
  })

  it('enforces declarations: conditional operations only on strong collections, no eventual writes there', () => {
    sequences = new Map()
    const data = layer()
    const [conditionalBefore] = strong(data, writerA, 1, [
      {
        kind: 'map-conditional',
        collection: stock,
        key: 'apples',
        condition: { kind: 'insert-if-absent', value: 5 },
      },
    ])
    expect(conditionalBefore).toEqual({ applied: false, reason: 'conditional-needs-strong-collection' })
    strong(data, writerA, 2, [
      { kind: 'declare', collection: stock, rules: { writes: 'strong', writers: null } },
    ])
    const [conflict] = strong(data, writerB, 3, [
      { kind: 'declare', collection: stock, rules: { writes: 'both', writers: null } },
    ])
    expect(conflict).toEqual({ applied: false, reason: 'collection-conflict' })
    const stream = streamId(writerB, incarnation('2'), 0)
    const delta = new Replica({ node: stream, now: () => t0 }).map('stock').set('apples', 1_000)
    expect(
      data.applyFoldedBatch({
        deltas: [delta],
        writer: writerB,
        writerIds: [stream],
        logTimeMs: t0,
        constants,
      }),
    ).toEqual({
      merged: false,
      reason: 'collection-refuses-eventual',
    })
    expect(data.refusals.get('fold:collection-refuses-eventual')).toBe(1)
  })

  it('a bounded counter never crosses its bounds under concurrent writers on different nodes (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        sequences = new Map()
        const random = new SeededRandom(seed)
        const data = layer()
        strong(data, writerA, 1, [
          { kind: 'declare', collection: stock, rules: { writes: 'strong', writers: null } },
        ])
        for (let index = 2; index < 80; index++) {
          const by = random.between(-3, 3)
          strong(data, random.pick([writerA, writerB]), index, [
            {
              kind: 'map-conditional',
              collection: stock,
              key: 'apples',
              condition: { kind: 'increment', by, min: 0, max: 10 },
            },
          ])
          const value = (data.mapValue('stock', 'apples') as number | undefined) ?? 0
          expect(value).toBeGreaterThanOrEqual(0)
          expect(value).toBeLessThanOrEqual(10)
        }
      }),
      { seed: 19, numRuns: 100 },
    )
  })

  it('two keyed nodes applying the same entries hold byte-identical data (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const stream = streamId(writerB, incarnation('2'), 0)
        const writer = new Replica({ node: stream, now: () => t0 + random.between(-100_000, 100_000) })
        const steps: ((data: DataLayer) => void)[] = []
        let index = 0
        for (let step = 0; step < 40; step++) {
          index++
          const at = index
          if (random.chance(0.5)) {
            const delta = random.chance(0.5)
              ? writer.map('carts').set(`k${random.nextInt(5)}`, random.nextInt(100))
              : writer.set('tags').add(`t${random.nextInt(5)}`)
            const bytes = encodeDelta(delta)
            steps.push((data) => {
              data.applyFoldedBatch({
                deltas: [delta],
                writer: writerB,
                writerIds: [stream],
                logTimeMs: t0 + at,
                constants,
              })
              expect(bytes.length).toBeGreaterThan(0)
            })
          } else {
            const operation: DataOperation = random.chance(0.5)
              ? {
                  kind: 'map-set',
                  collection: carts,
                  key: `k${random.nextInt(5)}`,
                  value: random.nextInt(100),
                }
              : {
                  kind: 'set-delete',
                  collection: { kind: 'set', name: 'tags' },
                  element: `t${random.nextInt(5)}`,
                }
            const wallMs = t0 + random.between(-200_000, 200_000)
            steps.push((data) => {
              strong(data, writerA, at, [operation], wallMs)
            })
          }
        }
        const run = () => {
          sequences = new Map()
          const data = layer()
          for (const step of steps) step(data)
          return data
        }
        const one = run()
        const two = run()
        expect(one.replica.encodeState()).toEqual(two.replica.encodeState())
        expect(one.strongClock.latest).toEqual(two.strongClock.latest)
      }),
      { seed: 29, numRuns: 100 },
    )
  })
})
