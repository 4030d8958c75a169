/**
 * The strong side of dot rollovers (design.md, "Identities"): strong writes are stamped under the
 * CRDT id `log.⌊k/2^31⌋`, k counting strong operations, so C's dense counter never overflows a dot.
 * The seam: `DataLayer.restoreCounters` (what a snapshot restore sets) puts k just below 2^31.
 */
import { describe, expect, it } from 'vitest'
import { defaultClusterConstants } from '../src/core/control.js'
import { DataLayer } from '../src/core/data-layer.js'
import { strongCrdtId } from '../src/core/ids.js'
import { incarnation, key } from './fixtures.js'

const t0 = 1_700_000_000_000
const writer = key('a')
const map = { kind: 'map', name: 'm' } as const

describe('strong CRDT ids across k = 2^31', () => {
  it('strongCrdtId switches from log.0 to log.1 at k = 2^31', () => {
    expect(strongCrdtId(0)).toBe('log.0')
    expect(strongCrdtId(2 ** 31 - 1)).toBe('log.0')
    expect(strongCrdtId(2 ** 31)).toBe('log.1')
    expect(strongCrdtId(2 ** 32 + 5)).toBe('log.2')
  })

  it('the data layer stamps operation 2^31 − 1 under log.0 at dot 2^31 and the next under log.1 at dot 1; the later write wins', () => {
    const data = new DataLayer(defaultClusterConstants)
    data.sessions.open(writer, incarnation('1'))
    data.restoreCounters({ strongCount: 2 ** 31 - 1, strongClock: { wallMs: t0, logical: 0 } })
    const results = data.applyStrongBatch({
      index: 10,
      ordinalStart: 0,
      header: { key: writer, incarnation: incarnation('1'), sequence: 1, floor: 1 },
      payload: {
        stamp: { wallMs: t0, logical: 0 },
        operations: [
          { operation: { kind: 'map-set', collection: map, key: 'k', value: 'before' } },
          { operation: { kind: 'map-set', collection: map, key: 'k', value: 'after' } },
          { operation: { kind: 'map-set', collection: map, key: 'j', value: 'after' } },
        ],
      },
      logTimeMs: t0,
      constants: defaultClusterConstants,
    })
    expect(results.every((result) => result.applied)).toBe(true)
    expect(data.strongCount).toBe(2 ** 31 + 2)
    expect(data.mapValue('m', 'k')).toBe('after')
    const state = data.replica.state()
    const dotsOf = (id: string) => state.ranges[state.nodes.indexOf(id)]
    expect(dotsOf('log.0')).toEqual([2 ** 31, 2 ** 31])
    expect(dotsOf('log.1')).toEqual([1, 2])
    const entries = state.collections.flatMap((collection) => collection.entries)
    const entry = (name: string) => entries.find((candidate) => candidate.key === name)
    expect(state.nodes[entry('k')?.node as number]).toBe('log.1')
    expect(entry('k')?.seq).toBe(1)
    expect(entry('j')?.seq).toBe(2)
  })
})
