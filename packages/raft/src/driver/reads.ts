/**
 * Linearizable reads in flight (Raft thesis §6.4). Reads that arrive while a ReadIndex request is
 * outstanding share the next one, so a burst of reads costs one heartbeat round. A confirmed read
 * waits until the state machine has applied through its read index.
 */
import type { ReadState } from '../core/types.js'

/** What a linearizable read resolves with. */
export interface ReadOutcome {
  /** The state machine has applied at least through this index: query it now. */
  readonly index: number
}

interface PendingRead {
  readonly deadlineMs: number
  readonly resolve: (outcome: ReadOutcome) => void
  readonly reject: (error: Error) => void
}

interface ReadBatch {
  readonly reads: PendingRead[]
  issuedMs: number
}

interface ConfirmedRead {
  readonly index: number
  readonly read: PendingRead
}

export class ReadTable {
  #waiting: PendingRead[] = []
  readonly #batches = new Map<string, ReadBatch>()
  #confirmed: ConfirmedRead[] = []
  #nextContext = 1

  get size(): number {
    let count = this.#waiting.length + this.#confirmed.length
    for (const batch of this.#batches.values()) count += batch.reads.length
    return count
  }

  add(read: PendingRead): void {
    this.#waiting.push(read)
  }

  /** The context of the next ReadIndex request to issue, or `null` when no read waits. */
  issue(nowMs: number): Uint8Array | null {
    if (this.#waiting.length === 0) return null
    const context = this.#contextBytes(this.#nextContext++)
    this.#batches.set(contextKey(context), { reads: this.#waiting, issuedMs: nowMs })
    this.#waiting = []
    return context
  }

  /** Matches confirmed read states to their batches. */
  onReadStates(readStates: readonly ReadState[]): void {
    for (const state of readStates) {
      const key = contextKey(state.context)
      const batch = this.#batches.get(key)
      if (batch === undefined) continue
      this.#batches.delete(key)
      for (const read of batch.reads) this.#confirmed.push({ index: state.index, read })
    }
  }

  /** Resolves confirmed reads whose index the state machine has reached. */
  release(appliedIndex: number): void {
    if (this.#confirmed.length === 0) return
    const still: ConfirmedRead[] = []
    for (const entry of this.#confirmed) {
      if (entry.index <= appliedIndex) entry.read.resolve({ index: appliedIndex })
      else still.push(entry)
    }
    this.#confirmed = still
  }

  /**
   * Rejects reads past their deadline and moves batches unanswered for `retryMs` (their request
   * or its answer was lost, or the leader changed) back to the waiting list to be issued again.
   */
  sweep(nowMs: number, retryMs: number, timeout: () => Error): void {
    const expired = (read: PendingRead) => {
      if (nowMs < read.deadlineMs) return false
      read.reject(timeout())
      return true
    }
    this.#waiting = this.#waiting.filter((read) => !expired(read))
    this.#confirmed = this.#confirmed.filter((entry) => !expired(entry.read))
    for (const [key, batch] of this.#batches) {
      const live = batch.reads.filter((read) => !expired(read))
      if (live.length === 0) {
        this.#batches.delete(key)
      } else if (nowMs - batch.issuedMs >= retryMs) {
        this.#batches.delete(key)
        this.#waiting.push(...live)
      } else if (live.length !== batch.reads.length) {
        this.#batches.set(key, { reads: live, issuedMs: batch.issuedMs })
      }
    }
  }

  /** Sends every unconfirmed read back to be issued again (after a leader change). */
  reissueAll(): void {
    for (const batch of this.#batches.values()) this.#waiting.push(...batch.reads)
    this.#batches.clear()
  }

  rejectAll(error: () => Error): void {
    const all = [...this.#waiting, ...this.#confirmed.map((entry) => entry.read)]
    for (const batch of this.#batches.values()) all.push(...batch.reads)
    this.#waiting = []
    this.#confirmed = []
    this.#batches.clear()
    for (const read of all) read.reject(error())
  }

  #contextBytes(counter: number): Uint8Array {
    const out = new Uint8Array(8)
    let value = counter
    for (let i = 7; i >= 0; i--) {
      out[i] = value % 256
      value = Math.floor(value / 256)
    }
    return out
  }
}

function contextKey(context: Uint8Array): string {
  let key = ''
  for (const byte of context) key += byte.toString(16).padStart(2, '0')
  return key
}
