import { DeviceCrashedError, WalArgumentError } from '../errors.js'
import type { BlockDevice, DeviceFile } from './block-device.js'

/** A byte buffer that grows by doubling; bytes past `length` are always zero. */
class GrowableBytes {
  bytes: Uint8Array
  length: number
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.bytes = new Uint8Array(Math.max(64, initial.length))
    this.bytes.set(initial)
    this.length = initial.length
  }
  write(offset: number, data: Uint8Array): void {
    const end = offset + data.length
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2))
      grown.set(this.bytes.subarray(0, this.length))
      this.bytes = grown
    }
    this.bytes.set(data, offset)
    if (end > this.length) this.length = end
  }
  truncate(size: number): void {
    if (size < this.length) this.bytes.fill(0, size, this.length)
    else if (size > this.bytes.length) this.write(size, new Uint8Array(0))
    this.length = size
  }
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length)
  }
  clone(): GrowableBytes {
    return new GrowableBytes(this.view())
  }
}

/** A file's contents as the running system sees them, and as they would survive a power cut. */
class Inode {
  readonly current: GrowableBytes
  durable: GrowableBytes
  constructor(initial?: Uint8Array) {
    this.current = new GrowableBytes(initial)
    this.durable = new GrowableBytes(initial)
  }
}

/** One mutation not yet made durable, in the order it was issued. */
type PendingOperation =
  | { readonly kind: 'write'; readonly inode: Inode; readonly offset: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly inode: Inode; readonly size: number }
  | { readonly kind: 'create'; readonly name: string; readonly inode: Inode }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'remove'; readonly name: string }

/**
 * Options of a {@link MemoryDevice}.
 *
 * @example
 * ```ts
 * const device = new MemoryDevice({ powerCutAtOperation: 12 })
 * ```
 */
export interface MemoryDeviceOptions {
  /**
   * Cut the power when the mutating operation with this number (1-based: write, truncate, sync,
   * create, rename, remove, syncDirectory) is issued: it and every later operation reject with
   * `DeviceCrashedError`. Count the operations of a clean run with {@link MemoryDevice.operationCount}.
   */
  readonly powerCutAtOperation?: number
}

/**
 * What survives a crash, on top of everything synced. Unsynced operations survive as a prefix of
 * the order they were issued in (an ordered-journal model): `0` (the default) is a power cut that
 * loses every unsynced write, rename and create; `Infinity` is a process crash (the kernel keeps
 * everything). `tornBytes` additionally keeps the first `tornBytes` bytes of the next unsynced
 * operation when it is a write — a write torn at any byte.
 *
 * @example
 * ```ts
 * const powerCut = device.crash() // synced state only
 * const processCrash = device.crash({ keepPendingOperations: Infinity })
 * const tornWrite = device.crash({ keepPendingOperations: 3, tornBytes: 17 })
 * ```
 */
export interface CrashOptions {
  readonly keepPendingOperations?: number
  readonly tornBytes?: number
}

/**
 * An in-memory {@link BlockDevice} that models exactly what a crash may keep: it tracks, per file,
 * the synced bytes and the unsynced operations, and the directory's synced and unsynced names.
 * Used by the tests and by `@tandem/sim` for deterministic disk faults: power cuts at a chosen
 * operation, unsynced writes dropped, the last write torn at any byte, single bits flipped.
 *
 * @example
 * ```ts
 * import { MemoryDevice, openWal } from '@tandem/wal'
 * const device = new MemoryDevice()
 * const wal = await openWal({ device })
 * await wal.append([{ type: 1, payload: new Uint8Array([1, 2, 3]) }])
 * const afterPowerCut = device.crash() // keeps only what was synced
 * const recovered = await openWal({ device: afterPowerCut })
 * ```
 */
export class MemoryDevice implements BlockDevice {
  #namespace = new Map<string, Inode>()
  #durableNamespace = new Map<string, Inode>()
  #pending: PendingOperation[] = []
  #operations = 0
  #poweredOff = false
  readonly #powerCutAtOperation: number

  constructor(options: MemoryDeviceOptions = {}) {
    this.#powerCutAtOperation = options.powerCutAtOperation ?? Number.POSITIVE_INFINITY
  }

  /** A device whose files hold `files`, all durable (e.g. copied from another device). */
  static fromFiles(files: ReadonlyMap<string, Uint8Array>, options: MemoryDeviceOptions = {}): MemoryDevice {
    const device = new MemoryDevice(options)
    for (const [name, bytes] of files) {
      const inode = new Inode(bytes)
      device.#namespace.set(name, inode)
      device.#durableNamespace.set(name, inode)
    }
    return device
  }

  /** How many mutating operations were issued so far (the numbering `powerCutAtOperation` uses). */
  get operationCount(): number {
    return this.#operations
  }

  /** Whether the power was cut (by `powerCutAtOperation` or {@link cutPower}). */
  get isPoweredOff(): boolean {
    return this.#poweredOff
  }

  /** Cuts the power now: every later operation rejects with `DeviceCrashedError`. */
  cutPower(): void {
    this.#poweredOff = true
  }

  /**
   * The device a restart would find after a crash now: synced state plus what `options` keeps of
   * the unsynced operations. This device is left untouched (and can be crashed again differently).
   */
  crash(options: CrashOptions = {}): MemoryDevice {
    const inodes = new Map<Inode, Inode>()
    const copyOf = (inode: Inode): Inode => {
      let copy = inodes.get(inode)
      if (!copy) {
        copy = new Inode(inode.durable.view())
        inodes.set(inode, copy)
      }
      return copy
    }
    const namespace = new Map<string, Inode>()
    for (const [name, inode] of this.#durableNamespace) namespace.set(name, copyOf(inode))
    const kept = Math.min(options.keepPendingOperations ?? 0, this.#pending.length)
    for (let position = 0; position < kept; position++) {
      applyPending(this.#pending[position] as PendingOperation, namespace, copyOf)
    }
    const next = this.#pending[kept]
    if (options.tornBytes !== undefined && next?.kind === 'write') {
      const torn = next.bytes.subarray(0, Math.min(options.tornBytes, next.bytes.length))
      copyOf(next.inode).current.write(next.offset, torn)
    }
    const files = new Map<string, Uint8Array>()
    for (const [name, inode] of namespace) files.set(name, inode.current.view())
    return MemoryDevice.fromFiles(files)
  }

  /** How many unsynced operations a {@link crash} could keep. */
  get pendingOperationCount(): number {
    return this.#pending.length
  }

  /** Flips one bit of a file, in its current and its durable contents (media corruption). */
  flipBit(name: string, byteOffset: number, bit: number): void {
    const inode = this.#namespace.get(name)
    if (!inode || byteOffset >= inode.current.length)
      throw new WalArgumentError(`no byte ${byteOffset} in ${name}`)
    const mask = 1 << bit
    ;(inode.current.bytes[byteOffset] as number) ^= mask
    if (byteOffset < inode.durable.length) (inode.durable.bytes[byteOffset] as number) ^= mask
  }

  /** A copy of a file's current contents, or `undefined` when absent. */
  fileBytes(name: string): Uint8Array | undefined {
    const inode = this.#namespace.get(name)
    return inode ? inode.current.view().slice() : undefined
  }

  /** Every file's current contents. */
  files(): Map<string, Uint8Array> {
    const files = new Map<string, Uint8Array>()
    for (const [name, inode] of this.#namespace) files.set(name, inode.current.view().slice())
    return files
  }

  async open(name: string, options: { readonly create: boolean }): Promise<DeviceFile> {
    this.checkPower()
    let inode = this.#namespace.get(name)
    if (!inode) {
      if (!options.create) throw Object.assign(new Error(`no such file: ${name}`), { code: 'ENOENT' })
      this.mutation()
      inode = new Inode()
      this.#namespace.set(name, inode)
      this.#pending.push({ kind: 'create', name, inode })
    }
    return new MemoryFile(this, name, inode)
  }

  async list(): Promise<readonly string[]> {
    this.checkPower()
    return [...this.#namespace.keys()]
  }

  async remove(name: string): Promise<void> {
    this.checkPower()
    if (!this.#namespace.has(name)) return
    this.mutation()
    this.#namespace.delete(name)
    this.#pending.push({ kind: 'remove', name })
  }

  async rename(from: string, to: string): Promise<void> {
    this.checkPower()
    const inode = this.#namespace.get(from)
    if (!inode) throw Object.assign(new Error(`no such file: ${from}`), { code: 'ENOENT' })
    this.mutation()
    this.#namespace.delete(from)
    this.#namespace.set(to, inode)
    this.#pending.push({ kind: 'rename', from, to })
  }

  async syncDirectory(): Promise<void> {
    this.checkPower()
    this.mutation()
    const remaining: PendingOperation[] = []
    for (const operation of this.#pending) {
      if (operation.kind === 'create' || operation.kind === 'rename' || operation.kind === 'remove') {
        applyPending(operation, this.#durableNamespace, (inode) => inode)
      } else remaining.push(operation)
    }
    this.#pending = remaining
  }

  /** @internal Called by files: counts a mutating operation and cuts the power when it is due. */
  mutation(): void {
    this.checkPower()
    this.#operations++
    if (this.#operations >= this.#powerCutAtOperation) {
      this.#poweredOff = true
      throw new DeviceCrashedError()
    }
  }

  /** @internal */
  checkPower(): void {
    if (this.#poweredOff) throw new DeviceCrashedError()
  }

  /** @internal */
  recordPending(operation: PendingOperation): void {
    this.#pending.push(operation)
  }

  /** @internal Makes one file's pending writes and truncates durable, in order. */
  syncInode(inode: Inode): void {
    const remaining: PendingOperation[] = []
    for (const operation of this.#pending) {
      if ((operation.kind === 'write' || operation.kind === 'truncate') && operation.inode === inode) {
        if (operation.kind === 'write') inode.durable.write(operation.offset, operation.bytes)
        else inode.durable.truncate(operation.size)
      } else remaining.push(operation)
    }
    this.#pending = remaining
  }
}

function applyPending(
  operation: PendingOperation,
  namespace: Map<string, Inode>,
  resolve: (inode: Inode) => Inode,
): void {
  switch (operation.kind) {
    case 'write':
      resolve(operation.inode).current.write(operation.offset, operation.bytes)
      return
    case 'truncate':
      resolve(operation.inode).current.truncate(operation.size)
      return
    case 'create':
      namespace.set(operation.name, resolve(operation.inode))
      return
    case 'rename': {
      const inode = namespace.get(operation.from)
      // A rename whose source never became durable moves nothing.
      if (!inode) return
      namespace.delete(operation.from)
      namespace.set(operation.to, inode)
      return
    }
    case 'remove':
      namespace.delete(operation.name)
      return
  }
}

class MemoryFile implements DeviceFile {
  #closed = false
  readonly #device: MemoryDevice
  readonly #inode: Inode
  constructor(
    device: MemoryDevice,
    readonly name: string,
    inode: Inode,
  ) {
    this.#device = device
    this.#inode = inode
  }

  async size(): Promise<number> {
    this.#check()
    return this.#inode.current.length
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.#check()
    const end = Math.min(offset + length, this.#inode.current.length)
    return this.#inode.current.bytes.slice(Math.min(offset, end), end)
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    this.#check()
    this.#device.mutation()
    const copy = bytes.slice()
    this.#inode.current.write(offset, copy)
    this.#device.recordPending({ kind: 'write', inode: this.#inode, offset, bytes: copy })
  }

  async sync(): Promise<void> {
    this.#check()
    this.#device.mutation()
    this.#device.syncInode(this.#inode)
  }

  async truncate(size: number): Promise<void> {
    this.#check()
    this.#device.mutation()
    this.#inode.current.truncate(size)
    this.#device.recordPending({ kind: 'truncate', inode: this.#inode, size })
  }

  async close(): Promise<void> {
    this.#closed = true
  }

  #check(): void {
    if (this.#closed) throw new WalArgumentError(`file ${this.name} is closed`)
    this.#device.checkPower()
  }
}
