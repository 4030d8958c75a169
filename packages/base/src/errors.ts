/**
 * The error base of every package. An operating error (bad input from the network or the disk, a
 * lost peer, a full queue) is a {@link TandemError} with a stable `code` of the form
 * `PACKAGE_WHAT` — callers branch on the code, never on message text. A broken invariant is not an
 * operating error: it is an {@link InvariantError} (see `assert.ts`), deliberately *not* a
 * `TandemError`, so that code handling operating errors never swallows it.
 */

/** A stable error code: the package's name in capitals, an underscore, then what happened. */
export type ErrorCode = `${Uppercase<string>}_${Uppercase<string>}`

/** Matches the form every {@link ErrorCode} must have. */
export const errorCodePattern: RegExp = /^[A-Z][A-Z0-9]*_[A-Z0-9]+(?:_[A-Z0-9]+)*$/

/**
 * The base of every operating error Tandem throws. Subclasses set `code` (a literal, one class per
 * error) and `name`; messages never contain keys, secrets or user values.
 */
export abstract class TandemError extends Error {
  abstract readonly code: ErrorCode
}

/** Whether `error` is a Tandem operating error (not an invariant violation, not a foreign error). */
export function isTandemError(error: unknown): error is TandemError {
  return error instanceof TandemError
}
