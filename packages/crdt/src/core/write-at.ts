import { InvalidValueError } from '../errors.js'

/**
 * An explicit stamp and dot for one local write: the hybrid node stamps a strong write at apply
 * (max(min(proposer's stamp, t + driftMax), strongClock + 1 logical)) and takes its dot from the dense
 * strong counter, under the CRDT id `log` ‖ ⌊k/2^31⌋, instead of from the replica's own clock and
 * counter. The stamp's node part is `node`.
 */
export interface WriteAt {
  /** The CRDT id the write is made under (the dot's node and the stamp's node). */
  readonly node: string
  /** The dot's sequence number: above every dot of `node` the replica has seen, at most 2^32 − 1. */
  readonly seq: number
  /** The stamp's wall part, in whole milliseconds. */
  readonly wallMs: number
  /** The stamp's logical counter. */
  readonly logical: number
}

/** Throws InvalidValueError unless `at` is a well-formed explicit stamp and dot. */
export function assertWriteAt(at: WriteAt, seqMax: number): void {
  if (typeof at.node !== 'string' || at.node.length === 0) {
    throw new InvalidValueError('write-at node id must be a non-empty string')
  }
  if (!Number.isSafeInteger(at.seq) || at.seq < 1 || at.seq > seqMax) {
    throw new InvalidValueError(`write-at sequence number must be an integer in [1, ${seqMax}]`)
  }
  if (!Number.isSafeInteger(at.wallMs) || at.wallMs < 0) {
    throw new InvalidValueError('write-at wall time must be a non-negative safe integer')
  }
  if (!Number.isSafeInteger(at.logical) || at.logical < 0) {
    throw new InvalidValueError('write-at logical counter must be a non-negative safe integer')
  }
}
