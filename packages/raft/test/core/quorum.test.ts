import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  jointCommittedIndex,
  jointVoteResult,
  majorityCommittedIndex,
  majorityVoteResult,
  UNBOUNDED_INDEX,
  VoteResult,
} from '../../src/core/quorum.js'

// The quorum code is checked against deliberately naive oracles (in the spirit of etcd's
// quorum/quick_test.go): obviously-correct definitions, no cleverness, no sorting tricks.

/** The largest index that a majority of voters has acknowledged: try every candidate. */
function naiveCommitted(voters: readonly string[], acked: ReadonlyMap<string, number>): number {
  if (voters.length === 0) return UNBOUNDED_INDEX
  let best = 0
  const candidates = new Set([0, ...voters.map((id) => acked.get(id) ?? 0)])
  for (const candidate of candidates) {
    const holders = voters.filter((id) => (acked.get(id) ?? 0) >= candidate).length
    if (holders * 2 > voters.length && candidate > best) best = candidate
  }
  return best
}

/** Won if a majority granted; lost if a majority can no longer grant; pending otherwise. */
function naiveVote(voters: readonly string[], votes: ReadonlyMap<string, boolean>): VoteResult {
  if (voters.length === 0) return VoteResult.Won
  const granted = voters.filter((id) => votes.get(id) === true).length
  const couldGrant = voters.filter((id) => votes.get(id) !== false).length
  if (granted * 2 > voters.length) return VoteResult.Won
  if (couldGrant * 2 > voters.length) return VoteResult.Pending
  return VoteResult.Lost
}

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
const voterSet = fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 7 })
const ackedMap = fc
  .array(fc.tuple(fc.constantFrom(...ids), fc.integer({ min: 0, max: 20 })), { maxLength: 10 })
  .map((pairs) => new Map(pairs))
const voteMap = fc
  .array(fc.tuple(fc.constantFrom(...ids), fc.boolean()), { maxLength: 10 })
  .map((pairs) => new Map(pairs))

describe('quorum (thesis §4.3: majorities and joint majorities)', () => {
  it('majority committed index equals the naive definition', () => {
    fc.assert(
      fc.property(voterSet, ackedMap, (voters, acked) => {
        expect(majorityCommittedIndex(new Set(voters), (id) => acked.get(id))).toBe(
          naiveCommitted(voters, acked),
        )
      }),
      { numRuns: 2000 },
    )
  })

  it('joint committed index is what both majorities have (the minimum)', () => {
    fc.assert(
      fc.property(voterSet, voterSet, ackedMap, (incoming, outgoing, acked) => {
        const expected = Math.min(naiveCommitted(incoming, acked), naiveCommitted(outgoing, acked))
        expect(jointCommittedIndex(new Set(incoming), new Set(outgoing), (id) => acked.get(id))).toBe(
          expected,
        )
      }),
      { numRuns: 2000 },
    )
  })

  it('majority vote result equals the naive definition', () => {
    fc.assert(
      fc.property(voterSet, voteMap, (voters, votes) => {
        expect(majorityVoteResult(new Set(voters), votes)).toBe(naiveVote(voters, votes))
      }),
      { numRuns: 2000 },
    )
  })

  it('joint vote is won only if won in both halves and lost if lost in either', () => {
    fc.assert(
      fc.property(voterSet, voterSet, voteMap, (incoming, outgoing, votes) => {
        const a = naiveVote(incoming, votes)
        const b = naiveVote(outgoing, votes)
        const expected =
          a === VoteResult.Won && b === VoteResult.Won
            ? VoteResult.Won
            : a === VoteResult.Lost || b === VoteResult.Lost
              ? VoteResult.Lost
              : VoteResult.Pending
        expect(jointVoteResult(new Set(incoming), new Set(outgoing), votes)).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('a joint configuration with an empty outgoing half behaves like its incoming majority', () => {
    fc.assert(
      fc.property(
        voterSet.filter((v) => v.length > 0),
        ackedMap,
        voteMap,
        (voters, acked, votes) => {
          const set = new Set(voters)
          expect(jointCommittedIndex(set, new Set(), (id) => acked.get(id))).toBe(
            majorityCommittedIndex(set, (id) => acked.get(id)),
          )
          expect(jointVoteResult(set, new Set(), votes)).toBe(majorityVoteResult(set, votes))
        },
      ),
    )
  })

  it('spot checks', () => {
    const acked = new Map([
      ['a', 5],
      ['b', 3],
      ['c', 9],
    ])
    expect(majorityCommittedIndex(new Set(['a', 'b', 'c']), (id) => acked.get(id))).toBe(5)
    expect(majorityCommittedIndex(new Set(['a', 'b', 'c', 'd']), (id) => acked.get(id))).toBe(3)
    expect(majorityCommittedIndex(new Set(), () => 0)).toBe(UNBOUNDED_INDEX)
    expect(majorityVoteResult(new Set(['a', 'b']), new Map([['a', true]]))).toBe(VoteResult.Pending)
    expect(majorityVoteResult(new Set(['a', 'b']), new Map([['a', false]]))).toBe(VoteResult.Lost)
  })
})
