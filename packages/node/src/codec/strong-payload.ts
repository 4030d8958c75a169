/**
 * The payload of a strong batch (schema in `proto/node.proto`): the proposer's stamp and its data
 * operations, values in `@tandem/crdt`'s canonical value encoding. Sealing wraps these bytes.
 * Decoding validates what apply assumes — collection kinds matching their operations, writer keys,
 * finite numbers, safe integers, bounded counts — into {@link MalformedOperationError}.
 */
import { decodeValue, encodeValue, type Value } from '@tandem/crdt'
import { toString as bytesToHex, fromString as hexToBytes } from 'uint8arrays'
import type { CollectionRules } from '../core/collections.js'
import type { Condition } from '../core/conditions.js'
import type {
  CollectionRef,
  DataOperation,
  StrongBatchPayload,
  StrongOperation,
} from '../core/data-operations.js'
import { invalidWriterKey, type WriterKey } from '../core/ids.js'
import { MalformedOperationError } from '../errors.js'
import * as pb from '../proto/node.js'
import { defaultOperationDecodeLimits, type OperationDecodeLimits } from './limits.js'

/** The version every encoded strong payload carries. */
export const strongPayloadVersion = 1

/** The most operations one strong batch may carry. */
export const STRONG_BATCH_OPERATIONS_MAX = 65_536

const kindToWire = {
  map: pb.CollectionKind.COLLECTION_MAP,
  set: pb.CollectionKind.COLLECTION_SET,
  register: pb.CollectionKind.COLLECTION_REGISTER,
} as const
const writesToWire = {
  both: pb.WritesAllowed.WRITES_BOTH,
  strong: pb.WritesAllowed.WRITES_STRONG,
  eventual: pb.WritesAllowed.WRITES_EVENTUAL,
} as const

/** Encodes a strong batch's payload. */
export function encodeStrongPayload(payload: StrongBatchPayload): Uint8Array {
  return pb.StrongPayload.encode({
    version: strongPayloadVersion,
    stampWallMs: payload.stamp.wallMs,
    stampLogical: payload.stamp.logical,
    operations: payload.operations.map(operationToWire),
  })
}

/** Decodes and validates a strong batch's payload from untrusted bytes. */
export function decodeStrongPayload(
  bytes: Uint8Array,
  limits: Partial<OperationDecodeLimits> = {},
): StrongBatchPayload {
  const bounds = { ...defaultOperationDecodeLimits, ...limits }
  if (bytes.length > bounds.operationBytesMax) throw new MalformedOperationError('strong payload too large')
  let wire: pb.StrongPayload
  try {
    wire = pb.StrongPayload.decode(bytes, { limits: { operations: STRONG_BATCH_OPERATIONS_MAX } })
  } catch (error) {
    throw new MalformedOperationError('invalid protobuf', { cause: error })
  }
  if (wire.version !== strongPayloadVersion) throw new MalformedOperationError('unsupported payload version')
  return {
    stamp: { wallMs: safe(wire.stampWallMs), logical: safe(wire.stampLogical) },
    operations: wire.operations.map((operation) => operationFromWire(operation, bounds)),
  }
}

function operationToWire({ operation, idempotency }: StrongOperation): pb.DataOperation {
  const base = {
    collectionKind: kindToWire[operation.collection.kind],
    collection: operation.collection.name,
    key: 'key' in operation ? operation.key : '',
    idempotencyKey: idempotency?.key ?? '',
    operationHash:
      idempotency === undefined ? new Uint8Array() : hexToBytes(idempotency.operationHash, 'base16'),
  }
  switch (operation.kind) {
    case 'declare':
      return {
        ...base,
        declare: {
          writes: writesToWire[operation.rules.writes],
          writersListed: operation.rules.writers !== null,
          writers: (operation.rules.writers ?? []).map((key) => hexToBytes(key, 'base16')),
        },
      }
    case 'map-set':
      return { ...base, mapSetValue: value(operation.value) }
    case 'map-delete':
      return { ...base, mapDelete: true }
    case 'map-conditional':
      return { ...base, ...conditionToWire(operation.condition) }
    case 'set-add':
      return { ...base, setAdd: value(operation.element) }
    case 'set-delete':
      return { ...base, setDelete: value(operation.element) }
    case 'register-set':
      return { ...base, registerSet: value(operation.value) }
  }
}

function conditionToWire(condition: Condition): Partial<pb.DataOperation> {
  switch (condition.kind) {
    case 'compare-and-set':
      return {
        compareAndSet: {
          expectedPresent: condition.expected !== undefined,
          expected: condition.expected === undefined ? new Uint8Array() : value(condition.expected),
          next: value(condition.next),
        },
      }
    case 'insert-if-absent':
      return { insertIfAbsent: value(condition.value) }
    case 'increment':
      return {
        increment: {
          by: condition.by,
          ...(condition.min === undefined ? {} : { min: condition.min }),
          ...(condition.max === undefined ? {} : { max: condition.max }),
        },
      }
  }
}

function operationFromWire(wire: pb.DataOperation, limits: OperationDecodeLimits): StrongOperation {
  if (wire.collection.length === 0 || wire.collection.length > limits.idLengthMax)
    throw new MalformedOperationError('a collection name is 1 to idLengthMax characters')
  const kind = (['map', 'set', 'register'] as const).find((name) => kindToWire[name] === wire.collectionKind)
  if (kind === undefined) throw new MalformedOperationError('unknown collection kind')
  const collection: CollectionRef = { kind, name: wire.collection }
  const operation = dataOperationFromWire(wire, collection)
  if (operation.kind !== 'declare' && operation.kind.startsWith('map') !== (kind === 'map'))
    throw new MalformedOperationError('a map operation on another kind of collection, or the reverse')
  if (operation.kind.startsWith('set') && kind !== 'set')
    throw new MalformedOperationError('a set operation off a set')
  if (operation.kind === 'register-set' && kind !== 'register')
    throw new MalformedOperationError('a register operation off a register')
  if (wire.idempotencyKey.length === 0) {
    if (wire.operationHash.length > 0) throw new MalformedOperationError('an operation hash without a key')
    return { operation }
  }
  if (wire.operationHash.length !== 32) throw new MalformedOperationError('an operation hash is 32 bytes')
  return {
    operation,
    idempotency: { key: wire.idempotencyKey, operationHash: bytesToHex(wire.operationHash, 'base16') },
  }
}

function dataOperationFromWire(wire: pb.DataOperation, collection: CollectionRef): DataOperation {
  const key = wire.key
  if (wire.declare) return { kind: 'declare', collection, rules: rulesFromWire(wire.declare) }
  if (wire.mapSetValue) return { kind: 'map-set', collection, key, value: valueFrom(wire.mapSetValue) }
  if (wire.mapDelete) return { kind: 'map-delete', collection, key }
  if (wire.compareAndSet) {
    const cas = wire.compareAndSet
    if (!cas.expectedPresent && cas.expected.length > 0)
      throw new MalformedOperationError('an absent expected value')
    return {
      kind: 'map-conditional',
      collection,
      key,
      condition: {
        kind: 'compare-and-set',
        expected: cas.expectedPresent ? valueFrom(cas.expected) : undefined,
        next: valueFrom(cas.next),
      },
    }
  }
  if (wire.insertIfAbsent) {
    return {
      kind: 'map-conditional',
      collection,
      key,
      condition: { kind: 'insert-if-absent', value: valueFrom(wire.insertIfAbsent) },
    }
  }
  if (wire.increment) {
    const { by, min, max } = wire.increment
    for (const number of [by, min, max]) {
      if (number !== undefined && !Number.isFinite(number))
        throw new MalformedOperationError('a number is not finite')
    }
    return {
      kind: 'map-conditional',
      collection,
      key,
      condition: {
        kind: 'increment',
        by,
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
      },
    }
  }
  if (wire.setAdd) return { kind: 'set-add', collection, element: valueFrom(wire.setAdd) }
  if (wire.setDelete) return { kind: 'set-delete', collection, element: valueFrom(wire.setDelete) }
  if (wire.registerSet) return { kind: 'register-set', collection, value: valueFrom(wire.registerSet) }
  throw new MalformedOperationError('no operation')
}

function rulesFromWire(wire: pb.Declare): CollectionRules {
  const writes = (['both', 'strong', 'eventual'] as const).find((name) => writesToWire[name] === wire.writes)
  if (writes === undefined) throw new MalformedOperationError('unknown writes rule')
  if (!wire.writersListed) {
    if (wire.writers.length > 0) throw new MalformedOperationError('writers listed but not marked so')
    return { writes, writers: null }
  }
  return {
    writes,
    writers: wire.writers.map((bytes) => {
      const key = bytesToHex(bytes, 'base16')
      if (invalidWriterKey(key) !== null || bytes.length !== 32)
        throw new MalformedOperationError('a writer key is 32 bytes')
      return key as WriterKey
    }),
  }
}

function value(input: Value): Uint8Array<ArrayBuffer> {
  return encodeValue(input) as Uint8Array<ArrayBuffer>
}

function valueFrom(bytes: Uint8Array): Value {
  try {
    return decodeValue(bytes)
  } catch (error) {
    throw new MalformedOperationError('invalid value', { cause: error })
  }
}

function safe(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new MalformedOperationError('a stamp part is not a safe integer')
  return value
}
