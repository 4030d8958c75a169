/**
 * The snapshot file format (version 1), little-endian. Data is stored in blocks, each followed by
 * its own checksum, so a reader streaming the snapshot in chunks verifies every byte before
 * handing it out — a damaged block is reported at its offset, never sent.
 *
 * Header, 64 bytes:
 *   0  8  magic "TNDMSNAP"
 *   8  2  format version (1)
 *  10  2  header length (64)
 *  12  4  block size in bytes (every block but the last is this long)
 *  16  8  snapshot index
 *  24  8  snapshot term
 *  32  4  metadata length
 *  36  4  CRC-32 of the metadata
 *  40  8  data length
 *  48 12  reserved (0)
 *  60  4  CRC-32 of bytes 0..60
 * Then the metadata bytes, then the data blocks: `block bytes` of data followed by the CRC-32
 * of (block number as u32 LE, then the block's bytes) — the number catches a misplaced block.
 */
import type { Checksum } from '../checksum/crc32.js'
import { allZero, readU64, viewOf, writeU64 } from '../format/bytes.js'

export const SNAPSHOT_MAGIC = new Uint8Array([0x54, 0x4e, 0x44, 0x4d, 0x53, 0x4e, 0x41, 0x50])
export const SNAPSHOT_FORMAT_VERSION = 1
export const SNAPSHOT_HEADER_BYTES = 64
export const BLOCK_CHECKSUM_BYTES = 4

/** Everything the header says. */
export interface SnapshotHeader {
  readonly index: number
  readonly term: number
  readonly blockBytes: number
  readonly metadataBytes: number
  readonly metadataChecksum: number
  readonly dataBytes: number
}

const NAME_PATTERN = /^snapshot-(\d{20})-(\d{20})\.snap$/

/** The file name of the snapshot at (`index`, `term`). */
export function snapshotName(index: number, term: number): string {
  return `snapshot-${String(index).padStart(20, '0')}-${String(term).padStart(20, '0')}.snap`
}

/** Index and term from a snapshot file name, or `null` when `name` is not one. */
export function parseSnapshotName(name: string): { index: number; term: number } | null {
  const match = NAME_PATTERN.exec(name)
  if (!match) return null
  const index = Number(match[1])
  const term = Number(match[2])
  return Number.isSafeInteger(index) && Number.isSafeInteger(term) ? { index, term } : null
}

export function encodeSnapshotHeader(header: SnapshotHeader, checksum: Checksum): Uint8Array {
  const bytes = new Uint8Array(SNAPSHOT_HEADER_BYTES)
  const view = viewOf(bytes)
  bytes.set(SNAPSHOT_MAGIC, 0)
  view.setUint16(8, SNAPSHOT_FORMAT_VERSION, true)
  view.setUint16(10, SNAPSHOT_HEADER_BYTES, true)
  view.setUint32(12, header.blockBytes, true)
  writeU64(view, 16, header.index)
  writeU64(view, 24, header.term)
  view.setUint32(32, header.metadataBytes, true)
  view.setUint32(36, header.metadataChecksum, true)
  writeU64(view, 40, header.dataBytes)
  view.setUint32(60, checksum(bytes.subarray(0, 60)), true)
  return bytes
}

export function decodeSnapshotHeader(
  bytes: Uint8Array,
  checksum: Checksum,
  limits: { readonly metadataBytesMax: number },
): SnapshotHeader | { readonly invalid: string } {
  if (bytes.length < SNAPSHOT_HEADER_BYTES) return { invalid: 'header is incomplete' }
  const view = viewOf(bytes)
  if (view.getUint32(60, true) !== checksum(bytes.subarray(0, 60)))
    return { invalid: 'header checksum mismatch' }
  for (let position = 0; position < SNAPSHOT_MAGIC.length; position++) {
    if (bytes[position] !== SNAPSHOT_MAGIC[position]) return { invalid: 'bad magic' }
  }
  const version = view.getUint16(8, true)
  if (version !== SNAPSHOT_FORMAT_VERSION) return { invalid: `unsupported version ${version}` }
  if (view.getUint16(10, true) !== SNAPSHOT_HEADER_BYTES) return { invalid: 'unexpected header length' }
  if (!allZero(bytes, 48, 60)) return { invalid: 'reserved header bytes are not zero' }
  const blockBytes = view.getUint32(12, true)
  const index = readU64(view, 16)
  const term = readU64(view, 24)
  const metadataBytes = view.getUint32(32, true)
  const dataBytes = readU64(view, 40)
  if (blockBytes < 1 || blockBytes > 64 * 1024 * 1024)
    return { invalid: `block size ${blockBytes} out of range` }
  if (index < 0 || term < 0 || dataBytes < 0) return { invalid: 'index, term or data length out of range' }
  if (metadataBytes > limits.metadataBytesMax)
    return { invalid: `metadata length ${metadataBytes} exceeds the limit` }
  return { index, term, blockBytes, metadataBytes, metadataChecksum: view.getUint32(36, true), dataBytes }
}

/** The number of data blocks of a snapshot. */
export function blockCount(header: SnapshotHeader): number {
  return Math.ceil(header.dataBytes / header.blockBytes)
}

/** The file size a header implies. */
export function snapshotFileBytes(header: SnapshotHeader): number {
  return (
    SNAPSHOT_HEADER_BYTES +
    header.metadataBytes +
    header.dataBytes +
    blockCount(header) * BLOCK_CHECKSUM_BYTES
  )
}

/** The checksum of block number `blockNumber` holding `bytes`. */
export function blockChecksum(blockNumber: number, bytes: Uint8Array, checksum: Checksum): number {
  const prefix = new Uint8Array(4)
  viewOf(prefix).setUint32(0, blockNumber, true)
  return checksum(bytes, checksum(prefix))
}
