/**
 * The Wing–Gong–Lowe search for a linearization of one key's sub-history, as Porcupine runs it:
 * walk the calls and returns in order, tentatively linearize a call whose result the sequential
 * model accepts in the current state, backtrack at a return whose call is not linearized yet, and
 * memoize (linearized set, state) pairs so no configuration is searched twice.
 *
 * Model-agnostic: the register checker (linearizability.ts) and the node's map checker
 * (node-map-linearizability.ts) both run it with their own sequential model. Operations with an
 * unknown outcome return at infinity and are accepted with any result by the model, so they may
 * take effect at any moment after their call, or — placed after everything else — not at all.
 */
import { assert } from '@tandem/base'

/** When an operation was called and returned, as positions in one total order of events. */
export interface SearchTiming {
  /** Unique within the history (for messages). */
  readonly id: number
  readonly callOrder: number
  /** `null` when the outcome is unknown: the return sorts after everything. */
  readonly returnOrder: number | null
}

/** The sequential specification the search asks. */
export interface SequentialModel<State, Operation> {
  /** Whether `operation`'s observed result is what it returns in `state`, and the state after it. */
  step(state: State, operation: Operation): { readonly consistent: boolean; readonly next: State }
  /** A string equal for equal states and distinct for distinct ones (the memo key). */
  stateKey(state: State): string
}

/** The search's answer for one key. */
export type SearchOutcome =
  | { readonly kind: 'linearizable'; readonly steps: number }
  /** `longestPrefix`: indices (into the operations) of the longest prefix that could be linearized. */
  | { readonly kind: 'violation'; readonly steps: number; readonly longestPrefix: readonly number[] }
  | { readonly kind: 'inconclusive'; readonly steps: number }

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

/** Searches for a linearization of `operations` from `initial`, giving up after `stepsMax` steps. */
export function searchLinearization<State, Operation>(
  operations: readonly Operation[],
  timing: (operation: Operation) => SearchTiming,
  model: SequentialModel<State, Operation>,
  initial: State,
  stepsMax: number,
): SearchOutcome {
  const head = buildEventList(operations.map(timing))
  const linearized = new Uint32Array(Math.ceil(operations.length / 32) + 1)
  const seen = new Set<string>()
  const stack: { node: ListNode; stateBefore: State }[] = []
  let state = initial
  let longestPrefix: number[] = []
  let steps = 0
  let entry = head.next
  while (head.next !== null) {
    if (++steps > stepsMax) return { kind: 'inconclusive', steps }
    assert(entry !== null, 'linearizability search ran off the event list')
    if (entry.isCall) {
      const candidate = operations[entry.operation] as Operation
      const step = model.step(state, candidate)
      if (step.consistent) {
        setBit(linearized, entry.operation)
        const memo = `${linearized.join(',')}|${model.stateKey(step.next)}`
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

function buildEventList(timings: readonly SearchTiming[]): ListNode {
  const nodes: ListNode[] = []
  timings.forEach((timing, index) => {
    const call: ListNode = {
      operation: index,
      isCall: true,
      position: timing.callOrder,
      match: null,
      previous: null,
      next: null,
    }
    const returned: ListNode = {
      operation: index,
      isCall: false,
      position: timing.returnOrder ?? Number.POSITIVE_INFINITY,
      match: null,
      previous: null,
      next: null,
    }
    if (timing.returnOrder !== null && timing.returnOrder <= timing.callOrder) {
      throw new RangeError(`operation #${timing.id} returns before it is called`)
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
