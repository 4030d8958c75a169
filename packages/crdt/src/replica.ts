import type { WallClock } from '@tandem/base'
import { canonicalDelta, decodeDelta, encodeDelta } from './codec/delta-codec.js'
import type { DecodeLimits } from './codec/limits.js'
import { LWWMap } from './collections/lww-map.js'
import { LWWRegister } from './collections/lww-register.js'
import { ORSet } from './collections/or-set.js'
import type { CollectionWriter } from './collections/writer.js'
import type { CausalContext, Delta } from './core/delta.js'
import type { MergeOptions } from './core/merge-options.js'
import { type ChangeEvent, type CoreMergeOptions, type Origin, ReplicaCore } from './core/replica-core.js'
import { clampDelta, invalidReason } from './core/scope.js'
import { LwwStore, type SetStore, type Store } from './core/stores.js'
import type { Value } from './core/value.js'
import type { WriteAt } from './core/write-at.js'
import { InvalidDeltaError, InvalidValueError } from './errors.js'

/** Options of a {@link Replica}. */
export interface ReplicaOptions {
  /** This replica's node id (for Tandem, its libp2p peer id). Must be unique among replicas. */
  readonly node: string
  /** Injected wall clock in milliseconds (for example `() => Date.now()` in an app, virtual time in tests). */
  readonly now: WallClock
  /** How far ahead of the local clock a remote stamp may be before a merge is refused; default 60,000 ms. */
  readonly driftMsMax?: number
  /**
   * Every replica of this document (node ids), when known — for Tandem, the cluster members.
   * Tombstones are collected only once all of them have acknowledged. Without it, the replicas this
   * one has heard of stand in, which is unsafe if an unheard-of replica wrote concurrently.
   */
  readonly members?: readonly string[]
}

/** Listener of {@link Replica.onUpdate}: the delta that changed the replica and where it came from. */
export type UpdateListener = (delta: Delta, origin: Origin) => void
/** Listener of {@link Replica.onChange}. */
export type ChangeListener = (event: ChangeEvent) => void

const LOCAL: Origin = Object.freeze({ origin: 'local' })
const REMOTE: Origin = Object.freeze({ origin: 'remote' })
const TRUST_STAMPS: CoreMergeOptions = Object.freeze({ drift: 'trust' })
const NO_OPTIONS: MergeOptions = Object.freeze({})
const EMPTY_DELTA: Delta = Object.freeze({ nodes: [], ranges: [], collections: [] })

/**
 * A replica of one document: named collections (LWW maps, LWW registers, add-wins OR-Sets) sharing
 * one hybrid logical clock and one causal context. Local writes apply at once and return deltas;
 * `apply` merges deltas, diffs or whole states from other replicas; listeners see every update with
 * its origin, which lets a network adapter forward local changes without echoing remote ones.
 */
export class Replica extends ReplicaCore implements CollectionWriter {
  private readonly updateListeners = new Set<UpdateListener>()
  private readonly changeListeners = new Set<ChangeListener>()
  private transactionDepth = 0
  private transactionDeltas: Delta[] = []
  private readonly handles = new Map<string, LWWMap | LWWRegister | ORSet>()

  constructor(options: ReplicaOptions) {
    if (typeof options.node !== 'string' || options.node.length === 0) {
      throw new InvalidValueError('node id must be a non-empty string')
    }
    super(options)
  }

  /** The LWW map called `name` (created empty on first use). */
  map<V extends Value = Value>(name: string): LWWMap<V> {
    const key = `m${name}`
    let handle = this.handles.get(key)
    if (handle === undefined) {
      handle = new LWWMap(this, this.store('map', name) as LwwStore)
      this.handles.set(key, handle)
    }
    return handle as LWWMap<V>
  }

  /** The LWW register called `name`. */
  register<T extends Value = Value>(name: string): LWWRegister<T> {
    const key = `r${name}`
    let handle = this.handles.get(key)
    if (handle === undefined) {
      handle = new LWWRegister(this, this.store('register', name) as LwwStore)
      this.handles.set(key, handle)
    }
    return handle as LWWRegister<T>
  }

  /** The add-wins OR-Set called `name`. */
  set<T extends Value = Value>(name: string): ORSet<T> {
    const key = `s${name}`
    let handle = this.handles.get(key)
    if (handle === undefined) {
      handle = new ORSet(this, this.store('set', name) as SetStore)
      this.handles.set(key, handle)
    }
    return handle as ORSet<T>
  }

  /** @internal Map and register writes. */
  mutate(store: LwwStore, key: string, value: Value, deleted: boolean, at?: WriteAt): Delta {
    if (at !== undefined) return this.writeAt(store, key, value, deleted ? 'delete' : 'put', at)
    if (this.transactionDepth > 0) {
      const delta = this.localWrite(store, key, value, deleted)
      this.transactionDeltas.push(delta)
      return delta
    }
    if (this.changeListeners.size > 0) this.pendingChanges = []
    const delta = this.localWrite(store, key, value, deleted)
    this.emit(delta, LOCAL)
    return delta
  }

  /** @internal Set adds and removes. */
  mutateSet(store: SetStore, value: Value, add: boolean, at?: WriteAt): Delta {
    if (at !== undefined) return this.writeAt(store, '', value, add ? 'put' : 'delete', at)
    if (this.transactionDepth > 0) {
      const delta = add ? this.localAdd(store, value) : this.localRemove(store, value)
      this.transactionDeltas.push(delta)
      return delta
    }
    if (this.changeListeners.size > 0) this.pendingChanges = []
    const delta = add ? this.localAdd(store, value) : this.localRemove(store, value)
    if (delta.nodes.length > 0) this.emit(delta, LOCAL)
    else this.pendingChanges = undefined
    return delta
  }

  /** A write at an explicit stamp and dot: its delta merges here like a received one, then is announced as local. */
  private writeAt(store: Store, key: string, value: Value, write: 'put' | 'delete', at: WriteAt): Delta {
    const delta = this.writeAtDelta(store, key, value, write, at)
    if (this.transactionDepth > 0) {
      this.mergeDelta(delta, TRUST_STAMPS)
      this.transactionDeltas.push(delta)
      return delta
    }
    this.pendingChanges = this.changeListeners.size > 0 ? [] : undefined
    try {
      this.mergeDelta(delta, TRUST_STAMPS)
    } catch (error) {
      this.pendingChanges = undefined
      throw error
    }
    this.emit(delta, LOCAL)
    return delta
  }

  /**
   * Runs `fn`, batching its writes into one delta and one event of each kind. Returns the joined
   * delta. Nested calls join into the outermost one.
   */
  transact(fn: () => void): Delta {
    if (this.transactionDepth === 0) {
      this.transactionDeltas = []
      this.pendingChanges = this.changeListeners.size > 0 ? [] : undefined
    }
    this.transactionDepth++
    try {
      fn()
    } finally {
      this.transactionDepth--
    }
    if (this.transactionDepth > 0) return EMPTY_DELTA
    const delta = joinDeltas(this.transactionDeltas)
    this.transactionDeltas = []
    if (delta.nodes.length > 0) this.emit(delta, LOCAL)
    else this.pendingChanges = undefined
    return delta
  }

  /**
   * Merges a delta, a sync diff or a whole state from elsewhere. Idempotent, commutative and
   * associative. By default it is the plain join with the drift check: it throws ClockDriftError (and
   * changes nothing) when a stamp in it is more than the allowed drift ahead of the local clock.
   * `options` select the scoped merge of a delta sealed by one writer, the clamp of its stamps and
   * the merge without a drift check (see {@link MergeOptions}). Update listeners hear of it only when
   * it changed something.
   *
   * @example
   * ```ts
   * // A delta sealed by writer W, folded at log time t: scoped, clamped, never refused for time.
   * committed.apply(delta, { origin: 'remote', peer: 'W' }, {
   *   writerIds: ['W:inc1:0'], stampBoundMs: t + driftMaxMs, drift: 'cap', isStrongId: (id) => id.startsWith('log:'),
   * })
   * ```
   */
  apply(delta: Delta, origin: Origin = REMOTE, options: MergeOptions = NO_OPTIONS): void {
    this.applyAll([delta], origin, options)
  }

  /**
   * Merges the deltas of one batch in order, all or nothing for validation: with `writerIds`, every
   * delta is validated first and one invalid delta throws InvalidDeltaError before any merges; with
   * the drift check, one stamp too far ahead refuses the whole batch. Update listeners hear of each
   * delta that changed something.
   *
   * @example
   * ```ts
   * view.applyBatch(batch.deltas, { origin: 'remote', peer: 'W' }, { writerIds: ['W:inc1:0'], drift: 'cap' })
   * ```
   */
  applyBatch(deltas: readonly Delta[], origin: Origin = REMOTE, options: MergeOptions = NO_OPTIONS): void {
    this.applyAll(deltas, origin, options)
  }

  private applyAll(deltas: readonly Delta[], origin: Origin, options: MergeOptions): void {
    if (this.transactionDepth > 0) throw new InvalidValueError('apply() inside a transaction')
    const writerIds = options.writerIds
    let mergeOptions: CoreMergeOptions = options
    if (deltas.length > 1 || writerIds !== undefined || options.dotOrder === 'ascending') {
      for (const delta of deltas) {
        const checked = options.stampBoundMs === undefined ? delta : clampDelta(delta, options.stampBoundMs)
        if (writerIds !== undefined) {
          const reason = invalidReason(checked, writerIds)
          if (reason !== null) throw new InvalidDeltaError(reason)
        }
        if ((options.drift ?? 'refuse') === 'refuse') this.checkStamps(checked)
      }
      if (options.dotOrder === 'ascending') this.checkAscending(deltas)
      mergeOptions = { ...options, validated: true }
    }
    for (const delta of deltas) {
      this.pendingChanges = this.changeListeners.size > 0 ? [] : undefined
      let changed: boolean
      try {
        changed = this.mergeDelta(delta, mergeOptions)
      } catch (error) {
        this.pendingChanges = undefined
        throw error
      }
      // A delta that changed nothing (a duplicate, or one already relayed by another peer) is not
      // announced again.
      if (changed) this.emit(delta, origin)
      else this.pendingChanges = undefined
    }
  }

  /**
   * Throws InvalidDeltaError unless the batch's dots ascend: each delta against this replica and the
   * batch's earlier deltas (checked on a scratch copy of the context, before anything merges).
   */
  private checkAscending(deltas: readonly Delta[]): void {
    if (deltas.length === 1) {
      const reason = this.staleDotReason(deltas[0] as Delta)
      if (reason !== null) throw new InvalidDeltaError(reason)
      return
    }
    const scratch = new ScratchReplica()
    scratch.merge({ ...this.context(), collections: [] })
    for (const delta of deltas) {
      const reason = scratch.staleDotReason(delta)
      if (reason !== null) throw new InvalidDeltaError(reason)
      scratch.merge({ nodes: delta.nodes, ranges: delta.ranges, collections: [] })
    }
  }

  /** Throws ClockDriftError when a stamp of `delta` is further ahead of the local clock than allowed. */
  private checkStamps(delta: Delta): void {
    let maxWallMs = 0
    for (const collection of delta.collections) {
      for (const entry of collection.entries) if (entry.wallMs > maxWallMs) maxWallMs = entry.wallMs
    }
    if (maxWallMs > 0) this.clock.check(maxWallMs)
  }

  /** Decodes bytes from {@link encodeDelta} (or {@link Replica.encodeState}) and merges them. */
  applyUpdate(bytes: Uint8Array, origin: Origin = { origin: 'remote' }, limits?: DecodeLimits): void {
    this.apply(decodeDelta(bytes, limits), origin)
  }

  /** The whole state as a delta (what a replica that has nothing lacks). */
  state(): Delta {
    return this.diff()
  }

  /** The whole state, encoded canonically: equal states give equal bytes on every replica. */
  encodeState(): Uint8Array {
    return encodeDelta(canonicalDelta(this.diff()))
  }

  /** Subscribes to every delta applied to this replica (local or remote). Returns an unsubscribe function. */
  onUpdate(listener: UpdateListener): () => void {
    this.updateListeners.add(listener)
    return () => this.updateListeners.delete(listener)
  }

  /** Subscribes to visible changes (keys set or cleared, elements added or removed). */
  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  /**
   * Records the causal context a peer reported (sync sessions do this). Tombstones are collected once
   * every known replica has reported a context that covers them.
   */
  acknowledge(peer: string, context: CausalContext): void {
    this.notePeerContext(peer, context)
  }

  /** Drops the tombstones every known replica has seen; returns how many were dropped. */
  collectGarbage(): number {
    return this.collectTombstones()
  }

  /** Number of tombstones (deleted map keys and cleared registers) still held. */
  get tombstoneCount(): number {
    let count = 0
    for (const store of this.stores.values()) if (store instanceof LwwStore) count += store.tombstones
    return count
  }

  private emit(delta: Delta, origin: Origin): void {
    const changes = this.pendingChanges
    this.pendingChanges = undefined
    for (const listener of this.updateListeners) listener(delta, origin)
    if (changes !== undefined && changes.length > 0) {
      const event: ChangeEvent = { origin: origin.origin, peer: origin.peer, changes }
      for (const listener of this.changeListeners) listener(event)
    }
  }
}

/**
 * Joins deltas into one (the CRDT join: the result merges like applying each in turn). Used to batch
 * pending deltas, for example into one network message or one log entry.
 */
export function joinDeltas(deltas: readonly Delta[]): Delta {
  if (deltas.length === 0) return EMPTY_DELTA
  if (deltas.length === 1) return deltas[0] as Delta
  const scratch = new ScratchReplica()
  for (const delta of deltas) scratch.merge(delta)
  return scratch.diff()
}

/** A replica without a clock or listeners, used only to join deltas. */
class ScratchReplica extends ReplicaCore {
  constructor() {
    // The empty id never appears in a delta (decoders and Replica reject it), so it owns no dots.
    super({ node: '', now: () => 0 })
  }

  merge(delta: Delta): void {
    // Joining is not receiving: no stamp is refused or capped here.
    this.mergeDelta(delta, TRUST_STAMPS)
  }
}
