/**
 * Typed errors of @tandem/node. Each has a stable `NODE_*` code; messages never carry values, keys
 * or secrets.
 */
import { TandemError } from '@tandem/base'

/** Bytes of a log entry's operation are not a valid encoding (truncated, oversized, out of range). */
export class MalformedOperationError extends TandemError {
  readonly code = 'NODE_MALFORMED_OPERATION'
  override readonly name = 'MalformedOperationError'
}

/**
 * A delta stream's files on disk are damaged beyond a torn tail (a checksum mismatch inside a
 * complete record, a record of the wrong type, a file that belongs to no stream): the store does
 * not open, and nothing is changed on disk. `stream` names the stream (or the file), `cause` holds
 * the WAL's own error when there is one.
 */
export class DeltaStreamCorruptionError extends TandemError {
  readonly code = 'NODE_DELTA_STREAM_CORRUPTION'
  override readonly name = 'DeltaStreamCorruptionError'
  readonly stream: string
  constructor(stream: string, reason: string, options?: { readonly cause?: unknown }) {
    super(`delta stream ${stream}: ${reason}`, options)
    this.stream = stream
  }
}

/**
 * A delta stream was asked to drop batches whose fold is not yet covered by the persisted commit
 * index or a snapshot (design.md, "Folding into the Raft log"): after a crash the node could
 * restart below the fold, re-apply the log without it, and need the very batches it dropped.
 */
export class PruneNotCoveredError extends TandemError {
  readonly code = 'NODE_PRUNE_NOT_COVERED'
  override readonly name = 'PruneNotCoveredError'
}

/**
 * The writer's own stream for this start already exists on disk: an incarnation is drawn fresh at
 * every start, so a reused one would let a new batch take a sequence an earlier one already had.
 */
export class OwnStreamExistsError extends TandemError {
  readonly code = 'NODE_OWN_STREAM_EXISTS'
  override readonly name = 'OwnStreamExistsError'
}

/** A batch is larger than the store's `batchBytesMax` (from the network: refused, never stored). */
export class DeltaBatchTooLargeError extends TandemError {
  readonly code = 'NODE_DELTA_BATCH_TOO_LARGE'
  override readonly name = 'DeltaBatchTooLargeError'
}

/**
 * An epoch wrap does not open with this node's identity key for the binding it was looked up under
 * (it names another recipient, epoch or cluster, or was tampered with). The node stays without that
 * epoch's key; the message names no secret.
 */
export class EpochUnwrapError extends TandemError {
  readonly code = 'NODE_EPOCH_UNWRAP_FAILED'
  override readonly name = 'EpochUnwrapError'
}

/**
 * `promote` found the learner still behind: its replication match stayed below the commit index the
 * leader had when the promotion was asked for, until the wait ran out (etcd refuses the same way: a
 * voter that cannot acknowledge yet only raises the quorum it must be part of). Nothing was proposed;
 * retry once the learner caught up (`cluster.status()` shows its lag).
 *
 * @example
 * ```ts
 * try {
 *   await node.cluster.promote(memberId)
 * } catch (error) {
 *   if (error instanceof LearnerNotReadyError) console.log(`${error.member} at ${error.match} of ${error.commit}`)
 * }
 * ```
 */
export class LearnerNotReadyError extends TandemError {
  readonly code = 'NODE_LEARNER_NOT_READY'
  override readonly name = 'LearnerNotReadyError'
  readonly member: string
  /** The learner's match index as the leader last saw it. */
  readonly match: number
  /** The commit index it had to reach. */
  readonly commit: number
  constructor(member: string, match: number, commit: number) {
    super(`${member} is not caught up: match ${match} of commit ${commit}; promote it once it is`)
    this.member = member
    this.match = match
    this.commit = commit
  }
}

/**
 * C refused a membership operation (`add-learner`, `promote`, `remove`): the member's storeId was a
 * member before, the key is revoked, an AddLearner would demote a voter, and the like. `operation`
 * names the control operation, `reason` C's refusal; Raft's configuration was not changed.
 */
export class MembershipChangeRefusedError extends TandemError {
  readonly code = 'NODE_MEMBERSHIP_REFUSED'
  override readonly name = 'MembershipChangeRefusedError'
  readonly operation: string
  readonly reason: string
  constructor(operation: string, reason: string) {
    super(`${operation} refused: ${reason}`)
    this.operation = operation
    this.reason = reason
  }
}
