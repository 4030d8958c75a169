import type { Ranges } from './ranges.js'
import type { Value } from './value.js'

/**
 * The one shape for states, deltas and sync diffs ("delta-state"): a causal context (which dots the
 * sender has seen, per node) and the entries it holds. Merging a delta and merging a full state are
 * the same operation. Node ids are stored once in `nodes`; everything else refers to them by index,
 * which keeps the encoding small when node ids are long (libp2p peer ids).
 */

/** The kinds of collection a replica holds. */
export type CollectionKind = 'map' | 'register' | 'set'

/** A last-writer-wins entry of a map (or the single entry of a register, whose key is ''). */
export interface EntryData {
  readonly key: string
  /** Index into the delta's `nodes`: the writer. */
  readonly node: number
  /** The writer's event counter: (node, seq) is the write's dot. */
  readonly seq: number
  /** Hybrid logical clock stamp of the write (the node part is `node`). */
  readonly wallMs: number
  readonly logical: number
  /** A timestamped delete (tombstone); `value` is null. */
  readonly deleted: boolean
  readonly value: Value
}

/** An OR-Set element with the dots of the adds that put it there (empty in a remove delta). */
export interface ElementData {
  readonly value: Value
  /** Flat pairs: [nodeIndex, seq, nodeIndex, seq, ...]. */
  readonly dots: readonly number[]
}

/** The part of a delta that concerns one named collection. */
export interface CollectionDelta {
  readonly kind: CollectionKind
  readonly name: string
  /** Map and register entries (empty for sets). */
  readonly entries: readonly EntryData[]
  /** Set elements (empty for maps and registers). */
  readonly elements: readonly ElementData[]
}

/** A version vector generalised to gaps: per node, the ranges of dots seen. */
export interface CausalContext {
  readonly nodes: readonly string[]
  /** `ranges[i]` are the dots seen of `nodes[i]`, as flat inclusive [start, end, ...] ranges. */
  readonly ranges: readonly Ranges[]
}

/** A delta, a diff or a whole state: a causal context plus the entries it carries. */
export interface Delta extends CausalContext {
  readonly collections: readonly CollectionDelta[]
}

/** Shared empty arrays, so that single-kind collection deltas allocate nothing for the other kind. */
export const NO_ENTRIES: readonly EntryData[] = Object.freeze([])
export const NO_ELEMENTS: readonly ElementData[] = Object.freeze([])

/** Whether a delta carries nothing at all (no context, no entries). */
export function isEmptyDelta(delta: Delta): boolean {
  return delta.nodes.length === 0 && delta.collections.length === 0
}
