/**
 * The default way a group commit waits for the current synchronous work to finish: a microtask.
 * It is the one ambient scheduling call of the WAL (the purity check skips this file alone); the
 * simulator injects its own `defer`, so its runs stay exactly replayable.
 */
export function microtaskDefer(run: () => void): void {
  queueMicrotask(run)
}
