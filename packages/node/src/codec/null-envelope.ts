/**
 * The null envelope of the pure core's first build step (design.md, build order step 3): sealed
 * bytes are the plain payload and every signature passes. The simulator and the tests run the core
 * with it until sealing lands; nothing outside them may use it, since it accepts forged entries.
 */
import type { BatchOpener } from '../core/committed-state.js'
import type { EntrySignatureCheck } from '../core/log-applier.js'
import type { BatchSignatureCheck } from '../core/public-layer.js'
import { MalformedOperationError } from '../errors.js'
import { WRAPPED_BYTES_MIN } from '../sealing/epoch-wrap.js'
import { decodeEventualPayload } from './eventual-payload.js'
import { decodeStrongPayload } from './strong-payload.js'

/** Opens eventual and strong batches whose `sealed` bytes are their plain payloads. */
export const plaintextBatchOpener: BatchOpener = {
  openEventualBatch(_stream, batch) {
    return reasonOf(() => decodeEventualPayload(batch.sealed))
  },
  openStrongBatch(_header, sealed) {
    return reasonOf(() => decodeStrongPayload(sealed))
  },
}

/** Accepts every control entry, strong batch and folded batch signature, empty ones included. */
export const unverifiedSignatures: EntrySignatureCheck & BatchSignatureCheck = {
  invalidControlReason: () => null,
  invalidStrongBatchReason: () => null,
  invalidBatchReason: () => null,
}

/** The decoded value, or the reason bytes are malformed (the only error a decoder may throw). */
function reasonOf<T>(decode: () => T): T | string {
  try {
    return decode()
  } catch (error) {
    if (error instanceof MalformedOperationError) return error.message
    throw error
  }
}

/**
 * The epoch wrap the null envelope's `init` and `grant` entries carry: zeros of the smallest wrap
 * size. Under the null envelope nothing is encrypted, so there is no secret to wrap; the entries
 * still run through the wrap table's rules, as they do with sealing.
 */
export const NULL_EPOCH_WRAP: Uint8Array = new Uint8Array(WRAPPED_BYTES_MIN)
