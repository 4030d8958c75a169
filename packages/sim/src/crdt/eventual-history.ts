/**
 * The record of every eventual write the replicas made, and the state those writes must converge
 * to according to the data types' specifications — computed from the writes alone, not by merging:
 *
 * - LWW map key and LWW register: the write with the greatest hybrid-logical-clock stamp wins
 *   (ties broken by node id); a winning delete or clear leaves the key absent.
 * - Add-wins OR-Set: each add creates a dot. A dot is dead once another operation on the same
 *   element was made by a replica that had already seen the dot (a remove removes what it
 *   observed; a re-add supersedes what it observed). An element is present iff one of its dots is
 *   alive — so an add concurrent with a remove wins.
 *
 * The stamps and dots come from the deltas the production `Replica` returned for each local write.
 */
import { TandemError } from '@tandem/base'
import type { CausalContext, Delta, Value } from '@tandem/crdt'

/** The collection names the simulated application writes to. */
export const collectionNames = { map: 'm', register: 'r', set: 's' } as const

/** One eventual write, as the harness performed it. */
export type EventualOperation =
  | {
      readonly kind: 'map-set'
      readonly replica: string
      readonly key: string
      readonly value: string
      readonly delta: Delta
    }
  | { readonly kind: 'map-delete'; readonly replica: string; readonly key: string; readonly delta: Delta }
  | { readonly kind: 'register-set'; readonly replica: string; readonly value: string; readonly delta: Delta }
  | { readonly kind: 'register-clear'; readonly replica: string; readonly delta: Delta }
  | {
      readonly kind: 'set-add' | 'set-remove'
      readonly replica: string
      readonly element: string
      readonly delta: Delta
      /** What the replica had seen just before this operation. */
      readonly contextBefore: CausalContext
    }

/** The visible state of the simulated application's collections. */
export interface VisibleState {
  /** Map entries sorted by key. */
  readonly map: readonly (readonly [string, string])[]
  readonly register: string | undefined
  /** Set elements, sorted. */
  readonly set: readonly string[]
}

interface Stamp {
  readonly wallMs: number
  readonly logical: number
  readonly node: string
}

interface LwwWrite {
  readonly stamp: Stamp
  /** `undefined` for a delete or clear. */
  readonly value: string | undefined
}

interface SetDot {
  readonly node: string
  readonly seq: number
}

/** A write whose delta does not say what the write did: the replica itself is wrong. */
export class MalformedWriteError extends TandemError {
  readonly code = 'SIM_MALFORMED_WRITE'
  override readonly name = 'MalformedWriteError'
}

/**
 * Collects writes and computes the state they specify.
 *
 * @example
 * ```ts
 * const history = new EventualHistory()
 * history.record({ kind: 'map-set', replica: 'r1', key: 'k1', value: 'v', delta })
 * console.log(history.expectedState().map) // [['k1', 'v']]
 * ```
 */
export class EventualHistory {
  private readonly operations: EventualOperation[] = []
  /** What each write did (same index as `operations`), read from its delta once. */
  private readonly effects: Effect[] = []

  /** Records one write. Throws {@link MalformedWriteError} when its delta lacks the write. */
  record(operation: EventualOperation): void {
    // Read the delta now, so that a broken delta is reported at the write that produced it.
    const effect = describeEffect(operation)
    this.operations.push(operation)
    this.effects.push(effect)
  }

  /** How many writes were recorded. */
  get size(): number {
    return this.operations.length
  }

  /** The state every replica must hold once all writes have reached all of them. */
  expectedState(): VisibleState {
    const mapWinners = new Map<string, LwwWrite>()
    let registerWinner: LwwWrite | undefined
    const addsByElement = new Map<string, { readonly dot: SetDot; readonly operation: number }[]>()
    const opsByElement = new Map<string, number[]>()
    this.effects.forEach((effect, index) => {
      if (effect.kind === 'lww') {
        if (effect.key === null) {
          if (registerWinner === undefined || compareStamps(effect.write.stamp, registerWinner.stamp) > 0) {
            registerWinner = effect.write
          }
        } else {
          const current = mapWinners.get(effect.key)
          if (current === undefined || compareStamps(effect.write.stamp, current.stamp) > 0) {
            mapWinners.set(effect.key, effect.write)
          }
        }
        return
      }
      if (effect.kind === 'none') return
      const element = effect.element
      let ops = opsByElement.get(element)
      if (ops === undefined) {
        ops = []
        opsByElement.set(element, ops)
      }
      ops.push(index)
      if (effect.dot !== null) {
        let adds = addsByElement.get(element)
        if (adds === undefined) {
          adds = []
          addsByElement.set(element, adds)
        }
        adds.push({ dot: effect.dot, operation: index })
      }
    })
    const set: string[] = []
    for (const [element, adds] of addsByElement) {
      const ops = opsByElement.get(element) ?? []
      const alive = adds.some(
        (add) =>
          !ops.some((index) => {
            if (index === add.operation) return false
            const other = this.operations[index]
            return other !== undefined && 'contextBefore' in other && covers(other.contextBefore, add.dot)
          }),
      )
      if (alive) set.push(element)
    }
    const map: [string, string][] = []
    for (const [key, write] of mapWinners) if (write.value !== undefined) map.push([key, write.value])
    map.sort((a, b) => compareStrings(a[0], b[0]))
    set.sort(compareStrings)
    return { map, register: registerWinner?.value, set }
  }
}

type Effect =
  | { readonly kind: 'lww'; readonly key: string | null; readonly write: LwwWrite }
  | { readonly kind: 'set'; readonly element: string; readonly dot: SetDot | null }
  | { readonly kind: 'none' }

/** What one write did, read from its delta. */
function describeEffect(operation: EventualOperation): Effect {
  const delta = operation.delta
  switch (operation.kind) {
    case 'map-set':
    case 'map-delete': {
      const write = lwwWrite(delta, 'map', collectionNames.map, operation.key)
      const expected = operation.kind === 'map-set' ? operation.value : undefined
      if (write === null) {
        // Deleting an absent key may legitimately change nothing.
        if (operation.kind === 'map-delete') return { kind: 'none' }
        throw new MalformedWriteError(`${operation.replica} set ${operation.key}: the delta holds no entry`)
      }
      if (write.value !== expected) {
        throw new MalformedWriteError(
          `${operation.replica} ${operation.kind} ${operation.key}: the delta carries ${String(write.value)}`,
        )
      }
      return { kind: 'lww', key: operation.key, write }
    }
    case 'register-set':
    case 'register-clear': {
      const write = lwwWrite(delta, 'register', collectionNames.register, '')
      const expected = operation.kind === 'register-set' ? operation.value : undefined
      if (write === null) {
        if (operation.kind === 'register-clear') return { kind: 'none' }
        throw new MalformedWriteError(`${operation.replica} register set: the delta holds no entry`)
      }
      if (write.value !== expected) {
        throw new MalformedWriteError(
          `${operation.replica} ${operation.kind}: the delta carries ${String(write.value)}`,
        )
      }
      return { kind: 'lww', key: null, write }
    }
    case 'set-add': {
      const dot = addedDot(delta, operation.element, operation.replica)
      return { kind: 'set', element: operation.element, dot }
    }
    case 'set-remove':
      return { kind: 'set', element: operation.element, dot: null }
  }
}

function lwwWrite(delta: Delta, kind: 'map' | 'register', name: string, key: string): LwwWrite | null {
  for (const collection of delta.collections) {
    if (collection.kind !== kind || collection.name !== name) continue
    for (const entry of collection.entries) {
      if (entry.key !== key) continue
      const node = delta.nodes[entry.node]
      if (node === undefined)
        throw new MalformedWriteError(`entry of ${key} names node #${entry.node}, not in the delta`)
      const value = entry.deleted ? undefined : stringValue(entry.value)
      return { stamp: { wallMs: entry.wallMs, logical: entry.logical, node }, value }
    }
  }
  return null
}

function addedDot(delta: Delta, element: string, replica: string): SetDot {
  for (const collection of delta.collections) {
    if (collection.kind !== 'set' || collection.name !== collectionNames.set) continue
    for (const data of collection.elements) {
      if (data.value !== element) continue
      // A local add carries exactly one dot: the new one, made by this replica.
      if (data.dots.length !== 2) {
        throw new MalformedWriteError(`${replica} add ${element}: ${data.dots.length / 2} dots, expected 1`)
      }
      const node = delta.nodes[data.dots[0] as number]
      if (node !== replica)
        throw new MalformedWriteError(`${replica} add ${element}: the new dot is ${node}'s`)
      return { node, seq: data.dots[1] as number }
    }
  }
  throw new MalformedWriteError(`${replica} add ${element}: the delta holds no element`)
}

function stringValue(value: Value): string {
  if (typeof value !== 'string')
    throw new MalformedWriteError(`a written value is not a string: ${String(value)}`)
  return value
}

/** Whether `context` records `dot` as seen. */
export function covers(context: CausalContext, dot: SetDot): boolean {
  const index = context.nodes.indexOf(dot.node)
  if (index < 0) return false
  const ranges = context.ranges[index] ?? []
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    if ((ranges[i] as number) <= dot.seq && dot.seq <= (ranges[i + 1] as number)) return true
  }
  return false
}

function compareStamps(a: Stamp, b: Stamp): number {
  if (a.wallMs !== b.wallMs) return a.wallMs - b.wallMs
  if (a.logical !== b.logical) return a.logical - b.logical
  return compareStrings(a.node, b.node)
}

/** Code-unit order (not locale order), so the order is the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** One line describing a visible state, for traces and failure reports. */
export function describeVisibleState(state: VisibleState): string {
  const map = state.map.map(([key, value]) => `${key}=${value}`).join(' ')
  return `map {${map}} register ${state.register ?? '∅'} set {${state.set.join(' ')}}`
}

/** Whether two visible states are equal. */
export function visibleStatesEqual(a: VisibleState, b: VisibleState): boolean {
  return (
    a.register === b.register &&
    a.map.length === b.map.length &&
    a.map.every(([key, value], index) => b.map[index]?.[0] === key && b.map[index]?.[1] === value) &&
    a.set.length === b.set.length &&
    a.set.every((element, index) => b.set[index] === element)
  )
}
