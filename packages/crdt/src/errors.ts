/**
 * Typed errors of @tandem/crdt. Each error has a stable `code` so that callers (a network adapter,
 * a log line) can tell them apart without parsing messages. Messages never contain user values.
 * Every one is a {@link TandemError}; an impossible internal state is not one of these but an
 * `InvariantError` from `@tandem/base`'s `assert`.
 */
import { TandemError } from '@tandem/base'

/** Thrown when a remote timestamp is further ahead of the local wall clock than the allowed drift. */
export class ClockDriftError extends TandemError {
  readonly code = 'CRDT_CLOCK_DRIFT'
  override readonly name = 'ClockDriftError'
  /** How far ahead of the local wall clock the remote stamp was, in milliseconds. */
  readonly aheadMs: number
  constructor(aheadMs: number, driftMsMax: number) {
    super(`remote timestamp is ${aheadMs} ms ahead of the local clock (limit ${driftMsMax} ms)`)
    this.aheadMs = aheadMs
  }
}

/**
 * Thrown when the injected wall clock reads something that is not a time: NaN, infinite, negative or
 * beyond 2^53. Fractional readings are fine (they are rounded down to whole milliseconds).
 */
export class InvalidClockError extends TandemError {
  readonly code = 'CRDT_INVALID_CLOCK'
  override readonly name = 'InvalidClockError'
  constructor(reading: number) {
    super(
      `the wall clock read ${reading}, not a time in milliseconds since the epoch (NaN, negative or beyond 2^53)`,
    )
  }
}

/** Thrown when bytes handed to a decoder are not a valid encoding (truncated, corrupt, inconsistent). */
export class MalformedInputError extends TandemError {
  readonly code = 'CRDT_MALFORMED_INPUT'
  override readonly name = 'MalformedInputError'
}

/** Thrown when decoder input exceeds a configured size limit (bytes, counts, nesting depth). */
export class InputTooLargeError extends TandemError {
  readonly code = 'CRDT_INPUT_TOO_LARGE'
  override readonly name = 'InputTooLargeError'
}

/** Thrown when an encoding carries a format version this build does not understand. */
export class UnsupportedVersionError extends TandemError {
  readonly code = 'CRDT_UNSUPPORTED_VERSION'
  override readonly name = 'UnsupportedVersionError'
  readonly version: number
  constructor(version: number) {
    super(`unsupported encoding version ${version}`)
    this.version = version
  }
}

/** Thrown when a value handed to a collection is not JSON-compatible data or a Uint8Array. */
export class InvalidValueError extends TandemError {
  readonly code = 'CRDT_INVALID_VALUE'
  override readonly name = 'InvalidValueError'
}

/** Thrown when a sync message arrives that the session cannot accept in its current state. */
export class SyncProtocolError extends TandemError {
  readonly code = 'CRDT_SYNC_PROTOCOL'
  override readonly name = 'SyncProtocolError'
}

/**
 * Thrown by a scoped merge when a delta breaks the rules of what its writer may send (it carries
 * another writer's dots, names foreign dots outside one set element, is malformed): nothing merges.
 */
export class InvalidDeltaError extends TandemError {
  readonly code = 'CRDT_INVALID_DELTA'
  override readonly name = 'InvalidDeltaError'
  /** Why the delta was refused (the same text `invalidReason` returns). */
  readonly reason: string
  constructor(reason: string) {
    super(`invalid delta: ${reason}`)
    this.reason = reason
  }
}

/**
 * Thrown when a write at an explicit dot names a dot that is not above every dot of its CRDT id
 * this replica has seen: a dot is never reused.
 */
export class StaleDotError extends TandemError {
  readonly code = 'CRDT_STALE_DOT'
  override readonly name = 'StaleDotError'
}
