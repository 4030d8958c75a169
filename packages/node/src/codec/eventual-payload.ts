/**
 * The payload of an eventual batch: the writer's deltas in order, each in `@tandem/crdt`'s delta
 * encoding. Sealing wraps these bytes; the null envelope (`null-envelope.ts`) reads them unsealed.
 */
import { type Delta, decodeDelta, encodeDelta } from '@tandem/crdt'
import { MalformedOperationError } from '../errors.js'
import * as pb from '../proto/node.js'
import { defaultOperationDecodeLimits, type OperationDecodeLimits } from './limits.js'

/** The version every encoded eventual payload carries. */
export const eventualPayloadVersion = 1

/** The most deltas one eventual batch may carry. */
export const EVENTUAL_BATCH_DELTAS_MAX = 65_536

/** Encodes the deltas of one eventual batch. */
export function encodeEventualPayload(deltas: readonly Delta[]): Uint8Array {
  return pb.EventualBatchPayload.encode({
    version: eventualPayloadVersion,
    deltas: deltas.map((delta) => encodeDelta(delta) as Uint8Array<ArrayBuffer>),
  })
}

/** Decodes an eventual batch's deltas from untrusted bytes, with limits, into typed errors. */
export function decodeEventualPayload(
  bytes: Uint8Array,
  limits: Partial<OperationDecodeLimits> = {},
): Delta[] {
  const bounds = { ...defaultOperationDecodeLimits, ...limits }
  if (bytes.length > bounds.operationBytesMax) throw new MalformedOperationError('eventual payload too large')
  let wire: pb.EventualBatchPayload
  try {
    wire = pb.EventualBatchPayload.decode(bytes, { limits: { deltas: EVENTUAL_BATCH_DELTAS_MAX } })
  } catch (error) {
    throw new MalformedOperationError('invalid protobuf', { cause: error })
  }
  if (wire.version !== eventualPayloadVersion)
    throw new MalformedOperationError('unsupported payload version')
  return wire.deltas.map((delta) => {
    try {
      return decodeDelta(delta)
    } catch (error) {
      throw new MalformedOperationError('invalid delta', { cause: error })
    }
  })
}
