/** Lets every pending promise chain run to completion (microtasks drain before a macrotask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
