/**
 * The node's durable delta streams (design.md, "Eventual writes: sealed delta streams"): the
 * writer's own stream of this start, and the batches of other writers' streams it received. Each
 * stream is a WAL of its own whose record index is the batch's sequence, so a stream is pruned by
 * compacting its own prefix and forgotten by removing its own files; all streams share one device.
 *
 * Written against the WAL's device interface only (no `node:*`): the same code runs on a
 * `FileDevice` in a node and on a crashable `MemoryDevice` in tests and the simulator.
 */
import { assert } from '@tandem/base'
import {
  type BlockDevice,
  type Checksum,
  openWal,
  type Wal,
  WalClosedError,
  WalCorruptionError,
  type WalOptions,
} from '@tandem/wal/pure'
import { BacklogFullError } from '../compose/errors.js'
import { parseStreamId, type StreamId } from '../core/ids.js'
import {
  DeltaBatchTooLargeError,
  DeltaStreamCorruptionError,
  OwnStreamExistsError,
  PruneNotCoveredError,
} from '../errors.js'
import { PrefixedDevice } from './prefixed-device.js'

/** The WAL record type of a delta batch (the only one a stream holds). */
const BATCH_RECORD_TYPE = 1
/** Separates a stream id from its WAL's file names (a stream id never contains it). */
const STREAM_SEPARATOR = '~'
const MIB = 1024 * 1024

/** Options of {@link DeltaStreamStore.open}. */
export interface DeltaStreamStoreOptions {
  /** The device (directory) that holds every stream and nothing else. */
  readonly device: BlockDevice
  /** This start's own stream (`key.incarnation.0`): it must not exist on the device yet. */
  readonly ownStream: StreamId
  /** Bytes of unfolded batches, own and received, at which local appends are refused. */
  readonly eventualBacklogBytesMax: number
  /** The largest batch stored (default 4 MiB); also the WAL's record limit when reading back. */
  readonly batchBytesMax?: number
  /** Each stream's WAL segment size (default 8 MiB). */
  readonly segmentBytesMax?: number
  /** CRC-32 for the WAL (default its pure one; pass `nodeCrc32` on Node). */
  readonly checksum?: Checksum
  /** The WAL's group-commit deferral (default a microtask; the simulator injects its own). */
  readonly defer?: (run: () => void) => void
}

/** One batch of a stream, as {@link DeltaStreamStore.read} returns it. */
export interface StreamBatch {
  readonly sequence: number
  readonly bytes: Uint8Array
}

/**
 * What {@link DeltaStreamStore.storeReceived} did: `stored` (durable now), `duplicate` (at or below
 * what the stream holds or has folded: nothing to do), `gap` (not the next sequence: refused, fetch
 * the missing ones first), `own` (this start's own stream: only its writer appends to it).
 */
export type ReceiveOutcome = 'stored' | 'duplicate' | 'gap' | 'own'

/**
 * Where a fold stands against what a crash keeps: the index of the log entry that folded the
 * batches, the commit index the Raft storage has persisted (`WalLogStorage.persistedCommitIndex`)
 * and the index of the newest durable snapshot (0 when none).
 */
export interface FoldCoverage {
  readonly foldIndex: number
  readonly persistedCommitIndex: number
  readonly snapshotIndex?: number
}

/** A stream the store holds, as {@link DeltaStreamStore.streams} lists it. */
export interface HeldStream {
  readonly stream: StreamId
  /** The first sequence held (above `heldThrough` when the stream holds no batch). */
  readonly firstHeld: number
  readonly heldThrough: number
}

interface StreamState {
  readonly id: StreamId
  readonly wal: Wal
  /** Sizes of the batches held, from sequence `first` on, including appends not yet durable. */
  sizes: number[]
  first: number
  /** Highest sequence durable (`first - 1` when none): only these are served. */
  durableThrough: number
  /** Appends issued and not yet settled (the stream's files are removed only when none are). */
  inFlight: number
  /** The last append issued: a duplicate receipt waits for it before it answers. */
  tail: Promise<unknown>
}

/**
 * The durable delta streams of one node.
 *
 * - `appendOwn` gives a batch the next sequence of the own stream and resolves once it is fsynced
 *   (appends issued together share one write and one fsync): an eventual write is acknowledged only
 *   then, and no batch is served (`read`) before it. A crash between sealing and the fsync reuses
 *   nothing: the next start opens a new stream (a new incarnation), and opening refuses an own
 *   stream that already exists.
 * - `storeReceived` persists other writers' batches strictly in order per stream.
 * - `prune` drops folded batches only once the fold is covered by the persisted commit index or a
 *   snapshot; it throws {@link PruneNotCoveredError} otherwise.
 * - At open every stream's batches come back in order, a torn tail cut, corruption a
 *   {@link DeltaStreamCorruptionError}. Folded high-waters are C's: note them with `noteFolded`.
 *
 * @example
 * ```ts
 * import { MemoryDevice } from '@tandem/wal/pure'
 * const store = await DeltaStreamStore.open({ device: new MemoryDevice(), ownStream, eventualBacklogBytesMax: 64 << 20 })
 * const sequence = await store.appendOwn((sequence) => sealBatch(sequence, deltas)) // durable now
 * console.log(await store.read(ownStream, sequence, 1 << 20))
 * ```
 */
export class DeltaStreamStore {
  readonly #device: BlockDevice
  readonly #walOptions: Omit<WalOptions, 'device'>
  readonly #batchBytesMax: number
  readonly #backlogBytesMax: number
  readonly #streams = new Map<StreamId, StreamState>()
  /** Folded high-water h per stream, as noted by the caller (kept after a stream's files go). */
  readonly #folded = new Map<StreamId, number>()
  /** Per stream: creation or removal of its WAL in progress (receipts wait for it). */
  readonly #gates = new Map<StreamId, Promise<unknown>>()
  #own: StreamState
  #pendingBytes = 0
  #closed = false

  private constructor(
    device: BlockDevice,
    walOptions: Omit<WalOptions, 'device'>,
    batchBytesMax: number,
    backlogBytesMax: number,
    own: StreamState,
  ) {
    this.#device = device
    this.#walOptions = walOptions
    this.#batchBytesMax = batchBytesMax
    this.#backlogBytesMax = backlogBytesMax
    this.#own = own
  }

  /** Opens the store: recovers every stream on the device, then starts `ownStream` empty. */
  static async open(options: DeltaStreamStoreOptions): Promise<DeltaStreamStore> {
    const batchBytesMax = options.batchBytesMax ?? 4 * MIB
    assert(Number.isSafeInteger(batchBytesMax) && batchBytesMax > 0, 'DeltaStreamStore: bad batchBytesMax')
    assert(
      Number.isSafeInteger(options.eventualBacklogBytesMax) && options.eventualBacklogBytesMax > 0,
      'DeltaStreamStore: bad eventualBacklogBytesMax',
    )
    assert(parseStreamId(options.ownStream) !== null, 'DeltaStreamStore: ownStream is not a stream id')
    const walOptions: Omit<WalOptions, 'device'> = {
      recordBytesMax: batchBytesMax,
      segmentBytesMax: options.segmentBytesMax ?? 8 * MIB,
      syncMode: 'always',
      corruptionPolicy: 'refuse',
      ...(options.checksum === undefined ? {} : { checksum: options.checksum }),
      ...(options.defer === undefined ? {} : { defer: options.defer }),
    }
    const names = await options.device.list()
    const found = new Set<StreamId>()
    for (const name of names) {
      const separator = name.indexOf(STREAM_SEPARATOR)
      const stream = separator < 0 ? null : name.slice(0, separator)
      if (stream === null || parseStreamId(stream) === null) {
        throw new DeltaStreamCorruptionError(name, 'a file that belongs to no delta stream')
      }
      found.add(stream as StreamId)
    }
    if (found.has(options.ownStream)) {
      throw new OwnStreamExistsError('the own stream of this start already exists: draw a new incarnation')
    }
    const recovered: StreamState[] = []
    for (const stream of [...found].sort()) {
      const state = await recoverStream(options.device, walOptions, stream)
      if (state === null) await removeStreamFiles(options.device, stream)
      else recovered.push(state)
    }
    const own = await createStream(options.device, walOptions, options.ownStream, 1)
    const store = new DeltaStreamStore(
      options.device,
      walOptions,
      batchBytesMax,
      options.eventualBacklogBytesMax,
      own,
    )
    store.#streams.set(own.id, own)
    for (const state of recovered) {
      store.#streams.set(state.id, state)
      for (const size of state.sizes) store.#pendingBytes += size
    }
    return store
  }

  /** The own stream appends go to: this start's first, then each rollover's ({@link startOwnStream}). */
  get ownStream(): StreamId {
    return this.#own.id
  }

  /**
   * Bytes of held batches above their stream's noted folded high-water — the backlog that
   * `eventualBacklogBytesMax` bounds (own appends not yet durable included).
   */
  pendingBytes(): number {
    return this.#pendingBytes
  }

  /** Whether the backlog is at its bound: stop pulling inbound batches (never drop one). */
  backlogFull(): boolean {
    return this.#pendingBytes >= this.#backlogBytesMax
  }

  /**
   * Appends a batch to the own stream and resolves with its sequence once it is durable. `batch`
   * is the batch's bytes or a function that seals them for the sequence it is given (the signed
   * header names the sequence); it is called at once. Refused with `BacklogFullError` when the
   * backlog is at `eventualBacklogBytesMax` (checked before sealing, so a batch once sealed is
   * always appended and its sequence never handed out again; the last one admitted may take the
   * backlog past the bound by its size). A batch over `batchBytesMax` is refused with
   * {@link DeltaBatchTooLargeError} before anything is written (its sequence then goes to the next
   * batch: the refused one was neither stored nor sent).
   */
  appendOwn(batch: Uint8Array | ((sequence: number) => Uint8Array)): Promise<number> {
    if (this.#closed) return Promise.reject(new WalClosedError())
    const own = this.#own
    if (this.#pendingBytes >= this.#backlogBytesMax) {
      return Promise.reject(new BacklogFullError('the eventual backlog is full'))
    }
    // No await from here to the append: the WAL hands out index `lastIndex + 1` synchronously, and
    // that index is the sequence the sealer was given.
    const sequence = own.wal.lastIndex + 1
    let bytes: Uint8Array
    try {
      bytes = typeof batch === 'function' ? batch(sequence) : batch
    } catch (error) {
      return Promise.reject(error)
    }
    if (bytes.length > this.#batchBytesMax) {
      return Promise.reject(new DeltaBatchTooLargeError(`a batch of ${bytes.length} bytes`))
    }
    return this.#append(own, sequence, bytes).then(() => sequence)
  }

  /**
   * Persists batch `sequence` of another writer's stream; resolves once it is durable.
   * `foldedHighWater` is the stream's h in C (0 when none): the first batch of a stream the store
   * does not hold must be h + 1, every later one the next sequence. A stream whose h has passed
   * everything it holds answers `gap` for h + 1 until those folded batches are pruned (its WAL
   * cannot skip sequences, and dropping them early is exactly what `prune` guards against); the
   * fold's batches are served from the Raft log meanwhile.
   */
  async storeReceived(
    stream: StreamId,
    sequence: number,
    bytes: Uint8Array,
    foldedHighWater: number,
  ): Promise<ReceiveOutcome> {
    assert(Number.isSafeInteger(sequence) && sequence >= 1, 'storeReceived: sequence must be ≥ 1')
    assert(Number.isSafeInteger(foldedHighWater) && foldedHighWater >= 0, 'storeReceived: bad high-water')
    assert(parseStreamId(stream) !== null, 'storeReceived: not a stream id')
    if (bytes.length > this.#batchBytesMax)
      throw new DeltaBatchTooLargeError(`a batch of ${bytes.length} bytes`)
    this.#checkOpen()
    if (stream === this.#own.id) return 'own'
    this.noteFolded(stream, foldedHighWater)
    await this.#gates.get(stream)
    this.#checkOpen()
    const folded = this.#folded.get(stream) ?? 0
    let state = this.#streams.get(stream)
    if (state === undefined) {
      if (sequence <= folded) return 'duplicate'
      if (sequence !== folded + 1) return 'gap'
      const opening = createStream(this.#device, this.#walOptions, stream, sequence)
      this.#gates.set(stream, opening)
      try {
        state = await opening
      } finally {
        this.#gates.delete(stream)
      }
      this.#checkOpen()
      this.#streams.set(stream, state)
    }
    const next = state.wal.lastIndex + 1
    if (sequence < next || sequence <= folded) {
      // Answer only once what the stream already holds is durable: an acknowledgement of a
      // duplicate must mean the same as one of the original.
      await state.tail.catch(() => undefined)
      return 'duplicate'
    }
    if (sequence !== next) return 'gap'
    await this.#append(state, sequence, bytes)
    return 'stored'
  }

  /** max(highest durable contiguous sequence held, noted folded high-water) of a stream. */
  heldThrough(stream: StreamId): number {
    const folded = this.#folded.get(stream) ?? 0
    const state = this.#streams.get(stream)
    return state === undefined ? folded : Math.max(state.durableThrough, folded)
  }

  /** The streams held, with their first sequence held and held-through. */
  streams(): HeldStream[] {
    return [...this.#streams.values()].map((state) => ({
      stream: state.id,
      firstHeld: state.first,
      heldThrough: this.heldThrough(state.id),
    }))
  }

  /**
   * The anti-entropy summary: every stream whose held-through is above its noted folded high-water
   * (a stream left out reads as its h, so a fully folded stream costs nothing).
   */
  summary(): { readonly stream: StreamId; readonly heldThrough: number }[] {
    const summary: { readonly stream: StreamId; readonly heldThrough: number }[] = []
    for (const state of this.#streams.values()) {
      if (state.durableThrough > (this.#folded.get(state.id) ?? 0)) {
        summary.push({ stream: state.id, heldThrough: state.durableThrough })
      }
    }
    return summary
  }

  /**
   * Durable batches of `stream` from `fromSequence` on, in order, up to `bytesMax` of batch bytes
   * (always at least one when any is held there). Empty when `fromSequence` is not held (pruned,
   * not yet received, or not yet durable).
   */
  async read(stream: StreamId, fromSequence: number, bytesMax: number): Promise<StreamBatch[]> {
    this.#checkOpen()
    const state = this.#streams.get(stream)
    if (state === undefined || fromSequence < state.first || fromSequence > state.durableThrough) return []
    const records = await state.wal.readRange(fromSequence, state.durableThrough + 1, {
      payloadBytesMax: bytesMax,
    })
    return records.map((record) => ({ sequence: record.index, bytes: record.payload.slice() }))
  }

  /**
   * Notes the stream's folded high-water h from C: batches at or below it stop counting toward
   * the backlog (they stay on disk until {@link prune} may drop them).
   */
  noteFolded(stream: StreamId, highWater: number): void {
    assert(Number.isSafeInteger(highWater) && highWater >= 0, 'noteFolded: bad high-water')
    const before = this.#folded.get(stream) ?? 0
    if (highWater <= before) return
    this.#folded.set(stream, highWater)
    const state = this.#streams.get(stream)
    if (state === undefined) return
    const from = Math.max(before + 1, state.first)
    const through = Math.min(highWater, state.first + state.sizes.length - 1)
    for (let sequence = from; sequence <= through; sequence++) {
      this.#pendingBytes -= state.sizes[sequence - state.first] as number
    }
  }

  /**
   * Drops the batches of `stream` through `throughSequence`, which the log entry at
   * `coverage.foldIndex` folded. Only a fold that a crash cannot take back may be pruned: the
   * entry must be at or below the persisted commit index or the newest snapshot, else this throws
   * {@link PruneNotCoveredError} and changes nothing (the lazy commit index trap: a fold applied
   * but not yet persisted as committed). Resolves with the number of batches dropped, once the
   * drop is durable; a stream with nothing left that is not the own one loses its files.
   */
  async prune(stream: StreamId, throughSequence: number, coverage: FoldCoverage): Promise<number> {
    assert(Number.isSafeInteger(throughSequence) && throughSequence >= 0, 'prune: bad sequence')
    assert(Number.isSafeInteger(coverage.foldIndex) && coverage.foldIndex >= 1, 'prune: bad fold index')
    const covered = Math.max(coverage.persistedCommitIndex, coverage.snapshotIndex ?? 0)
    if (coverage.foldIndex > covered) {
      throw new PruneNotCoveredError(
        `the fold at index ${coverage.foldIndex} is above the persisted commit index and snapshot (${covered})`,
      )
    }
    this.#checkOpen()
    this.noteFolded(stream, throughSequence)
    await this.#gates.get(stream)
    const state = this.#streams.get(stream)
    if (state === undefined) return 0
    const last = state.first + state.sizes.length - 1
    const through = Math.min(throughSequence, last)
    const dropped = Math.max(0, through - state.first + 1)
    if (dropped === 0) return 0
    // Dropped batches are all at or below the noted high-water: they no longer count already.
    state.sizes = state.sizes.slice(dropped)
    state.first = through + 1
    if (state !== this.#own && state.sizes.length === 0 && state.inFlight === 0) {
      this.#streams.delete(stream)
      const removal = (async () => {
        await state.wal.compactPrefix(through)
        await state.wal.close()
        await removeStreamFiles(this.#device, stream)
      })()
      this.#gates.set(stream, removal)
      try {
        await removal
      } finally {
        this.#gates.delete(stream)
      }
    } else {
      await state.wal.compactPrefix(through)
    }
    return dropped
  }

  /**
   * Moves the own stream to the next dot rollover of the same incarnation (`key.incarnation.n+1`,
   * the writer's next CRDT id): later `appendOwn` calls append there, from sequence 1. The previous
   * own stream is kept and served like any other stream (its appends in flight still settle) until
   * folded and pruned. A crash after the move needs nothing more: the next start draws a new
   * incarnation, and both streams of this one come back at open like any held stream (an empty one
   * is removed).
   */
  async startOwnStream(stream: StreamId): Promise<void> {
    this.#checkOpen()
    const parsed = parseStreamId(stream)
    const current = parseStreamId(this.#own.id)
    assert(parsed !== null && current !== null, 'startOwnStream: not a stream id')
    if (
      this.#streams.has(stream) ||
      (await new PrefixedDevice(this.#device, prefixOf(stream)).list()).length > 0
    ) {
      throw new OwnStreamExistsError('a new own stream must not exist yet')
    }
    assert(
      parsed.key === current.key &&
        parsed.incarnation === current.incarnation &&
        parsed.rollover === current.rollover + 1,
      'startOwnStream: the next own stream is n + 1 of the same key and incarnation',
    )
    const state = await createStream(this.#device, this.#walOptions, stream, 1)
    this.#streams.set(stream, state)
    this.#own = state
  }

  /** Closes every stream's WAL (after the appends in flight settle). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.allSettled([...this.#gates.values()])
    for (const state of this.#streams.values()) await state.wal.close()
  }

  #append(state: StreamState, sequence: number, bytes: Uint8Array): Promise<void> {
    assert(sequence === state.wal.lastIndex + 1, 'DeltaStreamStore: append out of order')
    assert(sequence === state.first + state.sizes.length, 'DeltaStreamStore: sizes out of step')
    state.sizes.push(bytes.length)
    if (sequence > (this.#folded.get(state.id) ?? 0)) this.#pendingBytes += bytes.length
    state.inFlight++
    const append = state.wal.append([{ type: BATCH_RECORD_TYPE, payload: bytes }]).then(
      (result) => {
        assert(result.firstIndex === sequence, 'DeltaStreamStore: the WAL gave another index')
        state.inFlight--
        if (sequence > state.durableThrough) state.durableThrough = sequence
      },
      (error: unknown) => {
        state.inFlight--
        throw error
      },
    )
    state.tail = append
    return append
  }

  #checkOpen(): void {
    if (this.#closed) throw new WalClosedError()
  }
}

function prefixOf(stream: StreamId): string {
  return stream + STREAM_SEPARATOR
}

async function createStream(
  device: BlockDevice,
  walOptions: Omit<WalOptions, 'device'>,
  stream: StreamId,
  firstSequence: number,
): Promise<StreamState> {
  const wal = await openWal({
    ...walOptions,
    device: new PrefixedDevice(device, prefixOf(stream)),
    firstIndex: firstSequence,
  })
  return {
    id: stream,
    wal,
    sizes: [],
    first: wal.firstIndex,
    durableThrough: wal.firstIndex - 1,
    inFlight: 0,
    tail: Promise.resolve(),
  }
}

/** Opens a stream found on the device; `null` when it holds no batch (its files can go). */
async function recoverStream(
  device: BlockDevice,
  walOptions: Omit<WalOptions, 'device'>,
  stream: StreamId,
): Promise<StreamState | null> {
  let wal: Wal
  try {
    wal = await openWal({ ...walOptions, device: new PrefixedDevice(device, prefixOf(stream)) })
  } catch (error) {
    if (error instanceof WalCorruptionError) {
      throw new DeltaStreamCorruptionError(stream, error.message, { cause: error })
    }
    throw error
  }
  const sizes: number[] = []
  let expected = wal.firstIndex
  for await (const record of wal.records()) {
    if (record.type !== BATCH_RECORD_TYPE || record.index !== expected) {
      await wal.close()
      throw new DeltaStreamCorruptionError(stream, `record ${record.index} is not a delta batch in order`)
    }
    sizes.push(record.payload.length)
    expected++
  }
  if (sizes.length === 0) {
    await wal.close()
    return null
  }
  return {
    id: stream,
    wal,
    sizes,
    first: wal.firstIndex,
    durableThrough: wal.lastIndex,
    inFlight: 0,
    tail: Promise.resolve(),
  }
}

/**
 * Removes a stream's files: segments first, then (after a directory sync) the metadata, so a crash
 * part-way leaves either nothing or a log whose first index is past every record left — an empty
 * stream, removed at the next open.
 */
async function removeStreamFiles(device: BlockDevice, stream: StreamId): Promise<void> {
  const files = new PrefixedDevice(device, prefixOf(stream))
  const names = await files.list()
  const isMeta = (name: string) => name.startsWith('wal.meta')
  for (const name of names) if (!isMeta(name)) await files.remove(name)
  await files.syncDirectory()
  for (const name of names) if (isMeta(name)) await files.remove(name)
  await files.syncDirectory()
}
