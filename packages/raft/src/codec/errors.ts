import { TandemError } from '@tandem/base'

/**
 * Bytes from the network or a disk that do not decode to a valid Raft structure. Every decoder in
 * this package throws only this error for bad input, whatever went wrong inside.
 */
export class MalformedMessageError extends TandemError {
  readonly code = 'RAFT_MALFORMED_MESSAGE'
  override readonly name = 'MalformedMessageError'
  /** A short, secret-free description of the first problem found. */
  readonly reason: string

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`malformed raft message: ${reason}`, options)
    this.reason = reason
  }
}
