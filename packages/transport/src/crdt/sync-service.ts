/**
 * `/tandem/crdt/1`: the CRDT anti-entropy exchange between sync peers (members and listed others).
 *
 * Each pair of sync peers keeps one stream, opened by the peer with the smaller id (the other only
 * makes sure a connection exists). On a new stream the opener sends its version vector (step 1);
 * each side answers with exactly the deltas the other lacks (step 2), and from then on live deltas
 * flow both ways as updates. When the stream breaks, the opener reopens it with backoff and the
 * new session's step 1 and step 2 repair anything lost meanwhile. Outgoing frames go through a
 * bounded queue: if it overflows the session is restarted rather than buffering without limit.
 */

import type { Connection, Stream } from '@libp2p/interface'
import { rethrowInvariant } from '@tandem/base'
import { backoffDelayMs, Pause } from '../backoff.js'
import { MalformedFrameError, PeerNotAdmittedError, SyncProtocolError, TransportError } from '../errors.js'
import { FramedStream } from '../framing/framed-stream.js'
import { refuseStream } from '../host.js'
import { keepConnected } from '../keep-connected.js'
import { CRDT_PROTOCOL } from '../protocols.js'
import type { TransportHost } from '../transport-host.js'
import { defaultBufferedBytesPerPeerMax } from '../transport-host-options.js'
import type { SyncAdapter } from './sync-adapter.js'

/** Limits of the sync streams. */
export interface CrdtSyncOptions {
  /** Largest sync frame accepted (a step 2 can carry a whole document). Default 64 MiB. */
  readonly frameBytesMax?: number
  /** Frames queued per session before it is restarted. Default 4,096. */
  readonly queueFramesMax?: number
  /** Bytes queued per session before it is restarted. Default 128 MiB. */
  readonly queueBytesMax?: number
  /**
   * Bytes of received, not yet handled frames one peer may make this node hold, over all its
   * streams on `/tandem/crdt/1`. Default 2 × `frameBytesMax` + 1 MiB (129 MiB).
   */
  readonly bufferedBytesPerPeerMax?: number
}

/** An abort controller that is aborted already: the state of a service not yet started. */
function abortedController(): AbortController {
  const controller = new AbortController()
  controller.abort(new Error('not started'))
  return controller
}

interface PeerState {
  readonly pause: Pause
  /** Aborted when this peer is removed or the service stops. */
  readonly stop: AbortController
  stream: Stream | null
  sessions: number
}

export class CrdtSyncService<Message> {
  readonly #node: TransportHost
  readonly #adapter: SyncAdapter<Message>
  readonly #frameBytesMax: number
  readonly #queueFramesMax: number
  readonly #queueBytesMax: number
  readonly #bufferedBytesPerPeerMax: number
  readonly #peers = new Map<string, PeerState>()
  readonly #inbound = new Set<Stream>()
  /** Aborted at stop; a start after a stop makes a fresh one. Starts aborted: not yet running. */
  #stopping = abortedController()
  #loops: Promise<void>[] = []
  readonly #onConnection = (event: CustomEvent<Connection>): void => {
    this.#peers.get(event.detail.remotePeer.toString())?.pause.cutShort()
  }

  constructor(node: TransportHost, adapter: SyncAdapter<Message>, options: CrdtSyncOptions = {}) {
    this.#node = node
    this.#adapter = adapter
    this.#frameBytesMax = options.frameBytesMax ?? 64 * 1024 * 1024
    this.#queueFramesMax = options.queueFramesMax ?? 4096
    this.#queueBytesMax = options.queueBytesMax ?? 128 * 1024 * 1024
    this.#bufferedBytesPerPeerMax =
      options.bufferedBytesPerPeerMax ?? defaultBufferedBytesPerPeerMax(this.#frameBytesMax)
    if (!(this.#bufferedBytesPerPeerMax >= this.#frameBytesMax))
      throw new RangeError('bufferedBytesPerPeerMax must hold at least one whole frame')
    node.onMembershipChange(() => {
      if (!this.#stopping.signal.aborted) this.#followMembership()
    })
  }

  /**
   * Registers the protocol and syncs with every member and sync peer. Called by
   * {@link createCrdtSyncService}, and again by the host when it is started after a stop.
   */
  async start(): Promise<void> {
    if (!this.#stopping.signal.aborted) return
    this.#stopping = new AbortController()
    this.#loops = []
    this.#node.inbound.setBufferedBytesMax(CRDT_PROTOCOL, this.#bufferedBytesPerPeerMax)
    await this.#node.libp2p.handle(CRDT_PROTOCOL, (stream, connection) => this.#accept(stream, connection), {
      maxInboundStreams: 4,
      maxOutboundStreams: 4,
    })
    this.#node.libp2p.addEventListener('connection:open', this.#onConnection)
    this.#followMembership()
  }

  /** Starts syncing with `peer` (it must be admitted on `/tandem/crdt/1` on both sides). */
  addPeer(peer: string): void {
    if (peer === this.#node.nodeId || this.#peers.has(peer) || this.#stopping.signal.aborted) return
    const state: PeerState = { pause: new Pause(), stop: new AbortController(), stream: null, sessions: 0 }
    this.#peers.set(peer, state)
    const loop =
      this.#node.nodeId < peer
        ? this.#openLoop(peer, state)
        : keepConnected(this.#node, peer, state.pause, state.stop.signal)
    this.#loops.push(
      loop.catch((error: unknown) => {
        rethrowInvariant(error)
      }),
    )
  }

  /** Stops syncing with `peer` (for example after it left the sync peers). */
  removePeer(peer: string): void {
    const state = this.#peers.get(peer)
    if (state === undefined) return
    this.#peers.delete(peer)
    state.stop.abort()
    state.pause.cutShort()
    state.stream?.abort(new Error('peer removed from sync'))
  }

  /** Whether a sync stream with `peer` is open now. */
  isSyncing(peer: string): boolean {
    const stream = this.#peers.get(peer)?.stream
    return stream != null && stream.status === 'open'
  }

  /** Sessions started with `peer` so far (a reconnect starts a new one). */
  sessionCount(peer: string): number {
    return this.#peers.get(peer)?.sessions ?? 0
  }

  async stop(): Promise<void> {
    if (this.#stopping.signal.aborted) return
    this.#stopping.abort(new Error('node stopping'))
    this.#node.libp2p.removeEventListener('connection:open', this.#onConnection)
    for (const state of this.#peers.values()) {
      state.stop.abort()
      state.pause.cutShort()
    }
    await this.#node.libp2p.unhandle(CRDT_PROTOCOL)
    for (const stream of this.#inbound) stream.abort(new Error('node stopping'))
    for (const state of this.#peers.values()) state.stream?.abort(new Error('node stopping'))
    await Promise.all(this.#loops)
    this.#peers.clear()
  }

  /** Syncs with exactly the current members and sync peers. */
  #followMembership(): void {
    const peers = new Set([...this.#node.admission.members, ...this.#node.admission.syncPeers])
    for (const peer of [...this.#peers.keys()]) if (!peers.has(peer)) this.removePeer(peer)
    for (const peer of peers) this.addPeer(peer)
  }

  /** The peer with the smaller id opens the stream, and reopens it whenever it breaks. */
  async #openLoop(peer: string, state: PeerState): Promise<void> {
    const signal = state.stop.signal
    let failures = 0
    while (!signal.aborted) {
      let stream: Stream
      try {
        stream = await this.#node.openStream(peer, CRDT_PROTOCOL, signal)
      } catch (error) {
        rethrowInvariant(error)
        if (signal.aborted) return
        this.#node.metrics.peer(peer).dialFailures++
        await state.pause.wait(backoffDelayMs(this.#node.backoff, failures++, this.#node.random), signal)
        continue
      }
      if (state.sessions > 0) this.#node.metrics.peer(peer).reconnects++
      const exchanged = await this.#runSession(stream, peer, state, true)
      if (exchanged) failures = 0
      await state.pause.wait(backoffDelayMs(this.#node.backoff, failures++, this.#node.random), signal)
    }
  }

  #accept(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString()
    if (this.#stopping.signal.aborted || !this.#node.admission.admits(peer, CRDT_PROTOCOL)) {
      this.#node.admission.recordRefusal(peer, CRDT_PROTOCOL)
      stream.abort(new PeerNotAdmittedError(peer, CRDT_PROTOCOL))
      return
    }
    if (!this.#node.inbound.admitsInboundStream(peer, connection)) {
      refuseStream(this.#node, peer, CRDT_PROTOCOL, stream)
      return
    }
    let state = this.#peers.get(peer)
    if (state === undefined) {
      this.addPeer(peer)
      state = this.#peers.get(peer)
    }
    if (state === undefined) return
    this.#inbound.add(stream)
    this.#runSession(stream, peer, state, false).finally(() => this.#inbound.delete(stream))
  }

  /** Runs one session until its stream ends; resolves whether any message was exchanged. */
  async #runSession(stream: Stream, peer: string, state: PeerState, initiator: boolean): Promise<boolean> {
    // One session per peer: a newer stream replaces one the other side has given up on.
    state.stream?.abort(new SyncProtocolError('superseded by a newer sync stream'))
    state.stream = stream
    state.sessions++
    const metrics = this.#node.metrics.peer(peer)
    const codec = this.#adapter.codec
    const framed = new FramedStream(stream, {
      protocol: CRDT_PROTOCOL,
      frameBytesMax: this.#frameBytesMax,
      metrics,
      budget: this.#node.inbound.budget(peer, CRDT_PROTOCOL),
      frameTimeoutMs: this.#node.inbound.limits.frameTimeoutMs,
      framesPerTurnMax: this.#node.inbound.limits.framesPerTurnMax,
      sendQueue: { framesMax: this.#queueFramesMax, bytesMax: this.#queueBytesMax, overflow: 'drop-newest' },
    })
    const send = (messages: Message[]): void => {
      for (const message of messages) {
        if (!framed.enqueue(codec.encode(message))) {
          // Restarting the session resends, through step 1 and step 2, whatever could not be queued.
          stream.abort(new SyncProtocolError('sync send queue full; restarting the session'))
          return
        }
      }
    }
    let exchanged = false
    const session = this.#adapter.openSession(peer, send)
    try {
      if (initiator) send(session.start())
      for (;;) {
        const bytes = await framed.read()
        if (bytes === null) break
        let message: Message
        try {
          message = codec.decode(bytes)
        } catch (error) {
          rethrowInvariant(error)
          throw new MalformedFrameError(CRDT_PROTOCOL, 'not a sync message', { cause: error })
        }
        let replies: Message[]
        try {
          replies = session.receive(message)
        } catch (error) {
          rethrowInvariant(error)
          throw new SyncProtocolError('sync message refused by the replica', { cause: error })
        }
        exchanged = true
        send(replies)
      }
    } catch (error) {
      rethrowInvariant(error)
      if (error instanceof TransportError) {
        if (stream.status === 'open') framed.fail(error)
        this.#node.logger.warn('sync stream closed', { peer, code: error.code, reason: error.message })
      }
    } finally {
      framed.dispose()
      session.close()
      if (state.stream === stream) state.stream = null
      if (stream.status === 'open') stream.abort(new Error('sync session ended'))
    }
    return exchanged
  }
}

/** Starts `/tandem/crdt/1` on `node`, syncing through `adapter` with every member and sync peer. */
export async function createCrdtSyncService<Message>(
  node: TransportHost,
  adapter: SyncAdapter<Message>,
  options: CrdtSyncOptions = {},
): Promise<CrdtSyncService<Message>> {
  const service = new CrdtSyncService(node, adapter, options)
  await service.start()
  node.addService(service)
  return service
}
