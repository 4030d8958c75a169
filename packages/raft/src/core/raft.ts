import { assert, InvariantError, rethrowInvariant } from '@tandem/base'
import { decodeConfChange, encodeConfChange } from '../codec/index.js'
import { type ChangeResult, Changer, restoreConfig } from './confchange.js'
import { type RaftConfig, type ResolvedRaftConfig, resolveConfig } from './config.js'
import {
  CommittedEntryConflictError,
  ConfigurationError,
  SnapshotTemporarilyUnavailableError,
} from './errors.js'
import { RaftLog } from './log.js'
import {
  BLANK_MESSAGE,
  bytesEqual,
  CAMPAIGN_TRANSFER_CONTEXT,
  type MessageInit,
  makeMessage,
  needsPersist,
} from './messages.js'
import { jointVoteResult, VoteResult } from './quorum.js'
import { PENDING_READS_MAX, ReadOnly, ReadOnlyOption } from './read-only.js'
import { ProgressTracker } from './tracker.js'
import {
  type ConfChange,
  ConfChangeTransition,
  type ConfState,
  type Entry,
  EntryType,
  type HardState,
  type Logger,
  type Message,
  MessageType,
  type NodeId,
  type OutboundMessage,
  ProgressState,
  type ReadState,
  Role,
  type Snapshot,
} from './types.js'

const EMPTY_BYTES = new Uint8Array(0)
const NO_ENTRIES: readonly Entry[] = []

/** A proposal's payload before the leader gives it a term and an index. */
export interface ProposalInit {
  readonly type: EntryType
  readonly data: Uint8Array
}

/** Which kind of campaign: a pre-election, a real one, or one ordered by a leadership transfer. */
const CampaignKind = {
  PreElection: 0,
  Election: 1,
  Transfer: 2,
} as const
type CampaignKind = (typeof CampaignKind)[keyof typeof CampaignKind]

/** The leader's broadcast owed at the next `ready()`: none, new entries only, or also commit-only appends. */
const Broadcast = { None: 0, Entries: 1, Commit: 2 } as const
type Broadcast = (typeof Broadcast)[keyof typeof Broadcast]

/**
 * The Raft state machine (etcd's `raft` struct): roles, terms, votes, the log, replication and
 * membership. It is synchronous and deterministic: every input is a method call, every output is
 * collected (messages in {@link Raft.msgs}, reads in {@link Raft.readStates}) for the next `Ready`.
 * Use it through {@link RawNode}.
 */
export class Raft {
  readonly id: NodeId
  readonly config: ResolvedRaftConfig
  readonly logger: Logger
  term = 0
  vote: NodeId | null = null
  role: Role = Role.Follower
  lead: NodeId | null = null
  /** Whether this node is a learner in the current configuration. */
  isLearner = false
  readonly raftLog: RaftLog
  trk: ProgressTracker
  msgs: OutboundMessage[] = []
  readStates: ReadState[] = []
  /** The node leadership is being handed to, or `null`. */
  leadTransferee: NodeId | null = null
  /**
   * The index of the latest conf change this leader proposed; a new one is refused until it is
   * applied (at most one pending conf change, thesis §4.1).
   */
  pendingConfIndex = 0
  /** Payload bytes of entries appended by this leader and not yet committed. */
  uncommittedSize = 0
  readOnly: ReadOnly
  /** Reads that arrived before this leader committed an entry of its own term. */
  pendingReadIndexMessages: Message[] = []
  electionElapsed = 0
  heartbeatElapsed = 0
  randomizedElectionTimeout = 0
  /**
   * The highest term known durable. No message carrying a newer term leaves before the batch
   * that persists it: otherwise a crash could bring this node back in an older term, able to lead
   * the same term again with a different log.
   */
  persistedTerm = 0
  /** Why the last proposal was dropped (for the error the caller gets). */
  lastDropReason = ''
  #pendingBroadcast: Broadcast = Broadcast.None
  /** Whether this leader applied its own removal and waits to hand over (see {@link #maybeRetire}). */
  #retiring = false
  /** The index of a proposed, not yet applied change that removes this leader (0 when none). */
  #selfRemovalIndex = 0
  readonly #leaveJointData: Uint8Array

  constructor(config: RaftConfig) {
    this.config = resolveConfig(config)
    this.id = this.config.id
    this.logger = this.config.logger
    this.raftLog = new RaftLog(this.config.storage, this.config.applyBatchBytesMax)
    this.trk = new ProgressTracker(this.config.inflightAppendsMax)
    this.readOnly = new ReadOnly(this.config.readOnly)
    this.#leaveJointData = encodeConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [],
      context: EMPTY_BYTES,
    })
    const { hardState, confState } = this.config.storage.initialState()
    this.#switchToConfig(restoreConfig(confState, this.raftLog.lastIndex(), this.config.inflightAppendsMax))
    if (hardState.term !== 0 || hardState.vote !== null || hardState.commit !== 0) this.#loadState(hardState)
    this.persistedTerm = this.term
    if (this.config.applied > 0) {
      if (this.config.applied > this.raftLog.committed) {
        throw new ConfigurationError(
          `applied ${this.config.applied} is beyond the commit ${this.raftLog.committed}`,
        )
      }
      this.raftLog.appliedTo(this.config.applied)
    }
    this.becomeFollower(this.term, null)
    this.logger.info('raft node started', {
      id: this.id,
      term: this.term,
      commit: this.raftLog.committed,
      applied: this.raftLog.applied,
      lastIndex: this.raftLog.lastIndex(),
    })
  }

  #loadState(state: HardState): void {
    if (state.commit < this.raftLog.committed || state.commit > this.raftLog.lastIndex()) {
      throw new ConfigurationError(
        `persisted commit ${state.commit} is outside [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      )
    }
    this.raftLog.committed = state.commit
    this.term = state.term
    this.vote = state.vote
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed }
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /** Queues a message for the next `Ready`. Terms are filled in here, as etcd's `send` does. */
  send(init: MessageInit): void {
    let term = init.term ?? 0
    const type = init.type
    if (
      type === MessageType.Vote ||
      type === MessageType.VoteResp ||
      type === MessageType.PreVote ||
      type === MessageType.PreVoteResp
    ) {
      // Election messages carry their own term (a pre-vote asks about the next one).
      if (term === 0) throw new InvariantError(`term must be set when sending message type ${type}`)
    } else if (type === MessageType.Prop || type === MessageType.ReadIndex) {
      // Forwarded proposals and reads travel like local messages: the leader takes them in any term.
      term = 0
    } else {
      term = this.term
    }
    const message: Message = {
      ...BLANK_MESSAGE,
      ...init,
      from: init.from === undefined || init.from === '' ? this.id : init.from,
      term,
    }
    this.msgs.push({ message, afterPersist: needsPersist(type) || this.term > this.persistedTerm })
  }

  /**
   * Sends an append (or a snapshot when the entries are compacted) to `to` if its progress allows.
   * Returns whether a message was sent.
   */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const progress = this.trk.progress.get(to)
    if (progress === undefined || progress.isPaused()) return false
    const prevIndex = progress.next - 1
    const raftLog = this.raftLog
    const firstIndex = raftLog.firstIndex()
    if (prevIndex < firstIndex - 1 || progress.next < firstIndex) return this.#maybeSendSnapshot(to)
    const prevTerm = raftLog.termOrZero(prevIndex)
    if (prevTerm === 0 && prevIndex > 0) return this.#maybeSendSnapshot(to)
    const entries =
      progress.state === ProgressState.Replicate || progress.state === ProgressState.Probe
        ? raftLog.entries(progress.next, this.config.appendBytesMax)
        : NO_ENTRIES
    if (entries.length === 0 && !sendIfEmpty) return false
    const last = entries[entries.length - 1]
    this.msgs.push({
      message: {
        type: MessageType.App,
        from: this.id,
        to,
        term: this.term,
        logTerm: prevTerm,
        index: prevIndex,
        entries,
        commit: raftLog.committed,
        snapshot: null,
        reject: false,
        rejectHint: 0,
        rejectHintTerm: 0,
        context: EMPTY_BYTES,
      },
      // A leader's appends leave at once, unless its term itself is not durable yet (a lone voter
      // wins without a round trip): entries of a term must never be seen before the term is.
      afterPersist: this.term > this.persistedTerm,
    })
    if (last !== undefined) progress.sentEntries(last.index, entries.length)
    // The follower commits no further than the entries it is known to have.
    const knownCommit = Math.min(raftLog.committed, last === undefined ? prevIndex : last.index)
    if (knownCommit > progress.sentCommit) progress.sentCommit = knownCommit
    return true
  }

  #maybeSendSnapshot(to: NodeId): boolean {
    const progress = this.trk.progress.get(to)
    if (progress === undefined) return false
    if (!progress.recentActive) {
      this.logger.debug('not sending a snapshot to an inactive follower', { to })
      return false
    }
    let snapshot: Snapshot
    try {
      snapshot = this.raftLog.snapshot()
    } catch (error) {
      if (error instanceof SnapshotTemporarilyUnavailableError) {
        this.logger.debug('snapshot temporarily unavailable', { to })
        return false
      }
      throw error
    }
    assert(snapshot.metadata.index !== 0, 'need a non-empty snapshot to catch up a follower')
    progress.becomeSnapshot(snapshot.metadata.index)
    this.logger.info('sending snapshot', { to, index: snapshot.metadata.index, term: snapshot.metadata.term })
    this.send({ type: MessageType.Snap, to, snapshot })
    return true
  }

  sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true)
  }

  /** Sends appends (empty ones too, to carry the commit index) to every follower that can take them. */
  bcastAppend(): void {
    for (const id of this.trk.ids()) if (id !== this.id) this.maybeSendAppend(id, true)
  }

  /** Sends whatever the leader owes its followers since the last call; the `Ready` calls it. */
  flushBroadcast(): void {
    const pending = this.#pendingBroadcast
    if (pending === Broadcast.None) return
    this.#pendingBroadcast = Broadcast.None
    if (this.role !== Role.Leader) return
    const committed = this.raftLog.committed
    for (const id of this.trk.ids()) {
      if (id === this.id) continue
      const progress = this.trk.progress.get(id)
      if (progress === undefined) continue
      // Skip commit-only appends to followers already told this commit index. Then send as many
      // messages as the follower's window takes: proposals were batched since the last flush.
      if (this.maybeSendAppend(id, pending === Broadcast.Commit && progress.sentCommit < committed)) {
        while (this.maybeSendAppend(id, false)) {}
      }
    }
  }

  hasPendingBroadcast(): boolean {
    return this.#pendingBroadcast !== Broadcast.None && this.role === Role.Leader
  }

  #sendHeartbeat(to: NodeId, context: Uint8Array): void {
    const progress = this.trk.progress.get(to)
    // A follower may not have the leader's whole log yet: never make it commit what it may lack.
    const commit = Math.min(progress?.match ?? 0, this.raftLog.committed)
    if (progress !== undefined && commit > progress.sentCommit) progress.sentCommit = commit
    this.send({ type: MessageType.Heartbeat, to, commit, context })
  }

  #bcastHeartbeat(): void {
    const context = this.readOnly.lastPendingRequestContext() ?? EMPTY_BYTES
    this.#bcastHeartbeatWithContext(context)
  }

  #bcastHeartbeatWithContext(context: Uint8Array): void {
    for (const id of this.trk.ids()) if (id !== this.id) this.#sendHeartbeat(id, context)
  }

  // ---------------------------------------------------------------------------------------------
  // Role changes

  #reset(term: number): void {
    if (this.term !== term) {
      this.term = term
      this.vote = null
    }
    this.lead = null
    this.electionElapsed = 0
    this.heartbeatElapsed = 0
    this.#resetRandomizedElectionTimeout()
    this.abortLeaderTransfer()
    this.trk.resetVotes()
    const lastIndex = this.raftLog.lastIndex()
    this.trk.visit((id, progress) => {
      progress.reset(lastIndex + 1)
      if (id === this.id) progress.match = this.raftLog.lastPersistedIndex()
    })
    this.pendingConfIndex = 0
    this.uncommittedSize = 0
    this.readOnly = new ReadOnly(this.config.readOnly)
    this.pendingReadIndexMessages = []
    this.#pendingBroadcast = Broadcast.None
    this.#retiring = false
    this.#selfRemovalIndex = 0
  }

  #resetRandomizedElectionTimeout(): void {
    const jitter = this.config.random.nextInt(this.config.electionTicks)
    // An injected source that breaks its contract is a bug of the embedding code, not an input.
    if (!Number.isInteger(jitter) || jitter < 0 || jitter >= this.config.electionTicks)
      throw new InvariantError(`random.nextInt(${this.config.electionTicks}) returned ${jitter}`)
    this.randomizedElectionTimeout = this.config.electionTicks + jitter
  }

  becomeFollower(term: number, lead: NodeId | null): void {
    this.#reset(term)
    this.lead = lead
    this.role = Role.Follower
    this.logger.debug('became follower', { id: this.id, term, lead })
  }

  becomeCandidate(): void {
    assert(this.role !== Role.Leader, 'invalid transition: leader to candidate')
    this.#reset(this.term + 1)
    this.vote = this.id
    this.role = Role.Candidate
    this.logger.info('became candidate', { id: this.id, term: this.term })
  }

  becomePreCandidate(): void {
    assert(this.role !== Role.Leader, 'invalid transition: leader to pre-candidate')
    // A pre-candidate changes neither its term nor its vote: that is the point of PreVote.
    this.trk.resetVotes()
    this.lead = null
    this.role = Role.PreCandidate
    this.logger.info('became pre-candidate', { id: this.id, term: this.term })
  }

  becomeLeader(): void {
    assert(this.role !== Role.Follower, 'invalid transition: follower to leader')
    this.#reset(this.term)
    this.lead = this.id
    this.role = Role.Leader
    const self = this.trk.progress.get(this.id)
    if (self !== undefined) {
      self.becomeReplicate()
      self.recentActive = true
    }
    // Conservatively treat every entry in the log as a possible unapplied conf change.
    this.pendingConfIndex = this.raftLog.lastIndex()
    // A change removing this node may already be in the log: nothing but this term's empty entry
    // may follow it (see changeRemovesSelf).
    const log = this.raftLog
    if (log.applied < log.lastIndex()) {
      const low = Math.max(log.applied + 1, log.firstIndex())
      for (const entry of log.slice(low, log.lastIndex() + 1, Number.POSITIVE_INFINITY)) {
        if (entry.type === EntryType.ConfChange && this.#changeRemovesSelf(entry.data))
          this.#selfRemovalIndex = entry.index
      }
    }
    // An empty entry of the new term: committing it commits everything before it (§5.4.2) and
    // lets reads be served (thesis §6.4).
    const index = this.raftLog.lastIndex() + 1
    this.raftLog.append([{ term: this.term, index, type: EntryType.Normal, data: EMPTY_BYTES }])
    this.logger.info('became leader', { id: this.id, term: this.term })
  }

  // ---------------------------------------------------------------------------------------------
  // Ticks

  tick(): void {
    if (this.role === Role.Leader) this.#tickHeartbeat()
    else this.#tickElection()
  }

  #tickElection(): void {
    this.electionElapsed++
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0
      this.step(makeMessage({ type: MessageType.Hup, from: this.id }))
    }
  }

  #tickHeartbeat(): void {
    if (this.#retiring && this.#maybeRetire()) return
    this.heartbeatElapsed++
    this.electionElapsed++
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0
      if (this.config.checkQuorum) this.step(makeMessage({ type: MessageType.CheckQuorum, from: this.id }))
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.role === Role.Leader && this.leadTransferee !== null) this.abortLeaderTransfer()
    }
    if (this.role !== Role.Leader) return
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0
      this.step(makeMessage({ type: MessageType.Beat, from: this.id }))
    }
  }

  /** Whether this node may become leader: a voter, and not in the middle of installing a snapshot. */
  promotable(): boolean {
    const self = this.trk.progress.get(this.id)
    return self !== undefined && !self.isLearner && !this.raftLog.hasNextOrInProgressSnapshot()
  }

  // ---------------------------------------------------------------------------------------------
  // Elections

  #hup(kind: CampaignKind): void {
    if (this.role === Role.Leader) {
      this.logger.debug('ignoring campaign: already leader', { id: this.id })
      return
    }
    if (!this.promotable()) {
      this.logger.warn('not promotable: cannot campaign', { id: this.id })
      return
    }
    if (this.#hasUnappliedConfChanges()) {
      // The configuration this node would lead with is not final yet.
      this.logger.warn('cannot campaign: conf changes committed but not applied', { id: this.id })
      return
    }
    this.#campaign(kind)
  }

  #hasUnappliedConfChanges(): boolean {
    if (this.raftLog.applied >= this.raftLog.committed) return false
    const entries = this.raftLog.slice(
      Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex()),
      this.raftLog.committed + 1,
      Number.POSITIVE_INFINITY,
    )
    return entries.some((entry) => entry.type === EntryType.ConfChange)
  }

  #campaign(kind: CampaignKind): void {
    let voteType: MessageType
    let term: number
    if (kind === CampaignKind.PreElection) {
      this.becomePreCandidate()
      voteType = MessageType.PreVote
      // A pre-vote asks whether the others would vote in the next term, without moving to it.
      term = this.term + 1
    } else {
      this.becomeCandidate()
      voteType = MessageType.Vote
      term = this.term
    }
    if (this.#poll(this.id, true) === VoteResult.Won) {
      // A single-voter configuration: this node's own vote is a quorum.
      if (kind === CampaignKind.PreElection) {
        this.#campaign(CampaignKind.Election)
      } else {
        this.becomeLeader()
        this.bcastAppend()
      }
      return
    }
    const lastIndex = this.raftLog.lastIndex()
    const lastTerm = this.raftLog.lastTerm()
    const context = kind === CampaignKind.Transfer ? CAMPAIGN_TRANSFER_CONTEXT : EMPTY_BYTES
    for (const id of this.trk.voterIds()) {
      if (id === this.id) continue
      this.send({ type: voteType, to: id, term, index: lastIndex, logTerm: lastTerm, context })
    }
  }

  #poll(id: NodeId, granted: boolean): VoteResult {
    this.trk.recordVote(id, granted)
    return this.trk.tallyVotes().result
  }

  // ---------------------------------------------------------------------------------------------
  // Step

  /**
   * Takes in one message (from a peer or a local one) and reacts. Returns false when it was a
   * proposal that had to be dropped ({@link lastDropReason} says why).
   */
  step(m: Message): boolean {
    // Term handling first (§5.1): a newer term makes this node a follower; older ones are stale.
    if (m.term === 0) {
      // Local message (or a forwarded proposal / read).
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        const force = bytesEqual(m.context, CAMPAIGN_TRANSFER_CONTEXT)
        const inLease =
          this.config.checkQuorum && this.lead !== null && this.electionElapsed < this.config.electionTicks
        if (!force && inLease) {
          // The leader lease (thesis §4.2.3): while this node hears from a live leader, it
          // ignores would-be candidates so that a removed or partitioned node cannot disrupt.
          this.logger.debug('ignoring vote request within the leader lease', { from: m.from, term: m.term })
          return true
        }
      }
      if (m.type === MessageType.PreVote) {
        // Never change term in answer to a pre-vote.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // The term moves only once a pre-election is won.
      } else if (
        m.type === MessageType.App ||
        m.type === MessageType.Heartbeat ||
        m.type === MessageType.Snap
      ) {
        this.becomeFollower(m.term, m.from)
      } else if (m.type === MessageType.Vote && !this.raftLog.isUpToDate(m.index, m.logTerm)) {
        // Adopt the newer term but keep the election timer running: the paper restarts it only
        // when a vote is granted (§5.2, Figure 2). Restarting it for a candidate that cannot win
        // let such a node keep every electable node from timing out first — an election livelock
        // without PreVote that @tandem/sim found (seed 1490 with --prevote swarm).
        const electionElapsed = this.electionElapsed
        this.becomeFollower(m.term, null)
        this.electionElapsed = electionElapsed
      } else {
        this.becomeFollower(m.term, null)
      }
    } else if (m.term < this.term) {
      if (
        (this.config.checkQuorum || this.config.preVote) &&
        (m.type === MessageType.Heartbeat || m.type === MessageType.App)
      ) {
        // A stale leader (cut off, e.g. by CheckQuorum elsewhere) learns the new term from this answer.
        this.send({ type: MessageType.AppResp, to: m.from })
      } else if (m.type === MessageType.PreVote) {
        // Reject explicitly so the pre-candidate learns the newer term.
        this.send({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true })
      }
      return true
    }

    switch (m.type) {
      case MessageType.Hup:
        this.#hup(this.config.preVote ? CampaignKind.PreElection : CampaignKind.Election)
        return true
      case MessageType.Vote:
      case MessageType.PreVote: {
        const respType = m.type === MessageType.Vote ? MessageType.VoteResp : MessageType.PreVoteResp
        const canVote =
          this.vote === m.from ||
          (this.vote === null && this.lead === null) ||
          (m.type === MessageType.PreVote && m.term > this.term)
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          // §5.2, §5.4.1: one vote per term, only for a candidate whose log is at least as up to date.
          this.send({ type: respType, to: m.from, term: m.term })
          if (m.type === MessageType.Vote) {
            this.electionElapsed = 0
            this.vote = m.from
          }
        } else {
          this.send({ type: respType, to: m.from, term: this.term, reject: true })
        }
        return true
      }
      default:
        switch (this.role) {
          case Role.Leader:
            return this.#stepLeader(m)
          case Role.Follower:
            return this.#stepFollower(m)
          default:
            return this.#stepCandidate(m)
        }
    }
  }

  #drop(reason: string): false {
    this.lastDropReason = reason
    this.logger.debug('dropping proposal', { id: this.id, reason })
    return false
  }

  /**
   * Why this leader must refuse `count` new entries of `bytes` payload bytes now, or `null` when
   * it may append them: the one admission rule of {@link appendCommands} and
   * {@link appendProposals}. Called with `bytes` 0 it checks the leader's state alone.
   */
  #admissionRefusal(count: number, bytes: number): string | null {
    if (count === 0) return 'empty proposal'
    if (!this.trk.progress.has(this.id) || this.#retiring)
      return 'this leader is no longer in the configuration'
    if (this.leadTransferee !== null) return 'leadership is being transferred'
    if (this.#selfRemovalIndex > this.raftLog.applied) return 'a change removing this leader is pending'
    const max = this.config.uncommittedBytesMax
    // A lone proposal is always let in, however large, so that progress is always possible.
    if (max > 0 && this.uncommittedSize > 0 && bytes > 0 && this.uncommittedSize + bytes > max) {
      return 'too many uncommitted bytes'
    }
    return null
  }

  /**
   * Appends proposals to the leader's log (they are broadcast at the next `ready()`, batched).
   * Returns false when they are dropped.
   */
  appendProposals(proposals: readonly ProposalInit[]): boolean {
    const stateRefusal = this.#admissionRefusal(proposals.length, 0)
    if (stateRefusal !== null) return this.#drop(stateRefusal)
    const lastIndex = this.raftLog.lastIndex()
    const term = this.term
    const entries: Entry[] = new Array(proposals.length)
    let bytes = 0
    let confIndex = 0
    let selfRemovalIndex = 0
    let refusedChanges: string[] | null = null
    for (let i = 0; i < proposals.length; i++) {
      const proposal = proposals[i] as ProposalInit
      let type = proposal.type
      let data = proposal.data
      if (type === EntryType.ConfChange) {
        const refusal = this.#confChangeRefusal(data)
        if (refusal === null) {
          confIndex = lastIndex + i + 1
          if (this.#changeRemovesSelf(data)) selfRemovalIndex = confIndex
        } else {
          refusedChanges ??= []
          refusedChanges.push(refusal)
          // The slot is kept (the caller's index stays valid) but carries nothing.
          type = EntryType.Normal
          data = EMPTY_BYTES
        }
      } else if (type !== EntryType.Normal) {
        return this.#drop(`unknown entry type ${String(type)}`)
      }
      bytes += data.byteLength
      entries[i] = { term, index: lastIndex + 1 + i, type, data }
    }
    const refusal = this.#admissionRefusal(proposals.length, bytes)
    if (refusal !== null) return this.#drop(refusal)
    for (const reason of refusedChanges ?? [])
      this.logger.info('ignoring conf change', { id: this.id, reason })
    this.uncommittedSize += bytes
    this.raftLog.append(entries)
    if (confIndex > 0) this.pendingConfIndex = confIndex
    if (selfRemovalIndex > 0) this.#selfRemovalIndex = selfRemovalIndex
    if (this.#pendingBroadcast === Broadcast.None) this.#pendingBroadcast = Broadcast.Entries
    // A lone voter commits as soon as its own log is durable (reported through onPersisted).
    return true
  }

  /**
   * The leader's fast path for application commands: one Entry allocation per command and nothing
   * else. Same rules as {@link appendProposals}.
   */
  appendCommands(commands: readonly Uint8Array[]): boolean {
    let bytes = 0
    for (let i = 0; i < commands.length; i++) bytes += (commands[i] as Uint8Array).byteLength
    const refusal = this.#admissionRefusal(commands.length, bytes)
    if (refusal !== null) return this.#drop(refusal)
    const first = this.raftLog.lastIndex() + 1
    const term = this.term
    const entries: Entry[] = new Array(commands.length)
    for (let i = 0; i < commands.length; i++) {
      entries[i] = { term, index: first + i, type: EntryType.Normal, data: commands[i] as Uint8Array }
    }
    this.uncommittedSize += bytes
    this.raftLog.append(entries)
    if (this.#pendingBroadcast === Broadcast.None) this.#pendingBroadcast = Broadcast.Entries
    return true
  }

  /**
   * Whether a conf change (already checked by {@link #confChangeRefusal}) takes this leader out of
   * the voters. From its append until its application, the leader appends nothing after it, so
   * that a voter of the new configuration that holds the change also holds the leader's whole log
   * and can win the next election even if the leader crashes right after stepping down.
   */
  #changeRemovesSelf(data: Uint8Array): boolean {
    try {
      const result = new Changer(this.trk, this.raftLog.lastIndex()).apply(decodeConfChange(data))
      return !result.config.voters.has(this.id) && !result.config.votersOutgoing.has(this.id)
    } catch (error) {
      rethrowInvariant(error)
      // An invalid change is refused when applied: it removes no one.
      return false
    }
  }

  /** Why a proposed conf change must be refused, or `null` when it may go ahead. */
  #confChangeRefusal(data: Uint8Array): string | null {
    let change: ConfChange
    try {
      change = decodeConfChange(data)
    } catch (caught) {
      const error = rethrowInvariant(caught)
      return `undecodable conf change: ${(error as Error).message}`
    }
    const alreadyJoint = this.trk.isJoint()
    const wantsLeaveJoint = change.changes.length === 0
    if (this.pendingConfIndex > this.raftLog.applied) {
      return `a conf change at index ${this.pendingConfIndex} may not be applied yet (applied ${this.raftLog.applied})`
    }
    if (alreadyJoint && !wantsLeaveJoint) return 'the joint configuration must be left first'
    if (!alreadyJoint && wantsLeaveJoint) return 'not in a joint configuration: refusing an empty conf change'
    return null
  }

  reduceUncommittedSize(bytes: number): void {
    this.uncommittedSize = bytes >= this.uncommittedSize ? 0 : this.uncommittedSize - bytes
  }

  #maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term)
  }

  /** Whether this leader has committed an entry of its own term (needed before serving reads). */
  #committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term
  }

  #stepLeader(m: Message): boolean {
    switch (m.type) {
      case MessageType.Beat:
        this.#bcastHeartbeat()
        return true
      case MessageType.CheckQuorum:
        // A retiring leader stays until it has handed over: stepping down without a caught-up
        // successor could leave the new configuration unable to elect (see maybeRetire).
        if (!this.trk.quorumActive() && !this.#retiring) {
          this.logger.warn('stepping down: no quorum heard from within an election timeout', { id: this.id })
          this.becomeFollower(this.term, null)
        }
        // Start the next observation period.
        this.trk.visit((id, progress) => {
          if (id !== this.id) progress.recentActive = false
        })
        return true
      case MessageType.Prop:
        return this.appendProposals(m.entries)
      case MessageType.ReadIndex:
        if (this.pendingReadCount() >= PENDING_READS_MAX) {
          this.logger.warn('dropping a read: too many pending', { from: m.from })
          return true
        }
        if (!this.#committedEntryInCurrentTerm()) {
          // Until this leader commits in its term it does not know the latest commit (thesis §6.4).
          this.pendingReadIndexMessages.push(m)
          return true
        }
        this.#sendReadIndexResponse(m)
        return true
    }

    const progress = this.trk.progress.get(m.from)
    if (progress === undefined) return true
    switch (m.type) {
      case MessageType.AppResp: {
        progress.recentActive = true
        if (m.reject) {
          let nextProbeIndex = m.rejectHint
          if (m.rejectHintTerm > 0) {
            // Skip, in one step, every entry of the leader's log that cannot match (etcd's
            // findConflictByTerm on the leader side).
            nextProbeIndex = this.raftLog.findConflictByTerm(m.rejectHint, m.rejectHintTerm)[0]
          }
          if (progress.maybeDecrTo(m.index, nextProbeIndex)) {
            if (progress.state === ProgressState.Replicate) progress.becomeProbe()
            this.sendAppend(m.from)
          }
          return true
        }
        if (m.index > this.raftLog.lastIndex()) {
          // An acknowledgement of entries this leader never sent: a broken or malicious peer.
          this.logger.warn('ignoring an append response beyond the last index', {
            from: m.from,
            index: m.index,
          })
          return true
        }
        const wasPaused = progress.isPaused()
        if (
          progress.maybeUpdate(m.index) ||
          (progress.match === m.index && progress.state === ProgressState.Probe)
        ) {
          if (progress.state === ProgressState.Probe) {
            progress.becomeReplicate()
          } else if (
            progress.state === ProgressState.Snapshot &&
            progress.match + 1 >= this.raftLog.firstIndex()
          ) {
            // The follower caught up (by the snapshot or otherwise): stream from its match.
            progress.becomeProbe()
            progress.becomeReplicate()
          } else if (progress.state === ProgressState.Replicate) {
            progress.inflights.freeLE(m.index)
            progress.msgAppFlowPaused = progress.inflights.full()
          }
          if (this.#maybeCommit()) {
            this.#releasePendingReadIndexMessages()
            this.#pendingBroadcast = Broadcast.Commit
          } else if (wasPaused) {
            this.sendAppend(m.from)
          }
          // The window may have room for several messages now.
          while (this.maybeSendAppend(m.from, false)) {}
          if (m.from === this.leadTransferee && progress.match === this.raftLog.lastIndex()) {
            this.logger.info('sending TimeoutNow: transferee caught up', { to: m.from })
            this.send({ type: MessageType.TimeoutNow, to: m.from })
          }
        }
        return true
      }
      case MessageType.HeartbeatResp: {
        progress.recentActive = true
        // Appends may have been lost with the window full: free one slot so that the next append
        // can go out; if the follower lacks what came before, it rejects and the leader probes.
        if (progress.state === ProgressState.Replicate && progress.inflights.full())
          progress.inflights.freeFirstOne()
        progress.msgAppFlowPaused = false
        if (progress.match < this.raftLog.lastIndex() || progress.state === ProgressState.Probe)
          this.sendAppend(m.from)
        if (this.readOnly.option !== ReadOnlyOption.Safe || m.context.length === 0) return true
        const acks = this.readOnly.recvAck(m.from, m.context)
        if (acks === null) return true
        const votes = new Map<NodeId, boolean>()
        for (const id of acks) votes.set(id, true)
        if (
          jointVoteResult(this.trk.config.voters, this.trk.config.votersOutgoing, votes) !== VoteResult.Won
        ) {
          return true
        }
        for (const status of this.readOnly.advance(m.context))
          this.#respondToReadIndex(status.request, status.index)
        return true
      }
      case MessageType.SnapStatus:
        if (progress.state !== ProgressState.Snapshot) return true
        if (m.reject) {
          this.logger.info('snapshot failed; probing again', { to: m.from })
          progress.pendingSnapshot = 0
        }
        progress.becomeProbe()
        // Wait for a heartbeat response before probing, so a failed snapshot is not retried hot.
        progress.msgAppFlowPaused = true
        return true
      case MessageType.Unreachable:
        // Streaming optimistically to an unreachable follower would only lose messages.
        if (progress.state === ProgressState.Replicate) progress.becomeProbe()
        return true
      case MessageType.TransferLeader: {
        if (progress.isLearner) {
          this.logger.info('ignoring leadership transfer to a learner', { to: m.from })
          return true
        }
        const transferee = m.from
        if (this.leadTransferee !== null) {
          if (this.leadTransferee === transferee) return true
          this.abortLeaderTransfer()
        }
        if (transferee === this.id) return true
        // The transfer must finish within an election timeout (see tickHeartbeat).
        this.electionElapsed = 0
        this.leadTransferee = transferee
        if (progress.match === this.raftLog.lastIndex()) {
          this.send({ type: MessageType.TimeoutNow, to: transferee })
        } else {
          this.sendAppend(transferee)
        }
        return true
      }
      default:
        return true
    }
  }

  #stepCandidate(m: Message): boolean {
    const myResponse = this.role === Role.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp
    switch (m.type) {
      case MessageType.Prop:
        return this.#drop('no leader (campaigning)')
      case MessageType.App:
        this.becomeFollower(m.term, m.from)
        this.#handleAppendEntries(m)
        return true
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from)
        this.#handleHeartbeat(m)
        return true
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from)
        this.#handleSnapshot(m)
        return true
      case MessageType.TimeoutNow:
        return true
      default:
        if (m.type !== myResponse) return true
        switch (this.#poll(m.from, !m.reject)) {
          case VoteResult.Won:
            if (this.role === Role.PreCandidate) {
              this.#campaign(CampaignKind.Election)
            } else {
              this.becomeLeader()
              this.bcastAppend()
            }
            break
          case VoteResult.Lost:
            // A pre-candidate that lost stays in its term; a candidate stays in its new one.
            this.becomeFollower(this.term, null)
            break
        }
        return true
    }
  }

  #stepFollower(m: Message): boolean {
    switch (m.type) {
      case MessageType.Prop:
        if (this.lead === null) return this.#drop('no leader known')
        if (!this.config.proposalForwarding) return this.#drop('proposal forwarding is disabled')
        this.send({ type: MessageType.Prop, to: this.lead, from: m.from, entries: m.entries })
        return true
      case MessageType.App:
        this.electionElapsed = 0
        this.lead = m.from
        this.#handleAppendEntries(m)
        return true
      case MessageType.Heartbeat:
        this.electionElapsed = 0
        this.lead = m.from
        this.#handleHeartbeat(m)
        return true
      case MessageType.Snap:
        this.electionElapsed = 0
        this.lead = m.from
        this.#handleSnapshot(m)
        return true
      case MessageType.TransferLeader:
        if (this.lead === null) {
          this.logger.info('no leader: dropping leadership transfer request', { id: this.id })
          return true
        }
        this.send({ type: MessageType.TransferLeader, to: this.lead, from: m.from })
        return true
      case MessageType.TimeoutNow:
        // Leadership transfer never uses pre-vote: the leader itself asked for this campaign.
        this.logger.info('campaigning on TimeoutNow', { id: this.id, term: this.term })
        this.#hup(CampaignKind.Transfer)
        return true
      case MessageType.ReadIndex:
        if (this.lead === null) {
          this.logger.info('no leader: dropping read index request', { id: this.id })
          return true
        }
        this.send({ type: MessageType.ReadIndex, to: this.lead, from: m.from, context: m.context })
        return true
      case MessageType.ReadIndexResp:
        this.readStates.push({ index: m.index, context: m.context })
        return true
      default:
        return true
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Follower handlers

  #handleAppendEntries(m: Message): void {
    const raftLog = this.raftLog
    if (m.index < raftLog.committed) {
      // A message of a current leader that contradicts a committed entry is no stale duplicate:
      // no correct leader holds another entry at a committed index (Leader Completeness, §5.4).
      const conflict = raftLog.findCommittedConflict(m.entries)
      if (conflict !== undefined) {
        throw new CommittedEntryConflictError(
          `${m.from} (term ${m.term}) sent entry ${conflict.index} of term ${conflict.term}, which contradicts the committed log (committed ${raftLog.committed})`,
        )
      }
      // Everything up to the commit is settled: tell the leader where to continue.
      this.send({ type: MessageType.AppResp, to: m.from, index: raftLog.committed })
      return
    }
    const lastNewIndex = raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries)
    if (lastNewIndex >= 0) {
      this.send({ type: MessageType.AppResp, to: m.from, index: lastNewIndex })
      return
    }
    // Reject with a hint (fast backtracking): the largest index whose term is at most the
    // leader's term at m.index; the leader can skip every entry in between.
    const [hintIndex, hintTerm] = raftLog.findConflictByTerm(
      Math.min(m.index, raftLog.lastIndex()),
      m.logTerm,
    )
    this.send({
      type: MessageType.AppResp,
      to: m.from,
      index: m.index,
      reject: true,
      rejectHint: hintIndex,
      rejectHintTerm: hintTerm,
    })
  }

  #handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(Math.min(m.commit, this.raftLog.lastIndex()))
    this.send({ type: MessageType.HeartbeatResp, to: m.from, context: m.context })
  }

  #handleSnapshot(m: Message): void {
    const snapshot = m.snapshot
    if (snapshot === null) return
    if (this.#restore(snapshot)) {
      this.logger.info('restored snapshot', {
        id: this.id,
        index: snapshot.metadata.index,
        term: snapshot.metadata.term,
      })
      this.send({ type: MessageType.AppResp, to: m.from, index: this.raftLog.lastIndex() })
    } else {
      this.send({ type: MessageType.AppResp, to: m.from, index: this.raftLog.committed })
    }
  }

  /** Installs a snapshot from the leader if it is news to this node; returns whether it did. */
  #restore(snapshot: Snapshot): boolean {
    const { index, term, confState } = snapshot.metadata
    if (index <= this.raftLog.committed) return false
    if (this.role !== Role.Follower) {
      // Only a follower receives snapshots; becoming one in a newer term keeps this safe.
      this.logger.warn('non-follower received a snapshot', { id: this.id })
      this.becomeFollower(this.term + 1, null)
      return false
    }
    const member =
      confState.voters.includes(this.id) ||
      confState.learners.includes(this.id) ||
      confState.votersOutgoing.includes(this.id)
    if (!member) {
      this.logger.warn('ignoring a snapshot whose configuration does not include this node', { id: this.id })
      return false
    }
    if (this.raftLog.matchTerm(index, term)) {
      // The log already has the snapshot's last entry: just move the commit forward.
      this.raftLog.commitTo(index)
      return false
    }
    const next = restoreConfig(confState, index, this.config.inflightAppendsMax)
    this.raftLog.restore(snapshot)
    this.trk = new ProgressTracker(this.config.inflightAppendsMax)
    this.#switchToConfig(next)
    return true
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  #sendReadIndexResponse(m: Message): void {
    if (this.trk.isSingleton()) {
      this.#respondToReadIndex(m, this.raftLog.committed)
      return
    }
    // A retiring leader may be cut off while still leading: it never answers from its lease.
    if (this.readOnly.option === ReadOnlyOption.Safe || this.#retiring) {
      this.readOnly.addRequest(this.raftLog.committed, m)
      // The leader acknowledges itself; a heartbeat round collects the others.
      this.readOnly.recvAck(this.id, m.context)
      this.#bcastHeartbeatWithContext(m.context)
    } else {
      this.#respondToReadIndex(m, this.raftLog.committed)
    }
  }

  #respondToReadIndex(request: Message, readIndex: number): void {
    if (request.from === '' || request.from === this.id) {
      this.readStates.push({ index: readIndex, context: request.context })
      return
    }
    this.send({
      type: MessageType.ReadIndexResp,
      to: request.from,
      index: readIndex,
      context: request.context,
    })
  }

  #releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.#committedEntryInCurrentTerm()) return
    const pending = this.pendingReadIndexMessages
    this.pendingReadIndexMessages = []
    for (const m of pending) this.#sendReadIndexResponse(m)
  }

  // ---------------------------------------------------------------------------------------------
  // Persistence and application feedback

  /** Entries through `(index, term)` are durable locally; a leader counts them towards commit. */
  onLocalPersist(index: number, term: number): void {
    this.raftLog.stableTo(index, term)
    if (this.role !== Role.Leader || !this.raftLog.matchTerm(index, term)) return
    const self = this.trk.progress.get(this.id)
    if (self === undefined) return
    if (self.maybeUpdate(index) && this.#maybeCommit()) {
      this.#releasePendingReadIndexMessages()
      this.#pendingBroadcast = Broadcast.Commit
    }
  }

  /** The state machine applied through `index`; a leader may now leave a joint configuration. */
  appliedTo(index: number): void {
    this.raftLog.appliedTo(index)
    const config = this.trk.config
    if (
      config.autoLeave &&
      this.role === Role.Leader &&
      this.raftLog.applied >= this.pendingConfIndex &&
      this.trk.isJoint()
    ) {
      // Propose leaving the joint configuration. It may be refused (for example during a
      // transfer); the next application retries.
      if (this.appendProposals([{ type: EntryType.ConfChange, data: this.#leaveJointData }])) {
        this.logger.info('leaving the joint configuration automatically', { id: this.id })
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Membership

  /** Applies a committed membership change; returns the new configuration. */
  applyConfChange(change: ConfChange): ConfState {
    const changer = new Changer(this.trk, this.raftLog.lastIndex())
    return this.#switchToConfig(changer.apply(change))
  }

  #switchToConfig(result: ChangeResult): ConfState {
    this.trk.setConfig(result.config, result.progress)
    const confState = this.trk.confState()
    const self = this.trk.progress.get(this.id)
    this.isLearner = self?.isLearner === true
    if (this.role === Role.Leader) {
      if (self === undefined || this.isLearner) {
        if (this.config.stepDownOnRemoval && !this.#retiring) {
          // A leader removed from the voters steps down (thesis §4.2.2), but not at once: it keeps
          // managing the new configuration (without counting itself, refusing proposals) until a
          // voter of it holds its whole log, then hands over to that voter. Stepping down at once
          // (as etcd does) can leave the others unable to elect anyone when they missed the last
          // entries or the commit notice: they still count the old leader as a voter, and it
          // refuses them its vote because its log is longer.
          this.#retiring = true
          this.logger.info('removed from the voters: stepping down once a successor is caught up', {
            id: this.id,
          })
        }
      } else {
        this.#retiring = false
      }
    }
    if (this.role !== Role.Leader || confState.voters.length === 0) return confState
    // The quorum changed: the commit may move, and new members need their first appends.
    if (this.#maybeCommit()) {
      this.#pendingBroadcast = Broadcast.Commit
    } else {
      for (const id of this.trk.ids()) if (id !== this.id) this.maybeSendAppend(id, false)
    }
    if (this.leadTransferee !== null && !this.trk.isVoter(this.leadTransferee)) this.abortLeaderTransfer()
    return confState
  }

  /**
   * Ends a removed leader's term of office once a voter of the new configuration holds its whole
   * log: that voter is told to campaign at once (TimeoutNow) and this node becomes a follower.
   * Returns whether it stepped down.
   */
  #maybeRetire(): boolean {
    const lastIndex = this.raftLog.lastIndex()
    let successor: NodeId | null = null
    for (const id of this.trk.ids()) {
      if (id === this.id || !this.trk.isVoter(id)) continue
      if (this.trk.progress.get(id)?.match === lastIndex) {
        successor = id
        break
      }
    }
    if (successor === null) return false
    this.logger.info('stepping down: removed from the voters; handing over', { id: this.id, to: successor })
    this.send({ type: MessageType.TimeoutNow, to: successor })
    this.becomeFollower(this.term, null)
    return true
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = null
  }

  /** How many reads this leader holds unanswered. */
  pendingReadCount(): number {
    return this.readOnly.pendingCount() + this.pendingReadIndexMessages.length
  }
}
