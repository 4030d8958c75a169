/**
 * The one place the simulated world touches the host's event loop. After each event the scheduler
 * must let every promise continuation that event caused run before the next event, and a macrotask
 * boundary is the only way to be sure the whole microtask queue — continuations queued by
 * continuations included — has drained. `setImmediate` decides nothing about order or time: it only
 * waits, so a seed still fixes the whole interleaving. (The purity test exempts this file alone.)
 */

/** Resolves once every queued promise continuation has run. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
