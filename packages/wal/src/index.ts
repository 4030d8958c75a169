/**
 * `@tandem/wal` — a crash-safe segmented write-ahead log with group commit, hard state and
 * snapshot files, and a Raft log storage adapter on top. The format and recovery code run over a
 * small {@link BlockDevice} interface; {@link FileDevice} puts it on a Node filesystem and
 * {@link MemoryDevice} in memory with crash, torn-write and bit-flip injection.
 *
 * @example
 * ```ts
 * import { FileDevice, nodeCrc32, openWal } from '@tandem/wal'
 * const wal = await openWal({ device: await FileDevice.open('./data/wal'), checksum: nodeCrc32 })
 * const { firstIndex } = await wal.append([{ type: 1, payload: new TextEncoder().encode('hi') }])
 * console.log((await wal.read(firstIndex)).payload)
 * await wal.close()
 * ```
 *
 * @packageDocumentation
 */

export { nodeCrc32 } from './checksum/node-crc32.js'
export { FileDevice } from './device/file-device.js'
export * from './pure.js'
