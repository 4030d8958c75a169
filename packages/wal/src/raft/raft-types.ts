/**
 * Structural copies of `@tandem/raft`'s storage contract (`src/core/types.ts` and
 * `src/driver/interfaces.ts` there), with the same names, fields and types. They are declared
 * here while the raft package is being written so this package builds on its own; once
 * `@tandem/raft` builds, a type-level conformance check pins the two together.
 */

/** A node's identity in the cluster (its libp2p peer id). */
export type RaftNodeId = string

/** `0` = normal entry, `1` = configuration change (as `@tandem/raft`'s `EntryType`). */
export type RaftEntryType = 0 | 1

/** One Raft log entry (as `@tandem/raft`'s `Entry`). */
export interface RaftEntry {
  readonly term: number
  readonly index: number
  readonly type: RaftEntryType
  readonly data: Uint8Array
}

/** Term, vote and commit (as `@tandem/raft`'s `HardState`). */
export interface RaftHardState {
  readonly term: number
  readonly vote: RaftNodeId | null
  readonly commit: number
}

/** The membership (as `@tandem/raft`'s `ConfState`). */
export interface RaftConfState {
  readonly voters: readonly RaftNodeId[]
  readonly learners: readonly RaftNodeId[]
  readonly votersOutgoing: readonly RaftNodeId[]
  readonly learnersNext: readonly RaftNodeId[]
  readonly autoLeave: boolean
}

/** Where a snapshot sits (as `@tandem/raft`'s `SnapshotMetadata`). */
export interface RaftSnapshotMetadata {
  readonly index: number
  readonly term: number
  readonly confState: RaftConfState
}

/** A state-machine snapshot (as `@tandem/raft`'s `Snapshot`). */
export interface RaftSnapshot {
  readonly metadata: RaftSnapshotMetadata
  readonly data: Uint8Array
}

/** One persisted batch (as `@tandem/raft`'s `PersistBatch`). */
export interface RaftPersistBatch {
  readonly hardState: RaftHardState | null
  readonly entries: readonly RaftEntry[]
  readonly snapshot: RaftSnapshot | null
}

/** Synchronous reads (as `@tandem/raft`'s `LogStorageReader`). */
export interface RaftLogStorageReader {
  initialState(): { readonly hardState: RaftHardState; readonly confState: RaftConfState }
  entries(low: number, high: number, maxBytes: number): readonly RaftEntry[]
  term(index: number): number
  firstIndex(): number
  lastIndex(): number
  snapshot(): RaftSnapshot
}

/** Durable writes (as `@tandem/raft`'s `LogStorage`). */
export interface RaftLogStorage extends RaftLogStorageReader {
  save(batch: RaftPersistBatch): Promise<void>
  compact(snapshot: RaftSnapshot): Promise<void>
}

/**
 * The requested index was compacted into a snapshot. Same `code` as `@tandem/raft`'s
 * `CompactedError`.
 *
 * @example
 * ```ts
 * try { storage.term(1) } catch (error) { if (error.code === 'LOG_COMPACTED') sendSnapshot() }
 * ```
 */
export class LogCompactedError extends Error {
  readonly code = 'LOG_COMPACTED'
  override readonly name = 'CompactedError'
}

/**
 * The requested index is past the last entry held. Same `code` as `@tandem/raft`'s
 * `UnavailableError`.
 *
 * @example
 * ```ts
 * try { storage.term(storage.lastIndex() + 1) } catch (error) { error.code === 'LOG_UNAVAILABLE' }
 * ```
 */
export class LogUnavailableError extends Error {
  readonly code = 'LOG_UNAVAILABLE'
  override readonly name = 'UnavailableError'
}
