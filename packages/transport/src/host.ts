/**
 * What the protocol services need from the node: a narrow component set (js-libp2p style), so each
 * service can be built and tested against a real node without knowing how it was assembled.
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Logger } from '@tandem/base'
import type { Admission } from './admission.js'
import type { BackoffOptions, RandomFloat } from './backoff.js'
import { StreamRateExceededError } from './errors.js'
import type { InboundGuard } from './inbound-guard.js'
import type { MetricsRegistry } from './metrics.js'

/** Resets a stream `peer` opened beyond the per-peer rate cap, counting it (logged at debug level: a flood must not flood the log). */
export function refuseStream(host: ProtocolHost, peer: string, protocol: string, stream: Stream): void {
  host.metrics.peer(peer).refusedStreams++
  host.logger.debug('stream refused: opened over the per-peer rate cap', { peer, protocol })
  stream.abort(new StreamRateExceededError(peer, protocol))
}

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
  /**
   * Opens a stream to `peer` on `protocol`, dialing (QUIC first, then TCP) when not connected.
   * `signal` aborts the whole open; `options.dialSignal` aborts only the dial, never the
   * negotiation of a stream on a connection that exists.
   */
  openStream(
    peer: string,
    protocol: string,
    signal: AbortSignal,
    options?: OpenStreamOptions,
  ): Promise<Stream>
}

/** Options of {@link ProtocolHost.openStream}. */
export interface OpenStreamOptions {
  /**
   * Aborts the dial only. Once a connection is there, the stream is negotiated under `signal` alone:
   * the remote may already have accepted the stream and started using it (a Raft acceptor sends on
   * it at once), so giving up on it there would lose what the remote wrote.
   */
  readonly dialSignal?: AbortSignal
}
