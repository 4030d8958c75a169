/**
 * What one peer may make this node hold or do, across all its connections and streams: bytes of
 * partly received frames per protocol (a budget each peer's streams share), connections at once,
 * and the frame timeout every reader applies. The gater, the connection listener and every framed
 * reader consult this one object, so a peer opening more connections or streams gains nothing.
 */
import type { ByteBudget } from './framing/frame-decoder.js'

/** Per-peer inbound bounds of a node. */
export interface InboundLimits {
  /** Connections one peer may hold with this node at once (both directions). Default 4. */
  readonly connectionsPerPeerMax: number
  /** A begun frame that gets no byte for this long closes its stream. Default 10 s. */
  readonly frameTimeoutMs: number
}

export const DEFAULT_INBOUND_LIMITS: InboundLimits = {
  connectionsPerPeerMax: 4,
  frameTimeoutMs: 10_000,
}

interface PeerAccount {
  /** Bytes held per protocol. */
  readonly byProtocol: Map<string, number>
  total: number
  peak: number
}

/** Peers tracked before idle accounts (nothing held) are forgotten. */
const TRACKED_PEERS_MAX = 4096

export class InboundGuard {
  readonly limits: InboundLimits
  readonly #bytesMax = new Map<string, number>()
  readonly #accounts = new Map<string, PeerAccount>()

  constructor(limits: InboundLimits) {
    this.limits = limits
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
      account = { byProtocol: new Map(), total: 0, peak: 0 }
      this.#accounts.set(peer, account)
    }
    return account
  }
}

/** Checks inbound limits; returns a reason when they are unusable, `null` when fine. */
export function invalidInboundLimits(limits: InboundLimits): string | null {
  if (!(Number.isInteger(limits.connectionsPerPeerMax) && limits.connectionsPerPeerMax >= 1))
    return 'connectionsPerPeerMax must be a positive integer'
  if (!(limits.frameTimeoutMs >= 0)) return 'frameTimeoutMs must not be negative'
  return null
}
