/**
 * A linearizability checker in the style of Porcupine: the Wing–Gong–Lowe search with memoized
 * (linearized set, state) pairs, run separately for each key (a key-value store is linearizable
 * iff every key's sub-history is — linearizability is local). Operations with an unknown outcome
 * return at infinity and may produce any result, so they may take effect at any moment after
 * their call, or — placed after everything else — not at all.
 */
import { assert } from '@tandem/base'
import { describeHistoryOperation, type HistoryOperation } from '../history.js'
import type { KvOperation, KvResult } from '../kv/command.js'
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

interface ListNode {
  /** Index of the operation in the key's sub-history. */
  readonly operation: number
  readonly isCall: boolean
  /** Sort position: order for calls and returns; unknown returns sort after everything. */
  readonly position: number
  match: ListNode | null
  previous: ListNode | null
  next: ListNode | null
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

type KeyOutcome =
  | { readonly kind: 'linearizable'; readonly steps: number }
  | { readonly kind: 'violation'; readonly steps: number; readonly longestPrefix: readonly number[] }
  | { readonly kind: 'inconclusive'; readonly steps: number }

function checkKey(operations: readonly KeyOperation[], initial: RegisterState, stepsMax: number): KeyOutcome {
  const head = buildEventList(operations)
  const linearized = new Uint32Array(Math.ceil(operations.length / 32) + 1)
  const seen = new Set<string>()
  const stack: { node: ListNode; stateBefore: RegisterState }[] = []
  let state = initial
  let longestPrefix: number[] = []
  let steps = 0
  let entry = head.next
  while (head.next !== null) {
    if (++steps > stepsMax) return { kind: 'inconclusive', steps }
    assert(entry !== null, 'linearizability search ran off the event list')
    if (entry.isCall) {
      const candidate = operations[entry.operation] as KeyOperation
      const step = stepRegister(state, candidate.operation, candidate.result)
      if (step.consistent) {
        setBit(linearized, entry.operation)
        const memo = memoKey(linearized, step.next)
        if (!seen.has(memo)) {
          seen.add(memo)
          stack.push({ node: entry, stateBefore: state })
          state = step.next
          lift(entry)
          if (stack.length > longestPrefix.length) longestPrefix = stack.map((item) => item.node.operation)
          entry = head.next
          continue
        }
        clearBit(linearized, entry.operation)
      }
      entry = entry.next
    } else {
      // A return whose call is not linearized yet: undo the last choice and try the next one.
      const top = stack.pop()
      if (top === undefined) return { kind: 'violation', steps, longestPrefix }
      state = top.stateBefore
      clearBit(linearized, top.node.operation)
      unlift(top.node)
      entry = top.node.next
    }
  }
  return { kind: 'linearizable', steps }
}

function buildEventList(operations: readonly KeyOperation[]): ListNode {
  const nodes: ListNode[] = []
  operations.forEach((item, index) => {
    const call: ListNode = {
      operation: index,
      isCall: true,
      position: item.source.callOrder,
      match: null,
      previous: null,
      next: null,
    }
    const returned: ListNode = {
      operation: index,
      isCall: false,
      position: item.source.returnOrder ?? Number.POSITIVE_INFINITY,
      match: null,
      previous: null,
      next: null,
    }
    if (item.source.returnOrder !== null && item.source.returnOrder <= item.source.callOrder) {
      throw new RangeError(`operation #${item.source.id} returns before it is called`)
    }
    call.match = returned
    nodes.push(call, returned)
  })
  // Calls before returns at equal positions (only unknown returns tie, at infinity); then by operation.
  nodes.sort(
    (a, b) => a.position - b.position || Number(b.isCall) - Number(a.isCall) || a.operation - b.operation,
  )
  const head: ListNode = {
    operation: -1,
    isCall: false,
    position: -1,
    match: null,
    previous: null,
    next: null,
  }
  let last = head
  for (const node of nodes) {
    last.next = node
    node.previous = last
    last = node
  }
  return head
}

/** Takes a call and its return out of the list (the operation is linearized). */
function lift(call: ListNode): void {
  unlink(call)
  if (call.match !== null) unlink(call.match)
}

/** Puts a lifted call and its return back where they were. */
function unlift(call: ListNode): void {
  if (call.match !== null) relink(call.match)
  relink(call)
}

function unlink(node: ListNode): void {
  if (node.previous !== null) node.previous.next = node.next
  if (node.next !== null) node.next.previous = node.previous
}

function relink(node: ListNode): void {
  if (node.previous !== null) node.previous.next = node
  if (node.next !== null) node.next.previous = node
}

function setBit(bits: Uint32Array, index: number): void {
  bits[index >>> 5] = ((bits[index >>> 5] as number) | (1 << (index & 31))) >>> 0
}

function clearBit(bits: Uint32Array, index: number): void {
  bits[index >>> 5] = ((bits[index >>> 5] as number) & ~(1 << (index & 31))) >>> 0
}

function memoKey(bits: Uint32Array, state: RegisterState): string {
  return `${bits.join(',')}|${state === null ? '\u0000' : `=${state}`}`
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
