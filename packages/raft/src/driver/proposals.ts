/**
 * The proposals a RaftNode waits on: each is keyed by its client id and sequence number, retried
 * while no entry carrying it has been applied (deduplication makes a retry safe), and settled when
 * the entry applies, when its deadline passes, or when the node stops.
 */
import type { ConfChange, ConfState } from '../core/types.js'

/** What a settled proposal resolves with. */
export interface ProposalOutcome<Result> {
  /** The state machine's result; `undefined` when this proposal was a duplicate of one applied before. */
  readonly result: Result | undefined
  /** Whether an earlier copy of this proposal had already been applied (nothing was applied again). */
  readonly duplicate: boolean
  /** The log index of the entry that applied the command (for a duplicate: of the first copy, or 0 if forgotten). */
  readonly index: number
  readonly term: number
  /** `(term, index)` as one monotonic token: see {@link fencingToken}. */
  readonly fencingToken: bigint
}

/** One proposal in flight. */
export interface PendingProposal {
  readonly clientId: string
  readonly sequence: number
  /** For a command: the whole entry data (dedup header and command). */
  readonly data: Uint8Array | null
  /** For a membership change: the change, its context holding the dedup header. */
  readonly confChange: ConfChange | null
  /** When it is rejected with the timeout error; `Infinity` once it is detached (see `detached`). */
  deadlineMs: number
  /**
   * With `noQuorumTimeoutMs` on: when it is rejected with `NoQuorumError` unless applied; else
   * `Infinity`.
   */
  noQuorumDeadlineMs: number
  /**
   * Its promise was rejected with `NoQuorumError { outcome: 'unknown' }`, but it may still commit,
   * so it stays in the table and is still proposed (to each new leader) until it applies or the
   * node stops.
   */
  detached: boolean
  lastProposedMs: number
  /**
   * How many times it was handed to the core. A pending proposal with 0 attempts was never handed
   * to the transport nor appended to any log (a first attempt the core refused settles it at once).
   */
  attempts: number
  /** Whether it waits in the driver's queue to be handed to the core. */
  queued: boolean
  readonly resolve: (outcome: ProposalOutcome<unknown> | ConfState) => void
  readonly reject: (error: Error) => void
}

export class ProposalTable {
  // Keyed by client id, then sequence: no per-proposal key string on the hot path.
  readonly #byClient = new Map<string, Map<number, PendingProposal>>()
  #count = 0

  get size(): number {
    return this.#count
  }

  add(proposal: PendingProposal): void {
    let forClient = this.#byClient.get(proposal.clientId)
    if (forClient === undefined) {
      forClient = new Map()
      this.#byClient.set(proposal.clientId, forClient)
    }
    if (!forClient.has(proposal.sequence)) this.#count++
    forClient.set(proposal.sequence, proposal)
  }

  has(clientId: string, sequence: number): boolean {
    return this.#byClient.get(clientId)?.has(sequence) ?? false
  }

  /** Removes and returns the proposal of `(clientId, sequence)`, if it is pending. */
  take(clientId: string, sequence: number): PendingProposal | undefined {
    const forClient = this.#byClient.get(clientId)
    const proposal = forClient?.get(sequence)
    if (proposal === undefined) return undefined
    ;(forClient as Map<number, PendingProposal>).delete(sequence)
    this.#count--
    if (forClient?.size === 0) this.#byClient.delete(clientId)
    return proposal
  }

  *#all(): Generator<PendingProposal> {
    for (const forClient of this.#byClient.values()) yield* forClient.values()
  }

  /**
   * Rejects and removes proposals past their deadline; rejects those past their no-quorum deadline
   * (`noQuorum` makes the error: withdrawn when never handed over, detached otherwise); returns the
   * ones due for a retry.
   */
  sweep(
    nowMs: number,
    retryMs: number,
    timeout: () => Error,
    noQuorum: (sent: boolean) => Error,
  ): PendingProposal[] {
    const due: PendingProposal[] = []
    for (const proposal of [...this.#all()]) {
      if (nowMs >= proposal.deadlineMs) {
        this.take(proposal.clientId, proposal.sequence)
        proposal.reject(timeout())
        continue
      }
      if (nowMs >= proposal.noQuorumDeadlineMs) {
        proposal.noQuorumDeadlineMs = Number.POSITIVE_INFINITY
        if (proposal.attempts === 0) {
          // Never left the driver's queue: withdrawn before the answer, so it can never commit.
          this.take(proposal.clientId, proposal.sequence)
          proposal.reject(noQuorum(false))
          continue
        }
        proposal.detached = true
        proposal.deadlineMs = Number.POSITIVE_INFINITY
        proposal.reject(noQuorum(true))
      }
      if (!proposal.queued && nowMs - proposal.lastProposedMs >= retryMs) {
        due.push(proposal)
      }
    }
    return due
  }

  /** Every pending proposal not already queued. */
  unqueued(): PendingProposal[] {
    const out: PendingProposal[] = []
    for (const proposal of this.#all()) if (!proposal.queued) out.push(proposal)
    return out
  }

  /** Rejects and removes every pending proposal. */
  rejectAll(error: () => Error): void {
    const all = [...this.#all()]
    this.#byClient.clear()
    this.#count = 0
    for (const proposal of all) proposal.reject(error())
  }
}
