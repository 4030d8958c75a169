/**
 * C's data layer (design.md, "Batches and the two layers of C"): collection declarations, values,
 * strongClock, the dense strong counter, sessions, results and idempotency records. It applies on
 * keyed nodes, in log order, and reads nothing but the entry and C — log time t and the cluster
 * constants come from the public layer — so every keyed node holds the same data at the same index.
 *
 * Strong operations are stamped at apply (`StrongClock`) and written under the CRDT id
 * `log.⌊k/2^31⌋` with dots from the dense counter k, so the context of strong writes stays one
 * range. Folded eventual deltas merge with the scoped merge (only their writer's ids, in stream
 * order), clamped to t + driftMax and never refused for time.
 */
import { assert } from '@tandem/base'
import { type Delta, InvalidDeltaError, type RemovalRecord, Replica, type Value } from '@tandem/crdt'
import { CollectionDeclarations, type Consistency } from './collections.js'
import { evaluateCondition } from './conditions.js'
import type { ClusterConstants } from './control.js'
import type { DataOperation, StrongBatchPayload, StrongOperation, StrongResult } from './data-operations.js'
import { IdempotencyRecords } from './idempotency.js'
import { isStrongCrdtId, strongCrdtId, type WriterKey } from './ids.js'
import { clampStamp, compareStampTimes, type StampTime, StrongClock } from './strong-clock.js'
import { type StrongBatchHeader, StrongSessions } from './strong-sessions.js'

/** The node id of C's replica: it never writes under it (every write names its CRDT id). */
const COMMITTED_REPLICA_ID = 'committed'
/** Folded deltas reach C's replica from the log, not from a peer. */
const FOLD_ORIGIN = Object.freeze({ origin: 'remote' as const })
/** The dense counter moves to a new strong id every 2^31 operations. */
const STRONG_IDS_PER_ROLLOVER = 2 ** 31

/** What applying a folded batch did. */
export type FoldedDeltaOutcome =
  | { readonly merged: true }
  | {
      readonly merged: false
      readonly reason: 'collection-refuses-eventual' | 'writer-not-allowed' | 'invalid-delta'
    }

/** The data layer of the committed state C. */
export class DataLayer {
  readonly collections = new CollectionDeclarations()
  readonly strongClock = new StrongClock()
  readonly sessions: StrongSessions<StrongResult>
  readonly idempotency: IdempotencyRecords<StrongResult>
  readonly #replica: Replica
  #logTimeMs = 0
  /** Strong operations applied so far: the dense counter k. */
  #strongCount = 0
  /** Refusals by reason (every refusal counted). */
  readonly refusals = new Map<string, number>()

  constructor(constants: ClusterConstants) {
    this.sessions = new StrongSessions({ resultsPerSessionMax: constants.sessionResultsMax })
    this.idempotency = new IdempotencyRecords({
      recordsPerWriterMax: constants.idempotencyRecordsPerWriterMax,
      windowMs: constants.idempotencyWindowMs,
    })
    // C's replica reads log time, never a local clock.
    this.#replica = new Replica({ node: COMMITTED_REPLICA_ID, now: () => this.#logTimeMs })
  }

  /** The replica holding C's values (read-only use: reads and encodings). */
  get replica(): Replica {
    return this.#replica
  }

  /** Strong operations applied so far. */
  get strongCount(): number {
    return this.#strongCount
  }

  /**
   * Applies a verified strong batch committed at `index`, from `writer`, whose operations start at
   * `ordinalStart` within their Raft entry. Returns one result per operation (all refused with one
   * reason when the session refuses the batch; the recorded results when it is a duplicate).
   */
  applyStrongBatch(args: {
    readonly index: number
    readonly ordinalStart: number
    readonly header: StrongBatchHeader
    readonly payload: StrongBatchPayload
    readonly logTimeMs: number
    readonly constants: ClusterConstants
  }): readonly StrongResult[] {
    const { index, header, payload, constants } = args
    this.#logTimeMs = args.logTimeMs
    const admission = this.sessions.admit(header)
    const refuseAll = (reason: 'stale-incarnation' | 'beyond-session-window') =>
      payload.operations.map(() => this.#refused(reason))
    switch (admission.kind) {
      case 'duplicate':
        return admission.results
      case 'expired':
        // Delivered and forgotten: nothing applies twice; the proposer no longer waits for it.
        return payload.operations.map(() => this.#refused('beyond-session-window'))
      case 'stale-incarnation':
        return refuseAll('stale-incarnation')
      case 'beyond-window':
        return refuseAll('beyond-session-window')
      case 'new':
        break
    }
    const results = payload.operations.map((operation, position) =>
      this.#applyStrong(operation, header.key, payload.stamp, index, args.ordinalStart + position, constants),
    )
    this.sessions.record(header, results)
    return results
  }

  /**
   * Merges the deltas of one folded eventual batch sealed by `writer`, whose CRDT ids are
   * `writerIds` (its stream ids), at log time `logTimeMs`. The batch is the writer's unit: if a
   * collection rule refuses any of its deltas, or any delta is invalid for the scoped merge, none
   * of them merges (validation runs before anything changes).
   */
  applyFoldedBatch(args: {
    readonly deltas: readonly Delta[]
    readonly writer: WriterKey
    readonly writerIds: readonly string[]
    readonly logTimeMs: number
    readonly constants: ClusterConstants
  }): FoldedDeltaOutcome {
    const { deltas, writer, constants } = args
    this.#logTimeMs = args.logTimeMs
    const refusal = this.foldRefusal(deltas, writer)
    if (refusal !== null) return this.#foldRefused(refusal)
    const stampBoundMs = args.logTimeMs + constants.driftMaxMs
    try {
      // The peer names the stream: change listeners on C's replica tell whose write took effect.
      this.#replica.applyBatch(
        deltas,
        { origin: 'remote', peer: args.writerIds[0] },
        {
          writerIds: args.writerIds,
          dotOrder: 'ascending',
          isStrongId: isStrongCrdtId,
          stampBoundMs,
          drift: 'cap',
        },
      )
    } catch (error) {
      if (error instanceof InvalidDeltaError) return this.#foldRefused('invalid-delta')
      throw error
    }
    for (const delta of deltas) {
      const greatest = greatestStamp(delta)
      if (greatest !== null)
        this.strongClock.observeFolded(clampStamp(greatest, args.logTimeMs, constants.driftMaxMs))
    }
    return { merged: true }
  }

  /**
   * Why a collection rule in force refuses an eventual batch by `writer` whole (a `'strong'`
   * collection, or a writer not in a collection's `writers`), or `null`. The local view asks the same
   * question of pending batches, so V shows what the fold will do under the rules C holds now.
   */
  foldRefusal(
    deltas: readonly Delta[],
    writer: WriterKey,
  ): 'collection-refuses-eventual' | 'writer-not-allowed' | null {
    for (const delta of deltas) {
      for (const collection of delta.collections) {
        const refusal = this.collections.refusal(collection.name, 'eventual', writer, false)
        if (refusal === 'consistency-not-allowed') return 'collection-refuses-eventual'
        if (refusal === 'writer-not-allowed') return 'writer-not-allowed'
      }
    }
    return null
  }

  /**
   * Restores the fields a snapshot holds beside the replica, sessions, idempotency records and
   * declarations (each restored through its own `restore`): the dense counter and strongClock.
   */
  restoreCounters(state: { readonly strongCount: number; readonly strongClock: StampTime }): void {
    this.#strongCount = state.strongCount
    this.strongClock.restore(state.strongClock)
  }

  /**
   * Merges a snapshot's replica state and its removal records into this (empty) layer's replica.
   * The state's stamps already took effect in C, so they are trusted as they are (no drift check).
   */
  restoreReplica(state: Delta, removals: readonly RemovalRecord[]): void {
    this.#replica.apply(state, FOLD_ORIGIN, { drift: 'cap' })
    this.#replica.restoreRemovalRecords(removals)
  }

  /** Reads a map value from C. */
  mapValue(name: string, key: string): Value | undefined {
    return this.#replica.map(name).get(key)
  }

  #applyStrong(
    { operation, idempotency }: StrongOperation,
    writer: WriterKey,
    proposerStamp: StampTime,
    index: number,
    ordinal: number,
    constants: ClusterConstants,
  ): StrongResult {
    if (idempotency !== undefined) {
      const check = this.idempotency.check(
        writer,
        idempotency.key,
        idempotency.operationHash,
        this.#logTimeMs,
      )
      if (check.kind === 'reuse') return this.#refused('idempotency-key-reuse')
      if (check.kind === 'replay') {
        return check.result.applied ? { ...check.result, replayed: true } : check.result
      }
    }
    const result = this.#effect(operation, writer, proposerStamp, index, ordinal, constants)
    if (idempotency !== undefined) {
      this.idempotency.record(writer, idempotency.key, idempotency.operationHash, result, this.#logTimeMs)
    }
    return result
  }

  #effect(
    operation: DataOperation,
    writer: WriterKey,
    proposerStamp: StampTime,
    index: number,
    ordinal: number,
    constants: ClusterConstants,
  ): StrongResult {
    const name = operation.collection.name
    if (operation.kind === 'declare') {
      const outcome = this.collections.declare(name, operation.rules)
      if (outcome === 'conflict') return this.#refused('collection-conflict')
      return this.#applied(this.strongClock.latest, index, ordinal)
    }
    const conditional = operation.kind === 'map-conditional'
    const refusal = this.collections.refusal(name, 'strong' satisfies Consistency, writer, conditional)
    if (refusal !== null) return this.#refused(refusal)
    let write: { readonly value: Value | null; readonly deleted: boolean } | null = null
    let counter: number | undefined
    if (operation.kind === 'map-conditional') {
      const outcome = evaluateCondition(operation.condition, this.#replica.map(name).get(operation.key))
      if (!outcome.ok) return this.#refused(outcome.reason)
      write = { value: outcome.write, deleted: false }
      if (operation.condition.kind === 'increment') {
        assert(typeof outcome.write === 'number', 'a passed increment writes a number')
        counter = outcome.write
      }
    }
    const stamp = this.strongClock.stampStrongWrite(proposerStamp, this.#logTimeMs, constants.driftMaxMs)
    const k = this.#strongCount++
    const at = {
      node: strongCrdtId(k),
      seq: (k % STRONG_IDS_PER_ROLLOVER) + 1,
      wallMs: stamp.wallMs,
      logical: stamp.logical,
    }
    switch (operation.kind) {
      case 'map-set':
        this.#replica.map(name).set(operation.key, operation.value, at)
        break
      case 'map-delete':
        this.#replica.map(name).delete(operation.key, at)
        break
      case 'map-conditional':
        assert(write !== null && write.value !== null, 'a passed condition yields a value')
        this.#replica.map(name).set(operation.key, write.value, at)
        break
      case 'set-add':
        this.#replica.set(name).add(operation.element, at)
        break
      case 'set-delete':
        this.#replica.set(name).delete(operation.element, at)
        break
      case 'register-set':
        this.#replica.register(name).set(operation.value, at)
        break
    }
    return this.#applied(stamp, index, ordinal, counter)
  }

  #applied(stamp: StampTime, index: number, ordinal: number, counter?: number): StrongResult {
    assert(ordinal >= 0 && ordinal < 2 ** 32, 'an entry holds fewer than 2^32 operations')
    const fencingToken = (BigInt(index) << 32n) | BigInt(ordinal)
    return counter === undefined
      ? { applied: true, stamp, fencingToken, replayed: false }
      : { applied: true, stamp, fencingToken, replayed: false, counter }
  }

  #refused(reason: Extract<StrongResult, { applied: false }>['reason']): StrongResult {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1)
    return { applied: false, reason }
  }

  #foldRefused(reason: Extract<FoldedDeltaOutcome, { merged: false }>['reason']): FoldedDeltaOutcome {
    this.refusals.set(`fold:${reason}`, (this.refusals.get(`fold:${reason}`) ?? 0) + 1)
    return { merged: false, reason }
  }
}

/** The greatest stamp time a delta carries (map and register entries), or `null`. */
function greatestStamp(delta: Delta): StampTime | null {
  let greatest: StampTime | null = null
  for (const collection of delta.collections) {
    for (const entry of collection.entries) {
      const stamp = { wallMs: entry.wallMs, logical: entry.logical }
      if (greatest === null || compareStampTimes(stamp, greatest) > 0) greatest = stamp
    }
  }
  return greatest
}
