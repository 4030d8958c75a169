import type { FileHandle } from 'node:fs/promises'
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { WalArgumentError } from '../errors.js'
import type { BlockDevice, DeviceFile } from './block-device.js'

/**
 * A {@link BlockDevice} over one directory of the local filesystem (`node:fs/promises`): `sync` is
 * `fdatasync`, `syncDirectory` opens the directory and `fsync`s it, which is what makes a create,
 * rename or unlink durable on Linux.
 *
 * @example
 * ```ts
 * import { FileDevice, openWal, nodeCrc32 } from '@tandem/wal'
 * const device = await FileDevice.open('/var/lib/app/wal')
 * const wal = await openWal({ device, checksum: nodeCrc32 })
 * ```
 */
export class FileDevice implements BlockDevice {
  private constructor(readonly directory: string) {}

  /** Opens (creating if needed) the directory `directory`. */
  static async open(directory: string): Promise<FileDevice> {
    await mkdir(directory, { recursive: true })
    return new FileDevice(directory)
  }

  async open(name: string, options: { readonly create: boolean }): Promise<DeviceFile> {
    checkName(name)
    const path = join(this.directory, name)
    let handle: FileHandle
    try {
      handle = await open(path, 'r+')
    } catch (error) {
      if (!options.create || !isMissing(error)) throw error
      try {
        handle = await open(path, 'wx+')
      } catch (raceError) {
        // Another opener created it between our two calls: open what is there.
        if ((raceError as NodeJS.ErrnoException).code !== 'EEXIST') throw raceError
        handle = await open(path, 'r+')
      }
    }
    return new FsFile(name, handle)
  }

  async list(): Promise<readonly string[]> {
    const entries = await readdir(this.directory, { withFileTypes: true })
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name)
  }

  async remove(name: string): Promise<void> {
    checkName(name)
    try {
      await unlink(join(this.directory, name))
    } catch (error) {
      if (!isMissing(error)) throw error
    }
  }

  async rename(from: string, to: string): Promise<void> {
    checkName(from)
    checkName(to)
    await rename(join(this.directory, from), join(this.directory, to))
  }

  async syncDirectory(): Promise<void> {
    const handle = await open(this.directory, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

/** Names come from our own code, but a path separator would escape the directory: refuse it. */
function checkName(name: string): void {
  if (name.length === 0 || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw new WalArgumentError(`invalid file name: ${JSON.stringify(name)}`)
  }
}

class FsFile implements DeviceFile {
  readonly #handle: FileHandle
  constructor(
    readonly name: string,
    handle: FileHandle,
  ) {
    this.#handle = handle
  }

  async size(): Promise<number> {
    return (await this.#handle.stat()).size
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      const { bytesRead } = await this.#handle.read(buffer, filled, length - filled, offset + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return filled === length ? buffer : buffer.subarray(0, filled)
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    let written = 0
    while (written < bytes.length) {
      const result = await this.#handle.write(bytes, written, bytes.length - written, offset + written)
      written += result.bytesWritten
    }
  }

  async sync(): Promise<void> {
    await this.#handle.datasync()
  }

  async truncate(size: number): Promise<void> {
    await this.#handle.truncate(size)
  }

  async close(): Promise<void> {
    await this.#handle.close()
  }
}
