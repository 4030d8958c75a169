/** The options of {@link createTransportHost} and their defaults. */

import { type Logger, silentLogger } from '@tandem/base'
import { type BackoffOptions, DEFAULT_BACKOFF, invalidBackoff, type RandomFloat } from './backoff.js'
import type { OverflowPolicy } from './framing/frame-queue.js'
import { DEFAULT_INBOUND_LIMITS, type InboundLimits, invalidInboundLimits } from './inbound-guard.js'

/** Limits of the `/tandem/raft/1` frame channel. */
export interface RaftChannelOptions {
  /** Largest accepted frame (one encoded Raft message), both ways. Default 16 MiB. */
  readonly frameBytesMax: number
  /** Frames queued per peer before the overflow policy applies. Default 8,192. */
  readonly queueFramesMax: number
  /** Bytes queued per peer before the overflow policy applies. Default 64 MiB. */
  readonly queueBytesMax: number
  /** What a full queue does. Default `drop-oldest`: fresh Raft state supersedes stale. */
  readonly overflow: OverflowPolicy
  /** Largest batched write. Default 256 KiB. */
  readonly batchBytesMax: number
  /**
   * Bytes of received, not yet delivered frames one peer may make this node hold, over all its
   * connections and streams on `/tandem/raft/1`. Default 2 × `frameBytesMax` + 1 MiB (33 MiB): two
   * whole frames, plus room for the chunks that arrive while frames are being handed on.
   */
  readonly bufferedBytesPerPeerMax: number
}

/** Options of a Tandem libp2p node. */
export interface TransportHostOptions {
  /** Directory holding the node key (`node.key`, mode 0600) and the address book. Created if absent. */
  readonly dataDir: string
  /** Peer ids of the cluster members, admitted to every protocol. May include this node's own id. */
  readonly members: readonly string[]
  /** Further peer ids admitted to `/tandem/crdt/1` only. */
  readonly syncPeers?: readonly string[]
  /**
   * Listen multiaddrs. Default: QUIC v1 on UDP `listenPort` and TCP on `listenPort`, both on `listenHost`.
   */
  readonly listen?: readonly string[]
  /** Host of the default listen addresses. Default `0.0.0.0`. */
  readonly listenHost?: string
  /** Port of the default listen addresses (UDP for QUIC, TCP for TCP). Default 0 (any free port). */
  readonly listenPort?: number
  /** Known addresses of peers, merged into the persisted address book at start. */
  readonly peers?: Readonly<Record<string, readonly string[]>>
  readonly raft?: Partial<RaftChannelOptions>
  /** Per-peer bounds on connections, frame timeouts and stream opens. */
  readonly inbound?: Partial<InboundLimits>
  /** Reconnection delays. */
  readonly backoff?: Partial<BackoffOptions>
  /** Randomness for backoff jitter, `[0, 1)`. Default `Math.random`; inject a seeded one in tests. */
  readonly random?: RandomFloat
  /** How often connected members are pinged to measure round-trip time. Default 5 s; 0 turns it off. */
  readonly pingIntervalMs?: number
  /**
   * Per-address dial timeout, after which the next address (TCP after QUIC) is tried; also the QUIC
   * idle timeout (a silent QUIC peer is declared gone after it). Default 3 s.
   */
  readonly addressDialTimeoutMs?: number
  readonly logger?: Logger
}

/** The options with every default filled in. */
export interface ResolvedHostOptions {
  readonly dataDir: string
  readonly members: readonly string[]
  readonly syncPeers: readonly string[]
  readonly listen: readonly string[]
  readonly peers: Readonly<Record<string, readonly string[]>>
  readonly raft: RaftChannelOptions
  readonly inbound: InboundLimits
  readonly backoff: BackoffOptions
  readonly random: RandomFloat
  readonly pingIntervalMs: number
  readonly addressDialTimeoutMs: number
  readonly logger: Logger
}

export const DEFAULT_RAFT_CHANNEL: RaftChannelOptions = {
  frameBytesMax: 16 * 1024 * 1024,
  queueFramesMax: 8192,
  queueBytesMax: 64 * 1024 * 1024,
  overflow: 'drop-oldest',
  batchBytesMax: 256 * 1024,
  bufferedBytesPerPeerMax: 33 * 1024 * 1024,
}

/**
 * The default per-peer bound of buffered inbound bytes for a protocol with frames of at most
 * `frameBytesMax`: two whole frames, plus 1 MiB for chunks arriving while frames are handed on.
 */
export function defaultBufferedBytesPerPeerMax(frameBytesMax: number): number {
  return 2 * frameBytesMax + 1024 * 1024
}

/** The default listen addresses: QUIC v1 and TCP on the same port. */
export function defaultListenAddresses(host: string, port: number): string[] {
  const family = host.includes(':') ? 'ip6' : 'ip4'
  return [`/${family}/${host}/udp/${port}/quic-v1`, `/${family}/${host}/tcp/${port}`]
}

/** Fills in defaults and validates; throws a `RangeError` (a programming error) on bad options. */
export function resolveHostOptions(options: TransportHostOptions): ResolvedHostOptions {
  const port = options.listenPort ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid port ${port}`)
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff }
  const backoffProblem = invalidBackoff(backoff)
  if (backoffProblem !== null) throw new RangeError(`invalid backoff: ${backoffProblem}`)
  const raft = { ...DEFAULT_RAFT_CHANNEL, ...options.raft }
  raft.bufferedBytesPerPeerMax =
    options.raft?.bufferedBytesPerPeerMax ?? defaultBufferedBytesPerPeerMax(raft.frameBytesMax)
  if (!(raft.frameBytesMax >= 64)) throw new RangeError('raft.frameBytesMax must be at least 64')
  if (!(raft.batchBytesMax >= 1)) throw new RangeError('raft.batchBytesMax must be positive')
  if (!(raft.bufferedBytesPerPeerMax >= raft.frameBytesMax))
    throw new RangeError('raft.bufferedBytesPerPeerMax must hold at least one whole frame')
  const inbound = { ...DEFAULT_INBOUND_LIMITS, ...options.inbound }
  const inboundProblem = invalidInboundLimits(inbound)
  if (inboundProblem !== null) throw new RangeError(`invalid inbound limits: ${inboundProblem}`)
  return {
    dataDir: options.dataDir,
    members: [...options.members],
    syncPeers: [...(options.syncPeers ?? [])],
    listen: options.listen ?? defaultListenAddresses(options.listenHost ?? '0.0.0.0', port),
    peers: options.peers ?? {},
    raft,
    inbound,
    backoff,
    random: options.random ?? Math.random,
    pingIntervalMs: options.pingIntervalMs ?? 5_000,
    addressDialTimeoutMs: options.addressDialTimeoutMs ?? 3_000,
    logger: options.logger ?? silentLogger,
  }
}
