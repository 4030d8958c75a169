import type { Delta } from '../core/delta.js'
import type { LwwStore } from '../core/stores.js'
import { assertValue, type Value } from '../core/value.js'
import type { WriteAt } from '../core/write-at.js'
import type { CollectionWriter } from './writer.js'

const REGISTER_KEY = ''

/**
 * A last-writer-wins register: one value, the write with the largest hybrid-logical-clock stamp wins
 * (ties broken by node id). `clear()` is a timestamped write of "no value". Get it with
 * `replica.register(name)`.
 */
export class LWWRegister<T extends Value = Value> {
  private readonly replica: CollectionWriter
  private readonly storage: LwwStore

  /** @internal Use `replica.register(name)`. */
  constructor(replica: CollectionWriter, storage: LwwStore) {
    this.replica = replica
    this.storage = storage
  }

  get name(): string {
    return this.storage.name
  }

  /** Writes `value` (at the explicit stamp and dot `at` when given, see {@link WriteAt}); returns the delta. */
  set(value: T, at?: WriteAt): Delta {
    assertValue(value)
    return this.replica.mutate(this.storage, REGISTER_KEY, value, false, at)
  }

  /** Writes "no value" with a fresh stamp (or at `at`); returns the delta. */
  clear(at?: WriteAt): Delta {
    return this.replica.mutate(this.storage, REGISTER_KEY, null, true, at)
  }

  /** The current value, or undefined when never written or cleared. */
  get(): T | undefined {
    const slot = this.storage.slots.get(REGISTER_KEY)
    return slot === undefined || slot.deleted ? undefined : (slot.value as T)
  }
}
