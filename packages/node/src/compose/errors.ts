/**
 * Typed errors of the node's composition core (`NODE_*` codes). Messages name no value, key or
 * secret: a write id names a stream or session and a position, nothing of the write's content.
 */
import { TandemError } from '@tandem/base'
import type { WriteId } from '../core/ids.js'

/**
 * A strong write did not reach a quorum within the fail-fast bound (design.md, "Minority
 * partition"). `outcome: 'not-applied'` only when the write was withdrawn before it left the node;
 * `'unknown'` otherwise — it stays proposed until it applies or the node stops, and
 * `NodeCore.outcome(writeId)` answers later.
 *
 * @example
 * ```ts
 * try { await core.strong(op) } catch (error) {
 *   if (error instanceof NoQuorumError && error.outcome === 'not-applied') retryLater(op)
 * }
 * ```
 */
export class NoQuorumError extends TandemError {
  readonly code = 'NODE_NO_QUORUM'
  override readonly name = 'NoQuorumError'
  readonly outcome: 'not-applied' | 'unknown'
  readonly writeId: WriteId
  /** What kept the write from a quorum (the Raft driver's reason). */
  readonly reason: string

  constructor(outcome: 'not-applied' | 'unknown', writeId: WriteId, reason: string) {
    super(`no quorum (${reason}): strong write ${writeId} is ${outcome}`)
    this.outcome = outcome
    this.writeId = writeId
    this.reason = reason
  }
}

/**
 * C refused a strong batch whole before any of its operations could apply (the writer has no
 * standing at the batch's index, or its incarnation is not current): a definite not-applied.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof StrongBatchRefusedError) console.log(error.reason) }
 * ```
 */
export class StrongBatchRefusedError extends TandemError {
  readonly code = 'NODE_STRONG_BATCH_REFUSED'
  override readonly name = 'StrongBatchRefusedError'
  readonly writeId: WriteId
  readonly reason: string

  constructor(writeId: WriteId, reason: string) {
    super(`strong write ${writeId} refused at apply: ${reason}`)
    this.writeId = writeId
    this.reason = reason
  }
}

/**
 * A write was refused at the writer, before anything was stored or proposed: the collection's rules
 * in C refuse it (`'consistency-not-allowed'`, `'writer-not-allowed'`,
 * `'conditional-needs-strong-collection'`).
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof WriteRefusedError) console.log(error.reason) }
 * ```
 */
export class WriteRefusedError extends TandemError {
  readonly code = 'NODE_WRITE_REFUSED'
  override readonly name = 'WriteRefusedError'
  readonly reason: string

  constructor(reason: string) {
    super(`write refused at the writer: ${reason}`)
    this.reason = reason
  }
}

/**
 * The node holds `eventualBacklogBytesMax` of unfolded batches: a new eventual write is refused
 * (nothing acknowledged is ever dropped to make room).
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof BacklogFullError) await waitForFolds() }
 * ```
 */
export class BacklogFullError extends TandemError {
  readonly code = 'NODE_BACKLOG_FULL'
  override readonly name = 'BacklogFullError'
}
