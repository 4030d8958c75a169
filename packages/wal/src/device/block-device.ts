/**
 * The block-device interface the WAL, the state file and the snapshot store are written against.
 * It is deliberately small — one flat directory of named files — so that a filesystem, an
 * in-memory fault injector or a simulator's disk can all provide it.
 *
 * Durability contract (what the format code relies on):
 * - `DeviceFile.write` is durable only after `DeviceFile.sync` resolves.
 * - Creating, renaming and removing a file is durable only after `BlockDevice.syncDirectory`
 *   resolves; syncing a file does not make its name durable.
 * - A write interrupted by a crash may leave any prefix of its bytes.
 *
 * @example
 * ```ts
 * const device: BlockDevice = new MemoryDevice() // or await FileDevice.open(dir)
 * const file = await device.open('x', { create: true })
 * await file.write(0, new Uint8Array([1]))
 * await file.sync()
 * await device.syncDirectory()
 * ```
 */
export interface BlockDevice {
  /** Opens a file by name; with `create: true` an absent file is created empty. */
  open(name: string, options: { readonly create: boolean }): Promise<DeviceFile>
  /** The names of the files present, in no particular order. */
  list(): Promise<readonly string[]>
  /** Removes a file (no error when it is already absent). */
  remove(name: string): Promise<void>
  /** Atomically replaces `to` (if present) with `from`. */
  rename(from: string, to: string): Promise<void>
  /** Makes every earlier create, rename and remove durable. */
  syncDirectory(): Promise<void>
}

/**
 * An open file of a {@link BlockDevice}.
 *
 * @example
 * ```ts
 * const file: DeviceFile = await device.open('00000000000000000001.wal', { create: false })
 * const head = await file.read(0, 32)
 * ```
 */
export interface DeviceFile {
  readonly name: string
  /** The current size in bytes. */
  size(): Promise<number>
  /** Reads up to `length` bytes at `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>
  /**
   * Writes `bytes` at `offset`, extending the file when it goes past the end. The device must not
   * keep a reference to `bytes` once the returned promise settles (callers reuse the buffer).
   */
  write(offset: number, bytes: Uint8Array): Promise<void>
  /** Makes every earlier write and truncate of this file durable (fdatasync). */
  sync(): Promise<void>
  /** Cuts the file to `size` bytes. */
  truncate(size: number): Promise<void>
  close(): Promise<void>
}
