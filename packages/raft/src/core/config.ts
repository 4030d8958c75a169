import { silentLogger } from '@tandem/base'
import { ConfigurationError } from './errors.js'
import { ReadOnlyOption } from './read-only.js'
import type { Logger, LogStorageReader, NodeId, RandomSource } from './types.js'

/** How a Raft core is set up. Only `id`, `storage` and `random` are required. */
export interface RaftConfig {
  /** This node's id; must not be empty. */
  readonly id: NodeId
  /** Stable storage, read synchronously; the driver writes it after each persisted `Ready`. */
  readonly storage: LogStorageReader
  /**
   * Ticks without hearing from a leader before a follower campaigns (randomized in
   * `[electionTicks, 2 * electionTicks)`); also the leader's CheckQuorum period. Default 10.
   */
  readonly electionTicks?: number
  /** Ticks between a leader's heartbeats. Must be less than `electionTicks`. Default 1. */
  readonly heartbeatTicks?: number
  /** The last index the state machine applied, when restarting (default: storage's snapshot index). */
  readonly applied?: number
  /** The most entry bytes in one append message (at least one entry is always sent). Default 1 MiB. */
  readonly appendBytesMax?: number
  /** The most entry bytes of committed entries handed out in one `Ready`. Default 16 MiB. */
  readonly applyBatchBytesMax?: number
  /**
   * The most bytes of uncommitted entries a leader accepts before it drops proposals (0 = no
   * limit). Default 0.
   */
  readonly uncommittedBytesMax?: number
  /** The most append messages in flight to one follower in Replicate state. Default 256. */
  readonly inflightAppendsMax?: number
  /** Whether a leader steps down when it has not heard from a quorum for an election timeout. Default true. */
  readonly checkQuorum?: boolean
  /** Whether candidates first run a pre-election that does not bump terms (thesis §9.6). Default true. */
  readonly preVote?: boolean
  /** How reads are confirmed: `'safe'` (default) or `'lease-based'` (needs `checkQuorum`). */
  readonly readOnly?: ReadOnlyOption
  /** Whether followers forward proposals to the leader (otherwise they drop them). Default true. */
  readonly proposalForwarding?: boolean
  /**
   * Whether a leader removed from (or demoted out of) the voters steps down after applying that
   * change: it appends nothing after the change, keeps managing the new configuration until one
   * of its voters holds the whole log, then hands over to it (TimeoutNow). Default true; when
   * false it keeps leading without counting itself (etcd's default).
   */
  readonly stepDownOnRemoval?: boolean
  /** The source of election jitter: inject a seeded one for replayable runs. */
  readonly random: RandomSource
  readonly logger?: Logger
}

/** A {@link RaftConfig} with every default filled in. */
export interface ResolvedRaftConfig {
  readonly id: NodeId
  readonly storage: LogStorageReader
  readonly electionTicks: number
  readonly heartbeatTicks: number
  readonly applied: number
  readonly appendBytesMax: number
  readonly applyBatchBytesMax: number
  readonly uncommittedBytesMax: number
  readonly inflightAppendsMax: number
  readonly checkQuorum: boolean
  readonly preVote: boolean
  readonly readOnly: ReadOnlyOption
  readonly proposalForwarding: boolean
  readonly stepDownOnRemoval: boolean
  readonly random: RandomSource
  readonly logger: Logger
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ConfigurationError(`${name} must be a positive integer, got ${value}`)
  return value
}

/** Fills in defaults and checks the configuration; throws {@link ConfigurationError}. */
export function resolveConfig(config: RaftConfig): ResolvedRaftConfig {
  if (typeof config.id !== 'string' || config.id === '')
    throw new ConfigurationError('id must be a non-empty string')
  if (config.storage === undefined || config.storage === null)
    throw new ConfigurationError('storage is required')
  if (config.random === undefined || typeof config.random.nextInt !== 'function') {
    throw new ConfigurationError('random (a RandomSource) is required')
  }
  const heartbeatTicks = positiveInteger('heartbeatTicks', config.heartbeatTicks ?? 1)
  const electionTicks = positiveInteger('electionTicks', config.electionTicks ?? 10)
  if (electionTicks <= heartbeatTicks) {
    throw new ConfigurationError(
      `electionTicks (${electionTicks}) must be greater than heartbeatTicks (${heartbeatTicks})`,
    )
  }
  const readOnly = config.readOnly ?? ReadOnlyOption.Safe
  if (readOnly !== ReadOnlyOption.Safe && readOnly !== ReadOnlyOption.LeaseBased) {
    throw new ConfigurationError(`readOnly must be 'safe' or 'lease-based', got ${String(readOnly)}`)
  }
  const checkQuorum = config.checkQuorum ?? true
  if (readOnly === ReadOnlyOption.LeaseBased && !checkQuorum) {
    // Without CheckQuorum a deposed leader never learns it lost its lease.
    throw new ConfigurationError('lease-based reads require checkQuorum')
  }
  const applied = config.applied ?? 0
  if (!Number.isSafeInteger(applied) || applied < 0)
    throw new ConfigurationError(`applied must be ≥ 0, got ${applied}`)
  const uncommittedBytesMax = config.uncommittedBytesMax ?? 0
  if (!Number.isSafeInteger(uncommittedBytesMax) || uncommittedBytesMax < 0) {
    throw new ConfigurationError('uncommittedBytesMax must be ≥ 0')
  }
  return {
    id: config.id,
    storage: config.storage,
    electionTicks,
    heartbeatTicks,
    applied,
    appendBytesMax: positiveInteger('appendBytesMax', config.appendBytesMax ?? 1024 * 1024),
    applyBatchBytesMax: positiveInteger('applyBatchBytesMax', config.applyBatchBytesMax ?? 16 * 1024 * 1024),
    uncommittedBytesMax,
    inflightAppendsMax: positiveInteger('inflightAppendsMax', config.inflightAppendsMax ?? 256),
    checkQuorum,
    preVote: config.preVote ?? true,
    readOnly,
    proposalForwarding: config.proposalForwarding ?? true,
    stepDownOnRemoval: config.stepDownOnRemoval ?? true,
    random: config.random,
    logger: config.logger ?? silentLogger,
  }
}
