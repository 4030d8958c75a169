/**
 * The driver's own cancellation source for snapshot transfers. The raft package is built without
 * DOM or Node types, so it cannot name `AbortController`; this gives the same shape a transport
 * reads from an `AbortSignal` ({@link CancelSignal}).
 */
import type { CancelSignal } from './interfaces.js'

export class CancelSource implements CancelSignal {
  #aborted = false
  #reason: unknown
  #listeners: (() => void)[] = []

  get aborted(): boolean {
    return this.#aborted
  }

  get reason(): unknown {
    return this.#reason
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#aborted) return
    this.#listeners.push(listener)
  }

  /** Cancels once; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    const listeners = this.#listeners
    this.#listeners = []
    for (const listener of listeners) listener()
  }
}
