/**
 * `/tandem/snapshot/1` on a node: members-only admission on the inbound side, the resumable
 * sender on the outbound side, and a periodic sweep of abandoned partial transfers.
 */
import type { Connection, Stream } from '@libp2p/interface'
import type { Clock } from '@tandem/base'
import { systemClock } from '@tandem/base/system'
import { PeerNotAdmittedError } from '../errors.js'
import { FramedStream } from '../framing/framed-stream.js'
import { refuseStream } from '../host.js'
import { SNAPSHOT_PROTOCOL } from '../protocols.js'
import type { TransportHost } from '../transport-host.js'
import { FRAME_OVERHEAD_BYTES, METADATA_BYTES_MAX } from './frames.js'
import {
  DEFAULT_SNAPSHOT_RECEIVER_LIMITS,
  type PartialTransferInfo,
  type SnapshotHandler,
  SnapshotReceiver,
  type SnapshotReceiverLimits,
  type SnapshotReceiverStats,
} from './receiver.js'
import {
  type SnapshotSendOptions,
  type SnapshotSendResult,
  type SnapshotToSend,
  sendSnapshot,
} from './sender.js'

/** Options of {@link createSnapshotService}. */
export interface SnapshotServiceOptions extends Partial<SnapshotReceiverLimits> {
  /** Clock of the TTL and the stall timeout. Default `systemClock()`; inject a `ManualClock` in tests. */
  readonly clock?: Clock
  /** How often abandoned and stalled transfers are swept. Default: a quarter of the TTL or half the stall timeout, whichever is shorter. */
  readonly sweepIntervalMs?: number
}

export class SnapshotService {
  readonly #node: TransportHost
  readonly #receiver: SnapshotReceiver
  readonly #frameBytesMax: number
  readonly #bufferedBytesPerPeerMax: number
  readonly #inbound = new Set<Stream>()
  readonly #sweepIntervalMs: number
  #sweepTimer: ReturnType<typeof setInterval> | null = null
  /** Aborted at stop; a start after a stop makes a fresh one. */
  #stopping = new AbortController()
  #running = false

  constructor(node: TransportHost, options: SnapshotServiceOptions = {}) {
    this.#node = node
    const limits: SnapshotReceiverLimits = {
      snapshotBytesMax: options.snapshotBytesMax ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.snapshotBytesMax,
      chunkBytesMax: options.chunkBytesMax ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.chunkBytesMax,
      windowChunks: options.windowChunks ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.windowChunks,
      receiveBufferBytesMax:
        options.receiveBufferBytesMax ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.receiveBufferBytesMax,
      partialTransfersMax:
        options.partialTransfersMax ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.partialTransfersMax,
      partialTransfersPerPeerMax:
        options.partialTransfersPerPeerMax ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.partialTransfersPerPeerMax,
      ttlMs: options.ttlMs ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.ttlMs,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_SNAPSHOT_RECEIVER_LIMITS.stallTimeoutMs,
    }
    // A frame holds one chunk (or an offer with its metadata) plus a few fields.
    this.#frameBytesMax = Math.max(limits.chunkBytesMax, METADATA_BYTES_MAX) + FRAME_OVERHEAD_BYTES
    // An honest sender has at most one receive window (plus the frame being read) in flight per
    // transfer, and a peer at most `partialTransfersPerPeerMax` transfers.
    this.#bufferedBytesPerPeerMax =
      limits.partialTransfersPerPeerMax * (limits.receiveBufferBytesMax + 2 * this.#frameBytesMax)
    this.#receiver = new SnapshotReceiver({
      limits,
      clock: options.clock ?? systemClock(),
      logger: node.logger,
    })
    this.#sweepIntervalMs = options.sweepIntervalMs ?? Math.min(limits.ttlMs / 4, limits.stallTimeoutMs / 2)
  }

  /**
   * Registers the protocol handler and starts the sweep; called by {@link createSnapshotService},
   * and again by the host when it is started after a stop.
   */
  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    if (this.#stopping.signal.aborted) this.#stopping = new AbortController()
    this.#sweepTimer = setInterval(() => this.#receiver.sweep(), this.#sweepIntervalMs)
    this.#sweepTimer.unref()
    this.#node.inbound.setBufferedBytesMax(SNAPSHOT_PROTOCOL, this.#bufferedBytesPerPeerMax)
    await this.#node.libp2p.handle(
      SNAPSHOT_PROTOCOL,
      (stream, connection) => this.#accept(stream, connection),
      {
        maxInboundStreams: 4,
        maxOutboundStreams: 4,
      },
    )
  }

  /** Installs the handler of complete, verified snapshots (replacing any earlier one). */
  onSnapshot(handler: SnapshotHandler): void {
    this.#receiver.onSnapshot(handler)
  }

  /** Called after each chunk this node received and acknowledged. */
  onProgress(listener: (peer: string, transferId: string, nextChunk: number) => void): void {
    this.#receiver.onProgress(listener)
  }

  /** Streams `snapshot` to member `peer`, resuming after cuts; resolves once the peer installed it. */
  send(
    peer: string,
    snapshot: SnapshotToSend,
    options: SnapshotSendOptions = {},
  ): Promise<SnapshotSendResult> {
    const signal = AbortSignal.any([this.#stopping.signal, ...(options.signal ? [options.signal] : [])])
    const node = this.#node
    return sendSnapshot(
      {
        open: async (attemptSignal) =>
          new FramedStream(await node.openStream(peer, SNAPSHOT_PROTOCOL, attemptSignal), {
            protocol: SNAPSHOT_PROTOCOL,
            frameBytesMax: this.#frameBytesMax,
            metrics: node.metrics.peer(peer),
            budget: node.inbound.budget(peer, SNAPSHOT_PROTOCOL),
            frameTimeoutMs: node.inbound.limits.frameTimeoutMs,
            framesPerTurnMax: node.inbound.limits.framesPerTurnMax,
          }),
        backoff: node.backoff,
        random: node.random,
        logger: node.logger,
      },
      snapshot,
      { ...options, signal },
    )
  }

  /** Partial transfers waiting to be resumed (or in progress). */
  partialTransfers(): PartialTransferInfo[] {
    return this.#receiver.partialTransfers()
  }

  /** Discards partial transfers idle beyond the TTL, and evicts stalled ones, now; returns how many. */
  sweep(): number {
    return this.#receiver.sweep()
  }

  /** Bytes held for partial transfers, and the refusals and evictions so far. */
  stats(): SnapshotReceiverStats {
    return this.#receiver.stats()
  }

  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    if (this.#sweepTimer !== null) clearInterval(this.#sweepTimer)
    this.#sweepTimer = null
    this.#stopping.abort(new Error('node stopping'))
    await this.#node.libp2p.unhandle(SNAPSHOT_PROTOCOL)
    for (const stream of this.#inbound) stream.abort(new Error('node stopping'))
    this.#inbound.clear()
    this.#receiver.clear()
  }

  #accept(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString()
    if (!this.#node.admission.admits(peer, SNAPSHOT_PROTOCOL)) {
      this.#node.admission.recordRefusal(peer, SNAPSHOT_PROTOCOL)
      stream.abort(new PeerNotAdmittedError(peer, SNAPSHOT_PROTOCOL))
      return
    }
    if (!this.#node.inbound.admitsInboundStream(peer, connection)) {
      refuseStream(this.#node, peer, SNAPSHOT_PROTOCOL, stream)
      return
    }
    this.#inbound.add(stream)
    const framed = new FramedStream(stream, {
      protocol: SNAPSHOT_PROTOCOL,
      frameBytesMax: this.#frameBytesMax,
      metrics: this.#node.metrics.peer(peer),
      budget: this.#node.inbound.budget(peer, SNAPSHOT_PROTOCOL),
      frameTimeoutMs: this.#node.inbound.limits.frameTimeoutMs,
      framesPerTurnMax: this.#node.inbound.limits.framesPerTurnMax,
    })
    this.#receiver.serve(framed, peer).finally(() => {
      framed.dispose()
      this.#inbound.delete(stream)
    })
  }
}

/** Starts `/tandem/snapshot/1` on `node`. */
export async function createSnapshotService(
  node: TransportHost,
  options: SnapshotServiceOptions = {},
): Promise<SnapshotService> {
  const service = new SnapshotService(node, options)
  await service.start()
  node.addService(service)
  return service
}
