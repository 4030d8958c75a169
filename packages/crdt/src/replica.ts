import { canonicalDelta, decodeDelta, encodeDelta } from './codec/delta-codec.js'
import type { DecodeLimits } from './codec/limits.js'
import { LWWMap } from './collections/lww-map.js'
import { LWWRegister } from './collections/lww-register.js'
import { ORSet } from './collections/or-set.js'
import type { CausalContext, Delta } from './core/delta.js'
import { type ChangeEvent, type Origin, ReplicaCore } from './core/replica-core.js'
import { LwwStore, type SetStore } from './core/stores.js'
import type { Value } from './core/value.js'
import { InvalidValueError } from './errors.js'

/** Options of a {@link Replica}. */
export interface ReplicaOptions {
  /** This replica's node id (for Tandem, its libp2p peer id). Must be unique among replicas. */
  readonly node: string
  /** Injected wall clock in milliseconds (for example `() => Date.now()` in an app, virtual time in tests). */
  readonly now: () => number
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
const EMPTY_DELTA: Delta = Object.freeze({ nodes: [], ranges: [], collections: [] })

/**
 * A replica of one document: named collections (LWW maps, LWW registers, add-wins OR-Sets) sharing
 * one hybrid logical clock and one causal context. Local writes apply at once and return deltas;
 * `apply` merges deltas, diffs or whole states from other replicas; listeners see every update with
 * its origin, which lets a network adapter forward local changes without echoing remote ones.
 */
export class Replica extends ReplicaCore {
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
  mutate(store: LwwStore, key: string, value: Value, deleted: boolean): Delta {
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
  mutateSet(store: SetStore, value: Value, add: boolean): Delta {
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
   * associative. Throws ClockDriftError (and changes nothing) when a stamp in it is more than the
   * allowed drift ahead of the local clock. Update listeners hear of it only when it changed
   * something.
   */
  apply(delta: Delta, origin: Origin = { origin: 'remote' }): void {
    if (this.transactionDepth > 0) throw new InvalidValueError('apply() inside a transaction')
    this.pendingChanges = this.changeListeners.size > 0 ? [] : undefined
    let changed: boolean
    try {
      changed = this.mergeDelta(delta)
    } catch (error) {
      this.pendingChanges = undefined
      throw error
    }
    // A delta that changed nothing (a duplicate, or one already relayed by another peer) is not
    // announced again.
    if (changed) this.emit(delta, origin)
    else this.pendingChanges = undefined
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
    this.checkDrift = false
  }

  merge(delta: Delta): void {
    this.mergeDelta(delta)
  }
}
