import { assert, utf8Decode, utf8EncodeInto, varintLength } from '@tandem/base'
import { InputTooLargeError, MalformedInputError } from '../errors.js'

/**
 * Byte-level building blocks of the codec: unsigned LEB128 varints (up to 2^53 - 1, the safe integer
 * range), UTF-8 strings and float64. The writer grows geometrically; the reader checks every bound
 * and throws typed errors, so truncated or hostile input can never read past the end.
 */

const TWO_POW_32 = 0x1_0000_0000
/**
 * From this many UTF-16 units (write) or bytes (read) on, strings go through the platform's
 * TextEncoder/TextDecoder: a native call costs ~100–200 ns, which a JavaScript loop matches at about
 * 32–64 characters and loses to by 4–6× at 256 (values, not keys, are that long).
 */
const NATIVE_ENCODE_UNITS_MIN = 64
const NATIVE_DECODE_BYTES_MIN = 32

/** Growable output buffer. */
export class ByteWriter {
  private buffer: Uint8Array
  private view: DataView | undefined
  /** Number of bytes written so far. */
  length = 0

  constructor(initialBytes = 256) {
    this.buffer = new Uint8Array(initialBytes)
  }

  private ensure(extraBytes: number): void {
    const needed = this.length + extraBytes
    if (needed <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < needed) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
    this.view = undefined
  }

  byte(value: number): void {
    this.ensure(1)
    this.buffer[this.length++] = value
  }

  /** Writes a non-negative safe integer as an unsigned LEB128 varint. */
  varint(value: number): void {
    this.ensure(8)
    const buffer = this.buffer
    let position = this.length
    if (value < 0x80) {
      buffer[position++] = value
      this.length = position
      return
    }
    // Above 2^31 bitwise operators truncate, so the high part is peeled off arithmetically.
    while (value >= TWO_POW_32) {
      buffer[position++] = (value % 0x80) | 0x80
      value = Math.floor(value / 0x80)
    }
    while (value >= 0x80) {
      buffer[position++] = (value & 0x7f) | 0x80
      value >>>= 7
    }
    buffer[position++] = value
    this.length = position
  }

  /** Writes a safe integer (possibly negative) with zigzag mapping. */
  signedVarint(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1)
  }

  float64(value: number): void {
    this.ensure(8)
    if (this.view === undefined) this.view = new DataView(this.buffer.buffer)
    this.view.setFloat64(this.length, value, true)
    this.length += 8
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length)
    this.ensure(value.length)
    this.buffer.set(value, this.length)
    this.length += value.length
  }

  /** Writes a string as varint byte length + UTF-8. ASCII takes a fast path without a TextEncoder. */
  string(value: string): void {
    const count = value.length
    if (count >= NATIVE_ENCODE_UNITS_MIN) {
      this.#nativeString(value)
      return
    }
    // Worst case 3 bytes per UTF-16 code unit, plus the length prefix.
    this.ensure(count * 3 + 8)
    const buffer = this.buffer
    // Optimistically assume ASCII and a one-byte length; fix up if wrong.
    if (count < 0x80) {
      const start = this.length + 1
      let position = start
      let index = 0
      for (; index < count; index++) {
        const code = value.charCodeAt(index)
        if (code >= 0x80) break
        buffer[position++] = code
      }
      if (index === count) {
        buffer[this.length] = count
        this.length = position
        return
      }
    }
    const encoded = encodeUtf8(value)
    this.bytes(encoded)
  }

  /**
   * A long string: encoded by TextEncoder (lone surrogates become U+FFFD, as in {@link encodeUtf8})
   * after room for the shortest possible length prefix, which moves up if the prefix is longer.
   * Room for one byte a unit first (most long strings are ASCII); if that did not hold it, again
   * with room for the worst case, three bytes a unit.
   */
  #nativeString(value: string): void {
    const count = value.length
    const prefix = varintLength(count)
    const start = this.length + prefix
    this.ensure(prefix + count + 8)
    // One byte kept free at the end: a prefix longer than guessed moves the bytes up by one at
    // most (3 × count needs at most one more varint byte than count).
    let { read, written } = utf8EncodeInto(value, this.buffer.subarray(start, this.buffer.length - 1))
    if (read !== count) {
      this.ensure(prefix + count * 3 + 8)
      ;({ read, written } = utf8EncodeInto(value, this.buffer.subarray(start, this.buffer.length - 1)))
      assert(read === count, 'three bytes a UTF-16 unit hold any string')
    }
    const needed = varintLength(written)
    if (needed !== prefix) this.buffer.copyWithin(this.length + needed, start, start + written)
    this.varint(written)
    this.length += written
  }

  /** Returns a copy of the written bytes, sized exactly. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}

/** Encodes a string to UTF-8; lone surrogates become U+FFFD, as TextEncoder does. */
export function encodeUtf8(value: string): Uint8Array {
  const out = new Uint8Array(value.length * 3)
  let position = 0
  for (let index = 0; index < value.length; index++) {
    let code = value.charCodeAt(index)
    if (code < 0x80) {
      out[position++] = code
      continue
    }
    if (code < 0x800) {
      out[position++] = 0xc0 | (code >> 6)
      out[position++] = 0x80 | (code & 0x3f)
      continue
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = index + 1 < value.length ? value.charCodeAt(index + 1) : 0
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00)
        index++
        out[position++] = 0xf0 | (code >> 18)
        out[position++] = 0x80 | ((code >> 12) & 0x3f)
        out[position++] = 0x80 | ((code >> 6) & 0x3f)
        out[position++] = 0x80 | (code & 0x3f)
        continue
      }
      code = 0xfffd
    }
    out[position++] = 0xe0 | (code >> 12)
    out[position++] = 0x80 | ((code >> 6) & 0x3f)
    out[position++] = 0x80 | (code & 0x3f)
  }
  return out.subarray(0, position)
}

/** Bounds-checked reader over untrusted bytes. */
export class ByteReader {
  private readonly bytesIn: Uint8Array
  private view: DataView | undefined
  position = 0
  private readonly stringBytesMax: number

  constructor(bytes: Uint8Array, stringBytesMax: number) {
    this.bytesIn = bytes
    this.stringBytesMax = stringBytesMax
  }

  get remaining(): number {
    return this.bytesIn.length - this.position
  }

  get done(): boolean {
    return this.position === this.bytesIn.length
  }

  byte(): number {
    if (this.position >= this.bytesIn.length) throw new MalformedInputError('unexpected end of input')
    return this.bytesIn[this.position++] as number
  }

  /** Reads an unsigned LEB128 varint; rejects values beyond 2^53 - 1 and non-minimal trailing zeros. */
  varint(): number {
    const bytes = this.bytesIn
    let position = this.position
    if (position >= bytes.length) throw new MalformedInputError('unexpected end of input')
    let byte = bytes[position++] as number
    if (byte < 0x80) {
      this.position = position
      return byte
    }
    let result = byte & 0x7f
    let multiplier = 0x80
    for (let count = 1; ; count++) {
      if (position >= bytes.length) throw new MalformedInputError('unexpected end of input')
      if (count >= 8) throw new MalformedInputError('varint too long')
      byte = bytes[position++] as number
      result += (byte & 0x7f) * multiplier
      if (byte < 0x80) {
        if (byte === 0) throw new MalformedInputError('non-minimal varint')
        break
      }
      multiplier *= 0x80
    }
    if (result > Number.MAX_SAFE_INTEGER)
      throw new MalformedInputError('varint beyond the safe integer range')
    this.position = position
    return result
  }

  signedVarint(): number {
    const raw = this.varint()
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
  }

  /** Reads a count that must be followed by at least `count * bytesPerItemMin` bytes; stops hostile counts. */
  count(limit: number, bytesPerItemMin: number, what: string): number {
    const value = this.varint()
    if (value > limit) throw new InputTooLargeError(`${what}: ${value} exceeds the limit ${limit}`)
    if (value * bytesPerItemMin > this.remaining)
      throw new MalformedInputError(`${what}: count beyond the input`)
    return value
  }

  float64(): number {
    if (this.remaining < 8) throw new MalformedInputError('unexpected end of input')
    if (this.view === undefined) {
      this.view = new DataView(this.bytesIn.buffer, this.bytesIn.byteOffset, this.bytesIn.byteLength)
    }
    const value = this.view.getFloat64(this.position, true)
    this.position += 8
    return value
  }

  bytes(): Uint8Array {
    const length = this.varint()
    if (length > this.stringBytesMax) throw new InputTooLargeError(`byte string of ${length} bytes`)
    if (length > this.remaining) throw new MalformedInputError('byte string beyond the input')
    const out = this.bytesIn.slice(this.position, this.position + length)
    this.position += length
    return out
  }

  string(): string {
    const length = this.varint()
    if (length > this.stringBytesMax) throw new InputTooLargeError(`string of ${length} bytes`)
    if (length > this.remaining) throw new MalformedInputError('string beyond the input')
    const bytes = this.bytesIn
    const start = this.position
    const end = start + length
    // ASCII fast path: build directly from char codes.
    let ascii = true
    for (let index = start; index < end; index++) {
      if ((bytes[index] as number) >= 0x80) {
        ascii = false
        break
      }
    }
    this.position = end
    if (ascii) {
      if (length <= 12) {
        let out = ''
        for (let index = start; index < end; index++) out += String.fromCharCode(bytes[index] as number)
        return out
      }
      // Checked ASCII: no BOM for the decoder to strip, nothing invalid.
      if (length >= NATIVE_DECODE_BYTES_MIN) return utf8Decode(bytes.subarray(start, end))
      // One allocation for longer strings instead of one per character.
      return asciiChunks(bytes, start, end)
    }
    return decodeUtf8(bytes, start, end)
  }
}

function asciiChunks(bytes: Uint8Array, start: number, end: number): string {
  let out = ''
  for (let index = start; index < end; index += 4096) {
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(index, Math.min(end, index + 4096)) as unknown as number[],
    )
  }
  return out
}

/** Strict UTF-8 decoder: rejects overlong forms, surrogates, out-of-range code points, truncation. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = []
  let out = ''
  let index = start
  while (index < end) {
    const first = bytes[index++] as number
    let code: number
    if (first < 0x80) {
      code = first
    } else if (first >= 0xc2 && first <= 0xdf) {
      code = ((first & 0x1f) << 6) | continuation(bytes, index++, end)
    } else if (first >= 0xe0 && first <= 0xef) {
      code =
        ((first & 0x0f) << 12) | (continuation(bytes, index, end) << 6) | continuation(bytes, index + 1, end)
      index += 2
      if (code < 0x800 || (code >= 0xd800 && code <= 0xdfff)) throw new MalformedInputError('invalid UTF-8')
    } else if (first >= 0xf0 && first <= 0xf4) {
      code =
        ((first & 0x07) << 18) |
        (continuation(bytes, index, end) << 12) |
        (continuation(bytes, index + 1, end) << 6) |
        continuation(bytes, index + 2, end)
      index += 3
      if (code < 0x10000 || code > 0x10ffff) throw new MalformedInputError('invalid UTF-8')
    } else {
      throw new MalformedInputError('invalid UTF-8')
    }
    if (code >= 0x10000) {
      code -= 0x10000
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff))
    } else {
      units.push(code)
    }
    if (units.length >= 4096) {
      out += String.fromCharCode(...units)
      units.length = 0
    }
  }
  return out + String.fromCharCode(...units)
}

function continuation(bytes: Uint8Array, index: number, end: number): number {
  if (index >= end) throw new MalformedInputError('truncated UTF-8')
  const byte = bytes[index] as number
  if ((byte & 0xc0) !== 0x80) throw new MalformedInputError('invalid UTF-8')
  return byte & 0x3f
}
