/**
 * The receiving side of `/tandem/snapshot/1`. A transfer is assembled in order: each chunk is
 * checked (index, length, CRC-32), copied into place, folded into a running SHA-256 and then
 * acknowledged. The sender never has more than `windowChunks` unacknowledged chunks in flight, so
 * the stream's receive buffer is bounded by the window. If the stream is cut, the partial transfer
 * is kept — keyed by peer and transfer id — and a new offer of the same snapshot resumes from the
 * first chunk not yet acknowledged. Partial transfers untouched for `ttlMs` are discarded.
 *
 * No member can starve the others: each peer holds at most `partialTransfersPerPeerMax` partial
 * transfers (and the node `partialTransfersMax`), a transfer whose stream stays open without a chunk
 * for `stallTimeoutMs` is evicted, and memory follows the chunks actually received — an offer
 * announcing 1 GiB costs nothing until its bytes arrive. An offer refused only for lack of room is
 * answered `busy`, and the sender retries with backoff.
 */
import { createHash, type Hash } from 'node:crypto'
import { type Clock, type Logger, rethrowInvariant } from '@tandem/base'
import {
  SnapshotIntegrityError,
  SnapshotProtocolError,
  SnapshotStalledError,
  TransportError,
} from '../errors.js'
import type { FramedStream } from '../framing/framed-stream.js'
import type { Offer } from '../proto/snapshot.js'
import {
  decodeFrame,
  encodeAccept,
  encodeAck,
  encodeDone,
  FRAME_OVERHEAD_BYTES,
  invalidOffer,
  verifyChunk,
} from './frames.js'

/** A complete, verified snapshot handed to the application. */
export interface ReceivedSnapshot {
  readonly from: string
  readonly transferId: string
  readonly metadata: Uint8Array
  readonly data: Uint8Array
}

/** Installs or persists a received snapshot; a rejection is reported to the sender. */
export type SnapshotHandler = (snapshot: ReceivedSnapshot) => Promise<void> | void

/** Limits of the receiving side. */
export interface SnapshotReceiverLimits {
  /** Largest snapshot accepted. Default 1 GiB. */
  readonly snapshotBytesMax: number
  /** Largest chunk accepted. Default 1 MiB. */
  readonly chunkBytesMax: number
  /** Unacknowledged chunks the sender may have in flight (the receive buffer bound). Default 8. */
  readonly windowChunks: number
  /** Bytes of unacknowledged chunks the stream may buffer (the window never exceeds it). Default 4 MiB. */
  readonly receiveBufferBytesMax: number
  /** Partial transfers kept at once on this node, from all peers together. Default 8. */
  readonly partialTransfersMax: number
  /** Partial transfers kept at once from one peer. Default 2. */
  readonly partialTransfersPerPeerMax: number
  /** A partial transfer not resumed within this time is discarded. Default 5 minutes. */
  readonly ttlMs: number
  /** A transfer whose stream is open but sent no chunk for this long is evicted. Default 30 s. */
  readonly stallTimeoutMs: number
}

export const DEFAULT_SNAPSHOT_RECEIVER_LIMITS: SnapshotReceiverLimits = {
  snapshotBytesMax: 1024 * 1024 * 1024,
  chunkBytesMax: 1024 * 1024,
  windowChunks: 8,
  receiveBufferBytesMax: 4 * 1024 * 1024,
  partialTransfersMax: 8,
  partialTransfersPerPeerMax: 2,
  ttlMs: 5 * 60 * 1000,
  stallTimeoutMs: 30 * 1000,
}

/** What the receiver holds and has refused, for metrics and tests. */
export interface SnapshotReceiverStats {
  /** Bytes allocated for partial transfers now (they grow with the chunks received). */
  readonly partialBytes: number
  /** Offers answered `busy` because the peer or the node had no room for another transfer. */
  readonly busyRefusals: number
  /** Transfers evicted because their stream sent no chunk within `stallTimeoutMs`. */
  readonly stalledEvictions: number
}

/** The reason sent with a `busy` refusal. */
const BUSY_REASON = 'too many transfers in progress'

interface PartialTransfer {
  readonly key: string
  readonly peer: string
  readonly offer: Offer
  /** Received bytes so far, at the front; grown (doubling, up to the total) as chunks arrive. */
  data: Uint8Array
  readonly hash: Hash
  nextChunk: number
  lastActivityMs: number
  stream: FramedStream | null
}

/** What a partial transfer looks like from outside (status pages, tests). */
export interface PartialTransferInfo {
  readonly peer: string
  readonly transferId: string
  readonly nextChunk: number
  readonly chunkCount: number
}

export class SnapshotReceiver {
  readonly #limits: SnapshotReceiverLimits
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #partials = new Map<string, PartialTransfer>()
  #busyRefusals = 0
  #stalledEvictions = 0
  #handler: SnapshotHandler = () => {}
  #progress: (peer: string, transferId: string, nextChunk: number) => void = () => {}

  constructor(init: { limits: SnapshotReceiverLimits; clock: Clock; logger: Logger }) {
    this.#limits = init.limits
    this.#clock = init.clock
    this.#logger = init.logger
  }

  onSnapshot(handler: SnapshotHandler): void {
    this.#handler = handler
  }

  /** Called after each acknowledged chunk (for progress reporting). */
  onProgress(listener: (peer: string, transferId: string, nextChunk: number) => void): void {
    this.#progress = listener
  }

  partialTransfers(): PartialTransferInfo[] {
    return [...this.#partials.values()].map((partial) => ({
      peer: partial.peer,
      transferId: partial.offer.transferId,
      nextChunk: partial.nextChunk,
      chunkCount: partial.offer.chunkCount,
    }))
  }

  stats(): SnapshotReceiverStats {
    let partialBytes = 0
    for (const partial of this.#partials.values()) partialBytes += partial.data.byteLength
    return { partialBytes, busyRefusals: this.#busyRefusals, stalledEvictions: this.#stalledEvictions }
  }

  /**
   * Discards partial transfers idle (no stream) for longer than the TTL, and evicts those whose
   * stream sent no chunk within the stall timeout; returns how many were discarded.
   */
  sweep(): number {
    const now = this.#clock.now()
    let discarded = 0
    for (const [key, partial] of this.#partials) {
      const idleMs = now - partial.lastActivityMs
      const fields = {
        peer: partial.peer,
        transferId: partial.offer.transferId,
        nextChunk: partial.nextChunk,
      }
      if (partial.stream === null && idleMs >= this.#limits.ttlMs) {
        this.#partials.delete(key)
        discarded++
        this.#logger.info('abandoned snapshot transfer discarded', fields)
      } else if (partial.stream !== null && idleMs >= this.#limits.stallTimeoutMs) {
        this.#partials.delete(key)
        discarded++
        this.#stalledEvictions++
        const error = new SnapshotStalledError(
          `no chunk for ${this.#limits.stallTimeoutMs} ms; transfer ${partial.offer.transferId} evicted`,
        )
        this.#logger.warn('stalled snapshot transfer evicted', { ...fields, code: error.code })
        const stream = partial.stream
        partial.stream = null
        if (stream.stream.status === 'open') stream.fail(error)
      }
    }
    return discarded
  }

  /** Discards every partial transfer (on shutdown). */
  clear(): void {
    for (const partial of this.#partials.values()) partial.stream?.stream.abort(new Error('node stopping'))
    this.#partials.clear()
  }

  /** Serves one inbound stream from an admitted peer, until the transfer completes or the stream ends. */
  async serve(framed: FramedStream, peer: string): Promise<void> {
    let partial: PartialTransfer | null = null
    try {
      const offerBytes = await framed.read()
      if (offerBytes === null) return
      const offer = decodeFrame(offerBytes, 'offer')
      const problem = invalidOffer(offer, this.#limits)
      if (problem !== null) {
        await framed.write(encodeDone({ error: problem }))
        throw new SnapshotProtocolError(`refused snapshot offer: ${problem}`)
      }
      this.sweep()
      partial = this.#partialFor(peer, offer)
      if (partial === null) {
        this.#busyRefusals++
        this.#logger.info('snapshot offer refused for now', { peer, transferId: offer.transferId })
        await framed.write(encodeDone({ error: BUSY_REASON, busy: true }))
        await framed.close()
        return
      }
      // A newer stream for the same transfer replaces an older one the peer gave up on.
      partial.stream?.stream.abort(new SnapshotProtocolError('superseded by a resumed stream'))
      partial.stream = framed
      partial.lastActivityMs = this.#clock.now()
      // The window bounds what an honest sender has in flight: never more unacknowledged chunk bytes
      // than `receiveBufferBytesMax`. A sender ignoring it runs into the peer's byte budget of the
      // stream's reader (set by the service to cover the window of each of its transfers) and is cut.
      const frameBytes = offer.chunkBytes + FRAME_OVERHEAD_BYTES
      const windowChunks = Math.max(
        1,
        Math.min(this.#limits.windowChunks, Math.floor(this.#limits.receiveBufferBytesMax / frameBytes)),
      )
      await framed.write(encodeAccept({ resumeFromChunk: partial.nextChunk, windowChunks }))
      await this.#receiveChunks(framed, partial)
    } catch (error) {
      rethrowInvariant(error)
      if (error instanceof TransportError) {
        if (framed.stream.status === 'open') framed.fail(error)
        this.#logger.warn('snapshot stream closed', { peer, code: error.code, reason: error.message })
      } else {
        this.#logger.debug('snapshot stream ended', { peer, error: String(error) })
      }
    } finally {
      if (partial !== null && partial.stream === framed) {
        partial.stream = null
        partial.lastActivityMs = this.#clock.now()
      }
    }
  }

  async #receiveChunks(framed: FramedStream, partial: PartialTransfer): Promise<void> {
    const { offer } = partial
    while (partial.nextChunk < offer.chunkCount) {
      const bytes = await framed.read()
      if (bytes === null) return // cut: the partial transfer waits for a resume
      const chunk = decodeFrame(bytes, 'chunk')
      verifyChunk(chunk, offer, partial.nextChunk)
      const offset = partial.nextChunk * offer.chunkBytes
      reserve(partial, offset + chunk.data.byteLength)
      partial.data.set(chunk.data, offset)
      partial.hash.update(chunk.data)
      partial.nextChunk++
      partial.lastActivityMs = this.#clock.now()
      await framed.write(encodeAck({ nextChunk: partial.nextChunk }))
      this.#progress(partial.peer, offer.transferId, partial.nextChunk)
    }
    this.#partials.delete(partial.key)
    const digest = partial.hash.digest()
    if (!digest.equals(offer.sha256)) {
      await framed.write(encodeDone({ error: 'snapshot digest mismatch' }))
      throw new SnapshotIntegrityError('assembled snapshot does not match its SHA-256')
    }
    let failure = ''
    try {
      // The metadata is copied out of the offer frame as a plain Uint8Array (the decoder may hand out a Buffer).
      const metadata = new Uint8Array(offer.metadata)
      await this.#handler({ from: partial.peer, transferId: offer.transferId, metadata, data: partial.data })
    } catch (error) {
      rethrowInvariant(error)
      failure = 'rejected by the application'
      this.#logger.warn('snapshot handler failed', { peer: partial.peer, error: String(error) })
    }
    await framed.write(encodeDone({ error: failure }))
    await framed.close()
  }

  #partialFor(peer: string, offer: Offer): PartialTransfer | null {
    const key = `${peer}\n${offer.transferId}`
    const existing = this.#partials.get(key)
    if (existing !== undefined) {
      const same =
        existing.offer.totalBytes === offer.totalBytes &&
        existing.offer.chunkBytes === offer.chunkBytes &&
        Buffer.from(existing.offer.sha256).equals(offer.sha256)
      if (same) return existing
      existing.stream?.stream.abort(new SnapshotProtocolError('transfer restarted with different content'))
      this.#partials.delete(key)
    }
    // The peer's own share first, so that one peer never crowds out the others; then the node's.
    const ofPeer = [...this.#partials.values()].filter((partial) => partial.peer === peer)
    if (ofPeer.length >= this.#limits.partialTransfersPerPeerMax && !this.#dropOldestIdle(ofPeer)) return null
    if (
      this.#partials.size >= this.#limits.partialTransfersMax &&
      !this.#dropOldestIdle(this.#partials.values())
    )
      return null
    const partial: PartialTransfer = {
      key,
      peer,
      offer,
      data: new Uint8Array(0),
      hash: createHash('sha256'),
      nextChunk: 0,
      lastActivityMs: this.#clock.now(),
      stream: null,
    }
    this.#partials.set(key, partial)
    return partial
  }

  /** Makes room by dropping the longest-idle transfer without a live stream; `false` if there is none. */
  #dropOldestIdle(candidates: Iterable<PartialTransfer>): boolean {
    let oldest: PartialTransfer | null = null
    for (const partial of candidates) {
      if (partial.stream === null && (oldest === null || partial.lastActivityMs < oldest.lastActivityMs)) {
        oldest = partial
      }
    }
    if (oldest === null) return false
    this.#partials.delete(oldest.key)
    return true
  }
}

/**
 * Grows `partial`'s buffer to hold at least `bytes`, doubling (so copies stay linear in the size)
 * but never beyond the announced total, which the offer check already bounded by `snapshotBytesMax`.
 */
function reserve(partial: PartialTransfer, bytes: number): void {
  if (bytes <= partial.data.byteLength) return
  const capacity = Math.min(partial.offer.totalBytes, Math.max(bytes, 2 * partial.data.byteLength))
  const grown = new Uint8Array(capacity)
  grown.set(partial.data)
  partial.data = grown
}
