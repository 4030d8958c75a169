/**
 * The node's delta streams as `/tandem/streams/1` sees them: `@tandem/transport`'s `StreamStore`
 * over a {@link DeltaStreamStore} and C's public layer (design.md, "Eventual writes: sealed delta
 * streams" and "Folding into the Raft log"). The transport moves opaque bytes; this adapter applies
 * the receipt rules, reads held-through and folds from C, and prunes only what a crash cannot need.
 *
 * On the wire a batch is its stored record payload (`stored-batch-codec`: epoch, signature, sealed
 * bytes); its sequence travels beside it in the frame, as it is the record index on disk. So a
 * batch is served exactly as it sits on disk, and decoded (with limits) only at receipt.
 *
 * No `node:*`: the simulator can run it over its own devices and network.
 */
import { assert, type Logger, silentLogger } from '@tandem/base'
import type { FoldedAnswer, StreamAcceptOutcome, StreamHeldThrough, StreamStore } from '@tandem/transport'
import type { FoldedBatchHeader } from '../core/control.js'
import { parseStreamId, type StreamId } from '../core/ids.js'
import type { BatchSignatureCheck, ControlOutcome, PublicLayer } from '../core/public-layer.js'
import { DeltaBatchTooLargeError, DeltaStreamCorruptionError } from '../errors.js'
import type { DeltaStreamStore, StreamBatch } from './delta-stream-store.js'
import { decodeStoredBatch, encodeStoredBatch } from './stored-batch-codec.js'

/** What the adapter reads of C: its public layer (standing, cutoffs, high-waters, applied index). */
export type StreamStoreCommitted = Pick<PublicLayer, 'membership' | 'highWaters' | 'cutoff' | 'appliedIndex'>

/** Options of {@link StreamStoreAdapter}. */
export interface StreamStoreAdapterOptions {
  /** The node's durable delta streams. */
  readonly store: DeltaStreamStore
  /** C's public layer (`committed.public`), read at every call: never a copy. */
  readonly committed: StreamStoreCommitted
  /**
   * The node's check of an eventual batch's signature and signed header against its stream's key
   * (the sealing layer's `checks`; `unverifiedSignatures` under the null envelope). Runs before a
   * byte is stored.
   */
  readonly batchCheck: BatchSignatureCheck
  /** The commit index the Raft storage has persisted (`() => walLogStorage.persistedCommitIndex`). */
  readonly persistedCommitIndex: () => number
  /** The index of the newest durable snapshot (0 when none; default none). */
  readonly snapshotIndex?: () => number
  /** Called once a received batch is durable here (`NodeCore.receiveBatch`: it becomes pending). */
  readonly onStored?: (stream: StreamId, batch: FoldedBatchHeader) => void
  /** Logs refusals (stream ids, sequences and reasons; never batch bytes). */
  readonly logger?: Logger
}

/** Counters of {@link StreamStoreAdapter}. */
export interface StreamStoreAdapterStats {
  stored: number
  duplicates: number
  gaps: number
  unknownKey: number
  aboveCutoff: number
  backlogFull: number
  /** Batches that did not decode or failed the batch check (answered `unknown-key`), by reason. */
  readonly invalid: Map<string, number>
  /** Batches dropped by {@link StreamStoreAdapter.pruneFolded}. */
  pruned: number
  /** Streams a prune pass left alone because their fold is not yet covered by the persisted commit. */
  pruneWaiting: number
}

/** A point where a stream's h moved: h and an index at or above the Raft entry that folded it. */
interface FoldPoint {
  readonly highWater: number
  readonly index: number
}

/**
 * `StreamStore` for `createStreamSyncService`, on the node's delta streams and C.
 *
 * - `accept` (design.md, "At receipt"): the node's own stream → `duplicate` (only its writer
 *   appends to it); a key C never admitted (or not a stream id) → `unknown-key`, not stored;
 *   above the stream's cutoff → `above-cutoff`, not stored, counted; at or below what is held or
 *   folded → `duplicate`; backlog at its bound → `backlog-full` (nothing held is ever dropped);
 *   a batch that does not decode or fails the batch check → `unknown-key` (the transport has no
 *   outcome of its own for it; it is not stored, counted by reason, and the sender's copy is
 *   fetched again by anti-entropy); otherwise stored in order (`gap` past a hole) and handed to
 *   `onStored` once durable.
 * - `summary`: per held stream, held-through = max(contiguous durable held, C's h); streams held
 *   only through h are left out.
 * - `read`: durable batches only (the store serves nothing before its fsync).
 * - `foldedAnswer`: C's h and the index of the entry that folded through it (an index at or after
 *   it when the fold was not seen as it applied).
 * - `pruneFolded`: drops folded batches only once their fold is covered by the persisted commit
 *   index or a snapshot — never on the applied index alone (the lazy commit index trap).
 *
 * Call {@link noteApplied} after each committed entry applies (`NodeCore`'s `onApplied`), so fold
 * indices are exact and the backlog shrinks as folds land.
 *
 * @example
 * ```ts
 * import { createStreamSyncService } from '@tandem/transport'
 * import { StreamStoreAdapter } from '@tandem/node'
 * const adapter = new StreamStoreAdapter({
 *   store, committed: core.committed.public, batchCheck: sealing.checks,
 *   persistedCommitIndex: () => storage.persistedCommitIndex,
 *   onStored: (stream, batch) => core.receiveBatch(stream, batch),
 * })
 * const service = await createStreamSyncService(host, adapter)
 * // NodeCore options: onApplied: (entry) => adapter.noteApplied(entry)
 * setInterval(() => void adapter.pruneFolded(), 1_000)
 * ```
 */
export class StreamStoreAdapter implements StreamStore {
  readonly #store: DeltaStreamStore
  readonly #committed: StreamStoreCommitted
  readonly #batchCheck: BatchSignatureCheck
  readonly #persistedCommitIndex: () => number
  readonly #snapshotIndex: () => number
  readonly #onStored: ((stream: StreamId, batch: FoldedBatchHeader) => void) | undefined
  readonly #logger: Logger
  /** Per stream, the fold points not yet pruned, h ascending (the last one is the current h). */
  readonly #folds = new Map<StreamId, FoldPoint[]>()
  readonly #stats: StreamStoreAdapterStats = {
    stored: 0,
    duplicates: 0,
    gaps: 0,
    unknownKey: 0,
    aboveCutoff: 0,
    backlogFull: 0,
    invalid: new Map(),
    pruned: 0,
    pruneWaiting: 0,
  }
  #pruning: Promise<number> | null = null

  constructor(options: StreamStoreAdapterOptions) {
    this.#store = options.store
    this.#committed = options.committed
    this.#batchCheck = options.batchCheck
    this.#persistedCommitIndex = options.persistedCommitIndex
    this.#snapshotIndex = options.snapshotIndex ?? (() => 0)
    this.#onStored = options.onStored
    this.#logger = options.logger ?? silentLogger
    this.observeFolds()
  }

  /**
   * The bytes `/tandem/streams/1` carries for a batch — its stored record, as `read` serves it —
   * for `service.publish` of an own batch once it is durable (`NodeCore`'s `onBatchDurable`).
   *
   * @example
   * ```ts
   * onBatchDurable: (stream, batch) => service.publish(stream, batch.sequence, StreamStoreAdapter.wireBytes(batch))
   * ```
   */
  static wireBytes(batch: FoldedBatchHeader): Uint8Array {
    return encodeStoredBatch(batch)
  }

  /** The adapter's counters (live). */
  stats(): Readonly<StreamStoreAdapterStats> {
    return this.#stats
  }

  summary(): readonly StreamHeldThrough[] {
    const summary: StreamHeldThrough[] = []
    for (const { stream } of this.#store.streams()) {
      const highWater = this.#committed.highWaters.highWater(stream)
      const heldThrough = this.heldThrough(stream)
      if (heldThrough > highWater) summary.push({ stream, heldThrough })
    }
    return summary
  }

  heldThrough(stream: string): number {
    if (parseStreamId(stream) === null) return 0
    const id = stream as StreamId
    return Math.max(this.#store.heldThrough(id), this.#committed.highWaters.highWater(id))
  }

  async read(stream: string, fromSequence: number, bytesMax: number): Promise<readonly StreamBatch[]> {
    if (parseStreamId(stream) === null) return []
    return this.#store.read(stream as StreamId, fromSequence, bytesMax)
  }

  foldedAnswer(stream: string): FoldedAnswer | null {
    if (parseStreamId(stream) === null) return null
    const point = this.#currentFold(stream as StreamId)
    return point === null ? null : { highWater: point.highWater, index: point.index }
  }

  backlogFull(): boolean {
    return this.#store.backlogFull()
  }

  async accept(stream: string, sequence: number, bytes: Uint8Array): Promise<StreamAcceptOutcome> {
    const outcome = await this.#accept(stream, sequence, bytes)
    switch (outcome) {
      case 'stored':
        this.#stats.stored++
        break
      case 'duplicate':
        this.#stats.duplicates++
        break
      case 'gap':
        this.#stats.gaps++
        break
      case 'unknown-key':
        this.#stats.unknownKey++
        break
      case 'above-cutoff':
        this.#stats.aboveCutoff++
        break
      case 'backlog-full':
        this.#stats.backlogFull++
        break
    }
    return outcome
  }

  /**
   * Records the folds of a committed entry just applied to C (pass `NodeCore`'s `onApplied` entry):
   * streams whose h moved get the entry's index as their fold index, and their folded batches stop
   * counting toward the backlog. Entries without an applied fold cost nothing.
   */
  noteApplied(entry: { readonly controls: readonly ControlOutcome[] }): void {
    const folded = entry.controls.some(
      (outcome) => outcome.applied && outcome.folds?.some((run) => run.applied.length > 0) === true,
    )
    if (folded) this.observeFolds()
  }

  /**
   * Compares every stream's h in C with the folds recorded and records the moves at C's current
   * applied index — the exact fold index when called as each entry applies, and never below it
   * otherwise (so a late call can only delay a prune, never allow an early one).
   */
  observeFolds(): void {
    const index = this.#committed.appliedIndex
    for (const [stream, highWater] of this.#committed.highWaters.entries()) {
      const points = this.#folds.get(stream)
      const last = points?.[points.length - 1]
      if (last !== undefined && last.highWater >= highWater) continue
      if (points === undefined) this.#folds.set(stream, [{ highWater, index }])
      else points.push({ highWater, index })
      this.#store.noteFolded(stream, highWater)
    }
  }

  /**
   * Drops folded batches of every held stream, through the highest h whose fold entry is at or
   * below the persisted commit index (or the newest snapshot). A fold applied here but whose commit
   * is not yet persisted prunes nothing: after a crash the log could need those batches again.
   * Resolves with the number of batches dropped. Passes never overlap (a second call waits for
   * the first and runs again).
   */
  async pruneFolded(): Promise<number> {
    while (this.#pruning !== null) await this.#pruning.catch(() => undefined)
    const pass = this.#prunePass()
    this.#pruning = pass
    try {
      return await pass
    } finally {
      this.#pruning = null
    }
  }

  async #prunePass(): Promise<number> {
    this.observeFolds()
    let dropped = 0
    for (const { stream, firstHeld } of this.#store.streams()) {
      const points = this.#folds.get(stream)
      if (points === undefined) continue
      const persistedCommitIndex = this.#persistedCommitIndex()
      const snapshotIndex = this.#snapshotIndex()
      const covered = Math.max(persistedCommitIndex, snapshotIndex)
      let through: FoldPoint | null = null
      let uncovered = 0
      for (const point of points) {
        if (point.index <= covered) through = point
        else uncovered++
      }
      if (uncovered > 0) this.#stats.pruneWaiting++
      if (through === null) continue
      // The rule itself, checked here as well as by the store: only a fold a crash cannot take back.
      assert(through.index <= covered, 'pruneFolded: a fold above the persisted commit index')
      if (through.highWater >= firstHeld) {
        dropped += await this.#store.prune(stream, through.highWater, {
          foldIndex: through.index,
          persistedCommitIndex,
          snapshotIndex,
        })
      }
      // Points at or below the pruned h are done; the current h is kept for `foldedAnswer`.
      const remaining = points.filter((point) => point.highWater > through.highWater)
      this.#folds.set(stream, remaining.length > 0 ? remaining : [through])
    }
    this.#stats.pruned += dropped
    return dropped
  }

  /** C's h of `stream` with its fold index; `null` when nothing of it is folded. */
  #currentFold(stream: StreamId): FoldPoint | null {
    const highWater = this.#committed.highWaters.highWater(stream)
    if (highWater === 0) return null
    const points = this.#folds.get(stream)
    const last = points?.[points.length - 1]
    if (last !== undefined && last.highWater === highWater) return last
    this.observeFolds()
    const seen = this.#folds.get(stream)
    return seen?.[seen.length - 1] ?? null
  }

  async #accept(stream: string, sequence: number, bytes: Uint8Array): Promise<StreamAcceptOutcome> {
    const parsed = parseStreamId(stream)
    if (parsed === null) return this.#invalid(stream, sequence, 'not a stream id')
    const id = stream as StreamId
    if (id === this.#store.ownStream) return 'duplicate'
    const committed = this.#committed
    if (committed.membership.standing(parsed.key) === undefined) return 'unknown-key'
    const cutoff = committed.cutoff(id)
    if (cutoff !== null && sequence > cutoff) {
      this.#logger.error('stream batch above its cutoff refused', { stream, sequence, cutoff })
      return 'above-cutoff'
    }
    const highWater = committed.highWaters.highWater(id)
    if (sequence <= Math.max(highWater, this.#store.heldThrough(id))) return 'duplicate'
    if (this.#store.backlogFull()) return 'backlog-full'
    let batch: FoldedBatchHeader
    try {
      batch = decodeStoredBatch(stream, sequence, bytes)
    } catch (error) {
      if (error instanceof DeltaStreamCorruptionError) return this.#invalid(stream, sequence, 'malformed')
      throw error
    }
    const reason = this.#batchCheck.invalidBatchReason(id, batch)
    if (reason !== null) return this.#invalid(stream, sequence, reason)
    let outcome: Awaited<ReturnType<DeltaStreamStore['storeReceived']>>
    try {
      outcome = await this.#store.storeReceived(id, sequence, bytes, highWater)
    } catch (error) {
      if (error instanceof DeltaBatchTooLargeError) return this.#invalid(stream, sequence, 'too large')
      throw error
    }
    switch (outcome) {
      case 'stored':
        this.#onStored?.(id, batch)
        return 'stored'
      case 'gap':
        return 'gap'
      case 'duplicate':
      case 'own':
        return 'duplicate'
    }
  }

  #invalid(stream: string, sequence: number, reason: string): 'unknown-key' {
    this.#stats.invalid.set(reason, (this.#stats.invalid.get(reason) ?? 0) + 1)
    this.#logger.error('stream batch refused', { stream: stream.slice(0, 256), sequence, reason })
    return 'unknown-key'
  }
}
