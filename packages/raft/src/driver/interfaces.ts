/**
 * The narrow interfaces the driver (`RaftNode`) is given: storage, network, state machine and
 * time. Everything outside the process is injected through these, so the same driver runs over
 * real disks and libp2p in production and over simulated ones in `@tandem/sim`.
 */
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  LogStorageReader,
  NodeId,
  Snapshot,
} from '../core/types.js'
import type { WireMessage } from '../model/wire-message.js'

/** One persisted batch: the durable part of a `Ready`. */
export interface PersistBatch {
  readonly hardState: HardState | null
  /** Entries to append; any stored entry at or after `entries[0].index` is replaced. */
  readonly entries: readonly Entry[]
  /** A snapshot received from the leader; when present, the stored log is replaced by it. */
  readonly snapshot: Snapshot | null
}

/**
 * Stable storage as the driver uses it. Reads are synchronous (the core's {@link LogStorageReader});
 * writes resolve only once durable. `@tandem/wal` provides a crash-safe implementation;
 * `MemoryLogStorage` in this package is the in-memory one.
 */
export interface LogStorage extends LogStorageReader {
  /** Durably writes a batch: the snapshot (if any), then the entries, then the hard state — one sync. */
  save(batch: PersistBatch): Promise<void>
  /**
   * Keeps `snapshot` (a state-machine snapshot taken locally at `snapshot.metadata.index`, which is
   * ≤ the applied index) as the newest snapshot and discards the entries through its index.
   */
  compact(snapshot: Snapshot): Promise<void>
}

/**
 * The network as the driver sees it: fire-and-forget sends (a message may be lost, duplicated or
 * delayed; Raft tolerates all three) and one handler for received messages.
 */
export interface Transport {
  /** Queues messages for delivery. Must not block; may drop under backpressure. */
  send(messages: readonly WireMessage[]): void
  /** Installs the handler for messages received from peers (replacing any earlier one). */
  onMessage(handler: (message: WireMessage) => void): void
  /** Reports peers the transport knows to be unreachable, so the leader can probe instead of stream. */
  onUnreachable?(handler: (peer: NodeId) => void): void
}

/** A snapshot on its way from a leader to one follower, with the leader's term when it sent it. */
export interface SnapshotMessage {
  readonly from: NodeId
  readonly to: NodeId
  /** The sender's term: the receiver steps the snapshot into its core as a `Snap` message of this term. */
  readonly term: number
  readonly snapshot: Snapshot
}

/**
 * The part of an `AbortSignal` a {@link SnapshotTransport} reads (the raft package is built without
 * DOM or Node types); a real `AbortSignal` fits it.
 */
export interface CancelSignal {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void): void
}

/**
 * The path snapshots take, apart from the Raft message stream so that a large snapshot in flight
 * never holds back heartbeats and appends. `@tandem/transport` implements it over
 * `/tandem/snapshot/1` (resumable, checksummed); `MemoryNetwork` and the simulator implement it too.
 */
export interface SnapshotTransport {
  /**
   * Sends a whole snapshot. Resolves once the receiver holds it whole (its handler took it);
   * rejects when the transfer failed, the receiver refused it, or `signal` aborted it. The driver
   * reports either outcome to the core, whose leader then retries.
   */
  send(message: SnapshotMessage, signal: CancelSignal): Promise<void>
  /**
   * Installs the handler of received snapshots (replacing any earlier one). A handler that throws
   * refuses the snapshot; the transport then fails the sender's `send`.
   */
  onSnapshot(handler: (message: SnapshotMessage) => void): void
}

/** The application's deterministic state machine. */
export interface StateMachine<Result = Uint8Array> {
  /**
   * Applies committed commands in log order and returns one result per command. Must be
   * deterministic: the same commands give the same state on every node.
   */
  apply(commands: readonly AppliedCommand[]): Promise<readonly Result[]> | readonly Result[]
  /** Serializes the state as of the last applied index. */
  snapshot(): Promise<Uint8Array> | Uint8Array
  /** Replaces the state with a snapshot's. */
  restore(data: Uint8Array): Promise<void> | void
  /**
   * Optional apply-time veto on membership changes. Called for each committed change that changes
   * something (not for leaving a joint configuration, which must always complete), after every
   * command before it in the log has been applied, on every node: it must be deterministic — a
   * function of the change, `at` and the applied state only. A string refuses the change: it then
   * alters the configuration of no node (the entry is applied as a no-op) and its proposer's
   * promise rejects with `ConfChangeVetoedError` carrying the string. `null` or `undefined` accepts.
   *
   * @example
   * ```ts
   * vetoConfChange: (change, at) =>
   *   change.changes.some((c) => c.type === ConfChangeType.AddLearner && at.confState.voters.includes(c.nodeId))
   *     ? 'would demote a voter'
   *     : null
   * ```
   */
  vetoConfChange?(change: ConfChange, at: ConfChangeAt): string | null | undefined
}

/** Where a committed membership change is applied: its entry and the configuration before it. */
export interface ConfChangeAt {
  readonly index: number
  readonly term: number
  /** The configuration in force before this change. */
  readonly confState: ConfState
}

/** A committed command as handed to the state machine, with its fencing token. */
export interface AppliedCommand {
  readonly index: number
  readonly term: number
  /** The application's bytes, as proposed. */
  readonly data: Uint8Array
  /** `(term, index)` folded into one monotonic token: later writes always carry a larger one. */
  readonly fencingToken: bigint
}

/** Time as the driver sees it: the shared vocabulary's monotonic clock and timer handle. */
export type { Clock, TimerHandle } from '@tandem/base'
