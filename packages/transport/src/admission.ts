/**
 * Members-only admission. Two layers: the libp2p connection gater refuses any connection from a
 * peer that is neither a member nor a sync peer right after the Noise handshake (the earliest point
 * the remote identity is proven), and every stream handler checks the protocol against the peer's
 * role — members may use every protocol, sync peers only `/tandem/crdt/1`. Refusals are counted per
 * peer and logged; the refused peer learns nothing but that its connection or stream closed.
 */
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Logger } from '@tandem/base'
import type { MetricsRegistry } from './metrics.js'
import { CRDT_PROTOCOL } from './protocols.js'

/** What a peer may do. */
export type PeerRole = 'member' | 'sync-peer' | 'stranger'

/** The admission lists; both can be replaced at runtime (membership changes). */
export class Admission {
  #members: ReadonlySet<string>
  #syncPeers: ReadonlySet<string>
  readonly #metrics: MetricsRegistry
  readonly #logger: Logger
  #refusals = 0

  constructor(init: {
    members: readonly string[]
    syncPeers: readonly string[]
    metrics: MetricsRegistry
    logger: Logger
  }) {
    this.#members = new Set(init.members)
    this.#syncPeers = new Set(init.syncPeers)
    this.#metrics = init.metrics
    this.#logger = init.logger
  }

  /** The configured members (the Raft cluster, and implicitly sync peers). */
  get members(): readonly string[] {
    return [...this.#members]
  }

  /** The configured sync peers that are not members. */
  get syncPeers(): readonly string[] {
    return [...this.#syncPeers]
  }

  /** Refusals since start, across all peers. */
  get refusals(): number {
    return this.#refusals
  }

  setMembers(members: readonly string[]): void {
    this.#members = new Set(members)
  }

  setSyncPeers(syncPeers: readonly string[]): void {
    this.#syncPeers = new Set(syncPeers)
  }

  roleOf(peer: string): PeerRole {
    if (this.#members.has(peer)) return 'member'
    if (this.#syncPeers.has(peer)) return 'sync-peer'
    return 'stranger'
  }

  /** Whether `peer` may open or accept a stream on `protocol`. */
  admits(peer: string, protocol: string): boolean {
    const role = this.roleOf(peer)
    if (role === 'member') return true
    if (role === 'sync-peer') return protocol === CRDT_PROTOCOL
    return false
  }

  /** Whether `peer` may hold a connection at all. */
  admitsConnection(peer: string): boolean {
    return this.roleOf(peer) !== 'stranger'
  }

  /** Counts and logs one refusal. */
  recordRefusal(peer: string, where: string): void {
    this.#refusals++
    this.#metrics.peer(peer).refusedConnections++
    this.#logger.warn('refused peer', { peer, where, role: this.roleOf(peer) })
  }

  /**
   * A libp2p connection gater enforcing {@link admitsConnection} on both directions, and refusing
   * an inbound connection from a peer for which `tooManyConnections` holds.
   */
  connectionGater(tooManyConnections: (peerId: PeerId) => boolean = () => false): ConnectionGater {
    const check = (peerId: PeerId, where: string): boolean => {
      const peer = peerId.toString()
      if (this.admitsConnection(peer)) return false
      this.recordRefusal(peer, where)
      return true
    }
    const checkInbound = (peerId: PeerId, where: string): boolean => {
      if (check(peerId, where)) return true
      if (!tooManyConnections(peerId)) return false
      this.recordRefusal(peerId.toString(), `${where}-over-peer-bound`)
      return true
    }
    return {
      // Not dialing a stranger is our own choice, not a refusal of the peer: not counted.
      denyDialPeer: (peerId) => !this.admitsConnection(peerId.toString()),
      denyInboundEncryptedConnection: (peerId) => checkInbound(peerId, 'inbound-connection'),
      denyOutboundEncryptedConnection: (peerId) => check(peerId, 'outbound-connection'),
      denyInboundUpgradedConnection: (peerId) => checkInbound(peerId, 'inbound-connection-upgraded'),
      denyOutboundUpgradedConnection: (peerId) => check(peerId, 'outbound-connection-upgraded'),
    }
  }
}
