/**
 * Virtual time for the NodeCore tests: a ManualClock advanced a millisecond at a time, with every
 * callback that became due (timers, resolved promises, setImmediate work) run between steps, so a
 * cluster of cores and RaftNodes in one process moves as far as the test asks and no further.
 */
import type { ManualClock } from '@tandem/base'

/** Lets every callback queued so far run (one turn of the event loop). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class ManualTime {
  readonly clock: ManualClock

  constructor(clock: ManualClock) {
    this.clock = clock
  }

  /** Advances the clock by `ms`, one millisecond at a time. */
  async run(ms: number): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed++) {
      this.clock.advance(1)
      await settle()
    }
  }

  /** Advances the clock until `predicate` holds; throws, naming `what`, after `msMax`. */
  async runUntil(predicate: () => boolean, msMax: number, what: string): Promise<void> {
    for (let elapsed = 0; elapsed < msMax; elapsed++) {
      if (predicate()) return
      this.clock.advance(1)
      await settle()
    }
    if (!predicate()) throw new Error(`${what} did not happen within ${msMax} ms`)
  }

  /** Advances the clock until `promise` settles; returns its value or throws its error. */
  async settled<T>(promise: Promise<T>, msMax = 10_000): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null
    promise.then(
      (value) => {
        outcome = { ok: true, value }
      },
      (error: unknown) => {
        outcome = { ok: false, error }
      },
    )
    await this.runUntil(() => outcome !== null, msMax, 'a call settling')
    const done = outcome as unknown as { ok: true; value: T } | { ok: false; error: unknown }
    if (!done.ok) throw done.error
    return done.value
  }
}
