/**
 * The snapshot policy: a snapshot once the log since the last one exceeds max(floor, 2 × the last
 * snapshot's size).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultSnapshotLogBytesMin,
  defaultSnapshotSizeFactor,
  SnapshotPolicy,
} from '../src/compose/snapshot-policy.js'

const MiB = 1024 * 1024

describe('SnapshotPolicy', () => {
  it('defaults to the design: max(64 MiB, 2 × the last snapshot)', () => {
    const policy = new SnapshotPolicy()
    expect(defaultSnapshotLogBytesMin).toBe(64 * MiB)
    expect(defaultSnapshotSizeFactor).toBe(2)
    expect(policy.due(64 * MiB)).toBe(false)
    expect(policy.due(64 * MiB + 1)).toBe(true)
    policy.recordSnapshot(10 * MiB)
    expect(policy.thresholdBytes).toBe(64 * MiB)
    policy.recordSnapshot(100 * MiB)
    expect(policy.thresholdBytes).toBe(200 * MiB)
    expect(policy.due(200 * MiB)).toBe(false)
    expect(policy.due(200 * MiB + 1)).toBe(true)
  })

  it('takes small thresholds for tests, and the last snapshot size replaces the earlier one', () => {
    const policy = new SnapshotPolicy({ logBytesMin: 1000 })
    expect(policy.due(1001)).toBe(true)
    policy.recordSnapshot(4000)
    expect(policy.due(8000)).toBe(false)
    expect(policy.due(8001)).toBe(true)
    policy.recordSnapshot(100)
    expect(policy.lastSnapshotBytes).toBe(100)
    expect(policy.due(1001)).toBe(true)
  })

  it('is due exactly above max(floor, factor × last size)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 2 ** 42 }),
        (floor, factor, last, log) => {
          const policy = new SnapshotPolicy({ logBytesMin: floor, sizeFactor: factor })
          policy.recordSnapshot(last)
          expect(policy.due(log)).toBe(log > Math.max(floor, factor * last))
        },
      ),
      { seed: 12 },
    )
  })

  it('refuses nonsensical thresholds and sizes', () => {
    expect(() => new SnapshotPolicy({ logBytesMin: 0 })).toThrow(RangeError)
    expect(() => new SnapshotPolicy({ logBytesMin: 1.5 })).toThrow(RangeError)
    expect(() => new SnapshotPolicy({ sizeFactor: -1 })).toThrow(RangeError)
    expect(() => new SnapshotPolicy({ sizeFactor: Number.NaN })).toThrow(RangeError)
    expect(() => new SnapshotPolicy().recordSnapshot(-1)).toThrow(RangeError)
  })
})
