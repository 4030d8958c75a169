/**
 * Typed errors of the Raft core. Each class carries a stable `code` (`RAFT_WHAT`) so that callers
 * (the driver, the simulator, applications) can branch on it without matching message text.
 */

import { TandemError } from '@tandem/base'

/** The base of every operating error the core throws (a broken invariant is an `InvariantError`). */
export abstract class RaftCoreError extends TandemError {}

/** A proposal was not accepted: no leader is known, a transfer is in progress, or the log is full. */
export class ProposalDroppedError extends RaftCoreError {
  readonly code = 'RAFT_PROPOSAL_DROPPED'
  override readonly name = 'ProposalDroppedError'
}

/** The requested index precedes the first entry still held: it was compacted into a snapshot. */
export class CompactedError extends RaftCoreError {
  readonly code = 'RAFT_LOG_COMPACTED'
  override readonly name = 'CompactedError'
}

/** The requested index is beyond the last entry held. */
export class UnavailableError extends RaftCoreError {
  readonly code = 'RAFT_LOG_UNAVAILABLE'
  override readonly name = 'UnavailableError'
}

/**
 * Storage cannot produce a snapshot right now (for example while one is being taken). The leader
 * simply retries later; storage adapters throw this from `snapshot()`.
 */
export class SnapshotTemporarilyUnavailableError extends RaftCoreError {
  readonly code = 'RAFT_SNAPSHOT_TEMPORARILY_UNAVAILABLE'
  override readonly name = 'SnapshotTemporarilyUnavailableError'
}

/** The core's configuration, or the persisted state it was started from, is invalid. */
export class ConfigurationError extends RaftCoreError {
  readonly code = 'RAFT_INVALID_CONFIGURATION'
  override readonly name = 'ConfigurationError'
}

/** A membership change cannot be applied to the current configuration. */
export class ConfChangeError extends RaftCoreError {
  readonly code = 'RAFT_INVALID_CONF_CHANGE'
  override readonly name = 'ConfChangeError'
}

/** A message type that only the local driver may produce (Hup, Beat, ...) arrived through `step`. */
export class StepLocalMessageError extends RaftCoreError {
  readonly code = 'RAFT_STEP_LOCAL_MESSAGE'
  override readonly name = 'StepLocalMessageError'
}

/** A response arrived from a node that is not in the configuration. */
export class StepPeerNotFoundError extends RaftCoreError {
  readonly code = 'RAFT_STEP_PEER_NOT_FOUND'
  override readonly name = 'StepPeerNotFoundError'
}

/** A message is well-formed on the wire but violates Raft's rules (for example, non-contiguous entries). */
export class InvalidMessageError extends RaftCoreError {
  readonly code = 'RAFT_INVALID_MESSAGE'
  override readonly name = 'InvalidMessageError'
}

/**
 * A leader's append would overwrite an entry this node holds as committed. No correct leader sends
 * one (Leader Completeness, §5.4), so the sender — or this node's own disk — is broken or
 * malicious. The message is refused and the node is unchanged; unlike an ordinary bad message this
 * is a safety alarm, which the driver logs at error level and counts.
 */
export class CommittedEntryConflictError extends RaftCoreError {
  readonly code = 'RAFT_COMMITTED_ENTRY_CONFLICT'
  override readonly name = 'CommittedEntryConflictError'
}

/** `onPersisted` or `advance` named a batch that was never handed out, or handed back out of order. */
export class ReadyOrderError extends RaftCoreError {
  readonly code = 'RAFT_READY_ORDER'
  override readonly name = 'ReadyOrderError'
}
