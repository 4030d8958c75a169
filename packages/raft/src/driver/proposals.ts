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
  readonly key: string
  /** For a command: the whole entry data (envelope and command). */
  readonly data: Uint8Array | null
  /** For a membership change: the change, its context holding the envelope. */
  readonly confChange: ConfChange | null
  readonly deadlineMs: number
  lastProposedMs: number
  /** Whether it waits in the driver's queue to be handed to the core. */
  queued: boolean
  readonly resolve: (outcome: ProposalOutcome<unknown> | ConfState) => void
  readonly reject: (error: Error) => void
}

/** The key of a proposal in the pending table. */
export function proposalKey(clientId: string, sequence: number): string {
  return `${sequence}\u0000${clientId}`
}

export class ProposalTable {
  private readonly pending = new Map<string, PendingProposal>()

  get size(): number {
    return this.pending.size
  }

  add(proposal: PendingProposal): void {
    this.pending.set(proposal.key, proposal)
  }

  has(key: string): boolean {
    return this.pending.has(key)
  }

  /** Removes and returns the proposal with `key`, if it is pending. */
  take(key: string): PendingProposal | undefined {
    const proposal = this.pending.get(key)
    if (proposal !== undefined) this.pending.delete(key)
    return proposal
  }

  /** Rejects and removes proposals past their deadline; returns the ones due for a retry. */
  sweep(nowMs: number, retryMs: number, timeout: () => Error): PendingProposal[] {
    const due: PendingProposal[] = []
    for (const [key, proposal] of this.pending) {
      if (nowMs >= proposal.deadlineMs) {
        this.pending.delete(key)
        proposal.reject(timeout())
      } else if (!proposal.queued && nowMs - proposal.lastProposedMs >= retryMs) {
        due.push(proposal)
      }
    }
    return due
  }

  /** Every pending proposal not already queued. */
  unqueued(): PendingProposal[] {
    const out: PendingProposal[] = []
    for (const proposal of this.pending.values()) if (!proposal.queued) out.push(proposal)
    return out
  }

  /** Rejects and removes every pending proposal. */
  rejectAll(error: () => Error): void {
    const all = [...this.pending.values()]
    this.pending.clear()
    for (const proposal of all) proposal.reject(error())
  }
}
