/**
 * `/tandem/streams/1`: anti-entropy of sealed delta streams between cluster members (design.md,
 * "Eventual writes: sealed delta streams").
 *
 * Each pair of members keeps one stream, opened by the peer with the smaller id (the other only
 * keeps a connection up), as `/tandem/crdt/1` does. On it:
 * - a writer pushes its own new batches live, in order ({@link StreamSyncService.publish}), once
 *   they are durable;
 * - both sides send a summary at the start and every `antiEntropyIntervalMs`: per stream, its
 *   held-through, leaving out streams held only through their folded high-water h;
 * - a side that sees the peer hold more of a stream pulls it (`Request` from its held-through + 1);
 *   the peer answers with the batches in order, or with `Folded(h, index)` when it no longer holds
 *   them because they are folded, so the receiver takes them from the Raft log.
 * Received batches go to the store one by one, in order, and a message stops at the first batch
 * the store does not take (a gap, a refusal): nothing is merged past a gap. While the store's
 * backlog is full nothing is requested; pulling resumes at the next summary after it has room.
 * Out-of-order, duplicate or oversized batches are counted and change nothing, without closing the
 * stream; a malformed frame closes only its stream, which the opener reopens with backoff.
 */

import type { Connection, Stream } from '@libp2p/interface'
import { rethrowInvariant } from '@tandem/base'
import { backoffDelayMs, Pause } from '../backoff.js'
import { PeerNotAdmittedError, StreamsProtocolError, TransportError } from '../errors.js'
import { FramedStream } from '../framing/framed-stream.js'
import { refuseStream } from '../host.js'
import { keepConnected } from '../keep-connected.js'
import type { Batches } from '../proto/streams.js'
import { STREAMS_PROTOCOL } from '../protocols.js'
import type { TransportHost } from '../transport-host.js'
import { defaultBufferedBytesPerPeerMax } from '../transport-host-options.js'
import {
  decodeStreamsFrame,
  encodeBatches,
  encodeFolded,
  encodeRequest,
  encodeSummary,
  STREAMS_FRAME_OVERHEAD_BYTES,
  type StreamsFrameLimits,
} from './frames.js'
import type { StreamAcceptOutcome, StreamStore } from './stream-store.js'

/** Options of {@link createStreamSyncService}. */
export interface StreamSyncOptions {
  /** The largest batch taken from the wire; a larger one is refused and counted. Default 4 MiB. */
  readonly batchBytesMax?: number
  /** Batch bytes in one answer to a request (at least one batch is sent). Default 1 MiB. */
  readonly answerBytesMax?: number
  /** Largest frame accepted. Default `max(batchBytesMax, answerBytesMax) + 64 KiB`. */
  readonly frameBytesMax?: number
  /** Time between two summaries on a stream. Default 1,000 ms. */
  readonly antiEntropyIntervalMs?: number
  /** The longest stream id accepted. Default 256 characters. */
  readonly streamIdCharsMax?: number
  /** The most streams one summary may list. Default 65,536. */
  readonly summaryStreamsMax?: number
  /** The most batches one frame may carry. Default 4,096. */
  readonly batchesPerFrameMax?: number
  /**
   * Requests one session keeps unanswered at once. Bounds what an honest peer queues for us
   * (about this many answers of `answerBytesMax`), so catching up on many streams never overflows
   * its send queue. Default 8.
   */
  readonly requestsInFlightMax?: number
  /** Frames queued per session before it is restarted. Default 4,096. */
  readonly queueFramesMax?: number
  /** Bytes queued per session before it is restarted. Default 64 MiB. */
  readonly queueBytesMax?: number
  /** Received, not yet handled bytes one peer may make this node hold. Default 2 × `frameBytesMax` + 1 MiB. */
  readonly bufferedBytesPerPeerMax?: number
}

/** Counters of the service (per node; the per-peer byte and frame counters are in `host.metrics`). */
export interface StreamSyncStats {
  /** Batch frames pushed live to peers. */
  pushed: number
  /** Requests sent (pulls). */
  requested: number
  /** Batches sent in answers to requests. */
  served: number
  /** `Folded` answers sent and received. */
  foldedSent: number
  foldedReceived: number
  /** Received batches by what the store did with them. */
  stored: number
  duplicates: number
  gaps: number
  refusedUnknownKey: number
  refusedAboveCutoff: number
  refusedBacklogFull: number
  /** Received batches larger than `batchBytesMax` (never handed to the store). */
  oversized: number
  /** Summaries whose pulls were skipped because the backlog was full. */
  pullsPaused: number
  /** Sessions closed for a malformed frame or a full send queue. */
  sessionsFailed: number
}

/** A `Folded` answer: the peer folded `stream` through `highWater` in the Raft entry at `index`. */
export type FoldedListener = (peer: string, stream: string, highWater: number, index: number) => void

function abortedController(): AbortController {
  const controller = new AbortController()
  controller.abort(new Error('not started'))
  return controller
}

interface PeerState {
  readonly pause: Pause
  readonly stop: AbortController
  session: Session | null
  sessions: number
}

interface Session {
  readonly peer: string
  readonly stream: Stream
  readonly framed: FramedStream
  /** The peer's held-through per stream, from its latest summary. */
  peerHeld: Map<string, number>
  /** The peer's latest summary as it came (unlike `peerHeld`, never edited while pulling). */
  lastSummary: ReadonlyMap<string, number>
  /** Streams with a request in flight, and the summary round it was sent in. */
  readonly requests: Map<string, number>
  round: number
}

/** Rounds after which an unanswered request is sent again (a peer may drop one when it restarts). */
const REQUEST_ROUNDS_MAX = 3

export class StreamSyncService {
  readonly #node: TransportHost
  readonly #store: StreamStore
  readonly #batchBytesMax: number
  readonly #answerBytesMax: number
  readonly #frameBytesMax: number
  readonly #intervalMs: number
  readonly #limits: StreamsFrameLimits
  readonly #queueFramesMax: number
  readonly #requestsInFlightMax: number
  readonly #queueBytesMax: number
  readonly #bufferedBytesPerPeerMax: number
  readonly #peers = new Map<string, PeerState>()
  readonly #inbound = new Set<Stream>()
  readonly #listeners: FoldedListener[] = []
  readonly #stats: StreamSyncStats = {
    pushed: 0,
    requested: 0,
    served: 0,
    foldedSent: 0,
    foldedReceived: 0,
    stored: 0,
    duplicates: 0,
    gaps: 0,
    refusedUnknownKey: 0,
    refusedAboveCutoff: 0,
    refusedBacklogFull: 0,
    oversized: 0,
    pullsPaused: 0,
    sessionsFailed: 0,
  }
  #stopping = abortedController()
  #loops: Promise<void>[] = []
  #timer: ReturnType<typeof setInterval> | undefined
  readonly #onConnection = (event: CustomEvent<Connection>): void => {
    this.#peers.get(event.detail.remotePeer.toString())?.pause.cutShort()
  }

  constructor(node: TransportHost, store: StreamStore, options: StreamSyncOptions = {}) {
    this.#node = node
    this.#store = store
    this.#batchBytesMax = options.batchBytesMax ?? 4 * 1024 * 1024
    this.#answerBytesMax = options.answerBytesMax ?? 1024 * 1024
    this.#frameBytesMax =
      options.frameBytesMax ?? Math.max(this.#batchBytesMax, this.#answerBytesMax) + 64 * 1024
    if (!(this.#frameBytesMax >= this.#batchBytesMax + STREAMS_FRAME_OVERHEAD_BYTES))
      throw new RangeError('frameBytesMax must hold one batch of batchBytesMax')
    this.#intervalMs = options.antiEntropyIntervalMs ?? 1_000
    this.#limits = {
      streamIdCharsMax: options.streamIdCharsMax ?? 256,
      summaryStreamsMax: options.summaryStreamsMax ?? 65_536,
      batchesPerFrameMax: options.batchesPerFrameMax ?? 4_096,
    }
    this.#queueFramesMax = options.queueFramesMax ?? 4_096
    this.#requestsInFlightMax = options.requestsInFlightMax ?? 8
    this.#queueBytesMax = options.queueBytesMax ?? 64 * 1024 * 1024
    this.#bufferedBytesPerPeerMax =
      options.bufferedBytesPerPeerMax ?? defaultBufferedBytesPerPeerMax(this.#frameBytesMax)
    if (!(this.#bufferedBytesPerPeerMax >= this.#frameBytesMax))
      throw new RangeError('bufferedBytesPerPeerMax must hold at least one whole frame')
    node.onMembershipChange(() => {
      if (!this.#stopping.signal.aborted) this.#followMembership()
    })
  }

  /** Registers the protocol and syncs with every member. Called again by the host after a stop. */
  async start(): Promise<void> {
    if (!this.#stopping.signal.aborted) return
    this.#stopping = new AbortController()
    this.#loops = []
    this.#node.inbound.setBufferedBytesMax(STREAMS_PROTOCOL, this.#bufferedBytesPerPeerMax)
    await this.#node.libp2p.handle(
      STREAMS_PROTOCOL,
      (stream, connection) => this.#accept(stream, connection),
      {
        maxInboundStreams: 4,
        maxOutboundStreams: 4,
      },
    )
    this.#node.libp2p.addEventListener('connection:open', this.#onConnection)
    this.#timer = setInterval(() => this.syncNow(), this.#intervalMs)
    this.#timer.unref?.()
    this.#followMembership()
  }

  async stop(): Promise<void> {
    if (this.#stopping.signal.aborted) return
    this.#stopping.abort(new Error('node stopping'))
    clearInterval(this.#timer)
    this.#node.libp2p.removeEventListener('connection:open', this.#onConnection)
    for (const state of this.#peers.values()) {
      state.stop.abort()
      state.pause.cutShort()
    }
    await this.#node.libp2p.unhandle(STREAMS_PROTOCOL)
    for (const stream of this.#inbound) stream.abort(new Error('node stopping'))
    for (const state of this.#peers.values()) state.session?.stream.abort(new Error('node stopping'))
    await Promise.all(this.#loops)
    this.#peers.clear()
  }

  /**
   * Pushes batch `sequence` of this node's own `stream` to every connected member. Call it once
   * the batch is durable here (no eventual batch leaves a node before its fsync), in sequence
   * order. A member not connected now gets it by anti-entropy later. Returns the number of
   * sessions it was queued on; a batch over `batchBytesMax` is pushed to none (a receiver would
   * refuse it).
   */
  publish(stream: string, sequence: number, bytes: Uint8Array): number {
    if (bytes.byteLength > this.#batchBytesMax) return 0
    const frame = encodeBatches({ stream, batches: [{ sequence, sealed: owned(bytes) }], answer: false })
    let queued = 0
    for (const state of this.#peers.values()) {
      const session = state.session
      if (session === null) continue
      if (this.#send(session, frame)) queued++
    }
    this.#stats.pushed += queued
    return queued
  }

  /** Sends a summary on every open session now (for example once a fold freed backlog room). */
  syncNow(): void {
    for (const state of this.#peers.values()) if (state.session !== null) this.#sendSummary(state.session)
  }

  /**
   * The highest sequence any connected peer's latest summary lists for each stream `select` picks
   * (a summary lists the streams a peer holds above their folded high-water). What a revocation or
   * a removal records as cutoffs (design.md, "Leaving and revocation"); a stream no peer lists is
   * absent, and its cutoff is its h.
   *
   * @example
   * ```ts
   * const positions = service.peerPositions((stream) => stream.startsWith(`${key}.`))
   * ```
   */
  peerPositions(select: (stream: string) => boolean): Map<string, number> {
    const positions = new Map<string, number>()
    for (const state of this.#peers.values()) {
      const session = state.session
      if (session === null || session.stream.status !== 'open') continue
      for (const [stream, heldThrough] of session.lastSummary) {
        if (!select(stream)) continue
        positions.set(stream, Math.max(positions.get(stream) ?? 0, heldThrough))
      }
    }
    return positions
  }

  /** Calls `listener` for every `Folded` answer received. */
  onFolded(listener: FoldedListener): void {
    this.#listeners.push(listener)
  }

  /** A copy of the service's counters. */
  stats(): StreamSyncStats {
    return { ...this.#stats }
  }

  /** Whether a streams session with `peer` is open now. */
  isSyncing(peer: string): boolean {
    return this.#peers.get(peer)?.session?.stream.status === 'open'
  }

  /** Sessions started with `peer` so far (a reconnect starts a new one). */
  sessionCount(peer: string): number {
    return this.#peers.get(peer)?.sessions ?? 0
  }

  #followMembership(): void {
    const members = new Set(this.#node.admission.members)
    for (const peer of [...this.#peers.keys()]) if (!members.has(peer)) this.#removePeer(peer)
    for (const peer of members) this.#addPeer(peer)
  }

  #addPeer(peer: string): void {
    if (peer === this.#node.nodeId || this.#peers.has(peer) || this.#stopping.signal.aborted) return
    const state: PeerState = { pause: new Pause(), stop: new AbortController(), session: null, sessions: 0 }
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

  #removePeer(peer: string): void {
    const state = this.#peers.get(peer)
    if (state === undefined) return
    this.#peers.delete(peer)
    state.stop.abort()
    state.pause.cutShort()
    state.session?.stream.abort(new Error('peer removed'))
  }

  async #openLoop(peer: string, state: PeerState): Promise<void> {
    const signal = state.stop.signal
    let failures = 0
    while (!signal.aborted) {
      let stream: Stream
      try {
        stream = await this.#node.openStream(peer, STREAMS_PROTOCOL, signal)
      } catch (error) {
        rethrowInvariant(error)
        if (signal.aborted) return
        this.#node.metrics.peer(peer).dialFailures++
        await state.pause.wait(backoffDelayMs(this.#node.backoff, failures++, this.#node.random), signal)
        continue
      }
      if (state.sessions > 0) this.#node.metrics.peer(peer).reconnects++
      const exchanged = await this.#runSession(stream, peer, state)
      if (exchanged) failures = 0
      await state.pause.wait(backoffDelayMs(this.#node.backoff, failures++, this.#node.random), signal)
    }
  }

  #accept(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString()
    if (this.#stopping.signal.aborted || !this.#node.admission.admits(peer, STREAMS_PROTOCOL)) {
      this.#node.admission.recordRefusal(peer, STREAMS_PROTOCOL)
      stream.abort(new PeerNotAdmittedError(peer, STREAMS_PROTOCOL))
      return
    }
    if (!this.#node.inbound.admitsInboundStream(peer, connection)) {
      refuseStream(this.#node, peer, STREAMS_PROTOCOL, stream)
      return
    }
    this.#addPeer(peer)
    const state = this.#peers.get(peer)
    if (state === undefined) return
    this.#inbound.add(stream)
    this.#runSession(stream, peer, state).finally(() => this.#inbound.delete(stream))
  }

  /** Runs one session until its stream ends; resolves whether any frame was received. */
  async #runSession(stream: Stream, peer: string, state: PeerState): Promise<boolean> {
    // One session per peer: a newer stream replaces one the other side has given up on.
    state.session?.stream.abort(new StreamsProtocolError('superseded by a newer streams session'))
    const framed = new FramedStream(stream, {
      protocol: STREAMS_PROTOCOL,
      frameBytesMax: this.#frameBytesMax,
      metrics: this.#node.metrics.peer(peer),
      budget: this.#node.inbound.budget(peer, STREAMS_PROTOCOL),
      frameTimeoutMs: this.#node.inbound.limits.frameTimeoutMs,
      framesPerTurnMax: this.#node.inbound.limits.framesPerTurnMax,
      sendQueue: { framesMax: this.#queueFramesMax, bytesMax: this.#queueBytesMax, overflow: 'drop-newest' },
    })
    const session: Session = {
      peer,
      stream,
      framed,
      peerHeld: new Map(),
      lastSummary: new Map(),
      requests: new Map(),
      round: 0,
    }
    state.session = session
    state.sessions++
    let exchanged = false
    try {
      this.#sendSummary(session)
      for (;;) {
        const bytes = await framed.read()
        if (bytes === null) break
        exchanged = true
        await this.#receive(session, bytes)
      }
    } catch (error) {
      rethrowInvariant(error)
      if (error instanceof TransportError) {
        this.#stats.sessionsFailed++
        if (stream.status === 'open') framed.fail(error)
        this.#node.logger.warn('streams session closed', { peer, code: error.code, reason: error.message })
      }
    } finally {
      framed.dispose()
      if (state.session === session) state.session = null
      if (stream.status === 'open') stream.abort(new Error('streams session ended'))
    }
    return exchanged
  }

  /** Queues `frame`; on a full queue the session is restarted (anti-entropy repairs what was lost). */
  #send(session: Session, frame: Uint8Array): boolean {
    if (session.stream.status !== 'open') return false
    if (session.framed.enqueue(frame)) return true
    this.#stats.sessionsFailed++
    session.stream.abort(new StreamsProtocolError('streams send queue full; restarting the session'))
    return false
  }

  #sendSummary(session: Session): void {
    session.round++
    let streams = this.#store.summary()
    if (streams.length > this.#limits.summaryStreamsMax) {
      // More streams than one summary may list: each round lists the next window, so all get their turn.
      const start = (session.round * this.#limits.summaryStreamsMax) % streams.length
      streams = [...streams.slice(start), ...streams.slice(0, start)].slice(0, this.#limits.summaryStreamsMax)
    }
    this.#send(session, encodeSummary(streams.map((s) => ({ stream: s.stream, heldThrough: s.heldThrough }))))
  }

  async #receive(session: Session, bytes: Uint8Array): Promise<void> {
    const frame = decodeStreamsFrame(bytes, this.#limits)
    switch (frame.kind) {
      case 'summary': {
        session.peerHeld = new Map(frame.summary.streams.map((s) => [s.stream, s.heldThrough]))
        session.lastSummary = new Map(session.peerHeld)
        this.#pull(session)
        return
      }
      case 'request': {
        const { stream, fromSequence } = frame.request
        const batches = await this.#store.read(stream, fromSequence, this.#answerBytesMax)
        // Only what follows on from the request, consecutively, each batch within the batch limit
        // and the whole within the answer and frame limits the peer enforces too.
        const answer: { sequence: number; sealed: Uint8Array<ArrayBuffer> }[] = []
        let answerBytes = 0
        for (const batch of batches) {
          if (batch.sequence !== fromSequence + answer.length) break
          if (batch.bytes.byteLength > this.#batchBytesMax) break
          if (answer.length > 0 && answerBytes + batch.bytes.byteLength > this.#answerBytesMax) break
          if (answer.length >= this.#limits.batchesPerFrameMax) break
          answer.push({ sequence: batch.sequence, sealed: owned(batch.bytes) })
          answerBytes += batch.bytes.byteLength
        }
        const folded = this.#store.foldedAnswer(stream)
        if (answer.length === 0 && folded !== null && fromSequence <= folded.highWater) {
          if (this.#send(session, encodeFolded({ stream, highWater: folded.highWater, index: folded.index })))
            this.#stats.foldedSent++
          return
        }
        // An empty answer tells the requester this node has nothing there, so it may ask elsewhere.
        if (this.#send(session, encodeBatches({ stream, batches: answer, answer: true })))
          this.#stats.served += answer.length
        return
      }
      case 'batches': {
        await this.#take(session, frame.batches)
        return
      }
      case 'folded': {
        const { stream, highWater, index } = frame.folded
        session.requests.delete(stream)
        // Not again until the peer's next summary: the node takes these from the Raft log, and
        // asking again before its h moved would only fetch the same answer, at network speed.
        session.peerHeld.delete(stream)
        this.#stats.foldedReceived++
        for (const listener of this.#listeners) listener(session.peer, stream, highWater, index)
        this.#pull(session)
        return
      }
    }
  }

  /** Hands received batches to the store in order, stopping at the first it does not take. */
  async #take(session: Session, message: Batches): Promise<void> {
    const stream = message.stream
    if (message.answer) session.requests.delete(stream)
    let progressed = false
    let gap = false
    for (const batch of message.batches) {
      if (batch.sealed.byteLength > this.#batchBytesMax) {
        this.#stats.oversized++
        break
      }
      const outcome = await this.#store.accept(stream, batch.sequence, batch.sealed)
      this.#count(outcome)
      if (outcome === 'stored') progressed = true
      else if (outcome === 'gap') gap = true
      if (outcome !== 'stored' && outcome !== 'duplicate') break
    }
    // Keep pulling while the peer holds more: after an answer that made progress, or a push that
    // showed the stream has moved past what this node holds.
    if (message.answer ? progressed : gap) {
      const mine = this.#store.heldThrough(stream)
      let theirs = session.peerHeld.get(stream) ?? 0
      for (const batch of message.batches) theirs = Math.max(theirs, batch.sequence)
      if (theirs > mine) this.#request(session, stream, mine + 1)
    }
    // An answer that moved nothing (empty, a gap, a refusal): not again before the peer's next
    // summary, so neither a peer that claims more than it serves nor a store that refuses for
    // now makes this node ask in a loop.
    if (message.answer && !progressed) session.peerHeld.delete(stream)
    // An answer frees a request slot: other streams the peer holds more of may go next.
    if (message.answer) this.#pull(session)
  }

  #count(outcome: StreamAcceptOutcome): void {
    switch (outcome) {
      case 'stored':
        this.#stats.stored++
        return
      case 'duplicate':
        this.#stats.duplicates++
        return
      case 'gap':
        this.#stats.gaps++
        return
      case 'unknown-key':
        this.#stats.refusedUnknownKey++
        return
      case 'above-cutoff':
        this.#stats.refusedAboveCutoff++
        return
      case 'backlog-full':
        this.#stats.refusedBacklogFull++
        return
    }
  }

  /** Requests the streams the peer's summary shows it holds beyond this node, a few at a time. */
  #pull(session: Session): void {
    // A request unanswered for a few rounds is sent again (the peer may have lost it in a restart).
    for (const [stream, sentIn] of session.requests)
      if (session.round - sentIn >= REQUEST_ROUNDS_MAX) session.requests.delete(stream)
    for (const [stream, theirs] of session.peerHeld) {
      if (session.requests.size >= this.#requestsInFlightMax) return
      if (session.requests.has(stream) || theirs <= this.#store.heldThrough(stream)) continue
      if (this.#store.backlogFull()) {
        this.#stats.pullsPaused++
        return
      }
      this.#request(session, stream, this.#store.heldThrough(stream) + 1)
    }
  }

  #request(session: Session, stream: string, fromSequence: number): void {
    const sentIn = session.requests.get(stream)
    if (sentIn !== undefined && session.round - sentIn < REQUEST_ROUNDS_MAX) return
    if (sentIn === undefined && session.requests.size >= this.#requestsInFlightMax) return
    if (this.#store.backlogFull()) {
      this.#stats.pullsPaused++
      return
    }
    if (!this.#send(session, encodeRequest({ stream, fromSequence }))) return
    session.requests.set(stream, session.round)
    this.#stats.requested++
  }
}

/** The same bytes typed as backed by an `ArrayBuffer`, as the generated codec wants. */
function owned(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>
  return new Uint8Array(bytes)
}

/** Starts `/tandem/streams/1` on `node`, serving and pulling the delta streams of `store` with every member. */
export async function createStreamSyncService(
  node: TransportHost,
  store: StreamStore,
  options: StreamSyncOptions = {},
): Promise<StreamSyncService> {
  const service = new StreamSyncService(node, store, options)
  await service.start()
  node.addService(service)
  return service
}
