/**
 * The pure Raft core: a synchronous, deterministic state machine in etcd/raft's shape. The driver
 * (`../driver/`) owns time, storage writes and the network; the core only reads storage.
 */

export { Changer, enterJointOf, isLeaveJoint, restoreConfig } from './confchange.js'
export type { RaftConfig, ResolvedRaftConfig } from './config.js'
export { resolveConfig, silentLogger } from './config.js'
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
export { Progress } from './progress.js'
export {
  jointCommittedIndex,
  jointVoteResult,
  majorityCommittedIndex,
  majorityVoteResult,
  VoteResult,
} from './quorum.js'
export { campaignTransferContext, type MessageInit, makeMessage, Raft } from './raft.js'
export { RawNode } from './raw-node.js'
export { ReadOnlyOption } from './read-only.js'
export * from './types.js'
