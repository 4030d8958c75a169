/**
 * Assertions with teeth. An impossible state is a programmer error: `assert` throws an
 * {@link InvariantError}, which is not a `TandemError`, so code that handles operating errors
 * (`instanceof TandemError`, a `code` switch) passes it by. A catch-all that must keep a loop alive
 * (a driver's apply loop, a stream handler) calls {@link rethrowInvariant} first, so an invariant
 * violation is never logged and forgotten. Split compound conditions into separate asserts, so the
 * message names the one that failed.
 */

/** A broken invariant: a bug in Tandem, never bad input. Stable code `BASE_INVARIANT`. */
export class InvariantError extends Error {
  readonly code = 'BASE_INVARIANT' as const
  override readonly name = 'InvariantError'
}

/** Throws an {@link InvariantError} with `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message)
}

/** Marks a branch the type system proves unreachable; throws if it is reached anyway. */
export function unreachable(value: never, message = 'unreachable'): never {
  throw new InvariantError(`${message}: ${String(value)}`)
}

/** Whether `error` is an {@link InvariantError}. */
export function isInvariantError(error: unknown): error is InvariantError {
  return error instanceof InvariantError
}

/**
 * Rethrows `error` if it is an invariant violation; otherwise returns it. The first line of every
 * catch block that handles errors in general, so that only operating errors are handled there.
 */
export function rethrowInvariant(error: unknown): unknown {
  if (error instanceof InvariantError) throw error
  return error
}
