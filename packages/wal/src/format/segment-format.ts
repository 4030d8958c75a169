/**
 * The segment file format (version 1). All integers are little-endian. See the package README for
 * the byte-by-byte table.
 *
 * Segment header, 32 bytes:
 *   0  8  magic "TNDMWAL\0"
 *   8  2  format version (1)
 *  10  2  header length (32)
 *  12  4  flags (0)
 *  16  8  index of the segment's first record (also the file name)
 *  24  4  reserved (0)
 *  28  4  CRC-32 of bytes 0..28
 *
 * Record frame, 24 bytes + payload:
 *   0  4  payload length
 *   4  4  CRC-32 of the payload
 *   8  1  record type (0..255, the caller's)
 *   9  3  reserved (0)
 *  12  8  record index
 *  20  4  CRC-32 of bytes 0..20 (the header checksum)
 *  24  n  payload
 *
 * The header has its own checksum so that a damaged length is always caught as damage, never
 * taken as a record that runs past the end of the file (which would look like a torn write).
 */
import { type Checksum, crc32Range } from '../checksum/crc32.js'
import { readU64, viewOf, writeU64 } from './bytes.js'

export const SEGMENT_MAGIC = new Uint8Array([0x54, 0x4e, 0x44, 0x4d, 0x57, 0x41, 0x4c, 0x00])
export const SEGMENT_FORMAT_VERSION = 1
export const SEGMENT_HEADER_BYTES = 32
export const RECORD_HEADER_BYTES = 24
/** The largest payload the format can describe; options narrow it further. */
export const RECORD_PAYLOAD_BYTES_LIMIT = 0x7fff_ffff

const SEGMENT_NAME_PATTERN = /^(\d{20})\.wal$/

/** The file name of the segment whose first record has `firstIndex`: 20 digits, zero-padded. */
export function segmentName(firstIndex: number): string {
  return `${String(firstIndex).padStart(20, '0')}.wal`
}

/** The first index encoded in a segment file name, or `null` when `name` is not a segment. */
export function parseSegmentName(name: string): number | null {
  const match = SEGMENT_NAME_PATTERN.exec(name)
  if (!match) return null
  const value = Number(match[1])
  return Number.isSafeInteger(value) ? value : null
}

/** Encodes a segment header. */
export function encodeSegmentHeader(firstIndex: number, checksum: Checksum): Uint8Array {
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES)
  const view = viewOf(bytes)
  bytes.set(SEGMENT_MAGIC, 0)
  view.setUint16(8, SEGMENT_FORMAT_VERSION, true)
  view.setUint16(10, SEGMENT_HEADER_BYTES, true)
  writeU64(view, 16, firstIndex)
  view.setUint32(28, checksum(bytes.subarray(0, 28)), true)
  return bytes
}

/** Decodes a segment header: its first index, or the reason it is invalid. */
export function decodeSegmentHeader(
  bytes: Uint8Array,
  checksum: Checksum,
): { readonly firstIndex: number } | { readonly invalid: string } {
  if (bytes.length < SEGMENT_HEADER_BYTES) return { invalid: 'segment header is incomplete' }
  const view = viewOf(bytes)
  if (view.getUint32(28, true) !== checksum(bytes.subarray(0, 28))) {
    return { invalid: 'segment header checksum mismatch' }
  }
  for (let position = 0; position < SEGMENT_MAGIC.length; position++) {
    if (bytes[position] !== SEGMENT_MAGIC[position])
      return { invalid: 'not a Tandem WAL segment (bad magic)' }
  }
  const version = view.getUint16(8, true)
  if (version !== SEGMENT_FORMAT_VERSION) return { invalid: `unsupported segment format version ${version}` }
  if (view.getUint16(10, true) !== SEGMENT_HEADER_BYTES)
    return { invalid: 'unexpected segment header length' }
  if (view.getUint32(12, true) !== 0 || view.getUint32(24, true) !== 0) {
    return { invalid: 'unknown segment header flags' }
  }
  const firstIndex = readU64(view, 16)
  if (firstIndex < 1) return { invalid: 'segment first index out of range' }
  return { firstIndex }
}

/**
 * A record as the caller hands it to `append`.
 *
 * @example
 * ```ts
 * const record: WalRecord = { type: 1, payload: new Uint8Array([1, 2, 3]) }
 * await wal.append([record])
 * ```
 */
export interface WalRecord {
  /** The caller's record type, 0..255. */
  readonly type: number
  readonly payload: Uint8Array
}

/**
 * A record as read back, with the index the log gave it.
 *
 * @example
 * ```ts
 * const { index, type, payload }: StoredRecord = await wal.read(1)
 * ```
 */
export interface StoredRecord extends WalRecord {
  readonly index: number
}

/** The number of bytes `records` take once framed. */
export function framedBytes(records: readonly WalRecord[]): number {
  let total = 0
  for (const record of records) total += RECORD_HEADER_BYTES + record.payload.length
  return total
}

/**
 * Frames `records` (indices `firstIndex`, `firstIndex + 1`, ...) into `target` at `offset` and
 * returns the offset just past the last frame. `view` (a DataView over `target`) can be passed in
 * by a caller that frames several groups into one buffer.
 */
export function encodeRecords(
  records: readonly WalRecord[],
  firstIndex: number,
  target: Uint8Array,
  offset: number,
  checksum: Checksum,
  view: DataView = viewOf(target),
): number {
  let position = offset
  let index = firstIndex
  for (const record of records) {
    const length = record.payload.length
    view.setUint32(position, length, true)
    view.setUint32(position + 4, checksum(record.payload), true)
    view.setUint32(position + 8, record.type & 0xff, true)
    writeU64(view, position + 12, index)
    view.setUint32(position + 20, crc32Range(target, position, position + 20), true)
    target.set(record.payload, position + RECORD_HEADER_BYTES)
    position += RECORD_HEADER_BYTES + length
    index++
  }
  return position
}

/** What is wrong with the frame at some offset. */
export type FrameProblem =
  | { readonly kind: 'incomplete-header' }
  | { readonly kind: 'header-checksum' }
  | { readonly kind: 'payload-past-end'; readonly length: number }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'payload-checksum' }

/** One decoded frame header (the payload is `bytes[offset + 24, offset + 24 + length)`). */
export interface FrameHeader {
  readonly length: number
  readonly type: number
  readonly index: number
}

/**
 * Checks the frame at `offset` of `bytes` (which ends at `bytes.length`): its header checksum,
 * fields, expected index and payload checksum.
 */
export function checkFrame(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  expectedIndex: number,
  recordBytesMax: number,
  checksum: Checksum,
): FrameHeader | FrameProblem {
  if (bytes.length - offset < RECORD_HEADER_BYTES) return { kind: 'incomplete-header' }
  // Record headers are checked with the table-driven CRC-32 in place (same function as any
  // injected one): a native call per 20-byte header would cost more than the CRC itself.
  if (view.getUint32(offset + 20, true) !== crc32Range(bytes, offset, offset + 20)) {
    return { kind: 'header-checksum' }
  }
  const length = view.getUint32(offset, true)
  const typeWord = view.getUint32(offset + 8, true)
  const index = readU64(view, offset + 12)
  if (typeWord > 0xff) return { kind: 'invalid', reason: 'reserved record header bytes are not zero' }
  if (length > recordBytesMax) {
    return { kind: 'invalid', reason: `record length ${length} exceeds the limit ${recordBytesMax}` }
  }
  if (index !== expectedIndex)
    return { kind: 'invalid', reason: `record index ${index}, expected ${expectedIndex}` }
  const end = offset + RECORD_HEADER_BYTES + length
  if (end > bytes.length) return { kind: 'payload-past-end', length }
  if (view.getUint32(offset + 4, true) !== checksum(bytes.subarray(offset + RECORD_HEADER_BYTES, end))) {
    return { kind: 'payload-checksum' }
  }
  return { length, type: typeWord, index }
}

/** Whether a {@link checkFrame} result is a problem. */
export function isFrameProblem(result: FrameHeader | FrameProblem): result is FrameProblem {
  return 'kind' in result
}
