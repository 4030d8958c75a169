import type { CausalContext, Delta } from '../core/delta.js'
import type { Origin } from '../core/replica-core.js'
import { SyncProtocolError } from '../errors.js'
import { joinDeltas, type Replica } from '../replica.js'
import type { SyncMessage } from './messages.js'

/** Options of a {@link SyncSession}. */
export interface SyncSessionOptions {
  /** The remote replica's node id (its libp2p peer id). Deltas received from it are not echoed back. */
  readonly peer: string
  /**
   * Called synchronously with live `update` messages as the local replica changes. Without it,
   * updates queue until {@link SyncSession.drain} (which joins them into one message).
   */
  readonly onOutgoing?: (messages: SyncMessage[]) => void
  /** Collect tombstones when the peer reports its context; default true. */
  readonly collectGarbage?: boolean
  /**
   * When the `ack` of a step 2 leaves. `'applied'` (default): at once, in the reply to the step 2.
   * `'persisted'`: only once the receiver confirms it made what it applied durable, by calling
   * {@link SyncSession.persisted} with the {@link SyncSession.appliedCount} it covered. The peer
   * collects tombstones on an ack, so an ack must not report deltas a crash here could still lose.
   */
  readonly acknowledge?: 'applied' | 'persisted'
}

/** An ack held back until the receiver confirms persistence (acknowledge: 'persisted'). */
interface PendingAck {
  /** The applied count when the step 2 was merged. */
  readonly upTo: number
  /** The replica's context right after it. */
  readonly context: CausalContext
}

/**
 * The anti-entropy state machine for one peer. Pure: it never sends; it takes messages in and
 * returns the messages to send back.
 *
 * 1. `start()` returns step 1 (this replica's causal context).
 * 2. The peer answers step 1 with step 2 (exactly what this side lacks) and its own step 1.
 * 3. After step 2 is applied, an `ack` reports the new context (for tombstone collection) — at
 *    once, or with `acknowledge: 'persisted'` only once the receiver confirms durability
 *    ({@link SyncSession.persisted}).
 * 4. From then on, every change of the local replica (local writes, and deltas from other peers)
 *    becomes an `update` message, except deltas that came from this very peer.
 *
 * Lost or duplicated messages are harmless: merges are idempotent and out-of-order deltas are kept
 * in the causal context's gaps. After a disconnect, a new session's `start()` repairs whatever was
 * lost.
 */
export class SyncSession {
  readonly peer: string
  private readonly replica: Replica
  private readonly onOutgoing: ((messages: SyncMessage[]) => void) | undefined
  private readonly collect: boolean
  private readonly origin: Origin
  private readonly acknowledgeWhen: 'applied' | 'persisted'
  private queue: Delta[] = []
  private sentStep1 = false
  private applied = 0
  private pendingAcks: PendingAck[] = []
  private unsubscribe: (() => void) | undefined

  constructor(replica: Replica, options: SyncSessionOptions) {
    if (options.peer === replica.node) throw new SyncProtocolError('a replica cannot sync with itself')
    this.replica = replica
    this.peer = options.peer
    this.onOutgoing = options.onOutgoing
    this.collect = options.collectGarbage ?? true
    this.acknowledgeWhen = options.acknowledge ?? 'applied'
    this.origin = Object.freeze({ origin: 'remote', peer: options.peer })
    this.unsubscribe = replica.onUpdate((delta, origin) => {
      if (origin.peer === this.peer) return
      if (this.onOutgoing !== undefined) this.onOutgoing([{ type: 'update', delta }])
      else this.queue.push(delta)
    })
  }

  /** Opens the exchange: returns the step 1 message to send. */
  start(): SyncMessage[] {
    this.assertOpen()
    this.sentStep1 = true
    return [{ type: 'sync-step-1', context: this.replica.context() }]
  }

  /**
   * Handles one message from the peer; returns the messages to send back. Throws ClockDriftError
   * (nothing applied) when the peer's stamps are too far ahead, or a SyncProtocolError after close().
   */
  receive(message: SyncMessage): SyncMessage[] {
    this.assertOpen()
    switch (message.type) {
      case 'sync-step-1': {
        this.replica.acknowledge(this.peer, message.context)
        this.maybeCollect()
        const replies: SyncMessage[] = [{ type: 'sync-step-2', delta: this.replica.diff(message.context) }]
        if (!this.sentStep1) replies.push(...this.start())
        return replies
      }
      case 'sync-step-2': {
        this.replica.apply(message.delta, this.origin)
        this.applied++
        this.replica.acknowledge(this.peer, message.delta)
        const ack: SyncMessage = { type: 'ack', context: this.replica.context() }
        if (this.acknowledgeWhen === 'applied') return [ack]
        this.pendingAcks.push({ upTo: this.applied, context: ack.context })
        return []
      }
      case 'update': {
        this.replica.apply(message.delta, this.origin)
        this.applied++
        this.replica.acknowledge(this.peer, message.delta)
        return []
      }
      case 'ack': {
        this.replica.acknowledge(this.peer, message.context)
        this.maybeCollect()
        return []
      }
      default:
        throw new SyncProtocolError('unknown sync message type')
    }
  }

  /**
   * Number of step 2 and update messages this session has merged so far. With
   * `acknowledge: 'persisted'`, read it after `receive`, make the replica durable, then pass it to
   * {@link SyncSession.persisted}.
   */
  get appliedCount(): number {
    return this.applied
  }

  /**
   * The receiver made durable everything this session merged up to applied count `upTo`: returns the
   * acks held back until then (at most one: the newest context covered), to send to the peer. Only
   * with `acknowledge: 'persisted'`.
   *
   * @example
   * ```ts
   * const session = new SyncSession(replica, { peer, acknowledge: 'persisted' })
   * send(session.receive(message))
   * const upTo = session.appliedCount
   * await log.fsync()
   * send(session.persisted(upTo))
   * ```
   */
  persisted(upTo: number): SyncMessage[] {
    this.assertOpen()
    if (this.acknowledgeWhen !== 'persisted') {
      throw new SyncProtocolError("persisted() needs the option acknowledge: 'persisted'")
    }
    if (!Number.isSafeInteger(upTo) || upTo < 0 || upTo > this.applied) {
      throw new SyncProtocolError('persisted() beyond what this session applied')
    }
    let newest: PendingAck | undefined
    let kept = 0
    for (const pending of this.pendingAcks) {
      if (pending.upTo <= upTo) newest = pending
      else this.pendingAcks[kept++] = pending
    }
    this.pendingAcks.length = kept
    return newest === undefined ? [] : [{ type: 'ack', context: newest.context }]
  }

  /** Live updates queued since the last drain, joined into at most one `update` message. */
  drain(): SyncMessage[] {
    if (this.queue.length === 0) return []
    const delta = joinDeltas(this.queue)
    this.queue = []
    return [{ type: 'update', delta }]
  }

  /** Number of deltas waiting for {@link SyncSession.drain}. */
  get pendingCount(): number {
    return this.queue.length
  }

  /** Stops listening to the replica. A closed session refuses further messages. */
  close(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.queue = []
    this.pendingAcks = []
  }

  private assertOpen(): void {
    if (this.unsubscribe === undefined) throw new SyncProtocolError('session is closed')
  }

  private maybeCollect(): void {
    if (this.collect && this.replica.tombstoneCount > 0) this.replica.collectGarbage()
  }
}
