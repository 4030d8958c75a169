/**
 * A linearizability checker in the style of Porcupine: the Wing–Gong–Lowe search with memoized
 * (linearized set, state) pairs (linearization-search.ts) over a register model, run separately
 * for each key (a key-value store is linearizable iff every key's sub-history is — linearizability
 * is local). Operations with an unknown outcome return at infinity and may produce any result, so
 * they may take effect at any moment after their call, or — placed after everything else — not at
 * all.
 */
import { describeHistoryOperation, type HistoryOperation } from '../history.js'
import type { KvOperation, KvResult } from '../kv/command.js'
import { type SearchOutcome, type SequentialModel, searchLinearization } from './linearization-search.js'
import { type RegisterState, stepRegister } from './register-model.js'

/** The checker's answer. `inconclusive` means the search budget ran out before a verdict. */
export type LinearizabilityVerdict =
  | { readonly kind: 'linearizable'; readonly keys: number; readonly steps: number }
  | {
      readonly kind: 'violation'
      readonly key: string
      /** Why: the operations of that key and the longest prefix that could be linearized. */
      readonly explanation: string
    }
  | { readonly kind: 'inconclusive'; readonly key: string; readonly steps: number }

/** Options of {@link checkLinearizability}. */
export interface LinearizabilityOptions {
  /** Search steps allowed per key before giving up with `inconclusive`. */
  readonly stepsMaxPerKey: number
  /** The state every key starts in (absent unless told). */
  readonly initialState?: RegisterState
}

interface KeyOperation {
  readonly source: HistoryOperation
  readonly operation: KvOperation
  readonly result: KvResult | null
}

/** Checks a whole history, one key at a time; stops at the first key that is not linearizable. */
export function checkLinearizability(
  history: readonly HistoryOperation[],
  options: LinearizabilityOptions,
): LinearizabilityVerdict {
  const byKey = new Map<string, KeyOperation[]>()
  for (const entry of history) {
    const key = entry.operation.key
    let list = byKey.get(key)
    if (list === undefined) {
      list = []
      byKey.set(key, list)
    }
    list.push({ source: entry, operation: entry.operation, result: entry.result })
  }
  let steps = 0
  const keys = [...byKey.keys()].sort()
  for (const key of keys) {
    const operations = byKey.get(key) as KeyOperation[]
    const outcome = checkKey(operations, options.initialState ?? null, options.stepsMaxPerKey)
    steps += outcome.steps
    if (outcome.kind === 'inconclusive') return { kind: 'inconclusive', key, steps: outcome.steps }
    if (outcome.kind === 'violation') {
      return { kind: 'violation', key, explanation: explain(key, operations, outcome.longestPrefix) }
    }
  }
  return { kind: 'linearizable', keys: keys.length, steps }
}

const registerModel: SequentialModel<RegisterState, KeyOperation> = {
  step: (state, item) => stepRegister(state, item.operation, item.result),
  stateKey: (state) => (state === null ? '\u0000' : `=${state}`),
}

function checkKey(
  operations: readonly KeyOperation[],
  initial: RegisterState,
  stepsMax: number,
): SearchOutcome {
  return searchLinearization(operations, (item) => item.source, registerModel, initial, stepsMax)
}

function explain(key: string, operations: readonly KeyOperation[], longestPrefix: readonly number[]): string {
  const shownMax = 40
  const lines = [`key ${key}: no linearization of its ${operations.length} operations exists`]
  lines.push(
    `longest linearizable prefix (${longestPrefix.length}): ${longestPrefix
      .map((index) => `#${(operations[index] as KeyOperation).source.id}`)
      .join(' ')}`,
  )
  const sorted = operations.slice().sort((a, b) => a.source.callOrder - b.source.callOrder)
  for (const item of sorted.slice(0, shownMax)) lines.push(`  ${describeHistoryOperation(item.source)}`)
  if (sorted.length > shownMax) lines.push(`  … ${sorted.length - shownMax} more`)
  return lines.join('\n')
}
