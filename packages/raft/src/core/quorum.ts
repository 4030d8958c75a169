import type { NodeId } from './types.js'

/**
 * Quorum arithmetic: which index a configuration has committed and how an election stands.
 * A majority configuration is a set of voters; a joint configuration is two of them (incoming
 * C_new and outgoing C_old), and a decision in it needs a majority of each (thesis §4.3).
 */

/** The outcome of counting votes. */
export const VoteResult = {
  /** Not decided yet: enough votes are missing to go either way. */
  Pending: 0,
  Lost: 1,
  Won: 2,
} as const
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult]

/** What an empty configuration "commits": anything (it imposes no constraint in a joint config). */
export const UNBOUNDED_INDEX = Number.MAX_SAFE_INTEGER

/** Looks up the index a voter has acknowledged, or `undefined` when unknown. */
export type AckedIndexer = (id: NodeId) => number | undefined

const scratch: number[] = []

/**
 * The highest index acknowledged by a majority of `voters`: the median, rounding towards the
 * smaller half. Unknown voters count as 0.
 */
export function majorityCommittedIndex(voters: ReadonlySet<NodeId>, acked: AckedIndexer): number {
  const count = voters.size
  if (count === 0) return UNBOUNDED_INDEX
  if (count === 1) {
    for (const id of voters) return acked(id) ?? 0
  }
  scratch.length = 0
  for (const id of voters) scratch.push(acked(id) ?? 0)
  // Insertion sort: voter sets are small, and this avoids the comparator allocation of sort().
  for (let i = 1; i < count; i++) {
    const value = scratch[i] as number
    let j = i - 1
    while (j >= 0 && (scratch[j] as number) > value) {
      scratch[j + 1] = scratch[j] as number
      j--
    }
    scratch[j + 1] = value
  }
  // With ascending order, the value at count - quorum is held by at least a quorum of voters.
  return scratch[count - (Math.floor(count / 2) + 1)] as number
}

/** How an election stands in `voters` given the `votes` received (true = granted). */
export function majorityVoteResult(
  voters: ReadonlySet<NodeId>,
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  const count = voters.size
  if (count === 0) return VoteResult.Won
  let granted = 0
  let missing = 0
  for (const id of voters) {
    const vote = votes.get(id)
    if (vote === undefined) missing++
    else if (vote) granted++
  }
  const quorum = Math.floor(count / 2) + 1
  if (granted >= quorum) return VoteResult.Won
  if (granted + missing >= quorum) return VoteResult.Pending
  return VoteResult.Lost
}

/** The committed index of a joint configuration: the smaller of its two majorities'. */
export function jointCommittedIndex(
  incoming: ReadonlySet<NodeId>,
  outgoing: ReadonlySet<NodeId>,
  acked: AckedIndexer,
): number {
  const a = majorityCommittedIndex(incoming, acked)
  const b = majorityCommittedIndex(outgoing, acked)
  return Math.min(a, b)
}

/** The election result of a joint configuration: won only if won in both halves. */
export function jointVoteResult(
  incoming: ReadonlySet<NodeId>,
  outgoing: ReadonlySet<NodeId>,
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  const a = majorityVoteResult(incoming, votes)
  const b = majorityVoteResult(outgoing, votes)
  if (a === b) return a
  if (a === VoteResult.Lost || b === VoteResult.Lost) return VoteResult.Lost
  return VoteResult.Pending
}
