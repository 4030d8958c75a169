/**
 * Reconnection delays: exponential growth with jitter, so that peers that lost each other at the
 * same moment do not all redial in lockstep. The random source is injected so tests replay exactly.
 */

/** How reconnection delays grow. */
export interface BackoffOptions {
  /** Delay before the first retry. */
  readonly delayMsInitial: number
  /** Upper bound on any delay. */
  readonly delayMsMax: number
  /** Growth factor per failed attempt. */
  readonly multiplier: number
  /**
   * Fraction of the delay that is randomized, in [0, 1]: the delay is drawn uniformly from
   * `[d × (1 − jitter), d]`. 1 is "full jitter", 0 is none.
   */
  readonly jitter: number
}

/** Returns a float in [0, 1), like `Math.random`. */
export type RandomFloat = () => number

/** The defaults: 100 ms, doubling, capped at 10 s, half of each delay random. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  delayMsInitial: 100,
  delayMsMax: 10_000,
  multiplier: 2,
  jitter: 0.5,
}

/**
 * The delay before retry number `attempt` (0 for the first retry).
 * Returns an integer number of milliseconds in `[0, delayMsMax]`.
 */
export function backoffDelayMs(options: BackoffOptions, attempt: number, random: RandomFloat): number {
  const exponent = Math.min(Math.max(0, attempt), 64)
  const ceiling = Math.min(options.delayMsMax, options.delayMsInitial * options.multiplier ** exponent)
  const jitter = Math.min(1, Math.max(0, options.jitter))
  const draw = random()
  const unit = draw >= 0 && draw < 1 ? draw : 0
  return Math.round(ceiling * (1 - jitter * unit))
}

/** Checks backoff options; returns a reason when they are unusable, `null` when fine. */
export function invalidBackoff(options: BackoffOptions): string | null {
  if (!(options.delayMsInitial > 0)) return 'delayMsInitial must be positive'
  if (!(options.delayMsMax >= options.delayMsInitial)) return 'delayMsMax must be at least delayMsInitial'
  if (!(options.multiplier >= 1)) return 'multiplier must be at least 1'
  if (!(options.jitter >= 0 && options.jitter <= 1)) return 'jitter must be within [0, 1]'
  return null
}

/**
 * A cancellable wait: `wait(ms)` resolves after `ms`, or earlier when `cutShort()` is called (the
 * peer just showed up) or the signal aborts (shutdown). Never rejects.
 */
export class Pause {
  #resume: (() => void) | null = null

  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve()
        return
      }
      const finish = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', finish)
        if (this.#resume === finish) this.#resume = null
        resolve()
      }
      const timer = setTimeout(finish, ms)
      signal.addEventListener('abort', finish, { once: true })
      this.#resume = finish
    })
  }

  cutShort(): void {
    this.#resume?.()
  }
}
