import { PROOF_DEPTH_CEILING, TAG_BYTES } from './constants.js'

/** Largest value of a 32-bit length field. */
const LENGTH_FIELD_MAX = 0xffff_ffff

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
  /** Largest public header of a sealed batch (`BatchSealer`), in bytes. */
  readonly batchHeaderBytesMax: number
  /** Largest payload (plaintext) of a sealed batch, in bytes. */
  readonly batchPayloadBytesMax: number
  /** Largest content of a signed control entry (`ControlSigner`), in bytes. */
  readonly controlContentBytesMax: number
}

/**
 * Defaults: 4 MiB payloads, 65,536-entry batches, 4 MiB chunks, 262,144 chunks (1 TiB); sealed
 * batches with headers up to 64 KiB and payloads up to 64 MiB; control entries up to 64 MiB (the
 * node's own operation decoders stop at 64 MiB too).
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
  batchHeaderBytesMax: 64 * 1024,
  batchPayloadBytesMax: 64 * 1024 * 1024,
  controlContentBytesMax: 64 * 1024 * 1024,
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
  // Lengths travel as 32-bit fields; a ciphertext adds its 16-byte tag to the payload.
  for (const name of ['batchHeaderBytesMax', 'batchPayloadBytesMax', 'controlContentBytesMax'] as const) {
    if (limits[name] > LENGTH_FIELD_MAX - TAG_BYTES) {
      throw new RangeError(`limit ${name} must be at most ${LENGTH_FIELD_MAX - TAG_BYTES}`)
    }
  }
  if (limits.batchEntriesMax > 2 ** limits.proofDepthMax) {
    throw new RangeError('limit batchEntriesMax needs proofs deeper than proofDepthMax')
  }
  return Object.freeze(limits)
}
