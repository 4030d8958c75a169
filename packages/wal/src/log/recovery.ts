/**
 * Opening a log: read the metadata, scan every segment, cut a torn tail, and apply the corruption
 * policy to anything else. Only this module decides what "recovered" means; `Wal` starts from its
 * result.
 *
 * The rule for compacted records (below the first index, left in the first segment until it is
 * obsolete): damage to them never costs a live record. `wal.meta` (version 2) records where the
 * first live record starts when it shares a segment with compacted records, so the live scan starts
 * there and the compacted bytes are only walked to be reported (`RecoveryReport.compacted`); a
 * segment wholly below the first index is removed unread. With a version-1 `wal.meta` the walk
 * steps over and resynchronises past damaged compacted records (see `scanSegment`), and refuses (or,
 * under `truncate`, cuts) below the first index only when no sound record header follows the damage.
 */
import { rethrowInvariant } from '@tandem/base'
import { WalCorruptionError } from '../errors.js'
import { parseSegmentName } from '../format/segment-format.js'
import { type CompactedRegionScan, type SegmentDamage, scanSegment } from '../format/segment-scan.js'
import { StateFile } from '../state/state-file.js'
import { decodeMeta, encodeMeta, META_FILE_NAME } from './meta.js'
import type { ResolvedWalOptions } from './options.js'
import { Segment } from './segment.js'

/**
 * What `open` found and did. Every byte it removed is accounted for here.
 *
 * @example
 * ```ts
 * const wal = await openWal({ device })
 * if (wal.recovery.tornTail) console.warn('cut a torn write', wal.recovery.tornTail)
 * ```
 */
export interface RecoveryReport {
  readonly segmentsScanned: number
  /** Live records present after recovery (compacted ones still in a kept segment are in `compacted`). */
  readonly recordsScanned: number
  /** Segments removed because every record in them precedes the first index (a compaction cut short). */
  readonly obsoleteSegmentsRemoved: readonly string[]
  /** The torn last write that was cut off, if any. */
  readonly tornTail: { readonly segment: string; readonly offset: number; readonly bytes: number } | null
  /** What policy `truncate` dropped because of corruption, if anything. */
  readonly corruptionDropped: CorruptionDrop | null
  /**
   * The compacted records still in the first segment, stepped over (never served, never needed to
   * find the live ones), with any damage found in them: damage there costs no live record and is
   * reported here instead of refusing or cutting. `null` when no kept segment holds compacted records.
   */
  readonly compacted: CompactedRegion | null
  /** The segment the recovered log ends in, `null` when no segment is left. */
  readonly lastSegment: string | null
}

/**
 * The compacted part of the first segment, as recovery found it.
 *
 * @example
 * ```ts
 * const { compacted } = wal.recovery
 * if (compacted?.damage) console.warn(`damage in compacted records of ${compacted.segment}`, compacted.damage)
 * ```
 */
export interface CompactedRegion extends CompactedRegionScan {
  readonly segment: string
}

/**
 * The exact extent of a `truncate`-policy cut.
 *
 * @example
 * ```ts
 * const wal = await openWal({ device, corruptionPolicy: 'truncate' })
 * const dropped = wal.recovery.corruptionDropped
 * if (dropped) console.error(`dropped from index ${dropped.firstIndexDropped}`, dropped)
 * ```
 */
export interface CorruptionDrop {
  /** The segment and offset of the first untrusted byte, and why. */
  readonly segment: string
  readonly offset: number
  readonly reason: string
  /** The index the first dropped record had (or would have had); every later index is gone too. */
  readonly firstIndexDropped: number
  /** Bytes cut from `segment` (from `offset` to its end). */
  readonly bytesDropped: number
  /** Later segment files removed whole, with their sizes. */
  readonly segmentsRemoved: readonly { readonly name: string; readonly bytes: number }[]
}

export interface RecoveredLog {
  readonly segments: Segment[]
  readonly firstIndex: number
  readonly metaFile: StateFile
  readonly report: RecoveryReport
}

export async function recoverLog(options: ResolvedWalOptions): Promise<RecoveredLog> {
  const { device, checksum } = options
  const metaFile = new StateFile(device, META_FILE_NAME, { checksum })
  const metaBytes = await metaFile.load()
  const names = await device.list()
  const found = names
    .map((name) => ({ name, firstIndex: parseSegmentName(name) }))
    .filter((entry): entry is { name: string; firstIndex: number } => entry.firstIndex !== null)
    .sort((a, b) => a.firstIndex - b.firstIndex)

  const meta = metaBytes ? decodeMeta(metaBytes) : null
  const firstIndex = meta ? meta.firstIndex : (found[0]?.firstIndex ?? options.firstIndex)
  // A new log that does not start at 1 records where it starts, so that emptying it by
  // truncation cannot make a later open forget the starting index.
  if (!metaBytes && found.length === 0 && firstIndex !== 1) await metaFile.save(encodeMeta(firstIndex))
  const obsoleteSegmentsRemoved: string[] = []
  // A segment is wholly compacted when the next one starts at or before the first index — or, when
  // it is the only one left below the first index and wal.meta (version 2) says that no segment
  // holds compacted records in front of live ones (a compaction emptied the log and was cut short).
  const whollyCompacted = (): boolean => {
    const [head, next] = found
    if (!head) return false
    if (next) return next.firstIndex <= firstIndex
    return meta?.version === 2 && meta.liveStart === null && head.firstIndex < firstIndex
  }
  while (whollyCompacted()) {
    const obsolete = found.shift() as { name: string }
    await device.remove(obsolete.name)
    obsoleteSegmentsRemoved.push(obsolete.name)
  }

  const segments: Segment[] = []
  let tornTail: RecoveryReport['tornTail'] = null
  let corruptionDropped: CorruptionDrop | null = null
  let recordsScanned = 0
  let compacted: CompactedRegion | null = null
  let segmentsScanned = 0
  let expected: number | null = null

  const dropFrom = async (
    position: number,
    damage: SegmentDamage,
    size: number,
    firstIndexDropped: number,
  ): Promise<void> => {
    const entry = found[position] as { name: string }
    if (options.corruptionPolicy === 'refuse') {
      for (const segment of segments) await segment.file.close()
      throw new WalCorruptionError({ segment: entry.name, offset: damage.offset }, damage.reason)
    }
    const segmentsRemoved: { name: string; bytes: number }[] = []
    for (const later of found.slice(position + 1).reverse()) {
      const file = await device.open(later.name, { create: false })
      segmentsRemoved.unshift({ name: later.name, bytes: await file.size() })
      await file.close()
      await device.remove(later.name)
      await device.syncDirectory()
    }
    corruptionDropped = {
      segment: entry.name,
      offset: damage.offset,
      reason: damage.reason,
      firstIndexDropped,
      bytesDropped: size - damage.offset,
      segmentsRemoved,
    }
  }

  const load = async (name: string) => {
    const file = await device.open(name, { create: false })
    const size = await file.size()
    return { file, size, bytes: await file.read(0, size) }
  }
  let prefetched: ReturnType<typeof load> | null = null
  const discardPrefetched = async (): Promise<void> => {
    const pending = prefetched
    prefetched = null
    if (pending) await pending.then(({ file }) => file.close()).catch(rethrowInvariant)
  }
  for (let position = 0; position < found.length; position++) {
    const entry = found[position] as { name: string; firstIndex: number }
    const isLast = position === found.length - 1
    const loaded = await (prefetched ?? load(entry.name))
    prefetched = null
    const { file, size, bytes } = loaded
    if (expected !== null && entry.firstIndex !== expected) {
      await file.close()
      const damage: SegmentDamage = {
        kind: 'corrupt',
        offset: 0,
        reason: `segment starts at index ${entry.firstIndex} but the previous one ends at ${expected - 1}`,
      }
      await dropFrom(position, damage, size, expected)
      await device.remove(entry.name)
      await device.syncDirectory()
      break
    }
    // Reading the next segment overlaps with scanning this one (the read runs on the I/O pool).
    const next = found[position + 1]
    if (next) prefetched = load(next.name)
    segmentsScanned++
    const liveStart = meta?.liveStart
    const scan = scanSegment(bytes, {
      expectedFirstIndex: entry.firstIndex,
      isLast,
      recordBytesMax: options.recordBytesMax,
      checksum,
      firstLiveIndex: firstIndex,
      ...(liveStart && liveStart.segmentFirstIndex === entry.firstIndex
        ? { liveOffset: liveStart.offset }
        : {}),
    })
    if (scan.compacted) compacted = { segment: entry.name, ...scan.compacted }
    const damage = scan.damage
    const keep = (): void => {
      segments.push(
        new Segment(
          entry.name,
          entry.firstIndex,
          file,
          scan.validEnd,
          scan.offsets,
          scan.recordCount,
          scan.baseIndex,
        ),
      )
      recordsScanned += scan.recordCount
      expected = scan.baseIndex + scan.recordCount
    }
    if (!damage) {
      keep()
      continue
    }
    await discardPrefetched()
    if (damage.kind === 'torn') {
      tornTail = { segment: entry.name, offset: damage.offset, bytes: size - damage.offset }
    } else {
      try {
        await dropFrom(position, damage, size, scan.baseIndex + scan.recordCount)
      } catch (error) {
        // Policy refuse: nothing is kept open behind the error.
        await file.close()
        throw error
      }
    }
    if (scan.firstIndex === null) {
      await file.close()
      await device.remove(entry.name)
      await device.syncDirectory()
    } else {
      await file.truncate(scan.validEnd)
      await file.sync()
      keep()
    }
    break
  }
  await discardPrefetched()

  // Compacted records must not come back, and the records that remain must start at the first index.
  const head = segments[0]
  const tail = segments[segments.length - 1]
  if (head && tail) {
    if (tail.lastIndex < firstIndex) {
      for (const segment of segments) {
        await segment.file.close()
        await device.remove(segment.name)
        obsoleteSegmentsRemoved.push(segment.name)
      }
      segments.length = 0
    } else if (head.firstIndex > firstIndex) {
      const damage: SegmentDamage = {
        kind: 'corrupt',
        offset: 0,
        reason: `the log should start at index ${firstIndex} but its first segment starts at ${head.firstIndex}`,
      }
      if (options.corruptionPolicy === 'refuse') {
        for (const segment of segments) await segment.file.close()
        throw new WalCorruptionError({ segment: head.name, offset: 0 }, damage.reason)
      }
      const segmentsRemoved: { name: string; bytes: number }[] = []
      for (const segment of segments) {
        segmentsRemoved.push({ name: segment.name, bytes: segment.size })
        await segment.file.close()
        await device.remove(segment.name)
      }
      segments.length = 0
      corruptionDropped = {
        segment: head.name,
        offset: 0,
        reason: damage.reason,
        firstIndexDropped: firstIndex,
        bytesDropped: 0,
        segmentsRemoved,
      }
    }
  }
  if (obsoleteSegmentsRemoved.length > 0) await device.syncDirectory()
  return {
    segments,
    firstIndex,
    metaFile,
    report: {
      segmentsScanned,
      recordsScanned,
      obsoleteSegmentsRemoved,
      tornTail,
      corruptionDropped,
      compacted,
      lastSegment: segments[segments.length - 1]?.name ?? null,
    },
  }
}
