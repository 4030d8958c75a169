/**
 * What the pure core hands its driver and reports about itself: the numbered `Ready`, roles,
 * progress and status, and the synchronous storage reader. The data model it works on (entries,
 * messages, snapshots, membership) lives one floor down in `../model/` and is re-exported here.
 */
import type { ConfState, Entry, HardState, Message, NodeId, Snapshot } from '../model/types.js'

export * from '../model/types.js'

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
