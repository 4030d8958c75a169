/**
 * Stamps at apply (design.md, "Strong writes: Stamps at apply" and "Folding: clamp, never refuse").
 *
 * `strongClock` is the greatest stamp of any effect that took effect in C's data layer: strong writes
 * and folded deltas, after clamping. A strong write is stamped at apply with
 *
 *   max(min(proposer's stamp, t + driftMax), strongClock + 1 logical),
 *
 * so it supersedes every write committed before it, and a proposer whose clock runs ahead cannot
 * stamp past t + driftMax. A folded delta stamped above t + driftMax merges at
 * (t + driftMax, its logical) on every node: clamped, never refused, for its stamp. Every input is in
 * C (t, driftMax, strongClock) or in the entry, so every node computes the same stamps.
 */
import { assert } from '@tandem/base'

/** The time part of an HLC stamp (the node part is the writer's CRDT id, kept beside it). */
export interface StampTime {
  readonly wallMs: number
  readonly logical: number
}

/** Orders two stamp times: negative when `left` is earlier. */
export function compareStampTimes(left: StampTime, right: StampTime): number {
  return left.wallMs !== right.wallMs ? left.wallMs - right.wallMs : left.logical - right.logical
}

/** The later of two stamp times. */
function later(left: StampTime, right: StampTime): StampTime {
  return compareStampTimes(left, right) >= 0 ? left : right
}

/** Clamps a folded delta's stamp to (t + driftMax, its logical) when it is above that bound. */
export function clampStamp(stamp: StampTime, tMs: number, driftMaxMs: number): StampTime {
  const boundMs = tMs + driftMaxMs
  return stamp.wallMs > boundMs ? { wallMs: boundMs, logical: stamp.logical } : stamp
}

/** The greatest stamp that took effect in C's data layer. Part of C's data layer. */
export class StrongClock {
  #latest: StampTime = { wallMs: 0, logical: 0 }

  /** The greatest stamp that took effect so far. */
  get latest(): StampTime {
    return this.#latest
  }

  /**
   * The stamp of a strong write applied now, given the stamp its proposer sealed, log time t and
   * driftMax. Records it as the latest effect.
   */
  stampStrongWrite(proposerStamp: StampTime, tMs: number, driftMaxMs: number): StampTime {
    const capped = clampStamp(proposerStamp, tMs, driftMaxMs)
    const next = { wallMs: this.#latest.wallMs, logical: this.#latest.logical + 1 }
    const stamp = later(capped, next)
    assert(compareStampTimes(stamp, this.#latest) > 0, 'a strong stamp supersedes every earlier effect')
    this.#latest = stamp
    return stamp
  }

  /**
   * Records that a folded delta took effect at `stamp` (already clamped): strongClock is the greatest
   * stamp of any effect, whichever path it came by.
   */
  observeFolded(stamp: StampTime): void {
    this.#latest = later(this.#latest, stamp)
  }

  /** Restores the clock from a snapshot. */
  restore(latest: StampTime): void {
    this.#latest = latest
  }
}
