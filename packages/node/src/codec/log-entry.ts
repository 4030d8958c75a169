/**
 * The wire form of a Raft entry's bytes (schema in `proto/node.proto`): a versioned list of items,
 * each a signed control entry or a sealed strong batch (see `core/log-items.ts`). Decoding is the
 * public half of apply, run by keyed and keyless nodes alike, so everything it rejects it rejects on
 * every node: size and count limits, the version, raw key and incarnation lengths, safe integers, and
 * every control operation in full (through the control codec). A strong batch's sealed payload is
 * left to the opener.
 */
import { fromString as hexToBytes } from 'uint8arrays'
import type { DecodedLogItem, LogItem, SealedStrongBatchHeader } from '../core/log-items.js'
import { MalformedOperationError } from '../errors.js'
import * as pb from '../proto/node.js'
import { decodeControlOperation, encodeControlOperation } from './control-codec.js'
import { defaultOperationDecodeLimits, type OperationDecodeLimits } from './limits.js'
import { count, incarnation, writerKey } from './wire-fields.js'

/** The version every encoded log entry carries. */
export const logEntryVersion = 1

/** Encodes a strong batch header: the bytes its writer signs. */
export function encodeStrongBatchHeader(header: SealedStrongBatchHeader): Uint8Array {
  return pb.StrongBatchHeader.encode({
    key: hexToBytes(header.key, 'base16'),
    incarnation: hexToBytes(header.incarnation, 'base16'),
    sequence: header.sequence,
    floor: header.floor,
    epoch: header.epoch,
  })
}

/** Encodes the items of one Raft entry. */
export function encodeLogEntry(items: readonly LogItem[]): Uint8Array {
  return pb.LogEntry.encode({
    version: logEntryVersion,
    items: items.map((item) =>
      item.kind === 'control'
        ? {
            control: {
              signer: hexToBytes(item.signer, 'base16'),
              operation: encodeControlOperation(item.operation) as Uint8Array<ArrayBuffer>,
              signature: item.signature as Uint8Array<ArrayBuffer>,
            },
          }
        : {
            strong: {
              header: encodeStrongBatchHeader(item.header) as Uint8Array<ArrayBuffer>,
              signature: item.signature as Uint8Array<ArrayBuffer>,
              sealed: item.sealed as Uint8Array<ArrayBuffer>,
            },
          },
    ),
  })
}

/** Decodes and validates the items of one Raft entry from untrusted bytes. */
export function decodeLogEntry(
  bytes: Uint8Array,
  limits: Partial<OperationDecodeLimits> = {},
): DecodedLogItem[] {
  const bounds = { ...defaultOperationDecodeLimits, ...limits }
  if (!(bytes instanceof Uint8Array)) throw new MalformedOperationError('input is not bytes')
  if (bytes.length > bounds.entryBytesMax) throw new MalformedOperationError('log entry too large')
  let wire: pb.LogEntry
  try {
    wire = pb.LogEntry.decode(bytes, { limits: { items: bounds.entryItemsMax } })
  } catch (error) {
    throw new MalformedOperationError('invalid protobuf', { cause: error })
  }
  if (wire.version !== logEntryVersion) throw new MalformedOperationError('unsupported log entry version')
  return wire.items.map((item): DecodedLogItem => {
    if (item.control !== undefined) {
      const { signer, operation, signature } = item.control
      return {
        kind: 'control',
        signer: writerKey(signer),
        operation: decodeControlOperation(operation, bounds),
        signature,
        signed: operation,
      }
    }
    if (item.strong !== undefined) {
      const { header, signature, sealed } = item.strong
      return { kind: 'strong', header: decodeStrongBatchHeader(header), signature, sealed, signed: header }
    }
    throw new MalformedOperationError('an empty log item')
  })
}

function decodeStrongBatchHeader(bytes: Uint8Array): SealedStrongBatchHeader {
  let wire: pb.StrongBatchHeader
  try {
    wire = pb.StrongBatchHeader.decode(bytes)
  } catch (error) {
    throw new MalformedOperationError('invalid strong batch header', { cause: error })
  }
  return {
    key: writerKey(wire.key),
    incarnation: incarnation(wire.incarnation),
    sequence: count(wire.sequence, 1),
    floor: count(wire.floor, 1),
    epoch: count(wire.epoch, 1),
  }
}
