/**
 * Collection declarations (design.md, "Strong writes: Collections"), part of C's data layer. An
 * undeclared collection is `writes: 'both'`, writable by any writer. A declaration is proposed unless
 * C holds an equal one; the first to apply wins and a different later one is refused (its handle's
 * `ready` rejects with `CollectionConflictError`). A `'strong'` collection refuses eventual writes,
 * an `'eventual'` one strong writes — at the writer and again at apply, with the same rule — and
 * conditional operations (compare-and-set, insert-if-absent, bounded increment) are allowed only on
 * `'strong'` collections, where they are evaluated on C at their log position.
 */
import type { WriterKey } from './ids.js'

/** Which kinds of write a collection accepts. */
export type WritesAllowed = 'strong' | 'eventual' | 'both'

/** The consistency one write asks for. */
export type Consistency = 'strong' | 'eventual'

/** A collection's declared rules. */
export interface CollectionRules {
  readonly writes: WritesAllowed
  /** The writer keys allowed to write, or `null` for every writer. Sorted, without duplicates. */
  readonly writers: readonly WriterKey[] | null
}

/** The rules of a collection nobody declared. */
export const undeclaredRules: CollectionRules = Object.freeze({ writes: 'both', writers: null })

/** Why a write is refused by a collection's rules. */
export type WriteRefusal =
  | 'consistency-not-allowed'
  | 'writer-not-allowed'
  | 'conditional-needs-strong-collection'

/** What applying a declaration did. */
export type DeclareOutcome = 'declared' | 'equal' | 'conflict'

/** Normalises rules so that equal rules compare equal (writers sorted, deduplicated). */
export function normaliseRules(rules: CollectionRules): CollectionRules {
  return {
    writes: rules.writes,
    writers: rules.writers === null ? null : [...new Set(rules.writers)].sort(),
  }
}

/** Whether two normalised rules are the same. */
export function sameRules(a: CollectionRules, b: CollectionRules): boolean {
  if (a.writes !== b.writes) return false
  if (a.writers === null || b.writers === null) return a.writers === b.writers
  return a.writers.length === b.writers.length && a.writers.every((key, i) => key === b.writers?.[i])
}

/** The collections C knows, by name. */
export class CollectionDeclarations {
  readonly #declared = new Map<string, CollectionRules>()

  /** The rules of a collection (undeclared: `both`, any writer). */
  rules(name: string): CollectionRules {
    return this.#declared.get(name) ?? undeclaredRules
  }

  /** Whether `name` was declared. */
  isDeclared(name: string): boolean {
    return this.#declared.has(name)
  }

  /** Applies a declaration: the first one wins; an equal one is a no-op; a different one conflicts. */
  declare(name: string, rules: CollectionRules): DeclareOutcome {
    const normalised = normaliseRules(rules)
    const existing = this.#declared.get(name)
    if (existing === undefined) {
      this.#declared.set(name, normalised)
      return 'declared'
    }
    return sameRules(existing, normalised) ? 'equal' : 'conflict'
  }

  /**
   * Why a write is refused by the collection's rules, or `null` when allowed. The writer checks this
   * before sealing, and apply checks it again: both read the same rules at the write's log position.
   */
  refusal(
    name: string,
    consistency: Consistency,
    writer: WriterKey,
    conditional: boolean,
  ): WriteRefusal | null {
    const rules = this.rules(name)
    if (conditional && rules.writes !== 'strong') return 'conditional-needs-strong-collection'
    if (rules.writes !== 'both' && rules.writes !== consistency) return 'consistency-not-allowed'
    if (rules.writers !== null && !rules.writers.includes(writer)) return 'writer-not-allowed'
    return null
  }

  /** Restores the declarations from a snapshot (replacing whatever it held). */
  restore(entries: Iterable<readonly [string, CollectionRules]>): void {
    this.#declared.clear()
    for (const [name, rules] of entries) this.#declared.set(name, normaliseRules(rules))
  }

  /** Every declaration, sorted by name (snapshots and digests). */
  entries(): [string, CollectionRules][] {
    return [...this.#declared].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }
}
