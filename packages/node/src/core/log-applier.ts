/**
 * Applies committed Raft entries to C, in log order (design.md, "The consistency model": C(i) is the
 * result of applying entries 1..i). Each entry's bytes are decoded (the public half, identical on
 * keyed and keyless nodes), then its items apply in order at the entry's index:
 *
 * - a control entry, once its proposer's signature checks, goes to C's public layer (a fold's
 *   batches then merge into the data layer on a keyed node);
 * - a strong batch, once its header signature checks and its epoch is known, is judged by its
 *   writer's standing at this index; a keyed node opens it and applies its operations, whose
 *   ordinals count from 0 across the strong operations of the whole entry.
 *
 * A malformed entry is skipped and counted on every node, the index still advancing, so C(i) stays a
 * function of the log: bad bytes never crash apply and never split the cluster.
 */
import { assert } from '@tandem/base'
import { decodeLogEntry } from '../codec/log-entry.js'
import { MalformedOperationError } from '../errors.js'
import type { BatchOpener, CommittedState, FoldedBatchOutcome } from './committed-state.js'
import type { StrongResult } from './data-operations.js'
import {
  eventualWriteId,
  type Incarnation,
  type StreamId,
  strongWriteId,
  type WriteId,
  type WriterKey,
} from './ids.js'
import type { DecodedLogItem, SealedStrongBatchHeader } from './log-items.js'
import type { ControlOutcome } from './public-layer.js'

/** Signature checks of log items (the sealing layer, injected). */
export interface EntrySignatureCheck {
  /** Verifies a control entry's signature by `signer` over the operation bytes `signed`. */
  invalidControlReason(signer: WriterKey, signed: Uint8Array, signature: Uint8Array): string | null
  /** Verifies a strong batch's signature over its header bytes `signed` and its sealed payload. */
  invalidStrongBatchReason(
    header: SealedStrongBatchHeader,
    signed: Uint8Array,
    signature: Uint8Array,
    sealed: Uint8Array,
  ): string | null
}

/** What became of one write (keyed by its {@link WriteId}). */
export type WriteOutcome =
  | { readonly kind: 'strong'; readonly result: StrongResult }
  | {
      readonly kind: 'eventual'
      /** `'merged'`, or why its batch took no effect in C (the batch is the writer's unit). */
      readonly outcome:
        | 'merged'
        | 'unopenable'
        | 'collection-refuses-eventual'
        | 'writer-not-allowed'
        | 'invalid-delta'
    }

/** A strong batch refused whole, before its operations could be counted. */
export interface StrongBatchRefusal {
  readonly key: WriterKey
  readonly incarnation: Incarnation
  readonly sequence: number
  readonly reason: string
}

/** An acknowledged eventual batch that a collection rule refused at fold (`subscribe`'s `refused`). */
export interface RefusedEventualBatch {
  readonly stream: StreamId
  readonly sequence: number
  readonly reason: 'collection-refuses-eventual' | 'writer-not-allowed'
  readonly writeIds: readonly WriteId[]
  /** The collections the batch wrote, as `<kind>:<name>` (where its writer's handles listen). */
  readonly collections: readonly string[]
}

/** What applying one committed entry did. */
export interface AppliedEntry {
  readonly index: number
  readonly term: number
  /** Why the entry was skipped as malformed, or `null`. */
  readonly malformed: string | null
  /** The outcome of each control item, in order. */
  readonly controls: readonly ControlOutcome[]
  /** Per write: strong results on a keyed node, and what each folded eventual write did. */
  readonly writes: ReadonlyMap<WriteId, WriteOutcome>
  readonly strongBatchRefusals: readonly StrongBatchRefusal[]
  /** On a keyed node, what each folded batch did in the data layer (unopenable ones included). */
  readonly folded: readonly FoldedBatchOutcome[]
  readonly refusedEventual: readonly RefusedEventualBatch[]
  /** The index C's public layer has applied through. */
  readonly publicAppliedIndex: number
  /** The index C's data layer has applied through; `null` on a keyless node. */
  readonly dataAppliedIndex: number | null
}

/** Options of {@link LogApplier}. */
export interface LogApplierOptions {
  readonly committed: CommittedState
  readonly signatures: EntrySignatureCheck
  /** The same opener C was built with; `null` on a keyless node. */
  readonly opener: BatchOpener | null
}

/** Applies committed Raft entries, in log order, to one node's C. */
export class LogApplier {
  readonly #committed: CommittedState
  readonly #signatures: EntrySignatureCheck
  readonly #opener: BatchOpener | null
  #appliedIndex: number
  #appliedTerm = 0
  #dataAppliedIndex: number | null
  /** Malformed entries by reason. */
  readonly malformedEntries = new Map<string, number>()
  /** Items refused before reaching C (bad signature, unknown epoch, unopenable), by reason. */
  readonly itemRefusals = new Map<string, number>()
  readonly #listeners = new Set<(entry: AppliedEntry) => void>()

  constructor(options: LogApplierOptions) {
    assert(
      (options.opener === null) === (options.committed.data === null),
      'LogApplier: a keyed C needs the opener, a keyless one none',
    )
    this.#committed = options.committed
    this.#signatures = options.signatures
    this.#opener = options.opener
    this.#appliedIndex = options.committed.appliedIndex
    this.#dataAppliedIndex = options.opener === null ? null : this.#appliedIndex
  }

  /** The index of the last entry applied. */
  get appliedIndex(): number {
    return this.#appliedIndex
  }

  /** The term of the last entry applied. */
  get appliedTerm(): number {
    return this.#appliedTerm
  }

  /** The data layer's applied index; `null` on a keyless node. */
  get dataAppliedIndex(): number | null {
    return this.#dataAppliedIndex
  }

  /**
   * Calls `listener` with what each entry did, once it applied (observers that are not the node's
   * owner: the collections API tells a writer of its refused eventual writes from here). Returns the
   * unsubscribe function.
   */
  onApplied(listener: (entry: AppliedEntry) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Applies the committed entry at `index` (the next one in log order); empty bytes carry nothing. */
  apply(index: number, term: number, bytes: Uint8Array): AppliedEntry {
    assert(
      Number.isSafeInteger(index) && index > this.#appliedIndex,
      'LogApplier: entries apply in order, once',
    )
    let items: DecodedLogItem[] = []
    let malformed: string | null = null
    if (bytes.length > 0) {
      try {
        // Every node decodes with the same limits (the codec's defaults): a limit configured per node
        // would make one node skip an entry the others apply, and C would split.
        items = decodeLogEntry(bytes)
      } catch (error) {
        if (!(error instanceof MalformedOperationError)) throw error
        malformed = error.message
        this.malformedEntries.set(malformed, (this.malformedEntries.get(malformed) ?? 0) + 1)
      }
    }
    const applied = new EntryOutcome(index)
    this.#committed.skip(index)
    for (const item of items) {
      if (item.kind === 'control') this.#applyControl(index, item, applied)
      else this.#applyStrong(index, item, applied)
    }
    this.#appliedIndex = index
    this.#appliedTerm = term
    // The null envelope never lacks an epoch key, so the data layer keeps pace with the public one;
    // with sealing it waits for a missing key (design.md, "Two applied indices").
    if (this.#dataAppliedIndex !== null) this.#dataAppliedIndex = index
    const entry: AppliedEntry = {
      index,
      term,
      malformed,
      controls: applied.controls,
      writes: applied.writes,
      strongBatchRefusals: applied.strongBatchRefusals,
      folded: applied.folded,
      refusedEventual: applied.refusedEventual,
      publicAppliedIndex: this.#committed.appliedIndex,
      dataAppliedIndex: this.#dataAppliedIndex,
    }
    for (const listener of this.#listeners) listener(entry)
    return entry
  }

  #applyControl(
    index: number,
    item: Extract<DecodedLogItem, { kind: 'control' }>,
    applied: EntryOutcome,
  ): void {
    const invalid = this.#signatures.invalidControlReason(item.signer, item.signed, item.signature)
    if (invalid !== null) {
      this.#refuseItem('control: invalid signature')
      applied.controls.push({ applied: false, reason: 'invalid signature' })
      return
    }
    const outcome = this.#committed.applyControl({ index, signer: item.signer, operation: item.operation })
    assert(outcome.kind === 'control', 'a control entry has a control outcome')
    applied.controls.push(outcome.outcome)
    for (const batch of outcome.folded) {
      applied.folded.push(batch)
      const writeIds = Array.from({ length: batch.deltaCount ?? 0 }, (_, position) =>
        eventualWriteId(batch.stream, batch.sequence, position),
      )
      for (const writeId of writeIds)
        applied.writes.set(writeId, { kind: 'eventual', outcome: batch.outcome })
      if (batch.outcome === 'collection-refuses-eventual' || batch.outcome === 'writer-not-allowed')
        applied.refusedEventual.push({
          stream: batch.stream,
          sequence: batch.sequence,
          reason: batch.outcome,
          writeIds,
          collections: batch.collections,
        })
    }
  }

  #applyStrong(
    index: number,
    item: Extract<DecodedLogItem, { kind: 'strong' }>,
    applied: EntryOutcome,
  ): void {
    const reason = this.#strongRefusal(index, item, applied)
    if (reason === null) return
    const { header } = item
    this.#refuseItem(`strong: ${reason}`)
    applied.strongBatchRefusals.push({
      key: header.key,
      incarnation: header.incarnation,
      sequence: header.sequence,
      reason,
    })
  }

  /** Applies a strong batch; returns why it was refused whole, or `null`. */
  #strongRefusal(
    index: number,
    item: Extract<DecodedLogItem, { kind: 'strong' }>,
    applied: EntryOutcome,
  ): string | null {
    const { header } = item
    if (this.#signatures.invalidStrongBatchReason(header, item.signed, item.signature, item.sealed) !== null)
      return 'invalid signature'
    if (!this.#committed.public.knowsEpoch(header.epoch)) return 'unknown epoch'
    let payload = null
    if (this.#opener !== null) {
      const opened = this.#opener.openStrongBatch(header, item.sealed)
      if (typeof opened === 'string') return `unopenable: ${opened}`
      payload = opened
    }
    const outcome = this.#committed.applyStrong({ index, header, payload, ordinalStart: applied.ordinal })
    assert(outcome.kind === 'strong', 'a strong batch has a strong outcome')
    if (outcome.refused !== null) return outcome.refused
    if (payload !== null) applied.ordinal += payload.operations.length
    for (const [position, result] of (outcome.results ?? []).entries()) {
      const writeId = strongWriteId(header.key, header.incarnation, header.sequence, position)
      applied.writes.set(writeId, { kind: 'strong', result })
    }
    return null
  }

  #refuseItem(reason: string): void {
    this.itemRefusals.set(reason, (this.itemRefusals.get(reason) ?? 0) + 1)
  }
}

/** The outcome of one entry, gathered while its items apply. */
class EntryOutcome {
  readonly controls: ControlOutcome[] = []
  readonly writes = new Map<WriteId, WriteOutcome>()
  readonly strongBatchRefusals: StrongBatchRefusal[] = []
  readonly folded: FoldedBatchOutcome[] = []
  readonly refusedEventual: RefusedEventualBatch[] = []
  /** The next strong operation's place among the entry's operations. */
  ordinal = 0

  constructor(readonly index: number) {}
}
