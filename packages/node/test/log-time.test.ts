import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { memberId } from '../src/core/ids.js'
import { LogTime } from '../src/core/log-time.js'

const peer = (i: number) => `12D3KooWPeer${'A'.repeat(40)}${'BCDEFGHJK'[i]}`
const voters = [0, 1, 2, 3, 4].map((i) => memberId(peer(i), `${i}`.repeat(16)))
const dayMs = 86_400_000

describe('LogTime', () => {
  it('takes the ⌈n/2⌉-th smallest reading, a voter without one counting as 0', () => {
    const time = new LogTime()
    time.setVoters(voters.slice(0, 3))
    expect(time.applyClock(voters[0]!, 1_000)).toBe('applied')
    expect(time.nowMs).toBe(0) // two voters still read 0
    time.applyClock(voters[1]!, 2_000)
    expect(time.nowMs).toBe(1_000) // sorted [0, 1000, 2000]: the 2nd smallest
    time.applyClock(voters[2]!, 1_500)
    expect(time.nowMs).toBe(1_500)
  })

  it('ignores non-voters and stale readings, and never moves back', () => {
    const time = new LogTime()
    time.setVoters(voters.slice(0, 3))
    for (const voter of voters.slice(0, 3)) time.applyClock(voter, 10_000)
    expect(time.applyClock(voters[4]!, 99_999_999)).toBe('not-a-voter')
    expect(time.applyClock(voters[0]!, 9_000)).toBe('stale')
    expect(time.nowMs).toBe(10_000)
    // A new voter without a reading cannot pull t back.
    time.setVoters(voters.slice(0, 5))
    expect(time.nowMs).toBe(10_000)
  })

  it('a minority of voters a day ahead or behind cannot move t outside the honest readings (seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), (seed, n) => {
        const random = new SeededRandom(seed)
        const set = voters.slice(0, n)
        const wrongCount = Math.floor((n - 1) / 2) // a strict minority
        const wrong = new Set(random.shuffled(set).slice(0, wrongCount))
        const time = new LogTime()
        time.setVoters(set)
        let honestMax = 0
        let honestMin = Number.MAX_SAFE_INTEGER
        const base = 1_700_000_000_000
        for (let round = 0; round < 20; round++) {
          for (const voter of random.shuffled(set)) {
            const honest = base + round * 1_000 + random.nextInt(50)
            const reading = wrong.has(voter) ? honest + (random.chance(0.5) ? dayMs : -dayMs) : honest
            time.applyClock(voter, Math.max(0, reading))
            if (!wrong.has(voter)) honestMax = Math.max(honestMax, honest)
          }
        }
        for (const voter of set)
          if (!wrong.has(voter)) honestMin = Math.min(honestMin, time.readings().get(voter)!)
        expect(time.nowMs).toBeLessThanOrEqual(honestMax)
        expect(time.nowMs).toBeGreaterThanOrEqual(honestMin)
      }),
      { seed: 42, numRuns: 300 },
    )
  })
})
