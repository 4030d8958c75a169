import { Inflights } from './inflights.js'
import { ProgressState } from './types.js'

/**
 * The leader's view of one follower (etcd's tracker.Progress).
 *
 * - **Probe**: the leader does not know where the follower's log matches. It sends at most one
 *   append per heartbeat interval and backs off on rejection until it finds the match.
 * - **Replicate**: the logs match up to `match`; the leader streams appends optimistically
 *   (advancing `next` as it sends), bounded by the {@link Inflights} window.
 * - **Snapshot**: the follower needs a snapshot; nothing is sent until it is reported done.
 */
export class Progress {
  /** The highest index known to be replicated on the follower. */
  match: number
  /** The index of the next entry to send. */
  next: number
  state: ProgressState = ProgressState.Probe
  /** In Snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0
  /** The highest commit index this follower can have learned from what was sent to it. */
  sentCommit = 0
  /** Whether the follower was heard from since the last quorum check. */
  recentActive = false
  /**
   * Whether appends to this follower are paused: in Probe, after one was sent and before a reply
   * or heartbeat response; in Replicate, when the inflight window is full.
   */
  msgAppFlowPaused = false
  readonly inflights: Inflights
  isLearner: boolean

  constructor(next: number, inflightAppendsMax: number, isLearner: boolean) {
    this.match = 0
    this.next = next
    this.inflights = new Inflights(inflightAppendsMax)
    this.isLearner = isLearner
  }

  /** Forgets everything about the follower (a new term began): probe from `next`. */
  reset(next: number): void {
    resetState(this, ProgressState.Probe)
    this.match = 0
    this.next = next
    this.recentActive = false
    this.sentCommit = 0
  }

  /** A copy for a tentative configuration change; the inflight window is shared, not copied. */
  clone(): Progress {
    const copy = Object.create(Progress.prototype) as Progress
    Object.assign(copy, this)
    return copy
  }

  becomeProbe(): void {
    // Coming back from a snapshot, the follower holds at least the snapshot.
    if (this.state === ProgressState.Snapshot) {
      const pendingSnapshot = this.pendingSnapshot
      resetState(this, ProgressState.Probe)
      this.next = Math.max(this.match + 1, pendingSnapshot + 1)
    } else {
      resetState(this, ProgressState.Probe)
      this.next = this.match + 1
    }
  }

  becomeReplicate(): void {
    resetState(this, ProgressState.Replicate)
    this.next = this.match + 1
  }

  becomeSnapshot(snapshotIndex: number): void {
    resetState(this, ProgressState.Snapshot)
    this.pendingSnapshot = snapshotIndex
  }

  /** Records an append carrying entries through `lastIndex` (none when `lastIndex` is `next - 1`). */
  sentEntries(lastIndex: number, entryCount: number): void {
    if (entryCount === 0) return
    if (this.state === ProgressState.Replicate) {
      this.next = lastIndex + 1
      this.inflights.add(lastIndex)
      this.msgAppFlowPaused = this.inflights.full()
    } else if (this.state === ProgressState.Probe) {
      this.msgAppFlowPaused = true
    }
  }

  /** The follower acknowledged `index`; returns whether `match` moved. */
  maybeUpdate(index: number): boolean {
    let updated = false
    if (this.match < index) {
      this.match = index
      updated = true
      this.msgAppFlowPaused = false
    }
    if (this.next < index + 1) this.next = index + 1
    return updated
  }

  /**
   * The follower rejected an append at `rejected`, hinting that its log may match at `matchHint`.
   * Returns false when the rejection is stale (an answer to an older message).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      if (rejected <= this.match) return false
      this.next = this.match + 1
      return true
    }
    if (this.next - 1 !== rejected) return false
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1)
    this.msgAppFlowPaused = false
    return true
  }

  /** Whether the leader should hold back appends to this follower for now. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
        return this.msgAppFlowPaused
      case ProgressState.Replicate:
        return this.msgAppFlowPaused
      default:
        return true
    }
  }
}

// A function rather than a #private method: clone() copies a Progress without its constructor,
// and such a copy carries none of the class's private brand.
function resetState(progress: Progress, state: ProgressState): void {
  progress.msgAppFlowPaused = false
  progress.pendingSnapshot = 0
  progress.state = state
  progress.inflights.reset()
}
