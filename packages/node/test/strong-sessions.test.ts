import { InvariantError, SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StrongSessions } from '../src/core/strong-sessions.js'
import { incarnation, key } from './fixtures.js'

const a = key('a')
const first = incarnation('1')
const second = incarnation('2')

describe('StrongSessions', () => {
  it('applies a batch once: a re-forward gets the same results', () => {
    const sessions = new StrongSessions<string>({ resultsPerSessionMax: 100 })
    sessions.open(a, first)
    const header = { key: a, incarnation: first, sequence: 1, floor: 1 }
    expect(sessions.admit(header)).toEqual({ kind: 'new' })
    sessions.record(header, ['ok'])
    expect(sessions.admit(header)).toEqual({ kind: 'duplicate', results: ['ok'] })
    expect(sessions.outcome(a, first, 1)).toEqual({ kind: 'applied', results: ['ok'] })
    expect(sessions.outcome(a, first, 2)).toEqual({ kind: 'not-seen' })
  })

  it('refuses every incarnation but the current one, and open makes old outcomes unknown-expired', () => {
    const sessions = new StrongSessions<string>({ resultsPerSessionMax: 100 })
    expect(sessions.admit({ key: a, incarnation: first, sequence: 1, floor: 1 })).toEqual({
      kind: 'stale-incarnation',
    })
    sessions.open(a, first)
    const header = { key: a, incarnation: first, sequence: 1, floor: 1 }
    sessions.admit(header)
    sessions.record(header, ['x'])
    sessions.open(a, second)
    expect(sessions.admit(header)).toEqual({ kind: 'stale-incarnation' })
    expect(sessions.outcome(a, first, 1)).toEqual({ kind: 'unknown-expired' })
  })

  it('drops results below the floor and skips late re-forwards below it', () => {
    const sessions = new StrongSessions<string>({ resultsPerSessionMax: 100 })
    sessions.open(a, first)
    for (let sequence = 1; sequence <= 3; sequence++) {
      const header = { key: a, incarnation: first, sequence, floor: 1 }
      sessions.admit(header)
      sessions.record(header, [`r${sequence}`])
    }
    const header = { key: a, incarnation: first, sequence: 4, floor: 3 }
    expect(sessions.admit(header)).toEqual({ kind: 'new' })
    sessions.record(header, ['r4'])
    expect(sessions.outcome(a, first, 1)).toEqual({ kind: 'unknown-expired' })
    expect(sessions.admit({ key: a, incarnation: first, sequence: 2, floor: 1 })).toEqual({ kind: 'expired' })
    expect(sessions.admit({ key: a, incarnation: first, sequence: 3, floor: 1 })).toEqual({
      kind: 'duplicate',
      results: ['r3'],
    })
  })

  it('refuses a batch beyond floor + window instead of forgetting results', () => {
    const sessions = new StrongSessions<string>({ resultsPerSessionMax: 2 })
    sessions.open(a, first)
    expect(sessions.admit({ key: a, incarnation: first, sequence: 3, floor: 1 })).toEqual({
      kind: 'beyond-window',
    })
    expect(sessions.admit({ key: a, incarnation: first, sequence: 2, floor: 1 })).toEqual({ kind: 'new' })
    // The proposer delivered 1 and 2: the window moves with its floor.
    expect(sessions.admit({ key: a, incarnation: first, sequence: 4, floor: 3 })).toEqual({ kind: 'new' })
  })

  it('applies each sequence at most once and never skips an unapplied one as expired (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const sessions = new StrongSessions<number>({ resultsPerSessionMax: 1 + random.nextInt(8) })
        sessions.open(a, first)
        const count = 1 + random.nextInt(30)
        // The proposer's floor only rises as it delivers results; each batch may commit 1–3 times,
        // in any order a re-forwarding leader can produce.
        const committed: { sequence: number; floor: number }[] = []
        for (let sequence = 1; sequence <= count; sequence++) {
          const copies = 1 + random.nextInt(3)
          for (let copy = 0; copy < copies; copy++) committed.push({ sequence, floor: 1 })
        }
        const order = random.shuffled(committed)
        const appliedTimes = new Map<number, number>()
        for (const { sequence } of order) {
          const header = { key: a, incarnation: first, sequence, floor: 1 }
          const admission = sessions.admit(header)
          if (admission.kind === 'new') {
            appliedTimes.set(sequence, (appliedTimes.get(sequence) ?? 0) + 1)
            sessions.record(header, [sequence])
          }
          // With the floor at 1, nothing can be expired: a skip means a write silently lost.
          expect(admission.kind).not.toBe('expired')
          if (admission.kind === 'duplicate') expect(appliedTimes.get(sequence)).toBe(1)
        }
        for (const times of appliedTimes.values()) expect(times).toBe(1)
      }),
      { seed: 7, numRuns: 300 },
    )
  })

  it('asserts that only admitted batches are recorded', () => {
    const sessions = new StrongSessions<string>({ resultsPerSessionMax: 4 })
    expect(() => sessions.record({ key: a, incarnation: first, sequence: 1, floor: 1 }, [])).toThrow(
      InvariantError,
    )
  })
})
