/**
 * The data operations a strong batch carries (design.md, "Strong writes"): sealed by the proposer,
 * applied in log order on every keyed node. Each names its collection; conditional operations carry
 * their condition; any may carry an idempotency key for app retries across restarts.
 */
import type { Value } from '@tandem/crdt'
import type { CollectionRules } from './collections.js'
import type { Condition } from './conditions.js'
import type { StampTime } from './strong-clock.js'

/** Which collection an operation writes, by kind and name. */
export interface CollectionRef {
  readonly kind: 'map' | 'set' | 'register'
  readonly name: string
}

/** One strong data operation. */
export type DataOperation =
  | { readonly kind: 'declare'; readonly collection: CollectionRef; readonly rules: CollectionRules }
  | {
      readonly kind: 'map-set'
      readonly collection: CollectionRef
      readonly key: string
      readonly value: Value
    }
  | { readonly kind: 'map-delete'; readonly collection: CollectionRef; readonly key: string }
  | {
      readonly kind: 'map-conditional'
      readonly collection: CollectionRef
      readonly key: string
      readonly condition: Condition
    }
  | { readonly kind: 'set-add'; readonly collection: CollectionRef; readonly element: Value }
  | { readonly kind: 'set-delete'; readonly collection: CollectionRef; readonly element: Value }
  | { readonly kind: 'register-set'; readonly collection: CollectionRef; readonly value: Value }

/** An operation with its optional retry identity. */
export interface StrongOperation {
  readonly operation: DataOperation
  /** The app's idempotency key, scoped to the writer key; with the operation's hash. */
  readonly idempotency?: { readonly key: string; readonly operationHash: string }
}

/** The decrypted payload of a strong batch. */
export interface StrongBatchPayload {
  /** The proposer's HLC stamp when it sealed the batch (capped and lifted at apply). */
  readonly stamp: StampTime
  readonly operations: readonly StrongOperation[]
}

/** Why a strong operation did not take effect: a definite outcome, identical on every keyed node. */
export type NotAppliedReason =
  | 'collection-conflict'
  | 'consistency-not-allowed'
  | 'writer-not-allowed'
  | 'conditional-needs-strong-collection'
  | 'value-mismatch'
  | 'present'
  | 'not-a-number'
  | 'below-min'
  | 'above-max'
  | 'idempotency-key-reuse'
  | 'stale-incarnation'
  | 'beyond-session-window'

/** What one strong operation did. */
export type StrongResult =
  | {
      readonly applied: true
      readonly stamp: StampTime
      /** `(index << 32n) | ordinal`: later writes always carry a larger token. */
      readonly fencingToken: bigint
      /** Whether this is the recorded result of an earlier write with the same idempotency key. */
      readonly replayed: boolean
      /** The number a bounded increment left at its key (recorded, so a replay returns it too). */
      readonly counter?: number
    }
  | { readonly applied: false; readonly reason: NotAppliedReason }
