/** Little-endian helpers for the on-disk formats. Integers above 2^53 − 1 are refused, not rounded. */

const TWO_POW_32 = 0x1_0000_0000

/** Writes a non-negative safe integer as a little-endian u64. */
export function writeU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % TWO_POW_32, true)
  view.setUint32(offset + 4, Math.floor(value / TWO_POW_32), true)
}

/** Reads a little-endian u64; returns -1 when it exceeds `Number.MAX_SAFE_INTEGER`. */
export function readU64(view: DataView, offset: number): number {
  const low = view.getUint32(offset, true)
  const high = view.getUint32(offset + 4, true)
  if (high > 0x1f_ffff) return -1
  return high * TWO_POW_32 + low
}

/** Whether every byte of `bytes[from, to)` is zero. */
export function allZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let position = from; position < to; position++) if (bytes[position] !== 0) return false
  return true
}

/** A DataView over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Whether `value` is an integer in `[min, max]`. */
export function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max
}
