/**
 * A small file replaced atomically: the new contents go to `<name>.tmp`, which is synced, renamed
 * over `<name>`, and the directory synced. A crash at any point leaves either the old or the new
 * contents under `<name>`, never a mix — the checksum proves which bytes are whole.
 *
 * Format (version 1), little-endian:
 *   0  8  magic "TNDMSTAT"
 *   8  2  format version (1)
 *  10  2  reserved (0)
 *  12  4  payload length
 *  16  4  CRC-32 of the payload
 *  20  4  CRC-32 of bytes 0..20
 *  24  n  payload
 */
import { type Checksum, crc32 } from '../checksum/crc32.js'
import type { BlockDevice } from '../device/block-device.js'
import { StateFileCorruptionError, WalArgumentError } from '../errors.js'
import { viewOf } from '../format/bytes.js'

const MAGIC = new Uint8Array([0x54, 0x4e, 0x44, 0x4d, 0x53, 0x54, 0x41, 0x54])
const VERSION = 1
const HEADER_BYTES = 24

/**
 * Options of a {@link StateFile}.
 *
 * @example
 * ```ts
 * const state = new StateFile(device, 'node.state', { payloadBytesMax: 4096 })
 * ```
 */
export interface StateFileOptions {
  readonly checksum?: Checksum
  /** The largest payload accepted on save and on load (default 1 MiB). */
  readonly payloadBytesMax?: number
}

/**
 * An atomically replaced small file — for hard state (term, vote, commit) and metadata.
 *
 * @example
 * ```ts
 * import { MemoryDevice, StateFile } from '@tandem/wal'
 * const state = new StateFile(new MemoryDevice(), 'node.state')
 * await state.save(new Uint8Array([1, 2, 3]))
 * await state.load() // Uint8Array [1, 2, 3]
 * ```
 */
export class StateFile {
  readonly #checksum: Checksum
  readonly #payloadBytesMax: number
  #saves = 0

  readonly #device: BlockDevice
  constructor(
    device: BlockDevice,
    readonly name: string,
    options: StateFileOptions = {},
  ) {
    this.#device = device
    this.#checksum = options.checksum ?? crc32
    this.#payloadBytesMax = options.payloadBytesMax ?? 1024 * 1024
  }

  /** How many times {@link save} completed on this instance. */
  get saveCount(): number {
    return this.#saves
  }

  /** The temporary name used while saving. */
  get temporaryName(): string {
    return `${this.name}.tmp`
  }

  /**
   * The last saved payload, or `null` when none was ever saved. Removes a leftover temporary file
   * from an interrupted save. Throws {@link StateFileCorruptionError} on damaged bytes.
   */
  async load(): Promise<Uint8Array | null> {
    const names = await this.#device.list()
    if (names.includes(this.temporaryName)) {
      await this.#device.remove(this.temporaryName)
      await this.#device.syncDirectory()
    }
    if (!names.includes(this.name)) return null
    const file = await this.#device.open(this.name, { create: false })
    try {
      const size = await file.size()
      if (size > HEADER_BYTES + this.#payloadBytesMax) {
        throw new StateFileCorruptionError(this.name, `size ${size} exceeds the limit`)
      }
      return this.#decode(await file.read(0, size))
    } finally {
      await file.close()
    }
  }

  /** Durably replaces the contents with `payload` (resolves once the rename is durable). */
  async save(payload: Uint8Array): Promise<void> {
    if (payload.length > this.#payloadBytesMax) {
      throw new WalArgumentError(`state payload of ${payload.length} bytes exceeds ${this.#payloadBytesMax}`)
    }
    const bytes = this.#encode(payload)
    await this.#device.remove(this.temporaryName)
    const file = await this.#device.open(this.temporaryName, { create: true })
    try {
      await file.write(0, bytes)
      await file.sync()
    } finally {
      await file.close()
    }
    await this.#device.rename(this.temporaryName, this.name)
    await this.#device.syncDirectory()
    this.#saves++
  }

  #encode(payload: Uint8Array): Uint8Array {
    const bytes = new Uint8Array(HEADER_BYTES + payload.length)
    const view = viewOf(bytes)
    bytes.set(MAGIC, 0)
    view.setUint16(8, VERSION, true)
    view.setUint32(12, payload.length, true)
    view.setUint32(16, this.#checksum(payload), true)
    view.setUint32(20, this.#checksum(bytes.subarray(0, 20)), true)
    bytes.set(payload, HEADER_BYTES)
    return bytes
  }

  #decode(bytes: Uint8Array): Uint8Array {
    const fail = (reason: string): never => {
      throw new StateFileCorruptionError(this.name, reason)
    }
    if (bytes.length < HEADER_BYTES) fail('file shorter than its header')
    const view = viewOf(bytes)
    if (view.getUint32(20, true) !== this.#checksum(bytes.subarray(0, 20))) fail('header checksum mismatch')
    for (let position = 0; position < MAGIC.length; position++) {
      if (bytes[position] !== MAGIC[position]) fail('bad magic')
    }
    const version = view.getUint16(8, true)
    if (version !== VERSION) fail(`unsupported version ${version}`)
    const length = view.getUint32(12, true)
    if (length > this.#payloadBytesMax) fail(`payload length ${length} exceeds the limit`)
    if (HEADER_BYTES + length !== bytes.length) fail('file length does not match the payload length')
    const payload = bytes.slice(HEADER_BYTES)
    if (view.getUint32(16, true) !== this.#checksum(payload)) fail('payload checksum mismatch')
    return payload
  }
}
