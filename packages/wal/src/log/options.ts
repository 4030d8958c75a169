import type { Clock } from '@tandem/base'
import { systemClock } from '@tandem/base/system'
import { type Checksum, crc32 } from '../checksum/crc32.js'
import type { BlockDevice } from '../device/block-device.js'
import { WalArgumentError } from '../errors.js'
import { isIntegerIn } from '../format/bytes.js'
import { microtaskDefer } from './microtask-defer.js'

/**
 * When appended bytes are synced, and what a crash can lose in each mode:
 *
 * - `always` (default): `append` resolves after the bytes are written and `fdatasync`ed. Neither a
 *   process crash nor a power cut loses an acknowledged record; an append in flight at the crash
 *   may or may not survive (never partly: a torn tail is cut off on open).
 * - `batch`: `append` resolves once the bytes are written to the device (the OS page cache); a
 *   sync runs when `batchBytesMax` unsynced bytes accumulate or `batchIntervalMs` after the first
 *   unsynced write. A process crash loses nothing acknowledged; a power cut can lose the records
 *   acknowledged in the last `batchIntervalMs` (at most about `batchBytesMax` bytes of them).
 * - `none`: like `batch` but never syncs on its own (only on rotation, truncation, `sync()` and
 *   `close()`). A process crash loses nothing acknowledged; a power cut can lose everything the
 *   OS had not written back by itself.
 *
 * In every mode what survives is a prefix of what was appended: no gap, no reordering.
 *
 * @example
 * ```ts
 * const wal = await openWal({ device, syncMode: 'batch', batchIntervalMs: 5 })
 * ```
 */
export type SyncMode = 'always' | 'batch' | 'none'

/**
 * What `open` does with a checksum or structure failure that is not a torn write at the tail:
 * `refuse` (default) throws `WalCorruptionError` naming the segment and offset; `truncate` cuts
 * the log at the bad record and reports exactly what it dropped in the recovery report.
 *
 * @example
 * ```ts
 * const wal = await openWal({ device, corruptionPolicy: 'truncate' })
 * console.log(wal.recovery.corruptionDropped)
 * ```
 */
export type CorruptionPolicy = 'refuse' | 'truncate'

/**
 * Options of {@link openWal}.
 *
 * @example
 * ```ts
 * const options: WalOptions = { device: new MemoryDevice(), segmentBytesMax: 8 << 20, syncMode: 'always' }
 * const wal = await openWal(options)
 * ```
 */
export interface WalOptions {
  readonly device: BlockDevice
  /** CRC-32 (IEEE) implementation; default the pure {@link crc32}. Pass `nodeCrc32` on Node for speed. */
  readonly checksum?: Checksum
  /** Rotate to a new segment once the active one would grow past this (default 64 MiB; 4 KiB..1 GiB). */
  readonly segmentBytesMax?: number
  /** The largest payload accepted (default 16 MiB; at most 256 MiB). Enforced on append and on read. */
  readonly recordBytesMax?: number
  readonly syncMode?: SyncMode
  /** `batch` mode: sync at most this long after the first unsynced write (default 10 ms). */
  readonly batchIntervalMs?: number
  /** `batch` mode: sync once this many bytes are unsynced (default 1 MiB). */
  readonly batchBytesMax?: number
  /** Largest single group-commit write (default 8 MiB); larger queues are written in several. */
  readonly writeBytesMax?: number
  readonly corruptionPolicy?: CorruptionPolicy
  /** Index of the first record of a brand-new empty log (default 1). Ignored when the log exists. */
  readonly firstIndex?: number
  /**
   * Starts a group-commit flush once the current synchronous work is done, so that callers that
   * append in the same tick share it (default `queueMicrotask`). The simulator may inject its own.
   */
  readonly defer?: (run: () => void) => void
  /**
   * The clock whose timers schedule `batch` mode's syncs (default base's `systemClock()`); the
   * simulator and tests pass a manual one.
   */
  readonly clock?: Clock
}

/** {@link WalOptions} with every default filled in and checked. */
export interface ResolvedWalOptions {
  readonly device: BlockDevice
  readonly checksum: Checksum
  readonly segmentBytesMax: number
  readonly recordBytesMax: number
  readonly syncMode: SyncMode
  readonly batchIntervalMs: number
  readonly batchBytesMax: number
  readonly writeBytesMax: number
  readonly corruptionPolicy: CorruptionPolicy
  readonly firstIndex: number
  readonly defer: (run: () => void) => void
  readonly clock: Clock
}

const MIB = 1024 * 1024

/** Fills in defaults and rejects out-of-range options with a reason. */
export function resolveWalOptions(options: WalOptions): ResolvedWalOptions {
  const resolved: ResolvedWalOptions = {
    device: options.device,
    checksum: options.checksum ?? crc32,
    segmentBytesMax: options.segmentBytesMax ?? 64 * MIB,
    recordBytesMax: options.recordBytesMax ?? 16 * MIB,
    syncMode: options.syncMode ?? 'always',
    batchIntervalMs: options.batchIntervalMs ?? 10,
    batchBytesMax: options.batchBytesMax ?? MIB,
    writeBytesMax: options.writeBytesMax ?? 8 * MIB,
    corruptionPolicy: options.corruptionPolicy ?? 'refuse',
    firstIndex: options.firstIndex ?? 1,
    defer: options.defer ?? microtaskDefer,
    clock: options.clock ?? systemClock(),
  }
  const checks: Array<[boolean, string]> = [
    [isIntegerIn(resolved.segmentBytesMax, 4096, 1024 * MIB), 'segmentBytesMax must be 4 KiB..1 GiB'],
    [isIntegerIn(resolved.recordBytesMax, 0, 256 * MIB), 'recordBytesMax must be 0..256 MiB'],
    [isIntegerIn(resolved.writeBytesMax, 1, 256 * MIB), 'writeBytesMax must be 1 B..256 MiB'],
    [isIntegerIn(resolved.batchIntervalMs, 0, 3_600_000), 'batchIntervalMs must be 0..3600000'],
    [isIntegerIn(resolved.batchBytesMax, 1, 1024 * MIB), 'batchBytesMax must be 1 B..1 GiB'],
    [isIntegerIn(resolved.firstIndex, 1, Number.MAX_SAFE_INTEGER - 1), 'firstIndex must be ≥ 1'],
    [['always', 'batch', 'none'].includes(resolved.syncMode), 'syncMode must be always, batch or none'],
    [
      ['refuse', 'truncate'].includes(resolved.corruptionPolicy),
      'corruptionPolicy must be refuse or truncate',
    ],
  ]
  for (const [ok, reason] of checks) if (!ok) throw new WalArgumentError(reason)
  return resolved
}
