import type { Delta, EntryData } from './delta.js'
import { invalidRanges, type Ranges, rangesHas } from './ranges.js'

/**
 * Pure rules of the scoped merge (design.md, "Delta validation"): what a delta sealed by one writer
 * may contain, and the clamp of stamps to a bound. The merge itself lives in the replica core.
 */

/** Largest sequence number a held dot may carry (the merge index packs it with the node index). */
const SEQ_MAX = 2 ** 32 - 1

/**
 * Why `delta`, sealed by the writer whose CRDT ids are `writerIds`, may not be merged with the
 * scoped merge; `null` when it may. The rules:
 * - the delta is well formed (one context entry per node id, ordered disjoint ranges, every carried
 *   dot inside the context, no dot carried twice, sane stamps);
 * - every entry and every element dot it carries is under one of `writerIds` (a writer introduces
 *   entries and dots only under its own ids);
 * - it names another id's dots in its context only as the observed dots of a set element it removes
 *   or re-adds: a delta whose context names a foreign dot carries exactly one set element and nothing
 *   else, so each foreign dot belongs to that one element.
 *
 * Whether the writer's dots lie above its earlier ones is a property of its stream (the caller checks
 * sequence order); the merge ignores dots the target has already seen, so a replayed delta is harmless.
 */
export function invalidReason(delta: Delta, writerIds: readonly string[]): string | null {
  if (writerIds.length === 0) return 'no writer ids'
  const nodes = delta.nodes
  if (delta.ranges.length !== nodes.length) return 'context ranges do not match its node ids'
  const own: boolean[] = []
  let foreignDots = false
  const distinct = new Set<string>()
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]
    if (typeof node !== 'string' || node.length === 0) return 'empty node id'
    if (distinct.has(node)) return 'node id named twice'
    distinct.add(node)
    const ranges = delta.ranges[index] as Ranges
    const reason = invalidRanges(ranges)
    if (reason !== null) return reason
    const isOwn = writerIds.includes(node)
    own.push(isOwn)
    if (!isOwn && ranges.length > 0) foreignDots = true
  }
  const carried = new Set<string>()
  const carry = (node: number, seq: number): string | null => {
    if (!Number.isInteger(node) || node < 0 || node >= nodes.length) return 'node index out of range'
    if (!own[node]) return 'carries a dot of another writer'
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > SEQ_MAX) return 'sequence number out of range'
    if (!rangesHas(delta.ranges[node] as Ranges, seq)) return 'carried dot outside the context'
    const key = `${node}:${seq}`
    if (carried.has(key)) return 'dot carried twice'
    carried.add(key)
    return null
  }
  let elementCount = 0
  let entryCount = 0
  for (const collection of delta.collections) {
    const kind = collection.kind
    if (kind !== 'map' && kind !== 'register' && kind !== 'set') return 'unknown collection kind'
    if (typeof collection.name !== 'string') return 'collection name not a string'
    // Entries belong to maps and registers, elements to sets: anything else would merge nowhere.
    if (kind === 'set' ? collection.entries.length > 0 : collection.elements.length > 0) {
      return 'entries and elements of the wrong collection kind'
    }
    if (kind === 'register' && collection.entries.length > 1) return 'a register holds at most one entry'
    for (const entry of collection.entries) {
      entryCount++
      const reason = carry(entry.node, entry.seq) ?? invalidStamp(entry)
      if (reason !== null) return reason
    }
    for (const element of collection.elements) {
      elementCount++
      if (element.dots.length % 2 !== 0) return 'odd dot list'
      for (let index = 0; index < element.dots.length; index += 2) {
        const reason = carry(element.dots[index] as number, element.dots[index + 1] as number)
        if (reason !== null) return reason
      }
    }
  }
  if (foreignDots && (elementCount !== 1 || entryCount !== 0)) {
    return "names another writer's dots outside the observed dots of one set element"
  }
  return null
}

function invalidStamp(entry: EntryData): string | null {
  if (!Number.isSafeInteger(entry.wallMs) || entry.wallMs < 0) return 'stamp wall time out of range'
  if (!Number.isSafeInteger(entry.logical) || entry.logical < 0) return 'stamp logical counter out of range'
  return null
}

/**
 * The delta with every stamp above `boundMs` (log time t + `driftMax`) lowered to
 * (`boundMs`, its logical counter): a pure function of the delta and the bound, so every node that
 * folds the same delta at the same bound merges the same stamps. Returns `delta` itself when no
 * stamp exceeds the bound.
 */
export function clampDelta(delta: Delta, boundMs: number): Delta {
  let exceeds = false
  for (const collection of delta.collections) {
    for (const entry of collection.entries) if (entry.wallMs > boundMs) exceeds = true
  }
  if (!exceeds) return delta
  return {
    nodes: delta.nodes,
    ranges: delta.ranges,
    collections: delta.collections.map((collection) =>
      collection.entries.length === 0
        ? collection
        : {
            ...collection,
            entries: collection.entries.map((entry) =>
              entry.wallMs > boundMs ? { ...entry, wallMs: boundMs } : entry,
            ),
          },
    ),
  }
}
