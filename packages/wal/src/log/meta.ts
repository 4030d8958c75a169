/**
 * The log's own metadata, kept in the atomic state file `wal.meta`: the first index still part of
 * the log. It moves forward only through `compactPrefix`, and is written before any segment is
 * removed, so a crash in the middle of a compaction never brings compacted records back.
 *
 * Payload (version 1): u8 version, 7 bytes reserved (0), u64 first index — 16 bytes.
 */
import { WalCorruptionError } from '../errors.js'
import { allZero, readU64, viewOf, writeU64 } from '../format/bytes.js'

export const META_FILE_NAME = 'wal.meta'
const META_VERSION = 1
const META_BYTES = 16

export function encodeMeta(firstIndex: number): Uint8Array {
  const bytes = new Uint8Array(META_BYTES)
  bytes[0] = META_VERSION
  writeU64(viewOf(bytes), 8, firstIndex)
  return bytes
}

export function decodeMeta(bytes: Uint8Array): number {
  const fail = (reason: string): never => {
    throw new WalCorruptionError({ segment: META_FILE_NAME, offset: 0 }, reason)
  }
  if (bytes.length !== META_BYTES) fail(`metadata is ${bytes.length} bytes, expected ${META_BYTES}`)
  if (bytes[0] !== META_VERSION) fail(`unsupported metadata version ${bytes[0]}`)
  if (!allZero(bytes, 1, 8)) fail('reserved metadata bytes are not zero')
  const firstIndex = readU64(viewOf(bytes), 8)
  if (firstIndex < 1) fail('metadata first index out of range')
  return firstIndex
}
