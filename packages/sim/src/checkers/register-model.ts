/**
 * The sequential specification of one key: a register that may be absent, with put, get,
 * compare-and-set and delete. The linearizability checker asks it whether an operation, placed at
 * some point, could have produced the result the client saw.
 */
import type { KvOperation, KvResult } from '../kv/command.js'

/** The register's value; `null` when the key is absent. */
export type RegisterState = string | null

/** The outcome of trying an operation on a state. */
export interface RegisterStep {
  /** Whether the observed result is what the operation returns in this state. */
  readonly consistent: boolean
  readonly next: RegisterState
}

/**
 * Applies `operation` to `state`. With `observed === null` (the outcome is unknown) any result is
 * consistent, and the state still changes as the operation dictates.
 */
export function stepRegister(
  state: RegisterState,
  operation: KvOperation,
  observed: KvResult | null,
): RegisterStep {
  switch (operation.kind) {
    case 'put':
      return { consistent: observed === null || observed.kind === 'put', next: operation.value }
    case 'get':
      return {
        consistent: observed === null || (observed.kind === 'get' && observed.value === state),
        next: state,
      }
    case 'cas': {
      const swapped = state === operation.expected
      return {
        consistent: observed === null || (observed.kind === 'cas' && observed.succeeded === swapped),
        next: swapped ? operation.value : state,
      }
    }
    case 'delete':
      return {
        consistent:
          observed === null || (observed.kind === 'delete' && observed.existed === (state !== null)),
        next: null,
      }
  }
}
