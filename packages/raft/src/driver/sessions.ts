/**
 * Client sessions: the deduplication state of the apply path. Every node applies the same log, so
 * every node holds the same sessions at the same index; they travel inside snapshots so that they
 * survive compaction and restarts. All bounds are enforced by log-determined rules, so eviction is
 * identical on every node.
 */
import type * as pb from '../proto/raft.js'
import { SnapshotFormatError } from './errors.js'

/** Where a sequence was applied. */
export interface AppliedAt {
  readonly index: number
  readonly term: number
}

interface Session {
  floor: number
  readonly applied: Map<number, AppliedAt>
  lastIndex: number
}

/** Bounds of a {@link SessionTable}. */
export interface SessionLimits {
  /** The most sessions kept; beyond it the session idle the longest (by log index) is forgotten. */
  readonly sessionsMax: number
  /** The most applied-but-unacknowledged sequences kept per session; beyond it the oldest are folded into the floor. */
  readonly sequencesPerSessionMax: number
}

/**
 * The most applied-but-unacknowledged sequences one client session keeps. It decides which
 * duplicates every node recognizes, and snapshots are checked against it, so it must be equal on
 * every node of a cluster: it is a constant of the protocol, not a setting.
 */
export const SEQUENCES_PER_SESSION_MAX = 100_000

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  sessionsMax: 10_000,
  sequencesPerSessionMax: SEQUENCES_PER_SESSION_MAX,
}

export class SessionTable {
  readonly #sessions = new Map<string, Session>()
  readonly #limits: SessionLimits

  constructor(limits: SessionLimits = DEFAULT_SESSION_LIMITS) {
    this.#limits = limits
  }

  get size(): number {
    return this.#sessions.size
  }

  /**
   * Records that `(clientId, sequence)` is applied by the entry at `at`, unless it already was:
   * then returns where it was first applied (or `{ index: 0, term: 0 }` when only the floor
   * remembers it) and records nothing.
   */
  apply(clientId: string, sequence: number, floor: number, at: AppliedAt): AppliedAt | null {
    let session = this.#sessions.get(clientId)
    if (session === undefined) {
      session = { floor: 0, applied: new Map(), lastIndex: at.index }
      this.#sessions.set(clientId, session)
      this.#evictIfFull()
    }
    session.lastIndex = at.index
    if (floor > session.floor) this.#raiseFloor(session, floor)
    if (sequence < session.floor) return { index: 0, term: 0 }
    const earlier = session.applied.get(sequence)
    if (earlier !== undefined) return earlier
    session.applied.set(sequence, at)
    if (session.applied.size > this.#limits.sequencesPerSessionMax) {
      let oldest = Number.POSITIVE_INFINITY
      for (const applied of session.applied.keys()) oldest = Math.min(oldest, applied)
      this.#raiseFloor(session, oldest + 1)
    }
    return null
  }

  #raiseFloor(session: Session, floor: number): void {
    const previous = session.floor
    session.floor = floor
    // The floor usually rises by a few sequences at a time: delete those directly rather than
    // scanning every applied sequence (a busy client keeps many in flight).
    if (floor - previous <= session.applied.size) {
      for (let sequence = previous; sequence < floor; sequence++) session.applied.delete(sequence)
      return
    }
    for (const sequence of session.applied.keys()) {
      if (sequence < floor) session.applied.delete(sequence)
    }
  }

  #evictIfFull(): void {
    if (this.#sessions.size <= this.#limits.sessionsMax) return
    let idlest: string | null = null
    let idlestIndex = Number.POSITIVE_INFINITY
    // Ties break on the client id so that every node evicts the same session.
    for (const [clientId, session] of this.#sessions) {
      if (
        session.lastIndex < idlestIndex ||
        (session.lastIndex === idlestIndex && idlest !== null && clientId < idlest)
      ) {
        idlest = clientId
        idlestIndex = session.lastIndex
      }
    }
    if (idlest !== null) this.#sessions.delete(idlest)
  }

  /** The sessions in protobuf form, sorted by client id so that equal tables encode equally. */
  toWire(): pb.ClientSession[] {
    return [...this.#sessions.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([clientId, session]) => ({
        clientId,
        floor: session.floor,
        lastIndex: session.lastIndex,
        applied: [...session.applied.entries()]
          .sort(([a], [b]) => a - b)
          .map(([sequence, at]) => ({ sequence, index: at.index, term: at.term })),
      }))
  }

  /** Replaces the table with the sessions of a snapshot, checking them. */
  restore(wire: readonly pb.ClientSession[]): void {
    if (wire.length > this.#limits.sessionsMax) throw new SnapshotFormatError('too many client sessions')
    const restored = new Map<string, Session>()
    for (const session of wire) {
      if (session.clientId.length === 0 || restored.has(session.clientId)) {
        throw new SnapshotFormatError('invalid client session id')
      }
      if (session.applied.length > this.#limits.sequencesPerSessionMax) {
        throw new SnapshotFormatError('too many sequences in a client session')
      }
      const applied = new Map<number, AppliedAt>()
      for (const entry of session.applied) {
        if (![entry.sequence, entry.index, entry.term].every(Number.isSafeInteger)) {
          throw new SnapshotFormatError('client session number out of range')
        }
        applied.set(entry.sequence, { index: entry.index, term: entry.term })
      }
      if (!Number.isSafeInteger(session.floor) || !Number.isSafeInteger(session.lastIndex)) {
        throw new SnapshotFormatError('client session number out of range')
      }
      restored.set(session.clientId, { floor: session.floor, applied, lastIndex: session.lastIndex })
    }
    this.#sessions.clear()
    for (const [clientId, session] of restored) this.#sessions.set(clientId, session)
  }
}
