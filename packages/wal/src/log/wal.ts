import {
  assert,
  type InvariantError,
  isInvariantError,
  rethrowInvariant,
  type TimerHandle,
} from '@tandem/base'
import { WalArgumentError, WalClosedError, WalCorruptionError, WalFailedError } from '../errors.js'
import { isIntegerIn, viewOf } from '../format/bytes.js'
import {
  checkFrame,
  encodeRecords,
  encodeSegmentHeader,
  framedBytes,
  isFrameProblem,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  type StoredRecord,
  segmentName,
  type WalRecord,
} from '../format/segment-format.js'
import { type SegmentDamage, scanSegment } from '../format/segment-scan.js'
import type { StateFile } from '../state/state-file.js'
import { checkEncodedBatch, checkLiveStart, checkRecoveredLog, checkWrittenBatch } from './log-checks.js'
import { encodeMeta, type LiveStart } from './meta.js'
import { type ResolvedWalOptions, resolveWalOptions, type SyncMode, type WalOptions } from './options.js'
import { type CompactedRegion, type RecoveryReport, recoverLog } from './recovery.js'
import { Segment } from './segment.js'

/**
 * The indices an `append` call was given.
 *
 * @example
 * ```ts
 * const { firstIndex, lastIndex }: AppendResult = await wal.append(records)
 * ```
 */
export interface AppendResult {
  readonly firstIndex: number
  /** `firstIndex - 1` when no record was appended. */
  readonly lastIndex: number
}

/**
 * Counters of a running log.
 *
 * @example
 * ```ts
 * const { groupCommit, dataSyncs }: WalStats = wal.stats()
 * console.log(groupCommit.meanRecords, dataSyncs)
 * ```
 */
export interface WalStats {
  readonly segments: number
  /** Bytes of every segment file (headers and frames). */
  readonly bytes: number
  readonly firstIndex: number
  /** The last index handed out (including appends not yet durable). */
  readonly lastIndex: number
  readonly syncMode: SyncMode
  readonly appendCalls: number
  readonly recordsAppended: number
  readonly bytesWritten: number
  /** `fdatasync`s of segment files. */
  readonly dataSyncs: number
  /** Directory syncs (segment creation, removal). */
  readonly directorySyncs: number
  readonly groupCommit: {
    /** Group-commit writes performed. */
    readonly batches: number
    readonly meanRecords: number
    readonly maxRecords: number
    /** `histogram[k]` = batches of `2^k` to `2^(k+1) - 1` records. */
    readonly histogram: readonly number[]
  }
}

/**
 * The result of {@link Wal.verify}: a fresh scan of every segment file.
 *
 * @example
 * ```ts
 * const report: VerifyReport = await wal.verify()
 * if (!report.ok) console.error(report.problems)
 * ```
 */
export interface VerifyReport {
  readonly ok: boolean
  readonly segments: readonly {
    readonly name: string
    readonly firstIndex: number
    readonly records: number
    readonly bytes: number
    readonly damage: SegmentDamage | null
  }[]
  readonly records: number
  readonly bytes: number
  /** Human-readable problems; empty when `ok`. */
  readonly problems: readonly string[]
  /**
   * Damage found in compacted records still in the first segment. It costs no live record and
   * does not make `ok` false; recovery steps over it the same way.
   */
  readonly compacted: readonly CompactedRegion[]
}

interface Waiter<T> {
  readonly resolve: (value: T) => void
  readonly reject: (error: unknown) => void
}

type QueuedOperation =
  | ({
      readonly kind: 'append'
      readonly records: readonly WalRecord[]
      readonly firstIndex: number
      readonly bytes: number
    } & Waiter<AppendResult>)
  | ({ readonly kind: 'truncate'; readonly fromIndex: number } & Waiter<void>)
  | ({ readonly kind: 'compact'; readonly throughIndex: number } & Waiter<void>)
  | ({ readonly kind: 'sync' } & Waiter<void>)

const HISTOGRAM_BUCKETS = 20
const READ_CHUNK_BYTES = 4 * 1024 * 1024

/**
 * Opens (creating if empty) the log on `options.device`, recovering from any crash first.
 *
 * @example
 * ```ts
 * import { MemoryDevice, openWal } from '@tandem/wal'
 * const wal = await openWal({ device: new MemoryDevice() })
 * const { firstIndex } = await wal.append([{ type: 1, payload: new TextEncoder().encode('hello') }])
 * const record = await wal.read(firstIndex) // { index: 1, type: 1, payload: ... }
 * await wal.close()
 * ```
 */
export async function openWal(options: WalOptions): Promise<Wal> {
  return Wal.open(options)
}

/**
 * A segmented, append-only write-ahead log with group commit. Records get consecutive indices.
 * Every mutation (append, truncate, compact, sync) goes through one queue, so they take effect in
 * call order; appends queued behind an in-flight write share the next write and the next sync.
 *
 * @example
 * ```ts
 * import { MemoryDevice, openWal } from '@tandem/wal'
 * const wal = await openWal({ device: new MemoryDevice(), segmentBytesMax: 1 << 20 })
 * await Promise.all([1, 2, 3].map((n) => wal.append([{ type: 0, payload: new Uint8Array([n]) }])))
 * await wal.truncateSuffix(3) // drop index 3
 * await wal.compactPrefix(1) // drop index 1
 * for await (const record of wal.records()) console.log(record.index) // 2
 * ```
 */
export class Wal {
  /** What recovery found when this log was opened. */
  readonly recovery: RecoveryReport
  readonly #options: ResolvedWalOptions
  readonly #metaFile: StateFile
  readonly #segments: Segment[]
  /** The first index still part of the log, as seen by callers (moves on `compactPrefix` calls). */
  #logicalFirstIndex: number
  /** The next index `append` hands out. */
  #nextIndex: number
  /** The index of the next record to be written to the device. */
  #writeIndex: number
  /** The first index as executed on the device (where a new first segment starts). */
  #deviceFirstIndex: number
  readonly #queue: QueuedOperation[] = []
  #draining = false
  #drainScheduled = false
  #failure: WalFailedError | InvariantError | null = null
  #closed = false
  #idleWaiters: Array<() => void> = []
  #progressWaiters: Array<() => void> = []
  #batchTimer: TimerHandle | null = null
  #unsyncedBytes = 0
  #scratch = new Uint8Array(0)
  #counters = {
    appendCalls: 0,
    recordsAppended: 0,
    bytesWritten: 0,
    dataSyncs: 0,
    directorySyncs: 0,
    batches: 0,
    batchRecords: 0,
    maxRecords: 0,
  }
  readonly #histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0)

  private constructor(options: ResolvedWalOptions, recovered: Awaited<ReturnType<typeof recoverLog>>) {
    this.#options = options
    this.recovery = recovered.report
    this.#metaFile = recovered.metaFile
    this.#segments = recovered.segments
    this.#logicalFirstIndex = recovered.firstIndex
    this.#deviceFirstIndex = recovered.firstIndex
    const tail = this.#segments[this.#segments.length - 1]
    this.#writeIndex = tail ? Math.max(tail.lastIndex + 1, recovered.firstIndex) : recovered.firstIndex
    this.#nextIndex = this.#writeIndex
    checkRecoveredLog(this.#segments, recovered.firstIndex)
  }

  /** Opens the log; see {@link openWal}. */
  static async open(options: WalOptions): Promise<Wal> {
    const resolved = resolveWalOptions(options)
    return new Wal(resolved, await recoverLog(resolved))
  }

  /** The sync mode the log was opened with. */
  get syncMode(): SyncMode {
    return this.#options.syncMode
  }

  /** The first index in the log (after the last `compactPrefix`). */
  get firstIndex(): number {
    return this.#logicalFirstIndex
  }

  /** The last index handed out (`firstIndex - 1` when empty); includes appends not yet durable. */
  get lastIndex(): number {
    return this.#nextIndex - 1
  }

  /**
   * Appends `records` and resolves with their indices once they are durable (in sync mode
   * `always`; see {@link SyncMode} for the others). Indices are assigned at call time, in call order.
   * The payloads are framed when the group-commit write is built, so they must not be modified
   * until the returned promise settles.
   */
  append(records: readonly WalRecord[]): Promise<AppendResult> {
    const refusal = this.#refusal()
    if (refusal) return Promise.reject(refusal)
    for (const record of records) {
      if (!isIntegerIn(record.type, 0, 255)) {
        return Promise.reject(new WalArgumentError(`record type ${record.type} is not 0..255`))
      }
      if (!(record.payload instanceof Uint8Array)) {
        return Promise.reject(new WalArgumentError('record payload must be a Uint8Array'))
      }
      if (record.payload.length > this.#options.recordBytesMax) {
        return Promise.reject(
          new WalArgumentError(
            `record of ${record.payload.length} bytes exceeds ${this.#options.recordBytesMax}`,
          ),
        )
      }
    }
    const firstIndex = this.#nextIndex
    if (records.length === 0) return Promise.resolve({ firstIndex, lastIndex: firstIndex - 1 })
    this.#nextIndex += records.length
    this.#counters.appendCalls++
    return new Promise<AppendResult>((resolve, reject) => {
      this.#enqueue({ kind: 'append', records, firstIndex, bytes: framedBytes(records), resolve, reject })
    })
  }

  /**
   * Removes every record from `fromIndex` on (a Raft conflict); the next append gets `fromIndex`.
   * Resolves once the cut is durable. `fromIndex` must be in `[firstIndex, lastIndex + 1]`.
   */
  truncateSuffix(fromIndex: number): Promise<void> {
    const refusal = this.#refusal()
    if (refusal) return Promise.reject(refusal)
    if (!isIntegerIn(fromIndex, this.#logicalFirstIndex, this.#nextIndex)) {
      return Promise.reject(
        new WalArgumentError(
          `truncateSuffix(${fromIndex}) outside [${this.#logicalFirstIndex}, ${this.#nextIndex}]`,
        ),
      )
    }
    this.#nextIndex = fromIndex
    return new Promise<void>((resolve, reject) =>
      this.#enqueue({ kind: 'truncate', fromIndex, resolve, reject }),
    )
  }

  /**
   * Discards every record through `throughIndex` (after a snapshot). A `throughIndex` at or past
   * the last index empties the log, and the next append gets `throughIndex + 1`. Resolves once
   * the new first index is durable; a crash never brings a compacted record back.
   */
  compactPrefix(throughIndex: number): Promise<void> {
    const refusal = this.#refusal()
    if (refusal) return Promise.reject(refusal)
    if (!isIntegerIn(throughIndex, 0, Number.MAX_SAFE_INTEGER - 1)) {
      return Promise.reject(new WalArgumentError(`compactPrefix(${throughIndex}): not a valid index`))
    }
    if (throughIndex < this.#logicalFirstIndex) return Promise.resolve()
    this.#logicalFirstIndex = throughIndex + 1
    if (this.#nextIndex < throughIndex + 1) this.#nextIndex = throughIndex + 1
    return new Promise<void>((resolve, reject) =>
      this.#enqueue({ kind: 'compact', throughIndex, resolve, reject }),
    )
  }

  /** Makes everything appended so far durable (useful in modes `batch` and `none`). */
  sync(): Promise<void> {
    const refusal = this.#refusal()
    if (refusal) return Promise.reject(refusal)
    return new Promise<void>((resolve, reject) => this.#enqueue({ kind: 'sync', resolve, reject }))
  }

  /** Reads the record at `index`, verifying both checksums. */
  async read(index: number): Promise<StoredRecord> {
    const [record] = await this.readRange(index, index + 1)
    return record as StoredRecord
  }

  /**
   * Reads the records in `[fromIndex, toIndex)`, stopping early once `payloadBytesMax` of payload is
   * reached (always at least one record). Payloads are views into one shared buffer per segment.
   */
  async readRange(
    fromIndex: number,
    toIndex: number,
    options: { readonly payloadBytesMax?: number } = {},
  ): Promise<StoredRecord[]> {
    const refusal = this.#refusal()
    if (refusal) throw refusal
    if (
      !isIntegerIn(fromIndex, this.#logicalFirstIndex, this.#nextIndex - 1) ||
      !isIntegerIn(toIndex, fromIndex + 1, this.#nextIndex)
    ) {
      throw new WalArgumentError(
        `range [${fromIndex}, ${toIndex}) outside the log [${this.#logicalFirstIndex}, ${this.#nextIndex})`,
      )
    }
    // Records handed out but not yet written: wait for the flushes that write them (not for the
    // whole queue, which a steady stream of appends may never empty).
    while (toIndex > this.#writeIndex && !this.#failure && (this.#draining || this.#drainScheduled)) {
      await this.#progress()
    }
    const failed = this.#refusal()
    if (failed) throw failed
    if (fromIndex < this.#logicalFirstIndex || toIndex > this.#writeIndex) {
      throw new WalArgumentError(`range [${fromIndex}, ${toIndex}) changed while waiting`)
    }
    const payloadBytesMax = options.payloadBytesMax ?? Number.POSITIVE_INFINITY
    const records: StoredRecord[] = []
    let payloadBytes = 0
    let index = fromIndex
    while (index < toIndex) {
      const segment = this.#segmentOf(index)
      const last = Math.min(toIndex - 1, segment.lastIndex)
      const start = segment.offsetOf(index)
      // Read at most one chunk at a time, but always whole records.
      let end = segment.endOf(index)
      let chunkLast = index
      while (chunkLast < last && segment.endOf(chunkLast + 1) - start <= READ_CHUNK_BYTES) {
        chunkLast++
        end = segment.endOf(chunkLast)
      }
      const bytes = await segment.file.read(start, end - start)
      const view = viewOf(bytes)
      let position = 0
      for (; index <= chunkLast; index++) {
        const frame = checkFrame(
          bytes,
          view,
          position,
          index,
          this.#options.recordBytesMax,
          this.#options.checksum,
        )
        if (isFrameProblem(frame)) {
          throw new WalCorruptionError(
            { segment: segment.name, offset: start + position },
            `on read: ${frame.kind === 'invalid' ? frame.reason : frame.kind}`,
          )
        }
        const payloadStart = position + RECORD_HEADER_BYTES
        records.push({
          index,
          type: frame.type,
          payload: bytes.subarray(payloadStart, payloadStart + frame.length),
        })
        payloadBytes += frame.length
        position = payloadStart + frame.length
        if (payloadBytes >= payloadBytesMax) return records
      }
    }
    return records
  }

  /** Iterates the records from `fromIndex` (default the first) to the last, reading in chunks. */
  async *records(fromIndex: number = this.#logicalFirstIndex): AsyncGenerator<StoredRecord> {
    let index = fromIndex
    while (index <= this.lastIndex) {
      const batch = await this.readRange(index, this.lastIndex + 1, { payloadBytesMax: READ_CHUNK_BYTES })
      for (const record of batch) yield record
      index += batch.length
    }
  }

  /** Scans every segment file again from the device and reports what it finds. Changes nothing. */
  async verify(): Promise<VerifyReport> {
    const refusal = this.#refusal()
    if (refusal) throw refusal
    await this.#settled()
    const segments: VerifyReport['segments'][number][] = []
    const problems: string[] = []
    let records = 0
    let bytes = 0
    let expected: number | null = null
    const compacted: VerifyReport['compacted'][number][] = []
    for (const [position, segment] of this.#segments.entries()) {
      const size = await segment.file.size()
      const content = await segment.file.read(0, size)
      // Compacted records still in the first segment are checked as recovery checks them: their
      // damage is reported (in `compacted`), never counted against the live records.
      const firstLive = this.#deviceFirstIndex
      const holdsCompacted = position === 0 && segment.firstIndex < firstLive
      const scan = scanSegment(content, {
        expectedFirstIndex: segment.firstIndex,
        isLast: position === this.#segments.length - 1,
        recordBytesMax: this.#options.recordBytesMax,
        checksum: this.#options.checksum,
        firstLiveIndex: firstLive,
        ...(holdsCompacted
          ? { liveOffset: firstLive <= segment.lastIndex ? segment.offsetOf(firstLive) : segment.size }
          : {}),
      })
      if (scan.compacted?.damage) {
        compacted.push({ segment: segment.name, ...scan.compacted })
      }
      segments.push({
        name: segment.name,
        firstIndex: segment.firstIndex,
        records: scan.recordCount,
        bytes: size,
        damage: scan.damage,
      })
      records += scan.recordCount
      bytes += size
      if (scan.damage) problems.push(`${segment.name} at byte ${scan.damage.offset}: ${scan.damage.reason}`)
      const scannedLast = scan.baseIndex + scan.recordCount - 1
      if (scannedLast !== segment.lastIndex) {
        problems.push(
          `${segment.name} holds valid records through index ${scannedLast}, the index expects ${segment.lastIndex}`,
        )
      }
      if (expected !== null && segment.firstIndex !== expected) {
        problems.push(`${segment.name} starts at ${segment.firstIndex}, expected ${expected}`)
      }
      expected = scannedLast + 1
    }
    return { ok: problems.length === 0, segments, records, bytes, problems, compacted }
  }

  /** Counters: segments, bytes, indices, syncs and group-commit batch sizes. */
  stats(): WalStats {
    const c = this.#counters
    return {
      segments: this.#segments.length,
      bytes: this.#segments.reduce((total, segment) => total + segment.size, 0),
      firstIndex: this.#logicalFirstIndex,
      lastIndex: this.lastIndex,
      syncMode: this.#options.syncMode,
      appendCalls: c.appendCalls,
      recordsAppended: c.recordsAppended,
      bytesWritten: c.bytesWritten,
      dataSyncs: c.dataSyncs,
      directorySyncs: c.directorySyncs,
      groupCommit: {
        batches: c.batches,
        meanRecords: c.batches === 0 ? 0 : c.batchRecords / c.batches,
        maxRecords: c.maxRecords,
        histogram: [...this.#histogram],
      },
    }
  }

  /** Waits for every queued operation, syncs, and closes the files. Later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return
    if (!this.#failure) {
      // A device error here is already the log's failure (and reported to whoever waited).
      await this.sync().catch(rethrowInvariant)
      await this.#settled()
    }
    this.#closed = true
    this.#batchTimer?.cancel()
    this.#batchTimer = null
    for (const segment of this.#segments) await segment.file.close().catch(rethrowInvariant)
  }

  #refusal(): Error | null {
    if (this.#closed) return new WalClosedError()
    return this.#failure
  }

  #enqueue(operation: QueuedOperation): void {
    this.#queue.push(operation)
    if (this.#draining || this.#drainScheduled) return
    this.#drainScheduled = true
    this.#options.defer(() => {
      this.#drainScheduled = false
      void this.#drain()
    })
  }

  /** Resolves once the queue is empty and nothing is in flight. */
  /** Resolves after the next queued operation completes (or at once when nothing is queued). */
  #progress(): Promise<void> {
    if (!this.#draining && !this.#drainScheduled) return Promise.resolve()
    return new Promise((resolve) => this.#progressWaiters.push(resolve))
  }

  #wakeProgress(): void {
    const waiters = this.#progressWaiters
    this.#progressWaiters = []
    for (const wake of waiters) wake()
  }

  #settled(): Promise<void> {
    if (!this.#draining && !this.#drainScheduled && this.#queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  async #drain(): Promise<void> {
    if (this.#draining) return
    this.#draining = true
    try {
      while (this.#queue.length > 0 && !this.#failure) {
        const head = this.#queue[0] as QueuedOperation
        if (head.kind === 'append') await this.#flushAppends()
        else {
          this.#queue.shift()
          try {
            await this.#runControl(head)
            head.resolve()
          } catch (error) {
            head.reject(this.#fail(error))
          }
        }
        this.#wakeProgress()
      }
    } finally {
      this.#draining = false
      this.#wakeProgress()
      if (this.#queue.length === 0 || this.#failure) {
        const waiters = this.#idleWaiters
        this.#idleWaiters = []
        for (const wake of waiters) wake()
      }
    }
  }

  /** Group commit: everything queued at the head goes out in one write and one sync. */
  async #flushAppends(): Promise<void> {
    const batch: Extract<QueuedOperation, { kind: 'append' }>[] = []
    let bytes = 0
    for (let head = this.#queue[0]; head?.kind === 'append'; head = this.#queue[0]) {
      if (batch.length > 0 && bytes + head.bytes > this.#options.writeBytesMax) break
      batch.push(head)
      bytes += head.bytes
      this.#queue.shift()
    }
    try {
      const first = batch[0] as (typeof batch)[number]
      assert(
        first.firstIndex === this.#writeIndex,
        `append at ${first.firstIndex} but the log continues at ${this.#writeIndex}`,
      )
      const segment = await this.#segmentFor(bytes, first.firstIndex)
      const buffer = this.#writeBuffer(bytes)
      let position = 0
      let recordCount = 0
      const view = viewOf(buffer)
      for (const item of batch) {
        position = encodeRecords(
          item.records,
          item.firstIndex,
          buffer,
          position,
          this.#options.checksum,
          view,
        )
        recordCount += item.records.length
      }
      checkEncodedBatch(position, bytes)
      const base = segment.size
      await segment.file.write(base, buffer)
      // Index the frames only once the write succeeded.
      let offset = base
      for (const item of batch) {
        for (const record of item.records) {
          segment.push(offset)
          offset += RECORD_HEADER_BYTES + record.payload.length
        }
      }
      segment.size = base + bytes
      segment.dirty = true
      this.#writeIndex += recordCount
      checkWrittenBatch(segment, this.#writeIndex - 1, offset, base + bytes)
      this.#countBatch(recordCount, bytes)
      await this.#afterWrite(segment, bytes)
      for (const item of batch) {
        item.resolve({ firstIndex: item.firstIndex, lastIndex: item.firstIndex + item.records.length - 1 })
      }
    } catch (error) {
      // Not swallowed, invariant or not: #fail stops the log and every waiter gets the error (an
      // invariant violation as itself).
      const failure = this.#fail(error)
      for (const item of batch) item.reject(failure)
    }
  }

  /**
   * A scratch buffer for one group-commit write, reused across writes (the device does not keep
   * it past `write`, and the next write waits for this one) to spare the allocator and the GC.
   */
  #writeBuffer(bytes: number): Uint8Array {
    if (this.#scratch.length < bytes) {
      this.#scratch = new Uint8Array(
        Math.min(Math.max(bytes, this.#scratch.length * 2), this.#options.writeBytesMax),
      )
    }
    return this.#scratch.length >= bytes ? this.#scratch.subarray(0, bytes) : new Uint8Array(bytes)
  }

  async #afterWrite(segment: Segment, bytes: number): Promise<void> {
    switch (this.#options.syncMode) {
      case 'always':
        await this.#syncSegment(segment)
        return
      case 'batch':
        this.#unsyncedBytes += bytes
        if (this.#unsyncedBytes >= this.#options.batchBytesMax) await this.#syncDirty()
        else if (!this.#batchTimer) {
          this.#batchTimer = this.#options.clock.setTimer(this.#options.batchIntervalMs, () => {
            this.#batchTimer = null
            // A device error stops the log and reaches every later call; a broken invariant
            // must not be dropped with it, so it goes on to the host as an unhandled rejection.
            if (!this.#closed && !this.#failure) this.sync().catch(rethrowInvariant)
          })
        }
        return
      case 'none':
        return
    }
  }

  /** The segment the next `bytes` go to: the active one, or a new one named `firstIndex`. */
  async #segmentFor(bytes: number, firstIndex: number): Promise<Segment> {
    const active = this.#segments[this.#segments.length - 1]
    if (
      active &&
      (active.size <= SEGMENT_HEADER_BYTES || active.size + bytes <= this.#options.segmentBytesMax)
    ) {
      return active
    }
    // A segment that is not the last must be complete on disk before a later one can exist.
    if (active?.dirty) await this.#syncSegment(active)
    const name = segmentName(firstIndex)
    const file = await this.#options.device.open(name, { create: true })
    await file.write(0, encodeSegmentHeader(firstIndex, this.#options.checksum))
    await file.sync()
    this.#counters.dataSyncs++
    await this.#syncDirectory()
    const segment = new Segment(name, firstIndex, file, SEGMENT_HEADER_BYTES, new Uint32Array(64), 0)
    this.#segments.push(segment)
    return segment
  }

  async #runControl(operation: Exclude<QueuedOperation, { kind: 'append' }>): Promise<void> {
    switch (operation.kind) {
      case 'sync':
        await this.#syncDirty()
        return
      case 'truncate':
        await this.#executeTruncate(operation.fromIndex)
        return
      case 'compact':
        await this.#executeCompact(operation.throughIndex)
        return
    }
  }

  async #executeTruncate(fromIndex: number): Promise<void> {
    // As for compaction: what precedes the cut is durable before the cut is.
    await this.#syncDirty()
    // Remove whole segments from the last one backwards, so a crash leaves a prefix of the log.
    for (let tail = this.#segments[this.#segments.length - 1]; tail && tail.firstIndex >= fromIndex; ) {
      await this.#removeSegment(tail)
      this.#segments.pop()
      await this.#syncDirectory()
      tail = this.#segments[this.#segments.length - 1]
    }
    const tail = this.#segments[this.#segments.length - 1]
    if (tail && tail.lastIndex >= fromIndex) {
      const size = tail.cutFrom(fromIndex)
      await tail.file.truncate(size)
      await this.#syncSegment(tail)
    }
    this.#writeIndex = fromIndex
  }

  async #executeCompact(throughIndex: number): Promise<void> {
    const firstIndex = throughIndex + 1
    if (firstIndex <= this.#deviceFirstIndex) return
    // In modes batch and none, earlier appends go to disk first: a durable compaction then implies
    // that everything before it is durable too, so what survives a crash is always a prefix of
    // the history of operations.
    await this.#syncDirty()
    // Where the record `firstIndex` starts when compacted records stay in front of it in its
    // segment: recovery then finds the live records without reading the compacted bytes, so
    // damage there can never cost a live record. The record is durable (synced above), and its
    // offset never changes: a later truncateSuffix(firstIndex) cuts the file exactly there, and
    // the next append writes the record at the same place (or rotates, and then the new segment
    // is named firstIndex and this one is obsolete).
    let liveStart: LiveStart | null = null
    if (firstIndex < this.#writeIndex) {
      const holder = this.#segmentOf(firstIndex)
      if (holder.firstIndex < firstIndex) {
        liveStart = { segmentFirstIndex: holder.firstIndex, offset: holder.offsetOf(firstIndex) }
      }
    }
    // The new first index is durable before any segment goes, so no compacted record comes back.
    checkLiveStart(liveStart, firstIndex)
    await this.#metaFile.save(encodeMeta(firstIndex, liveStart))
    this.#counters.directorySyncs++
    this.#deviceFirstIndex = firstIndex
    let removed = false
    while (this.#segments.length > 0) {
      const head = this.#segments[0] as Segment
      const next = this.#segments[1]
      const wholyCompacted = next ? next.firstIndex <= firstIndex : head.lastIndex < firstIndex
      if (!wholyCompacted) break
      await this.#removeSegment(head)
      this.#segments.shift()
      removed = true
    }
    if (removed) await this.#syncDirectory()
    if (this.#writeIndex < firstIndex) this.#writeIndex = firstIndex
  }

  async #removeSegment(segment: Segment): Promise<void> {
    await segment.file.close()
    await this.#options.device.remove(segment.name)
  }

  async #syncSegment(segment: Segment): Promise<void> {
    await segment.file.sync()
    segment.dirty = false
    this.#counters.dataSyncs++
  }

  async #syncDirty(): Promise<void> {
    this.#batchTimer?.cancel()
    this.#batchTimer = null
    for (const segment of this.#segments) if (segment.dirty) await this.#syncSegment(segment)
    this.#unsyncedBytes = 0
  }

  async #syncDirectory(): Promise<void> {
    await this.#options.device.syncDirectory()
    this.#counters.directorySyncs++
  }

  #countBatch(records: number, bytes: number): void {
    const c = this.#counters
    c.batches++
    c.batchRecords += records
    c.recordsAppended += records
    c.bytesWritten += bytes
    if (records > c.maxRecords) c.maxRecords = records
    const bucket = Math.min(HISTOGRAM_BUCKETS - 1, Math.floor(Math.log2(records)))
    this.#histogram[bucket] = (this.#histogram[bucket] as number) + 1
  }

  /**
   * Stops the log after a device error; returns the error every waiter gets. A broken invariant
   * stops it too, but reaches every waiter as itself, never wrapped as a device error.
   */
  #fail(error: unknown): WalFailedError | InvariantError {
    if (!this.#failure) {
      this.#failure =
        error instanceof WalFailedError || isInvariantError(error) ? error : new WalFailedError(error)
      this.#batchTimer?.cancel()
      this.#batchTimer = null
      const pending = this.#queue.splice(0)
      for (const operation of pending) operation.reject(this.#failure)
    }
    return this.#failure
  }

  #segmentOf(index: number): Segment {
    let low = 0
    let high = this.#segments.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if ((this.#segments[middle] as Segment).firstIndex <= index) low = middle
      else high = middle - 1
    }
    const segment = this.#segments[low]
    assert(segment !== undefined, `index ${index} is in no segment: the log has none`)
    assert(index >= segment.firstIndex, `index ${index} precedes every segment`)
    assert(index <= segment.lastIndex, `index ${index} is past the end of ${segment.name}`)
    return segment
  }
}
