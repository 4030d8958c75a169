/**
 * What the protocol services need from the node: a narrow component set (js-libp2p style), so each
 * service can be built and tested against a real node without knowing how it was assembled.
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Admission } from './admission.js'
import type { BackoffOptions, RandomFloat } from './backoff.js'
import type { InboundGuard } from './inbound-guard.js'
import type { Logger } from './logger.js'
import type { MetricsRegistry } from './metrics.js'

export interface ProtocolHost {
  /** This node's peer id. */
  readonly nodeId: string
  readonly libp2p: Libp2p
  readonly admission: Admission
  readonly metrics: MetricsRegistry
  /** Per-peer bounds on what peers make this node hold (buffered bytes, connections). */
  readonly inbound: InboundGuard
  readonly logger: Logger
  readonly backoff: BackoffOptions
  readonly random: RandomFloat
  /** Opens a stream to `peer` on `protocol`, dialing (QUIC first, then TCP) when not connected. */
  openStream(peer: string, protocol: string, signal: AbortSignal): Promise<Stream>
}
