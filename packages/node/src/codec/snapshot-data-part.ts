/**
 * The data part of a node snapshot (before sealing): the data layer's fields (`DataSnapshot` with an
 * empty replica state) and the replica state in parts — each part a delta holding a slice of the
 * state's entries and elements with the whole causal context — so that encoding and decoding a large
 * C can yield to the event loop between parts (one `encodeDelta` of 100 MiB holds it for seconds).
 * Restore merges the parts back into the one state delta the replica applies.
 *
 * Layout (integers big-endian): fields length u32 ‖ fields ‖ part count u32 ‖ (part length u32 ‖
 * part)*. Nothing may follow.
 */
import type { CollectionDelta, Delta } from '@tandem/crdt'
import { MalformedOperationError } from '../errors.js'

/** The data part, its pieces still encoded. */
export interface SnapshotDataPart {
  /** `encodeDataSnapshot` of the data layer with an empty replica state. */
  readonly fields: Uint8Array
  /** `encodeDelta` of each part of the replica state. */
  readonly parts: readonly Uint8Array[]
}

/** Encodes a data part. */
export function encodeSnapshotDataPart(part: SnapshotDataPart): Uint8Array {
  let bytes = 4 + part.fields.length + 4
  for (const piece of part.parts) bytes += 4 + piece.length
  const out = new Uint8Array(bytes)
  const view = new DataView(out.buffer)
  let at = put(out, view, 0, part.fields)
  view.setUint32(at, part.parts.length)
  at += 4
  for (const piece of part.parts) at = put(out, view, at, piece)
  return out
}

/** Decodes a data part; pieces are views into `bytes`. Bad bytes throw {@link MalformedOperationError}. */
export function decodeSnapshotDataPart(
  bytes: Uint8Array,
  limits: { readonly fieldsBytesMax: number; readonly partBytesMax: number },
): SnapshotDataPart {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const reader = { at: 0 }
  const fields = take(bytes, view, reader, limits.fieldsBytesMax, 'fields')
  if (bytes.length - reader.at < 4)
    throw new MalformedOperationError('a snapshot data part lacks its part count')
  const count = view.getUint32(reader.at)
  reader.at += 4
  if (count > (bytes.length - reader.at) / 4)
    throw new MalformedOperationError(`a snapshot data part claims ${count} parts in fewer bytes`)
  const parts: Uint8Array[] = []
  for (let i = 0; i < count; i++) parts.push(take(bytes, view, reader, limits.partBytesMax, 'replica part'))
  if (reader.at !== bytes.length) throw new MalformedOperationError('bytes follow a snapshot data part')
  return { fields, parts }
}

/**
 * Splits a state delta into parts of at most `itemsPerPart` entries or elements each (at least
 * one part, the first carrying any empty collections too); every part carries the whole context.
 */
export function splitReplicaState(state: Delta, itemsPerPart: number): Delta[] {
  if (!Number.isSafeInteger(itemsPerPart) || itemsPerPart < 1)
    throw new RangeError(`itemsPerPart must be a positive integer, got ${itemsPerPart}`)
  const parts: Delta[] = []
  let current: CollectionDelta[] = []
  let items = 0
  const flush = (): void => {
    parts.push({ nodes: state.nodes, ranges: state.ranges, collections: current })
    current = []
    items = 0
  }
  for (const collection of state.collections) {
    const list = collection.kind === 'set' ? collection.elements : collection.entries
    if (list.length === 0) {
      current.push(collection)
      continue
    }
    for (let start = 0; start < list.length; ) {
      const end = Math.min(list.length, start + itemsPerPart - items)
      const slice = list.slice(start, end)
      current.push(
        collection.kind === 'set'
          ? { ...collection, elements: slice as CollectionDelta['elements'] }
          : { ...collection, entries: slice as CollectionDelta['entries'] },
      )
      items += end - start
      start = end
      if (items >= itemsPerPart) flush()
    }
  }
  if (current.length > 0 || parts.length === 0) flush()
  return parts
}

/**
 * Merges parts from {@link splitReplicaState} back into one state delta. Parts must carry the same
 * context; a key of a map or register held twice is refused.
 */
export function mergeReplicaParts(parts: readonly Delta[]): Delta {
  const first = parts[0]
  if (first === undefined) return { nodes: [], ranges: [], collections: [] }
  // A collection is its kind and name (a map and a set may share a name).
  const merged = new Map<
    string,
    {
      kind: CollectionDelta['kind']
      name: string
      entries: unknown[]
      elements: unknown[]
      keys: Set<string>
    }
  >()
  for (const part of parts) {
    if (!sameContext(part, first))
      throw new MalformedOperationError('snapshot replica parts with different contexts')
    for (const collection of part.collections) {
      const id = `${collection.kind}\u0000${collection.name}`
      let target = merged.get(id)
      if (target === undefined) {
        target = { kind: collection.kind, name: collection.name, entries: [], elements: [], keys: new Set() }
        merged.set(id, target)
      }
      for (const entry of collection.entries) {
        if (target.keys.has(entry.key))
          throw new MalformedOperationError(`snapshot replica parts hold a key of ${collection.name} twice`)
        target.keys.add(entry.key)
        target.entries.push(entry)
      }
      for (const element of collection.elements) target.elements.push(element)
    }
  }
  const collections: CollectionDelta[] = []
  for (const target of merged.values()) {
    collections.push({
      kind: target.kind,
      name: target.name,
      entries: target.entries as CollectionDelta['entries'],
      elements: target.elements as CollectionDelta['elements'],
    })
  }
  return { nodes: first.nodes, ranges: first.ranges, collections }
}

function sameContext(a: Delta, b: Delta): boolean {
  if (a.nodes.length !== b.nodes.length) return false
  for (let i = 0; i < a.nodes.length; i++) {
    if (a.nodes[i] !== b.nodes[i]) return false
    const left = a.ranges[i] ?? []
    const right = b.ranges[i] ?? []
    if (left.length !== right.length) return false
    for (let j = 0; j < left.length; j++) if (left[j] !== right[j]) return false
  }
  return true
}

function put(out: Uint8Array, view: DataView, at: number, bytes: Uint8Array): number {
  view.setUint32(at, bytes.length)
  out.set(bytes, at + 4)
  return at + 4 + bytes.length
}

function take(
  bytes: Uint8Array,
  view: DataView,
  reader: { at: number },
  bytesMax: number,
  what: string,
): Uint8Array {
  if (bytes.length - reader.at < 4)
    throw new MalformedOperationError(`a snapshot data part's ${what} is truncated`)
  const length = view.getUint32(reader.at)
  if (length > bytesMax)
    throw new MalformedOperationError(`a snapshot data part's ${what} exceeds ${bytesMax} bytes`)
  const start = reader.at + 4
  if (length > bytes.length - start)
    throw new MalformedOperationError(`a snapshot data part's ${what} is truncated`)
  reader.at = start + length
  return bytes.subarray(start, start + length)
}
