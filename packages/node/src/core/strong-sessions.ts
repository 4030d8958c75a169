/**
 * Deduplication of strong batches in C (design.md, "Sessions and outcomes"). RaftNode's built-in
 * sessions are off: the node deduplicates on the *verified* (writer key, incarnation, sequence) of
 * each strong batch's signed header, so a member cannot claim another's session, and RaftNode's
 * re-forwards — which may commit out of sequence order — apply once.
 *
 * Each strong batch header carries the proposer's floor: its lowest sequence whose result it has not
 * yet delivered. Everything below the floor has been delivered, so C drops those sequences and their
 * results; a batch that arrives below the floor afterwards (a late re-forward) is skipped, never
 * applied again. Only the current incarnation of a key may apply data operations; `open` of a new
 * incarnation drops the old one's session, so every earlier outcome becomes definite
 * (`unknown-expired` for ids C no longer remembers).
 */
import { assert } from '@tandem/base'
import type { Incarnation, WriterKey } from './ids.js'

/** The signed public header of a strong batch, as far as sessions are concerned. */
export interface StrongBatchHeader {
  readonly key: WriterKey
  readonly incarnation: Incarnation
  /** The batch's place in its (key, incarnation) strong sequence, from 1. */
  readonly sequence: number
  /** The proposer's lowest sequence whose result it has not delivered yet. */
  readonly floor: number
}

/** What C does with a strong batch. */
export type SessionAdmission<Result> =
  | { readonly kind: 'new' }
  /** Applied before: the same results again, nothing re-applied. */
  | { readonly kind: 'duplicate'; readonly results: readonly Result[] }
  /** Below the floor: delivered and forgotten; skipped. */
  | { readonly kind: 'expired' }
  /** Not the key's current incarnation: refused, nothing applied. */
  | { readonly kind: 'stale-incarnation' }
  /**
   * At or beyond floor + `resultsPerSessionMax`: the proposer ran further ahead of its floor than
   * the session window allows. Refused, nothing applied — a definite outcome it can report.
   */
  | { readonly kind: 'beyond-window' }

/** The outcome of one strong batch as C knows it. */
export type SessionOutcome<Result> =
  | { readonly kind: 'applied'; readonly results: readonly Result[] }
  | { readonly kind: 'unknown-expired' }
  | { readonly kind: 'not-seen' }

/** One session as a snapshot holds it. */
export interface SessionSnapshot<Result> {
  readonly key: WriterKey
  readonly incarnation: Incarnation
  readonly floor: number
  readonly applied: readonly (readonly [number, readonly Result[]])[]
}

interface Session<Result> {
  readonly incarnation: Incarnation
  floor: number
  readonly applied: Map<number, readonly Result[]>
}

/** Limits of the session table: cluster constants (they change only through the log). */
export interface SessionLimits {
  /**
   * The session window: a batch is admitted only if its sequence is below floor + this, so a
   * session holds at most this many results. A proposer keeps fewer batches than this in flight.
   */
  readonly resultsPerSessionMax: number
}

/** The strong sessions of C's data layer, one per writer key (its current incarnation). */
export class StrongSessions<Result> {
  readonly #sessions = new Map<WriterKey, Session<Result>>()
  readonly #limits: SessionLimits

  constructor(limits: SessionLimits) {
    assert(limits.resultsPerSessionMax >= 1, 'StrongSessions: resultsPerSessionMax must be ≥ 1')
    this.#limits = limits
  }

  /** Makes `incarnation` the key's session, dropping any earlier incarnation's (applied `open`). */
  open(key: WriterKey, incarnation: Incarnation): void {
    const current = this.#sessions.get(key)
    if (current?.incarnation === incarnation) return
    this.#sessions.set(key, { incarnation, floor: 1, applied: new Map() })
  }

  /** Forgets a key's session (the key was removed or revoked). */
  close(key: WriterKey): void {
    this.#sessions.delete(key)
  }

  /**
   * Decides what to do with a committed strong batch and advances the session's floor (the header is
   * verified and signed, so its floor is the proposer's own word).
   */
  admit(header: StrongBatchHeader): SessionAdmission<Result> {
    assert(Number.isSafeInteger(header.sequence) && header.sequence >= 1, 'admit: sequence is decoded ≥ 1')
    assert(Number.isSafeInteger(header.floor) && header.floor >= 1, 'admit: floor is decoded ≥ 1')
    const session = this.#sessions.get(header.key)
    if (session === undefined || session.incarnation !== header.incarnation)
      return { kind: 'stale-incarnation' }
    const known = session.applied.get(header.sequence)
    if (known !== undefined) return { kind: 'duplicate', results: known }
    if (header.sequence < session.floor) return { kind: 'expired' }
    this.#raiseFloor(session, Math.min(header.floor, header.sequence))
    // Forgetting results to make room would let a late, never-applied sequence below a raised floor
    // be skipped as "expired": refusing beyond the window keeps every outcome definite instead.
    if (header.sequence >= session.floor + this.#limits.resultsPerSessionMax) return { kind: 'beyond-window' }
    return { kind: 'new' }
  }

  /** Records the results of a batch that `admit` called new and that has now been applied. */
  record(header: StrongBatchHeader, results: readonly Result[]): void {
    const session = this.#sessions.get(header.key)
    assert(
      session !== undefined && session.incarnation === header.incarnation,
      'record: batch was not admitted',
    )
    assert(!session.applied.has(header.sequence), 'record: batch recorded twice')
    assert(header.sequence < session.floor + this.#limits.resultsPerSessionMax, 'record: beyond the window')
    session.applied.set(header.sequence, results)
  }

  /** What C knows of batch `sequence` of (key, incarnation). */
  outcome(key: WriterKey, incarnation: Incarnation, sequence: number): SessionOutcome<Result> {
    const session = this.#sessions.get(key)
    if (session === undefined || session.incarnation !== incarnation) return { kind: 'unknown-expired' }
    const results = session.applied.get(sequence)
    if (results !== undefined) return { kind: 'applied', results }
    if (sequence < session.floor) return { kind: 'unknown-expired' }
    return { kind: 'not-seen' }
  }

  /** Every session, sorted by key, its applied batches by sequence (snapshots). */
  entries(): SessionSnapshot<Result>[] {
    return [...this.#sessions]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, session]) => ({
        key,
        incarnation: session.incarnation,
        floor: session.floor,
        applied: [...session.applied].sort(([a], [b]) => a - b),
      }))
  }

  /** Restores the sessions from a snapshot (replacing whatever they held). */
  restore(sessions: readonly SessionSnapshot<Result>[]): void {
    this.#sessions.clear()
    for (const { key, incarnation, floor, applied } of sessions)
      this.#sessions.set(key, { incarnation, floor, applied: new Map(applied) })
  }

  /** The current incarnation of a key's session, if any. */
  incarnationOf(key: WriterKey): Incarnation | undefined {
    return this.#sessions.get(key)?.incarnation
  }

  #raiseFloor(session: Session<Result>, floor: number): void {
    if (floor <= session.floor) return
    session.floor = floor
    for (const sequence of [...session.applied.keys()]) if (sequence < floor) session.applied.delete(sequence)
  }
}
