import { assert } from './assert.js'
import type { Clock, TimerHandle } from './clock.js'

interface PendingTimer {
  readonly atMs: number
  readonly order: number
  readonly callback: () => void
  cancelled: boolean
}

/**
 * A clock that moves only when told to, for deterministic tests. Timers fire in due-time order
 * (ties in the order they were set), each with `now()` reading its own due time, so a run depends on
 * nothing but its inputs.
 */
export class ManualClock implements Clock {
  #nowMs: number
  #order = 0
  #timers: PendingTimer[] = []

  constructor(startMs = 0) {
    this.#nowMs = startMs
  }

  now(): number {
    return this.#nowMs
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const timer: PendingTimer = {
      atMs: this.#nowMs + Math.max(0, ms),
      order: this.#order++,
      callback,
      cancelled: false,
    }
    this.#timers.push(timer)
    return {
      cancel: () => {
        timer.cancelled = true
      },
    }
  }

  /** Timers set and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((timer) => !timer.cancelled).length
  }

  /** Moves time forward by `ms`, firing every timer due on the way, each at its own time. */
  advance(ms: number): void {
    assert(ms >= 0, 'ManualClock cannot move backwards')
    const endMs = this.#nowMs + ms
    for (;;) {
      const next = this.#earliestDue(endMs)
      if (next === undefined) break
      this.#timers = this.#timers.filter((timer) => timer !== next && !timer.cancelled)
      this.#nowMs = Math.max(this.#nowMs, next.atMs)
      next.callback()
    }
    this.#nowMs = endMs
  }

  #earliestDue(endMs: number): PendingTimer | undefined {
    let next: PendingTimer | undefined
    for (const timer of this.#timers) {
      if (timer.cancelled || timer.atMs > endMs) continue
      if (
        next === undefined ||
        timer.atMs < next.atMs ||
        (timer.atMs === next.atMs && timer.order < next.order)
      )
        next = timer
    }
    return next
  }
}
