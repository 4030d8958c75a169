/**
 * The apply-time veto on Raft membership changes, wired to C's public layer (design.md, "Joining":
 * "Apply refuses an AddLearner that would demote a voter"; raft README, `vetoConfChange`). It runs on
 * every node at the change's index, after every entry before it applied, so it judges identically
 * everywhere:
 *
 * - an AddLearner of a current voter is refused (it would demote it);
 * - once C has members, adding a node (voter or learner) that C's public layer does not hold as a
 *   member is refused: admission follows the AddLearner control entry, never the other way round.
 *   Before C's `init` applies there is nothing to match (the founding configuration itself).
 */
import type { ConfChange, ConfChangeAt } from '@tandem/raft'
import { ConfChangeType } from '@tandem/raft'
import type { MemberId } from '../core/ids.js'
import type { PublicLayer } from '../core/public-layer.js'

/** Why C refuses `change` at `at`, or `null`. */
export function confChangeVeto(
  publicLayer: PublicLayer,
  change: ConfChange,
  at: ConfChangeAt,
): string | null {
  const hasMembers = publicLayer.membership.members().length > 0
  for (const single of change.changes) {
    if (single.type === ConfChangeType.AddLearner && at.confState.voters.includes(single.nodeId))
      return 'an AddLearner never demotes a voter'
    if (
      hasMembers &&
      single.type !== ConfChangeType.RemoveNode &&
      publicLayer.membership.member(single.nodeId as MemberId) === undefined
    )
      return 'not a member of the public layer'
  }
  return null
}
