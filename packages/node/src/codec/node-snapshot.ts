/**
 * The bytes of a node's Raft snapshot (what NodeCore's state machine returns from `snapshot()` and
 * takes in `restore()`; the Raft driver stores them, and sends them on the snapshot transport):
 * C's public part in plaintext — the header every node, keyless ones included, restores — and the
 * data part, either absent (a keyless node's snapshot), plain (the null envelope of the simulator's
 * fast mode) or sealed (segments, each a signed manifest and the encrypted chunks it lists, from
 * `sealSnapshot` of @tandem/envelope), so that no data value is plaintext on the wire or on disk.
 *
 * Layout (version 1, integers big-endian): version u8 ‖ applied index u64 ‖ applied term u64 ‖
 * public length u32 ‖ public ‖ data kind u8 (0 none, 1 plain, 2 sealed) ‖ for plain: length u32 ‖
 * bytes; for sealed: segment count u32 ‖ (manifest length u32 ‖ manifest ‖ chunk count u32 ‖
 * (chunk length u32 ‖ chunk)*)*.
 * Nothing may follow. The decoder checks every length against what remains and against the limits.
 */
import { MalformedOperationError } from '../errors.js'

/** The format version the encoder writes and the decoder accepts. */
export const nodeSnapshotVersion = 1

/** The data part of a node snapshot. */
export type NodeSnapshotData =
  | { readonly kind: 'none' }
  | { readonly kind: 'plain'; readonly bytes: Uint8Array }
  | { readonly kind: 'sealed'; readonly segments: readonly SealedSegment[] }

/** One sealed segment of a data part: a signed manifest and the encrypted chunks it lists. */
export interface SealedSegment {
  readonly manifest: Uint8Array
  readonly chunks: readonly Uint8Array[]
}

/** A node snapshot, decoded (the parts are views into the decoded bytes). */
export interface NodeSnapshot {
  /** The index and term of the last entry C had applied. */
  readonly appliedIndex: number
  readonly appliedTerm: number
  /** C's public layer (`encodePublicSnapshot`), plaintext. */
  readonly publicBytes: Uint8Array
  readonly data: NodeSnapshotData
}

/** Bounds of {@link decodeNodeSnapshot}. */
export interface NodeSnapshotLimits {
  /** The largest public part. */
  readonly publicBytesMax: number
  /** The largest data part (plain bytes, or the manifest and chunks together). */
  readonly dataBytesMax: number
}

/** Public parts up to 64 MiB, data parts up to 1 GiB (the snapshot decoders' own bounds). */
export const defaultNodeSnapshotLimits: NodeSnapshotLimits = Object.freeze({
  publicBytesMax: 64 * 1024 * 1024,
  dataBytesMax: 1024 * 1024 * 1024,
})

const KIND_NONE = 0
const KIND_PLAIN = 1
const KIND_SEALED = 2
const HEADER_BYTES = 1 + 8 + 8 + 4

/** Encodes a node snapshot. */
export function encodeNodeSnapshot(snapshot: NodeSnapshot): Uint8Array {
  const { data } = snapshot
  let dataBytes = 1
  if (data.kind === 'plain') dataBytes += 4 + data.bytes.length
  if (data.kind === 'sealed') {
    dataBytes += 4
    for (const segment of data.segments) {
      dataBytes += 4 + segment.manifest.length + 4
      for (const chunk of segment.chunks) dataBytes += 4 + chunk.length
    }
  }
  const out = new Uint8Array(HEADER_BYTES + snapshot.publicBytes.length + dataBytes)
  const view = new DataView(out.buffer)
  let at = 0
  view.setUint8(at, nodeSnapshotVersion)
  at += 1
  writeU64(view, at, snapshot.appliedIndex)
  writeU64(view, at + 8, snapshot.appliedTerm)
  at += 16
  at = writeBytes(out, view, at, snapshot.publicBytes)
  switch (data.kind) {
    case 'none':
      view.setUint8(at, KIND_NONE)
      break
    case 'plain':
      view.setUint8(at, KIND_PLAIN)
      at = writeBytes(out, view, at + 1, data.bytes)
      break
    case 'sealed':
      view.setUint8(at, KIND_SEALED)
      view.setUint32(at + 1, data.segments.length)
      at += 5
      for (const segment of data.segments) {
        at = writeBytes(out, view, at, segment.manifest)
        view.setUint32(at, segment.chunks.length)
        at += 4
        for (const chunk of segment.chunks) at = writeBytes(out, view, at, chunk)
      }
      break
  }
  return out
}

/** Decodes a node snapshot; bad bytes throw {@link MalformedOperationError}. */
export function decodeNodeSnapshot(
  bytes: Uint8Array,
  limits: Partial<NodeSnapshotLimits> = {},
): NodeSnapshot {
  const { publicBytesMax, dataBytesMax } = { ...defaultNodeSnapshotLimits, ...limits }
  if (bytes.length < HEADER_BYTES + 1) throw new MalformedOperationError('a node snapshot is truncated')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = view.getUint8(0)
  if (version !== nodeSnapshotVersion)
    throw new MalformedOperationError(`unsupported node snapshot version ${version}`)
  const appliedIndex = readU64(view, 1)
  const appliedTerm = readU64(view, 9)
  const reader = { at: 17 }
  const publicBytes = readBytes(bytes, view, reader, publicBytesMax, 'public part')
  if (reader.at >= bytes.length) throw new MalformedOperationError('a node snapshot lacks its data kind')
  const kind = view.getUint8(reader.at)
  reader.at += 1
  const dataStart = reader.at
  let data: NodeSnapshotData
  if (kind === KIND_NONE) data = { kind: 'none' }
  else if (kind === KIND_PLAIN)
    data = { kind: 'plain', bytes: readBytes(bytes, view, reader, dataBytesMax, 'data part') }
  else if (kind === KIND_SEALED) {
    const segmentCount = readCount(bytes, view, reader, 'segments')
    const segments: SealedSegment[] = []
    for (let s = 0; s < segmentCount; s++) {
      const manifest = readBytes(bytes, view, reader, dataBytesMax, 'manifest')
      const count = readCount(bytes, view, reader, 'chunks')
      const chunks: Uint8Array[] = []
      for (let i = 0; i < count; i++) chunks.push(readBytes(bytes, view, reader, dataBytesMax, 'chunk'))
      segments.push({ manifest, chunks })
    }
    data = { kind: 'sealed', segments }
  } else throw new MalformedOperationError(`unknown node snapshot data kind ${kind}`)
  if (reader.at - dataStart > dataBytesMax)
    throw new MalformedOperationError(`a node snapshot's data part exceeds ${dataBytesMax} bytes`)
  if (reader.at !== bytes.length) throw new MalformedOperationError('bytes follow a node snapshot')
  return { appliedIndex, appliedTerm, publicBytes, data }
}

function writeU64(view: DataView, at: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`a node snapshot index or term is a safe non-negative integer, got ${value}`)
  view.setUint32(at, Math.floor(value / 2 ** 32))
  view.setUint32(at + 4, value % 2 ** 32)
}

function readU64(view: DataView, at: number): number {
  const value = view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4)
  if (!Number.isSafeInteger(value))
    throw new MalformedOperationError('a node snapshot index or term is too large')
  return value
}

function writeBytes(out: Uint8Array, view: DataView, at: number, bytes: Uint8Array): number {
  view.setUint32(at, bytes.length)
  out.set(bytes, at + 4)
  return at + 4 + bytes.length
}

/** A count of items that take at least a 4-byte length each: a larger one is refused before any allocation. */
function readCount(bytes: Uint8Array, view: DataView, reader: { at: number }, what: string): number {
  if (bytes.length - reader.at < 4)
    throw new MalformedOperationError(`a node snapshot lacks its count of ${what}`)
  const count = view.getUint32(reader.at)
  reader.at += 4
  if (count > (bytes.length - reader.at) / 4)
    throw new MalformedOperationError(`a node snapshot claims ${count} ${what} in fewer bytes`)
  return count
}

function readBytes(
  bytes: Uint8Array,
  view: DataView,
  reader: { at: number },
  bytesMax: number,
  what: string,
): Uint8Array {
  if (bytes.length - reader.at < 4)
    throw new MalformedOperationError(`a node snapshot's ${what} is truncated`)
  const length = view.getUint32(reader.at)
  if (length > bytesMax)
    throw new MalformedOperationError(`a node snapshot's ${what} exceeds ${bytesMax} bytes`)
  const start = reader.at + 4
  if (length > bytes.length - start)
    throw new MalformedOperationError(`a node snapshot's ${what} is truncated`)
  reader.at = start + length
  return bytes.subarray(start, start + length)
}
