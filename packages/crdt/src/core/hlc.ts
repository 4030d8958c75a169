import type { WallClock } from '@tandem/base'
import { ClockDriftError, InvalidClockError } from '../errors.js'

/**
 * Hybrid logical clock (Kulkarni et al.): a stamp is (wall-clock milliseconds, logical counter,
 * node id). Stamps a node issues strictly increase even when the injected wall clock stalls or
 * jumps back; receiving a remote stamp moves the clock past it, so a causally later write always
 * carries a larger stamp. A remote stamp too far ahead of the local wall clock is refused instead of
 * dragging every later local stamp into the future.
 */

/** A hybrid logical clock stamp. Ordered by `wallMs`, then `logical`, then `node`. */
export interface Timestamp {
  readonly wallMs: number
  readonly logical: number
  readonly node: string
}

/** Options of {@link HLC}. */
export interface HLCOptions {
  /** This node's id (for Tandem, the libp2p peer id). */
  readonly node: string
  /** The wall clock in milliseconds since the epoch; injected so that tests and the simulator control time. */
  readonly now: WallClock
  /** How far ahead of the local wall clock a remote stamp may be; default 60,000 ms. */
  readonly driftMsMax?: number
}

/** Default bound on how far ahead a remote stamp may be. */
export const DRIFT_MS_MAX_DEFAULT = 60_000

/** Compares two stamps: negative when `left` is earlier, positive when later, 0 when equal. */
export function compareTimestamps(left: Timestamp, right: Timestamp): number {
  if (left.wallMs !== right.wallMs) return left.wallMs - right.wallMs
  if (left.logical !== right.logical) return left.logical - right.logical
  return left.node < right.node ? -1 : left.node > right.node ? 1 : 0
}

export class HLC {
  readonly node: string
  readonly driftMsMax: number
  private readonly readWallMs: WallClock
  /** Wall part of the last stamp issued or observed. */
  wallMs = 0
  /** Logical part of the last stamp issued or observed. */
  logical = 0

  constructor(options: HLCOptions) {
    this.node = options.node
    this.readWallMs = options.now
    this.driftMsMax = options.driftMsMax ?? DRIFT_MS_MAX_DEFAULT
  }

  /** Issues a new stamp, strictly greater than every stamp issued or received before. */
  now(): Timestamp {
    this.tick()
    return { wallMs: this.wallMs, logical: this.logical, node: this.node }
  }

  /** Advances the clock for a local event without allocating a stamp object (hot path). */
  tick(): void {
    const physicalMs = this.readPhysicalMs()
    if (physicalMs > this.wallMs) {
      this.wallMs = physicalMs
      this.logical = 0
    } else {
      this.logical++
    }
  }

  /**
   * The wall clock in whole milliseconds. Stamps must be integers: the codec writes them as varints,
   * so a fractional stamp (from a clock such as `performance.timeOrigin + performance.now()`) would
   * change in transit and replicas would disagree on which write won (found by the simulator).
   */
  private readPhysicalMs(): number {
    const reading = this.readWallMs()
    if (!(reading >= 0 && reading <= Number.MAX_SAFE_INTEGER)) throw new InvalidClockError(reading)
    return Math.floor(reading)
  }

  /**
   * Checks a remote stamp against the drift bound without changing the clock.
   * Throws {@link ClockDriftError} when it is too far ahead.
   */
  check(remoteWallMs: number): void {
    const aheadMs = remoteWallMs - this.readPhysicalMs()
    if (aheadMs > this.driftMsMax) throw new ClockDriftError(aheadMs, this.driftMsMax)
  }

  /**
   * Merges a remote stamp into the clock so that every later local stamp is greater than it.
   * Throws {@link ClockDriftError} (and leaves the clock unchanged) when the stamp is too far ahead.
   */
  receive(remote: Pick<Timestamp, 'wallMs' | 'logical'>): void {
    this.check(remote.wallMs)
    this.observe(remote.wallMs, remote.logical)
  }

  /**
   * Merges a remote stamp without refusing it, capped at the local wall clock + `driftMsMax`: a stamp
   * further ahead moves the clock only to that cap, so one far-future write cannot drag every later
   * local stamp with it (the hybrid node's merge of committed entries, which must never be refused).
   */
  observeCapped(remoteWallMs: number, remoteLogical: number): void {
    const capMs = this.readPhysicalMs() + this.driftMsMax
    if (remoteWallMs > capMs) this.observe(capMs, 0)
    else this.observe(remoteWallMs, remoteLogical)
  }

  /** Merges an already checked remote stamp. */
  observe(remoteWallMs: number, remoteLogical: number): void {
    if (remoteWallMs > this.wallMs) {
      this.wallMs = remoteWallMs
      this.logical = remoteLogical
    } else if (remoteWallMs === this.wallMs && remoteLogical > this.logical) {
      this.logical = remoteLogical
    }
  }
}
