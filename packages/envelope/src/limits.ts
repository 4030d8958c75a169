import { PROOF_DEPTH_CEILING } from './constants.js'

/**
 * Size limits every decoder enforces before it allocates or hashes anything. Bytes from the
 * network or disk that exceed a limit are rejected with a `MalformedEnvelopeError`.
 *
 * @example
 * ```ts
 * const limits: Partial<EnvelopeLimits> = { payloadBytesMax: 1 << 20, batchEntriesMax: 4096 }
 * ```
 */
export interface EnvelopeLimits {
  /** Largest entry payload (plaintext), in bytes. */
  readonly payloadBytesMax: number
  /** Largest number of entries in one signed batch. */
  readonly batchEntriesMax: number
  /** Deepest Merkle proof accepted (a batch of n entries needs ceil(log2 n)). */
  readonly proofDepthMax: number
  /** Largest plaintext of one snapshot chunk, in bytes. */
  readonly snapshotChunkBytesMax: number
  /** Largest number of chunks in one snapshot manifest. */
  readonly snapshotChunkCountMax: number
  /** Largest number of (writer, stream) records in a replay-guard snapshot. */
  readonly replayRecordsMax: number
}

/**
 * Defaults: 4 MiB payloads, 65,536-entry batches, 4 MiB chunks, 262,144 chunks (1 TiB).
 *
 * @example
 * ```ts
 * defaultLimits.payloadBytesMax // 4 MiB
 * ```
 */
export const defaultLimits: EnvelopeLimits = Object.freeze({
  payloadBytesMax: 4 * 1024 * 1024,
  batchEntriesMax: 65_536,
  proofDepthMax: PROOF_DEPTH_CEILING,
  snapshotChunkBytesMax: 4 * 1024 * 1024,
  snapshotChunkCountMax: 262_144,
  replayRecordsMax: 1_000_000,
})

/** Fills unspecified limits with defaults and checks the given ones are sane. */
export function resolveLimits(partial: Partial<EnvelopeLimits> | undefined): EnvelopeLimits {
  const limits = { ...defaultLimits, ...partial }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`limit ${name} must be a positive integer`)
  }
  if (limits.proofDepthMax > PROOF_DEPTH_CEILING) {
    throw new RangeError(`limit proofDepthMax must be at most ${PROOF_DEPTH_CEILING}`)
  }
  if (limits.batchEntriesMax > 2 ** limits.proofDepthMax) {
    throw new RangeError('limit batchEntriesMax needs proofs deeper than proofDepthMax')
  }
  return Object.freeze(limits)
}
