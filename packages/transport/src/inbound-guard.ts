/**
 * What one peer may make this node hold or do, across all its connections and streams: bytes of
 * partly received frames per protocol (a budget each peer's streams share), connections at once,
 * and the frame timeout every reader applies. The gater, the connection listener and every framed
 * reader consult this one object, so a peer opening more connections or streams gains nothing.
 */
import type { Connection, Stream } from '@libp2p/interface'
import type { Clock } from '@tandem/base'
import { systemClock } from '@tandem/base/system'
import { StreamRateExceededError } from './errors.js'
import type { ByteBudget } from './framing/frame-decoder.js'

/** Per-peer inbound bounds of a node. */
export interface InboundLimits {
  /** Connections one peer may hold with this node at once (both directions). Default 4. */
  readonly connectionsPerPeerMax: number
  /** A begun frame that gets no byte for this long closes its stream. Default 10 s. */
  readonly frameTimeoutMs: number
  /**
   * Streams one peer may open per second on this node's protocols, over all its connections; the
   * bucket holds twice as many, for bursts. Beyond it streams are reset at once. Default 20.
   */
  readonly streamOpensPerSecondMax: number
  /** Streams a peer may have open at once on one connection (the muxer resets more). Default 64. */
  readonly streamsPerConnectionMax: number
  /** Frames handed to a handler before the reader yields to the event loop. Default 256. */
  readonly framesPerTurnMax: number
}

export const DEFAULT_INBOUND_LIMITS: InboundLimits = {
  connectionsPerPeerMax: 4,
  frameTimeoutMs: 10_000,
  streamOpensPerSecondMax: 20,
  streamsPerConnectionMax: 64,
  framesPerTurnMax: 256,
}

interface PeerAccount {
  /** Bytes held per protocol. */
  readonly byProtocol: Map<string, number>
  total: number
  peak: number
  /** Stream opens left in the peer's bucket, and when it was last refilled. */
  openTokens: number
  refilledAtMs: number
}

/** Peers tracked before idle accounts (nothing held) are forgotten. */
const TRACKED_PEERS_MAX = 4096

export class InboundGuard {
  readonly limits: InboundLimits
  readonly #bytesMax = new Map<string, number>()
  readonly #accounts = new Map<string, PeerAccount>()
  readonly #clock: Clock
  /** Connections whose inbound streams are rate-checked at the muxer, before negotiation. */
  readonly #watched = new WeakSet<Connection>()

  /** `clock` times the stream-open rate cap (inject a `ManualClock` in tests). */
  constructor(limits: InboundLimits, clock: Clock = systemClock()) {
    this.limits = limits
    this.#clock = clock
  }

  /**
   * Rate-checks `connection`'s inbound streams as the muxer announces them, before any protocol is
   * negotiated on them (negotiation is what a flood of stream opens costs): a stream over the cap
   * is reset at once and `onRefused` told. Returns `false` when the connection exposes no muxer
   * (then the protocol handlers check, after negotiation).
   */
  watchInboundStreams(connection: Connection, onRefused: (peer: string) => void): boolean {
    // libp2p's connection keeps its muxer in a public field that the interface does not declare.
    const muxer = (connection as unknown as { muxer?: unknown }).muxer
    if (!isStreamSource(muxer)) return false
    const peer = connection.remotePeer.toString()
    let refusedInARow = 0
    // One error for every refusal on this connection: capturing a stack per refused stream was
    // the largest cost of a flood.
    const refusal = new StreamRateExceededError(peer, 'any protocol')
    muxer.addEventListener('stream', (event) => {
      if (this.admitStreamOpen(peer)) {
        refusedInARow = 0
        return
      }
      onRefused(peer)
      const stream = event.detail
      // Reset once the muxer has gone through the data at hand: until then the refused stream
      // keeps its slot, so the muxer turns the rest of a flood away itself (a bare reset frame)
      // instead of creating a stream (and a logger) for each one that this guard then resets.
      queueMicrotask(() => stream.abort(refusal))
      // Far over the cap: close the connection. An honest peer never gets here, and its link
      // reconnects with backoff anyway.
      if (++refusedInARow > 4 * this.limits.streamOpensPerSecondMax && connection.status === 'open') {
        queueMicrotask(() => connection.abort(refusal))
      }
    })
    this.#watched.add(connection)
    return true
  }

  /** Whether an inbound stream of `peer` on `connection` is within the rate cap (checked once). */
  admitsInboundStream(peer: string, connection: Connection): boolean {
    return this.#watched.has(connection) || this.admitStreamOpen(peer)
  }

  /**
   * Takes one stream open from `peer`'s bucket: `false` when the peer is opening streams faster
   * than `streamOpensPerSecondMax` (beyond a burst of twice that), and the stream must be reset.
   */
  admitStreamOpen(peer: string): boolean {
    const account = this.#account(peer)
    const rate = this.limits.streamOpensPerSecondMax
    const now = this.#clock.now()
    account.openTokens = Math.min(2 * rate, account.openTokens + ((now - account.refilledAtMs) * rate) / 1000)
    account.refilledAtMs = now
    if (account.openTokens < 1) return false
    account.openTokens -= 1
    return true
  }

  /** Sets the budget of each peer on `protocol` (called by the protocol's service at start). */
  setBufferedBytesMax(protocol: string, bytesMax: number): void {
    if (!(bytesMax >= 1)) throw new RangeError(`buffered bytes bound of ${protocol} must be positive`)
    this.#bytesMax.set(protocol, bytesMax)
  }

  /** The budget of each peer on `protocol` (unbounded for a protocol that set none). */
  bufferedBytesMax(protocol: string): number {
    return this.#bytesMax.get(protocol) ?? Number.POSITIVE_INFINITY
  }

  /** The budget shared by every stream of `peer` on `protocol`. */
  budget(peer: string, protocol: string): ByteBudget {
    const bytesMax = this.bufferedBytesMax(protocol)
    return {
      bytesMax,
      reserve: (bytes) => {
        const account = this.#account(peer)
        const held = account.byProtocol.get(protocol) ?? 0
        if (held + bytes > bytesMax) return false
        account.byProtocol.set(protocol, held + bytes)
        account.total += bytes
        if (account.total > account.peak) account.peak = account.total
        return true
      },
      release: (bytes) => {
        const account = this.#accounts.get(peer)
        if (account === undefined) return
        const held = account.byProtocol.get(protocol) ?? 0
        const released = Math.min(held, bytes)
        account.byProtocol.set(protocol, held - released)
        account.total -= released
      },
    }
  }

  /** Bytes `peer` makes this node hold now, over all protocols. */
  bufferedBytes(peer: string): number {
    return this.#accounts.get(peer)?.total ?? 0
  }

  /** The most bytes `peer` made this node hold at once, over all protocols. */
  peakBufferedBytes(peer: string): number {
    return this.#accounts.get(peer)?.peak ?? 0
  }

  /** Whether a peer already holding `connections` connections may open another. */
  admitsConnection(connections: number): boolean {
    return connections < this.limits.connectionsPerPeerMax
  }

  #account(peer: string): PeerAccount {
    let account = this.#accounts.get(peer)
    if (account === undefined) {
      if (this.#accounts.size >= TRACKED_PEERS_MAX) {
        for (const [key, candidate] of this.#accounts) {
          if (candidate.total === 0) {
            this.#accounts.delete(key)
            break
          }
        }
      }
      const burst = 2 * this.limits.streamOpensPerSecondMax
      account = {
        byProtocol: new Map(),
        total: 0,
        peak: 0,
        openTokens: burst,
        refilledAtMs: this.#clock.now(),
      }
      this.#accounts.set(peer, account)
    }
    return account
  }
}

interface StreamSource {
  addEventListener(type: 'stream', listener: (event: CustomEvent<Stream>) => void): void
}

function isStreamSource(value: unknown): value is StreamSource {
  return typeof value === 'object' && value !== null && 'addEventListener' in value
}

/** Checks inbound limits; returns a reason when they are unusable, `null` when fine. */
export function invalidInboundLimits(limits: InboundLimits): string | null {
  if (!(Number.isInteger(limits.connectionsPerPeerMax) && limits.connectionsPerPeerMax >= 1))
    return 'connectionsPerPeerMax must be a positive integer'
  if (!(limits.frameTimeoutMs >= 0)) return 'frameTimeoutMs must not be negative'
  if (!(limits.streamOpensPerSecondMax > 0)) return 'streamOpensPerSecondMax must be positive'
  if (!(Number.isInteger(limits.streamsPerConnectionMax) && limits.streamsPerConnectionMax >= 1))
    return 'streamsPerConnectionMax must be a positive integer'
  if (!(Number.isInteger(limits.framesPerTurnMax) && limits.framesPerTurnMax >= 1))
    return 'framesPerTurnMax must be a positive integer'
  return null
}
