/**
 * `/tandem/raft/2` as a service of the host, like the snapshot and CRDT sync services: a framed,
 * members-only channel (one long-lived stream per member pair, batched, bounded) that keeps a link
 * to every member, follows membership and connection events itself, starts and stops with the
 * host, and counts what it carries. The Raft transport ({@link createRaftTransport}) sends and
 * receives Raft messages on it.
 */
import type { Connection, PeerId } from '@libp2p/interface'
import { MalformedFrameError, MessageHandlerError } from './errors.js'
import { FrameChannel, type FrameHandler } from './framing/frame-channel.js'
import type { OverflowPolicy } from './framing/frame-queue.js'
import type { LinkState } from './framing/peer-link.js'
import { type MemberPeerResolver, peerIdOfMember, type RaftAddressing } from './member-ids.js'
import { RAFT_PROTOCOL } from './protocols.js'
import type { TransportHost } from './transport-host.js'
import { defaultBufferedBytesPerPeerMax } from './transport-host-options.js'

/** Member ids whose peer id {@link RaftService.peerOf} keeps (a cluster has far fewer). */
const PEER_OF_CACHE_MAX = 1_024

/** Limits of the `/tandem/raft/2` frame channel. */
export interface RaftChannelOptions {
  /** Largest accepted frame (one encoded Raft message), both ways. Default 16 MiB. */
  readonly frameBytesMax: number
  /** Frames queued per peer before the overflow policy applies. Default 8,192. */
  readonly queueFramesMax: number
  /** Bytes queued per peer before the overflow policy applies. Default 64 MiB. */
  readonly queueBytesMax: number
  /** What a full queue does. Default `drop-oldest`: fresh Raft state supersedes stale. */
  readonly overflow: OverflowPolicy
  /** Largest batched write. Default 256 KiB. */
  readonly batchBytesMax: number
  /**
   * Bytes of received, not yet delivered frames one peer may make this node hold, over all its
   * connections and streams on `/tandem/raft/2`. Default 2 × `frameBytesMax` + 1 MiB (33 MiB): two
   * whole frames, plus room for the chunks that arrive while frames are being handed on.
   */
  readonly bufferedBytesPerPeerMax: number
}

/** The channel limits' defaults. */
export const DEFAULT_RAFT_CHANNEL: RaftChannelOptions = {
  frameBytesMax: 16 * 1024 * 1024,
  queueFramesMax: 8192,
  queueBytesMax: 64 * 1024 * 1024,
  overflow: 'drop-oldest',
  batchBytesMax: 256 * 1024,
  bufferedBytesPerPeerMax: defaultBufferedBytesPerPeerMax(16 * 1024 * 1024),
}

/** Options of {@link createRaftService}: the channel limits and how member ids map to peers. */
export interface RaftServiceOptions extends Partial<RaftChannelOptions> {
  /**
   * This node's Raft member id (`<peer id>/<store id>`, or the bare peer id). Its peer part must be
   * the host's peer id. Default: the host's peer id.
   */
  readonly memberId?: string
  /** Maps a member id to its peer id. Default {@link peerIdOfMember}. */
  readonly peerOf?: MemberPeerResolver
}

/** The service's own counters since it was created (per-peer counters stay in `host.metrics`). */
export interface RaftServiceStats {
  /** Sends that queued their frame with nothing dropped (`send` returned `true`). */
  framesQueued: number
  /**
   * Sends that returned `false`: the frame was refused (no such member or peer, not running, over
   * the cap) or a full queue dropped a frame (with `drop-oldest`, an older one; the new one is queued).
   */
  framesDropped: number
  /** Frames received and handed to the frame handler. */
  framesReceived: number
  /** Received frames the handler refused as malformed or misaddressed (each closed its stream). */
  framesRefused: number
  /** Received frames on which this node's own message handler failed (streams kept). */
  handlerErrors: number
  /**
   * Received frames addressed to another member id of this node's own peer id — an earlier storeId
   * of a data directory that was wiped and joined again — dropped unanswered, the stream kept.
   */
  framesToFormerMember: number
}

export class RaftService implements RaftAddressing {
  readonly memberId: string
  readonly #host: TransportHost
  readonly #channel: FrameChannel
  readonly #limits: RaftChannelOptions
  readonly #peerOf: MemberPeerResolver
  readonly #peerOfCache = new Map<string, string | null>()
  readonly #stats: RaftServiceStats = {
    framesQueued: 0,
    framesDropped: 0,
    framesReceived: 0,
    framesRefused: 0,
    handlerErrors: 0,
    framesToFormerMember: 0,
  }
  #frameHandler: FrameHandler = () => {}
  #running = false
  /** The members as of the last start or membership change. */
  #members: ReadonlySet<string> = new Set()
  readonly #onConnection = (event: CustomEvent<Connection>): void => {
    const connection = event.detail
    // Only an inbound connection means the peer reached us on its own (for example after a
    // restart on a new address); our own dials produce outbound ones and must not cut themselves
    // short. One the host closed at once (over the per-peer bound) is no sign of the peer either.
    if (connection.direction !== 'inbound' || connection.status !== 'open') return
    this.#channel.nudge(connection.remotePeer.toString())
  }
  readonly #onDisconnect = (event: CustomEvent<PeerId>): void => {
    this.#channel.connectionLost(event.detail.toString())
  }

  constructor(host: TransportHost, options: RaftServiceOptions = {}) {
    this.#host = host
    const limits = { ...DEFAULT_RAFT_CHANNEL, ...withoutUndefined(options) }
    limits.bufferedBytesPerPeerMax =
      options.bufferedBytesPerPeerMax ?? defaultBufferedBytesPerPeerMax(limits.frameBytesMax)
    if (!(limits.frameBytesMax >= 64)) throw new RangeError('raft frameBytesMax must be at least 64')
    if (!(limits.batchBytesMax >= 1)) throw new RangeError('raft batchBytesMax must be positive')
    if (!(limits.bufferedBytesPerPeerMax >= limits.frameBytesMax))
      throw new RangeError('raft bufferedBytesPerPeerMax must hold at least one whole frame')
    this.#limits = {
      frameBytesMax: limits.frameBytesMax,
      queueFramesMax: limits.queueFramesMax,
      queueBytesMax: limits.queueBytesMax,
      overflow: limits.overflow,
      batchBytesMax: limits.batchBytesMax,
      bufferedBytesPerPeerMax: limits.bufferedBytesPerPeerMax,
    }
    this.#peerOf = options.peerOf ?? peerIdOfMember
    this.memberId = options.memberId ?? host.nodeId
    if (this.#peerOf(this.memberId) !== host.nodeId)
      throw new RangeError(`raft memberId ${this.memberId} does not belong to this host (${host.nodeId})`)
    this.#channel = new FrameChannel(host, {
      protocol: RAFT_PROTOCOL,
      frameBytesMax: this.#limits.frameBytesMax,
      queue: {
        framesMax: this.#limits.queueFramesMax,
        bytesMax: this.#limits.queueBytesMax,
        overflow: this.#limits.overflow,
      },
      batchBytesMax: this.#limits.batchBytesMax,
      bufferedBytesPerPeerMax: this.#limits.bufferedBytesPerPeerMax,
      keepAlive: (peer) => host.admission.roleOf(peer) === 'member',
    })
    this.#channel.onFrame((from, frame) => this.#receive(from, frame))
    host.onMembershipChange(() => this.#followMembership())
    host.onPeerAddresses((peer) => {
      if (this.#running) this.#channel.nudge(peer)
    })
  }

  /** The limits in force. */
  get limits(): Readonly<RaftChannelOptions> {
    return this.#limits
  }

  /** Largest frame (one encoded Raft message) sent or accepted. */
  get frameBytesMax(): number {
    return this.#limits.frameBytesMax
  }

  get running(): boolean {
    return this.#running
  }

  /** The peer id of `memberId` (see {@link RaftServiceOptions.peerOf}), or `null`. */
  peerOf(memberId: string): string | null {
    // Asked twice per message (the sender's `to`, the receiver's `from`) for a handful of member
    // ids: parsing each time (two regular expressions) cost about a fifth of the channel's time on
    // small frames. The resolver is a pure function of the id; the cache is bounded so that a peer
    // sending ever-new ids cannot grow it.
    const known = this.#peerOfCache.get(memberId)
    if (known !== undefined) return known
    const peer = this.#peerOf(memberId)
    if (this.#peerOfCache.size >= PEER_OF_CACHE_MAX) this.#peerOfCache.clear()
    this.#peerOfCache.set(memberId, peer)
    return peer
  }

  /**
   * Registers the protocol and opens links to every member. Called by {@link createRaftService}
   * and again by the host when it is started after a stop.
   */
  async start(): Promise<void> {
    if (this.#running) return
    await this.#channel.start()
    this.#running = true
    this.#host.libp2p.addEventListener('connection:open', this.#onConnection)
    this.#host.libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#members = new Set(this.#host.admission.members)
    this.#channel.connect([...this.#members])
  }

  /** Closes every link and unregisters the protocol; queued frames are discarded. */
  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    this.#host.libp2p.removeEventListener('connection:open', this.#onConnection)
    this.#host.libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    await this.#channel.stop()
  }

  /**
   * Queues `frame` for `peer` (a peer id). Never blocks. Returns `false` when the frame was refused
   * (peer not a member, frame over the cap, service stopped) or a frame was dropped by the full queue.
   */
  send(peer: string, frame: Uint8Array): boolean {
    const queued = this.#channel.send(peer, frame)
    if (queued) this.#stats.framesQueued++
    else this.#stats.framesDropped++
    return queued
  }

  /** Counts a received frame addressed to an earlier member id of this peer (dropped, stream kept). */
  recordFormerMemberFrame(): void {
    this.#stats.framesToFormerMember++
  }

  /** Counts a frame dropped before it reached the channel (its recipient names no peer). */
  recordUnroutable(): void {
    this.#stats.framesDropped++
  }

  /**
   * Installs the handler of received frames (replacing any earlier one). A `MalformedFrameError`
   * it throws closes the sender's stream; a `MessageHandlerError` is logged and the stream kept.
   */
  onFrame(handler: FrameHandler): void {
    this.#frameHandler = handler
  }

  /** Installs the handler told when a peer could not be reached. */
  onUnreachable(handler: (peer: string) => void): void {
    this.#channel.onUnreachable(handler)
  }

  /** Resolves when `peer`'s send queue has room again (at or below half full). */
  whenWritable(peer: string): Promise<void> {
    return this.#channel.whenWritable(peer)
  }

  /** Redials `peer` now if its link is waiting out a backoff. */
  nudge(peer: string): void {
    this.#channel.nudge(peer)
  }

  /** Frames waiting in `peer`'s send queue. */
  queuedFrames(peer: string): number {
    return this.#channel.queuedFrames(peer)
  }

  /** The state of the link to `peer`, `undefined` when there is none. */
  linkState(peer: string): LinkState | undefined {
    return this.#channel.linkState(peer)
  }

  /** A copy of the service's counters. */
  stats(): RaftServiceStats {
    return { ...this.#stats }
  }

  #receive(from: string, frame: Uint8Array): void {
    this.#stats.framesReceived++
    try {
      this.#frameHandler(from, frame)
    } catch (error) {
      if (error instanceof MalformedFrameError) this.#stats.framesRefused++
      else if (error instanceof MessageHandlerError) this.#stats.handlerErrors++
      throw error
    }
  }

  /** Keeps links to exactly the current members: new ones are connected, removed ones closed. */
  async #followMembership(): Promise<void> {
    if (!this.#running) return
    const admission = this.#host.admission
    const previous = this.#members
    this.#members = new Set(admission.members)
    this.#channel.connect([...this.#members])
    // Links exist only to peers that were members when they were made, so the previous list
    // covers every link a change can leave behind.
    for (const peer of previous) {
      if (!admission.admits(peer, RAFT_PROTOCOL)) await this.#channel.disconnect(peer)
    }
  }
}

/** The defined fields of `options` (a `Partial` given `{ frameBytesMax: undefined }` keeps the default). */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>
}

/**
 * Starts `/tandem/raft/2` on `host`: links to every member, kept as membership changes, and
 * restarted with the host.
 */
export async function createRaftService(
  host: TransportHost,
  options: RaftServiceOptions = {},
): Promise<RaftService> {
  const service = new RaftService(host, options)
  await service.start()
  host.addService(service)
  return service
}
