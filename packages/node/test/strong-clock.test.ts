import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clampStamp, compareStampTimes, type StampTime, StrongClock } from '../src/core/strong-clock.js'

const driftMaxMs = 60_000

describe('stamps at apply', () => {
  it('a strong write takes its proposer stamp when that is ahead of every earlier effect', () => {
    const clock = new StrongClock()
    expect(clock.stampStrongWrite({ wallMs: 1_000, logical: 0 }, 1_000, driftMaxMs)).toEqual({
      wallMs: 1_000,
      logical: 0,
    })
  })

  it('a proposer a day ahead is capped at t + driftMax; one behind is lifted above strongClock', () => {
    const clock = new StrongClock()
    const t = 1_700_000_000_000
    expect(clock.stampStrongWrite({ wallMs: t + 86_400_000, logical: 5 }, t, driftMaxMs)).toEqual({
      wallMs: t + driftMaxMs,
      logical: 5,
    })
    expect(clock.stampStrongWrite({ wallMs: t - 86_400_000, logical: 0 }, t, driftMaxMs)).toEqual({
      wallMs: t + driftMaxMs,
      logical: 6,
    })
  })

  it('clamps folded stamps above t + driftMax and keeps the others', () => {
    expect(clampStamp({ wallMs: 200_000, logical: 3 }, 100_000, driftMaxMs)).toEqual({
      wallMs: 160_000,
      logical: 3,
    })
    expect(clampStamp({ wallMs: 150_000, logical: 3 }, 100_000, driftMaxMs)).toEqual({
      wallMs: 150_000,
      logical: 3,
    })
  })

  it('every strong write supersedes everything that took effect before it (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const random = new SeededRandom(seed)
        const clock = new StrongClock()
        let t = 1_000_000
        let greatest: StampTime = { wallMs: 0, logical: 0 }
        for (let step = 0; step < 100; step++) {
          t += random.nextInt(2_000)
          const stamp = { wallMs: t + random.between(-200_000, 200_000), logical: random.nextInt(10) }
          if (random.chance(0.5)) {
            const applied = clock.stampStrongWrite(stamp, t, driftMaxMs)
            expect(compareStampTimes(applied, greatest)).toBeGreaterThan(0)
            expect(applied.wallMs).toBeLessThanOrEqual(Math.max(t + driftMaxMs, greatest.wallMs))
            greatest = applied
          } else {
            const folded = clampStamp(stamp, t, driftMaxMs)
            expect(folded.wallMs).toBeLessThanOrEqual(t + driftMaxMs)
            clock.observeFolded(folded)
            if (compareStampTimes(folded, greatest) > 0) greatest = folded
          }
          expect(clock.latest).toEqual(greatest)
        }
      }),
      { seed: 11, numRuns: 300 },
    )
  })
})
