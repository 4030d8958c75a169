/**
 * The data the Raft core reads, writes and exchanges. These shapes are the contract between the
 * pure core (`src/core/`), the driver (`src/driver/`), the wire codec (`src/codec/`), storage
 * adapters (such as `@tandem/wal`'s) and the simulator. They follow etcd/raft's `raftpb`, with
 * string node ids (a node id is its libp2p peer id) and camelCase names.
 */

/** A node's identity in the cluster. In a deployed cluster it is the node's libp2p peer id. */
export type NodeId = string

/** The kinds of log entry. A configuration change is carried in the log like any command. */
export const EntryType = {
  /** An application command (or an empty entry a new leader appends to commit its term). */
  Normal: 0,
  /** A membership change: `data` is an encoded {@link ConfChange}. */
  ConfChange: 1,
} as const
/** One of {@link EntryType}'s values. */
export type EntryType = (typeof EntryType)[keyof typeof EntryType]

/** One log entry. `index` starts at 1; `term` is the leader term that created it. */
export interface Entry {
  readonly term: number
  readonly index: number
  readonly type: EntryType
  readonly data: Uint8Array
}

/** What must be on disk before a node answers a vote or an append: its term, its vote, its commit. */
export interface HardState {
  readonly term: number
  /** The candidate voted for in `term`, or `null` when none. */
  readonly vote: NodeId | null
  readonly commit: number
}

/**
 * The membership at some point of the log. During a joint configuration `votersOutgoing` holds the
 * old voters (C_old) and `voters` the new ones (C_new); a decision needs a majority of both.
 */
export interface ConfState {
  readonly voters: readonly NodeId[]
  readonly learners: readonly NodeId[]
  /** The outgoing voters of a joint configuration; empty when not joint. */
  readonly votersOutgoing: readonly NodeId[]
  /** Voters of the outgoing configuration that become learners when the joint configuration is left. */
  readonly learnersNext: readonly NodeId[]
  /** Whether the leader leaves the joint configuration by itself once it is committed. */
  readonly autoLeave: boolean
}

/** Where a snapshot sits in the log, and the membership at that point. */
export interface SnapshotMetadata {
  readonly index: number
  readonly term: number
  readonly confState: ConfState
}

/** A state-machine snapshot: everything applied through `metadata.index`. */
export interface Snapshot {
  readonly metadata: SnapshotMetadata
  readonly data: Uint8Array
}

/** The kinds of membership change. */
export const ConfChangeType = {
  AddVoter: 0,
  RemoveNode: 1,
  AddLearner: 2,
} as const
/** One of {@link ConfChangeType}'s values. */
export type ConfChangeType = (typeof ConfChangeType)[keyof typeof ConfChangeType]

/** One step of a membership change. */
export interface ConfChangeSingle {
  readonly type: ConfChangeType
  readonly nodeId: NodeId
}

/** How a change of several voters is carried out. */
export const ConfChangeTransition = {
  /** Single-step when the change touches at most one voter, otherwise joint with automatic leave. */
  Auto: 0,
  /** Always joint consensus; the leader leaves the joint configuration by itself. */
  JointImplicit: 1,
  /** Always joint consensus; the application proposes an empty change to leave it. */
  JointExplicit: 2,
} as const
/** One of {@link ConfChangeTransition}'s values. */
export type ConfChangeTransition = (typeof ConfChangeTransition)[keyof typeof ConfChangeTransition]

/**
 * A membership change (etcd's ConfChangeV2). An empty `changes` list with a joint configuration in
 * force means "leave the joint configuration".
 */
export interface ConfChange {
  readonly transition: ConfChangeTransition
  readonly changes: readonly ConfChangeSingle[]
  /** Opaque application bytes carried along (for example the new member's addresses). */
  readonly context: Uint8Array
}

/** Every message kind the core sends, receives, or takes from its own driver (the local ones). */
export const MessageType = {
  /** Local: start an election (campaign). */
  Hup: 0,
  /** Local: a leader's heartbeat tick. */
  Beat: 1,
  /** A proposal: local on the leader, or forwarded from a follower. */
  Prop: 2,
  App: 3,
  AppResp: 4,
  Vote: 5,
  VoteResp: 6,
  PreVote: 7,
  PreVoteResp: 8,
  Snap: 9,
  Heartbeat: 10,
  HeartbeatResp: 11,
  /** Local: the transport could not reach `from`. */
  Unreachable: 12,
  /** Local: the result of sending a snapshot to `from` (`reject` = failed). */
  SnapStatus: 13,
  /** Local: the leader checks that it still hears from a quorum. */
  CheckQuorum: 14,
  /** Ask the leader to hand leadership to `from` (the transferee). */
  TransferLeader: 15,
  /** The leader tells the transferee to campaign at once, skipping PreVote and the lease. */
  TimeoutNow: 16,
  ReadIndex: 17,
  ReadIndexResp: 18,
} as const
/** One of {@link MessageType}'s values. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/**
 * One Raft message. Fields unused by a message type are zero, empty or `null`, as in etcd's raftpb.
 */
export interface Message {
  readonly type: MessageType
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  /** The term of the entry at `index` (App: the entry before `entries`; Vote: the last log term). */
  readonly logTerm: number
  readonly index: number
  readonly entries: readonly Entry[]
  readonly commit: number
  /** Present on `Snap` messages only. */
  readonly snapshot: Snapshot | null
  readonly reject: boolean
  /** On a rejected AppResp: the follower's hint of where the logs may match (fast backtracking). */
  readonly rejectHint: number
  /** On a rejected AppResp: the term of the follower's entry at `rejectHint`. */
  readonly rejectHintTerm: number
  /** ReadIndex request context (opaque to the core), or a campaign marker for transfer votes. */
  readonly context: Uint8Array
}

/** The role a node plays. */
export const Role = {
  Follower: 0,
  PreCandidate: 1,
  Candidate: 2,
  Leader: 3,
} as const
/** One of {@link Role}'s values. */
export type Role = (typeof Role)[keyof typeof Role]

/** Volatile state that is useful to show but need not be persisted. */
export interface SoftState {
  readonly leader: NodeId | null
  readonly role: Role
}

/** A confirmed read: every entry through `index` must be applied before the read with `context` may run. */
export interface ReadState {
  readonly index: number
  readonly context: Uint8Array
}

/**
 * Everything the driver must do, in one numbered batch. The driver performs it in this order:
 *
 * 1. persist `hardState`, `entries` and `snapshot` (one fsync covers all three);
 * 2. send `messages` — each marked whether it may leave before step 1 completes;
 * 3. apply `snapshot`, then `committedEntries`, to the state machine; serve `readStates`;
 * 4. acknowledge with `advance(ready)` (or, when persisting asynchronously, `onPersisted(number)`
 *    once step 1 is durable, then `advance`).
 */
export interface Ready {
  /** Increases by one for every batch handed out. */
  readonly number: number
  /** Present when it changed since the last batch. */
  readonly softState: SoftState | null
  /** Present when it changed since the last batch; must be durable before `afterPersist` messages leave. */
  readonly hardState: HardState | null
  /** Entries to append to stable storage (replacing any stored suffix from the first one's index). */
  readonly entries: readonly Entry[]
  /** A snapshot to persist and then apply; `null` when none. */
  readonly snapshot: Snapshot | null
  /** Entries committed by a quorum, to apply in order. */
  readonly committedEntries: readonly Entry[]
  /** Messages to send, with their ordering constraint relative to persisting this batch. */
  readonly messages: readonly OutboundMessage[]
  /** Linearizable reads whose read index is now known. */
  readonly readStates: readonly ReadState[]
}

/** A message to send, and whether it may leave before the batch's state is durable. */
export interface OutboundMessage {
  readonly message: Message
  /**
   * `true` when the message must not leave until this batch's `hardState`, `entries` and
   * `snapshot` are durable (vote responses, append responses, and anything from a follower that
   * acknowledges state; also a candidate's vote requests, because it counts its own vote at once,
   * and every message sent while the node's current term is not yet durable). A leader's appends
   * to followers may leave at once: the leader counts its own log in the quorum only after it is
   * persisted.
   */
  readonly afterPersist: boolean
}

/** Where the leader stands with one follower (etcd's tracker.Progress). */
export const ProgressState = {
  Probe: 0,
  Replicate: 1,
  Snapshot: 2,
} as const
/** One of {@link ProgressState}'s values. */
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState]

/** The leader's view of one peer, for status and metrics. */
export interface PeerProgress {
  readonly id: NodeId
  readonly match: number
  readonly next: number
  readonly state: ProgressState
  readonly learner: boolean
  readonly recentActive: boolean
  readonly inflight: number
}

/** A snapshot of the core's state for status pages and tests. */
export interface CoreStatus {
  readonly id: NodeId
  readonly role: Role
  readonly term: number
  readonly vote: NodeId | null
  readonly leader: NodeId | null
  readonly commit: number
  readonly applied: number
  readonly firstIndex: number
  readonly lastIndex: number
  readonly confState: ConfState
  /** Per-peer progress; empty unless this node leads. */
  readonly progress: readonly PeerProgress[]
  readonly leadTransferee: NodeId | null
}

/**
 * Stable storage as the core reads it: synchronous, backed by memory (the WAL adapter keeps the
 * entries since the last snapshot in memory, as etcd's MemoryStorage does beside its WAL). The
 * driver writes to it after each persisted `Ready`; the core never writes.
 */
export interface LogStorageReader {
  /** The hard state and membership last persisted (the membership of the newest snapshot or conf entry applied). */
  initialState(): { readonly hardState: HardState; readonly confState: ConfState }
  /** Entries in `[low, high)`, stopping early once `maxBytes` of entry data is reached (always at least one). */
  entries(low: number, high: number, maxBytes: number): readonly Entry[]
  /** The term of the entry at `index`; the snapshot's index also answers (its term). Throws {@link CompactedError} / {@link UnavailableError}. */
  term(index: number): number
  /** The index of the first entry still held (the snapshot index + 1). */
  firstIndex(): number
  /** The index of the last entry held (the snapshot index when none). */
  lastIndex(): number
  /**
   * The newest snapshot, sent by a leader to a follower that needs compacted entries. Its
   * membership must include that follower, or the follower refuses it (as etcd's does): when a
   * member was added after the stored snapshot was taken, return (or take) a snapshot at the
   * applied index. May throw {@link SnapshotTemporarilyUnavailableError}; the leader retries later.
   */
  snapshot(): Snapshot
}

/**
 * The source of election jitter and the logger are the shared vocabulary's (`@tandem/base`),
 * re-exported so that the data model reads as one list.
 */
export type { Logger, RandomSource } from '@tandem/base'
