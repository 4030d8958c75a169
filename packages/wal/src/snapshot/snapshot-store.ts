import { rethrowInvariant } from '@tandem/base'
import { type Checksum, crc32 } from '../checksum/crc32.js'
import type { BlockDevice, DeviceFile } from '../device/block-device.js'
import { SnapshotCorruptionError, WalArgumentError } from '../errors.js'
import { isIntegerIn, viewOf } from '../format/bytes.js'
import {
  BLOCK_CHECKSUM_BYTES,
  blockChecksum,
  blockCount,
  decodeSnapshotHeader,
  encodeSnapshotHeader,
  parseSnapshotName,
  SNAPSHOT_HEADER_BYTES,
  type SnapshotHeader,
  snapshotFileBytes,
  snapshotName,
} from './snapshot-format.js'

/**
 * Options of a {@link SnapshotStore}.
 *
 * @example
 * ```ts
 * const store = new SnapshotStore(device, { snapshotsKept: 3, blockBytes: 1 << 20 })
 * ```
 */
export interface SnapshotStoreOptions {
  readonly checksum?: Checksum
  /** How many snapshots to keep after each commit, newest first (default 2, at least 1). */
  readonly snapshotsKept?: number
  /** Data block size of new snapshots — the unit of verification when streaming (default 256 KiB). */
  readonly blockBytes?: number
  /** Largest metadata accepted (default 1 MiB). */
  readonly metadataBytesMax?: number
}

/**
 * A snapshot file as listed (from its name; not yet verified).
 *
 * @example
 * ```ts
 * const [oldest]: SnapshotInfo[] = await store.list()
 * ```
 */
export interface SnapshotInfo {
  readonly name: string
  readonly index: number
  readonly term: number
}

/**
 * Where a new snapshot sits, and the caller's metadata (e.g. the Raft membership) stored with it.
 *
 * @example
 * ```ts
 * const descriptor: SnapshotDescriptor = { index: 100, term: 4, metadata: new Uint8Array() }
 * await store.save(descriptor, data)
 * ```
 */
export interface SnapshotDescriptor {
  readonly index: number
  readonly term: number
  readonly metadata: Uint8Array
}

/**
 * Snapshot files on a {@link BlockDevice}: written to a temporary file, synced and renamed into
 * place (atomic), checksummed per block, the newest `snapshotsKept` kept, read back in verified chunks.
 *
 * @example
 * ```ts
 * import { MemoryDevice, SnapshotStore } from '@tandem/wal'
 * const store = new SnapshotStore(new MemoryDevice(), { snapshotsKept: 2 })
 * await store.save({ index: 10, term: 2, metadata: new Uint8Array() }, new Uint8Array(1000))
 * const reader = await store.latest()
 * for await (const chunk of reader!.chunks()) console.log(chunk.length)
 * ```
 */
export class SnapshotStore {
  readonly #checksum: Checksum
  readonly #snapshotsKept: number
  readonly #blockBytes: number
  readonly #metadataBytesMax: number
  readonly #writing = new Set<string>()
  readonly #device: BlockDevice

  constructor(device: BlockDevice, options: SnapshotStoreOptions = {}) {
    this.#device = device
    this.#checksum = options.checksum ?? crc32
    this.#snapshotsKept = options.snapshotsKept ?? 2
    this.#blockBytes = options.blockBytes ?? 256 * 1024
    this.#metadataBytesMax = options.metadataBytesMax ?? 1024 * 1024
    if (!isIntegerIn(this.#snapshotsKept, 1, 1000))
      throw new WalArgumentError('snapshotsKept must be 1..1000')
    if (!isIntegerIn(this.#blockBytes, 1, 64 * 1024 * 1024))
      throw new WalArgumentError('blockBytes must be 1 B..64 MiB')
  }

  /** The snapshots present, oldest first. Removes temporary files of interrupted writes. */
  async list(): Promise<SnapshotInfo[]> {
    const names = await this.#device.list()
    // Temporary files of writers still open on this store are theirs, not leftovers.
    const leftovers = names.filter(
      (name) =>
        name.endsWith('.snap.tmp') && parseSnapshotName(name.slice(0, -4)) && !this.#writing.has(name),
    )
    for (const name of leftovers) await this.#device.remove(name)
    if (leftovers.length > 0) await this.#device.syncDirectory()
    return names
      .map((name) => ({ name, parsed: parseSnapshotName(name) }))
      .filter(
        (entry): entry is { name: string; parsed: { index: number; term: number } } => entry.parsed !== null,
      )
      .map(({ name, parsed }) => ({ name, index: parsed.index, term: parsed.term }))
      .sort((a, b) => a.index - b.index || a.term - b.term)
  }

  /** The newest snapshot, opened and header-verified, or `null` when there is none. */
  async latest(): Promise<SnapshotReader | null> {
    const all = await this.list()
    const newest = all[all.length - 1]
    return newest ? this.open(newest) : null
  }

  /** Opens a snapshot and verifies its header, metadata and size. */
  async open(info: SnapshotInfo): Promise<SnapshotReader> {
    const file = await this.#device.open(info.name, { create: false })
    try {
      const size = await file.size()
      const head = await file.read(0, SNAPSHOT_HEADER_BYTES)
      const header = decodeSnapshotHeader(head, this.#checksum, { metadataBytesMax: this.#metadataBytesMax })
      const fail = (offset: number, reason: string): never => {
        throw new SnapshotCorruptionError(info.name, offset, reason)
      }
      if ('invalid' in header) return fail(0, header.invalid)
      if (header.index !== info.index || header.term !== info.term)
        fail(0, 'header does not match the file name')
      if (snapshotFileBytes(header) !== size)
        fail(0, `file is ${size} bytes, the header implies ${snapshotFileBytes(header)}`)
      const metadata = await file.read(SNAPSHOT_HEADER_BYTES, header.metadataBytes)
      if (this.#checksum(metadata) !== header.metadataChecksum)
        fail(SNAPSHOT_HEADER_BYTES, 'metadata checksum mismatch')
      return new SnapshotReader(info.name, file, header, metadata, this.#checksum)
    } catch (error) {
      await file.close()
      throw error
    }
  }

  /** Starts writing a snapshot; nothing is visible until {@link SnapshotWriter.commit}. */
  async createWriter(descriptor: SnapshotDescriptor): Promise<SnapshotWriter> {
    if (
      !isIntegerIn(descriptor.index, 0, Number.MAX_SAFE_INTEGER) ||
      !isIntegerIn(descriptor.term, 0, Number.MAX_SAFE_INTEGER)
    ) {
      throw new WalArgumentError('snapshot index and term must be non-negative integers')
    }
    if (descriptor.metadata.length > this.#metadataBytesMax) {
      throw new WalArgumentError(`snapshot metadata of ${descriptor.metadata.length} bytes exceeds the limit`)
    }
    const name = snapshotName(descriptor.index, descriptor.term)
    const temporary = `${name}.tmp`
    await this.#device.remove(temporary)
    const file = await this.#device.open(temporary, { create: true })
    this.#writing.add(temporary)
    const done = () => this.#writing.delete(temporary)
    return new SnapshotWriter(
      this,
      this.#device,
      file,
      name,
      descriptor,
      this.#blockBytes,
      this.#checksum,
      done,
    )
  }

  /** Writes a whole snapshot at once and commits it. */
  async save(descriptor: SnapshotDescriptor, data: Uint8Array): Promise<SnapshotInfo> {
    const writer = await this.createWriter(descriptor)
    try {
      await writer.write(data)
      return await writer.commit()
    } catch (error) {
      await writer.abort()
      throw error
    }
  }

  /** Removes all but the newest `snapshotsKept` snapshots. */
  async prune(): Promise<void> {
    const all = await this.list()
    const excess = all.slice(0, Math.max(0, all.length - this.#snapshotsKept))
    for (const info of excess) await this.#device.remove(info.name)
    if (excess.length > 0) await this.#device.syncDirectory()
  }
}

/**
 * Writes one snapshot: data arrives in any chunk sizes and is cut into checksummed blocks. The
 * header goes in last, then the file is synced and renamed into place.
 *
 * @example
 * ```ts
 * const writer = await store.createWriter({ index: 42, term: 3, metadata })
 * for await (const chunk of incoming) await writer.write(chunk)
 * await writer.commit()
 * ```
 */
export class SnapshotWriter {
  #pending: Uint8Array
  #pendingBytes = 0
  #position: number
  #blocks = 0
  #dataBytes = 0
  #finished = false

  readonly #store: SnapshotStore
  readonly #device: BlockDevice
  readonly #file: DeviceFile
  readonly #name: string
  readonly #descriptor: SnapshotDescriptor
  readonly #blockBytes: number
  readonly #checksum: Checksum
  readonly #onFinished: () => void

  /** @internal Use {@link SnapshotStore.createWriter}. */
  constructor(
    store: SnapshotStore,
    device: BlockDevice,
    file: DeviceFile,
    name: string,
    descriptor: SnapshotDescriptor,
    blockBytes: number,
    checksum: Checksum,
    onFinished: () => void,
  ) {
    this.#store = store
    this.#device = device
    this.#file = file
    this.#name = name
    this.#descriptor = descriptor
    this.#blockBytes = blockBytes
    this.#checksum = checksum
    this.#onFinished = onFinished
    this.#pending = new Uint8Array(blockBytes + BLOCK_CHECKSUM_BYTES)
    this.#position = SNAPSHOT_HEADER_BYTES + descriptor.metadata.length
  }

  /** Appends data bytes. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.#finished) throw new WalArgumentError('snapshot writer is finished')
    let consumed = 0
    while (consumed < chunk.length) {
      const take = Math.min(this.#blockBytes - this.#pendingBytes, chunk.length - consumed)
      this.#pending.set(chunk.subarray(consumed, consumed + take), this.#pendingBytes)
      this.#pendingBytes += take
      consumed += take
      if (this.#pendingBytes === this.#blockBytes) await this.#flushBlock()
    }
  }

  /** Finishes the file, makes it durable under its final name, and prunes old snapshots. */
  async commit(): Promise<SnapshotInfo> {
    if (this.#finished) throw new WalArgumentError('snapshot writer is finished')
    this.#finished = true
    try {
      if (this.#pendingBytes > 0) await this.#flushBlock()
      const metadata = this.#descriptor.metadata
      const header: SnapshotHeader = {
        index: this.#descriptor.index,
        term: this.#descriptor.term,
        blockBytes: this.#blockBytes,
        metadataBytes: metadata.length,
        metadataChecksum: this.#checksum(metadata),
        dataBytes: this.#dataBytes,
      }
      const head = new Uint8Array(SNAPSHOT_HEADER_BYTES + metadata.length)
      head.set(encodeSnapshotHeader(header, this.#checksum), 0)
      head.set(metadata, SNAPSHOT_HEADER_BYTES)
      await this.#file.write(0, head)
      await this.#file.sync()
      await this.#file.close()
      await this.#device.rename(`${this.#name}.tmp`, this.#name)
      await this.#device.syncDirectory()
    } finally {
      // Whether committed or failed, the temporary file is no longer this writer's to protect.
      this.#onFinished()
    }
    await this.#store.prune()
    return { name: this.#name, index: this.#descriptor.index, term: this.#descriptor.term }
  }

  /** Drops the unfinished snapshot. */
  async abort(): Promise<void> {
    if (this.#finished) return
    this.#finished = true
    this.#onFinished()
    await this.#file.close().catch(rethrowInvariant)
    await this.#device.remove(`${this.#name}.tmp`)
  }

  async #flushBlock(): Promise<void> {
    const block = this.#pending.subarray(0, this.#pendingBytes)
    viewOf(this.#pending).setUint32(
      this.#pendingBytes,
      blockChecksum(this.#blocks, block, this.#checksum),
      true,
    )
    await this.#file.write(
      this.#position,
      this.#pending.subarray(0, this.#pendingBytes + BLOCK_CHECKSUM_BYTES),
    )
    this.#position += this.#pendingBytes + BLOCK_CHECKSUM_BYTES
    this.#dataBytes += this.#pendingBytes
    this.#blocks++
    this.#pendingBytes = 0
  }
}

/**
 * An open snapshot: header and metadata verified; data read in verified blocks.
 *
 * @example
 * ```ts
 * const reader = await store.latest()
 * if (reader) {
 *   for await (const chunk of reader.chunks()) await send(chunk)
 *   await reader.close()
 * }
 * ```
 */
export class SnapshotReader {
  readonly #file: DeviceFile
  readonly #header: SnapshotHeader
  readonly #checksum: Checksum
  /** @internal Use {@link SnapshotStore.open}. */
  constructor(
    readonly name: string,
    file: DeviceFile,
    header: SnapshotHeader,
    /** The caller's metadata stored with the snapshot. */
    readonly metadata: Uint8Array,
    checksum: Checksum,
  ) {
    this.#file = file
    this.#header = header
    this.#checksum = checksum
  }

  get index(): number {
    return this.#header.index
  }
  get term(): number {
    return this.#header.term
  }
  get dataBytes(): number {
    return this.#header.dataBytes
  }
  get blockCount(): number {
    return blockCount(this.#header)
  }

  /** Reads and verifies data block `blockNumber` (every block but the last is `blockBytes` long). */
  async readBlock(blockNumber: number): Promise<Uint8Array> {
    if (!isIntegerIn(blockNumber, 0, this.blockCount - 1))
      throw new WalArgumentError(`no block ${blockNumber}`)
    const { blockBytes, dataBytes, metadataBytes } = this.#header
    const length = Math.min(blockBytes, dataBytes - blockNumber * blockBytes)
    const offset = SNAPSHOT_HEADER_BYTES + metadataBytes + blockNumber * (blockBytes + BLOCK_CHECKSUM_BYTES)
    const bytes = await this.#file.read(offset, length + BLOCK_CHECKSUM_BYTES)
    if (bytes.length !== length + BLOCK_CHECKSUM_BYTES) {
      throw new SnapshotCorruptionError(this.name, offset, 'file ends inside a block')
    }
    const data = bytes.subarray(0, length)
    if (viewOf(bytes).getUint32(length, true) !== blockChecksum(blockNumber, data, this.#checksum)) {
      throw new SnapshotCorruptionError(this.name, offset, `block ${blockNumber} checksum mismatch`)
    }
    return data
  }

  /** Streams the data in verified blocks, from block `fromBlock` on (to resume a transfer). */
  async *chunks(fromBlock = 0): AsyncGenerator<Uint8Array> {
    for (let block = fromBlock; block < this.blockCount; block++) yield await this.readBlock(block)
  }

  /** The whole data, verified. */
  async readAll(): Promise<Uint8Array> {
    const data = new Uint8Array(this.dataBytes)
    let position = 0
    for await (const chunk of this.chunks()) {
      data.set(chunk, position)
      position += chunk.length
    }
    return data
  }

  async close(): Promise<void> {
    await this.#file.close()
  }
}
