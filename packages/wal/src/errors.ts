/**
 * Typed errors of the WAL package: operating errors (a damaged disk, a failed device, a bad
 * argument), each a {@link TandemError} with a stable `WAL_` code, so callers can branch on it
 * without matching message text. A broken invariant inside the WAL is not one of these: it throws
 * base's `InvariantError` (see `assert`).
 */
import { TandemError } from '@tandem/base'

/**
 * Where a problem was found on disk.
 *
 * @example
 * ```ts
 * const where: DiskLocation = { segment: '00000000000000000001.wal', offset: 4096 }
 * ```
 */
export interface DiskLocation {
  /** The file name, e.g. `00000000000000000001.wal`. */
  readonly segment: string
  /** The byte offset in that file. */
  readonly offset: number
}

/**
 * A checksum or structure failure that cannot be a torn write at the tail (policy `refuse`).
 *
 * @example
 * ```ts
 * try { await openWal({ device }) } catch (error) {
 *   if (error instanceof WalCorruptionError) console.error(error.segment, error.offset, error.reason)
 * }
 * ```
 */
export class WalCorruptionError extends TandemError {
  readonly code = 'WAL_CORRUPTION'
  override readonly name = 'WalCorruptionError'
  readonly segment: string
  readonly offset: number
  readonly reason: string
  constructor(location: DiskLocation, reason: string) {
    super(`WAL corruption in ${location.segment} at byte ${location.offset}: ${reason}`)
    this.segment = location.segment
    this.offset = location.offset
    this.reason = reason
  }
}

/**
 * The recovered log ends below the commit index the hard state (`raft.state`) persisted: entries
 * this node knew to be committed are gone (a lost block, a truncated file), which the WAL alone
 * would have taken for a torn tail. Thrown by `WalLogStorage.open` in either corruption policy:
 * a member that rejoined with a shorter log could break the guarantees it gave before the loss.
 * Restore the directory from a backup, or remove the member and add it back with an empty one.
 *
 * @example
 * ```ts
 * try { await WalLogStorage.open({ device }) } catch (error) {
 *   if (error instanceof WalCommittedEntriesLostError)
 *     console.error(`log ends at ${error.lastIndex} in ${error.segment}, commit was ${error.commitIndex}`)
 * }
 * ```
 */
export class WalCommittedEntriesLostError extends TandemError {
  readonly code = 'WAL_COMMITTED_ENTRIES_LOST'
  override readonly name = 'WalCommittedEntriesLostError'
  /** The commit index the hard state holds. */
  readonly commitIndex: number
  /** The last index of the recovered log (and snapshot). */
  readonly lastIndex: number
  /** The segment the recovered log ends in (`null` when no segment is left). */
  readonly segment: string | null
  /** The hard-state file that holds `commitIndex`. */
  readonly stateFile: string
  constructor(details: {
    readonly commitIndex: number
    readonly lastIndex: number
    readonly segment: string | null
    readonly stateFile: string
  }) {
    super(
      `committed entries lost: ${details.stateFile} says the commit index is ${details.commitIndex}, ` +
        `but the log ends at ${details.lastIndex}${details.segment ? ` (in ${details.segment})` : ''}`,
    )
    this.commitIndex = details.commitIndex
    this.lastIndex = details.lastIndex
    this.segment = details.segment
    this.stateFile = details.stateFile
  }
}

/**
 * The WAL stopped after a device error (a failed write or sync cannot be retried safely: the page
 * cache may have dropped the data). Every pending and later operation rejects with it; reopen.
 *
 * @example
 * ```ts
 * wal.append([{ type: 1, payload }]).catch((error) => {
 *   if (error instanceof WalFailedError) process.exit(1) // restart and recover
 * })
 * ```
 */
export class WalFailedError extends TandemError {
  readonly code = 'WAL_FAILED'
  override readonly name = 'WalFailedError'
  constructor(cause: unknown) {
    super(`WAL stopped after a device error: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    })
  }
}

/**
 * An operation on a closed WAL.
 *
 * @example
 * ```ts
 * await wal.close()
 * await wal.append([]).catch((error) => error.code === 'WAL_CLOSED') // true
 * ```
 */
export class WalClosedError extends TandemError {
  readonly code = 'WAL_CLOSED'
  override readonly name = 'WalClosedError'
  constructor() {
    super('WAL is closed')
  }
}

/**
 * An argument outside what the log holds or accepts (an index before the first or after the last,
 * an oversized record, a bad option).
 *
 * @example
 * ```ts
 * await wal.read(0).catch((error) => error.code === 'WAL_INVALID_ARGUMENT') // true
 * ```
 */
export class WalArgumentError extends TandemError {
  readonly code = 'WAL_INVALID_ARGUMENT'
  override readonly name = 'WalArgumentError'
}

/**
 * A state file (hard state, metadata) failed its checksum or structure checks.
 *
 * @example
 * ```ts
 * await stateFile.load().catch((error) => error.code === 'WAL_STATE_FILE_CORRUPTION')
 * ```
 */
export class StateFileCorruptionError extends TandemError {
  readonly code = 'WAL_STATE_FILE_CORRUPTION'
  override readonly name = 'StateFileCorruptionError'
  readonly file: string
  constructor(file: string, reason: string) {
    super(`state file ${file} is corrupt: ${reason}`)
    this.file = file
  }
}

/**
 * A snapshot file failed its checksum or structure checks (header, or a data block while
 * streaming — no unverified byte is ever handed out).
 *
 * @example
 * ```ts
 * for await (const chunk of reader.chunks()) send(chunk) // throws SnapshotCorruptionError on a bad block
 * ```
 */
export class SnapshotCorruptionError extends TandemError {
  readonly code = 'WAL_SNAPSHOT_CORRUPTION'
  override readonly name = 'SnapshotCorruptionError'
  readonly file: string
  readonly offset: number
  constructor(file: string, offset: number, reason: string) {
    super(`snapshot ${file} is corrupt at byte ${offset}: ${reason}`)
    this.file = file
    this.offset = offset
  }
}

/**
 * A record payload decoded by the Raft adapter is malformed (wrong version, length or field).
 *
 * @example
 * ```ts
 * try { decodeEntry(bytes) } catch (error) { error.code === 'WAL_RECORD_DECODE' }
 * ```
 */
export class RecordDecodeError extends TandemError {
  readonly code = 'WAL_RECORD_DECODE'
  override readonly name = 'RecordDecodeError'
}

/**
 * The memory device was powered off by fault injection; every operation rejects with it until
 * {@link MemoryDevice.crash} produces the image a restart would see.
 *
 * @example
 * ```ts
 * const device = new MemoryDevice({ powerCutAtOperation: 5 })
 * // the fifth mutating operation and everything after it reject with DeviceCrashedError
 * ```
 */
export class DeviceCrashedError extends TandemError {
  readonly code = 'WAL_DEVICE_CRASHED'
  override readonly name = 'DeviceCrashedError'
  constructor() {
    super('device lost power (injected crash)')
  }
}
