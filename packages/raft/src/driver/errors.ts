/**
 * Typed errors of the driver. Each class carries a stable `code`. `ProposalDroppedError` is the
 * core's own class, re-exported so that callers catch one class whichever layer dropped a proposal.
 */
import { TandemError } from '@tandem/base'
import type { NodeId } from '../core/types.js'

export { ProposalDroppedError } from '../core/errors.js'

/** The base of every operating error the driver throws (a broken invariant is an `InvariantError`). */
export abstract class RaftNodeError extends TandemError {}

/** This node cannot take the request: it is not the leader (or knows no leader to forward to). */
export class NotLeaderError extends RaftNodeError {
  readonly code = 'RAFT_NOT_LEADER'
  override readonly name = 'NotLeaderError'
  /** The leader this node knows of, to retry there; `null` when none is known (an election runs). */
  readonly leaderHint: NodeId | null

  constructor(leaderHint: NodeId | null) {
    super(leaderHint === null ? 'no leader is known' : `not the leader; the leader is ${leaderHint}`)
    this.leaderHint = leaderHint
  }
}

/** The request did not complete within its deadline. It may still take effect later. */
export class TimeoutError extends RaftNodeError {
  readonly code = 'RAFT_TIMEOUT'
  override readonly name = 'TimeoutError'
}

/** A proposal is larger than the configured `proposalBytesMax`. */
export class ProposalTooLargeError extends RaftNodeError {
  readonly code = 'RAFT_PROPOSAL_TOO_LARGE'
  override readonly name = 'ProposalTooLargeError'
  readonly sizeBytes: number
  readonly sizeBytesMax: number

  constructor(sizeBytes: number, sizeBytesMax: number) {
    super(`proposal of ${sizeBytes} bytes exceeds the limit of ${sizeBytesMax} bytes`)
    this.sizeBytes = sizeBytes
    this.sizeBytesMax = sizeBytesMax
  }
}

/** The node was stopped (or never started) before the request completed. */
export class NodeStoppedError extends RaftNodeError {
  readonly code = 'RAFT_NODE_STOPPED'
  override readonly name = 'NodeStoppedError'
}

/** A snapshot's driver data (deduplication sessions and state) is corrupt or of an unknown version. */
export class SnapshotFormatError extends RaftNodeError {
  readonly code = 'RAFT_SNAPSHOT_FORMAT'
  override readonly name = 'SnapshotFormatError'
}

/** The storage or the state machine failed; the node stops, since its state can no longer be trusted. */
export class NodeFailedError extends RaftNodeError {
  readonly code = 'RAFT_NODE_FAILED'
  override readonly name = 'NodeFailedError'
}

/** A snapshot could not be handed to a peer: the peer is unreachable, gone, or refused it. */
export class SnapshotTransferFailedError extends RaftNodeError {
  readonly code = 'RAFT_SNAPSHOT_TRANSFER_FAILED'
  override readonly name = 'SnapshotTransferFailedError'
}

/** Why a proposal got {@link NoQuorumError}. */
export type NoQuorumReason =
  /** No leader was known when the proposal was made. */
  | 'no-leader'
  /** The leader was lost (it stepped down, or this node stopped hearing from it) before the proposal left this node. */
  | 'leader-lost'
  /** The proposal left this node but was not applied here within `noQuorumTimeoutMs`. */
  | 'not-committed'

/**
 * A proposal could not reach a quorum within `noQuorumTimeoutMs` (only with that option on).
 *
 * `outcome: 'not-applied'` is a definite answer: the proposal was never handed to the transport nor
 * appended to any log, and it was withdrawn before this error was raised, so it can never commit.
 * `outcome: 'unknown'`: it may still commit. Such a proposal is not cancelled — the node keeps
 * proposing it (to each new leader) until it applies or the node stops; only the promise settled.
 *
 * @example
 * ```ts
 * try {
 *   await node.propose(command)
 * } catch (error) {
 *   if (error instanceof NoQuorumError && error.outcome === 'not-applied') retryLater(command)
 * }
 * ```
 */
export class NoQuorumError extends RaftNodeError {
  readonly code = 'RAFT_NO_QUORUM'
  override readonly name = 'NoQuorumError'
  readonly outcome: 'not-applied' | 'unknown'
  /** What kept it from a quorum. */
  readonly reason: NoQuorumReason

  constructor(outcome: 'not-applied' | 'unknown', reason: NoQuorumReason) {
    super(
      `no quorum (${reason}); the proposal is ${outcome === 'not-applied' ? 'withdrawn, not applied' : 'of unknown outcome'}`,
    )
    this.outcome = outcome
    this.reason = reason
  }
}

/**
 * The state machine's `vetoConfChange` refused a committed membership change at apply; no node's
 * configuration changed.
 *
 * @example
 * ```ts
 * await node.addLearner(id).catch((error) => {
 *   if (error instanceof ConfChangeVetoedError) console.log('refused:', error.reason)
 * })
 * ```
 */
export class ConfChangeVetoedError extends RaftNodeError {
  readonly code = 'RAFT_CONF_CHANGE_VETOED'
  override readonly name = 'ConfChangeVetoedError'
  /** The state machine's reason. */
  readonly reason: string

  constructor(reason: string) {
    super(`the membership change was vetoed at apply: ${reason}`)
    this.reason = reason
  }
}

/** Why {@link CompactionRefusedError} refused an offered snapshot. */
export type CompactionRefusal =
  /** The offered index is beyond what this node has applied. */
  | 'not-applied'
  /** This node's log holds a different term at the offered index (or no longer holds the index). */
  | 'term-mismatch'
  /** The log is already compacted through the offered index. */
  | 'already-compacted'
  /** The snapshot is larger than `snapshotBytesMax`. */
  | 'too-large'
  /** The snapshot's data is not a RaftNode snapshot payload. */
  | 'malformed'

/**
 * `RaftNode.compactTo` refused an offered snapshot: it does not match this node's committed log (or
 * is malformed); the log is unchanged.
 *
 * @example
 * ```ts
 * await node.compactTo(offer.index, offer.term, offer.data).catch((error) => {
 *   if (error instanceof CompactionRefusedError) log.warn('offer refused', { reason: error.reason })
 * })
 * ```
 */
export class CompactionRefusedError extends RaftNodeError {
  readonly code = 'RAFT_COMPACTION_REFUSED'
  override readonly name = 'CompactionRefusedError'
  readonly reason: CompactionRefusal

  constructor(reason: CompactionRefusal, message: string) {
    super(`compaction to an offered snapshot refused (${reason}): ${message}`)
    this.reason = reason
  }
}
