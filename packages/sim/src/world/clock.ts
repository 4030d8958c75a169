/**
 * A simulated clock for one node incarnation: it drifts (runs a little fast or slow against
 * virtual time) and can jump. Its timers live on the shared {@link Scheduler}, so they fire in
 * virtual time. It implements `@tandem/raft`'s `Clock`.
 */
import type { SeededRandom } from '@tandem/base'
import type { EventHandle, Scheduler } from './scheduler.js'

/** Options of {@link SimulatedClock}. */
export interface SimulatedClockOptions {
  readonly scheduler: Scheduler
  /** Rate error in parts per million: +100 runs 0.01% fast. Real oscillators stay within ±200. */
  readonly driftPpm: number
  /** The clock's reading when virtual time is 0 (nodes do not agree on the time). */
  readonly offsetMs: number
  /** A label for timer events in traces. */
  readonly label: string
}

/** Cancels a timer (raft's `TimerHandle`). */
export interface SimulatedTimerHandle {
  cancel(): void
}

/**
 * `now()` is monotonic: it only jumps forward (a suspended VM resuming). `wallNowMs()` is the
 * wall clock an HLC reads: it can also jump backward (an NTP step).
 */
export class SimulatedClock {
  private readonly scheduler: Scheduler
  private readonly rate: number
  private readonly offsetMs: number
  private readonly label: string
  private monotonicJumpMs = 0
  private wallJumpMs = 0
  private readonly timers = new Set<EventHandle>()
  private stopped = false

  constructor(options: SimulatedClockOptions) {
    if (Math.abs(options.driftPpm) > 100_000) throw new RangeError(`drift ${options.driftPpm} ppm is absurd`)
    this.scheduler = options.scheduler
    this.rate = 1 + options.driftPpm / 1_000_000
    this.offsetMs = options.offsetMs
    this.label = options.label
  }

  /** Milliseconds on this node's monotonic clock. */
  now(): number {
    return this.offsetMs + this.scheduler.nowMs * this.rate + this.monotonicJumpMs
  }

  /** Milliseconds on this node's wall clock (may go backward after {@link jumpWall}). */
  wallNowMs(): number {
    return this.now() + this.wallJumpMs
  }

  /**
   * Calls `callback` once `ms` of this clock's time have passed. A drifting clock measures
   * durations with its own rate, so a fast clock fires its timers early in virtual time.
   */
  setTimer(ms: number, callback: () => void): SimulatedTimerHandle {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`timer of ${ms} ms`)
    if (this.stopped) return { cancel: () => {} }
    const handle = this.scheduler.schedule(ms / this.rate, `${this.label} timer`, () => {
      this.timers.delete(handle)
      if (!this.stopped) callback()
    })
    this.timers.add(handle)
    return {
      cancel: () => {
        handle.cancel()
        this.timers.delete(handle)
      },
    }
  }

  /** Moves the monotonic (and wall) clock forward by `ms`. Pending timers keep their virtual deadlines. */
  jumpForward(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a monotonic clock only jumps forward, got ${ms}`)
    this.monotonicJumpMs += ms
  }

  /** Moves the wall clock alone by `ms`, backward when negative. */
  jumpWall(ms: number): void {
    this.wallJumpMs += ms
  }

  /** The node crashed: no timer of this incarnation fires again. */
  stop(): void {
    this.stopped = true
    for (const handle of this.timers) handle.cancel()
    this.timers.clear()
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size
  }
}

/**
 * Draws a clock's rate error uniformly in ±`driftPpmMax` (one draw, or none when the bound is 0 —
 * the draw order is part of what a seed means).
 *
 * @example
 * ```ts
 * const driftPpm = drawDriftPpm(random, 200) // somewhere in [-200, 200)
 * ```
 */
export function drawDriftPpm(random: SeededRandom, driftPpmMax: number): number {
  return driftPpmMax === 0 ? 0 : (random.nextFloat() * 2 - 1) * driftPpmMax
}
