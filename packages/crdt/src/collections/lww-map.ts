import type { Delta } from '../core/delta.js'
import type { LwwStore } from '../core/stores.js'
import { assertValue, type Value } from '../core/value.js'
import type { WriteAt } from '../core/write-at.js'
import type { CollectionWriter } from './writer.js'

/**
 * A last-writer-wins map from string keys to values, living in a `Replica`. Each key holds the
 * write with the largest hybrid-logical-clock stamp; equal stamps are broken by node id. Deletes are
 * timestamped writes too (tombstones), so a delete beats every earlier write and loses to every later
 * one. Get it with `replica.map(name)`.
 */
export class LWWMap<V extends Value = Value> {
  private readonly replica: CollectionWriter
  private readonly storage: LwwStore

  /** @internal Use `replica.map(name)`. */
  constructor(replica: CollectionWriter, storage: LwwStore) {
    this.replica = replica
    this.storage = storage
  }

  /** The collection name. */
  get name(): string {
    return this.storage.name
  }

  /**
   * Sets `key` to `value`; returns the delta to ship to other replicas. With `at`, the write takes that
   * explicit stamp and dot (see {@link WriteAt}) instead of the replica's own.
   */
  set(key: string, value: V, at?: WriteAt): Delta {
    assertValue(value)
    return this.replica.mutate(this.storage, key, value, false, at)
  }

  /** Deletes `key` with a timestamped tombstone (at `at` when given); returns the delta. */
  delete(key: string, at?: WriteAt): Delta {
    return this.replica.mutate(this.storage, key, null, true, at)
  }

  /** The value of `key`, or undefined when absent or deleted. */
  get(key: string): V | undefined {
    const slot = this.storage.slots.get(key)
    return slot === undefined || slot.deleted ? undefined : (slot.value as V)
  }

  has(key: string): boolean {
    const slot = this.storage.slots.get(key)
    return slot !== undefined && !slot.deleted
  }

  /** Number of live keys. */
  get size(): number {
    return this.storage.slots.size - this.storage.tombstones
  }

  /** Live [key, value] pairs, in insertion order of this replica. */
  *entries(): IterableIterator<[string, V]> {
    for (const slot of this.storage.slots.values()) if (!slot.deleted) yield [slot.key, slot.value as V]
  }

  *keys(): IterableIterator<string> {
    for (const slot of this.storage.slots.values()) if (!slot.deleted) yield slot.key
  }

  /** A plain `Map` snapshot of the live entries. */
  toMap(): Map<string, V> {
    return new Map(this.entries())
  }
}
