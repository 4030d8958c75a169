/**
 * The sequential specification of one key of a node's map under strong operations (issue 12,
 * design.md "Conditional writes"): set, delete, compare-and-set, insert-if-absent, bounded
 * increment and linearizable get. Conditions are judged exactly as the node judges them at apply
 * (packages/node's conditions.ts): an absent key counts as 0 for an increment, a non-number refuses
 * it, and a result past `min`/`max` writes nothing.
 */

/** A value a key holds in the checked histories (compared by JSON text). */
export type NodeMapValue = string | number | boolean

/** One strong operation on one key. `expected: undefined` = the key must be absent. */
export type NodeMapOperation =
  | { readonly kind: 'set'; readonly key: string; readonly value: NodeMapValue }
  | { readonly kind: 'delete'; readonly key: string }
  | {
      readonly kind: 'compare-and-set'
      readonly key: string
      readonly expected: NodeMapValue | undefined
      readonly next: NodeMapValue
    }
  | { readonly kind: 'insert-if-absent'; readonly key: string; readonly value: NodeMapValue }
  | {
      readonly kind: 'increment'
      readonly key: string
      readonly by: number
      readonly min?: number
      readonly max?: number
    }
  | { readonly kind: 'get'; readonly key: string }

/** Why a conditional operation wrote nothing (the node's reasons). */
export type NodeMapConditionFailure =
  | 'value-mismatch'
  | 'present'
  | 'not-a-number'
  | 'below-min'
  | 'above-max'

/**
 * What the client saw. A write is `applied`, or not — with the node's reason when it reported one.
 * A write that definitely did not take effect for a reason other than its condition (a stale
 * incarnation, say) is `applied: false` with no reason: it changes nothing wherever it is placed.
 */
export type NodeMapResult =
  | { readonly kind: 'write'; readonly applied: boolean; readonly reason?: NodeMapConditionFailure }
  | { readonly kind: 'get'; readonly value: NodeMapValue | undefined }

/** A key's value; `undefined` when absent. */
export type NodeMapState = NodeMapValue | undefined

/** What an operation does to a state: the value after it, or the condition that failed. */
export function applyNodeMapOperation(
  state: NodeMapState,
  operation: NodeMapOperation,
): { readonly next: NodeMapState; readonly failure: NodeMapConditionFailure | null } {
  switch (operation.kind) {
    case 'set':
      return { next: operation.value, failure: null }
    case 'delete':
      return { next: undefined, failure: null }
    case 'get':
      return { next: state, failure: null }
    case 'compare-and-set':
      return sameValue(state, operation.expected)
        ? { next: operation.next, failure: null }
        : { next: state, failure: 'value-mismatch' }
    case 'insert-if-absent':
      return state === undefined
        ? { next: operation.value, failure: null }
        : { next: state, failure: 'present' }
    case 'increment': {
      const base = state === undefined ? 0 : state
      if (typeof base !== 'number') return { next: state, failure: 'not-a-number' }
      const next = base + operation.by
      if (operation.min !== undefined && next < operation.min) return { next: state, failure: 'below-min' }
      if (operation.max !== undefined && next > operation.max) return { next: state, failure: 'above-max' }
      return { next, failure: null }
    }
  }
}

/**
 * Whether `observed` is what `operation` returns in `state`, and the state after it. With
 * `observed === null` (outcome unknown) any result is consistent and the operation takes its effect.
 */
export function stepNodeMap(
  state: NodeMapState,
  operation: NodeMapOperation,
  observed: NodeMapResult | null,
): { readonly consistent: boolean; readonly next: NodeMapState } {
  const effect = applyNodeMapOperation(state, operation)
  if (observed === null) return { consistent: true, next: effect.next }
  if (operation.kind === 'get')
    return { consistent: observed.kind === 'get' && sameValue(observed.value, state), next: state }
  if (observed.kind !== 'write') return { consistent: false, next: state }
  if (!observed.applied && observed.reason === undefined) return { consistent: true, next: state }
  if (observed.applied) return { consistent: effect.failure === null, next: effect.next }
  return { consistent: effect.failure !== null && effect.failure === observed.reason, next: state }
}

/** The memo key of a state: distinct for distinct values, absent included. */
export function nodeMapStateKey(state: NodeMapState): string {
  return state === undefined ? '\u0000' : JSON.stringify(state)
}

function sameValue(left: NodeMapState, right: NodeMapState): boolean {
  return nodeMapStateKey(left) === nodeMapStateKey(right)
}
