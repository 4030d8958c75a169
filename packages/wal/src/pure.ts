/**
 * Everything of `@tandem/wal` that imports no Node built-in: the format, recovery, the memory
 * device, the state file, snapshots and the Raft adapter. Import `@tandem/wal/pure` where
 * `node:fs` and `node:zlib` do not exist (browsers, the simulator).
 *
 * @example
 * ```ts
 * import { MemoryDevice, openWal } from '@tandem/wal/pure'
 * const wal = await openWal({ device: new MemoryDevice() })
 * ```
 *
 * @packageDocumentation
 */
export { type Checksum, crc32 } from './checksum/crc32.js'
export type { BlockDevice, DeviceFile } from './device/block-device.js'
export { type CrashOptions, MemoryDevice, type MemoryDeviceOptions } from './device/memory-device.js'
export {
  DeviceCrashedError,
  type DiskLocation,
  RecordDecodeError,
  SnapshotCorruptionError,
  StateFileCorruptionError,
  WalArgumentError,
  WalClosedError,
  WalCommittedEntriesLostError,
  WalCorruptionError,
  WalFailedError,
} from './errors.js'
export type { StoredRecord, WalRecord } from './format/segment-format.js'
export type { CompactedRegionScan, SegmentDamage } from './format/segment-scan.js'
export type { CorruptionPolicy, SyncMode, WalOptions } from './log/options.js'
export type { CompactedRegion, CorruptionDrop, RecoveryReport } from './log/recovery.js'
export { type AppendResult, openWal, type VerifyReport, Wal, type WalStats } from './log/wal.js'
export { RAFT_STATE_FILE_NAME, WalLogStorage, type WalLogStorageOptions } from './raft/wal-log-storage.js'
export {
  type SnapshotDescriptor,
  type SnapshotInfo,
  SnapshotReader,
  SnapshotStore,
  type SnapshotStoreOptions,
  SnapshotWriter,
} from './snapshot/snapshot-store.js'
export { StateFile, type StateFileOptions } from './state/state-file.js'
