import type { Clock, TimerHandle } from '../../src/driver/interfaces.js'

interface Timer {
  readonly at: number
  readonly order: number
  readonly callback: () => void
  cancelled: boolean
}

/**
 * A clock that moves only when told to. Timers fire in due-time order (ties in the order they
 * were set), so a run depends on nothing but its inputs.
 */
export class ManualClock implements Clock {
  private time = 0
  private order = 0
  private timers: Timer[] = []

  now(): number {
    return this.time
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const timer: Timer = { at: this.time + Math.max(0, ms), order: this.order++, callback, cancelled: false }
    this.timers.push(timer)
    return {
      cancel: () => {
        timer.cancelled = true
      },
    }
  }

  /** Moves time to `now + ms`, firing every timer due on the way, each at its own time. */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      let next: Timer | undefined
      for (const timer of this.timers) {
        if (timer.cancelled || timer.at > end) continue
        if (next === undefined || timer.at < next.at || (timer.at === next.at && timer.order < next.order))
          next = timer
      }
      if (next === undefined) break
      this.timers = this.timers.filter((timer) => timer !== next && !timer.cancelled)
      this.time = Math.max(this.time, next.at)
      next.callback()
    }
    this.time = end
  }
}

/** Lets every pending promise chain run to completion (microtasks drain before a macrotask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
