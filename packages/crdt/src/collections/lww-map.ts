import type { Delta } from '../core/delta.js'
import type { LwwStore } from '../core/stores.js'
import { assertValue, type Value } from '../core/value.js'
import type { Replica } from '../replica.js'

/**
 * A last-writer-wins map from string keys to values, living in a {@link Replica}. Each key holds the
 * write with the largest hybrid-logical-clock stamp; equal stamps are broken by node id. Deletes are
 * timestamped writes too (tombstones), so a delete beats every earlier write and loses to every later
 * one. Get it with `replica.map(name)`.
 */
export class LWWMap<V extends Value = Value> {
  private readonly replica: Replica
  private readonly storage: LwwStore

  /** @internal Use `replica.map(name)`. */
  constructor(replica: Replica, storage: LwwStore) {
    this.replica = replica
    this.storage = storage
  }

  /** The collection name. */
  get name(): string {
    return this.storage.name
  }

  /** Sets `key` to `value`; returns the delta to ship to other replicas. */
  set(key: string, value: V): Delta {
    assertValue(value)
    return this.replica.mutate(this.storage, key, value, false)
  }

  /** Deletes `key` with a timestamped tombstone; returns the delta. */
  delete(key: string): Delta {
    return this.replica.mutate(this.storage, key, null, true)
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
