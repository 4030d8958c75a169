/**
 * The data layer waiting for a missing epoch key (design.md, "Batches and the two layers of C": "It
 * waits for a missing epoch key and resumes when the key arrives"). A keyed node that reaches an
 * entry sealed in an epoch C knows but it does not hold yet — a joiner replaying the log before its
 * grant, a restarted node before its own row of the wrap table replays — keeps C as it was before
 * that entry (a public and data snapshot in memory) and every entry from there on. The public layer
 * goes on applying as it must (the grant that brings the key is one of those entries); once the node
 * holds every epoch the kept entries need, C is rebuilt from the kept state by applying them again,
 * now able to open them, so its data layer ends as every other keyed node's at the same index.
 *
 * While a wait lasts the node's data applied index stays at the kept state's index. The kept entries
 * are bounded; past the bound the wait is abandoned (counted) and the data layer keeps the batches
 * it could not open as refused — what a node that is never granted the epoch (a revoked one) must
 * live with.
 */
import { decodeLogEntry } from '../codec/log-entry.js'
import type { CommittedState } from '../core/committed-state.js'
import {
  type DataSnapshotState,
  dataSnapshotOf,
  type PublicSnapshotState,
  publicSnapshotOf,
} from '../core/snapshot.js'
import { MalformedOperationError } from '../errors.js'

/** Entry bytes kept at most while waiting (64 MiB): past it the wait is abandoned. */
export const KEY_WAIT_BYTES_MAX = 64 * 1024 * 1024

/** One kept entry. */
export interface KeptEntry {
  readonly index: number
  readonly term: number
  readonly bytes: Uint8Array
}

/**
 * The epochs of the sealed batches in an entry that C knows and this node does not hold (a batch of
 * an epoch C does not know is refused identically everywhere and needs no key). Malformed bytes need
 * none: they are skipped on every node.
 *
 * @example
 * ```ts
 * missingEpochsOf(bytes, (epoch) => committed.public.knowsEpoch(epoch), (epoch) => keys.hasEpochKey(epoch))
 * ```
 */
export function missingEpochsOf(
  bytes: Uint8Array,
  known: (epoch: number) => boolean,
  held: (epoch: number) => boolean,
): number[] {
  if (bytes.length === 0) return []
  let items: ReturnType<typeof decodeLogEntry>
  try {
    items = decodeLogEntry(bytes)
  } catch (error) {
    if (error instanceof MalformedOperationError) return []
    throw error
  }
  const missing = new Set<number>()
  const note = (epoch: number) => {
    if (known(epoch) && !held(epoch)) missing.add(epoch)
  }
  for (const item of items) {
    if (item.kind === 'strong') note(item.header.epoch)
    else if (item.operation.kind === 'fold')
      for (const run of item.operation.runs) for (const batch of run.batches) note(batch.epoch)
  }
  return [...missing].sort((a, b) => a - b)
}

/**
 * One wait: C before the first entry that needed a missing key, the entries since, and the epochs
 * they need.
 *
 * @example
 * ```ts
 * const wait = new EpochKeyWait(committed, [1])
 * wait.keep({ index, term, bytes }, [])
 * if (wait.satisfied((epoch) => keys.hasEpochKey(epoch))) rebuildFrom(wait.base, wait.entries)
 * ```
 */
export class EpochKeyWait {
  /** C as it was before the first kept entry. */
  readonly base: { readonly public: PublicSnapshotState; readonly data: DataSnapshotState | null }
  readonly entries: KeptEntry[] = []
  readonly #needed = new Set<number>()
  #bytes = 0

  constructor(committed: CommittedState) {
    this.base = { public: publicSnapshotOf(committed), data: dataSnapshotOf(committed) }
  }

  /** The index C's data layer stands at while waiting. */
  get baseIndex(): number {
    return this.base.public.appliedIndex
  }

  /** The epochs the kept entries need, ascending. */
  get neededEpochs(): number[] {
    return [...this.#needed].sort((a, b) => a - b)
  }

  /** Keeps an entry and the epochs it needs; `false` once the bound is passed (abandon the wait). */
  keep(entry: KeptEntry, missing: readonly number[]): boolean {
    this.entries.push(entry)
    for (const epoch of missing) this.#needed.add(epoch)
    this.#bytes += entry.bytes.length
    return this.#bytes <= KEY_WAIT_BYTES_MAX
  }

  /** Whether every epoch the kept entries need is held now. */
  satisfied(held: (epoch: number) => boolean): boolean {
    for (const epoch of this.#needed) if (!held(epoch)) return false
    return true
  }
}

/**
 * A Raft snapshot this keyed node cannot open yet (design.md, "Joining": the joiner "catches up by
 * snapshot, and unwraps its secrets once a grant commits"): its data part is sealed in an epoch the
 * snapshot's wrap table has no row of this node for. The node runs on the snapshot's public part
 * alone — every entry after it applies publicly and is kept — until it holds every epoch C knows;
 * then the snapshot is restored whole and the kept entries apply again on top of it.
 *
 * @example
 * ```ts
 * const wait = new SnapshotKeyWait(bytes)
 * wait.keep({ index, term, bytes: entryBytes })
 * ```
 */
export class SnapshotKeyWait {
  /** The snapshot's bytes, restored whole once the keys are held. */
  readonly snapshot: Uint8Array
  readonly entries: KeptEntry[] = []
  /** Whether the whole restore is under way. */
  resuming = false
  #bytes = 0

  constructor(snapshot: Uint8Array) {
    this.snapshot = snapshot
  }

  /** Keeps an entry applied publicly meanwhile; `false` once the bound is passed. */
  keep(entry: KeptEntry): boolean {
    this.entries.push(entry)
    this.#bytes += entry.bytes.length
    return this.#bytes <= KEY_WAIT_BYTES_MAX
  }
}
