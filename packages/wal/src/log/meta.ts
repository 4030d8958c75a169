/**
 * The log's own metadata, kept in the atomic state file `wal.meta`: the first index still part of
 * the log, and where its record starts when it shares a segment with compacted records. It moves
 * forward only through `compactPrefix`, and is written before any segment is removed, so a crash in
 * the middle of a compaction never brings compacted records back.
 *
 * Why the start offset: `compactPrefix` leaves the compacted records of the first segment on disk
 * until the whole segment is obsolete. Recovery must not depend on those dead bytes — a damaged
 * length field there would otherwise hide where the live records begin. With the offset of the
 * first live record recorded, recovery jumps straight to it; the dead bytes before it are only
 * checked to be reported, never to decide what is live.
 *
 * Payload version 2 (written since issue 14), 32 bytes:
 *   0  1  version (2)
 *   1  7  reserved (0)
 *   8  8  first index of the log
 *  16  8  first index of the segment that holds the record `first index` behind compacted
 *         records, or 0 when there is no such segment (the record starts its own segment, or
 *         the log is empty)
 *  24  4  byte offset of the record `first index` in that segment (0 when the field above is 0)
 *  28  4  reserved (0)
 *
 * Version 1 (16 bytes: version, 7 reserved, u64 first index) is still read: without the offset,
 * recovery walks the compacted records and resynchronises past damaged ones (see `segment-scan`).
 */
import { WalCorruptionError } from '../errors.js'
import { allZero, readU64, viewOf, writeU64 } from '../format/bytes.js'
import { SEGMENT_HEADER_BYTES } from '../format/segment-format.js'

export const META_FILE_NAME = 'wal.meta'
const META_V1_BYTES = 16
const META_V2_BYTES = 32

/** Where the first live record starts, when it follows compacted records in the same segment. */
export interface LiveStart {
  /** First index (and name) of the segment holding the record. */
  readonly segmentFirstIndex: number
  /** Byte offset of that record in the segment. */
  readonly offset: number
}

export interface WalMeta {
  /** 1: the live start is unknown; 2: `liveStart` is exact (`null` = no segment holds compacted records before a live one). */
  readonly version: 1 | 2
  readonly firstIndex: number
  /** `null` when unknown (a version-1 file) or not needed. */
  readonly liveStart: LiveStart | null
}

export function encodeMeta(firstIndex: number, liveStart: LiveStart | null = null): Uint8Array {
  const bytes = new Uint8Array(META_V2_BYTES)
  const view = viewOf(bytes)
  bytes[0] = 2
  writeU64(view, 8, firstIndex)
  if (liveStart) {
    writeU64(view, 16, liveStart.segmentFirstIndex)
    view.setUint32(24, liveStart.offset, true)
  }
  return bytes
}

export function decodeMeta(bytes: Uint8Array): WalMeta {
  const fail = (reason: string): never => {
    throw new WalCorruptionError({ segment: META_FILE_NAME, offset: 0 }, reason)
  }
  const version = bytes[0]
  if (version !== 1 && version !== 2) fail(`unsupported metadata version ${version}`)
  const expectedBytes = version === 1 ? META_V1_BYTES : META_V2_BYTES
  if (bytes.length !== expectedBytes) fail(`metadata is ${bytes.length} bytes, expected ${expectedBytes}`)
  if (!allZero(bytes, 1, 8)) fail('reserved metadata bytes are not zero')
  const view = viewOf(bytes)
  const firstIndex = readU64(view, 8)
  if (firstIndex < 1) fail('metadata first index out of range')
  if (version === 1) return { version, firstIndex, liveStart: null }
  if (!allZero(bytes, 28, 32)) fail('reserved metadata bytes are not zero')
  const segmentFirstIndex = readU64(view, 16)
  const offset = view.getUint32(24, true)
  if (segmentFirstIndex < 0) fail('metadata live segment out of range')
  if (segmentFirstIndex === 0) {
    if (offset !== 0) fail('metadata live offset without a segment')
    return { version: 2, firstIndex, liveStart: null }
  }
  // The segment holds at least one compacted record before the live one.
  if (segmentFirstIndex >= firstIndex) fail('metadata live segment does not precede the first index')
  if (offset < SEGMENT_HEADER_BYTES) fail('metadata live offset inside the segment header')
  return { version: 2, firstIndex, liveStart: { segmentFirstIndex, offset } }
}
