/**
 * The real clock for Node and browsers: `performance.now()` and `setTimeout`. It lives in the
 * `@tandem/base/system` entry, apart from the pure vocabulary, because it reads ambient time.
 */
import type { Clock, WallClock } from '../clock.js'

/**
 * The host's timer and time functions, typed structurally: the package compiles without DOM or
 * Node type libraries, and these exist in every runtime Tandem supports.
 */
interface HostTime {
  readonly performance: { now(): number }
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const host = globalThis as unknown as HostTime

/**
 * The process's monotonic clock with real timers. A pending timer keeps a Node process alive, as
 * `setTimeout` does: a driver's tick timer is work in progress, not something to exit under.
 */
export function systemClock(): Clock {
  return {
    now: () => host.performance.now(),
    setTimer(ms, callback) {
      const handle = host.setTimeout(callback, Math.max(0, ms))
      return { cancel: () => host.clearTimeout(handle) }
    },
  }
}

/** Wall-clock milliseconds since the Unix epoch (`Date.now`). */
export const systemWallClock: WallClock = () => Date.now()
