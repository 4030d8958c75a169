/**
 * The log's paired assertions fire: each check, fed a deliberately inconsistent state (segments
 * with a gap, an index past the file, a batch that encodes other bytes than counted), throws base's
 * InvariantError, never a WAL operating error.
 */
import { describe, expect, it } from 'vitest'
import type { DeviceFile } from '../src/device/block-device.js'
import {
  checkEncodedBatch,
  checkLiveStart,
  checkRecoveredLog,
  checkWrittenBatch,
} from '../src/log/log-checks.js'
import { Segment } from '../src/log/segment.js'
import { invariant } from './helpers.js'

const HEADER = 32
const FRAME = 100
const noFile = {} as DeviceFile

/** A segment holding `count` frames of FRAME bytes, the first at index `baseIndex`. */
function segment(firstIndex: number, count: number, baseIndex = firstIndex, size?: number): Segment {
  const offsets = Uint32Array.from({ length: count }, (_, i) => HEADER + (baseIndex - firstIndex + i) * FRAME)
  const end = HEADER + (baseIndex - firstIndex + count) * FRAME
  return new Segment(`${firstIndex}.wal`, firstIndex, noFile, size ?? end, offsets, count, baseIndex)
}

describe('the log checks (reopen and group commit)', () => {
  it('accept what recovery produces: one log holding the first index', () => {
    checkRecoveredLog([], 7)
    checkRecoveredLog([segment(1, 10, 4), segment(14, 5), segment(19, 0)], 4)
    checkRecoveredLog([segment(1, 3)], 4) // emptied by compaction: ends just before the first index
  })

  it('refuse segments with a gap, an overlap, a log after its first index or one ending too early', () => {
    expect(invariant(() => checkRecoveredLog([segment(1, 10), segment(12, 5)], 1)).message).toMatch(
      /starts at 12/,
    )
    invariant(() => checkRecoveredLog([segment(1, 10), segment(10, 5)], 1))
    invariant(() => checkRecoveredLog([segment(5, 10)], 3))
    invariant(() => checkRecoveredLog([segment(1, 3)], 9))
    invariant(() => checkRecoveredLog([segment(1, 10), segment(11, 5, 12)], 1))
  })

  it('refuse an index that points past the file, or a file smaller than its header', () => {
    expect(invariant(() => checkRecoveredLog([segment(1, 10, 1, 940)], 1)).message).toMatch(
      /past its end 940/,
    )
    invariant(() => checkRecoveredLog([segment(1, 0, 1, 10)], 1))
  })

  it('pair each group commit: encoded bytes as counted, index and file ending together', () => {
    checkEncodedBatch(4096, 4096)
    invariant(() => checkEncodedBatch(4095, 4096))
    const written = segment(1, 10)
    const end = HEADER + 10 * FRAME
    checkWrittenBatch(written, 10, end, end)
    invariant(() => checkWrittenBatch(written, 10, end - 1, end))
    invariant(() => checkWrittenBatch(written, 11, end, end))
    invariant(() => checkWrittenBatch(written, 10, end + FRAME, end + FRAME))
  })

  it('refuse a wal.meta live start at or after the first index, or inside a header', () => {
    checkLiveStart(null, 5)
    checkLiveStart({ segmentFirstIndex: 1, offset: HEADER }, 5)
    invariant(() => checkLiveStart({ segmentFirstIndex: 5, offset: HEADER }, 5))
    invariant(() => checkLiveStart({ segmentFirstIndex: 1, offset: 8 }, 5))
  })
})
