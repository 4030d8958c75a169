/** The options of {@link createTransportHost} and their defaults. */

import type { Ed25519PrivateKey } from '@libp2p/interface'
import { type Logger, silentLogger } from '@tandem/base'
import { type BackoffOptions, DEFAULT_BACKOFF, invalidBackoff, type RandomFloat } from './backoff.js'
import { DEFAULT_INBOUND_LIMITS, type InboundLimits, invalidInboundLimits } from './inbound-guard.js'

/** Options of a Tandem libp2p node. */
export interface TransportHostOptions {
  /**
   * Directory holding the address book and, unless `privateKey` is given, the node key (`node.key`,
   * mode 0600). Created if absent.
   */
  readonly dataDir: string
  /**
   * The node's Ed25519 key: its libp2p identity (the peer id is derived from it) and, in a Tandem
   * node, its writer key. Default: the key in `dataDir/node.key`, created on first start. When
   * given, `node.key` is neither read nor written.
   */
  readonly privateKey?: Ed25519PrivateKey
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
  readonly privateKey: Ed25519PrivateKey | null
  readonly members: readonly string[]
  readonly syncPeers: readonly string[]
  readonly listen: readonly string[]
  readonly peers: Readonly<Record<string, readonly string[]>>
  readonly inbound: InboundLimits
  readonly backoff: BackoffOptions
  readonly random: RandomFloat
  readonly pingIntervalMs: number
  readonly addressDialTimeoutMs: number
  readonly logger: Logger
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
  if (options.privateKey !== undefined && options.privateKey.type !== 'Ed25519')
    throw new RangeError(`privateKey must be an Ed25519 key, not ${String(options.privateKey.type)}`)
  const inbound = { ...DEFAULT_INBOUND_LIMITS, ...options.inbound }
  const inboundProblem = invalidInboundLimits(inbound)
  if (inboundProblem !== null) throw new RangeError(`invalid inbound limits: ${inboundProblem}`)
  return {
    dataDir: options.dataDir,
    privateKey: options.privateKey ?? null,
    members: [...options.members],
    syncPeers: [...(options.syncPeers ?? [])],
    listen: options.listen ?? defaultListenAddresses(options.listenHost ?? '0.0.0.0', port),
    peers: options.peers ?? {},
    inbound,
    backoff,
    random: options.random ?? Math.random,
    pingIntervalMs: options.pingIntervalMs ?? 5_000,
    addressDialTimeoutMs: options.addressDialTimeoutMs ?? 3_000,
    logger: options.logger ?? silentLogger,
  }
}
