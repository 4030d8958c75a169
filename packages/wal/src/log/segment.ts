import type { DeviceFile } from '../device/block-device.js'

/**
 * One open segment file and its in-memory offset index: the start offset of every record, so a
 * record is found by index with one array lookup and read with one device read.
 */
export class Segment {
  /** Written but not yet synced. */
  dirty = false

  #offsets: Uint32Array
  #count: number
  constructor(
    readonly name: string,
    readonly firstIndex: number,
    readonly file: DeviceFile,
    /** Bytes in use: the header and every complete record. */
    public size: number,
    offsets: Uint32Array,
    count: number,
    /**
     * The index of the record at `offsets[0]`: `firstIndex`, or for a recovered first segment that
     * still holds compacted records, the first live index (compacted records are not indexed).
     */
    readonly baseIndex: number = firstIndex,
  ) {
    this.#offsets = offsets
    this.#count = count
  }

  /** Indexed records (from the base index on). */
  get recordCount(): number {
    return this.#count
  }

  /** The last record's index (the base index − 1 when no record is indexed). */
  get lastIndex(): number {
    return this.baseIndex + this.#count - 1
  }

  /** The byte offset where the record `index` starts. */
  offsetOf(index: number): number {
    return this.#offsets[index - this.baseIndex] as number
  }

  /** The byte offset just past the record `index`. */
  endOf(index: number): number {
    const position = index - this.baseIndex + 1
    return position < this.#count ? (this.#offsets[position] as number) : this.size
  }

  /** Records a frame appended at `offset`. */
  push(offset: number): void {
    if (this.#count === this.#offsets.length) {
      const grown = new Uint32Array(Math.max(64, this.#offsets.length * 2))
      grown.set(this.#offsets)
      this.#offsets = grown
    }
    this.#offsets[this.#count++] = offset
  }

  /** Forgets every record from `index` on; returns the new size in bytes. */
  cutFrom(index: number): number {
    const keep = index - this.baseIndex
    if (keep < this.#count) {
      this.size = this.#offsets[keep] as number
      this.#count = keep
    }
    return this.size
  }
}
