import type { Message, NodeId } from './types.js'

/** How the leader confirms a read index (thesis §6.4). */
export const ReadOnlyOption = {
  /**
   * Safe: the leader confirms it is still the leader by a round of heartbeats acknowledged by a
   * quorum before it answers. Correct under any clock behaviour.
   */
  Safe: 'safe',
  /**
   * Lease-based: the leader answers at once, relying on its lease (CheckQuorum). Correct only if
   * clocks drift by less than the election timeout minus the heartbeat interval: a deposed leader
   * could otherwise answer from a stale state. Off by default.
   */
  LeaseBased: 'lease-based',
} as const
export type ReadOnlyOption = (typeof ReadOnlyOption)[keyof typeof ReadOnlyOption]

/**
 * The most reads a leader holds awaiting confirmation; more are dropped (their clients time out
 * and retry). It bounds the memory a flood of read requests can take.
 */
export const PENDING_READS_MAX = 4096

/** A read waiting for heartbeat confirmation. */
export interface ReadIndexStatus {
  readonly request: Message
  /** The commit index when the read arrived: the read sees at least this. */
  readonly index: number
  readonly acks: Set<NodeId>
}

/** Turns request context bytes into a map key. */
export function contextKey(context: Uint8Array): string {
  let key = ''
  for (let i = 0; i < context.length; i++) key += String.fromCharCode(context[i] as number)
  return key
}

/**
 * The leader's queue of ReadIndex requests awaiting confirmation (safe option). Requests are
 * confirmed in order: a heartbeat round acknowledging request k also confirms every earlier one,
 * since their read index is no greater.
 */
export class ReadOnly {
  readonly option: ReadOnlyOption
  readonly #pending = new Map<string, ReadIndexStatus>()
  #queue: string[] = []

  constructor(option: ReadOnlyOption) {
    this.option = option
  }

  /** Queues a read with the commit index at its arrival. A duplicate context is ignored. */
  addRequest(index: number, request: Message): void {
    const key = contextKey(request.context)
    if (this.#pending.has(key)) return
    this.#pending.set(key, { request, index, acks: new Set() })
    this.#queue.push(key)
  }

  /** Records a heartbeat acknowledgement for the read with `context`; returns who acked it so far. */
  recvAck(id: NodeId, context: Uint8Array): ReadonlySet<NodeId> | null {
    const status = this.#pending.get(contextKey(context))
    if (status === undefined) return null
    status.acks.add(id)
    return status.acks
  }

  /** Removes and returns every read up to and including the one with `context` (now confirmed). */
  advance(context: Uint8Array): ReadIndexStatus[] {
    const key = contextKey(context)
    const position = this.#queue.indexOf(key)
    if (position < 0) return []
    const confirmed: ReadIndexStatus[] = []
    for (let i = 0; i <= position; i++) {
      const queuedKey = this.#queue[i] as string
      const status = this.#pending.get(queuedKey)
      if (status !== undefined) confirmed.push(status)
      this.#pending.delete(queuedKey)
    }
    this.#queue = this.#queue.slice(position + 1)
    return confirmed
  }

  /** The context of the newest pending read (carried by the next heartbeat), or `null`. */
  lastPendingRequestContext(): Uint8Array | null {
    const key = this.#queue[this.#queue.length - 1]
    if (key === undefined) return null
    return this.#pending.get(key)?.request.context ?? null
  }

  pendingCount(): number {
    return this.#queue.length
  }

  /** Drops every pending read (the node stopped leading; clients retry). */
  reset(): void {
    this.#pending.clear()
    this.#queue = []
  }
}
