/**
 * The hash an idempotency key is stored with (design.md, "Sessions and outcomes"): C answers a retry
 * under the same key with the original result only if the retry carries the same operation, and
 * refuses the key with any other. The hash is SHA-256 over the operation's wire encoding — the strong
 * payload codec's, with values in crdt's canonical value encoding (object keys sorted) — so an app
 * that rebuilds an equal value after a restart, in whatever key order, gets the same hash.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { toString as bytesToHex } from 'uint8arrays'
import { encodeStrongPayload } from '../codec/strong-payload.js'
import type { DataOperation } from '../core/data-operations.js'

/** A stamp that never varies, so only the operation reaches the hash. */
const FIXED_STAMP = Object.freeze({ wallMs: 0, logical: 0 })

/** The hex SHA-256 of `operation`'s canonical encoding. */
export function operationHash(operation: DataOperation): string {
  return bytesToHex(
    sha256(encodeStrongPayload({ stamp: FIXED_STAMP, operations: [{ operation }] })),
    'base16',
  )
}
