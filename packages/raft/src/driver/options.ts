/**
 * The options of a RaftNode and the shapes it reports, and the resolution of the options'
 * defaults.
 */
import type { ConfState, Logger, NodeId, PeerProgress, RandomSource, Role } from '../core/types.js'
import type { Clock, LogStorage, SnapshotTransport, StateMachine, Transport } from './interfaces.js'

/** How a {@link RaftNode} is built. Only the first seven fields are required. */
export interface RaftNodeOptions<Result = Uint8Array> {
  /** This node's id (its libp2p peer id in a deployed cluster). */
  readonly id: NodeId
  readonly storage: LogStorage
  readonly transport: Transport
  /** The path of snapshots, apart from the Raft messages (see {@link SnapshotTransport}). */
  readonly snapshotTransport: SnapshotTransport
  readonly stateMachine: StateMachine<Result>
  readonly clock: Clock
  /** Election jitter; inject a seeded source for replayable runs. */
  readonly random: RandomSource
  readonly logger?: Logger
  /** Milliseconds per core tick. Default 100. */
  readonly tickMs?: number
  /** Ticks of leader silence before a follower campaigns (randomized up to twice this). Default 10. */
  readonly electionTicks?: number
  /** Ticks between heartbeats. Default 1. */
  readonly heartbeatTicks?: number
  /** Default true. */
  readonly checkQuorum?: boolean
  /** Default true. */
  readonly preVote?: boolean
  /**
   * `'safe'` (default) confirms every read with a heartbeat round. `'lease-based'` trusts the
   * leader's lease instead, which is only correct while clocks advance at the same rate (drift
   * below the election timeout); it needs `checkQuorum`.
   */
  readonly readOnly?: 'safe' | 'lease-based'
  /** Whether a follower forwards proposals to the leader (default) or rejects them with {@link NotLeaderError}. */
  readonly proposalForwarding?: boolean
  /** The largest command accepted by {@link RaftNode.propose}. Default 1 MiB. */
  readonly proposalBytesMax?: number
  /** The most entry bytes per append message. Default 1 MiB. */
  readonly appendBytesMax?: number
  /** The most committed-entry bytes applied per batch. Default 16 MiB. */
  readonly applyBatchBytesMax?: number
  /** The most uncommitted bytes a leader accepts before dropping proposals (0 = no limit). Default 64 MiB. */
  readonly uncommittedBytesMax?: number
  /** The most append messages in flight per follower. Default 256. */
  readonly inflightAppendsMax?: number
  /** Default deadline of a proposal or membership change. Default 10 s. */
  readonly proposalTimeoutMs?: number
  /** Default deadline of a linearizable read. Default 10 s. */
  readonly readTimeoutMs?: number
  /** A proposal or read not settled after this long is sent again. Default: one election timeout. */
  readonly retryMs?: number
  /** Snapshot and compact once this many entries were applied since the last snapshot (0 = never). Default 10,000. */
  readonly snapshotEntriesThreshold?: number
  /** Snapshot and compact once this many bytes of entries were applied since the last snapshot (0 = never). Default 64 MiB. */
  readonly snapshotLogBytesThreshold?: number
  /** The largest snapshot a follower accepts. Default 1 GiB. */
  readonly snapshotBytesMax?: number
  /**
   * Decides when to snapshot, in place of the two thresholds above (which it ignores): asked after
   * each round that applied entries, with the progress since the last snapshot. An application
   * whose threshold moves with its state (the hybrid node: max(64 MiB, 2 × the last snapshot)) or
   * that may snapshot only at some indices gives it. A membership change that needs a fresh
   * snapshot for a new member still takes one.
   *
   * @example
   * ```ts
   * new RaftNode({ ...required, snapshotDue: ({ logBytesSinceSnapshot }) => logBytesSinceSnapshot >= 64 << 20 })
   * ```
   */
  readonly snapshotDue?: (progress: SnapshotProgress) => boolean
  /**
   * This node's proposer identity for deduplication. It must never be reused by another process
   * or incarnation; the default combines the node id, the log's state at start and 64 random bits.
   */
  readonly clientId?: string
  /** The most client sessions kept for deduplication. Default 10,000. Must be equal on every node. */
  readonly sessionsMax?: number
  /**
   * Fail fast: a proposal or membership change not applied on this node within this many
   * milliseconds is rejected with `NoQuorumError` (checked once a tick, so the rejection comes
   * before the bound has passed when the bound is at least one tick). 0 (the default) turns it off:
   * a proposal then waits for `proposalTimeoutMs`.
   *
   * With it on, `outcome: 'not-applied'` is given only to a proposal never handed to the transport
   * nor appended to any log, and it is withdrawn first; every other one gets `outcome: 'unknown'`
   * and stays proposed (re-forwarded to each new leader) until it applies or the node stops. When
   * the leader is lost, proposals not yet sent fail at once (`reason: 'leader-lost'`), and a
   * proposal made while no leader is known fails with `reason: 'no-leader'` instead of
   * `NotLeaderError`. The hybrid node uses {@link defaultNoQuorumTimeoutMs}.
   *
   * @example
   * ```ts
   * new RaftNode({ ...required, noQuorumTimeoutMs: defaultNoQuorumTimeoutMs(100, 10) }) // 4,000 ms
   * ```
   */
  readonly noQuorumTimeoutMs?: number
  /**
   * `true` (default): every proposal carries the driver's dedup header and is deduplicated by the
   * built-in client sessions. `false`: no header and no sessions — a proposal's bytes are stored and
   * handed to `stateMachine.apply` exactly as proposed, membership changes keep their `context`,
   * and the application deduplicates in its own state machine: a proposal re-sent to a new leader
   * (or after `retryMs`) may commit more than once, and every copy is applied (for membership
   * changes, `vetoConfChange` is where a repeated one is refused). Needs {@link commandKey}; every
   * node of a cluster must use the same setting.
   */
  readonly builtInSessions?: boolean
  /**
   * With `builtInSessions: false`: a command's identity, to match an applied entry to the proposal
   * waiting on it (the first applied copy settles it). It must be unique among this node's pending
   * proposals; `null` means none (such a command cannot be proposed). The identity is read from
   * unverified bytes: a forged entry carrying the same identity would settle the proposal with the
   * state machine's result for the forgery, so derive it from what the state machine verifies (the
   * hybrid node: writer key, incarnation and sequence) and report a refusal in the result.
   * Membership changes are matched by their encoded bytes instead.
   */
  readonly commandKey?: (command: Uint8Array) => string | null
}

/**
 * The fail-fast bound of design.md: max(2 s, 2 × the maximum election timeout), where the
 * election timeout is randomized below `2 × electionTicks` ticks.
 *
 * @example
 * ```ts
 * defaultNoQuorumTimeoutMs(100, 10) // 4,000: the election timeout is at most 2,000 ms
 * ```
 */
export function defaultNoQuorumTimeoutMs(tickMs: number, electionTicks: number): number {
  return Math.max(2_000, 2 * (2 * electionTicks * tickMs))
}

/** Options of one proposal. */
export interface ProposeOptions {
  /** Deadline in milliseconds; default the node's `proposalTimeoutMs`. */
  readonly timeoutMs?: number
  /**
   * An application-chosen identity, to retry a proposal across processes and still apply it once.
   * `floor` tells the cluster every sequence below it has been answered and may be forgotten.
   */
  readonly idempotency?: { readonly clientId: string; readonly sequence: number; readonly floor?: number }
}

/** Options of a read. */
export interface ReadOptions {
  /**
   * `true`: confirm leadership first (ReadIndex), so the read sees every write completed before it
   * began. `false`: answer at once from this node's state, which may be stale.
   */
  readonly linearizable: boolean
  readonly timeoutMs?: number
}

/** A node's state for status pages, metrics and tests. */
export interface RaftNodeStatus {
  readonly id: NodeId
  readonly role: Role
  readonly term: number
  readonly leader: NodeId | null
  readonly commit: number
  readonly applied: number
  /** The first and last index held in the log, and their difference plus one. */
  readonly firstIndex: number
  readonly lastIndex: number
  readonly logEntries: number
  readonly snapshotIndex: number
  /**
   * Bytes of entry data applied since the last snapshot (taken, installed or adopted with
   * `compactTo`): what the snapshot byte threshold is measured against, and what a replica that
   * takes no snapshots of its own watches to decide when to adopt one.
   */
  readonly logBytesSinceSnapshot: number
  readonly confState: ConfState
  /** Per-peer replication progress; empty unless this node leads. */
  readonly progress: readonly PeerProgress[]
  /** How many elections this node has started (times it became a candidate). */
  readonly electionCount: number
  /** How many times the known leader changed. */
  readonly leaderChangeCount: number
  /**
   * How many messages were refused because they would have overwritten an entry this node holds
   * as committed. Always 0 in a correct cluster: anything else means a peer (or this node's disk)
   * broke Raft's safety rules; each refusal is also logged at error level.
   */
  readonly safetyRefusalCount: number
  readonly pendingProposals: number
  readonly pendingReads: number
  readonly state: 'created' | 'running' | 'stopped' | 'failed'
}

/** What {@link RaftNode.onChange} reports. */
export type RaftNodeEvent =
  | { readonly type: 'role'; readonly role: Role; readonly term: number }
  | { readonly type: 'leader'; readonly leader: NodeId | null; readonly term: number }
  | { readonly type: 'membership'; readonly confState: ConfState; readonly index: number }
  | { readonly type: 'snapshot-taken'; readonly index: number }
  | { readonly type: 'snapshot-installed'; readonly index: number }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: Error }

/** What {@link RaftNodeOptions.snapshotDue} is asked with. */
export interface SnapshotProgress {
  /** The applied index: where a snapshot taken now would be. */
  readonly applied: number
  /** The index of the last snapshot (taken, installed or adopted). */
  readonly snapshotIndex: number
  /** Bytes of entry data applied since the last snapshot. */
  readonly logBytesSinceSnapshot: number
}

/** Every tunable of a RaftNode, defaults filled in. */
export type RaftNodeSettings = Required<
  Omit<
    RaftNodeOptions<unknown>,
    | 'id'
    | 'storage'
    | 'transport'
    | 'snapshotTransport'
    | 'stateMachine'
    | 'clock'
    | 'random'
    | 'logger'
    | 'clientId'
    | 'commandKey'
    | 'snapshotDue'
  >
>

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be positive, got ${value}`)
  return value
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be ≥ 0, got ${value}`)
  return value
}

/** Fills in the defaults and checks every bound; throws RangeError on a nonsensical option. */
export function resolveSettings<Result>(options: RaftNodeOptions<Result>): RaftNodeSettings {
  if (options.builtInSessions === false && options.commandKey === undefined) {
    throw new RangeError('builtInSessions: false needs commandKey')
  }
  const tickMs = positive('tickMs', options.tickMs ?? 100)
  const electionTicks = positive('electionTicks', options.electionTicks ?? 10)
  return {
    tickMs,
    electionTicks,
    heartbeatTicks: positive('heartbeatTicks', options.heartbeatTicks ?? 1),
    checkQuorum: options.checkQuorum ?? true,
    preVote: options.preVote ?? true,
    readOnly: options.readOnly ?? 'safe',
    proposalForwarding: options.proposalForwarding ?? true,
    proposalBytesMax: positive('proposalBytesMax', options.proposalBytesMax ?? 1024 * 1024),
    appendBytesMax: positive('appendBytesMax', options.appendBytesMax ?? 1024 * 1024),
    applyBatchBytesMax: positive('applyBatchBytesMax', options.applyBatchBytesMax ?? 16 * 1024 * 1024),
    uncommittedBytesMax: options.uncommittedBytesMax ?? 64 * 1024 * 1024,
    inflightAppendsMax: positive('inflightAppendsMax', options.inflightAppendsMax ?? 256),
    proposalTimeoutMs: positive('proposalTimeoutMs', options.proposalTimeoutMs ?? 10_000),
    readTimeoutMs: positive('readTimeoutMs', options.readTimeoutMs ?? 10_000),
    retryMs: positive('retryMs', options.retryMs ?? tickMs * electionTicks),
    snapshotEntriesThreshold: options.snapshotEntriesThreshold ?? 10_000,
    snapshotLogBytesThreshold: options.snapshotLogBytesThreshold ?? 64 * 1024 * 1024,
    snapshotBytesMax: positive('snapshotBytesMax', options.snapshotBytesMax ?? 1024 * 1024 * 1024),
    sessionsMax: positive('sessionsMax', options.sessionsMax ?? 10_000),
    noQuorumTimeoutMs: nonNegative('noQuorumTimeoutMs', options.noQuorumTimeoutMs ?? 0),
    builtInSessions: options.builtInSessions ?? true,
  }
}
