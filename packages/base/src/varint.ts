/**
 * Unsigned LEB128 varints (protobuf's and it-length-prefixed's length prefix) for the places that
 * lay bytes out by hand: the transport's frame batches, Raft's dedup header, the CRDT codec.
 */

/** Bytes needed to encode `value` (a non-negative safe integer). */
export function varintLength(value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    length++
  }
  return length
}

/** Writes `value` (a non-negative safe integer) at `offset`; returns the offset just past it. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  target[offset++] = value
  return offset
}
