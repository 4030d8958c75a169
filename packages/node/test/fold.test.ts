import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type FoldBatch, type FoldChecks, StreamHighWaters } from '../src/core/fold.js'
import { stream } from './fixtures.js'

const s = stream('a', '1')
const batches = (from: number, to: number, epoch = 1): FoldBatch[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ sequence: from + i, epoch }))
const passAll: FoldChecks<FoldBatch> = { knowsEpoch: () => true, invalidReason: () => null }

describe('StreamHighWaters.applyRun', () => {
  it('advances h over a run that starts at h + 1 and skips what it already folded', () => {
    const h = new StreamHighWaters()
    expect(h.applyRun({ stream: s, batches: batches(1, 3) }, passAll)).toMatchObject({
      highWater: 3,
      skipped: 0,
    })
    const again = h.applyRun({ stream: s, batches: batches(2, 5) }, passAll)
    expect(again).toMatchObject({ highWater: 5, skipped: 2, ignored: false })
    expect(again.applied.map((batch) => batch.sequence)).toEqual([4, 5])
  })

  it('ignores a run that does not start at h + 1', () => {
    const h = new StreamHighWaters()
    const outcome = h.applyRun({ stream: s, batches: batches(2, 4) }, passAll)
    expect(outcome).toMatchObject({ ignored: true, highWater: 0, applied: [] })
    expect(h.highWater(s)).toBe(0)
  })

  it('stops at an unknown epoch or an unverified batch, h at the last batch applied', () => {
    const h = new StreamHighWaters()
    const run = { stream: s, batches: [...batches(1, 2, 1), ...batches(3, 4, 2)] }
    expect(h.applyRun(run, { knowsEpoch: (epoch) => epoch === 1, invalidReason: () => null })).toMatchObject({
      stoppedBy: 'unknown-epoch',
      highWater: 2,
    })
    const bad = h.applyRun(run, {
      knowsEpoch: () => true,
      invalidReason: (_, batch) => (batch.sequence === 4 ? 'bad signature' : null),
    })
    expect(bad).toMatchObject({ stoppedBy: 'unverified', highWater: 3 })
  })

  it('folds every batch exactly once whatever runs the leaders propose (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const h = new StreamHighWaters()
        const total = 1 + random.nextInt(40)
        const folded: number[] = []
        for (let round = 0; round < 60; round++) {
          const from = 1 + random.nextInt(total)
          const to = Math.min(total, from + random.nextInt(6))
          for (const batch of h.applyRun({ stream: s, batches: batches(from, to) }, passAll).applied)
            folded.push(batch.sequence)
        }
        expect(folded).toEqual(Array.from({ length: h.highWater(s) }, (_, i) => i + 1))
      }),
      { seed: 3, numRuns: 300 },
    )
  })
})
