/**
 * Control entries of C's public layer (design.md, "Control entries"): signed by their proposer,
 * idempotent by content, applied on every node, keyed or not. They arrive here decoded and with their
 * signature verified; `signer` is the verified key. Sessions and the current-incarnation check apply
 * to data operations only, never to these.
 */
import type { Incarnation, MemberId, StreamId, WriterKey } from './ids.js'

/** Cluster constants: they change only through the log, so every node applies the same rules. */
export interface ClusterConstants {
  /** How far ahead of log time a stamp may be before it is capped (strong) or clamped (folded). */
  readonly driftMaxMs: number
  /** Unfolded bytes a node holds before it stops pulling and refuses new local eventual writes. */
  readonly eventualBacklogBytesMax: number
  /** Bytes of batches in one fold entry. */
  readonly foldBytesMax: number
  /** The strong session window (see `StrongSessions`). */
  readonly sessionResultsMax: number
  /** Idempotency records kept per writer key. */
  readonly idempotencyRecordsPerWriterMax: number
  /** How long, in log time, an idempotency record is kept: the documented retry horizon. */
  readonly idempotencyWindowMs: number
  /** The apply protocol's version: a node that does not know it stops applying rather than diverge. */
  readonly applyProtocolVersion: number
}

/** The constants a new cluster starts with. */
export const defaultClusterConstants: ClusterConstants = Object.freeze({
  driftMaxMs: 60_000,
  eventualBacklogBytesMax: 256 * 1024 * 1024,
  foldBytesMax: 1024 * 1024,
  sessionResultsMax: 4096,
  idempotencyRecordsPerWriterMax: 100_000,
  idempotencyWindowMs: 24 * 60 * 60 * 1000,
  applyProtocolVersion: 1,
})

/** One batch of a fold run, with what its public header says. */
export interface FoldedBatchHeader {
  readonly sequence: number
  readonly epoch: number
  /** The batch's sealed bytes, handed on to the data layer. */
  readonly sealed: Uint8Array
  /** The writer's signature over the batch's public header (checked by `BatchSignatureCheck`). */
  readonly signature: Uint8Array
}

/** The operations a control entry carries. */
export type ControlOperation =
  /** Founds the cluster: its first voter, and epoch 1's secret wrapped to that voter's key. */
  | {
      readonly kind: 'init'
      readonly member: MemberId
      readonly key: WriterKey
      readonly wrapped: Uint8Array
    }
  | { readonly kind: 'open'; readonly incarnation: Incarnation; readonly expected: Incarnation | null }
  | { readonly kind: 'clock'; readonly member: MemberId; readonly readingMs: number }
  | {
      readonly kind: 'fold'
      readonly runs: readonly { readonly stream: StreamId; readonly batches: readonly FoldedBatchHeader[] }[]
    }
  | {
      readonly kind: 'add-learner'
      readonly member: MemberId
      readonly key: WriterKey
      readonly keyed: boolean
    }
  | { readonly kind: 'promote'; readonly member: MemberId }
  | {
      readonly kind: 'remove'
      readonly member: MemberId
      readonly cutoffs: readonly (readonly [StreamId, number])[]
    }
  | {
      readonly kind: 'revoke'
      readonly key: WriterKey
      readonly cutoffs: readonly (readonly [StreamId, number])[]
    }
  | { readonly kind: 'constants'; readonly constants: ClusterConstants }
  /** A row of the wrap table: `epoch`'s secret wrapped to the keyed member key `recipient`. */
  | {
      readonly kind: 'grant'
      readonly epoch: number
      readonly recipient: WriterKey
      readonly wrapped: Uint8Array
    }

/** A verified control entry at its log index. */
export interface ControlEntry {
  readonly index: number
  /** The proposer's key, verified against the entry's signature. */
  readonly signer: WriterKey
  readonly operation: ControlOperation
}
