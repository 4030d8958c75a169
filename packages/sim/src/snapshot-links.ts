/**
 * The simulated snapshot path: each node gets raft's `SnapshotTransport`, whose transfers cross the
 * same links as the packets (see {@link PacketSimulator}) with their delays, loss and partitions,
 * but apart from the message stream, as `/tandem/snapshot/1` is in production. A transfer takes
 * the offer's round trip plus time for its bytes; it fails when a partition cuts it at either end,
 * when the link loses it, when the receiver is down or refuses it, and when the receiver's verdict
 * is lost on the way back (the receiver then holds a snapshot its sender counts as failed, and the
 * sender's core retries — a case the real transport has too).
 */
import type { SeededRandom } from '@tandem/base'
import {
  type CancelSignal,
  decodeSnapshot,
  encodeSnapshot,
  type SnapshotMessage,
  SnapshotTransferFailedError,
  type SnapshotTransport,
} from '@tandem/raft'
import type { Addressed, PacketSimulator } from './world/network.js'
import type { Scheduler } from './world/scheduler.js'

/** Bytes a link carries per virtual millisecond once a transfer runs (64 KiB/ms, about 500 Mbit/s). */
const LINK_BYTES_PER_MS = 64 * 1024

/** Transfer counters, for reports. */
export interface SnapshotLinkStats {
  sent: number
  delivered: number
  failed: number
}

/** Options of {@link SnapshotLinks}. */
export interface SnapshotLinksOptions<M extends Addressed> {
  readonly scheduler: Scheduler
  /** The network whose links, faults and partitions the transfers share. */
  readonly network: PacketSimulator<M>
  readonly random: SeededRandom
  /** Where traces go; `null` to trace nothing. */
  readonly trace: ((text: string) => void) | null
}

interface Attachment {
  handler: ((message: SnapshotMessage) => void) | null
}

export class SnapshotLinks<M extends Addressed> {
  readonly #scheduler: Scheduler
  readonly #network: PacketSimulator<M>
  readonly #random: SeededRandom
  readonly #trace: ((text: string) => void) | null
  readonly #attachments = new Map<string, Attachment>()
  readonly stats: SnapshotLinkStats = { sent: 0, delivered: 0, failed: 0 }

  constructor(options: SnapshotLinksOptions<M>) {
    this.#scheduler = options.scheduler
    this.#network = options.network
    this.#random = options.random
    this.#trace = options.trace
  }

  /**
   * Attaches (or re-attaches after a restart) a node and returns its snapshot transport. An
   * earlier incarnation's transport can no longer send, and its pending sends never settle (its
   * node is gone), as no completion of a crashed incarnation may run.
   */
  attach(nodeId: string): SnapshotTransport {
    const attachment: Attachment = { handler: null }
    this.#attachments.set(nodeId, attachment)
    return {
      send: (message, signal) =>
        new Promise<void>((resolve, reject) => {
          if (this.#attachments.get(nodeId) !== attachment) return
          this.#send(nodeId, message, signal, attachment, resolve, reject)
        }),
      onSnapshot: (handler) => {
        attachment.handler = handler
      },
    }
  }

  /** The node crashed: nothing is handed to it until it attaches again. */
  detach(nodeId: string): void {
    const attachment = this.#attachments.get(nodeId)
    if (attachment !== undefined) attachment.handler = null
  }

  #send(
    from: string,
    message: SnapshotMessage,
    signal: CancelSignal,
    sender: Attachment,
    resolve: () => void,
    reject: (error: unknown) => void,
  ): void {
    this.stats.sent++
    const to = message.to
    const what = `snap ${from}→${to} t${message.term} i${message.snapshot.metadata.index}/${message.snapshot.metadata.term}`
    const options = this.#network.currentOptions()
    const reliable = this.#network.isReliable(from, to)
    const oneWayMs = () =>
      options.oneWayDelayMinMs +
      this.#random.exponential(options.oneWayDelayMeanMs - options.oneWayDelayMinMs)
    // The sender hears nothing more once it crashed: a settled promise would run its dead loop.
    const alive = () => this.#attachments.get(from) === sender
    const fail = (reason: string) => {
      if (!alive()) return
      this.stats.failed++
      this.#trace?.(`${what} fail(${reason})`)
      reject(new SnapshotTransferFailedError(`${what}: ${reason}`))
    }
    const lost = !reliable && this.#random.chance(options.lossProbability)
    // The offer's round trip, then the bytes.
    const deliverMs =
      2 * oneWayMs() + oneWayMs() + Math.ceil(message.snapshot.data.length / LINK_BYTES_PER_MS)
    this.#trace?.(`${what} start ${message.snapshot.data.length}B`)
    this.#scheduler.schedule(deliverMs, 'snap deliver', () => {
      if (signal.aborted) {
        if (alive()) reject(signal.reason)
        return
      }
      if (this.#network.isBlocked(from, to)) return fail('partition')
      if (lost) return fail('loss')
      const handler = this.#attachments.get(to)?.handler ?? null
      if (handler === null) return fail('down')
      // Through the codec: the receiver never shares the sender's objects.
      const snapshot = decodeSnapshot(encodeSnapshot(message.snapshot))
      try {
        handler({ ...message, snapshot })
      } catch (error) {
        const reason = error instanceof Error ? error.name : 'refused'
        this.#scheduler.schedule(oneWayMs(), 'snap verdict', () => fail(`refused: ${reason}`))
        return
      }
      this.stats.delivered++
      this.#trace?.(`${what} delivered`)
      const verdictLost = !reliable && this.#random.chance(options.lossProbability)
      this.#scheduler.schedule(oneWayMs(), 'snap verdict', () => {
        if (this.#network.isBlocked(to, from)) return fail('verdict cut by a partition')
        if (verdictLost) return fail('verdict lost')
        if (!alive()) return
        this.#trace?.(`${what} acknowledged`)
        resolve()
      })
    })
  }
}
