import type { Progress } from './progress.js'
import { jointCommittedIndex, jointVoteResult, VoteResult } from './quorum.js'
import type { ConfState, NodeId } from './types.js'

/** The membership as the tracker holds it (sets, for quick lookups). */
export interface TrackerConfig {
  /** The incoming voters (C_new), or simply the voters when not joint. */
  readonly voters: ReadonlySet<NodeId>
  /** The outgoing voters (C_old) of a joint configuration; empty when not joint. */
  readonly votersOutgoing: ReadonlySet<NodeId>
  readonly learners: ReadonlySet<NodeId>
  /** Outgoing voters that become learners when the joint configuration is left. */
  readonly learnersNext: ReadonlySet<NodeId>
  readonly autoLeave: boolean
}

export const EMPTY_TRACKER_CONFIG: TrackerConfig = {
  voters: new Set(),
  votersOutgoing: new Set(),
  learners: new Set(),
  learnersNext: new Set(),
  autoLeave: false,
}

function sorted(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Turns a tracker configuration into the persisted {@link ConfState} shape (sorted ids). */
export function confStateOf(config: TrackerConfig): ConfState {
  return {
    voters: sorted(config.voters),
    learners: sorted(config.learners),
    votersOutgoing: sorted(config.votersOutgoing),
    learnersNext: sorted(config.learnersNext),
    autoLeave: config.autoLeave,
  }
}

/** Whether two configurations have the same members in the same roles. */
export function confStatesEqual(a: ConfState, b: ConfState): boolean {
  const same = (x: readonly NodeId[], y: readonly NodeId[]) =>
    x.length === y.length && sorted(x).every((id, i) => id === sorted(y)[i])
  return (
    same(a.voters, b.voters) &&
    same(a.learners, b.learners) &&
    same(a.votersOutgoing, b.votersOutgoing) &&
    same(a.learnersNext, b.learnersNext) &&
    a.autoLeave === b.autoLeave
  )
}

/**
 * The leader's bookkeeping (etcd's tracker.ProgressTracker): the configuration, one
 * {@link Progress} per member, and the votes of the election in progress.
 */
export class ProgressTracker {
  config: TrackerConfig = EMPTY_TRACKER_CONFIG
  progress: Map<NodeId, Progress> = new Map()
  readonly votes: Map<NodeId, boolean> = new Map()
  readonly inflightAppendsMax: number
  /** Member ids in sorted order, so that every visit (and so every message order) is deterministic. */
  #sortedIds: NodeId[] = []

  constructor(inflightAppendsMax: number) {
    this.inflightAppendsMax = inflightAppendsMax
  }

  /** Installs a configuration and its progress map (built by the changer). */
  setConfig(config: TrackerConfig, progress: Map<NodeId, Progress>): void {
    this.config = config
    this.progress = progress
    this.#sortedIds = sorted(progress.keys())
  }

  confState(): ConfState {
    return confStateOf(this.config)
  }

  isJoint(): boolean {
    return this.config.votersOutgoing.size > 0
  }

  /** Whether this is a one-voter configuration (the leader alone decides). */
  isSingleton(): boolean {
    return this.config.voters.size === 1 && this.config.votersOutgoing.size === 0
  }

  isVoter(id: NodeId): boolean {
    return this.config.voters.has(id) || this.config.votersOutgoing.has(id)
  }

  /** The highest index replicated on a quorum (of both halves when joint). */
  committed(): number {
    const progress = this.progress
    return jointCommittedIndex(
      this.config.voters,
      this.config.votersOutgoing,
      (id) => progress.get(id)?.match,
    )
  }

  /** Calls `visitor` for every member in id order. */
  visit(visitor: (id: NodeId, progress: Progress) => void): void {
    for (const id of this.#sortedIds) {
      const progress = this.progress.get(id)
      if (progress !== undefined) visitor(id, progress)
    }
  }

  /** Member ids in sorted order. */
  ids(): readonly NodeId[] {
    return this.#sortedIds
  }

  /** Voter ids (incoming and outgoing) in sorted order. */
  voterIds(): NodeId[] {
    return this.#sortedIds.filter((id) => this.isVoter(id))
  }

  /** Whether a quorum of voters was heard from recently (CheckQuorum). */
  quorumActive(): boolean {
    const active = new Map<NodeId, boolean>()
    this.visit((id, progress) => {
      if (!progress.isLearner) active.set(id, progress.recentActive)
    })
    return jointVoteResult(this.config.voters, this.config.votersOutgoing, active) === VoteResult.Won
  }

  resetVotes(): void {
    this.votes.clear()
  }

  /** Records a vote; a voter's first answer in an election is the one that counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted)
  }

  /** Counts the votes of the election in progress. */
  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0
    let rejected = 0
    for (const id of this.#sortedIds) {
      if (!this.isVoter(id)) continue
      const vote = this.votes.get(id)
      if (vote === undefined) continue
      if (vote) granted++
      else rejected++
    }
    const result = jointVoteResult(this.config.voters, this.config.votersOutgoing, this.votes)
    return { granted, rejected, result }
  }
}
