/**
 * The local view V = C ⊔ {admissible pending deltas} (design.md, "The consistency model" and
 * "Eventual writes: sealed delta streams"): an overlay of the eventual batches this node holds
 * durably and the log has not folded yet, merged over the committed state C. It is not a second
 * replica: nothing is written to V, and it is always recomputable from C and the pending set.
 *
 * - A pending batch is admissible while its stream's key was admitted by C, it lies at or below any
 *   cutoff, C knows its epoch, and every earlier batch of its stream (from h + 1) is held: V merges
 *   nothing past a gap. Batches at or below h left the pending set when their fold applied.
 * - Admissible batches merge per stream in sequence order, with the scoped merge and delta
 *   validation and no drift check (no clamp either: that is the fold's job, in log time). A batch a
 *   collection rule in C refuses, or with an invalid delta, merges nothing, as at fold; the rest of
 *   its stream still merges.
 * - Only the collections that admissible batches touch are copied out of C; every other collection
 *   is read straight from C. The overlay is rebuilt (lazily, at the next read) whenever C changes in
 *   a way V can see — a strong write to a copied collection, a fold, a change of standing, cutoffs
 *   or constants — not only when a writer's standing or a collection's rule changes: the scoped
 *   merge ignores a strong-id dot the target does not hold, which is sound only if the target
 *   already holds every strong write committed before the pending delta is merged — true when
 *   pending batches merge after C, not when C's later strong writes are merged into V after them.
 *   An appended batch that extends its stream inside the current overlay merges incrementally.
 */
import { assert, type WallClock } from '@tandem/base'
import { type Delta, InvalidDeltaError, Replica, type Value } from '@tandem/crdt'
import type { CommittedChange, CommittedState } from './committed-state.js'
import type { DataLayer } from './data-layer.js'
import { isStrongCrdtId, parseStreamId, type StreamId } from './ids.js'

/** A pending eventual batch: durable here, opened, not folded yet. */
export interface PendingBatch {
  readonly sequence: number
  readonly epoch: number
  readonly deltas: readonly Delta[]
  /** Its sealed size: what it counts toward the backlog bound. */
  readonly bytes: number
}

/** What {@link LocalView.addPending} did with a batch. */
export type PendingAdmission =
  | 'added'
  | 'duplicate'
  /** At or below the stream's folded high-water h: C already holds it. */
  | 'folded'
  /** C has not admitted the stream's key: not stored (anti-entropy fetches it once C knows it). */
  | 'key-not-admitted'
  /** Above the stream's cutoff: never stored, served or counted. */
  | 'above-cutoff'

/** A pending batch V holds but does not merge (the fold will refuse it under C's current rules). */
export interface ExcludedBatch {
  readonly stream: StreamId
  readonly sequence: number
  readonly reason: 'collection-refuses-eventual' | 'writer-not-allowed' | 'invalid-delta'
}

/** Reads of a map in V. */
export interface MapReader {
  get(key: string): Value | undefined
  has(key: string): boolean
  entries(): IterableIterator<[string, Value]>
  readonly size: number
}

/** Reads of a set in V. */
export interface SetReader {
  has(value: Value): boolean
  values(): IterableIterator<Value>
  readonly size: number
}

/** Reads of a register in V. */
export interface RegisterReader {
  get(): Value | undefined
}

/** Options of {@link LocalView}. */
export interface LocalViewOptions {
  /** This node's C; it must be keyed (a keyless node holds no values to read). */
  readonly committed: CommittedState
  /** The local wall clock: the overlay's replica observes stamps against it, never refusing any. */
  readonly now: WallClock
}

/** The overlay replica's node id: never a stream or strong id, and it never writes. */
const VIEW_REPLICA_ID = 'view'
const PENDING_ORIGIN = Object.freeze({ origin: 'remote' as const })

interface Overlay {
  readonly replica: Replica
  /** Collections copied into the overlay, as `<kind>:<name>`. */
  readonly collections: Set<string>
}

/** The local view V of one keyed node. */
export class LocalView {
  readonly #committed: CommittedState
  readonly #data: DataLayer
  readonly #now: WallClock
  readonly #pending = new Map<StreamId, Map<number, PendingBatch>>()
  #pendingBytes = 0
  /** The overlay, or `null` when no admissible batch touches anything (reads go to C). */
  #overlay: Overlay | null = null
  /** Whether C or the pending set changed in a way the overlay does not reflect yet. */
  #stale = true
  /** Per stream, the last sequence the current overlay considered (merged or excluded). */
  #mergedThrough = new Map<StreamId, number>()
  #excluded: ExcludedBatch[] = []
  readonly #pendingListeners = new Set<(stream: StreamId, batches: readonly PendingBatch[]) => void>()

  constructor(options: LocalViewOptions) {
    assert(options.committed.data !== null, 'LocalView: V needs a keyed C')
    this.#committed = options.committed
    this.#data = options.committed.data
    this.#now = options.now
    options.committed.onChange((change) => {
      if (this.#affects(change)) this.#stale = true
    })
  }

  /** Bytes of pending batches held: what the backlog bound counts. */
  get pendingBytes(): number {
    this.#prune()
    return this.#pendingBytes
  }

  /** Pending batches held, over every stream. */
  get pendingCount(): number {
    this.#prune()
    let count = 0
    for (const batches of this.#pending.values()) count += batches.size
    return count
  }

  /**
   * The stream's held-through for anti-entropy: max(highest contiguous sequence held from h + 1, h).
   */
  heldThrough(stream: StreamId): number {
    let through = this.#committed.public.highWaters.highWater(stream)
    const batches = this.#pending.get(stream)
    while (batches?.has(through + 1)) through++
    return through
  }

  /**
   * Adds a durable pending batch (the caller made it durable first: no batch enters V before its
   * fsync). Refuses what the design says is not stored: a key C never admitted, a batch above its
   * cutoff; a batch C already folded is not kept either.
   */
  addPending(stream: StreamId, batch: PendingBatch): PendingAdmission {
    const parsed = parseStreamId(stream)
    assert(parsed !== null, 'addPending: a stream id')
    assert(Number.isSafeInteger(batch.sequence) && batch.sequence >= 1, 'addPending: sequence ≥ 1')
    if (this.#committed.public.membership.standing(parsed.key) === undefined) return 'key-not-admitted'
    const cutoff = this.#committed.public.cutoff(stream)
    if (cutoff !== null && batch.sequence > cutoff) return 'above-cutoff'
    if (batch.sequence <= this.#committed.public.highWaters.highWater(stream)) return 'folded'
    let batches = this.#pending.get(stream)
    if (batches === undefined) {
      batches = new Map()
      this.#pending.set(stream, batches)
    }
    if (batches.has(batch.sequence)) return 'duplicate'
    batches.set(batch.sequence, batch)
    this.#pendingBytes += batch.bytes
    this.#mergeAppended(stream, batch)
    if (this.#pendingListeners.size > 0) {
      // The batch, and the held ones after it that it may have made contiguous (a gap it closed).
      const run: PendingBatch[] = []
      for (let sequence = batch.sequence; batches.has(sequence); sequence++)
        run.push(batches.get(sequence) as PendingBatch)
      for (const listener of this.#pendingListeners) listener(stream, run)
    }
    return 'added'
  }

  /**
   * Calls `listener` when a pending batch is added, with that batch and the held batches of its
   * stream that follow it without a gap (the ones it may have made admissible). What V reads may have
   * changed at the keys they write; read V after the call returns, never inside it. Returns the
   * unsubscribe function.
   */
  onPendingAdded(listener: (stream: StreamId, batches: readonly PendingBatch[]) => void): () => void {
    this.#pendingListeners.add(listener)
    return () => this.#pendingListeners.delete(listener)
  }

  /** The pending batches V holds but does not merge, under C's current rules. */
  excluded(): readonly ExcludedBatch[] {
    this.#refresh()
    return this.#excluded
  }

  /** The map `name` as V reads it. */
  map(name: string): MapReader {
    return this.#replicaFor('map', name).map(name)
  }

  /** The set `name` as V reads it. */
  set(name: string): SetReader {
    return this.#replicaFor('set', name).set(name)
  }

  /** The register `name` as V reads it. */
  register(name: string): RegisterReader {
    return this.#replicaFor('register', name).register(name)
  }

  #replicaFor(kind: 'map' | 'set' | 'register', name: string): Replica {
    this.#refresh()
    const overlay = this.#overlay
    return overlay?.collections.has(`${kind}:${name}`) ? overlay.replica : this.#data.replica
  }

  /**
   * Drops the batches C's high-waters passed (their folds applied) and those above a cutoff C
   * recorded since they arrived (applying a revocation deletes them: never served nor counted).
   */
  #prune(): void {
    for (const [stream, batches] of this.#pending) {
      const highWater = this.#committed.public.highWaters.highWater(stream)
      const cutoff = this.#committed.public.cutoff(stream)
      for (const [sequence, batch] of batches) {
        if (sequence > highWater && (cutoff === null || sequence <= cutoff)) continue
        batches.delete(sequence)
        this.#pendingBytes -= batch.bytes
      }
      if (batches.size === 0) this.#pending.delete(stream)
    }
  }

  /**
   * Whether a change of C can change what V reads. Clock readings, opens and promotions cannot (V
   * neither clamps nor checks incarnations); a strong batch can only through the collections it
   * wrote: one outside the overlay adds strong-id dots there, which a pending delta's scoped merge
   * ignores whether or not the overlay has seen them. Every other control entry (folds, standing,
   * cutoffs, constants) rebuilds.
   */
  #affects(change: CommittedChange): boolean {
    if (change.kind === 'control') return !['clock', 'open', 'promote'].includes(change.operation)
    const overlay = this.#overlay
    return overlay !== null && change.collections.some((collection) => overlay.collections.has(collection))
  }

  #refresh(): void {
    if (!this.#stale) return
    this.#prune()
    this.#rebuild()
  }

  /** The admissible batches of a stream, in order: from h + 1, contiguous, while C allows them. */
  #admissible(stream: StreamId, from: number): PendingBatch[] {
    const batches = this.#pending.get(stream)
    const cutoff = this.#committed.public.cutoff(stream)
    const out: PendingBatch[] = []
    for (let sequence = from; ; sequence++) {
      const batch = batches?.get(sequence)
      if (batch === undefined || (cutoff !== null && sequence > cutoff)) break
      if (!this.#committed.public.knowsEpoch(batch.epoch)) break
      out.push(batch)
    }
    return out
  }

  #rebuild(): void {
    this.#stale = false
    this.#excluded = []
    this.#mergedThrough = new Map()
    const streams = [...this.#pending.keys()].sort()
    const runs = streams.map((stream) => ({
      stream,
      batches: this.#admissible(stream, this.#committed.public.highWaters.highWater(stream) + 1),
    }))
    const collections = new Set<string>()
    for (const run of runs) for (const batch of run.batches) addCollections(collections, batch.deltas)
    if (collections.size === 0) {
      this.#overlay = null
      return
    }
    const replica = new Replica({
      node: VIEW_REPLICA_ID,
      now: this.#now,
      driftMsMax: this.#committed.public.constants.driftMaxMs,
    })
    const committed = this.#data.replica
    const state = committed.state()
    replica.applyBatch(
      [{ ...state, collections: state.collections.filter((c) => collections.has(`${c.kind}:${c.name}`)) }],
      PENDING_ORIGIN,
      { drift: 'cap' },
    )
    replica.restoreRemovalRecords(
      committed.removalRecords().filter((record) => collections.has(`set:${record.collection}`)),
    )
    this.#overlay = { replica, collections }
    for (const run of runs) {
      this.#mergedThrough.set(run.stream, this.#committed.public.highWaters.highWater(run.stream))
      for (const batch of run.batches) this.#merge(run.stream, batch)
    }
  }

  /** Merges an appended batch into the current overlay when it extends its stream there. */
  #mergeAppended(stream: StreamId, batch: PendingBatch): void {
    if (this.#stale) return
    const through = this.#mergedThrough.get(stream) ?? this.#committed.public.highWaters.highWater(stream)
    const touched = new Set<string>()
    addCollections(touched, batch.deltas)
    const overlay = this.#overlay
    const inside = overlay !== null && [...touched].every((collection) => overlay.collections.has(collection))
    if (batch.sequence !== through + 1 || !inside || this.#admissible(stream, batch.sequence).length === 0) {
      // A gap (nothing to merge yet) or a collection the overlay has not copied: rebuild on next read.
      if (batch.sequence === through + 1) this.#stale = true
      return
    }
    // Later batches held past a gap this one closes become admissible too.
    for (const next of this.#admissible(stream, batch.sequence)) {
      const nextTouched = new Set<string>()
      addCollections(nextTouched, next.deltas)
      if (![...nextTouched].every((collection) => overlay.collections.has(collection))) {
        this.#stale = true
        return
      }
      this.#merge(stream, next)
    }
  }

  /** Merges one admissible batch into the overlay, whole or not at all, as the fold would. */
  #merge(stream: StreamId, batch: PendingBatch): void {
    const overlay = this.#overlay
    assert(overlay !== null, 'merge: an overlay exists')
    this.#mergedThrough.set(stream, batch.sequence)
    const parsed = parseStreamId(stream)
    assert(parsed !== null, 'merge: a stream id')
    const refusal = this.#data.foldRefusal(batch.deltas, parsed.key)
    if (refusal !== null) {
      this.#excluded.push({ stream, sequence: batch.sequence, reason: refusal })
      return
    }
    try {
      overlay.replica.applyBatch(batch.deltas, PENDING_ORIGIN, {
        writerIds: [stream],
        dotOrder: 'ascending',
        isStrongId: isStrongCrdtId,
        drift: 'cap',
      })
    } catch (error) {
      if (!(error instanceof InvalidDeltaError)) throw error
      this.#excluded.push({ stream, sequence: batch.sequence, reason: 'invalid-delta' })
    }
  }
}

function addCollections(into: Set<string>, deltas: readonly Delta[]): void {
  for (const delta of deltas)
    for (const collection of delta.collections) into.add(`${collection.kind}:${collection.name}`)
}
