/**
 * CRC-32C (Castagnoli), the checksum of snapshot chunks. Table-driven, one byte per step: snapshot
 * transfer is bounded by the network, not by this loop.
 */
const CASTAGNOLI_POLYNOMIAL_REVERSED = 0x82f63b78

const CRC32C_TABLE: Uint32Array = (() => {
  const entries = new Uint32Array(256)
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ CASTAGNOLI_POLYNOMIAL_REVERSED : crc >>> 1
    }
    entries[byte] = crc >>> 0
  }
  return entries
})()

/** Continues a CRC-32C over `bytes` from `previous` (0 to start). Returns an unsigned 32-bit value. */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0
  for (let i = 0; i < bytes.length; i++) {
    crc = (CRC32C_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8)
  }
  return ~crc >>> 0
}
