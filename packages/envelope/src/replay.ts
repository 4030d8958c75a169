import { equalBytes, readU32, readU64, toHex, writerLabel, writeU32, writeU64 } from './bytes.js'
import { FORMAT_VERSION, ID_BYTES_MAX, PUBLIC_KEY_BYTES } from './constants.js'
import { MalformedEnvelopeError, ReplayedEntryError } from './errors.js'
import { checkVersion } from './format/entry.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'

/** Kind byte of a replay-guard snapshot. */
const KIND_REPLAY_SNAPSHOT = 0x10

interface ReplayRecord {
  readonly writer: Uint8Array
  readonly streamId: Uint8Array
  highestSequence: number
}

/**
 * Replay protection: the highest sequence number accepted per (writer, stream). An entry whose
 * sequence is not above it is a duplicate or a regression and is rejected. Gaps are allowed (an
 * entry can be lost or filtered); order within a writer's stream is not negotiable.
 *
 * The state is one record per (writer, stream) and snapshots to bytes:
 * `version (1) ‖ kind 0x10 (1) ‖ count (4) ‖ count × [writer (32) ‖ len (1) ‖ stream ‖ highest (8)]`,
 * records sorted, so that equal states snapshot to equal bytes.
 *
 * @example
 * ```ts
 * const guard = new ReplayGuard()
 * const opener = new Opener({ keyRing: ring, replayGuard: guard })
 * const saved = guard.snapshot()
 * const restored = ReplayGuard.restore(saved)
 * ```
 */
export class ReplayGuard {
  readonly #records = new Map<string, ReplayRecord>()
  // One-slot cache: consecutive entries nearly always share their writer and stream.
  #last: ReplayRecord | undefined

  /** Number of (writer, stream) pairs tracked. */
  get size(): number {
    return this.#records.size
  }

  #find(writer: Uint8Array, streamId: Uint8Array): ReplayRecord | undefined {
    const last = this.#last
    if (last !== undefined && equalBytes(last.writer, writer) && equalBytes(last.streamId, streamId))
      return last
    const record = this.#records.get(recordKey(writer, streamId))
    if (record !== undefined) this.#last = record
    return record
  }

  /** Highest sequence accepted for (writer, stream), or undefined before the first. */
  highestSequence(writer: Uint8Array, streamId: Uint8Array): number | undefined {
    return this.#find(writer, streamId)?.highestSequence
  }

  /** Throws `ReplayedEntryError` unless `sequence` is above the highest accepted. Records nothing. */
  check(writer: Uint8Array, streamId: Uint8Array, sequence: number): void {
    const record = this.#find(writer, streamId)
    if (record !== undefined && sequence <= record.highestSequence) {
      throw new ReplayedEntryError(
        `sequence ${sequence} of writer ${writerLabel(writer)} is not above ${record.highestSequence}`,
      )
    }
  }

  /** Records `sequence` as accepted; call it only after the entry fully verified. */
  record(writer: Uint8Array, streamId: Uint8Array, sequence: number): void {
    this.check(writer, streamId, sequence)
    const record = this.#find(writer, streamId)
    if (record !== undefined) {
      record.highestSequence = sequence
      return
    }
    if (writer.length !== PUBLIC_KEY_BYTES || streamId.length > ID_BYTES_MAX) {
      throw new RangeError('writer or stream id of the wrong size')
    }
    const created = { writer: writer.slice(), streamId: streamId.slice(), highestSequence: sequence }
    this.#records.set(recordKey(writer, streamId), created)
    this.#last = created
  }

  /** The state as bytes (see the class comment for the layout). */
  snapshot(): Uint8Array {
    const keys = [...this.#records.keys()].sort()
    let length = 6
    for (const key of keys)
      length += PUBLIC_KEY_BYTES + 1 + (this.#records.get(key) as ReplayRecord).streamId.length + 8
    const out = new Uint8Array(length)
    out[0] = FORMAT_VERSION
    out[1] = KIND_REPLAY_SNAPSHOT
    writeU32(out, 2, keys.length)
    let at = 6
    for (const key of keys) {
      const record = this.#records.get(key) as ReplayRecord
      out.set(record.writer, at)
      at += PUBLIC_KEY_BYTES
      out[at] = record.streamId.length
      out.set(record.streamId, at + 1)
      at += 1 + record.streamId.length
      writeU64(out, at, record.highestSequence)
      at += 8
    }
    return out
  }

  /** Rebuilds a guard from `snapshot()` bytes; malformed bytes get a typed error. */
  static restore(bytes: Uint8Array, limits?: Partial<EnvelopeLimits>): ReplayGuard {
    const { replayRecordsMax } = resolveLimits(limits)
    checkVersion(bytes, 'replay snapshot')
    if (bytes.length < 6 || bytes[1] !== KIND_REPLAY_SNAPSHOT)
      throw new MalformedEnvelopeError('not a replay snapshot')
    const count = readU32(bytes, 2)
    if (count > replayRecordsMax)
      throw new MalformedEnvelopeError(`replay snapshot of ${count} records exceeds the limit`)
    const guard = new ReplayGuard()
    let at = 6
    for (let i = 0; i < count; i++) {
      if (at + PUBLIC_KEY_BYTES + 1 > bytes.length)
        throw new MalformedEnvelopeError('replay snapshot truncated')
      const writer = bytes.subarray(at, at + PUBLIC_KEY_BYTES)
      const streamLength = bytes[at + PUBLIC_KEY_BYTES] as number
      at += PUBLIC_KEY_BYTES + 1
      if (at + streamLength + 8 > bytes.length) throw new MalformedEnvelopeError('replay snapshot truncated')
      const streamId = bytes.subarray(at, at + streamLength)
      const highest = readU64(bytes, at + streamLength)
      at += streamLength + 8
      if (highest < 0) throw new MalformedEnvelopeError('replay snapshot sequence above 2^53 - 1')
      if (guard.#records.has(recordKey(writer, streamId))) {
        throw new MalformedEnvelopeError('replay snapshot repeats a record')
      }
      guard.record(writer, streamId, highest)
    }
    if (at !== bytes.length) throw new MalformedEnvelopeError('replay snapshot has trailing bytes')
    return guard
  }
}

function recordKey(writer: Uint8Array, streamId: Uint8Array): string {
  return `${toHex(writer)}/${toHex(streamId)}`
}
