/**
 * The Raft data model (etcd's raftpb): what the core, the driver, the wire codec and storage
 * adapters (such as `@tandem/wal`'s) exchange. It sits below all of them and imports none of them.
 * String node ids (a node id is its libp2p peer id) and camelCase names.
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
