/**
 * One block device seen as many: the files whose names start with a prefix, with the prefix taken
 * off. Every delta stream keeps its own WAL (so a stream is pruned by compacting or removing its
 * own files) while all streams share one device — one directory on disk, and one `MemoryDevice`
 * in tests, so a single crash image holds every stream at the same instant.
 */
import type { BlockDevice, DeviceFile } from '@tandem/wal/pure'

/**
 * The files of `device` whose names start with `prefix`, named without it. Directory syncs go to
 * the shared device (they make every name durable, which is what each stream's WAL asks for).
 *
 * @example
 * ```ts
 * const stream = new PrefixedDevice(device, 'abc~')
 * await stream.open('wal.meta', { create: true }) // the file 'abc~wal.meta' of `device`
 * ```
 */
export class PrefixedDevice implements BlockDevice {
  readonly #device: BlockDevice
  readonly #prefix: string

  constructor(device: BlockDevice, prefix: string) {
    this.#device = device
    this.#prefix = prefix
  }

  async open(name: string, options: { readonly create: boolean }): Promise<DeviceFile> {
    return this.#device.open(this.#prefix + name, options)
  }

  async list(): Promise<readonly string[]> {
    const names = await this.#device.list()
    return names
      .filter((name) => name.startsWith(this.#prefix))
      .map((name) => name.slice(this.#prefix.length))
  }

  async remove(name: string): Promise<void> {
    await this.#device.remove(this.#prefix + name)
  }

  async rename(from: string, to: string): Promise<void> {
    await this.#device.rename(this.#prefix + from, this.#prefix + to)
  }

  async syncDirectory(): Promise<void> {
    await this.#device.syncDirectory()
  }
}
