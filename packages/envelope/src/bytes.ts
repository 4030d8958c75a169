/** Small byte helpers shared by the encoders and decoders. Big-endian throughout. */

/** Largest sequence number, index or term this package encodes: 2^53 - 1, exact in a JS number. */
export const SAFE_INTEGER_MAX = Number.MAX_SAFE_INTEGER

export function writeU32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value >>> 24
  target[offset + 1] = (value >>> 16) & 0xff
  target[offset + 2] = (value >>> 8) & 0xff
  target[offset + 3] = value & 0xff
}

export function readU32(source: Uint8Array, offset: number): number {
  return (
    (((source[offset] as number) << 24) |
      ((source[offset + 1] as number) << 16) |
      ((source[offset + 2] as number) << 8) |
      (source[offset + 3] as number)) >>>
    0
  )
}

/** Writes a non-negative safe integer as 8 bytes big-endian. */
export function writeU64(target: Uint8Array, offset: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000)
  writeU32(target, offset, high)
  writeU32(target, offset + 4, value >>> 0)
}

/** Reads 8 bytes big-endian; returns -1 when the value exceeds 2^53 - 1 (the caller rejects it). */
export function readU64(source: Uint8Array, offset: number): number {
  const high = readU32(source, offset)
  if (high > 0x1f_ffff) return -1
  return high * 0x1_0000_0000 + readU32(source, offset + 4)
}

/** Constant-length comparison of two byte ranges (not secret-dependent in our uses, but cheap). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number)
  return difference === 0
}

/** Compares `length` bytes of `a` at `aOffset` with `b` at `bOffset`. */
export function equalAt(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
  length: number,
): boolean {
  let difference = 0
  for (let i = 0; i < length; i++) difference |= (a[aOffset + i] as number) ^ (b[bOffset + i] as number)
  return difference === 0
}

const hexDigits = '0123456789abcdef'

/** Lower-case hex of a public value (used for map keys and for naming writers in error messages). */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number
    out += (hexDigits[byte >>> 4] as string) + (hexDigits[byte & 15] as string)
  }
  return out
}

/** Short public name of a writer for error messages: the first 8 bytes of its public key in hex. */
export function writerLabel(publicKey: Uint8Array): string {
  return toHex(publicKey.subarray(0, 8))
}

/** ASCII bytes of a constant domain-separation string. */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f
  return out
}

export function isSafeCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0
}
