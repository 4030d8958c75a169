/**
 * The committed state C (design.md, "The consistency model" and "Batches and the two layers of C"):
 * the result of applying log entries 1..i, deterministically. It composes the public layer (applied
 * on every node) and, on a keyed node, the data layer. Entries arrive decoded and verified (signature
 * and, for strong batches, decryption are the sealing layer's job); C itself reads no clock, no
 * randomness and no local state beyond what the log gave it.
 *
 * Two applied indices: a keyed node's data layer follows its public layer; a keyless node has no
 * data layer at all and still applies every public effect (membership, incarnations, log time, fold
 * high-waters), so h and t are the same on keyed and keyless nodes.
 */
import { assert } from '@tandem/base'
import type { Delta } from '@tandem/crdt'
import type { ControlEntry, ControlOperation, FoldedBatchHeader } from './control.js'
import { DataLayer, type FoldedDeltaOutcome } from './data-layer.js'
import type { StrongBatchPayload, StrongResult } from './data-operations.js'
import { parseStreamId, type StreamId, type WriterKey } from './ids.js'
import type { SealedStrongBatchHeader } from './log-items.js'
import { type BatchSignatureCheck, type ControlOutcome, PublicLayer } from './public-layer.js'
import type { StrongBatchHeader } from './strong-sessions.js'

/** A committed strong batch, verified; `payload` is `null` on a keyless node (it cannot decrypt). */
export interface StrongEntry {
  readonly index: number
  readonly header: StrongBatchHeader
  readonly payload: StrongBatchPayload | null
  /** The position of the batch's first operation among the operations of its Raft entry. */
  readonly ordinalStart: number
}

/** Opens sealed batches (the sealing layer, injected; the null envelope reads them as plain bytes). */
export interface BatchOpener {
  /** The deltas of a folded eventual batch, or a reason it cannot be opened. */
  openEventualBatch(stream: StreamId, batch: FoldedBatchHeader): readonly Delta[] | string
  /** The payload of a strong batch, or a reason it cannot be opened. */
  openStrongBatch(header: SealedStrongBatchHeader, sealed: Uint8Array): StrongBatchPayload | string
}

/** What the data layer did with one batch of a fold, on a keyed node. */
export interface FoldedBatchOutcome {
  readonly stream: StreamId
  readonly sequence: number
  /** How many deltas (writes) the batch held; `null` when it could not be opened. */
  readonly deltaCount: number | null
  /** The collections its deltas write, as `<kind>:<name>`, sorted (empty when it could not be opened). */
  readonly collections: readonly string[]
  /** `'merged'`, or why none of its deltas took effect. */
  readonly outcome: 'merged' | 'unopenable' | Extract<FoldedDeltaOutcome, { merged: false }>['reason']
}

/** What applying a committed entry did. */
export type CommittedOutcome =
  | {
      readonly kind: 'control'
      readonly outcome: ControlOutcome
      /** On a keyed node, what each batch that a fold advanced h over did in the data layer. */
      readonly folded: readonly FoldedBatchOutcome[]
    }
  | {
      readonly kind: 'strong'
      readonly results: readonly StrongResult[] | null
      readonly refused: string | null
    }

/**
 * A change of C, as far as a view over it (the local view V, the collections API's change events)
 * needs to know: a control entry of some kind, or a strong batch by `writer` that wrote these
 * collections (as `<kind>:<name>`). A strong batch is announced before its operations apply, so a
 * listener on C's replica can tell whose strong write each value change is.
 */
export type CommittedChange =
  | { readonly kind: 'control'; readonly operation: ControlOperation['kind'] }
  | { readonly kind: 'strong'; readonly writer: WriterKey; readonly collections: readonly string[] }

/** Options of {@link CommittedState}. */
export interface CommittedStateOptions {
  readonly signatures: BatchSignatureCheck
  /** Present on a keyed node: it holds and applies the data layer. */
  readonly opener: BatchOpener | null
}

/** The committed state C of one node. */
export class CommittedState {
  readonly public: PublicLayer
  readonly data: DataLayer | null
  readonly #opener: BatchOpener | null
  readonly #listeners = new Set<(change: CommittedChange) => void>()
  /** Folded batches whose deltas did not merge (refused by a rule or invalid), by reason. */
  readonly foldRefusals = new Map<string, number>()

  constructor(options: CommittedStateOptions) {
    this.public = new PublicLayer(options.signatures)
    this.#opener = options.opener
    this.data = options.opener === null ? null : new DataLayer(this.public.constants)
  }

  /** The index of the last entry applied. */
  get appliedIndex(): number {
    return this.public.appliedIndex
  }

  /**
   * Calls `listener` after every control entry and every strong batch C applies (refused ones
   * included: a listener decides what matters to it). Returns the unsubscribe function.
   */
  onChange(listener: (change: CommittedChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Applies a verified control entry. */
  applyControl(entry: ControlEntry): CommittedOutcome {
    const before = entry.operation
    // Read before apply: a removal forgets the member, and with it which key it carried.
    const removedKey =
      before.kind === 'remove' ? this.public.membership.member(before.member)?.key : undefined
    const outcome = this.public.apply(entry)
    const folded: FoldedBatchOutcome[] = []
    if (outcome.applied && this.data !== null) {
      if (before.kind === 'open') this.data.sessions.open(entry.signer, before.incarnation)
      if (before.kind === 'revoke') this.data.sessions.close(before.key)
      if (removedKey !== undefined && this.public.membership.standing(removedKey)?.endedAtIndex !== null)
        this.data.sessions.close(removedKey)
      if (before.kind === 'fold' && outcome.folds !== undefined) {
        before.runs.forEach((run, position) => {
          const applied = outcome.folds?.[position]?.applied ?? []
          for (const batch of applied) folded.push(this.#foldBatch(run.stream, batch))
        })
      }
    }
    this.#announce({ kind: 'control', operation: before.kind })
    return { kind: 'control', outcome, folded }
  }

  /** Applies a verified strong batch. */
  applyStrong(entry: StrongEntry): CommittedOutcome {
    this.public.skip(entry.index)
    if (entry.payload !== null) {
      const collections = entry.payload.operations.map(
        ({ operation }) => `${operation.collection.kind}:${operation.collection.name}`,
      )
      this.#announce({ kind: 'strong', writer: entry.header.key, collections })
    }
    if (!this.public.membership.mayWriteAt(entry.header.key, entry.index)) {
      return { kind: 'strong', results: null, refused: 'the writer has no standing at this index' }
    }
    if (this.data === null) return { kind: 'strong', results: null, refused: null }
    assert(entry.payload !== null, 'a keyed node decrypts every strong batch it applies')
    const results = this.data.applyStrongBatch({
      index: entry.index,
      ordinalStart: entry.ordinalStart,
      header: entry.header,
      payload: entry.payload,
      logTimeMs: this.public.logTime.nowMs,
      constants: this.public.constants,
    })
    return { kind: 'strong', results, refused: null }
  }

  /** Notes an index whose entry carries nothing for C (an empty entry of a new leader, a conf change). */
  skip(index: number): void {
    this.public.skip(index)
  }

  #announce(change: CommittedChange): void {
    for (const listener of this.#listeners) listener(change)
  }

  /**
   * Merges the deltas of one folded batch into the data layer. One invalid delta means none of the
   * batch merges: the batch is the writer's unit (design.md, "Delta validation").
   */
  #foldBatch(stream: StreamId, batch: FoldedBatchHeader): FoldedBatchOutcome {
    const data = this.data
    const opener = this.#opener
    assert(data !== null && opener !== null, 'only a keyed node folds into the data layer')
    const parsed = parseStreamId(stream)
    assert(parsed !== null, 'fold verification passed only parseable streams')
    const deltas = opener.openEventualBatch(stream, batch)
    const sequence = batch.sequence
    if (typeof deltas === 'string') {
      this.#countFold(`unopenable: ${deltas}`)
      return { stream, sequence, deltaCount: null, collections: [], outcome: 'unopenable' }
    }
    const outcome = data.applyFoldedBatch({
      deltas,
      writer: parsed.key,
      writerIds: [stream],
      logTimeMs: this.public.logTime.nowMs,
      constants: this.public.constants,
    })
    if (!outcome.merged) this.#countFold(outcome.reason)
    return {
      stream,
      sequence,
      deltaCount: deltas.length,
      collections: collectionsOf(deltas),
      outcome: outcome.merged ? 'merged' : outcome.reason,
    }
  }

  #countFold(reason: string): void {
    this.foldRefusals.set(reason, (this.foldRefusals.get(reason) ?? 0) + 1)
  }
}

/** The collections `deltas` write, as `<kind>:<name>`, sorted and without duplicates. */
function collectionsOf(deltas: readonly Delta[]): string[] {
  const names = new Set<string>()
  for (const delta of deltas)
    for (const collection of delta.collections) names.add(`${collection.kind}:${collection.name}`)
  return [...names].sort()
}
