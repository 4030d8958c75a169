/**
 * Per-peer counters. Plain numbers updated in place on the hot path (no allocation per frame);
 * `snapshot()` copies them out for status pages and tests.
 */

/** The counters kept for one remote peer. */
export interface PeerMetrics {
  bytesIn: number
  bytesOut: number
  framesIn: number
  framesOut: number
  /** Frames discarded by a full send queue (backpressure) or because they exceeded the cap. */
  framesDropped: number
  /** Times an outbound stream to the peer was re-established after being lost. */
  reconnects: number
  /** Failed attempts to reach the peer. */
  dialFailures: number
  /** Connections and streams from the peer refused by admission. */
  refusedConnections: number
  /** Streams closed because the peer sent an oversized, malformed, over-budget or stalled frame. */
  streamErrors: number
  /** Streams from the peer reset because it opened them faster than the per-peer rate cap. */
  refusedStreams: number
  /** Frames from the peer this node's own message handler failed on (a local bug; stream kept). */
  handlerErrors: number
  /** Last measured round-trip time (libp2p ping), or `null` before the first measurement. */
  rttMs: number | null
}

function emptyPeerMetrics(): PeerMetrics {
  return {
    bytesIn: 0,
    bytesOut: 0,
    framesIn: 0,
    framesOut: 0,
    framesDropped: 0,
    reconnects: 0,
    dialFailures: 0,
    refusedConnections: 0,
    streamErrors: 0,
    refusedStreams: 0,
    handlerErrors: 0,
    rttMs: null,
  }
}

/** The number of peers tracked before the least useful (unknown, refused) entries are evicted. */
const TRACKED_PEERS_MAX = 4096

/** Metrics for every peer this node has dealt with. */
export class MetricsRegistry {
  readonly #peers = new Map<string, PeerMetrics>()

  /** The live counters of `peer`, created on first use. */
  peer(peer: string): PeerMetrics {
    let metrics = this.#peers.get(peer)
    if (metrics === undefined) {
      if (this.#peers.size >= TRACKED_PEERS_MAX) {
        // Bound memory: an attacker cycling peer ids must not grow this map without limit.
        const oldest = this.#peers.keys().next()
        if (oldest.done !== true) this.#peers.delete(oldest.value)
      }
      metrics = emptyPeerMetrics()
      this.#peers.set(peer, metrics)
    }
    return metrics
  }

  /** A copy of every peer's counters. */
  snapshot(): Record<string, Readonly<PeerMetrics>> {
    const copy: Record<string, Readonly<PeerMetrics>> = Object.create(null)
    for (const [peer, metrics] of this.#peers) copy[peer] = { ...metrics }
    return copy
  }
}
