/**
 * The operator's cluster operations on one node (design.md, "Identities", "Leaving and revocation",
 * "Joining"): etcd's `member add` model. Every membership change goes through C first — the control
 * entry that admits, promotes or removes the member — and only then through Raft's configuration,
 * so the conf-change veto (`conf-veto.ts`) always finds the member C admitted; a Raft change whose
 * control entry was refused is never proposed. Each step is idempotent, so an operator retries a
 * change that failed half way (C applied, Raft's change did not) by running it again.
 */
import type { ConfState, PeerProgress, ProposalOutcome, RaftNode } from '@tandem/raft'
import { Role } from '@tandem/raft'
import type { CommittedState } from '../core/committed-state.js'
import type { ControlOperation } from '../core/control.js'
import { type MemberId, parseStreamId, type StreamId, type WriterKey } from '../core/ids.js'
import type { AppliedEntry } from '../core/log-applier.js'
import { writerKeyOfMember } from '../core/membership.js'
import { LearnerNotReadyError, MembershipChangeRefusedError } from '../errors.js'

/** The RaftNode calls the cluster operations make. */
export type ClusterRaft = Pick<
  RaftNode<AppliedEntry>,
  'addLearner' | 'promote' | 'removeMember' | 'transferLeadership' | 'status'
>

/** Positions of a key's streams as some member holds them: `[stream, highest contiguous sequence]`. */
export type StreamPositions = readonly (readonly [StreamId, number])[]

/** What {@link ClusterOperations} needs of its node. */
export interface ClusterHost {
  readonly member: MemberId
  readonly key: WriterKey
  /** C in force (a restored snapshot replaces it). */
  committed(): CommittedState
  /** The index C's data layer applied through; `null` on a keyless node. */
  dataAppliedIndex(): number | null
  raft(): ClusterRaft
  /** Signs a control operation and proposes it; resolves once its entry applied here. */
  proposeControl(operation: ControlOperation): Promise<ProposalOutcome<AppliedEntry>>
  /** The positions this node holds of `key`'s streams (its pending batches). */
  localPositions(key: WriterKey): StreamPositions
  /** Own batches not yet folded (above their stream's h). */
  ownUnfoldedBatches(): number
  /** The monotonic clock, in ms. */
  nowMs(): number
  sleep(ms: number): Promise<void>
  /** The fail-fast bound: `leave` waits at most this long for its batches to fold. */
  readonly noQuorumTimeoutMs: number
  /**
   * Asks connected members for their positions of `key`'s streams (design.md: a removal records
   * the maximum as each stream's cutoff). The Node wiring asks over the transport; absent, only
   * this node's own positions count, and a stream nobody lists is cut at its h.
   */
  readonly positionsOf?: ((key: WriterKey) => Promise<StreamPositions>) | undefined
}

/** One member as {@link ClusterOperations.status} reports it. */
export interface ClusterMemberStatus {
  readonly id: MemberId
  readonly key: WriterKey
  readonly keyed: boolean
  /** Its role in C's public layer. */
  readonly role: 'voter' | 'learner'
  /** `role === 'voter'`. */
  readonly voter: boolean
  /** Whether Raft's configuration holds it (false while an admission is half done). */
  readonly inRaftConfiguration: boolean
  /** Its replication match index, as the leader sees it; `null` unless this node leads. */
  readonly match: number | null
  /** Entries it is behind the leader's last index; `null` unless this node leads. */
  readonly lag: number | null
}

/** A node's view of the cluster. */
export interface ClusterStatus {
  readonly member: MemberId
  readonly leader: MemberId | null
  readonly leading: boolean
  readonly term: number
  readonly commitIndex: number
  /** The index C's public layer applied through. */
  readonly appliedIndex: number
  /** The index C's data layer applied through; `null` on a keyless node. */
  readonly dataAppliedIndex: number | null
  readonly members: readonly ClusterMemberStatus[]
}

/** Options of {@link ClusterOperations.addLearner}. */
export interface AddLearnerOptions {
  /** Whether the member holds epoch keys (is granted every epoch and opens data). */
  readonly keyed: boolean
  /** Its writer key; by default the key its Ed25519 peer id embeds. */
  readonly key?: WriterKey
}

/** Options of {@link ClusterOperations.promote}. */
export interface PromoteOptions {
  /**
   * How long the leader waits for the learner to reach the commit index it had when asked, before
   * refusing with {@link LearnerNotReadyError} (default 10 s; 0 refuses at once).
   */
  readonly catchUpTimeoutMs?: number
}

/** The default of {@link PromoteOptions.catchUpTimeoutMs}. */
export const DEFAULT_PROMOTE_CATCH_UP_MS = 10_000

/** What `leave` did. */
export interface LeaveOutcome {
  /** Whether every own batch was folded before the removal was proposed (else the bound passed). */
  readonly folded: boolean
}

/**
 * The cluster operations of one node.
 *
 * @example
 * ```ts
 * await core.cluster.addLearner(joinerId, { keyed: true }) // then the joiner starts and catches up
 * await core.cluster.promote(joinerId)
 * core.cluster.status().members // [{ id, role: 'voter', keyed: true, lag: 0, … }, …]
 * ```
 */
export class ClusterOperations {
  readonly #host: ClusterHost

  constructor(host: ClusterHost) {
    this.#host = host
  }

  /**
   * Admits `member` as a learner: C's `add-learner` first (refused: {@link MembershipChangeRefusedError}),
   * then Raft's AddLearner. The joiner then starts with an empty Raft configuration and is brought
   * in by the leader; a keyed one is granted every epoch by a keyed holder.
   */
  async addLearner(member: MemberId, options: AddLearnerOptions): Promise<ConfState> {
    const key = options.key ?? writerKeyOfMember(member)
    if (key === null) throw new RangeError('addLearner: the member id names no Ed25519 peer id; give its key')
    await this.#applied({ kind: 'add-learner', member, key, keyed: options.keyed })
    return this.#host.raft().addLearner(member)
  }

  /**
   * Makes a learner a voter: C's `promote`, then Raft's AddVoter — once the learner caught up. On
   * the leader it first waits until the learner's match reaches the commit index of the moment it was
   * asked (a voter that is still catching up raises the quorum without helping to form it: with a
   * voter down, a lagging new one stalls every commit); past `catchUpTimeoutMs` it refuses with
   * {@link LearnerNotReadyError} and proposes nothing. Only the leader sees replication progress, so
   * on a follower the promotion is proposed as asked.
   */
  async promote(member: MemberId, options: PromoteOptions = {}): Promise<ConfState> {
    await this.#caughtUp(member, options.catchUpTimeoutMs ?? DEFAULT_PROMOTE_CATCH_UP_MS)
    await this.#applied({ kind: 'promote', member })
    return this.#host.raft().promote(member)
  }

  /**
   * Removes `member` without waiting: C's `remove` with the cutoffs of its key's streams (the
   * greatest position this node or any member `positionsOf` asked holds), then Raft's removal.
   */
  async remove(member: MemberId): Promise<ConfState> {
    const record = this.#host.committed().public.membership.member(member)
    if (record !== undefined) {
      const cutoffs = await this.#cutoffsOf(record.key)
      await this.#applied({ kind: 'remove', member, cutoffs })
    }
    return this.#host.raft().removeMember(member)
  }

  /** Hands leadership to `member`; resolves once this node sees it lead. */
  transferLeadership(member: MemberId): Promise<void> {
    return this.#host.raft().transferLeadership(member)
  }

  /**
   * Leaves the cluster: waits, at most the NoQuorum bound, until every own batch is folded, then
   * proposes this node's removal.
   */
  async leave(): Promise<LeaveOutcome> {
    const host = this.#host
    const deadlineMs = host.nowMs() + host.noQuorumTimeoutMs
    while (host.ownUnfoldedBatches() > 0 && host.nowMs() < deadlineMs) await host.sleep(50)
    const folded = host.ownUnfoldedBatches() === 0
    await this.remove(host.member)
    return { folded }
  }

  /** Members with their roles, this node's Raft indexes, and (when leading) each member's lag. */
  status(): ClusterStatus {
    const host = this.#host
    const committed = host.committed()
    const raft = host.raft().status()
    const leading = raft.role === Role.Leader
    const progress = new Map<string, PeerProgress>(raft.progress.map((peer) => [peer.id, peer]))
    const inConfiguration = new Set<string>([...raft.confState.voters, ...raft.confState.learners])
    const members = committed.public.membership.members().map((member): ClusterMemberStatus => {
      const peer = leading ? progress.get(member.id) : undefined
      const match = leading ? (member.id === host.member ? raft.lastIndex : (peer?.match ?? 0)) : null
      return {
        id: member.id,
        key: member.key,
        keyed: member.keyed,
        role: member.voter ? 'voter' : 'learner',
        voter: member.voter,
        inRaftConfiguration: inConfiguration.has(member.id),
        match,
        lag: match === null ? null : Math.max(0, raft.lastIndex - match),
      }
    })
    return {
      member: host.member,
      leader: (raft.leader as MemberId | null) ?? null,
      leading,
      term: raft.term,
      commitIndex: raft.commit,
      appliedIndex: committed.appliedIndex,
      dataAppliedIndex: host.dataAppliedIndex(),
      members,
    }
  }

  /** Waits, on the leader, until `member`'s match reaches the commit index as of now. */
  async #caughtUp(member: MemberId, timeoutMs: number): Promise<void> {
    const host = this.#host
    const target = host.raft().status().commit
    const deadlineMs = host.nowMs() + timeoutMs
    for (;;) {
      const raft = host.raft().status()
      if (raft.role !== Role.Leader) return
      const match = raft.progress.find((peer) => peer.id === member)?.match ?? 0
      if (match >= target) return
      if (host.nowMs() >= deadlineMs) throw new LearnerNotReadyError(member, match, target)
      await host.sleep(Math.min(50, Math.max(1, deadlineMs - host.nowMs())))
    }
  }

  /** Proposes a control operation and throws unless C applied it. */
  async #applied(operation: ControlOperation): Promise<void> {
    const outcome = await this.#host.proposeControl(operation)
    const control = outcome.result?.controls[0]
    // A duplicate proposal (RaftNode's dedup) has no result: the first copy applied.
    if (control === undefined) return
    if (!control.applied) throw new MembershipChangeRefusedError(operation.kind, control.reason)
  }

  /** Each known stream of `key` at the greatest position anyone reported (never below its h). */
  async #cutoffsOf(key: WriterKey): Promise<[StreamId, number][]> {
    const host = this.#host
    const positions = new Map<StreamId, number>()
    const note = (stream: StreamId, position: number) => {
      if (parseStreamId(stream)?.key !== key) return
      positions.set(stream, Math.max(positions.get(stream) ?? 0, position))
    }
    for (const [stream, position] of host.committed().public.highWaters.entries()) note(stream, position)
    for (const [stream, position] of host.localPositions(key)) note(stream, position)
    if (host.positionsOf !== undefined) {
      try {
        for (const [stream, position] of await host.positionsOf(key)) note(stream, position)
      } catch {
        // Members that cannot answer leave their streams at what this node knows (h at worst).
      }
    }
    return [...positions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }
}
