/**
 * Unsigned LEB128 varints, the length prefix used by it-length-prefixed (and protobuf). Written by
 * hand on the send path so a whole batch of frames is laid out in one allocation.
 */

/** Bytes needed to encode `value` (a non-negative safe integer). */
export function varintLength(value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    length++
  }
  return length
}

/** Writes `value` at `offset`; returns the offset just past it. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 128)
  }
  target[offset++] = value
  return offset
}
