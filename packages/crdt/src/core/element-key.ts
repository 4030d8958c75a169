import { ByteWriter } from '../codec/bytes.js'
import { writeValue } from '../codec/value-codec.js'
import type { Value } from './value.js'

/**
 * OR-Set element identity: two values are the same element when their canonical encodings are equal.
 * Strings and numbers take a short path; everything else uses the canonical bytes as a string key.
 */
export function elementKey(value: Value): string {
  if (typeof value === 'string') return `s${value}`
  if (typeof value === 'number') return `n${value === 0 ? 0 : value}`
  if (value === null) return 'z'
  if (typeof value === 'boolean') return value ? 't' : 'f'
  const writer = new ByteWriter(64)
  writeValue(writer, value)
  const bytes = writer.finish()
  let key = 'v'
  for (let index = 0; index < bytes.length; index += 4096) {
    key += String.fromCharCode(...bytes.subarray(index, Math.min(bytes.length, index + 4096)))
  }
  return key
}
