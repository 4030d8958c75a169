/**
 * The Raft safety properties (Raft paper, Figure 3), checked from the outside while the cluster
 * runs. The harness feeds it what it can observe without trusting the code under test: messages
 * on the wire, entries reaching each node's disk, and entries each state machine applies.
 *
 * - Election safety: at most one leader per term (a node sending appends, heartbeats or
 *   snapshots in term T is T's leader).
 * - Log matching: two logs holding an entry with the same index and term hold the same entry and
 *   agree on everything before it. Checked by induction: every (index, term) ever seen must carry
 *   the same bytes and the same term at index − 1.
 * - Leader completeness: a committed entry is in the log of every leader of a later term. An
 *   entry first seen committed while the highest term anywhere was B was committed in a term
 *   ≤ B, so every leader of a term > B must hold it.
 * - State-machine safety: no two nodes hold different committed entries at the same index, no two
 *   state machines apply different commands at the same index, and each applies in index order.
 */
import type { CheckName, Violation } from './violation.js'

/** An entry as observed: the fields the checks compare. */
export interface ObservedEntry {
  readonly index: number
  readonly term: number
  readonly data: Uint8Array
}

/** How far back a leader-completeness check looks for a committed entry older than the leader's term. */
const scanEntriesMax = 512

interface RegisteredEntry {
  readonly data: Uint8Array
  /** The term at index − 1, or `null` when the observer could not tell (compacted). */
  prevTerm: number | null
}

interface CommittedEntry {
  readonly term: number
  readonly data: Uint8Array
  /** The highest term observed anywhere when this entry was first seen committed. */
  readonly termBound: number
}

/** Collects observations and remembers the first violation. */
export class RaftSafetyChecker {
  private readonly leaders = new Map<number, string>()
  /** Log-matching registry: `${index}:${term}` → entry. */
  private readonly entries = new Map<string, RegisteredEntry>()
  private readonly committed = new Map<number, CommittedEntry>()
  private readonly applied = new Map<number, { readonly term: number; readonly data: Uint8Array }>()
  private readonly lastAppliedByNode = new Map<string, number>()
  private committedIndexMax = 0
  private termMax = 0
  private firstViolation: Violation | null = null
  private readonly now: () => number

  constructor(now: () => number) {
    this.now = now
  }

  /** The first violation seen, or `null`. */
  get violation(): Violation | null {
    return this.firstViolation
  }

  /** The highest index seen committed on any node. */
  get committedIndex(): number {
    return this.committedIndexMax
  }

  /** The highest term observed. */
  get highestTerm(): number {
    return this.termMax
  }

  /** Any term observed (messages, hard states): raises the bound used by leader completeness. */
  observeTerm(term: number): void {
    if (term > this.termMax) this.termMax = term
  }

  /** `nodeId` acted as the leader of `term`. */
  observeLeader(nodeId: string, term: number): void {
    this.observeTerm(term)
    const known = this.leaders.get(term)
    if (known === undefined) this.leaders.set(term, nodeId)
    else if (known !== nodeId)
      this.fail('election-safety', `term ${term} has two leaders: ${known} and ${nodeId}`)
  }

  /**
   * A contiguous run of entries, as written to a node's log or carried by an append, with the
   * term of the entry just before the first one (`null` when unknown).
   */
  observeEntries(source: string, prevTerm: number | null, entries: readonly ObservedEntry[]): void {
    let previous = prevTerm
    for (const entry of entries) {
      this.observeTerm(entry.term)
      if (previous !== null && previous > entry.term) {
        this.fail(
          'log-matching',
          `${source}: entry ${entry.index} has term ${entry.term} below its predecessor's ${previous}`,
        )
      }
      const key = `${entry.index}:${entry.term}`
      const known = this.entries.get(key)
      if (known === undefined) {
        this.entries.set(key, { data: entry.data, prevTerm: previous })
      } else {
        if (!equalBytes(known.data, entry.data)) {
          this.fail(
            'log-matching',
            `${source}: entry (index ${entry.index}, term ${entry.term}) has two different payloads`,
          )
        }
        if (previous !== null) {
          if (known.prevTerm === null) known.prevTerm = previous
          else if (known.prevTerm !== previous) {
            this.fail(
              'log-matching',
              `${source}: entry (index ${entry.index}, term ${entry.term}) follows term ${previous} here but term ${known.prevTerm} elsewhere`,
            )
          }
        }
      }
      previous = entry.term
    }
  }

  /**
   * A leader's append in `term`: after the entry (prevIndex, prevTerm) come `entries`. Checks that
   * the leader's log agrees with every entry committed before its term could have begun.
   */
  observeLeaderAppend(
    leader: string,
    term: number,
    prevIndex: number,
    prevTerm: number,
    entries: readonly ObservedEntry[],
  ): void {
    this.observeLeader(leader, term)
    this.observeEntries(`append from ${leader}`, prevIndex > 0 ? prevTerm : null, entries)
    const lastIndex = prevIndex + entries.length
    // The highest committed index this append reveals the leader's term for (by log matching the
    // leader then agrees on every earlier committed index too). The scan is bounded.
    const lowest = Math.max(1, Math.min(lastIndex, this.committedIndexMax) - scanEntriesMax)
    for (let index = Math.min(lastIndex, this.committedIndexMax); index >= lowest; index--) {
      const committed = this.committed.get(index)
      if (committed === undefined) continue
      if (committed.termBound >= term) continue
      const leaderTerm = this.leaderTermAt(index, prevIndex, prevTerm, entries)
      if (leaderTerm === undefined) return
      if (leaderTerm !== committed.term) {
        this.fail(
          'leader-completeness',
          `leader ${leader} of term ${term} holds term ${leaderTerm} at index ${index}, but term ${committed.term} was committed there before term ${term} began`,
        )
      }
      return
    }
  }

  /** The term the leader's log has at `index`, from the append itself or by walking the registry. */
  private leaderTermAt(
    index: number,
    prevIndex: number,
    prevTerm: number,
    entries: readonly ObservedEntry[],
  ): number | undefined {
    if (index > prevIndex) return entries[index - prevIndex - 1]?.term
    let atIndex = prevIndex
    let atTerm = prevTerm
    while (atIndex > index) {
      const registered = this.entries.get(`${atIndex}:${atTerm}`)
      if (registered === undefined || registered.prevTerm === null) return undefined
      atTerm = registered.prevTerm
      atIndex--
    }
    return atTerm
  }

  /**
   * `nodeId` holds `entry` as committed (its durable commit index covers it). Committed entries
   * must be identical on every node (the log form of state-machine safety).
   */
  observeCommitted(nodeId: string, entry: ObservedEntry): void {
    this.observeTerm(entry.term)
    const known = this.committed.get(entry.index)
    if (known === undefined) {
      this.committed.set(entry.index, { term: entry.term, data: entry.data, termBound: this.termMax })
      if (entry.index > this.committedIndexMax) this.committedIndexMax = entry.index
    } else if (known.term !== entry.term || !equalBytes(known.data, entry.data)) {
      this.fail(
        'state-machine-safety',
        `${nodeId} committed (index ${entry.index}, term ${entry.term}) where another node committed term ${known.term}${
          known.term === entry.term ? ' with other bytes' : ''
        }`,
      )
    }
  }

  /**
   * `nodeId`'s state machine applied `entry`. Every node must apply the same command at each
   * index, in increasing index order. (The driver hands only commands to the state machine, not
   * empty or configuration entries, and applies a retried command once, so indices may skip.)
   */
  observeApplied(nodeId: string, entry: ObservedEntry): void {
    const last = this.lastAppliedByNode.get(nodeId)
    if (last !== undefined && entry.index <= last) {
      this.fail('state-machine-safety', `${nodeId} applied index ${entry.index} after index ${last}`)
    }
    this.lastAppliedByNode.set(nodeId, entry.index)
    const known = this.applied.get(entry.index)
    if (known === undefined) {
      this.applied.set(entry.index, { term: entry.term, data: entry.data })
    } else if (known.term !== entry.term || !equalBytes(known.data, entry.data)) {
      this.fail(
        'state-machine-safety',
        `${nodeId} applied (index ${entry.index}, term ${entry.term}) where another node applied term ${known.term}${
          known.term === entry.term ? ' with other bytes' : ''
        }`,
      )
    }
  }

  /** `nodeId` restored a snapshot through `index`: its next apply is `index + 1`. */
  observeRestored(nodeId: string, index: number): void {
    this.lastAppliedByNode.set(nodeId, index)
  }

  /** `nodeId` restarted: it re-applies from whatever its recovered state says. */
  observeRestart(nodeId: string): void {
    this.lastAppliedByNode.delete(nodeId)
  }

  /** The committed entry at `index`, if any node applied it. */
  committedAt(index: number): ObservedEntry | undefined {
    const known = this.committed.get(index)
    return known === undefined ? undefined : { index, term: known.term, data: known.data }
  }

  /** Records a violation found by the harness itself (e.g. liveness). */
  fail(check: CheckName, message: string): void {
    if (this.firstViolation === null) this.firstViolation = { check, timeMs: this.now(), message }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
