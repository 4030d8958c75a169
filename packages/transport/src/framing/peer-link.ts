/**
 * The one long-lived stream between this node and one peer on one protocol, used in both
 * directions, with this side's bounded send queue.
 *
 * Of each pair, the peer whose id sorts first is the opener: it opens the stream (redialing with
 * exponential backoff and jitter whenever it breaks). The other side is the acceptor: it adopts the
 * stream the opener opened and sends on it too; while it has none it makes sure a connection
 * exists (the opener may not know its address) and waits. Deciding by id means both sides agree
 * without a handshake and there is never a second stream to reconcile.
 *
 * A single loop owns the sending: it has the link's {@link FrameWriter} write one batch at a time
 * (as many queued frames as fit, length-prefixed in one buffer, one `send()`, then `drain` when the
 * stream is full), so memory held per peer is the queue bound plus one batch. Receiving is the
 * channel's job: `onStream` hands it every stream.
 *
 * With `flowControl`, the loop sends on a stream only what the peer granted on it (see credit.ts):
 * nothing before the peer's first grant, and a frame only once it fits the credit left — so the
 * peer never holds more of this side's frames than it granted. The channel hands the peer's grants
 * over with {@link PeerLink.grant}.
 */
import type { Stream } from '@libp2p/interface'
import { type Logger, rethrowInvariant } from '@tandem/base'
import { type BackoffOptions, backoffDelayMs, type RandomFloat } from '../backoff.js'
import { OutgoingFrameTooLargeError } from '../errors.js'
import type { PeerMetrics } from '../metrics.js'
import { SendCredit } from './credit.js'
import type { FrameQueueLimits } from './frame-queue.js'
import { FrameWriter } from './frame-writer.js'

/** Which side of the pair opens the stream. */
export type LinkRole = 'opener' | 'acceptor'

/** Everything one link needs. */
export interface PeerLinkInit {
  readonly peer: string
  readonly protocol: string
  readonly role: LinkRole
  readonly queue: FrameQueueLimits
  /** Upper bound of one batched write, in bytes (a single larger frame is written alone). */
  readonly batchBytesMax: number
  /**
   * Opener: opens a fresh stream to the peer; rejects when the peer cannot be reached. `signal`
   * aborts the whole open, `dialSignal` only a dial (see {@link PeerLink.nudge}).
   */
  readonly openStream: (signal: AbortSignal, dialSignal: AbortSignal) => Promise<Stream>
  /** Acceptor: makes sure a connection to the peer exists, so that the opener can open on it. */
  readonly connect: (signal: AbortSignal) => Promise<void>
  /** Called with every stream the link starts using, so its incoming frames are read. */
  readonly onStream: (stream: Stream) => void
  readonly backoff: BackoffOptions
  readonly random: RandomFloat
  /** Keep the stream open (and redial) even while nothing is queued. */
  readonly keepAlive: boolean
  readonly metrics: PeerMetrics
  readonly logger: Logger
  /** Told when a dial or an open stream fails, so Raft can probe instead of stream. */
  readonly onUnreachable: (peer: string) => void
  /** Send only what the peer granted (see {@link PeerLink.grant}). Default false. */
  readonly flowControl?: boolean
}

/** The state of a link, for status and tests. */
export type LinkState = 'idle' | 'connecting' | 'open' | 'backoff' | 'closed'

export class PeerLink {
  readonly #init: PeerLinkInit
  readonly #writer: FrameWriter
  readonly #abort = new AbortController()
  #stream: Stream | null = null
  #state: LinkState = 'idle'
  #wakeLoop: (() => void) | null = null
  #endBackoff: (() => void) | null = null
  #everOpened = false
  #nudged = false
  #attempt: AbortController | null = null
  /** What the peer granted on the current stream (flow control only); a new stream starts at none. */
  #credit = new SendCredit()
  #loop: Promise<void>

  constructor(init: PeerLinkInit) {
    this.#init = init
    this.#writer = new FrameWriter({
      queue: init.queue,
      batchBytesMax: init.batchBytesMax,
      metrics: init.metrics,
    })
    this.#loop = this.#run()
  }

  get state(): LinkState {
    return this.#state
  }

  get queuedFrames(): number {
    return this.#writer.queuedFrames
  }

  /**
   * Queues one frame (the payload, without its length prefix). Never blocks. Returns `false` when
   * the frame (or, with `drop-oldest`, an older one) had to be dropped because the queue was full.
   */
  enqueue(frame: Uint8Array): boolean {
    if (this.#state === 'closed') {
      this.#init.metrics.framesDropped++
      return false
    }
    const queued = this.#writer.enqueue(frame)
    this.#wake()
    return queued
  }

  /** Resolves once the queue is at or below half its bounds (or the link closed). */
  whenWritable(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve()
    return this.#writer.whenWritable()
  }

  /**
   * Acceptor: takes the stream the opener opened as this link's stream (a newer one replaces an
   * older one, which the opener has given up on).
   */
  adopt(stream: Stream): void {
    if (this.#state === 'closed') {
      stream.abort(new Error('link closed'))
      return
    }
    const previous = this.#stream
    if (previous !== null) {
      this.#stream = null
      previous.abort(new Error('superseded by a newer stream from the same peer'))
    }
    this.#attach(stream)
    this.#endBackoff?.()
    this.#wake()
  }

  /** The peer granted `bytes` more on `stream`; grants on a stream this link no longer uses are moot. */
  grant(stream: Stream, bytes: number): void {
    if (stream !== this.#stream) return
    this.#credit.grant(bytes)
    this.#wake()
  }

  /** Cuts a pending backoff short: the peer was just seen (it connected to us), so retry now. */
  nudge(): void {
    this.#nudged = true
    // A dial still in flight may be stuck on a stale address (a QUIC handshake to a dead port only
    // fails at its timeout); the peer is reachable now, so give up on it and retry. Only the dial:
    // a stream being negotiated on a connection may already be the acceptor's, which adopts it
    // and sends on it at once; resetting it then would lose those frames (the peer's new
    // connection typically arrives just while ours negotiates, after both restarted and dialed).
    this.#attempt?.abort()
    this.#endBackoff?.()
    this.#wake()
  }

  /**
   * Re-examines the link (the connection to the peer closed): an acceptor waiting for the opener's
   * stream on that connection goes back to making sure a connection exists.
   */
  recheck(): void {
    this.#wake()
  }

  /** Closes the stream and stops the loop; queued frames are discarded. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    this.#abort.abort()
    this.#endBackoff?.()
    this.#wake()
    const stream = this.#stream
    this.#stream = null
    if (stream !== null) {
      try {
        await stream.close({ signal: AbortSignal.timeout(1_000) })
      } catch (error) {
        rethrowInvariant(error)
        stream.abort(error instanceof Error ? error : new Error('close failed'))
      }
    }
    this.#writer.clear()
    await this.#loop
  }

  async #run(): Promise<void> {
    let failures = 0
    while (this.#state !== 'closed') {
      const stream = this.#stream
      if (stream === null) {
        if (this.#writer.queuedFrames === 0 && !this.#init.keepAlive) {
          this.#state = 'idle'
          await this.#idle()
          continue
        }
        this.#state = 'connecting'
        this.#nudged = false
        // A nudge aborts `attempt`, which ends a dial, never a stream's negotiation.
        const attempt = new AbortController()
        this.#attempt = attempt
        const dialSignal = AbortSignal.any([this.#abort.signal, attempt.signal])
        try {
          if (this.#init.role === 'opener') {
            const opened = await this.#init.openStream(this.#abort.signal, dialSignal)
            if (this.#isClosed()) {
              opened.abort(new Error('link closed'))
              break
            }
            this.#attach(opened)
          } else {
            await this.#init.connect(dialSignal)
            // Connected: the opener opens the stream on this connection; `adopt` wakes us then.
            if (this.#stream === null && !this.#isClosed()) await this.#idle()
          }
          failures = 0
        } catch (error) {
          rethrowInvariant(error)
          if (this.#isClosed()) break
          // Adopted meanwhile, or cut short by a nudge (the peer just reached us): not a failure.
          if (this.#stream !== null || this.#nudged) continue
          this.#init.metrics.dialFailures++
          this.#init.logger.debug('peer unreachable', {
            peer: this.#init.peer,
            protocol: this.#init.protocol,
            failures,
            error: describe(error),
          })
          this.#init.onUnreachable(this.#init.peer)
          this.#state = 'backoff'
          await this.#backoff(backoffDelayMs(this.#init.backoff, failures, this.#init.random))
          failures++
        } finally {
          this.#attempt = null
        }
        continue
      }
      if (this.#writer.queuedFrames === 0) {
        await this.#idle()
        continue
      }
      const credit = this.#init.flowControl === true ? this.#credit : null
      if (credit !== null && credit.windowBytes > 0 && this.#writer.headFramedBytes > credit.windowBytes) {
        this.#dropUnsendable(this.#writer.headFramedBytes, credit.windowBytes)
        continue
      }
      if (credit !== null && this.#writer.headFramedBytes > credit.availableBytes) {
        // The peer's consumer has not caught up: wait for its grant (or a new stream, or a close).
        await this.#idle()
        continue
      }
      try {
        const written = await this.#writer.writeBatch(
          stream,
          this.#abort.signal,
          credit?.availableBytes ?? Number.POSITIVE_INFINITY,
        )
        credit?.spend(written)
      } catch (error) {
        rethrowInvariant(error)
        if (this.#isClosed()) break
        this.#init.logger.debug('stream write failed', {
          peer: this.#init.peer,
          protocol: this.#init.protocol,
          error: describe(error),
        })
        this.#detach(stream)
        this.#init.onUnreachable(this.#init.peer)
      }
    }
  }

  /** A method rather than an inline test: the state changes across awaits, which narrowing ignores. */
  #isClosed(): boolean {
    return this.#state === 'closed'
  }

  /** A frame larger than the peer's whole window could never be sent: it is dropped, and logged. */
  #dropUnsendable(frameBytes: number, windowBytes: number): void {
    this.#writer.dropHead()
    const error = new OutgoingFrameTooLargeError(this.#init.protocol, frameBytes, windowBytes)
    this.#init.logger.warn('outgoing frame dropped: larger than the window the peer grants', {
      peer: this.#init.peer,
      code: error.code,
      frameBytes,
      windowBytes,
    })
  }

  #attach(stream: Stream): void {
    this.#stream = stream
    this.#credit = new SendCredit()
    this.#state = 'open'
    if (this.#everOpened) this.#init.metrics.reconnects++
    this.#everOpened = true
    const lost = (): void => {
      if (this.#stream === stream) {
        this.#detach(stream)
        this.#wake()
      }
    }
    stream.addEventListener('close', lost, { once: true })
    // Neither side closes its half of a frame stream while the link lives; when the remote half
    // ends, the peer reset the stream (QUIC reports a reset of the read side as its end) or is
    // shutting down.
    stream.addEventListener('remoteCloseWrite', lost, { once: true })
    this.#init.onStream(stream)
    // A stream whose negotiation finished just as the peer went away (it stopped right after
    // adopting it) may be closed already: neither event fires again, and the link would keep a
    // dead stream as open while nothing is queued — the acceptor then waits for it forever.
    if (stream.status !== 'open' || stream.remoteWriteStatus !== 'writable') lost()
  }

  #detach(stream: Stream): void {
    if (this.#stream !== stream) return
    this.#stream = null
    if (this.#state !== 'closed') this.#state = 'idle'
    if (stream.status === 'open') stream.abort(new Error('link reset'))
  }

  #wake(): void {
    const wake = this.#wakeLoop
    this.#wakeLoop = null
    wake?.()
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#wakeLoop = resolve
    })
  }

  #backoff(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, delayMs)
      const self = this
      function finish(): void {
        clearTimeout(timer)
        if (self.#endBackoff === finish) self.#endBackoff = null
        resolve()
      }
      this.#endBackoff = finish
    })
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  if (error instanceof Event) return `event ${error.type}`
  return String(error)
}
