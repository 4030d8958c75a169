/**
 * Log time t (design.md, "Strong writes: Log time"). Every voter proposes `clock(ms)`, its own wall
 * clock, at least once a second; C keeps each voter's latest reading, and
 *
 *   t = max(t, the ⌈n/2⌉-th smallest reading of the n current voters),
 *
 * a voter without a reading counting as 0. The ⌈n/2⌉-th smallest reading is at or below the reading
 * of at least ⌊n/2⌋ + 1 voters and at or above the reading of at least ⌈n/2⌉ voters, so a minority
 * of voters whose clocks run ahead cannot push t forward, and a minority whose clocks run behind
 * cannot hold it back; t never moves backwards. Token expiry, idempotency windows and every other
 * time rule at apply read t, never a local clock — so apply is deterministic.
 */
import { assert } from '@tandem/base'
import type { MemberId } from './ids.js'

/** What applying one clock entry did. */
export type ClockEntryOutcome = 'applied' | 'not-a-voter' | 'stale'

/** The per-voter readings and the log time derived from them. Part of C's public layer. */
export class LogTime {
  #tMs = 0
  readonly #readings = new Map<MemberId, number>()
  #voters: readonly MemberId[] = []

  /** Log time in milliseconds since the Unix epoch; 0 before a quorum has read a clock. */
  get nowMs(): number {
    return this.#tMs
  }

  /** The latest reading of each current voter (for status pages and snapshots). */
  readings(): ReadonlyMap<MemberId, number> {
    return this.#readings
  }

  /**
   * Applies `clock(readingMs)` proposed by `voter`. A reading from a member that is not a current
   * voter, or older than the voter's latest, changes nothing (idempotent by content: replaying a
   * clock entry is harmless).
   */
  applyClock(voter: MemberId, readingMs: number): ClockEntryOutcome {
    assert(Number.isSafeInteger(readingMs) && readingMs >= 0, 'applyClock: decoded readings are whole ms')
    if (!this.#voters.includes(voter)) return 'not-a-voter'
    const previous = this.#readings.get(voter)
    if (previous !== undefined && readingMs <= previous) return 'stale'
    this.#readings.set(voter, readingMs)
    this.#recompute()
    return 'applied'
  }

  /**
   * Applies a change of the voter set: readings of members that are no longer voters are dropped,
   * new voters start without a reading (counting as 0), and t is recomputed — never lowered.
   */
  setVoters(voters: readonly MemberId[]): void {
    this.#voters = [...voters].sort()
    for (const member of [...this.#readings.keys()]) {
      if (!this.#voters.includes(member)) this.#readings.delete(member)
    }
    this.#recompute()
  }

  /** Restores the layer from a snapshot's public header. */
  restore(state: { readonly tMs: number; readonly readings: Iterable<readonly [MemberId, number]> }): void {
    this.#tMs = state.tMs
    this.#readings.clear()
    for (const [member, reading] of state.readings) this.#readings.set(member, reading)
  }

  #recompute(): void {
    const n = this.#voters.length
    if (n === 0) return
    const readings = this.#voters.map((voter) => this.#readings.get(voter) ?? 0).sort((a, b) => a - b)
    const quorumReading = readings[Math.ceil(n / 2) - 1] as number
    if (quorumReading > this.#tMs) this.#tMs = quorumReading
  }
}
