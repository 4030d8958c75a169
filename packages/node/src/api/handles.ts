/**
 * The typed handles of the collections API (design.md, "The consistency model" and "Strong writes:
 * Collections"): a map, a set or a register of one name, whose every write chooses `strong` (Raft)
 * or `eventual` (the node's delta stream), whose reads choose `local` (V) or `linearizable` (a
 * ReadIndex barrier, then C), and whose `subscribe` reports what V shows changed.
 *
 * - A handle opened with rules (`writes`, `writers`) declares them through a strong `declare`
 *   operation unless C holds equal ones; `ready` resolves once they are in force and rejects with
 *   {@link CollectionConflictError} when other rules won. Strong writes wait for `ready`; eventual
 *   writes do not (they work offline) but are checked against the requested rules until then, so
 *   nothing the declaration would refuse is acknowledged. After a conflict every write through the
 *   handle rejects with that error.
 * - Rule refusals — at the writer or at apply — become {@link ConsistencyNotAllowedError},
 *   {@link NotAWriterError} or {@link ConditionalNeedsStrongCollectionError}; a reused idempotency key
 *   {@link IdempotencyKeyReuseError}. `NoQuorumError`, `BacklogFullError` and `StrongBatchRefusedError`
 *   pass through as the core raised them.
 * - A failed condition is not an error: the conditional write resolves with `applied: false` and
 *   the condition's `reason`.
 */
import { assert } from '@tandem/base'
import type { Value } from '@tandem/crdt'
import { StrongBatchRefusedError, WriteRefusedError } from '../compose/errors.js'
import type { EventualOperation, NodeCore, StrongWriteResult } from '../compose/node-core.js'
import { type CollectionRules, normaliseRules, sameRules } from '../core/collections.js'
import type { Condition } from '../core/conditions.js'
import type { CollectionRef, DataOperation, NotAppliedReason, StrongResult } from '../core/data-operations.js'
import type { WriteId, WriterKey } from '../core/ids.js'
import type { StampTime } from '../core/strong-clock.js'
import type { ChangeFeed, ChangeOrigin, FeedEvent, RefusedEvent } from './change-feed.js'
import {
  CollectionConflictError,
  IdempotencyKeyReuseError,
  isRuleRefusal,
  ruleRefusalError,
} from './errors.js'
import { operationHash } from './operation-hash.js'

/** What the collections API needs of a node core. */
export type CollectionsCore = Pick<
  NodeCore,
  'committed' | 'applier' | 'view' | 'stream' | 'strong' | 'eventual' | 'linearizableBarrier'
>

/** Which writes a collection accepts, and who may write it. */
export interface CollectionOptions {
  /** `'strong'`, `'eventual'` or `'both'` (what an undeclared collection accepts). */
  readonly writes?: 'strong' | 'eventual' | 'both'
  /** The writer keys allowed to write; omitted: every writer. */
  readonly writers?: readonly WriterKey[]
}

/** A strong write: committed by a quorum and applied here before it resolves. */
export interface StrongWriteOptions {
  readonly consistency: 'strong'
  /**
   * The app's retry key, scoped to this node's writer key: a retry with the same key and operation
   * (after a timeout, across restarts, within the cluster's idempotency window) gets the original
   * result (`replayed: true`) instead of writing again.
   */
  readonly idempotencyKey?: string
}

/** An eventual write: durable in this node's delta stream before it resolves. */
export interface EventualWriteOptions {
  readonly consistency: 'eventual'
}

/** Options of a write. */
export type WriteOptions = StrongWriteOptions | EventualWriteOptions

/** Options of a read: `local` reads V (fast, may be stale), `linearizable` reads C after ReadIndex. */
export interface ReadOptions {
  readonly consistency: 'local' | 'linearizable'
}

/** Where a strong write landed in the log. */
interface StrongPosition {
  readonly consistency: 'strong'
  readonly index: number
  readonly term: number
  readonly writeId: WriteId
}

/** A strong write that took effect. */
export interface StrongWrite extends StrongPosition {
  readonly applied: true
  /** `(index << 32n) | ordinal` of the write's (original) log position: later writes carry larger ones. */
  readonly fencingToken: bigint
  /** The stamp the write took effect at in C. */
  readonly stamp: StampTime
  /** Whether this is the recorded result of an earlier write with the same idempotency key. */
  readonly replayed: boolean
  /** `increment` only: the number it left at the key, as C held it right after this write. */
  readonly value?: number
}

/** Why a condition did not hold (nothing was written). */
export type ConditionFailure = 'value-mismatch' | 'present' | 'not-a-number' | 'below-min' | 'above-max'

/** A conditional write whose condition failed, evaluated on C at its log position. */
export interface ConditionFailed extends StrongPosition {
  readonly applied: false
  readonly reason: ConditionFailure
  readonly fencingToken: null
}

/** The result of a conditional write: it took effect, or its condition failed. */
export type ConditionalWrite = StrongWrite | ConditionFailed

/** An eventual write, durable in this node's delta stream. */
export interface EventualWrite {
  readonly consistency: 'eventual'
  readonly stamp: StampTime
  readonly writeId: WriteId
}

/** A change of a map in V. */
export interface MapChangeEvent<V extends Value> {
  readonly kind: 'change'
  readonly collection: string
  readonly key: string
  /** The value V reads now; `undefined` once deleted. */
  readonly value: V | undefined
  readonly origin: ChangeOrigin
}

/** A change of a set in V. */
export interface SetChangeEvent<T extends Value> {
  readonly kind: 'change'
  readonly collection: string
  readonly element: T
  /** Whether V holds the element now. */
  readonly present: boolean
  readonly origin: ChangeOrigin
}

/** A change of a register in V. */
export interface RegisterChangeEvent<T extends Value> {
  readonly kind: 'change'
  readonly collection: string
  /** The value V reads now; `undefined` once cleared. */
  readonly value: T | undefined
  readonly origin: ChangeOrigin
}

/** What a map's `subscribe` reports. */
export type MapEvent<V extends Value> = MapChangeEvent<V> | RefusedEvent
/** What a set's `subscribe` reports. */
export type SetEvent<T extends Value> = SetChangeEvent<T> | RefusedEvent
/** What a register's `subscribe` reports. */
export type RegisterEvent<T extends Value> = RegisterChangeEvent<T> | RefusedEvent

type StrongOrEventual<O extends WriteOptions> = O extends StrongWriteOptions ? StrongWrite : EventualWrite

type DeclarationState =
  | { readonly kind: 'pending'; readonly requested: CollectionRules }
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: unknown }

const CONDITION_FAILURES = new Set<NotAppliedReason>([
  'value-mismatch',
  'present',
  'not-a-number',
  'below-min',
  'above-max',
])

/** What every handle shares: its declaration, its write paths and its subscription. */
abstract class CollectionHandle {
  /** The collection's name. */
  readonly name: string
  /**
   * Resolves once the handle's rules are in force (at once without rules); rejects with
   * {@link CollectionConflictError} when other rules were declared first, or with the error of the
   * declaration's strong write (`NoQuorumError` in a minority). A handle whose declaration failed
   * stays failed (its writes reject with the same error); open a new handle to try again — it finds
   * the rules in C if the declaration applied after all.
   */
  readonly ready: Promise<void>
  protected readonly core: CollectionsCore
  readonly #feed: ChangeFeed
  readonly #kind: CollectionRef['kind']
  readonly #key: WriterKey
  #declaration: DeclarationState

  constructor(
    core: CollectionsCore,
    feed: ChangeFeed,
    key: WriterKey,
    kind: CollectionRef['kind'],
    name: string,
    options: CollectionOptions | undefined,
  ) {
    if (typeof name !== 'string' || name.length === 0) throw new RangeError('a collection needs a name')
    this.core = core
    this.name = name
    this.#feed = feed
    this.#kind = kind
    this.#key = key
    if (options === undefined || (options.writes === undefined && options.writers === undefined)) {
      this.#declaration = { kind: 'ready' }
      this.ready = Promise.resolve()
      return
    }
    const requested = normaliseRules({ writes: options.writes ?? 'both', writers: options.writers ?? null })
    this.#declaration = { kind: 'pending', requested }
    this.ready = this.#declare(requested).then(
      () => {
        this.#declaration = { kind: 'ready' }
      },
      (error: unknown) => {
        this.#declaration = { kind: 'failed', error }
        throw error
      },
    )
    // The app may never await `ready`; a rejection it did not ask for is not unhandled.
    this.ready.catch(() => {})
  }

  /** The collection as operations name it. */
  protected get ref(): CollectionRef {
    return { kind: this.#kind, name: this.name }
  }

  /** Subscribes to the feed, translating its events for this kind of handle. */
  protected listen(listener: (event: FeedEvent) => void): () => void {
    return this.#feed.subscribe(this.#kind, this.name, listener)
  }

  /** A write of either consistency, with the operation in both forms. */
  protected write<O extends WriteOptions>(
    options: O,
    strong: DataOperation,
    eventual: EventualOperation,
  ): Promise<StrongOrEventual<O>> {
    // The options are required: a write names its consistency (JavaScript callers may omit them).
    const consistency = (options as WriteOptions | undefined)?.consistency
    if (consistency === 'strong')
      return this.strongWrite(strong, (options as StrongWriteOptions).idempotencyKey).then((written) => {
        assert(written.applied, 'an unconditional write has no condition to fail')
        return written
      }) as Promise<StrongOrEventual<O>>
    if (consistency !== 'eventual')
      return Promise.reject(new RangeError("consistency must be 'strong' or 'eventual'"))
    if ('idempotencyKey' in options)
      return Promise.reject(new RangeError('idempotency keys are for strong writes'))
    return this.#eventualWrite(eventual) as Promise<StrongOrEventual<O>>
  }

  /** A strong write once the handle is ready; maps refusals to their typed errors. */
  protected async strongWrite(operation: DataOperation, idempotencyKey?: string): Promise<ConditionalWrite> {
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0))
      throw new RangeError('an idempotency key is a non-empty string')
    await this.ready
    let written: StrongWriteResult
    try {
      written = await this.core.strong(
        operation,
        idempotencyKey === undefined
          ? {}
          : { idempotency: { key: idempotencyKey, operationHash: operationHash(operation) } },
      )
    } catch (error) {
      throw this.#typed(error, 'strong')
    }
    return this.#strongResult(written, idempotencyKey)
  }

  #strongResult(written: StrongWriteResult, idempotencyKey: string | undefined): ConditionalWrite {
    const position = {
      consistency: 'strong' as const,
      index: written.index,
      term: written.term,
      writeId: written.writeId,
    }
    const result: StrongResult = written.result
    if (result.applied)
      return {
        ...position,
        applied: true,
        fencingToken: result.fencingToken,
        stamp: result.stamp,
        replayed: result.replayed,
        ...(result.counter === undefined ? {} : { value: result.counter }),
      }
    const reason = result.reason
    if (CONDITION_FAILURES.has(reason))
      return { ...position, applied: false, reason: reason as ConditionFailure, fencingToken: null }
    if (isRuleRefusal(reason)) throw ruleRefusalError(reason, this.name, 'strong')
    if (reason === 'idempotency-key-reuse')
      throw new IdempotencyKeyReuseError(idempotencyKey ?? '', written.writeId)
    throw new StrongBatchRefusedError(written.writeId, reason)
  }

  async #eventualWrite(operation: EventualOperation): Promise<EventualWrite> {
    const declaration = this.#declaration
    if (declaration.kind === 'failed') throw declaration.error
    if (declaration.kind === 'pending') {
      // Until the declaration applies, C does not hold the rules yet: check the requested ones, so
      // nothing the declaration will refuse at the fold is acknowledged.
      const { writes, writers } = declaration.requested
      if (writes === 'strong') throw ruleRefusalError('consistency-not-allowed', this.name, 'eventual')
      if (writers !== null && !writers.includes(this.#key))
        throw ruleRefusalError('writer-not-allowed', this.name, 'eventual')
    }
    try {
      const { stamp, writeId } = await this.core.eventual(operation)
      return { consistency: 'eventual', stamp, writeId }
    } catch (error) {
      throw this.#typed(error, 'eventual')
    }
  }

  #typed(error: unknown, consistency: 'strong' | 'eventual'): unknown {
    if (error instanceof WriteRefusedError && isRuleRefusal(error.reason))
      return ruleRefusalError(error.reason, this.name, consistency)
    return error
  }

  /** Proposes the requested rules unless C holds equal ones; fails on different ones. */
  async #declare(requested: CollectionRules): Promise<void> {
    const collections = this.#collections()
    if (collections.isDeclared(this.name)) {
      const declared = collections.rules(this.name)
      if (sameRules(declared, requested)) return
      throw new CollectionConflictError(this.name, requested, declared)
    }
    const written = await this.core.strong({ kind: 'declare', collection: this.ref, rules: requested })
    if (written.result.applied) return
    if (written.result.reason === 'collection-conflict')
      throw new CollectionConflictError(this.name, requested, this.#collections().rules(this.name))
    throw new StrongBatchRefusedError(written.writeId, written.result.reason)
  }

  #collections() {
    const data = this.core.committed.data
    if (data === null) throw new RangeError('collections: a keyless node holds no collections')
    return data.collections
  }

  /** Reads C after a ReadIndex barrier: every strong write completed before the call is in it. */
  protected async linearizable<R>(read: () => R): Promise<R> {
    await this.core.linearizableBarrier()
    return read()
  }

  /** C's replica (linearizable reads, after the barrier). */
  protected get committedReplica() {
    const data = this.core.committed.data
    if (data === null) throw new RangeError('collections: a keyless node holds no values')
    return data.replica
  }
}

function checkRead(options: ReadOptions | undefined): 'local' | 'linearizable' {
  const consistency = options?.consistency ?? 'local'
  if (consistency !== 'local' && consistency !== 'linearizable')
    throw new RangeError("read consistency must be 'local' or 'linearizable'")
  return consistency
}

/** A last-writer-wins map of string keys to values `V`. */
export class MapHandle<V extends Value = Value> extends CollectionHandle {
  /** @internal Use `collections.map(name, options)`. */
  constructor(
    core: CollectionsCore,
    feed: ChangeFeed,
    key: WriterKey,
    name: string,
    options?: CollectionOptions,
  ) {
    super(core, feed, key, 'map', name, options)
  }

  /** Sets `key` to `value`, strong or eventual. */
  set<O extends WriteOptions>(key: string, value: V, options: O): Promise<StrongOrEventual<O>> {
    checkKey(key)
    return this.write(
      options,
      { kind: 'map-set', collection: this.ref, key, value },
      { kind: 'map-set', collection: this.name, key, value },
    )
  }

  /** Deletes `key` (a timestamped tombstone), strong or eventual. */
  delete<O extends WriteOptions>(key: string, options: O): Promise<StrongOrEventual<O>> {
    checkKey(key)
    return this.write(
      options,
      { kind: 'map-delete', collection: this.ref, key },
      { kind: 'map-delete', collection: this.name, key },
    )
  }

  /**
   * Sets `key` to `next` if C holds `expected` there at the write's log position (`undefined`:
   * absent). Strong only, on a collection declared `writes: 'strong'`.
   */
  compareAndSet(
    key: string,
    expected: V | undefined,
    next: V,
    options: { readonly idempotencyKey?: string } = {},
  ): Promise<ConditionalWrite> {
    return this.#conditional(key, { kind: 'compare-and-set', expected, next }, options)
  }

  /** Sets `key` to `value` if C holds nothing there at the write's log position. */
  insertIfAbsent(
    key: string,
    value: V,
    options: { readonly idempotencyKey?: string } = {},
  ): Promise<ConditionalWrite> {
    return this.#conditional(key, { kind: 'insert-if-absent', value }, options)
  }

  /**
   * Adds `by` to the number at `key` (absent: 0) unless the result would leave [`min`, `max`]: a
   * bounded counter that never crosses its bounds, whatever writers on other nodes do concurrently.
   */
  increment(
    key: string,
    by: number,
    bounds: { readonly min?: number; readonly max?: number; readonly idempotencyKey?: string } = {},
  ): Promise<ConditionalWrite> {
    if (!Number.isFinite(by)) return Promise.reject(new RangeError('increment: by must be a finite number'))
    const { min, max, idempotencyKey } = bounds
    const condition: Condition = {
      kind: 'increment',
      by,
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
    }
    return this.#conditional(key, condition, idempotencyKey === undefined ? {} : { idempotencyKey })
  }

  /** The value at `key`: from V (`local`, the default, synchronous) or from C after ReadIndex. */
  get(key: string, options?: { readonly consistency: 'local' }): V | undefined
  get(key: string, options: { readonly consistency: 'linearizable' }): Promise<V | undefined>
  get(key: string, options?: ReadOptions): V | undefined | Promise<V | undefined> {
    if (checkRead(options) === 'linearizable')
      return this.linearizable(() => this.committedReplica.map<V>(this.name).get(key))
    return this.core.view.map(this.name).get(key) as V | undefined
  }

  /** Whether `key` holds a value: in V, or in C after ReadIndex. */
  has(key: string, options?: { readonly consistency: 'local' }): boolean
  has(key: string, options: { readonly consistency: 'linearizable' }): Promise<boolean>
  has(key: string, options?: ReadOptions): boolean | Promise<boolean> {
    if (checkRead(options) === 'linearizable')
      return this.linearizable(() => this.committedReplica.map(this.name).has(key))
    return this.core.view.map(this.name).has(key)
  }

  /** The live entries V holds. */
  entries(): IterableIterator<[string, V]> {
    return this.core.view.map(this.name).entries() as IterableIterator<[string, V]>
  }

  /** The number of live keys in V. */
  get size(): number {
    return this.core.view.map(this.name).size
  }

  /** Reports changes of the map in V, and refusals of this node's eventual writes to it. */
  subscribe(listener: (event: MapEvent<V>) => void): () => void {
    return this.listen((event) => {
      if (event.kind === 'refused') listener(event)
      else
        listener({
          kind: 'change',
          collection: event.collection,
          key: event.key,
          value: event.value as V | undefined,
          origin: event.origin,
        })
    })
  }

  #conditional(
    key: string,
    condition: Condition,
    options: { readonly idempotencyKey?: string },
  ): Promise<ConditionalWrite> {
    checkKey(key)
    return this.strongWrite(
      { kind: 'map-conditional', collection: this.ref, key, condition },
      options.idempotencyKey,
    )
  }
}

/** An add-wins set of elements `T`. */
export class SetHandle<T extends Value = Value> extends CollectionHandle {
  /** @internal Use `collections.set(name, options)`. */
  constructor(
    core: CollectionsCore,
    feed: ChangeFeed,
    key: WriterKey,
    name: string,
    options?: CollectionOptions,
  ) {
    super(core, feed, key, 'set', name, options)
  }

  /** Adds `element`, strong or eventual (a strong add supersedes the dots C holds). */
  add<O extends WriteOptions>(element: T, options: O): Promise<StrongOrEventual<O>> {
    return this.write(
      options,
      { kind: 'set-add', collection: this.ref, element },
      { kind: 'set-add', collection: this.name, element },
    )
  }

  /** Removes `element`: the adds seen (C's at a strong delete's index); concurrent adds survive. */
  delete<O extends WriteOptions>(element: T, options: O): Promise<StrongOrEventual<O>> {
    return this.write(
      options,
      { kind: 'set-delete', collection: this.ref, element },
      { kind: 'set-delete', collection: this.name, element },
    )
  }

  /** Whether the set holds `element`: in V, or in C after ReadIndex. */
  has(element: T, options?: { readonly consistency: 'local' }): boolean
  has(element: T, options: { readonly consistency: 'linearizable' }): Promise<boolean>
  has(element: T, options?: ReadOptions): boolean | Promise<boolean> {
    if (checkRead(options) === 'linearizable')
      return this.linearizable(() => this.committedReplica.set(this.name).has(element))
    return this.core.view.set(this.name).has(element)
  }

  /** The elements V holds. */
  values(): IterableIterator<T> {
    return this.core.view.set(this.name).values() as IterableIterator<T>
  }

  /** The number of elements in V. */
  get size(): number {
    return this.core.view.set(this.name).size
  }

  /** Reports elements added to or removed from the set in V, and refusals of own eventual writes. */
  subscribe(listener: (event: SetEvent<T>) => void): () => void {
    return this.listen((event) => {
      if (event.kind === 'refused') listener(event)
      else
        listener({
          kind: 'change',
          collection: event.collection,
          element: event.element as T,
          present: event.present,
          origin: event.origin,
        })
    })
  }
}

/** A last-writer-wins register holding one value `T`. */
export class RegisterHandle<T extends Value = Value> extends CollectionHandle {
  /** @internal Use `collections.register(name, options)`. */
  constructor(
    core: CollectionsCore,
    feed: ChangeFeed,
    key: WriterKey,
    name: string,
    options?: CollectionOptions,
  ) {
    super(core, feed, key, 'register', name, options)
  }

  /** Sets the register's value, strong or eventual. */
  set<O extends WriteOptions>(value: T, options: O): Promise<StrongOrEventual<O>> {
    return this.write(
      options,
      { kind: 'register-set', collection: this.ref, value },
      { kind: 'register-set', collection: this.name, value },
    )
  }

  /** The register's value: from V (`local`, the default) or from C after ReadIndex. */
  get(options?: { readonly consistency: 'local' }): T | undefined
  get(options: { readonly consistency: 'linearizable' }): Promise<T | undefined>
  get(options?: ReadOptions): T | undefined | Promise<T | undefined> {
    if (checkRead(options) === 'linearizable')
      return this.linearizable(() => this.committedReplica.register<T>(this.name).get())
    return this.core.view.register(this.name).get() as T | undefined
  }

  /** Reports changes of the register's value in V, and refusals of own eventual writes. */
  subscribe(listener: (event: RegisterEvent<T>) => void): () => void {
    return this.listen((event) => {
      if (event.kind === 'refused') listener(event)
      else
        listener({
          kind: 'change',
          collection: event.collection,
          value: event.value as T | undefined,
          origin: event.origin,
        })
    })
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string') throw new RangeError('a map key is a string')
}
