import type { Checksum } from '../checksum/crc32.js'
import { allZero, viewOf } from './bytes.js'
import {
  checkFrame,
  decodeSegmentHeader,
  type FrameProblem,
  isFrameProblem,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
} from './segment-format.js'

/**
 * Damage found while scanning a segment.
 *
 * @example
 * ```ts
 * const report = await wal.verify()
 * for (const segment of report.segments) if (segment.damage) console.log(segment.name, segment.damage.offset)
 * ```
 */
export interface SegmentDamage {
  /**
   * `torn`: the interrupted last write of the log (only ever reported for the last segment) — safe
   * to cut off. `corrupt`: anything else — bytes that were once complete are not what was written.
   */
  readonly kind: 'torn' | 'corrupt'
  /** Byte offset of the first untrusted byte (0 when the segment header itself is bad). */
  readonly offset: number
  readonly reason: string
}

/** The outcome of scanning one segment file. */
export interface SegmentScan {
  /** From the header; `null` when the header is unusable. */
  readonly firstIndex: number | null
  /** Start offsets of the valid records, in order (the first `recordCount` entries are used). */
  readonly offsets: Uint32Array
  readonly recordCount: number
  /** Offset just past the last valid record (where appending continues). */
  readonly validEnd: number
  readonly damage: SegmentDamage | null
}

/**
 * Scans a whole segment file. The rules that tell a torn write from corruption (both assume that a
 * write interrupted by a crash leaves a prefix of its bytes, possibly followed by zeros where the
 * filesystem extended the file without the data):
 *
 * - in the last segment, a header shorter than 24 bytes, a valid header whose payload runs past
 *   the end of the file, or a damaged header followed only by zero bytes, is a torn write;
 * - everything else — a header or payload checksum mismatch with bytes after it, a wrong index,
 *   any damage in a segment that is not the last — is corruption.
 *
 * A single flipped bit therefore always reads as corruption: it leaves the length intact, so the
 * frame is complete and its checksum fails.
 */
export function scanSegment(
  bytes: Uint8Array,
  options: {
    readonly expectedFirstIndex: number
    readonly isLast: boolean
    readonly recordBytesMax: number
    readonly checksum: Checksum
  },
): SegmentScan {
  const { isLast, recordBytesMax, checksum } = options
  const empty = (damage: SegmentDamage): SegmentScan => ({
    firstIndex: null,
    offsets: new Uint32Array(0),
    recordCount: 0,
    validEnd: 0,
    damage,
  })
  if (bytes.length < SEGMENT_HEADER_BYTES || (isLast && allZero(bytes, 0, bytes.length))) {
    return empty({
      kind: isLast ? 'torn' : 'corrupt',
      offset: 0,
      reason: 'segment header is incomplete',
    })
  }
  const header = decodeSegmentHeader(bytes, checksum)
  if ('invalid' in header) return empty({ kind: 'corrupt', offset: 0, reason: header.invalid })
  if (header.firstIndex !== options.expectedFirstIndex) {
    return empty({
      kind: 'corrupt',
      offset: 0,
      reason: `segment header says first index ${header.firstIndex}, its name says ${options.expectedFirstIndex}`,
    })
  }
  const view = viewOf(bytes)
  let offsets = new Uint32Array(Math.max(16, Math.ceil(bytes.length / 1024)))
  let count = 0
  let position = SEGMENT_HEADER_BYTES
  let index = header.firstIndex
  let damage: SegmentDamage | null = null
  while (position < bytes.length) {
    const frame = checkFrame(bytes, view, position, index, recordBytesMax, checksum)
    if (isFrameProblem(frame)) {
      damage = classify(frame, bytes, position, isLast)
      break
    }
    if (count === offsets.length) {
      const grown = new Uint32Array(offsets.length * 2)
      grown.set(offsets)
      offsets = grown
    }
    offsets[count++] = position
    position += RECORD_HEADER_BYTES + frame.length
    index++
  }
  return { firstIndex: header.firstIndex, offsets, recordCount: count, validEnd: position, damage }
}

function classify(problem: FrameProblem, bytes: Uint8Array, offset: number, isLast: boolean): SegmentDamage {
  const corrupt = (reason: string): SegmentDamage => ({ kind: 'corrupt', offset, reason })
  const torn = (reason: string): SegmentDamage =>
    isLast ? { kind: 'torn', offset, reason } : corrupt(`${reason} in a segment that is not the last`)
  switch (problem.kind) {
    case 'incomplete-header':
      return torn('incomplete record header')
    case 'payload-past-end':
      return torn('record payload runs past the end of the file')
    case 'header-checksum':
      return allZero(bytes, offset, bytes.length)
        ? torn('zero-filled tail')
        : corrupt('record header checksum mismatch')
    case 'payload-checksum':
      return corrupt('record payload checksum mismatch')
    case 'invalid':
      return corrupt(problem.reason)
  }
}
