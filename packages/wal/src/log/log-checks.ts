/**
 * Paired assertions of the log (TigerBeetle's habit): what recovery hands to a reopened `Wal` is
 * checked to be one log — segments in order, each continuing the last, starting at or before the
 * first index recorded in `wal.meta` and ending at or after the index before it — and each group
 * commit is checked before its write (the frames fill exactly the bytes counted for them) and after
 * it (the offset index ends where the file does). A failure is a bug in this package, not damage on
 * disk: damage was classified by recovery into typed errors before these run. They throw base's
 * `InvariantError`.
 */
import { assert } from '@tandem/base'
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from '../format/segment-format.js'
import type { LiveStart } from './meta.js'
import type { Segment } from './segment.js'

/** The segments recovery kept form one log that holds `firstIndex` (or ends just before it). */
export function checkRecoveredLog(segments: readonly Segment[], firstIndex: number): void {
  assert(
    Number.isSafeInteger(firstIndex) && firstIndex >= 1,
    `recovered first index ${firstIndex} is not ≥ 1`,
  )
  const head = segments[0]
  if (head === undefined) return
  assert(
    head.firstIndex <= firstIndex,
    `the first segment starts at ${head.firstIndex}, after the first index ${firstIndex}`,
  )
  assert(
    head.baseIndex <= firstIndex,
    `the first segment indexes records from ${head.baseIndex}, after ${firstIndex}`,
  )
  for (let position = 0; position < segments.length; position++) {
    const segment = segments[position] as Segment
    assert(segment.size >= SEGMENT_HEADER_BYTES, `${segment.name} is smaller than its header`)
    assert(segment.baseIndex >= segment.firstIndex, `${segment.name} indexes records before its name`)
    if (segment.recordCount > 0) {
      const firstOffset = segment.offsetOf(segment.baseIndex)
      const lastOffset = segment.offsetOf(segment.lastIndex)
      assert(firstOffset >= SEGMENT_HEADER_BYTES, `${segment.name} indexes a record inside its header`)
      assert(
        lastOffset + RECORD_HEADER_BYTES <= segment.size,
        `${segment.name} indexes a record at byte ${lastOffset}, past its end ${segment.size}`,
      )
    }
    const previous = segments[position - 1]
    if (previous === undefined) continue
    assert(segment.baseIndex === segment.firstIndex, `${segment.name} is not the first but skips records`)
    assert(
      segment.firstIndex === previous.lastIndex + 1,
      `${segment.name} starts at ${segment.firstIndex}, ${previous.name} ends at ${previous.lastIndex}`,
    )
  }
  const tail = segments[segments.length - 1] as Segment
  assert(
    tail.lastIndex + 1 >= firstIndex,
    `the log ends at ${tail.lastIndex}, before the first index ${firstIndex}`,
  )
}

/** Before a group-commit write: the frames encoded fill exactly the bytes counted for them. */
export function checkEncodedBatch(encodedBytes: number, countedBytes: number): void {
  assert(encodedBytes === countedBytes, `a batch encoded ${encodedBytes} bytes, ${countedBytes} were counted`)
}

/**
 * After a group-commit write: the offsets indexed from the records' lengths end where the write
 * ended, and the segment's index and size end with the last record written.
 */
export function checkWrittenBatch(
  segment: Segment,
  lastIndex: number,
  indexedEnd: number,
  writtenEnd: number,
): void {
  assert(
    indexedEnd === writtenEnd,
    `${segment.name}: records indexed to byte ${indexedEnd}, written to ${writtenEnd}`,
  )
  assert(
    segment.lastIndex === lastIndex,
    `${segment.name} indexes through ${segment.lastIndex}, wrote ${lastIndex}`,
  )
  assert(
    segment.size === writtenEnd,
    `${segment.name} is ${segment.size} bytes after a write that ended at ${writtenEnd}`,
  )
}

/** Before `wal.meta` is written: the live start it records lies in a segment before the first index. */
export function checkLiveStart(liveStart: LiveStart | null, firstIndex: number): void {
  if (liveStart === null) return
  assert(
    liveStart.segmentFirstIndex < firstIndex,
    'wal.meta would name a live segment at or after the first index',
  )
  assert(
    liveStart.offset >= SEGMENT_HEADER_BYTES,
    'wal.meta would place the first live record inside a header',
  )
}
