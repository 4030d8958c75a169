/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) — the same function as zlib's `crc32`,
 * written in plain TypeScript so that the format code runs anywhere (browsers, the simulator)
 * without `node:zlib`. It uses slicing-by-8: eight 256-entry tables let the loop consume eight
 * bytes per step, several times faster than the one-table loop.
 */

/**
 * A checksum function: the CRC of `bytes`, continuing from `previous` (the CRC of the bytes that
 * came before; 0 to start). Every checksum in the WAL's formats is CRC-32 (IEEE), so any
 * implementation of that function may be injected: {@link crc32} (pure) or `nodeCrc32` (native).
 *
 * @example
 * ```ts
 * import { type Checksum, crc32, openWal } from '@tandem/wal'
 * const checksum: Checksum = crc32
 * const wal = await openWal({ device, checksum })
 * ```
 */
export type Checksum = (bytes: Uint8Array, previous?: number) => number

const POLYNOMIAL = 0xedb88320
const TABLE_COUNT = 8

function buildTables(): Uint32Array {
  const tables = new Uint32Array(256 * TABLE_COUNT)
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1
    tables[byte] = crc >>> 0
  }
  for (let byte = 0; byte < 256; byte++) {
    let crc = tables[byte] as number
    for (let table = 1; table < TABLE_COUNT; table++) {
      crc = (tables[crc & 0xff] as number) ^ (crc >>> 8)
      tables[table * 256 + byte] = crc >>> 0
    }
  }
  return tables
}

const TABLES = buildTables()

/**
 * Pure-TypeScript CRC-32 (IEEE), bit-for-bit equal to `zlib.crc32`.
 *
 * @example
 * ```ts
 * import { crc32 } from '@tandem/wal'
 * crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 * ```
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = TABLES
  let crc = ~previous >>> 0
  let position = 0
  const length = bytes.length
  const fastEnd = length - (length % 8)
  while (position < fastEnd) {
    const low =
      (crc ^
        ((bytes[position] as number) |
          ((bytes[position + 1] as number) << 8) |
          ((bytes[position + 2] as number) << 16) |
          ((bytes[position + 3] as number) << 24))) >>>
      0
    const high =
      (bytes[position + 4] as number) |
      ((bytes[position + 5] as number) << 8) |
      ((bytes[position + 6] as number) << 16) |
      ((bytes[position + 7] as number) << 24)
    crc =
      (t[7 * 256 + (low & 0xff)] as number) ^
      (t[6 * 256 + ((low >>> 8) & 0xff)] as number) ^
      (t[5 * 256 + ((low >>> 16) & 0xff)] as number) ^
      (t[4 * 256 + (low >>> 24)] as number) ^
      (t[3 * 256 + (high & 0xff)] as number) ^
      (t[2 * 256 + ((high >>> 8) & 0xff)] as number) ^
      (t[256 + ((high >>> 16) & 0xff)] as number) ^
      (t[(high >>> 24) & 0xff] as number)
    position += 8
  }
  while (position < length) {
    crc = (t[(crc ^ (bytes[position] as number)) & 0xff] as number) ^ (crc >>> 8)
    position++
  }
  return ~crc >>> 0
}

/**
 * CRC-32 of `bytes[start, end)` without creating a view — for the short fixed-size headers the
 * scanner checks once per record, where allocating a subarray would cost more than the CRC.
 */
export function crc32Range(bytes: Uint8Array, start: number, end: number): number {
  const t = TABLES
  let crc = 0xffffffff
  for (let position = start; position < end; position++) {
    crc = (t[(crc ^ (bytes[position] as number)) & 0xff] as number) ^ (crc >>> 8)
  }
  return ~crc >>> 0
}
