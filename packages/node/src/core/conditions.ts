/**
 * Conditional strong operations (design.md, "The consistency model: Conditional writes"):
 * compare-and-set, insert-if-absent and bounded increment. Each is evaluated on C at its log
 * position — so identically on every keyed node — and yields either the value to write or a definite
 * "condition failed" outcome that writes nothing. A bounded increment never crosses its bounds
 * whatever writers on different nodes do concurrently: strong writes apply one at a time, in log
 * order, each against the value the previous one left.
 */
import { type Value, valuesEqual } from '@tandem/crdt'

/** A conditional operation on one key. */
export type Condition =
  | { readonly kind: 'compare-and-set'; readonly expected: Value | undefined; readonly next: Value }
  | { readonly kind: 'insert-if-absent'; readonly value: Value }
  | { readonly kind: 'increment'; readonly by: number; readonly min?: number; readonly max?: number }

/** The outcome of evaluating a condition against the current value. */
export type ConditionOutcome =
  | { readonly ok: true; readonly write: Value }
  | {
      readonly ok: false
      readonly reason: 'value-mismatch' | 'present' | 'not-a-number' | 'below-min' | 'above-max'
    }

/** Equality of an expected and a current value, either possibly absent (crdt's structural equality). */
function sameValue(left: Value | undefined, right: Value | undefined): boolean {
  if (left === undefined || right === undefined) return left === right
  return valuesEqual(left, right)
}

/** Evaluates `condition` against `current` (undefined when the key is absent). */
export function evaluateCondition(condition: Condition, current: Value | undefined): ConditionOutcome {
  switch (condition.kind) {
    case 'compare-and-set':
      return sameValue(condition.expected, current)
        ? { ok: true, write: condition.next }
        : { ok: false, reason: 'value-mismatch' }
    case 'insert-if-absent':
      return current === undefined ? { ok: true, write: condition.value } : { ok: false, reason: 'present' }
    case 'increment': {
      const base = current === undefined ? 0 : current
      if (typeof base !== 'number') return { ok: false, reason: 'not-a-number' }
      const next = base + condition.by
      if (condition.min !== undefined && next < condition.min) return { ok: false, reason: 'below-min' }
      if (condition.max !== undefined && next > condition.max) return { ok: false, reason: 'above-max' }
      return { ok: true, write: next }
    }
  }
}
