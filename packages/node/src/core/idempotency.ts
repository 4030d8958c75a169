/**
 * Idempotency keys for app retries across restarts (design.md, "Sessions and outcomes"). Sessions
 * dedupe RaftNode's re-forwards within one incarnation; an app that retries after a restart (a new
 * incarnation) names its write with an `idempotencyKey` instead. Keys are scoped per writer key and
 * stored with a hash of the operation: the same key with the same operation gets the original
 * result, the same key with a different operation is refused (`reuse`). Records are kept for a
 * count and a log-time window (cluster constants; the window is the documented retry horizon);
 * beyond either, C forgets the key and a retry applies as a new write. Expiry reads log time t,
 * never a local clock, so every node forgets the same keys at the same index.
 */
import { assert } from '@tandem/base'
import type { WriterKey } from './ids.js'

/** Limits of the idempotency table: cluster constants. */
export interface IdempotencyLimits {
  /** Records kept per writer key; past it, the oldest is forgotten. */
  readonly recordsPerWriterMax: number
  /** How long (in log time) a record is kept after it was written. */
  readonly windowMs: number
}

/** The answer for a write that names an idempotency key. */
export type IdempotencyCheck<Result> =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly result: Result }
  | { readonly kind: 'reuse' }

/** One writer's records as a snapshot holds them, in write order. */
export interface IdempotencyWriterSnapshot<Result> {
  readonly writer: WriterKey
  readonly records: readonly {
    readonly idempotencyKey: string
    readonly operationHash: string
    readonly result: Result
    readonly writtenAtMs: number
  }[]
}

interface IdempotencyRecord<Result> {
  readonly operationHash: string
  readonly result: Result
  readonly writtenAtMs: number
}

/** The idempotency records of C's data layer. */
export class IdempotencyRecords<Result> {
  readonly #limits: IdempotencyLimits
  /** Per writer key, records in insertion order (a Map keeps it), so the oldest is first. */
  readonly #records = new Map<WriterKey, Map<string, IdempotencyRecord<Result>>>()

  constructor(limits: IdempotencyLimits) {
    assert(limits.recordsPerWriterMax >= 1, 'IdempotencyRecords: recordsPerWriterMax must be ≥ 1')
    assert(limits.windowMs >= 0, 'IdempotencyRecords: windowMs must be ≥ 0')
    this.#limits = limits
  }

  /** Looks a key up at log time `nowMs` (forgetting what the window has passed). */
  check(
    writer: WriterKey,
    idempotencyKey: string,
    operationHash: string,
    nowMs: number,
  ): IdempotencyCheck<Result> {
    this.#expire(writer, nowMs)
    const record = this.#records.get(writer)?.get(idempotencyKey)
    if (record === undefined) return { kind: 'new' }
    if (record.operationHash !== operationHash) return { kind: 'reuse' }
    return { kind: 'replay', result: record.result }
  }

  /** Records the result of a write applied under `idempotencyKey` at log time `nowMs`. */
  record(
    writer: WriterKey,
    idempotencyKey: string,
    operationHash: string,
    result: Result,
    nowMs: number,
  ): void {
    let records = this.#records.get(writer)
    if (records === undefined) {
      records = new Map()
      this.#records.set(writer, records)
    }
    assert(!records.has(idempotencyKey), 'record: key recorded twice (check() said new)')
    records.set(idempotencyKey, { operationHash, result, writtenAtMs: nowMs })
    while (records.size > this.#limits.recordsPerWriterMax) {
      const oldest = records.keys().next().value as string
      records.delete(oldest)
    }
  }

  /** Every writer's records, writers sorted by key, records in write order (snapshots). */
  entries(): IdempotencyWriterSnapshot<Result>[] {
    return [...this.#records]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([writer, records]) => ({
        writer,
        records: [...records].map(([idempotencyKey, record]) => ({ idempotencyKey, ...record })),
      }))
  }

  /** Restores the records from a snapshot (replacing whatever they held; write order kept). */
  restore(writers: readonly IdempotencyWriterSnapshot<Result>[]): void {
    this.#records.clear()
    for (const { writer, records } of writers) {
      if (records.length === 0) continue
      this.#records.set(
        writer,
        new Map(
          records.map(({ idempotencyKey, operationHash, result, writtenAtMs }) => [
            idempotencyKey,
            { operationHash, result, writtenAtMs },
          ]),
        ),
      )
    }
  }

  /** Records held for a writer (for metrics and tests). */
  size(writer: WriterKey): number {
    return this.#records.get(writer)?.size ?? 0
  }

  #expire(writer: WriterKey, nowMs: number): void {
    const records = this.#records.get(writer)
    if (records === undefined) return
    for (const [key, record] of records) {
      // Insertion order is write order and log time never moves back: stop at the first live one.
      if (record.writtenAtMs + this.#limits.windowMs >= nowMs) break
      records.delete(key)
    }
    if (records.size === 0) this.#records.delete(writer)
  }
}
