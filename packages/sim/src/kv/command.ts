/**
 * The commands of the simulated key-value store and their binary encoding. Every command carries
 * its client id and sequence number: together they are the idempotency key that lets a client
 * retry without applying twice.
 */
import { TandemError } from '@tandem/base'

/** One operation on one key. A `cas` with `expected: null` means "insert if absent". */
export type KvOperation =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }
  | { readonly kind: 'delete'; readonly key: string }

/** The outcome of applying an operation. `stale` answers a sequence number older than the client's last. */
export type KvResult =
  | { readonly kind: 'put' }
  | { readonly kind: 'get'; readonly value: string | null }
  | { readonly kind: 'cas'; readonly succeeded: boolean }
  | { readonly kind: 'delete'; readonly existed: boolean }
  | { readonly kind: 'stale' }

/** An operation with its idempotency key. */
export interface KvCommand {
  readonly clientId: number
  readonly sequence: number
  readonly operation: KvOperation
}

/** Bytes that are not a command of this format. */
export class KvCommandDecodeError extends TandemError {
  readonly code = 'SIM_KV_COMMAND_MALFORMED'
  override readonly name = 'KvCommandDecodeError'
}

const formatVersion = 1
const stringBytesMax = 1024
const operationCodes = { put: 1, get: 2, cas: 3, delete: 4 } as const
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Encodes a command: version, op code, client id, sequence, then length-prefixed strings. */
export function encodeKvCommand(command: KvCommand): Uint8Array {
  const operation = command.operation
  const strings: (string | null)[] = [operation.key]
  if (operation.kind === 'put') strings.push(operation.value)
  if (operation.kind === 'cas') strings.push(operation.expected, operation.value)
  const encoded = strings.map((text) => (text === null ? null : encoder.encode(text)))
  let length = 10
  for (const bytes of encoded) {
    if (bytes !== null && bytes.length > stringBytesMax)
      throw new RangeError('key or value longer than 1 KiB')
    length += 2 + (bytes?.length ?? 0)
  }
  const out = new Uint8Array(length)
  const view = new DataView(out.buffer)
  out[0] = formatVersion
  out[1] = operationCodes[operation.kind]
  view.setUint32(2, command.clientId)
  view.setUint32(6, command.sequence)
  let offset = 10
  for (const bytes of encoded) {
    // 0xffff marks null (only `cas.expected` may be null).
    view.setUint16(offset, bytes === null ? 0xffff : bytes.length)
    offset += 2
    if (bytes !== null) {
      out.set(bytes, offset)
      offset += bytes.length
    }
  }
  return out
}

/** Decodes a command; throws {@link KvCommandDecodeError} on anything malformed. */
export function decodeKvCommand(bytes: Uint8Array): KvCommand {
  if (bytes.length < 12) throw new KvCommandDecodeError(`command of ${bytes.length} bytes is too short`)
  if (bytes[0] !== formatVersion) throw new KvCommandDecodeError(`unknown command format ${bytes[0]}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const clientId = view.getUint32(2)
  const sequence = view.getUint32(6)
  let offset = 10
  const readString = (nullable: boolean): string | null => {
    if (offset + 2 > bytes.length) throw new KvCommandDecodeError('truncated string length')
    const length = view.getUint16(offset)
    offset += 2
    if (length === 0xffff) {
      if (!nullable) throw new KvCommandDecodeError('null where a string is required')
      return null
    }
    if (length > stringBytesMax) throw new KvCommandDecodeError(`string of ${length} bytes exceeds the limit`)
    if (offset + length > bytes.length) throw new KvCommandDecodeError('truncated string')
    let text: string
    try {
      text = decoder.decode(bytes.subarray(offset, offset + length))
    } catch {
      throw new KvCommandDecodeError('string is not UTF-8')
    }
    offset += length
    return text
  }
  const required = (): string => readString(false) as string
  let operation: KvOperation
  switch (bytes[1]) {
    case operationCodes.put: {
      const key = required()
      operation = { kind: 'put', key, value: required() }
      break
    }
    case operationCodes.get:
      operation = { kind: 'get', key: required() }
      break
    case operationCodes.cas: {
      const key = required()
      const expected = readString(true)
      operation = { kind: 'cas', key, expected, value: required() }
      break
    }
    case operationCodes.delete:
      operation = { kind: 'delete', key: required() }
      break
    default:
      throw new KvCommandDecodeError(`unknown operation code ${bytes[1]}`)
  }
  if (offset !== bytes.length) throw new KvCommandDecodeError(`${bytes.length - offset} trailing bytes`)
  return { clientId, sequence, operation }
}

/** A short human form, e.g. `c3#7 cas(k1, null→c3.7)`, for traces and reports. */
export function describeKvCommand(command: KvCommand): string {
  return `c${command.clientId}#${command.sequence} ${describeKvOperation(command.operation)}`
}

/** A short human form of an operation. */
export function describeKvOperation(operation: KvOperation): string {
  switch (operation.kind) {
    case 'put':
      return `put(${operation.key}=${operation.value})`
    case 'get':
      return `get(${operation.key})`
    case 'cas':
      return `cas(${operation.key}, ${operation.expected ?? 'absent'}→${operation.value})`
    case 'delete':
      return `delete(${operation.key})`
  }
}

/** A short human form of a result. */
export function describeKvResult(result: KvResult): string {
  switch (result.kind) {
    case 'put':
      return 'ok'
    case 'get':
      return result.value ?? 'absent'
    case 'cas':
      return result.succeeded ? 'swapped' : 'mismatch'
    case 'delete':
      return result.existed ? 'deleted' : 'absent'
    case 'stale':
      return 'stale'
  }
}
