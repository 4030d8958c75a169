import { assert, type Clock, type InvariantError, isInvariantError } from '@tandem/base'
import {
  bootstrapEntries,
  type ConfState,
  type Entry,
  EntryType,
  type HardState,
  type LogStorage,
  MemoryLog,
  type PersistBatch,
  type Snapshot,
  UnavailableError,
} from '@tandem/raft'
import type { Checksum } from '../checksum/crc32.js'
import type { BlockDevice } from '../device/block-device.js'
import {
  RecordDecodeError,
  WalArgumentError,
  WalCommittedEntriesLostError,
  WalCorruptionError,
} from '../errors.js'
import type { CorruptionPolicy, SyncMode } from '../log/options.js'
import { openWal, type Wal } from '../log/wal.js'
import { SnapshotStore } from '../snapshot/snapshot-store.js'
import { StateFile } from '../state/state-file.js'
import {
  decodeEntry,
  decodeRaftState,
  decodeSnapshotMetadata,
  ENTRY_RECORD_TYPE,
  encodeEntry,
  encodeRaftState,
  encodeSnapshotMetadata,
  type PersistedRaftState,
} from './raft-codec.js'
import {
  checkAppended,
  checkBatchShape,
  checkCompacted,
  checkInstalled,
  checkRestored,
  checkStateRoundTrip,
} from './storage-checks.js'
/**
 * The hard-state file's name on the device.
 *
 * @example
 * ```ts
 * const exists = (await device.list()).includes(RAFT_STATE_FILE_NAME)
 * ```
 */
export const RAFT_STATE_FILE_NAME = 'raft.state'

/**
 * Options of {@link WalLogStorage.open}.
 *
 * @example
 * ```ts
 * const options: WalLogStorageOptions = { device: await FileDevice.open('./raft'), checksum: nodeCrc32, voters: ['a', 'b', 'c'] }
 * const storage = await WalLogStorage.open(options)
 * ```
 */
export interface WalLogStorageOptions {
  /** One device (directory) holds the segments, `wal.meta`, `raft.state` and the snapshot files. */
  readonly device: BlockDevice
  readonly checksum?: Checksum
  readonly segmentBytesMax?: number
  readonly syncMode?: SyncMode
  readonly corruptionPolicy?: CorruptionPolicy
  /** Snapshot files kept (default 2). */
  readonly snapshotsKept?: number
  /** Passed to the WAL (the simulator injects its scheduler). */
  readonly defer?: (run: () => void) => void
  /** Passed to the WAL: the clock of sync mode `batch`'s timer. */
  readonly clock?: Clock
  /**
   * The founding voters of a new cluster (same meaning and same list on every founder as
   * `MemoryLogStorage`'s option): a brand-new storage starts with their AddVoter entries at term 1,
   * committed. Ignored once the storage holds anything.
   */
  readonly voters?: readonly string[]
}

const EMPTY_CONF_STATE: ConfState = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}

/**
 * The Raft log storage on top of the WAL, shaped for `@tandem/raft`'s `LogStorage`. What the core
 * reads synchronously is held in raft's one in-memory log, a `MemoryLog` (as etcd's MemoryStorage
 * sits beside its WAL): this class writes the disk first and then the same change into that log,
 * and keeps no entry window of its own. Durability comes from the WAL (entries), the atomic
 * `raft.state` file (term, vote, commit, membership) and the snapshot files. `open()` restores
 * all of it after a crash.
 *
 * Term and vote are durable before `save` resolves, and so is a commit index that passes a conf
 * change. Any other change of `commit` alone is kept in memory and written with the next term or
 * vote change, installed snapshot, `setConfState` or `close()`: the commit index is volatile state
 * in Raft (a restarted node learns it again from the leader), and writing it on every batch would
 * cost three extra syncs per batch.
 *
 * Paired assertions (`storage-checks.ts`) check each batch before it is written, the log against
 * the WAL after every write, and the reopened log against its files. One that fails is a bug and
 * stops the storage: that save and every later call reject with the same `InvariantError`.
 *
 * @example
 * ```ts
 * import { MemoryDevice, WalLogStorage } from '@tandem/wal'
 * const storage = await WalLogStorage.open({ device: new MemoryDevice() })
 * await storage.save({
 *   hardState: { term: 1, vote: 'a', commit: 0 },
 *   entries: [{ index: 1, term: 1, type: 0, data: new Uint8Array() }],
 *   snapshot: null,
 * })
 * storage.lastIndex() // 1
 * ```
 */
export class WalLogStorage implements LogStorage {
  readonly #wal: Wal
  readonly #stateFile: StateFile
  readonly #snapshots: SnapshotStore
  /** The core's view: newest snapshot, entries after it, hard state (commit possibly lazy), membership. */
  readonly #log: MemoryLog
  /** The hard state `raft.state` holds. */
  #persistedHardState: HardState
  /** The log index the membership in `#log` was recorded at. */
  #confIndex: number
  #chain: Promise<void> = Promise.resolve()
  /** The invariant violation that stopped this storage, if one did. */
  #broken: InvariantError | null = null

  private constructor(
    wal: Wal,
    stateFile: StateFile,
    snapshots: SnapshotStore,
    log: MemoryLog,
    confIndex: number,
  ) {
    this.#wal = wal
    this.#stateFile = stateFile
    this.#snapshots = snapshots
    this.#log = log
    this.#persistedHardState = log.hardState
    this.#confIndex = confIndex
  }

  /** Opens (or creates) the storage on `options.device`, recovering from any crash. */
  static async open(options: WalLogStorageOptions): Promise<WalLogStorage> {
    const { device } = options
    const snapshots = new SnapshotStore(device, {
      snapshotsKept: options.snapshotsKept ?? 2,
      ...(options.checksum ? { checksum: options.checksum } : {}),
    })
    const stateFile = new StateFile(
      device,
      RAFT_STATE_FILE_NAME,
      options.checksum ? { checksum: options.checksum } : {},
    )
    let snapshot: Snapshot = {
      metadata: { index: 0, term: 0, confState: EMPTY_CONF_STATE },
      data: new Uint8Array(0),
    }
    const reader = await snapshots.latest()
    if (reader) {
      try {
        snapshot = {
          metadata: {
            index: reader.index,
            term: reader.term,
            confState: decodeSnapshotMetadata(reader.metadata),
          },
          data: await reader.readAll(),
        }
      } finally {
        await reader.close()
      }
    }
    const wal = await openWal({
      device,
      ...(options.checksum ? { checksum: options.checksum } : {}),
      ...(options.segmentBytesMax ? { segmentBytesMax: options.segmentBytesMax } : {}),
      ...(options.syncMode ? { syncMode: options.syncMode } : {}),
      ...(options.corruptionPolicy ? { corruptionPolicy: options.corruptionPolicy } : {}),
      ...(options.defer ? { defer: options.defer } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    })
    try {
      let entries = await reconcile(wal, snapshot)
      const stateBytes = await stateFile.load()
      let persisted = stateBytes ? decodeRaftState(stateBytes) : null
      const voters = options.voters ?? []
      if (voters.length > 0 && snapshot.metadata.index === 0 && entries.length === 0) {
        // A founding member: the founding configuration as committed entries, as MemoryLogStorage
        // does. The state goes first and the check runs on every open, so a crash in between
        // simply bootstraps again.
        const previous = persisted?.hardState ?? { term: 0, vote: null, commit: 0 }
        persisted = {
          hardState: {
            term: Math.max(1, previous.term),
            vote: previous.term >= 1 ? previous.vote : null,
            commit: voters.length,
          },
          confIndex: 0,
          confState: { ...EMPTY_CONF_STATE, voters: [...voters] },
        }
        await stateFile.save(encodeRaftState(persisted))
        const founding = bootstrapEntries(voters)
        await wal.append(founding.map((entry) => ({ type: ENTRY_RECORD_TYPE, payload: encodeEntry(entry) })))
        entries = founding
      }
      const lastIndex = snapshot.metadata.index + entries.length
      const stored = persisted?.hardState ?? { term: 0, vote: null, commit: 0 }
      // The persisted commit index may lag (it is written lazily) but never leads the durable log:
      // the WAL is synced before every state write. A log that ends below it lost committed
      // entries — a lost block or a cut file that recovery alone cannot tell from a torn write.
      if (stored.commit > lastIndex) {
        throw new WalCommittedEntriesLostError({
          commitIndex: stored.commit,
          lastIndex,
          segment: wal.recovery.lastSegment,
          stateFile: RAFT_STATE_FILE_NAME,
        })
      }
      const hardState: HardState = { ...stored, commit: Math.max(stored.commit, snapshot.metadata.index) }
      const storedConf =
        persisted !== null && persisted.confIndex >= snapshot.metadata.index ? persisted : null
      const log = new MemoryLog({ confState: snapshot.metadata.confState })
      if (snapshot.metadata.index > 0) log.applySnapshot(snapshot)
      log.append(entries)
      log.setHardState(hardState)
      if (storedConf) log.setConfState(storedConf.confState)
      checkRestored({ snapshotIndex: snapshot.metadata.index, entries, hardState }, log, wal)
      return new WalLogStorage(
        wal,
        stateFile,
        snapshots,
        log,
        storedConf ? storedConf.confIndex : snapshot.metadata.index,
      )
    } catch (error) {
      await wal.close()
      throw error
    }
  }

  /**
   * The commit index that is durable: the one in `raft.state` (or the newest snapshot's index, if
   * higher). It advances only once the state file or snapshot holding it is durable — when `save`
   * writes the hard state (a term or vote change, a commit passing a conf change), a snapshot is
   * installed or taken (`compact`), a conf state is set, or on `close()` — so after a crash at any
   * point, the reopened storage's commit index is at least this. `initialState().hardState.commit`
   * and the commit index of the last `save` may be ahead of it (the commit is written lazily).
   * Read-only.
   *
   * @example
   * ```ts
   * await storage.save({ hardState: { term: 2, vote: 'a', commit: 7 }, entries: [], snapshot: null })
   * storage.persistedCommitIndex // 7: a term change writes the state at once
   * // Anything folded through index 7 may now be pruned: a restart cannot forget it is committed.
   * ```
   */
  get persistedCommitIndex(): number {
    // A durable snapshot commits through its index too (a restart starts its commit there).
    return Math.max(this.#persistedHardState.commit, this.#log.snapshot().metadata.index)
  }

  initialState(): { readonly hardState: HardState; readonly confState: ConfState } {
    return this.#log.initialState()
  }

  entries(low: number, high: number, maxBytes: number): readonly Entry[] {
    return this.#log.entries(low, high, maxBytes)
  }

  term(index: number): number {
    return this.#log.term(index)
  }

  firstIndex(): number {
    return this.#log.firstIndex()
  }

  lastIndex(): number {
    return this.#log.lastIndex()
  }

  snapshot(): Snapshot {
    return this.#log.snapshot()
  }

  /** Durably writes a batch: the snapshot (if any), then the entries, then the hard state. */
  save(batch: PersistBatch): Promise<void> {
    return this.#serialize(async () => {
      checkBatchShape(batch)
      if (batch.snapshot) await this.#installSnapshot(batch.snapshot)
      if (batch.entries.length > 0) await this.#appendEntries(batch.entries)
      if (batch.hardState) await this.#saveHardState(batch.hardState)
    })
  }

  /**
   * Keeps `snapshot` (taken locally at an index this storage holds) as the newest snapshot and
   * discards the entries through its index. An older snapshot than the current one is ignored.
   */
  compact(snapshot: Snapshot): Promise<void> {
    return this.#serialize(async () => {
      const { index, term } = snapshot.metadata
      if (index <= this.#log.snapshot().metadata.index) return
      const lastIndex = this.#log.lastIndex()
      if (index > lastIndex) {
        throw new UnavailableError(`compact(${index}) past the last index ${lastIndex}`)
      }
      if (this.#log.term(index) !== term) {
        throw new WalArgumentError(
          `compact(${index}): snapshot term ${term} differs from the log's ${this.#log.term(index)}`,
        )
      }
      await this.#snapshots.save(
        { index, term, metadata: encodeSnapshotMetadata(snapshot.metadata.confState) },
        snapshot.data,
      )
      await this.#wal.compactPrefix(index)
      // The log takes the snapshot's membership; a newer one recorded after it stays in force.
      const { confState } = this.#log.initialState()
      this.#log.compact(snapshot)
      if (this.#confIndex > index) this.#log.setConfState(confState)
      else this.#confIndex = index
      checkCompacted(index, lastIndex, this.#log, this.#wal)
    })
  }

  /**
   * Persists the membership in force since log index `index` (after applying a conf change), so
   * that `initialState()` reports it after a restart. Optional: without it the membership of the
   * newest snapshot is reported, as etcd's MemoryStorage does.
   */
  setConfState(confState: ConfState, index: number): Promise<void> {
    return this.#serialize(async () => {
      this.#log.setConfState(confState)
      this.#confIndex = index
      await this.#writeState(this.#log.hardState)
    })
  }

  /**
   * Writes a commit index not yet persisted, then closes the WAL — which it closes even when that
   * write fails or the storage was stopped by a broken invariant (the error is still thrown).
   */
  async close(): Promise<void> {
    try {
      await this.#serialize(async () => {
        const { hardState } = this.#log
        if (hardState.commit !== this.#persistedHardState.commit) await this.#writeState(hardState)
      })
    } finally {
      await this.#wal.close()
    }
  }

  /** WAL counters (segments, syncs, group-commit sizes). */
  walStats(): ReturnType<Wal['stats']> {
    return this.#wal.stats()
  }

  #serialize(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(() => {
      if (this.#broken) throw this.#broken
      return task()
    })
    // A failed step must not wedge later ones; each caller still sees its own failure. A broken
    // invariant is different: the storage's state can no longer be trusted, so it stops.
    this.#chain = run.catch((error: unknown) => {
      if (isInvariantError(error)) this.#broken = error
    })
    return run
  }

  async #installSnapshot(snapshot: Snapshot): Promise<void> {
    const { index, term } = snapshot.metadata
    if (index <= this.#log.snapshot().metadata.index) return
    // The snapshot file first: once the log is cut, the snapshot must already be there.
    await this.#snapshots.save(
      { index, term, metadata: encodeSnapshotMetadata(snapshot.metadata.confState) },
      snapshot.data,
    )
    // Drop what follows the snapshot before compacting, so a crash between the two cannot leave
    // entries after the snapshot that do not extend it.
    if (index < this.#wal.lastIndex) await this.#wal.truncateSuffix(Math.max(index + 1, this.#wal.firstIndex))
    await this.#wal.compactPrefix(index)
    this.#log.applySnapshot(snapshot)
    this.#confIndex = index
    const hardState = this.#log.hardState
    this.#log.setHardState({ ...hardState, commit: Math.max(hardState.commit, index) })
    checkInstalled(index, term, this.#log, this.#wal)
    await this.#writeState(this.#log.hardState)
  }

  async #appendEntries(entries: readonly Entry[]): Promise<void> {
    const snapshotIndex = this.#log.snapshot().metadata.index
    // Entries the snapshot already covers are skipped, as the memory log does.
    const fresh = entries.filter((entry) => entry.index > snapshotIndex)
    const first = fresh[0]
    if (!first) return
    const lastIndex = this.#log.lastIndex()
    // Refused before the disk is touched, with the memory log's error.
    if (first.index > lastIndex + 1) {
      throw new UnavailableError(`entries start at ${first.index}, leaving a gap after ${lastIndex}`)
    }
    if (first.index <= lastIndex) await this.#wal.truncateSuffix(first.index)
    const result = await this.#wal.append(
      fresh.map((entry) => ({ type: ENTRY_RECORD_TYPE, payload: encodeEntry(entry) })),
    )
    assert(result.firstIndex === first.index, `the WAL placed entry ${first.index} at ${result.firstIndex}`)
    this.#log.append(fresh)
    checkAppended(fresh[fresh.length - 1] as Entry, this.#log, this.#wal)
  }

  async #saveHardState(hardState: HardState): Promise<void> {
    const previous = this.#persistedHardState
    this.#log.setHardState(hardState)
    if (
      hardState.term !== previous.term ||
      hardState.vote !== previous.vote ||
      this.#commitsConfChange(previous.commit, hardState.commit)
    ) {
      await this.#writeState(hardState)
    }
  }

  /**
   * Whether an entry in `(from, to]` is a configuration change. The commit index is otherwise
   * written lazily, but a node that restarts re-applies committed entries to rebuild its
   * membership: if its stored commit lagged behind a committed conf change, it would come back
   * with the old membership and a surviving quorum could fail to elect (found by the simulator,
   * `pnpm sim --seed 59197`). Conf changes are rare, so writing the state file then costs little.
   */
  #commitsConfChange(from: number, to: number): boolean {
    const low = Math.max(from, this.#log.snapshot().metadata.index) + 1
    const high = Math.min(to, this.#log.lastIndex())
    if (low > high) return false
    for (const entry of this.#log.entries(low, high + 1, Number.POSITIVE_INFINITY)) {
      if (entry.type === EntryType.ConfChange) return true
    }
    return false
  }

  async #writeState(hardState: HardState): Promise<void> {
    // The entries the state refers to (its commit index) are durable before it is: in sync modes
    // batch and none an append resolves before its sync, and a state file ahead of the durable log
    // would make the next open refuse (WalCommittedEntriesLostError) after an ordinary power cut.
    // In mode always every append resolved durable already, so no extra round trip is spent.
    if (this.#wal.syncMode !== 'always') await this.#wal.sync()
    const state: PersistedRaftState = {
      hardState,
      confIndex: this.#confIndex,
      confState: this.#log.initialState().confState,
    }
    const bytes = encodeRaftState(state)
    checkStateRoundTrip(state, decodeRaftState(bytes))
    await this.#stateFile.save(bytes)
    this.#persistedHardState = hardState
  }
}

/**
 * Brings the WAL in line with the newest snapshot and returns the entries after it. A crash can
 * leave the log not yet compacted to the snapshot, or (when a received snapshot replaced the log)
 * holding entries after the snapshot that belong to another history: those are cut here.
 */
async function reconcile(wal: Wal, snapshot: Snapshot): Promise<Entry[]> {
  const { index: snapshotIndex, term: snapshotTerm } = snapshot.metadata
  if (wal.firstIndex > snapshotIndex + 1) {
    throw new WalCorruptionError(
      { segment: 'wal.meta', offset: 0 },
      `the log starts at ${wal.firstIndex} but the newest snapshot ends at ${snapshotIndex}: entries are missing`,
    )
  }
  if (wal.firstIndex <= snapshotIndex) {
    if (wal.lastIndex >= snapshotIndex && snapshotIndex >= 1) {
      const atSnapshot = decodeEntry(snapshotIndex, (await wal.read(snapshotIndex)).payload)
      if (atSnapshot.term !== snapshotTerm && wal.lastIndex > snapshotIndex)
        await wal.truncateSuffix(snapshotIndex + 1)
    }
    await wal.compactPrefix(snapshotIndex)
  }
  const entries: Entry[] = []
  for await (const record of wal.records()) {
    if (record.type !== ENTRY_RECORD_TYPE)
      throw new RecordDecodeError(`unexpected record type ${record.type}`)
    entries.push(decodeEntry(record.index, record.payload))
  }
  return entries
}
