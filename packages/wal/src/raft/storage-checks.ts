/**
 * Paired assertions of {@link WalLogStorage} (TigerBeetle's habit): a batch is checked before any
 * of it reaches the disk, the in-memory log is checked against the WAL after each write, and a
 * reopened storage is checked against what its files hold. Each failure is a bug in the storage
 * (or in the core that built the batch), never bad input from the disk: damage on disk is reported
 * by the typed errors of recovery long before these run. They throw base's `InvariantError`.
 *
 * Compound conditions are split, so that the message names the one that failed.
 */
import { assert } from '@tandem/base'
import type { Entry, HardState, LogStorageReader, PersistBatch } from '@tandem/raft'
import type { PersistedRaftState } from './raft-codec.js'

/** What the WAL itself reports: where its records start and end. */
export interface WalBounds {
  readonly firstIndex: number
  readonly lastIndex: number
}

/**
 * Before a save (first half of the pair): the entries are contiguous, in non-decreasing terms, and
 * follow the batch's snapshot. A gap after the stored log is not checked here: that is the
 * storage's `UnavailableError`, as for raft's `MemoryLog`.
 */
export function checkBatchShape(batch: PersistBatch): void {
  const first = batch.entries[0]
  if (first === undefined) return
  assert(first.index >= 1, `batch entry index ${first.index} is below 1`)
  for (let position = 1; position < batch.entries.length; position++) {
    const entry = batch.entries[position] as Entry
    const previous = batch.entries[position - 1] as Entry
    assert(
      entry.index === first.index + position,
      `batch entries are not contiguous at ${first.index + position}`,
    )
    assert(entry.term >= previous.term, `batch entry terms decrease at ${entry.index}`)
  }
  if (batch.snapshot !== null) {
    const last = batch.entries[batch.entries.length - 1] as Entry
    assert(
      last.index > batch.snapshot.metadata.index,
      `batch entries end at ${last.index}, within its snapshot at ${batch.snapshot.metadata.index}`,
    )
  }
}

/** After entries were appended (second half): the log and the WAL both end at the last one. */
export function checkAppended(last: Entry, log: LogStorageReader, wal: WalBounds): void {
  assert(log.lastIndex() === last.index, `the log ends at ${log.lastIndex()} after appending ${last.index}`)
  assert(log.term(last.index) === last.term, `the log holds another term at ${last.index} than it appended`)
  assert(wal.lastIndex === last.index, `the WAL ends at ${wal.lastIndex} after appending ${last.index}`)
}

/** After a snapshot replaced the log: nothing follows it, in memory or in the WAL. */
export function checkInstalled(index: number, term: number, log: LogStorageReader, wal: WalBounds): void {
  assert(log.firstIndex() === index + 1, `the log starts at ${log.firstIndex()} after snapshot ${index}`)
  assert(log.lastIndex() === index, `the log ends at ${log.lastIndex()} after snapshot ${index}`)
  assert(log.term(index) === term, `the log's term at snapshot ${index} is not the snapshot's`)
  assert(wal.firstIndex === index + 1, `the WAL starts at ${wal.firstIndex} after snapshot ${index}`)
  assert(wal.lastIndex === index, `the WAL ends at ${wal.lastIndex} after snapshot ${index}`)
}

/** After a local compaction: the log and the WAL start right after the snapshot and end where they did. */
export function checkCompacted(
  index: number,
  lastIndex: number,
  log: LogStorageReader,
  wal: WalBounds,
): void {
  assert(
    log.firstIndex() === index + 1,
    `the log starts at ${log.firstIndex()} after compacting through ${index}`,
  )
  assert(
    log.lastIndex() === lastIndex,
    `compacting through ${index} moved the log's end to ${log.lastIndex()}`,
  )
  assert(
    wal.firstIndex === index + 1,
    `the WAL starts at ${wal.firstIndex} after compacting through ${index}`,
  )
  assert(wal.lastIndex === lastIndex, `compacting through ${index} moved the WAL's end to ${wal.lastIndex}`)
}

/**
 * Before a state write: the bytes about to be written decode to the state meant (the codec is a
 * bijection on what it is given), so what a reopen reads back is what was written.
 */
export function checkStateRoundTrip(meant: PersistedRaftState, decoded: PersistedRaftState): void {
  assert(decoded.hardState.term === meant.hardState.term, 'the state file encodes another term')
  assert(decoded.hardState.vote === meant.hardState.vote, 'the state file encodes another vote')
  assert(decoded.hardState.commit === meant.hardState.commit, 'the state file encodes another commit')
  assert(decoded.confIndex === meant.confIndex, 'the state file encodes another membership index')
  const meantConf = meant.confState
  const decodedConf = decoded.confState
  assert(sameIds(decodedConf.voters, meantConf.voters), 'the state file encodes other voters')
  assert(sameIds(decodedConf.learners, meantConf.learners), 'the state file encodes other learners')
  assert(
    sameIds(decodedConf.votersOutgoing, meantConf.votersOutgoing),
    'the state file encodes other outgoing voters',
  )
  assert(
    sameIds(decodedConf.learnersNext, meantConf.learnersNext),
    'the state file encodes other next learners',
  )
  assert(decodedConf.autoLeave === meantConf.autoLeave, 'the state file encodes another autoLeave')
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, position) => id === b[position])
}

/**
 * After a reopen: the in-memory log is the WAL's records after the newest snapshot, and the hard
 * state it reports is consistent with both (the commit index within the log, never before the
 * snapshot). `entries` are the records read back from the WAL.
 */
export function checkRestored(
  restored: {
    readonly snapshotIndex: number
    readonly entries: readonly Entry[]
    readonly hardState: HardState
  },
  log: LogStorageReader & { readonly hardState: HardState },
  wal: WalBounds,
): void {
  const { snapshotIndex, entries, hardState } = restored
  assert(
    wal.firstIndex === snapshotIndex + 1,
    `the WAL starts at ${wal.firstIndex}, the snapshot ends at ${snapshotIndex}`,
  )
  assert(
    wal.lastIndex === snapshotIndex + entries.length,
    `the WAL ends at ${wal.lastIndex} but ${entries.length} entries follow snapshot ${snapshotIndex}`,
  )
  for (let position = 0; position < entries.length; position++) {
    const index = (entries[position] as Entry).index
    assert(index === snapshotIndex + 1 + position, `restored entry ${index} is out of place`)
  }
  assert(
    log.firstIndex() === wal.firstIndex,
    `the log starts at ${log.firstIndex()}, the WAL at ${wal.firstIndex}`,
  )
  assert(log.lastIndex() === wal.lastIndex, `the log ends at ${log.lastIndex()}, the WAL at ${wal.lastIndex}`)
  assert(
    log.snapshot().metadata.index === snapshotIndex,
    'the log holds another snapshot than the newest file',
  )
  assert(log.hardState.term === hardState.term, 'the log reports another term than the state file')
  assert(log.hardState.vote === hardState.vote, 'the log reports another vote than the state file')
  assert(log.hardState.commit === hardState.commit, 'the log reports another commit than restored')
  assert(
    hardState.commit >= snapshotIndex,
    `commit ${hardState.commit} precedes the snapshot at ${snapshotIndex}`,
  )
  assert(
    hardState.commit <= log.lastIndex(),
    `commit ${hardState.commit} is beyond the log's end ${log.lastIndex()}`,
  )
}
