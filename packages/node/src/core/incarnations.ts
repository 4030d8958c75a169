/**
 * Writer incarnations (design.md, "Incarnations"). At start a node proposes
 * `open(incarnation, expected)`, `expected` being C's current incarnation for its key as it read it
 * (linearizably); apply makes the new one current only if it matches, so two starts racing on one key
 * cannot both win, and a refused open is retried after a fresh read. Strong writes wait until the
 * node's open applies; C refuses strong data operations of any incarnation but the current one, so
 * every earlier strong outcome becomes definite. Eventual streams fold whether or not their
 * incarnation was ever opened: `open` never cuts a stream. Part of C's public layer.
 */
import type { Incarnation, WriterKey } from './ids.js'

/** What applying an `open` did. */
export type OpenOutcome = 'opened' | 'already-current' | 'expected-mismatch'

/** The current incarnation of every writer key. */
export class Incarnations {
  readonly #current = new Map<WriterKey, Incarnation>()

  /** The key's current incarnation, or `null` when it never opened one. */
  current(key: WriterKey): Incarnation | null {
    return this.#current.get(key) ?? null
  }

  /** Applies `open(incarnation, expected)` for `key` (the caller checked the key's standing). */
  open(key: WriterKey, incarnation: Incarnation, expected: Incarnation | null): OpenOutcome {
    const current = this.current(key)
    if (current === incarnation) return 'already-current' // idempotent by content
    if (current !== expected) return 'expected-mismatch'
    this.#current.set(key, incarnation)
    return 'opened'
  }

  /** Restores the table from a snapshot (replacing whatever it held). */
  restore(entries: Iterable<readonly [WriterKey, Incarnation]>): void {
    this.#current.clear()
    for (const [key, incarnation] of entries) this.#current.set(key, incarnation)
  }

  /** Every key's current incarnation, sorted by key (snapshots and digests). */
  entries(): [WriterKey, Incarnation][] {
    return [...this.#current].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }
}
