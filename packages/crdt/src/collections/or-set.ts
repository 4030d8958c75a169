import type { Delta } from '../core/delta.js'
import { elementKey } from '../core/element-key.js'
import type { SetStore } from '../core/stores.js'
import { assertValue, type Value } from '../core/value.js'
import type { WriteAt } from '../core/write-at.js'
import type { CollectionWriter } from './writer.js'

/**
 * An add-wins observed-remove set. Every add is tagged with a fresh dot; a remove removes exactly the
 * dots it has observed, so an add concurrent with a remove survives it. Removes leave no tombstone:
 * the replica's causal context (one version vector) remembers which dots it has seen, so memory is
 * proportional to the live elements. Elements are compared by value (canonical encoding: object key
 * order does not matter). Get it with `replica.set(name)`.
 */
export class ORSet<T extends Value = Value> {
  private readonly replica: CollectionWriter
  private readonly storage: SetStore

  /** @internal Use `replica.set(name)`. */
  constructor(replica: CollectionWriter, storage: SetStore) {
    this.replica = replica
    this.storage = storage
  }

  get name(): string {
    return this.storage.name
  }

  /**
   * Adds `value` (again, when present: the new add supersedes the observed ones); returns the delta.
   * With `at`, the add is tagged with that explicit dot (see {@link WriteAt}).
   */
  add(value: T, at?: WriteAt): Delta {
    assertValue(value)
    return this.replica.mutateSet(this.storage, value === 0 ? (0 as T) : value, true, at)
  }

  /**
   * Removes `value` (its observed adds); returns the delta, empty when it was absent. With `at`, the
   * remove also consumes that dot (so a dense counter's context stays one range), present or not.
   */
  delete(value: T, at?: WriteAt): Delta {
    if (at !== undefined) assertValue(value)
    return this.replica.mutateSet(this.storage, value, false, at)
  }

  has(value: T): boolean {
    return this.storage.elements.has(elementKey(value))
  }

  get size(): number {
    return this.storage.elements.size
  }

  *values(): IterableIterator<T> {
    for (const element of this.storage.elements.values()) yield element.value as T
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.values()
  }
}
