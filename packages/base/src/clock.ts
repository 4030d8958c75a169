/**
 * Time as every package sees it: a monotonic millisecond clock and cancellable timers, injected so
 * that pure code reads no ambient time and the simulator can run a whole cluster on virtual time.
 * `systemClock()` (in `@tandem/base/system`) is the real one; {@link ManualClock} is the test one.
 */

/** Cancels a timer set by a {@link Clock}. Cancelling twice, or after it fired, does nothing. */
export interface TimerHandle {
  cancel(): void
}

/** A monotonic millisecond clock with timers. */
export interface Clock {
  /** Milliseconds on a monotonic clock (not wall time: it never steps back). */
  now(): number
  /** Calls `callback` once, `ms` milliseconds from now; returns a handle to cancel it. */
  setTimer(ms: number, callback: () => void): TimerHandle
}

/**
 * A source of wall-clock time in milliseconds since the Unix epoch. May step back and forth; only
 * what must be wall time (HLC stamps, clock entries) reads it.
 */
export type WallClock = () => number
