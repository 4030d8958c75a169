/**
 * What one Raft entry holds (design.md, "Batches and the two layers of C"): a list of items applied
 * in order, each either a control entry signed by its proposer (a fold is one: runs of eventual
 * batches, each with its writer's signed header and sealed bytes) or a strong batch — a signed public
 * header and a sealed payload of operations. Raft entries carry whole batches; the bytes that were
 * signed travel as they were signed, so verification never depends on re-encoding.
 */
import type { ControlOperation } from './control.js'
import type { WriterKey } from './ids.js'
import type { StrongBatchHeader } from './strong-sessions.js'

/** A strong batch's signed public header: its session, sequence and floor, and its payload's epoch. */
export interface SealedStrongBatchHeader extends StrongBatchHeader {
  /** The epoch the payload is sealed in. */
  readonly epoch: number
}

/** One item of a log entry, as a proposer builds it. */
export type LogItem =
  | {
      readonly kind: 'control'
      /** The proposer's key. */
      readonly signer: WriterKey
      readonly operation: ControlOperation
      /** The proposer's signature over the encoded operation. */
      readonly signature: Uint8Array
    }
  | {
      readonly kind: 'strong'
      readonly header: SealedStrongBatchHeader
      /** The writer's signature over the encoded header (and, through the envelope, the payload). */
      readonly signature: Uint8Array
      /** The sealed strong payload (plain under the null envelope). */
      readonly sealed: Uint8Array
    }

/** An item decoded from a log entry: with the exact bytes its signature covers. */
export type DecodedLogItem = LogItem & {
  /** The encoded operation (control) or header (strong), as received. */
  readonly signed: Uint8Array
}
