/**
 * The pure Raft core: a synchronous, deterministic state machine in etcd/raft's shape. The driver
 * owns time, storage writes and the network; the core only reads storage.
 *
 * Modules: `log.ts` + `unstable.ts` (the log over storage and its unpersisted tail),
 * `progress.ts` + `inflights.ts` + `tracker.ts` (the leader's view of each follower), `quorum.ts`
 * (majority and joint counting), `confchange.ts` (membership changes), `read-only.ts` (ReadIndex),
 * `raft.ts` (roles and step functions), `raw-node.ts` (the public face and the numbered `Ready`).
 *
 * What the driver must do (see {@link RawNode} for the loop):
 * - Persist each `Ready` before applying it, and persist batches in order; call
 *   `onPersisted(number)` once a batch is durable (storage must already serve its entries), and
 *   only then send its `afterPersist` messages. A leader counts its own log towards commit only
 *   from `onPersisted`, so a one-voter cluster commits one round after persisting.
 * - Apply `committedEntries` in order (they may include entries of the same batch: hence persist
 *   first). For each ConfChange entry call `applyConfChange` before `advance(ready)`; a
 *   `ConfChangeError` means every node skips that entry alike.
 * - Report snapshot transfers with `reportSnapshot(id, ok)` (the follower's progress stays in
 *   Snapshot state until then) and unreachable peers with `reportUnreachable(id)`.
 * - Bootstrap a cluster with a snapshot at index ≥ 1 whose membership names the founding voters:
 *   a node added later then learns the membership from a snapshot. Its storage's `snapshot()` must
 *   name the follower it is sent to (take a fresh one if a member was added since).
 * - Prefer transferring leadership before removing the leader. The core copes either way: a
 *   removed leader appends nothing after its removal and hands over to a caught-up voter before
 *   stepping down.
 * - Catch the typed errors of `step` (a bad or stray message is refused, the node is unchanged) and
 *   of `propose*` (`ProposalDroppedError`: no leader, a transfer in progress, too many
 *   uncommitted bytes, or this leader was removed).
 */
export type { RaftConfig, ResolvedRaftConfig } from './config.js'
export { resolveConfig } from './config.js'
export {
  CompactedError,
  ConfChangeError,
  ConfigurationError,
  InvalidMessageError,
  ProposalDroppedError,
  RaftCoreError,
  ReadyOrderError,
  SnapshotTemporarilyUnavailableError,
  StepLocalMessageError,
  StepPeerNotFoundError,
  UnavailableError,
} from './errors.js'
export { entriesBytes, entryBytes, RaftLog } from './log.js'
export { CAMPAIGN_TRANSFER_CONTEXT, type MessageInit, makeMessage } from './messages.js'
export { Progress } from './progress.js'
export {
  jointCommittedIndex,
  jointVoteResult,
  majorityCommittedIndex,
  majorityVoteResult,
  VoteResult,
} from './quorum.js'
export { Raft } from './raft.js'
export { RawNode } from './raw-node.js'
export { ReadOnlyOption } from './read-only.js'
export * from './types.js'
