/**
 * Binary encodings of the Raft adapter's records and files. Every encoding starts with a version
 * byte, every length is checked against what remains and against a limit, and every decoder
 * throws `RecordDecodeError` — never reads past the end or trusts a count.
 *
 * Entry record payload (WAL record type 1), version 1:
 *   u8 version (1) · u8 entry type (0 normal, 1 conf change) · u16 reserved (0) · u64 term · data
 * Hard-state file payload, version 1:
 *   u8 version (1) · u8 flags (bit 0: a vote is present) · u16 reserved · u64 term · u64 commit ·
 *   string vote · u64 index the membership below was recorded at · membership
 * Snapshot metadata (stored in the snapshot file), version 1:
 *   u8 version (1) · membership
 * Membership: u8 autoLeave (0/1) · then voters, learners, votersOutgoing, learnersNext, each a
 *   u32 count followed by that many strings. String: u16 byte length · UTF-8 bytes.
 */

import { rethrowInvariant, utf8Decode, utf8Encode } from '@tandem/base'
import type { ConfState, Entry, EntryType, HardState } from '@tandem/raft'
import { RecordDecodeError } from '../errors.js'
import { readU64, viewOf, writeU64 } from '../format/bytes.js'

const VERSION = 1
/** The WAL record type of a Raft entry. */
export const ENTRY_RECORD_TYPE = 1
const NODE_ID_BYTES_MAX = 1024
const MEMBERS_MAX = 100_000

/** A bounds-checked little-endian reader. */
class Reader {
  #position = 0
  readonly #view: DataView
  readonly #bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
    this.#view = viewOf(bytes)
  }
  #need(count: number): void {
    if (this.#position + count > this.#bytes.length) throw new RecordDecodeError('truncated record')
  }
  u8(): number {
    this.#need(1)
    return this.#bytes[this.#position++] as number
  }
  u16(): number {
    this.#need(2)
    const value = this.#view.getUint16(this.#position, true)
    this.#position += 2
    return value
  }
  u32(): number {
    this.#need(4)
    const value = this.#view.getUint32(this.#position, true)
    this.#position += 4
    return value
  }
  u64(): number {
    this.#need(8)
    const value = readU64(this.#view, this.#position)
    if (value < 0) throw new RecordDecodeError('integer beyond 2^53')
    this.#position += 8
    return value
  }
  string(): string {
    const length = this.u16()
    if (length > NODE_ID_BYTES_MAX) throw new RecordDecodeError('node id too long')
    this.#need(length)
    const bytes = this.#bytes.subarray(this.#position, this.#position + length)
    this.#position += length
    try {
      return utf8Decode(bytes)
    } catch (caught) {
      rethrowInvariant(caught)
      throw new RecordDecodeError('node id is not valid UTF-8')
    }
  }
  rest(): Uint8Array {
    const rest = this.#bytes.subarray(this.#position)
    this.#position = this.#bytes.length
    return rest
  }
  end(): void {
    if (this.#position !== this.#bytes.length) throw new RecordDecodeError('trailing bytes')
  }
}

/** A growable little-endian writer. */
class Writer {
  #bytes = new Uint8Array(64)
  #view = viewOf(this.#bytes)
  #position = 0
  #ensure(count: number): void {
    if (this.#position + count <= this.#bytes.length) return
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#position + count))
    grown.set(this.#bytes)
    this.#bytes = grown
    this.#view = viewOf(grown)
  }
  u8(value: number): void {
    this.#ensure(1)
    this.#bytes[this.#position++] = value
  }
  u16(value: number): void {
    this.#ensure(2)
    this.#view.setUint16(this.#position, value, true)
    this.#position += 2
  }
  u32(value: number): void {
    this.#ensure(4)
    this.#view.setUint32(this.#position, value, true)
    this.#position += 4
  }
  u64(value: number): void {
    this.#ensure(8)
    writeU64(this.#view, this.#position, value)
    this.#position += 8
  }
  string(value: string): void {
    const bytes = utf8Encode(value)
    if (bytes.length > NODE_ID_BYTES_MAX)
      throw new RecordDecodeError(`node id longer than ${NODE_ID_BYTES_MAX} bytes`)
    this.u16(bytes.length)
    this.#ensure(bytes.length)
    this.#bytes.set(bytes, this.#position)
    this.#position += bytes.length
  }
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#position)
  }
}

/** Encodes an entry's term, type and data (its index is the WAL record's index). */
export function encodeEntry(entry: Entry): Uint8Array {
  const bytes = new Uint8Array(12 + entry.data.length)
  const view = viewOf(bytes)
  bytes[0] = VERSION
  bytes[1] = entry.type
  writeU64(view, 4, entry.term)
  bytes.set(entry.data, 12)
  return bytes
}

/** Decodes an entry record stored at `index`. */
export function decodeEntry(index: number, bytes: Uint8Array): Entry {
  if (bytes.length < 12) throw new RecordDecodeError('entry record shorter than its header')
  if (bytes[0] !== VERSION) throw new RecordDecodeError(`unsupported entry version ${bytes[0]}`)
  const type = bytes[1]
  if (type !== 0 && type !== 1) throw new RecordDecodeError(`unknown entry type ${type}`)
  if (bytes[2] !== 0 || bytes[3] !== 0) throw new RecordDecodeError('reserved entry bytes are not zero')
  const term = readU64(viewOf(bytes), 4)
  if (term < 0) throw new RecordDecodeError('entry term beyond 2^53')
  return { index, term, type: type as EntryType, data: bytes.slice(12) }
}

function writeMembers(writer: Writer, members: readonly string[]): void {
  writer.u32(members.length)
  for (const member of members) writer.string(member)
}

function readMembers(reader: Reader): string[] {
  const count = reader.u32()
  if (count > MEMBERS_MAX) throw new RecordDecodeError('too many members')
  const members: string[] = []
  for (let position = 0; position < count; position++) members.push(reader.string())
  return members
}

function writeConfState(writer: Writer, confState: ConfState): void {
  writer.u8(confState.autoLeave ? 1 : 0)
  writeMembers(writer, confState.voters)
  writeMembers(writer, confState.learners)
  writeMembers(writer, confState.votersOutgoing)
  writeMembers(writer, confState.learnersNext)
}

function readConfState(reader: Reader): ConfState {
  const autoLeave = reader.u8()
  if (autoLeave > 1) throw new RecordDecodeError('autoLeave is not 0 or 1')
  return {
    autoLeave: autoLeave === 1,
    voters: readMembers(reader),
    learners: readMembers(reader),
    votersOutgoing: readMembers(reader),
    learnersNext: readMembers(reader),
  }
}

/** Encodes the membership stored in a snapshot file's metadata. */
export function encodeSnapshotMetadata(confState: ConfState): Uint8Array {
  const writer = new Writer()
  writer.u8(VERSION)
  writeConfState(writer, confState)
  return writer.finish()
}

export function decodeSnapshotMetadata(bytes: Uint8Array): ConfState {
  const reader = new Reader(bytes)
  const version = reader.u8()
  if (version !== VERSION) throw new RecordDecodeError(`unsupported snapshot metadata version ${version}`)
  const confState = readConfState(reader)
  reader.end()
  return confState
}

/** What the adapter keeps in its hard-state file. */
export interface PersistedRaftState {
  readonly hardState: HardState
  /** The log index at which `confState` was recorded (0 when never). */
  readonly confIndex: number
  readonly confState: ConfState
}

export function encodeRaftState(state: PersistedRaftState): Uint8Array {
  const writer = new Writer()
  writer.u8(VERSION)
  writer.u8(state.hardState.vote === null ? 0 : 1)
  writer.u16(0)
  writer.u64(state.hardState.term)
  writer.u64(state.hardState.commit)
  writer.string(state.hardState.vote ?? '')
  writer.u64(state.confIndex)
  writeConfState(writer, state.confState)
  return writer.finish()
}

export function decodeRaftState(bytes: Uint8Array): PersistedRaftState {
  const reader = new Reader(bytes)
  const version = reader.u8()
  if (version !== VERSION) throw new RecordDecodeError(`unsupported hard-state version ${version}`)
  const flags = reader.u8()
  if (flags > 1) throw new RecordDecodeError('unknown hard-state flags')
  if (reader.u16() !== 0) throw new RecordDecodeError('reserved hard-state bytes are not zero')
  const term = reader.u64()
  const commit = reader.u64()
  const vote = reader.string()
  if (flags === 0 && vote !== '') throw new RecordDecodeError('vote present without its flag')
  const confIndex = reader.u64()
  const confState = readConfState(reader)
  reader.end()
  return { hardState: { term, commit, vote: flags === 1 ? vote : null }, confIndex, confState }
}
