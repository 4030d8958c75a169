import { InvalidValueError } from '../errors.js'

/**
 * A value a collection can hold: JSON-compatible data (null, booleans, finite numbers, strings,
 * arrays, plain objects) and `Uint8Array` anywhere inside it.
 */
export type Value =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly Value[]
  | { readonly [key: string]: Value }

/** Nesting depth allowed in values, on write and on decode (also bounds recursion). */
export const VALUE_DEPTH_MAX = 64

/**
 * Checks that `value` is a `Value`; returns a reason when it is not (null when it is).
 * Validation runs once per write so that a bad value never reaches a delta or the wire.
 */
export function invalidValue(value: unknown, depth = 0): string | null {
  if (value === null) return null
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return null
    case 'number':
      return Number.isFinite(value) ? null : 'numbers must be finite'
    case 'object': {
      if (depth >= VALUE_DEPTH_MAX) return `values nest deeper than ${VALUE_DEPTH_MAX}`
      if (value instanceof Uint8Array) return null
      if (Array.isArray(value)) {
        for (const item of value) {
          const reason = invalidValue(item, depth + 1)
          if (reason !== null) return reason
        }
        return null
      }
      const prototype = Object.getPrototypeOf(value)
      if (prototype !== Object.prototype && prototype !== null) return 'objects must be plain objects'
      for (const key of Object.keys(value)) {
        const reason = invalidValue((value as Record<string, unknown>)[key], depth + 1)
        if (reason !== null) return reason
      }
      return null
    }
    default:
      return `${typeof value} is not a JSON-compatible value`
  }
}

/** Throws `InvalidValueError` unless `value` is a `Value`. */
export function assertValue(value: unknown): asserts value is Value {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number' && Number.isFinite(value)) return
  const reason = invalidValue(value)
  if (reason !== null) throw new InvalidValueError(reason)
}

/** Defines an own enumerable property, so that keys such as "__proto__" stay plain data. */
export function defineOwn(target: Record<string, Value>, key: string, value: Value): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/** Deep equality of two values (object key order ignored; -0 equals 0). */
export function valuesEqual(left: Value, right: Value): boolean {
  if (left === right) return true
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false
  if (left instanceof Uint8Array || right instanceof Uint8Array) {
    if (!(left instanceof Uint8Array && right instanceof Uint8Array) || left.length !== right.length)
      return false
    for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false
    return true
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!(Array.isArray(left) && Array.isArray(right)) || left.length !== right.length) return false
    for (let index = 0; index < left.length; index++) {
      if (!valuesEqual(left[index] as Value, right[index] as Value)) return false
    }
    return true
  }
  const leftRecord = left as Record<string, Value>
  const rightRecord = right as Record<string, Value>
  const keys = Object.keys(leftRecord)
  if (keys.length !== Object.keys(rightRecord).length) return false
  for (const key of keys) {
    if (!Object.hasOwn(rightRecord, key)) return false
    if (!valuesEqual(leftRecord[key] as Value, rightRecord[key] as Value)) return false
  }
  return true
}
