/**
 * A bounded FIFO of frames waiting to be written. Bounded in both frames and bytes: a slow or
 * absent peer never makes the sender buffer without limit. When full, the configured policy either
 * discards the oldest queued frames to make room (fresh Raft state supersedes stale) or refuses
 * the new frame; either way the caller learns how many frames were dropped.
 */
import { assert } from '@tandem/base'

/** What a full queue does with a new frame. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest'

/** Bounds of a {@link FrameQueue}. */
export interface FrameQueueLimits {
  readonly framesMax: number
  readonly bytesMax: number
  readonly overflow: OverflowPolicy
}

export class FrameQueue {
  readonly #limits: FrameQueueLimits
  #frames: Uint8Array[] = []
  #head = 0
  #bytes = 0

  constructor(limits: FrameQueueLimits) {
    assert(limits.framesMax >= 1, 'a queue holds at least one frame')
    assert(limits.bytesMax >= 1, 'a queue holds at least one byte')
    this.#limits = limits
  }

  get length(): number {
    return this.#frames.length - this.#head
  }

  get bytes(): number {
    return this.#bytes
  }

  /** Whether the queue holds at most half its bounds (the level at which blocked writers resume). */
  get belowLowWater(): boolean {
    return this.length <= this.#limits.framesMax / 2 && this.#bytes <= this.#limits.bytesMax / 2
  }

  /**
   * Appends `frame`. Returns the number of frames dropped to respect the bounds: 0 normally; with
   * `drop-newest` a refused `frame` counts as 1 dropped; with `drop-oldest` the evicted ones count.
   * A frame larger than `bytesMax` on its own is always refused.
   */
  push(frame: Uint8Array): number {
    if (frame.byteLength > this.#limits.bytesMax) return 1
    let dropped = 0
    while (this.length >= this.#limits.framesMax || this.#bytes + frame.byteLength > this.#limits.bytesMax) {
      if (this.#limits.overflow === 'drop-newest') return 1
      this.#dropHead()
      dropped++
    }
    this.#frames.push(frame)
    this.#bytes += frame.byteLength
    return dropped
  }

  /** The oldest frame, without removing it. */
  peek(): Uint8Array | undefined {
    return this.#frames[this.#head]
  }

  /** Removes and returns the oldest frame. */
  shift(): Uint8Array | undefined {
    const frame = this.#frames[this.#head]
    if (frame === undefined) return undefined
    this.#dropHead()
    return frame
  }

  /** Discards everything; returns how many frames were discarded. */
  clear(): number {
    const count = this.length
    this.#frames = []
    this.#head = 0
    this.#bytes = 0
    return count
  }

  #dropHead(): void {
    const frame = this.#frames[this.#head]
    if (frame === undefined) return
    this.#bytes -= frame.byteLength
    this.#frames[this.#head] = EMPTY
    this.#head++
    // Compact once the consumed prefix dominates, so shifting stays amortized O(1).
    if (this.#head >= 1024 && this.#head * 2 >= this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head)
      this.#head = 0
    }
  }
}

const EMPTY = new Uint8Array(0)
