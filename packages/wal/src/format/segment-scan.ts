import type { Checksum } from '../checksum/crc32.js'
import { allZero, readU64, viewOf } from './bytes.js'
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

/**
 * What a scan found below the log's first index in a segment that still holds compacted records.
 * Those records are dead: nothing here ever decides what is live, it is reported so that damage in
 * them is seen.
 *
 * @example
 * ```ts
 * const compacted = wal.recovery.compacted
 * if (compacted?.damage) console.warn('damage in compacted records (no live record lost)', compacted)
 * ```
 */
export interface CompactedRegionScan {
  /** Bytes from the segment start to the first live record (or to the end of the segment). */
  readonly bytes: number
  /** Compacted records whose header and payload checked. */
  readonly recordsIntact: number
  /** Compacted records found damaged or stepped over while resynchronising. */
  readonly recordsDamaged: number
  /** The first damage found there (the segment header counts), or `null`. */
  readonly damage: SegmentDamage | null
}

/** The outcome of scanning one segment file. */
export interface SegmentScan {
  /** From the header (or the name, when the header is damaged but only compacted records precede the live ones); `null` when the header is unusable. */
  readonly firstIndex: number | null
  /** The index of the record at `offsets[0]`: the first index, or the first live one when compacted records precede it. */
  readonly baseIndex: number
  /** Start offsets of the valid records from `baseIndex` on, in order (the first `recordCount` entries are used). */
  readonly offsets: Uint32Array
  readonly recordCount: number
  /** Offset just past the last valid record (where appending continues). */
  readonly validEnd: number
  readonly damage: SegmentDamage | null
  /** Present when the segment starts below `firstLiveIndex`. */
  readonly compacted: CompactedRegionScan | null
}

/** Options of {@link scanSegment}. */
export interface ScanOptions {
  /** The first index the segment's name gives. */
  readonly expectedFirstIndex: number
  readonly isLast: boolean
  readonly recordBytesMax: number
  readonly checksum: Checksum
  /** The log's first index: records below it were compacted and are dead (default: none are). */
  readonly firstLiveIndex?: number
  /**
   * Where the record `firstLiveIndex` starts, when `wal.meta` knows it (written by `compactPrefix`).
   * Then the compacted bytes before it are never needed to find the live records.
   */
  readonly liveOffset?: number
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
 *
 * Compacted records (below `firstLiveIndex`, left in the first segment by `compactPrefix`) are dead,
 * and damage to them never costs a live record:
 *
 * - with `liveOffset` (known from `wal.meta`), the live scan starts there, whatever the bytes
 *   before it hold; those bytes (segment header included) are walked only to report damage;
 * - without it (a version-1 `wal.meta`), the compacted records are walked from the segment header:
 *   a record whose header checks but whose payload does not is stepped over by its length; a
 *   record whose header does not check (its length is untrusted) is resynchronised past — the
 *   scan moves to the next offset holding a header that checks, with an index above the damaged
 *   one and at most `firstLiveIndex` (and, below `firstLiveIndex`, a payload that checks too). The
 *   live scan starts where the walk reaches `firstLiveIndex`. Only when no such header follows
 *   (the damage reaches the live records, or the segment ends first) is it corruption, reported at
 *   the first damaged compacted byte.
 *
 * In both cases the live records are then scanned by the rules above: a cut can only land at or
 * after the first live record.
 */
export function scanSegment(bytes: Uint8Array, options: ScanOptions): SegmentScan {
  const { isLast, recordBytesMax, checksum, expectedFirstIndex } = options
  const firstLiveIndex = options.firstLiveIndex ?? expectedFirstIndex
  const holdsCompacted = firstLiveIndex > expectedFirstIndex
  const empty = (damage: SegmentDamage): SegmentScan => ({
    firstIndex: null,
    baseIndex: expectedFirstIndex,
    offsets: new Uint32Array(0),
    recordCount: 0,
    validEnd: 0,
    damage,
    compacted: null,
  })
  const view = viewOf(bytes)
  let position = SEGMENT_HEADER_BYTES
  let index = expectedFirstIndex
  let compacted: CompactedRegionScan | null = null
  if (!holdsCompacted) {
    if (bytes.length < SEGMENT_HEADER_BYTES || (isLast && allZero(bytes, 0, bytes.length))) {
      return empty({
        kind: isLast ? 'torn' : 'corrupt',
        offset: 0,
        reason: 'segment header is incomplete',
      })
    }
    const problem = headerProblem(bytes, expectedFirstIndex, checksum)
    if (problem) return empty({ kind: 'corrupt', offset: 0, reason: problem })
  } else {
    const headerDamage = headerProblem(bytes, expectedFirstIndex, checksum)
    const liveOffset = options.liveOffset
    const end = liveOffset === undefined ? bytes.length : Math.min(liveOffset, bytes.length)
    const walk = walkCompacted(
      bytes.subarray(0, end),
      expectedFirstIndex,
      firstLiveIndex,
      recordBytesMax,
      checksum,
    )
    const misplaced: SegmentDamage | null =
      liveOffset !== undefined && (walk.position !== end || walk.index !== firstLiveIndex)
        ? {
            kind: 'corrupt',
            offset: walk.position,
            reason: `compacted records end at byte ${walk.position} (index ${walk.index}), wal.meta says index ${firstLiveIndex} starts at byte ${liveOffset}`,
          }
        : null
    const damage: SegmentDamage | null = headerDamage
      ? { kind: 'corrupt', offset: 0, reason: headerDamage }
      : (walk.damage ?? misplaced)
    compacted = {
      bytes: liveOffset === undefined ? walk.position : end,
      recordsIntact: walk.recordsIntact,
      recordsDamaged: walk.recordsDamaged,
      damage,
    }
    if (liveOffset !== undefined) {
      if (liveOffset > bytes.length) {
        return {
          ...empty({
            kind: 'corrupt',
            offset: bytes.length,
            reason: `segment ends at byte ${bytes.length}, before its first live record (index ${firstLiveIndex} at byte ${liveOffset})`,
          }),
          firstIndex: expectedFirstIndex,
          baseIndex: firstLiveIndex,
          validEnd: bytes.length,
          compacted,
        }
      }
      position = liveOffset
      index = firstLiveIndex
    } else if (walk.lost) {
      // The damage reaches past every header that could resynchronise the walk: the live records
      // (if any) cannot be found, so nothing after the first damaged compacted byte is trusted.
      const offset = Math.min(Math.max((damage as SegmentDamage).offset, SEGMENT_HEADER_BYTES), bytes.length)
      return {
        ...empty({
          kind: 'corrupt',
          offset,
          reason: `compacted records damaged and no record up to index ${firstLiveIndex} follows: ${(damage as SegmentDamage).reason}`,
        }),
        firstIndex: expectedFirstIndex,
        baseIndex: firstLiveIndex,
        validEnd: offset,
        compacted,
      }
    } else {
      position = walk.position
      index = walk.index
    }
  }
  const baseIndex = index
  let offsets = new Uint32Array(Math.max(16, Math.ceil((bytes.length - position) / 1024)))
  let count = 0
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
  return {
    firstIndex: expectedFirstIndex,
    baseIndex,
    offsets,
    recordCount: count,
    validEnd: position,
    damage,
    compacted,
  }
}

function headerProblem(bytes: Uint8Array, expectedFirstIndex: number, checksum: Checksum): string | null {
  const header = decodeSegmentHeader(bytes, checksum)
  if ('invalid' in header) return header.invalid
  if (header.firstIndex !== expectedFirstIndex) {
    return `segment header says first index ${header.firstIndex}, its name says ${expectedFirstIndex}`
  }
  return null
}

interface CompactedWalk {
  /** Where the walk stopped: the record `index`, or the end of the bytes. */
  readonly position: number
  readonly index: number
  readonly recordsIntact: number
  readonly recordsDamaged: number
  readonly damage: SegmentDamage | null
  /** Damage with no resynchronisation point after it. */
  readonly lost: boolean
}

/**
 * Walks the compacted records of `bytes` (the segment, cut where the walk must stop) from the
 * segment header up to the record `firstLiveIndex`, stepping over and resynchronising past damage
 * (see {@link scanSegment}).
 */
function walkCompacted(
  bytes: Uint8Array,
  firstIndex: number,
  firstLiveIndex: number,
  recordBytesMax: number,
  checksum: Checksum,
): CompactedWalk {
  if (bytes.length < SEGMENT_HEADER_BYTES) {
    const damage: SegmentDamage = { kind: 'corrupt', offset: 0, reason: 'segment header is incomplete' }
    return { position: 0, index: firstIndex, recordsIntact: 0, recordsDamaged: 0, damage, lost: true }
  }
  const view = viewOf(bytes)
  let position = SEGMENT_HEADER_BYTES
  let index = firstIndex
  let recordsIntact = 0
  let recordsDamaged = 0
  let damage: SegmentDamage | null = null
  while (index < firstLiveIndex && position < bytes.length) {
    const frame = checkFrame(bytes, view, position, index, recordBytesMax, checksum)
    if (!isFrameProblem(frame)) {
      recordsIntact++
      position += RECORD_HEADER_BYTES + frame.length
      index++
      continue
    }
    damage ??= { kind: 'corrupt', offset: position, reason: `compacted record ${index}: ${describe(frame)}` }
    if (frame.kind === 'payload-checksum') {
      // The header checked, so its length is right: the next record starts after the payload.
      recordsDamaged++
      position += RECORD_HEADER_BYTES + view.getUint32(position, true)
      index++
      continue
    }
    const next = resynchronise(bytes, view, position, index + 1, firstLiveIndex, recordBytesMax, checksum)
    if (!next) return { position, index, recordsIntact, recordsDamaged, damage, lost: true }
    recordsDamaged += next.index - index
    position = next.position
    index = next.index
  }
  return { position, index, recordsIntact, recordsDamaged, damage, lost: false }
}

/**
 * The first offset at or after `from` holding a record header that checks, with an index in
 * `[low, high]`, a valid type and length — and, below `high` (a compacted record, which must be
 * whole), a payload that checks. The index filter runs first: random bytes almost never hold an
 * index in that narrow range, so the header checksum is computed at few offsets.
 */
function resynchronise(
  bytes: Uint8Array,
  view: DataView,
  from: number,
  low: number,
  high: number,
  recordBytesMax: number,
  checksum: Checksum,
): { readonly position: number; readonly index: number } | null {
  for (let position = from; position + RECORD_HEADER_BYTES <= bytes.length; position++) {
    const index = readU64(view, position + 12)
    if (index < low || index > high) continue
    const frame = checkFrame(bytes, view, position, index, recordBytesMax, checksum)
    if (!isFrameProblem(frame)) return { position, index }
    // The first live record is judged by the live scan (it may be torn or damaged).
    if (index === high && (frame.kind === 'payload-past-end' || frame.kind === 'payload-checksum')) {
      return { position, index }
    }
  }
  return null
}

function describe(problem: FrameProblem): string {
  switch (problem.kind) {
    case 'incomplete-header':
      return 'incomplete record header'
    case 'payload-past-end':
      return 'record payload runs past the end'
    case 'header-checksum':
      return 'record header checksum mismatch'
    case 'payload-checksum':
      return 'record payload checksum mismatch'
    case 'invalid':
      return problem.reason
  }
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
