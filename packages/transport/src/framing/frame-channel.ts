/**
 * A framed, members-only, fire-and-forget message channel on one protocol: one long-lived stream
 * per peer pair (a {@link PeerLink}), opened by the peer whose id sorts first and used by both
 * sides to send and to receive; frames stay in order in each direction.
 *
 * The channel is flow-controlled (see credit.ts): each side grants the other, per stream, a window
 * of half the peer's byte budget and grants back what its handler consumed, and sends only what it
 * was granted. So an honest peer, however far ahead of this node's handler, never holds more than
 * the window here and is never reset by the budget, which is left to stop peers that ignore it.
 */
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { OutgoingFrameTooLargeError, PeerNotAdmittedError } from '../errors.js'
import { type ProtocolHost, refuseStream } from '../host.js'
import { grantThresholdBytes, windowBytesFor } from './credit.js'
import type { FrameQueueLimits } from './frame-queue.js'
import { type LinkState, PeerLink } from './peer-link.js'
import { readFrames } from './read-frames.js'

/** Options of a {@link FrameChannel}. */
export interface FrameChannelOptions {
  readonly protocol: string
  readonly frameBytesMax: number
  readonly queue: FrameQueueLimits
  readonly batchBytesMax: number
  /** Bytes of undelivered frames one peer may make this node hold on this protocol. */
  readonly bufferedBytesPerPeerMax: number
  /** Peers whose link stays open (and redials) even while idle. */
  readonly keepAlive: (peer: string) => boolean
}

/** Receives the frames of one peer, in the order they were sent. */
export type FrameHandler = (from: string, frame: Uint8Array) => void

/** Streams at most this many concurrent inbound streams per connection on a framed protocol. */
const INBOUND_STREAMS_MAX = 4

export class FrameChannel {
  readonly #host: ProtocolHost
  readonly #options: FrameChannelOptions
  readonly #links = new Map<string, PeerLink>()
  /** Every stream being read, for shutdown. */
  readonly #reading = new Set<Stream>()
  #frameHandler: FrameHandler = () => {}
  #unreachableHandler: (peer: string) => void = () => {}
  #running = false

  constructor(host: ProtocolHost, options: FrameChannelOptions) {
    this.#host = host
    this.#options = options
  }

  get protocol(): string {
    return this.#options.protocol
  }

  async start(): Promise<void> {
    this.#host.inbound.setBufferedBytesMax(this.#options.protocol, this.#options.bufferedBytesPerPeerMax)
    await this.#host.libp2p.handle(
      this.#options.protocol,
      (stream, connection) => this.#accept(stream, connection),
      {
        maxInboundStreams: INBOUND_STREAMS_MAX,
        maxOutboundStreams: INBOUND_STREAMS_MAX,
      },
    )
    this.#running = true
  }

  async stop(): Promise<void> {
    this.#running = false
    await this.#host.libp2p.unhandle(this.#options.protocol)
    await Promise.all([...this.#links.values()].map((link) => link.close()))
    this.#links.clear()
    for (const stream of this.#reading) stream.abort(new Error('node stopping'))
    this.#reading.clear()
  }

  /** Installs the handler of received frames (replacing any earlier one). */
  onFrame(handler: FrameHandler): void {
    this.#frameHandler = handler
  }

  /** Installs the handler told when a peer could not be reached. */
  onUnreachable(handler: (peer: string) => void): void {
    this.#unreachableHandler = handler
  }

  /**
   * Queues `frame` for `peer`. Never blocks. Returns `false` when the frame was refused (peer not
   * admitted, frame over the cap, channel stopped) or a frame was dropped by the full queue.
   */
  send(peer: string, frame: Uint8Array): boolean {
    const metrics = this.#host.metrics.peer(peer)
    if (!this.#running || peer === this.#host.nodeId) {
      metrics.framesDropped++
      return false
    }
    if (frame.byteLength > this.#options.frameBytesMax) {
      metrics.framesDropped++
      const error = new OutgoingFrameTooLargeError(
        this.#options.protocol,
        frame.byteLength,
        this.#options.frameBytesMax,
      )
      this.#host.logger.warn('outgoing frame dropped', {
        peer,
        code: error.code,
        frameBytes: frame.byteLength,
      })
      return false
    }
    if (!this.#host.admission.admits(peer, this.#options.protocol)) {
      metrics.framesDropped++
      return false
    }
    return this.#link(peer).enqueue(frame)
  }

  /** Resolves when `peer`'s send queue has room again (at or below half full). */
  whenWritable(peer: string): Promise<void> {
    return this.#links.get(peer)?.whenWritable() ?? Promise.resolve()
  }

  /** Opens (and keeps open) links to `peers`, so they connect before the first frame is sent. */
  connect(peers: readonly string[]): void {
    if (!this.#running) return
    for (const peer of peers) {
      if (peer !== this.#host.nodeId && this.#host.admission.admits(peer, this.#options.protocol))
        this.#link(peer)
    }
  }

  /** Redials `peer` now if its link is waiting out a backoff (called when the peer connects to us). */
  nudge(peer: string): void {
    this.#links.get(peer)?.nudge()
  }

  /** Tells `peer`'s link that its connection closed, so an idle acceptor redials. */
  connectionLost(peer: string): void {
    this.#links.get(peer)?.recheck()
  }

  /** Closes the link to `peer` (for example after it left the membership). */
  async disconnect(peer: string): Promise<void> {
    const link = this.#links.get(peer)
    if (link === undefined) return
    this.#links.delete(peer)
    await link.close()
  }

  /** Frames waiting in `peer`'s send queue. */
  queuedFrames(peer: string): number {
    return this.#links.get(peer)?.queuedFrames ?? 0
  }

  /** The state of the link to `peer`, `undefined` when there is none. */
  linkState(peer: string): LinkState | undefined {
    return this.#links.get(peer)?.state
  }

  #link(peer: string): PeerLink {
    let link = this.#links.get(peer)
    if (link === undefined) {
      const host = this.#host
      const protocol = this.#options.protocol
      link = new PeerLink({
        peer,
        protocol,
        role: host.nodeId < peer ? 'opener' : 'acceptor',
        queue: this.#options.queue,
        batchBytesMax: this.#options.batchBytesMax,
        openStream: (signal, dialSignal) => host.openStream(peer, protocol, signal, { dialSignal }),
        connect: (signal) => this.#connect(peer, signal),
        onStream: (stream) => this.#read(peer, stream),
        backoff: host.backoff,
        random: host.random,
        keepAlive: this.#options.keepAlive(peer),
        metrics: host.metrics.peer(peer),
        logger: host.logger,
        onUnreachable: (unreachable) => this.#unreachableHandler(unreachable),
        flowControl: true,
      })
      this.#links.set(peer, link)
    }
    return link
  }

  /** Makes sure a connection to `peer` exists (the acceptor's part in getting the stream opened). */
  async #connect(peer: string, signal: AbortSignal): Promise<void> {
    const peerId = peerIdFromString(peer)
    const libp2p = this.#host.libp2p
    if (libp2p.getConnections(peerId).some((connection) => connection.status === 'open')) return
    await libp2p.dial(peerId, { signal })
  }

  #accept(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString()
    const protocol = this.#options.protocol
    if (!this.#running || !this.#host.admission.admits(peer, protocol)) {
      this.#host.admission.recordRefusal(peer, protocol)
      stream.abort(new PeerNotAdmittedError(peer, protocol))
      return
    }
    if (!this.#host.inbound.admitsInboundStream(peer, connection)) {
      refuseStream(this.#host, peer, protocol, stream)
      return
    }
    // The peer that sorts first opens the pair's stream; it becomes ours to send on as well. A
    // stream from the other side (which should not open one) is still read, and only read.
    if (peer < this.#host.nodeId) this.#link(peer).adopt(stream)
    else this.#read(peer, stream)
  }

  /** Reads `peer`'s frames from `stream` until it ends; a bad frame closes that stream only. */
  #read(peer: string, stream: Stream): void {
    const protocol = this.#options.protocol
    const { frameBytesMax, bufferedBytesPerPeerMax } = this.#options
    const windowBytes = windowBytesFor(bufferedBytesPerPeerMax, frameBytesMax)
    this.#reading.add(stream)
    readFrames(stream, {
      protocol,
      frameBytesMax,
      flowControl: {
        windowBytes,
        grantThresholdBytes: grantThresholdBytes(windowBytes, frameBytesMax),
        // Grants on a stream that is not the link's (one the peer should not have opened) are moot.
        onGrant: (bytes) => this.#links.get(peer)?.grant(stream, bytes),
      },
      budget: this.#host.inbound.budget(peer, protocol),
      frameTimeoutMs: this.#host.inbound.limits.frameTimeoutMs,
      framesPerTurnMax: this.#host.inbound.limits.framesPerTurnMax,
      metrics: this.#host.metrics.peer(peer),
      onFrame: (frame) => this.#frameHandler(peer, frame),
      onLocalError: (error) => {
        this.#host.metrics.peer(peer).handlerErrors++
        this.#host.logger.error('message handler failed', {
          peer,
          protocol,
          code: error.code,
          error:
            error.cause instanceof Error
              ? `${error.cause.name}: ${error.cause.message}`
              : String(error.cause),
        })
      },
    })
      .then((error) => {
        if (error !== null) {
          this.#host.logger.warn('closed stream after a bad frame', {
            peer,
            protocol,
            code: error.code,
            reason: error.message,
          })
        }
      })
      .finally(() => this.#reading.delete(stream))
  }
}
