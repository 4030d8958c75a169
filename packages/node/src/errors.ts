/**
 * Typed errors of @tandem/node. Each has a stable `NODE_*` code; messages never carry values, keys
 * or secrets.
 */
import { TandemError } from '@tandem/base'

/** Bytes of a log entry's operation are not a valid encoding (truncated, oversized, out of range). */
export class MalformedOperationError extends TandemError {
  readonly code = 'NODE_MALFORMED_OPERATION'
  override readonly name = 'MalformedOperationError'
}
