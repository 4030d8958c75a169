import { assertValue, defineOwn, VALUE_DEPTH_MAX, type Value } from '../core/value.js'
import { InputTooLargeError, MalformedInputError } from '../errors.js'
import { ByteReader, ByteWriter } from './bytes.js'
import { type DecodeLimits, resolveLimits } from './limits.js'

/**
 * Value encoding: one tag byte, then the payload. Small non-negative integers live in the tag itself,
 * so a counter or an id below 64 costs one byte. Object keys are written sorted, which makes the
 * encoding canonical: equal values always encode to equal bytes (OR-Set element identity relies on it).
 */

const TAG_NULL = 0
const TAG_FALSE = 1
const TAG_TRUE = 2
const TAG_INTEGER = 3
const TAG_FLOAT = 4
const TAG_STRING = 5
const TAG_BYTES = 6
const TAG_ARRAY = 7
const TAG_OBJECT = 8
/** Tags TAG_SMALL_INT .. TAG_SMALL_INT + 63 carry the integers 0..63. */
const TAG_SMALL_INT = 0x40

export function writeValue(writer: ByteWriter, value: Value): void {
  if (typeof value === 'string') {
    writer.byte(TAG_STRING)
    writer.string(value)
    return
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) <= Number.MAX_SAFE_INTEGER / 2) {
      if (value >= 0 && value < 64) {
        writer.byte(TAG_SMALL_INT + value)
        return
      }
      writer.byte(TAG_INTEGER)
      writer.signedVarint(value)
      return
    }
    writer.byte(TAG_FLOAT)
    writer.float64(value)
    return
  }
  if (value === null) {
    writer.byte(TAG_NULL)
    return
  }
  if (typeof value === 'boolean') {
    writer.byte(value ? TAG_TRUE : TAG_FALSE)
    return
  }
  if (value instanceof Uint8Array) {
    writer.byte(TAG_BYTES)
    writer.bytes(value)
    return
  }
  if (Array.isArray(value)) {
    writer.byte(TAG_ARRAY)
    writer.varint(value.length)
    for (const item of value) writeValue(writer, item as Value)
    return
  }
  const record = value as Record<string, Value>
  const keys = Object.keys(record).sort()
  writer.byte(TAG_OBJECT)
  writer.varint(keys.length)
  for (const key of keys) {
    writer.string(key)
    writeValue(writer, record[key] as Value)
  }
}

export function readValue(reader: ByteReader, depth = 0): Value {
  const tag = reader.byte()
  if (tag >= TAG_SMALL_INT) {
    if (tag >= TAG_SMALL_INT + 64) throw new MalformedInputError(`unknown value tag ${tag}`)
    return tag - TAG_SMALL_INT
  }
  switch (tag) {
    case TAG_STRING:
      return reader.string()
    case TAG_INTEGER:
      return reader.signedVarint()
    case TAG_FLOAT: {
      const value = reader.float64()
      if (!Number.isFinite(value)) throw new MalformedInputError('non-finite number')
      return value
    }
    case TAG_NULL:
      return null
    case TAG_FALSE:
      return false
    case TAG_TRUE:
      return true
    case TAG_BYTES:
      return reader.bytes()
    case TAG_ARRAY: {
      if (depth >= VALUE_DEPTH_MAX) throw new InputTooLargeError('value nests too deep')
      const count = reader.count(Number.MAX_SAFE_INTEGER, 1, 'array length')
      const items: Value[] = []
      for (let index = 0; index < count; index++) items.push(readValue(reader, depth + 1))
      return items
    }
    case TAG_OBJECT: {
      if (depth >= VALUE_DEPTH_MAX) throw new InputTooLargeError('value nests too deep')
      const count = reader.count(Number.MAX_SAFE_INTEGER, 2, 'object size')
      const record: Record<string, Value> = {}
      let previous: string | undefined
      for (let index = 0; index < count; index++) {
        const key = reader.string()
        // Canonical form: keys strictly ascending, which also rules out duplicate keys.
        if (previous !== undefined && !(previous < key))
          throw new MalformedInputError('object keys out of order')
        previous = key
        defineOwn(record, key, readValue(reader, depth + 1))
      }
      return record
    }
    default:
      throw new MalformedInputError(`unknown value tag ${tag}`)
  }
}

/**
 * Encodes one value alone, in the canonical value encoding: equal values give equal bytes. The
 * hybrid node carries strong operations' values this way.
 */
export function encodeValue(value: Value): Uint8Array {
  assertValue(value)
  const writer = new ByteWriter(64)
  writeValue(writer, value)
  return writer.finish()
}

/** Decodes one value from untrusted bytes (the whole input), within `limits`. */
export function decodeValue(bytes: Uint8Array, limits?: DecodeLimits): Value {
  const resolved = resolveLimits(limits)
  if (bytes.length > resolved.bytesMax) throw new InputTooLargeError('value too large')
  const reader = new ByteReader(bytes, resolved.stringBytesMax)
  const value = readValue(reader)
  if (!reader.done) throw new MalformedInputError('trailing bytes after the value')
  return value
}
