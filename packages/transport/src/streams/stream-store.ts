/**
 * What `/tandem/streams/1` needs from the node: its durable delta streams, seen through this
 * interface only. Batches are opaque sealed bytes to the transport; the node verifies, persists and
 * judges them (design.md, "Eventual writes: sealed delta streams").
 */

/** One stream's held-through: max(highest contiguous durable sequence held, folded high-water h). */
export interface StreamHeldThrough {
  readonly stream: string
  readonly heldThrough: number
}

/** One durable batch of a stream. */
export interface StoredBatch {
  readonly sequence: number
  readonly bytes: Uint8Array
}

/** Where a stream's batches went once folded: C's high-water h and the Raft entry that folded through h. */
export interface FoldedAnswer {
  readonly highWater: number
  readonly index: number
}

/**
 * What the store did with a received batch:
 * - `stored`: durable now (served from then on);
 * - `duplicate`: at or below what the stream holds or has folded — nothing to do;
 * - `gap`: not the next sequence — refused, nothing past it is merged;
 * - `unknown-key`: a writer C has not admitted — not stored (fetched again once C knows the key);
 * - `above-cutoff`: above the stream's cutoff — not stored, served or counted toward the backlog;
 * - `backlog-full`: the unfolded backlog is at its bound — not stored, and pulling stops.
 */
export type StreamAcceptOutcome =
  | 'stored'
  | 'duplicate'
  | 'gap'
  | 'unknown-key'
  | 'above-cutoff'
  | 'backlog-full'

/**
 * The node's delta streams as the anti-entropy service uses them. `read` must return durable
 * batches only (no eventual batch leaves a node before its fsync), and `accept` must resolve only
 * once a `stored` batch is durable.
 *
 * @example
 * ```ts
 * const store: StreamStore = {
 *   summary: () => deltaStreams.streams().filter((s) => s.heldThrough > foldedOf(s.stream)),
 *   heldThrough: (stream) => deltaStreams.heldThrough(stream),
 *   read: (stream, from, bytesMax) => deltaStreams.read(stream, from, bytesMax),
 *   foldedAnswer: (stream) => foldOf(stream),
 *   accept: (stream, sequence, bytes) => verifyAndStore(stream, sequence, bytes),
 *   backlogFull: () => deltaStreams.backlogFull(),
 * }
 * ```
 */
export interface StreamStore {
  /**
   * The streams whose held-through is above their folded high-water h; a stream left out reads as
   * its h (so a fully folded stream costs nothing in a summary).
   */
  summary(): readonly StreamHeldThrough[]
  /** This node's held-through of `stream` (its h when it holds nothing above h; 0 when unknown). */
  heldThrough(stream: string): number
  /**
   * Durable batches of `stream` from `fromSequence` on, consecutive and in order, up to `bytesMax`
   * of batch bytes (at least one when any is held there); empty when `fromSequence` is not held.
   */
  read(stream: string, fromSequence: number, bytesMax: number): Promise<readonly StoredBatch[]>
  /** The stream's fold as C records it, or `null` when nothing of it is folded. */
  foldedAnswer(stream: string): FoldedAnswer | null
  /** Verifies and persists batch `sequence` of `stream`; see {@link StreamAcceptOutcome}. */
  accept(stream: string, sequence: number, bytes: Uint8Array): Promise<StreamAcceptOutcome>
  /** Whether the unfolded backlog is at its bound: while it is, nothing is requested. */
  backlogFull(): boolean
}
