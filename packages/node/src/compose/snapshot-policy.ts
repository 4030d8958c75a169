/**
 * When a node snapshots C (design.md, "Transport and operations: One snapshot path"): once the log
 * bytes applied since the last snapshot exceed max(64 MiB, 2 × the last snapshot's size). The floor
 * keeps small states from snapshotting all the time; the factor keeps a large state from spending
 * more time encoding snapshots than applying entries (each snapshot costs its size; the log between
 * two costs at least twice that). A keyed node snapshots only where its public and data layers are
 * at the same index (design.md, "Two applied indices"), and a keyless one never on its own.
 */

/** The thresholds of a {@link SnapshotPolicy}; tests and the simulator use small ones. */
export interface SnapshotPolicyOptions {
  /** The floor: no snapshot before this many log bytes since the last one. Default 64 MiB. */
  readonly logBytesMin?: number
  /** The multiple of the last snapshot's size the log must exceed. Default 2. */
  readonly sizeFactor?: number
}

/** 64 MiB: the design's floor. */
export const defaultSnapshotLogBytesMin = 64 * 1024 * 1024
/** 2: the design's factor. */
export const defaultSnapshotSizeFactor = 2

/**
 * The snapshot policy of one node: it remembers the size of the last snapshot taken or restored.
 *
 * @example
 * ```ts
 * const policy = new SnapshotPolicy({ logBytesMin: 1 << 20 })
 * policy.recordSnapshot(3 << 20) // a 3 MiB snapshot was taken (or restored)
 * policy.due(5 << 20) // false: the log must exceed 6 MiB
 * policy.due((6 << 20) + 1) // true
 * ```
 */
export class SnapshotPolicy {
  readonly logBytesMin: number
  readonly sizeFactor: number
  #lastSnapshotBytes = 0

  constructor(options: SnapshotPolicyOptions = {}) {
    const logBytesMin = options.logBytesMin ?? defaultSnapshotLogBytesMin
    const sizeFactor = options.sizeFactor ?? defaultSnapshotSizeFactor
    if (!Number.isSafeInteger(logBytesMin) || logBytesMin < 1)
      throw new RangeError(`SnapshotPolicy: logBytesMin must be a positive integer, got ${logBytesMin}`)
    if (!Number.isFinite(sizeFactor) || sizeFactor < 0)
      throw new RangeError(`SnapshotPolicy: sizeFactor must be ≥ 0, got ${sizeFactor}`)
    this.logBytesMin = logBytesMin
    this.sizeFactor = sizeFactor
  }

  /** The size of the last snapshot taken or restored, in bytes (0 before any). */
  get lastSnapshotBytes(): number {
    return this.#lastSnapshotBytes
  }

  /** The log bytes since the last snapshot that must be exceeded before the next one. */
  get thresholdBytes(): number {
    return Math.max(this.logBytesMin, this.sizeFactor * this.#lastSnapshotBytes)
  }

  /** Records the size of a snapshot taken or restored. */
  recordSnapshot(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw new RangeError(`SnapshotPolicy: a snapshot size is a non-negative integer, got ${bytes}`)
    this.#lastSnapshotBytes = bytes
  }

  /** Whether a snapshot is due after `logBytesSinceSnapshot` bytes of log since the last one. */
  due(logBytesSinceSnapshot: number): boolean {
    return logBytesSinceSnapshot > this.thresholdBytes
  }
}
