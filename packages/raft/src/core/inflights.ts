import { assert, InvariantError } from '@tandem/base'

/**
 * The leader's window of append messages in flight to one follower: a ring buffer of the last
 * index each message carried. It bounds how far the leader streams ahead of a follower's
 * acknowledgements (flow control), without allocating per message.
 */
export class Inflights {
  /** The most messages in flight at once. */
  readonly capacity: number
  readonly #lastIndexes: Float64Array
  #start = 0
  /** Messages currently in flight. */
  count = 0

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new InvariantError(`inflight capacity ${capacity} must be > 0`)
    this.capacity = capacity
    this.#lastIndexes = new Float64Array(capacity)
  }

  /** Records a message whose last entry is `lastIndex` (indexes must increase). */
  add(lastIndex: number): void {
    // Progress pauses a follower whose window is full, so nothing adds to a full one.
    assert(this.count < this.capacity, 'cannot add to a full inflight window')
    let slot = this.#start + this.count
    if (slot >= this.capacity) slot -= this.capacity
    this.#lastIndexes[slot] = lastIndex
    this.count++
  }

  /** Frees every message whose last index is ≤ `index` (they were acknowledged). */
  freeLE(index: number): void {
    let freed = 0
    let slot = this.#start
    while (freed < this.count && (this.#lastIndexes[slot] as number) <= index) {
      freed++
      slot++
      if (slot === this.capacity) slot = 0
    }
    this.count -= freed
    this.#start = this.count === 0 ? 0 : slot
  }

  /** Frees the oldest message, so that one more may be sent (a probe past lost messages). */
  freeFirstOne(): void {
    if (this.count === 0) return
    this.count--
    this.#start = this.count === 0 ? 0 : (this.#start + 1) % this.capacity
  }

  full(): boolean {
    return this.count === this.capacity
  }

  reset(): void {
    this.count = 0
    this.#start = 0
  }
}
