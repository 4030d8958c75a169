/**
 * The transport host — Tandem's libp2p node: QUIC v1 and TCP, Noise, yamux, identify and ping, with the member
 * allowlist in the connection gater, the persisted identity and address book, and RTT measurement.
 * The protocol services (Raft, snapshot, CRDT sync) attach to it and start and stop with it.
 */

import { mkdir } from 'node:fs/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type Identify, identify } from '@libp2p/identify'
import type { Ed25519PrivateKey, IdentifyResult, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { type Ping, ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { rethrowInvariant } from '@tandem/base'
import { createLibp2p } from 'libp2p'
import { AddressBook } from './address-book.js'
import { quicFirstAddressSorter } from './address-sorter.js'
import { Admission } from './admission.js'
import { HostNotRunningError } from './errors.js'
import type { OpenStreamOptions, ProtocolHost } from './host.js'
import { loadOrCreateNodeIdentity } from './identity.js'
import { InboundGuard } from './inbound-guard.js'
import { MetricsRegistry, type PeerMetrics } from './metrics.js'
import {
  type ResolvedHostOptions,
  resolveHostOptions,
  type TransportHostOptions,
} from './transport-host-options.js'

/** The multiaddr protocol code of `/p2p/<peer id>`. */
const P2P_CODE = 421

/** How long a stream's protocol negotiation on a connection may take (libp2p's own default). */
const STREAM_NEGOTIATION_TIMEOUT_MS = 10_000

type HostServices = { identify: Identify; ping: Ping }

/**
 * A protocol service of the host (Raft, snapshot, CRDT sync): the host stops it before libp2p
 * stops, and starts it again when the host is started after a stop.
 */
export interface HostService {
  start(): Promise<void>
  stop(): Promise<void>
}

/**
 * A transport host: the libp2p node under a Tandem node, with its identity, admission, per-peer
 * bounds and metrics, and the protocol services attached to it. Create it with
 * {@link createTransportHost}; `stop()` and `start()` may alternate (same identity, same
 * configured listen addresses).
 *
 * @example
 * ```ts
 * const host: TransportHost = await createTransportHost({ dataDir: './data', members })
 * const raft = await createRaftService(host)
 * raft.send(peer, frame)
 * await host.stop()
 * await host.start() // the Raft service reconnects to every member
 * ```
 */
export class TransportHost implements ProtocolHost {
  readonly nodeId: string
  readonly libp2p: Libp2p<HostServices>
  readonly admission: Admission
  readonly metrics: MetricsRegistry
  /** Per-peer inbound bounds: buffered bytes per protocol, connections, frame timeout. */
  readonly inbound: InboundGuard
  readonly #options: ResolvedHostOptions
  readonly #addressBook: AddressBook
  readonly #services: HostService[] = []
  readonly #membershipListeners: Array<() => void | Promise<void>> = []
  readonly #addressListeners: Array<(peer: string) => void> = []
  #pingTimer: ReturnType<typeof setInterval> | null = null
  #running = false
  #wired = false
  /** Serializes start and stop, so a start issued during a stop runs after it. */
  #lifecycle: Promise<void> = Promise.resolve()

  /** @internal Use {@link createTransportHost}. */
  constructor(init: {
    nodeId: string
    libp2p: Libp2p<HostServices>
    admission: Admission
    metrics: MetricsRegistry
    inbound: InboundGuard
    options: ResolvedHostOptions
    addressBook: AddressBook
  }) {
    this.nodeId = init.nodeId
    this.libp2p = init.libp2p
    this.admission = init.admission
    this.metrics = init.metrics
    this.inbound = init.inbound
    this.#options = init.options
    this.#addressBook = init.addressBook
  }

  get logger() {
    return this.#options.logger
  }

  get backoff() {
    return this.#options.backoff
  }

  get random() {
    return this.#options.random
  }

  get running(): boolean {
    return this.#running
  }

  /** The addresses this node listens on, each ending in `/p2p/<node id>`. */
  multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((address) => address.toString())
  }

  /** The counters of one peer (live object; copy it if you keep it). */
  peerMetrics(peer: string): Readonly<PeerMetrics> {
    return this.metrics.peer(peer)
  }

  /** Adds addresses of `peer` to the dialer and, for members and sync peers, the persisted book. */
  async addPeerAddresses(peer: string, addresses: readonly string[]): Promise<void> {
    const cleaned = addresses.map((address) => multiaddr(address).decapsulateCode(P2P_CODE))
    await this.libp2p.peerStore.merge(peerIdFromString(peer), { multiaddrs: cleaned })
    if (this.admission.roleOf(peer) !== 'stranger') {
      await this.#addressBook.set(
        peer,
        cleaned.map((address) => address.toString()),
      )
    }
    for (const listener of this.#addressListeners) listener(peer)
  }

  /** Calls `listener` after addresses of `peer` were added (a link waiting out a backoff may retry now). */
  onPeerAddresses(listener: (peer: string) => void): void {
    this.#addressListeners.push(listener)
  }

  /** The persisted addresses of `peer`. */
  knownAddresses(peer: string): readonly string[] {
    return this.#addressBook.addresses(peer)
  }

  /**
   * Replaces the member list: the services follow it (the Raft service connects new members and
   * closes the links of removed ones), then removed peers are hung up on.
   */
  async setMembers(members: readonly string[]): Promise<void> {
    const previous = new Set(this.admission.members)
    this.admission.setMembers(members)
    await this.#notifyMembership()
    for (const peer of previous) {
      if (!members.includes(peer)) await this.#dropPeer(peer)
    }
    await this.#forgetStrangers()
  }

  /**
   * Calls `listener` after every change of the member or sync-peer lists, before removed peers are
   * hung up on (used by protocol services; a returned promise is awaited).
   */
  onMembershipChange(listener: () => void | Promise<void>): void {
    this.#membershipListeners.push(listener)
  }

  async #notifyMembership(): Promise<void> {
    for (const listener of this.#membershipListeners) await listener()
  }

  /** Replaces the list of non-member sync peers. */
  async setSyncPeers(syncPeers: readonly string[]): Promise<void> {
    const previous = new Set(this.admission.syncPeers)
    this.admission.setSyncPeers(syncPeers)
    await this.#notifyMembership()
    for (const peer of previous) {
      if (!syncPeers.includes(peer) && this.admission.roleOf(peer) === 'stranger') await this.#dropPeer(peer)
    }
    await this.#forgetStrangers()
  }

  /**
   * Drops from the address book every peer that is neither a member nor a sync peer, and persists
   * what the dialer knows of a newly admitted one: addresses given while it was a stranger (the
   * `peers` option, or an identify that ran before it was listed) are otherwise never written, and a
   * restart would lose them.
   */
  async #forgetStrangers(): Promise<void> {
    const admitted = new Set([...this.admission.members, ...this.admission.syncPeers])
    await this.#addressBook.retainOnly(admitted)
    for (const peer of admitted) {
      if (peer === this.nodeId || this.#addressBook.addresses(peer).length > 0) continue
      const id = peerIdFromString(peer)
      if (!(await this.libp2p.peerStore.has(id))) continue
      const known = (await this.libp2p.peerStore.get(id)).addresses
        .map(({ multiaddr: address }) => address)
        .filter((address) => !address.toString().includes('/p2p-circuit'))
        .map((address) => address.decapsulateCode(P2P_CODE).toString())
      if (known.length > 0) await this.#addressBook.set(peer, known)
    }
  }

  /** Measures the round-trip time to `peer` with libp2p ping and records it in the peer's metrics. */
  async measureRtt(peer: string, signal?: AbortSignal): Promise<number> {
    this.#assertRunning()
    const started = performance.now()
    await this.libp2p.services.ping.ping(peerIdFromString(peer), {
      signal: signal ?? AbortSignal.timeout(5_000),
    })
    const rttMs = performance.now() - started
    this.metrics.peer(peer).rttMs = rttMs
    return rttMs
  }

  async openStream(
    peer: string,
    protocol: string,
    signal: AbortSignal,
    options: OpenStreamOptions = {},
  ): Promise<Stream> {
    this.#assertRunning()
    const peerId = peerIdFromString(peer)
    // Reuse an open connection in either direction before dialing: after a restart the peer's
    // new connection to us is the quickest way back, while its old addresses may be dead.
    const connection =
      this.libp2p.getConnections(peerId).find((candidate) => candidate.status === 'open') ??
      (await this.libp2p.dial(peerId, {
        signal: options.dialSignal === undefined ? signal : AbortSignal.any([signal, options.dialSignal]),
      }))
    // libp2p bounds a negotiation only when given no signal; with one, this bound is ours to add.
    const negotiation = AbortSignal.any([signal, AbortSignal.timeout(STREAM_NEGOTIATION_TIMEOUT_MS)])
    return connection.newStream(protocol, { signal: negotiation })
  }

  /**
   * Registers a protocol service: {@link stop} stops it (services in the reverse order of their
   * registration) and {@link start} starts it again. The service itself must already be started.
   */
  addService(service: HostService): void {
    if (!this.#services.includes(service)) this.#services.push(service)
  }

  /**
   * Stops every protocol service, closes all connections and stops libp2p. Not final: {@link start}
   * brings the host back.
   */
  stop(): Promise<void> {
    const stopping = this.#lifecycle.then(() => this.#stop())
    this.#lifecycle = stopping.catch(() => {})
    return stopping
  }

  /**
   * Starts a stopped host again: the same identity and configured listen addresses (a port 0 is
   * drawn afresh), the peers' addresses from the address book, and every registered service
   * restarted, so links to members are re-established. Does nothing on a running host.
   */
  start(): Promise<void> {
    const starting = this.#lifecycle.then(() => this.#start())
    this.#lifecycle = starting.catch(() => {})
    return starting
  }

  async #stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer)
    this.#pingTimer = null
    for (const service of [...this.#services].reverse()) await service.stop()
    await this.libp2p.stop()
    await this.#addressBook.flushed()
    this.logger.info('host stopped', { nodeId: this.nodeId })
  }

  async #start(): Promise<void> {
    if (this.#running) return
    const libp2p = this.libp2p
    if (libp2p.status !== 'started') await libp2p.start()
    if (!this.#wired) {
      this.#wire()
      this.#wired = true
    }
    for (const [peer, addresses] of Object.entries(this.#options.peers)) {
      await this.addPeerAddresses(peer, addresses)
    }
    for (const [peer, addresses] of this.#addressBook.entries) {
      if (addresses.length === 0) continue
      await libp2p.peerStore.merge(peerIdFromString(peer), { multiaddrs: addresses.map((a) => multiaddr(a)) })
    }
    this.#running = true
    for (const service of this.#services) await service.start()
    if (this.#options.pingIntervalMs > 0) {
      this.#pingTimer = setInterval(() => this.#pingMembers(), this.#options.pingIntervalMs)
      this.#pingTimer.unref()
    }
  }

  /** Listens to libp2p's events; once, since the same libp2p node is stopped and started again. */
  #wire(): void {
    const libp2p = this.libp2p
    libp2p.addEventListener('peer:identify', (event) => {
      this.#remember(event.detail).catch((error: unknown) => {
        rethrowInvariant(error)
        this.logger.warn('address book update failed', { error: String(error) })
      })
    })
    // Only an inbound connection means the peer reached us on its own (for example after a restart
    // on a new address); our own dials produce outbound ones and must not cut themselves short.
    libp2p.addEventListener('connection:open', (event) => {
      const connection = event.detail
      const peer = connection.remotePeer.toString()
      // The gater refuses a peer's connection beyond the bound, but handshakes running in parallel
      // all pass it; counting here, once each connection is registered, makes the bound exact.
      const open = libp2p.getConnections(connection.remotePeer)
      if (connection.direction === 'inbound' && open.length > this.inbound.limits.connectionsPerPeerMax) {
        this.admission.recordRefusal(peer, 'connections-per-peer')
        connection.abort(new Error('too many connections from this peer'))
        return
      }
      this.inbound.watchInboundStreams(connection, (refused) => {
        this.metrics.peer(refused).refusedStreams++
        this.logger.debug('stream refused: opened over the per-peer rate cap', { peer: refused })
      })
    })
  }

  async #remember(result: IdentifyResult): Promise<void> {
    const peer = result.peerId.toString()
    if (this.admission.roleOf(peer) === 'stranger') return
    const addresses = result.listenAddrs
      .filter((address) => !address.toString().includes('/p2p-circuit'))
      .map((address) => address.decapsulateCode(P2P_CODE).toString())
    if (addresses.length > 0) await this.#addressBook.set(peer, addresses)
  }

  #pingMembers(): void {
    for (const connection of this.libp2p.getConnections()) {
      const peer = connection.remotePeer.toString()
      if (this.admission.roleOf(peer) !== 'member') continue
      // A failed ping is an operating error (the peer is slow or gone); the next interval retries.
      this.measureRtt(peer).catch(rethrowInvariant)
    }
  }

  async #dropPeer(peer: string): Promise<void> {
    const peerId: PeerId = peerIdFromString(peer)
    await this.libp2p.hangUp(peerId).catch(rethrowInvariant)
  }

  #assertRunning(): void {
    if (!this.#running) throw new HostNotRunningError('the transport host is stopped')
  }
}

/**
 * QUIC, with a dial that gives up within `dialTimeoutMs`. The QUIC dialer does not stop a handshake
 * when the dial is aborted; only the connection's idle timeout ends it (10 s by default), which
 * would hold back the TCP fallback. The idle timeout is therefore the dial timeout, with
 * keep-alives three times as often so that a live but quiet connection never idles out — and a
 * dead peer is noticed within the same time, which suits Raft.
 */
function quicTransport(dialTimeoutMs: number, streamsMax: number) {
  const idleMs = Math.max(1_000, dialTimeoutMs)
  return quic({
    handshakeTimeout: idleMs,
    maxIdleTimeout: idleMs,
    keepAliveInterval: Math.floor(idleMs / 3),
    // QUIC makes a peer wait (flow control on stream ids) rather than reset beyond this.
    maxConcurrentStreamLimit: streamsMax,
  })
}

/**
 * Creates and starts a host: takes the given identity or loads (or creates) the one in `dataDir`,
 * opens the address book and starts libp2p listening on QUIC and TCP. Links to members are the
 * Raft service's ({@link createRaftService}).
 */
export async function createTransportHost(options: TransportHostOptions): Promise<TransportHost> {
  const resolved = resolveHostOptions(options)
  const identity = await hostIdentity(resolved.dataDir, resolved.privateKey)
  const addressBook = await AddressBook.open(resolved.dataDir)
  const metrics = new MetricsRegistry()
  const inbound = new InboundGuard(resolved.inbound)
  const admission = new Admission({
    members: resolved.members,
    syncPeers: resolved.syncPeers,
    metrics,
    logger: resolved.logger,
  })
  let started: Libp2p | null = null
  const libp2p = await createLibp2p({
    privateKey: identity.privateKey,
    addresses: { listen: [...resolved.listen] },
    transports: [
      quicTransport(resolved.addressDialTimeoutMs, resolved.inbound.streamsPerConnectionMax),
      tcp(),
    ],
    connectionEncrypters: [noise()],
    // A peer opening thousands of streams at once gets all but the first few reset by the muxer,
    // before any protocol negotiation is spent on them.
    streamMuxers: [yamux({ maxInboundStreams: resolved.inbound.streamsPerConnectionMax })],
    // Connections are counted once libp2p exists; until then (while starting) there are none.
    connectionGater: admission.connectionGater((peerId) => {
      const open = started?.getConnections(peerId).length ?? 0
      return !inbound.admitsConnection(open)
    }),
    connectionManager: {
      addressSorter: quicFirstAddressSorter,
      addressDialTimeout: resolved.addressDialTimeoutMs,
      // Cluster nodes reconnect quickly after restarts; libp2p's default of 5 inbound connections
      // per host per second would refuse members sharing a host (and every test on 127.0.0.1).
      inboundConnectionThreshold: 1_000,
    },
    services: { identify: identify(), ping: ping() },
  })
  started = libp2p
  const node = new TransportHost({
    nodeId: identity.nodeId,
    libp2p,
    admission,
    metrics,
    inbound,
    options: resolved,
    addressBook,
  })
  try {
    await node.start()
  } catch (error) {
    await libp2p.stop()
    throw error
  }
  resolved.logger.info('node started', { nodeId: identity.nodeId, createdIdentity: identity.created })
  return node
}

/** The given key, or the one in `dataDir` (created on first start). */
async function hostIdentity(
  dataDir: string,
  privateKey: Ed25519PrivateKey | null,
): Promise<{ privateKey: Ed25519PrivateKey; nodeId: string; created: boolean }> {
  if (privateKey === null) return loadOrCreateNodeIdentity(dataDir)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  return { privateKey, nodeId: peerIdFromPrivateKey(privateKey).toString(), created: false }
}
