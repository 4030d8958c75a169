import {
  type CausalContext,
  type CollectionDelta,
  type CollectionKind,
  type Delta,
  type ElementData,
  type EntryData,
  NO_ELEMENTS,
  NO_ENTRIES,
} from '../core/delta.js'
import { elementKey } from '../core/element-key.js'
import type { Ranges } from '../core/ranges.js'
import { dotKey, SEQ_MAX } from '../core/replica-core.js'
import { InputTooLargeError, MalformedInputError, UnsupportedVersionError } from '../errors.js'
import { ByteReader, ByteWriter } from './bytes.js'
import { type DecodeLimits, resolveLimits } from './limits.js'
import { readValue, writeValue } from './value-codec.js'

/**
 * Binary format, version 1 (all integers are unsigned LEB128 varints unless noted):
 *
 *   frame    = version(1 byte) kind(1 byte) body
 *   context  = nodeCount (string)*nodeCount (ranges)*nodeCount
 *   ranges   = h; h even: one range [1, h/2]; h odd: (h-1)/2 ranges, each (gap, length-1), where a
 *              range starts gap+1 after the previous end (+1 more after the first), so ranges never touch
 *   delta    = context wallBase collectionCount collection*
 *   collection = kindByte(0 map, 1 register, 2 set) name (entries | elements)
 *   entry    = [key string, maps only] node seq wallOffset (logical*2 + deleted) [value unless deleted]
 *   element  = dotCount node zigzag(seq - previous seq of the same node) (node seq)*(dotCount-1) value
 *
 * Node ids appear once per frame, in the string table; entries refer to them by index. Wall clock
 * stamps are offsets from the smallest stamp in the frame. Values use the tagged canonical encoding of
 * value-codec.ts. Canonical mode (states) sorts nodes, collections, keys and elements, so that equal
 * states encode to equal bytes on every replica.
 */

export const FORMAT_VERSION = 1

/** Frame kinds. */
export const FRAME_DELTA = 1
export const FRAME_SYNC_STEP_1 = 2
export const FRAME_SYNC_STEP_2 = 3
export const FRAME_UPDATE = 4
export const FRAME_ACK = 5

const KIND_CODES: Record<CollectionKind, number> = { map: 0, register: 1, set: 2 }
const KINDS: readonly CollectionKind[] = ['map', 'register', 'set']

export function writeContext(writer: ByteWriter, context: CausalContext): void {
  const count = context.nodes.length
  writer.varint(count)
  for (let index = 0; index < count; index++) writer.string(context.nodes[index] as string)
  for (let index = 0; index < count; index++) writeRanges(writer, context.ranges[index] as Ranges)
}

function writeRanges(writer: ByteWriter, ranges: Ranges): void {
  if (ranges.length === 2 && ranges[0] === 1) {
    writer.varint((ranges[1] as number) * 2)
    return
  }
  writer.varint(ranges.length + 1)
  let previousEnd = 0
  for (let index = 0; index < ranges.length; index += 2) {
    const start = ranges[index] as number
    const end = ranges[index + 1] as number
    writer.varint(start - previousEnd - (index === 0 ? 1 : 2))
    writer.varint(end - start)
    previousEnd = end
  }
}

export function writeDelta(writer: ByteWriter, delta: Delta): void {
  writeContext(writer, delta)
  let wallBase = Number.MAX_SAFE_INTEGER
  for (const collection of delta.collections) {
    for (const entry of collection.entries) if (entry.wallMs < wallBase) wallBase = entry.wallMs
  }
  if (wallBase === Number.MAX_SAFE_INTEGER) wallBase = 0
  writer.varint(wallBase)
  writer.varint(delta.collections.length)
  for (const collection of delta.collections) {
    writer.byte(KIND_CODES[collection.kind])
    writer.string(collection.name)
    if (collection.kind === 'set') {
      writer.varint(collection.elements.length)
      let previousNode = -1
      let previousSeq = 0
      for (const element of collection.elements) {
        const dots = element.dots
        writer.varint(dots.length / 2)
        if (dots.length > 0) {
          const node = dots[0] as number
          const seq = dots[1] as number
          writer.varint(node)
          writer.signedVarint(node === previousNode ? seq - previousSeq : seq)
          previousNode = node
          previousSeq = seq
          for (let index = 2; index < dots.length; index += 2) {
            writer.varint(dots[index] as number)
            writer.varint(dots[index + 1] as number)
          }
        }
        writeValue(writer, element.value)
      }
    } else {
      const isMap = collection.kind === 'map'
      writer.varint(collection.entries.length)
      for (const entry of collection.entries) {
        if (isMap) writer.string(entry.key)
        writer.varint(entry.node)
        writer.varint(entry.seq)
        writer.varint(entry.wallMs - wallBase)
        writer.varint(entry.logical * 2 + (entry.deleted ? 1 : 0))
        if (!entry.deleted) writeValue(writer, entry.value)
      }
    }
  }
}

/** Encodes a delta (or a state, or a diff) as a versioned frame. */
export function encodeDelta(delta: Delta): Uint8Array {
  const writer = new ByteWriter(64)
  writer.byte(FORMAT_VERSION)
  writer.byte(FRAME_DELTA)
  writeDelta(writer, delta)
  return writer.finish()
}

/** Opens a frame: checks size, version and kind; returns a reader positioned at the body. */
export function openFrame(
  bytes: Uint8Array,
  limits: Required<DecodeLimits>,
  kinds: readonly number[],
): [ByteReader, number] {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('input is not a Uint8Array')
  if (bytes.length > limits.bytesMax) {
    throw new InputTooLargeError(`input of ${bytes.length} bytes exceeds the limit ${limits.bytesMax}`)
  }
  const reader = new ByteReader(bytes, limits.stringBytesMax)
  const version = reader.byte()
  if (version !== FORMAT_VERSION) throw new UnsupportedVersionError(version)
  const kind = reader.byte()
  if (!kinds.includes(kind)) throw new MalformedInputError(`unexpected frame kind ${kind}`)
  return [reader, kind]
}

/** Decodes a frame written by {@link encodeDelta}. Throws typed errors on malformed or oversized input. */
export function decodeDelta(bytes: Uint8Array, limits?: DecodeLimits): Delta {
  const resolved = resolveLimits(limits)
  const [reader] = openFrame(bytes, resolved, [FRAME_DELTA])
  const delta = readDelta(reader, resolved)
  if (!reader.done) throw new MalformedInputError('trailing bytes after the delta')
  return delta
}

export function readContext(reader: ByteReader, limits: Required<DecodeLimits>): CausalContext {
  const count = reader.count(limits.nodesMax, 2, 'node count')
  const nodes: string[] = []
  for (let index = 0; index < count; index++) {
    const node = reader.string()
    if (node.length === 0) throw new MalformedInputError('empty node id')
    nodes.push(node)
  }
  if (count > 1 && new Set(nodes).size !== count) throw new MalformedInputError('duplicate node id')
  const ranges: Ranges[] = []
  for (let index = 0; index < count; index++) ranges.push(readRanges(reader, limits))
  return { nodes, ranges }
}

function readRanges(reader: ByteReader, limits: Required<DecodeLimits>): Ranges {
  const header = reader.varint()
  if (header % 2 === 0) {
    if (header === 0) throw new MalformedInputError('empty context entry')
    return [1, header / 2]
  }
  const count = (header - 1) / 2
  if (count === 0) throw new MalformedInputError('empty context entry')
  if (count > limits.rangesPerNodeMax) throw new InputTooLargeError(`${count} ranges for one node`)
  if (count * 2 > reader.remaining) throw new MalformedInputError('ranges beyond the input')
  const ranges: Ranges = []
  let previousEnd = 0
  for (let index = 0; index < count; index++) {
    const start = previousEnd + reader.varint() + (index === 0 ? 1 : 2)
    const end = start + reader.varint()
    if (end > Number.MAX_SAFE_INTEGER) throw new MalformedInputError('sequence number beyond the safe range')
    ranges.push(start, end)
    previousEnd = end
  }
  return ranges
}

export function readDelta(reader: ByteReader, limits: Required<DecodeLimits>): Delta {
  const context = readContext(reader, limits)
  const nodeCount = context.nodes.length
  const wallBase = reader.varint()
  const collectionCount = reader.count(limits.collectionsMax, 3, 'collection count')
  const collections: CollectionDelta[] = []
  const seenCollections = new Set<string>()
  // Every dot may be carried once per delta; two holders of one dot would break the merge index.
  // Checked after reading, on the dots collected here, keyed as the merge index keys them.
  const dotKeys: number[] = []
  const claimDot = (node: number, seq: number): void => {
    if (node >= nodeCount) throw new MalformedInputError('node index out of range')
    if (seq > SEQ_MAX) throw new InputTooLargeError('sequence number of a held dot beyond 2^32 - 1')
    if (seq < 1 || !rangesContain(context.ranges[node] as Ranges, seq)) {
      throw new MalformedInputError('entry dot outside the delta context')
    }
    dotKeys.push(dotKey(node, seq))
  }
  let itemBudget = limits.entriesMax
  for (let collectionIndex = 0; collectionIndex < collectionCount; collectionIndex++) {
    const kindCode = reader.byte()
    const kind = KINDS[kindCode]
    if (kind === undefined) throw new MalformedInputError(`unknown collection kind ${kindCode}`)
    const name = reader.string()
    const collectionKey = `${kindCode}:${name}`
    if (seenCollections.has(collectionKey)) throw new MalformedInputError('duplicate collection')
    seenCollections.add(collectionKey)
    if (kind === 'set') {
      const count = reader.count(itemBudget, 2, 'element count')
      itemBudget -= count
      const elements: ElementData[] = []
      const keys = count > 1 ? new Set<string>() : undefined
      let previousNode = -1
      let previousSeq = 0
      for (let index = 0; index < count; index++) {
        const dotCount = reader.count(Number.MAX_SAFE_INTEGER, 2, 'dot count')
        const dots: number[] = []
        if (dotCount > 0) {
          const node = reader.varint()
          const offset = reader.signedVarint()
          const seq = node === previousNode ? previousSeq + offset : offset
          claimDot(node, seq)
          dots.push(node, seq)
          previousNode = node
          previousSeq = seq
          for (let dot = 1; dot < dotCount; dot++) {
            const extraNode = reader.varint()
            const extraSeq = reader.varint()
            claimDot(extraNode, extraSeq)
            dots.push(extraNode, extraSeq)
          }
        }
        const value = readValue(reader)
        if (keys !== undefined) {
          const key = elementKey(value)
          if (keys.has(key)) throw new MalformedInputError('duplicate set element')
          keys.add(key)
        }
        elements.push({ value, dots })
      }
      collections.push({ kind, name, entries: NO_ENTRIES, elements })
    } else {
      const isMap = kind === 'map'
      const count = reader.count(itemBudget, 4, 'entry count')
      if (!isMap && count > 1) throw new MalformedInputError('a register holds at most one entry')
      itemBudget -= count
      const entries: EntryData[] = []
      const keys = count > 1 ? new Set<string>() : undefined
      for (let index = 0; index < count; index++) {
        const key = isMap ? reader.string() : ''
        if (keys !== undefined) {
          if (keys.has(key)) throw new MalformedInputError('duplicate map key')
          keys.add(key)
        }
        const node = reader.varint()
        const seq = reader.varint()
        claimDot(node, seq)
        const wallMs = wallBase + reader.varint()
        if (wallMs > Number.MAX_SAFE_INTEGER) throw new MalformedInputError('stamp beyond the safe range')
        const flags = reader.varint()
        const deleted = flags % 2 === 1
        const logical = (flags - (deleted ? 1 : 0)) / 2
        const value = deleted ? null : readValue(reader)
        entries.push({ key, node, seq, wallMs, logical, deleted, value })
      }
      collections.push({ kind, name, entries, elements: NO_ELEMENTS })
    }
  }
  if (dotKeys.length > 1 && new Set(dotKeys).size !== dotKeys.length) {
    throw new MalformedInputError('dot carried twice')
  }
  return { nodes: context.nodes, ranges: context.ranges, collections }
}

function rangesContain(ranges: Ranges, seq: number): boolean {
  for (let index = 0; index < ranges.length; index += 2) {
    if (seq < (ranges[index] as number)) return false
    if (seq <= (ranges[index + 1] as number)) return true
  }
  return false
}

/**
 * Returns an equivalent delta in canonical order: nodes sorted by id, collections by kind and name,
 * entries by key, set elements by first dot (dots within an element sorted). Equal states give equal
 * canonical deltas, hence equal bytes.
 */
export function canonicalDelta(delta: Delta): Delta {
  const order = delta.nodes.map((_, index) => index)
  order.sort((left, right) => compareStrings(delta.nodes[left] as string, delta.nodes[right] as string))
  const remap = new Array<number>(order.length)
  for (let position = 0; position < order.length; position++) remap[order[position] as number] = position
  const nodes = order.map((index) => delta.nodes[index] as string)
  const ranges = order.map((index) => delta.ranges[index] as Ranges)
  const collections = delta.collections
    .map((collection): CollectionDelta => {
      if (collection.kind === 'set') {
        const elements = collection.elements.map((element) => {
          const pairs: [number, number][] = []
          for (let index = 0; index < element.dots.length; index += 2) {
            pairs.push([remap[element.dots[index] as number] as number, element.dots[index + 1] as number])
          }
          pairs.sort((left, right) => left[0] - right[0] || left[1] - right[1])
          return { value: element.value, dots: pairs.flat() }
        })
        elements.sort((left, right) => compareDots(left.dots, right.dots))
        return { kind: 'set', name: collection.name, entries: NO_ENTRIES, elements }
      }
      const entries = collection.entries.map((entry) => ({ ...entry, node: remap[entry.node] as number }))
      entries.sort((left, right) => compareStrings(left.key, right.key))
      return { kind: collection.kind, name: collection.name, entries, elements: NO_ELEMENTS }
    })
    .sort(
      (left, right) =>
        KIND_CODES[left.kind] - KIND_CODES[right.kind] || compareStrings(left.name, right.name),
    )
  return { nodes, ranges, collections }
}

function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}

function compareDots(left: readonly number[], right: readonly number[]): number {
  // Elements without dots (remove deltas) sort first, by nothing else: canonical states never have them.
  if (left.length === 0 || right.length === 0) return left.length - right.length
  return (left[0] as number) - (right[0] as number) || (left[1] as number) - (right[1] as number)
}
