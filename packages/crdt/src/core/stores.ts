import type { CollectionKind } from './delta.js'
import type { Value } from './value.js'

/**
 * In-memory storage of collections inside a replica. Node ids are replica-local indices here (into
 * the replica's node table); deltas use their own table and are translated on merge.
 */

/** A last-writer-wins slot: the current entry of one map key (or of a register). */
export class Slot {
  readonly store: LwwStore
  readonly key: string
  readonly node: number
  readonly seq: number
  readonly wallMs: number
  readonly logical: number
  readonly deleted: boolean
  readonly value: Value
  /** Merge epoch that last confirmed this slot; see Replica.apply. */
  touched = 0

  constructor(
    store: LwwStore,
    key: string,
    node: number,
    seq: number,
    wallMs: number,
    logical: number,
    deleted: boolean,
    value: Value,
  ) {
    this.store = store
    this.key = key
    this.node = node
    this.seq = seq
    this.wallMs = wallMs
    this.logical = logical
    this.deleted = deleted
    this.value = value
  }
}

/** An OR-Set element and the dots of the adds that keep it alive. */
export class Element {
  readonly store: SetStore
  readonly key: string
  readonly value: Value
  /** Flat pairs [node, seq, ...] in replica-local node indices. */
  dots: number[]
  touched = 0

  constructor(store: SetStore, key: string, value: Value, dots: number[]) {
    this.store = store
    this.key = key
    this.value = value
    this.dots = dots
  }
}

/** Storage of an LWW map or register. */
export class LwwStore {
  readonly kind: 'map' | 'register'
  readonly name: string
  readonly slots = new Map<string, Slot>()
  /** Number of slots that are tombstones (deleted). */
  tombstones = 0

  constructor(kind: 'map' | 'register', name: string) {
    this.kind = kind
    this.name = name
  }
}

/** Storage of an add-wins OR-Set. */
export class SetStore {
  readonly kind = 'set' as const
  readonly name: string
  readonly elements = new Map<string, Element>()

  constructor(name: string) {
    this.name = name
  }
}

export type Store = LwwStore | SetStore

/** The key under which a replica files a collection: kinds are separate namespaces. */
export function storeKey(kind: CollectionKind, name: string): string {
  return (kind === 'map' ? 'm' : kind === 'register' ? 'r' : 's') + name
}
