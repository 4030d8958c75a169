/**
 * Linearizability of a node's strong map operations, as end-to-end tests record them against real
 * processes: each operation with its call and return times on the test's clock, its result, or no
 * result when the outcome is unknown (the node was killed, the request failed with an
 * `outcome: 'unknown'` error) — such an operation may take effect at any moment after its call, or
 * never. The same search as the simulator's register checker (linearization-search.ts), per key,
 * over the node map's sequential model (node-map-model.ts).
 */
import { type SequentialModel, searchLinearization } from './linearization-search.js'
import {
  type NodeMapOperation,
  type NodeMapResult,
  type NodeMapState,
  type NodeMapValue,
  nodeMapStateKey,
  stepNodeMap,
} from './node-map-model.js'

/** One recorded operation. */
export interface NodeMapHistoryEntry {
  /** Unique within the history. */
  readonly id: number
  /** Who called it (a label for messages: node and client). */
  readonly client: string
  readonly operation: NodeMapOperation
  readonly callTimeMs: number
  /** `null` when the outcome is unknown. */
  readonly returnTimeMs: number | null
  /** `null` when the outcome is unknown. */
  readonly result: NodeMapResult | null
}

/** Records operations as a test calls them and learns their results. */
export class NodeMapHistory {
  readonly #entries: {
    id: number
    client: string
    operation: NodeMapOperation
    callTimeMs: number
    returnTimeMs: number | null
    result: NodeMapResult | null
  }[] = []

  /** Records a call at `timeMs` (the caller's monotonic clock) and returns its id. */
  call(client: string, operation: NodeMapOperation, timeMs: number): number {
    const id = this.#entries.length
    this.#entries.push({ id, client, operation, callTimeMs: timeMs, returnTimeMs: null, result: null })
    return id
  }

  /** Records the definite result of `id`. An operation never completed stays unknown. */
  complete(id: number, result: NodeMapResult, timeMs: number): void {
    const entry = this.#entries[id]
    if (entry === undefined) throw new RangeError(`no operation ${id}`)
    if (entry.returnTimeMs !== null) throw new Error(`operation ${id} completed twice`)
    if (timeMs < entry.callTimeMs) throw new RangeError(`operation ${id} returns before its call`)
    entry.returnTimeMs = timeMs
    entry.result = result
  }

  get entries(): readonly NodeMapHistoryEntry[] {
    return this.#entries
  }
}

/** The checker's answer; `inconclusive` when the search budget ran out first. */
export type NodeMapVerdict =
  | { readonly kind: 'linearizable'; readonly keys: number; readonly steps: number }
  | { readonly kind: 'violation'; readonly key: string; readonly explanation: string }
  | { readonly kind: 'inconclusive'; readonly key: string; readonly steps: number }

/** Options of {@link checkNodeMapLinearizability}. */
export interface NodeMapCheckOptions {
  /** Search steps allowed per key before giving up with `inconclusive`. */
  readonly stepsMaxPerKey: number
  /** Values the keys held before the history began (absent unless listed). */
  readonly initial?: ReadonlyMap<string, NodeMapValue>
}

interface Timed {
  readonly entry: NodeMapHistoryEntry
  readonly callOrder: number
  readonly returnOrder: number | null
}

const model: SequentialModel<NodeMapState, Timed> = {
  step: (state, item) => stepNodeMap(state, item.entry.operation, item.entry.result),
  stateKey: nodeMapStateKey,
}

/** Checks every key's sub-history; stops at the first key that is not linearizable. */
export function checkNodeMapLinearizability(
  history: readonly NodeMapHistoryEntry[],
  options: NodeMapCheckOptions,
): NodeMapVerdict {
  const timed = orderEvents(history)
  const byKey = new Map<string, Timed[]>()
  for (const item of timed) {
    const key = item.entry.operation.key
    const list = byKey.get(key)
    if (list === undefined) byKey.set(key, [item])
    else list.push(item)
  }
  let steps = 0
  const keys = [...byKey.keys()].sort()
  for (const key of keys) {
    const operations = byKey.get(key) as Timed[]
    const outcome = searchLinearization(
      operations,
      (item) => ({ id: item.entry.id, callOrder: item.callOrder, returnOrder: item.returnOrder }),
      model,
      options.initial?.get(key),
      options.stepsMaxPerKey,
    )
    steps += outcome.steps
    if (outcome.kind === 'inconclusive') return { kind: 'inconclusive', key, steps: outcome.steps }
    if (outcome.kind === 'violation')
      return { kind: 'violation', key, explanation: explain(key, operations, outcome.longestPrefix) }
  }
  return { kind: 'linearizable', keys: keys.length, steps }
}

/**
 * One total order of calls and returns from their times. At equal times a call sorts before a
 * return: the two may have overlapped, and treating them as concurrent never reports a violation
 * that a finer clock could have excused.
 */
function orderEvents(history: readonly NodeMapHistoryEntry[]): Timed[] {
  const events: { timeMs: number; isCall: boolean; index: number }[] = []
  history.forEach((entry, index) => {
    events.push({ timeMs: entry.callTimeMs, isCall: true, index })
    if (entry.returnTimeMs !== null) {
      if (entry.returnTimeMs < entry.callTimeMs)
        throw new RangeError(`operation #${entry.id} returns before its call`)
      events.push({ timeMs: entry.returnTimeMs, isCall: false, index })
    }
  })
  events.sort((a, b) => a.timeMs - b.timeMs || Number(b.isCall) - Number(a.isCall) || a.index - b.index)
  const callOrder = new Array<number>(history.length)
  const returnOrder = new Array<number | null>(history.length).fill(null)
  events.forEach((event, order) => {
    if (event.isCall) callOrder[event.index] = order
    else returnOrder[event.index] = order
  })
  return history.map((entry, index) => ({
    entry,
    callOrder: callOrder[index] as number,
    returnOrder: returnOrder[index] as number | null,
  }))
}

/** A line per operation, e.g. `#4 n1.c2 increment(k by 1 ≤ 10) [12.500, 40.125] applied`. */
export function describeNodeMapEntry(entry: NodeMapHistoryEntry): string {
  const returned = entry.returnTimeMs === null ? '∞' : entry.returnTimeMs.toFixed(3)
  return `#${entry.id} ${entry.client} ${describeOperation(entry.operation)} [${entry.callTimeMs.toFixed(3)}, ${returned}] ${describeResult(entry.result)}`
}

function describeOperation(operation: NodeMapOperation): string {
  const show = (value: NodeMapValue | undefined): string =>
    value === undefined ? 'absent' : JSON.stringify(value)
  switch (operation.kind) {
    case 'set':
      return `set(${operation.key}=${show(operation.value)})`
    case 'delete':
      return `delete(${operation.key})`
    case 'get':
      return `get(${operation.key})`
    case 'compare-and-set':
      return `cas(${operation.key}, ${show(operation.expected)}→${show(operation.next)})`
    case 'insert-if-absent':
      return `insertIfAbsent(${operation.key}=${show(operation.value)})`
    case 'increment': {
      const bounds = [
        operation.min === undefined ? '' : ` ≥ ${operation.min}`,
        operation.max === undefined ? '' : ` ≤ ${operation.max}`,
      ].join('')
      return `increment(${operation.key} by ${operation.by}${bounds})`
    }
  }
}

function describeResult(result: NodeMapResult | null): string {
  if (result === null) return 'unknown'
  if (result.kind === 'get') return result.value === undefined ? 'absent' : JSON.stringify(result.value)
  if (result.applied) return 'applied'
  return result.reason === undefined ? 'not applied' : `not applied (${result.reason})`
}

function explain(key: string, operations: readonly Timed[], longestPrefix: readonly number[]): string {
  const shownMax = 60
  const lines = [`key ${key}: no linearization of its ${operations.length} operations exists`]
  lines.push(
    `longest linearizable prefix (${longestPrefix.length}): ${longestPrefix
      .map((index) => `#${(operations[index] as Timed).entry.id}`)
      .join(' ')}`,
  )
  const sorted = operations.slice().sort((a, b) => a.callOrder - b.callOrder)
  for (const item of sorted.slice(0, shownMax)) lines.push(`  ${describeNodeMapEntry(item.entry)}`)
  if (sorted.length > shownMax) lines.push(`  … ${sorted.length - shownMax} more`)
  return lines.join('\n')
}
