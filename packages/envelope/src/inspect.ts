import { TAG_BYTES } from './constants.js'
import { decodeEntry } from './format/entry.js'
import { type EnvelopeLimits, resolveLimits } from './limits.js'
import { type MerkleHashName, merkleHashNameById } from './merkle.js'

/**
 * The public header of a sealed entry, as read without any key. Nothing here is verified.
 *
 * @example
 * ```ts
 * const info: EnvelopeInfo = inspectEnvelope(envelope)
 * ```
 */
export interface EnvelopeInfo {
  readonly version: number
  readonly merkleHash: MerkleHashName
  readonly epoch: number
  /** Copy of the writer's public key. */
  readonly writer: Uint8Array
  readonly sequence: number
  readonly leafIndex: number
  readonly batchSize: number
  readonly proofDepth: number
  readonly payloadBytes: number
  readonly envelopeBytes: number
}

/**
 * Decodes an envelope's structure (lengths, ranges, limits) without any cryptography, e.g. to
 * route or index an entry before verifying it. Throws `UnsupportedVersionError` or
 * `MalformedEnvelopeError` on bad bytes.
 *
 * @example
 * ```ts
 * const { writer, sequence, epoch, batchSize } = inspectEnvelope(envelope)
 * ```
 */
export function inspectEnvelope(envelope: Uint8Array, limits?: Partial<EnvelopeLimits>): EnvelopeInfo {
  const header = decodeEntry(envelope, resolveLimits(limits))
  return {
    version: envelope[0] as number,
    merkleHash: merkleHashNameById(header.hashId),
    epoch: header.epoch,
    writer: header.writer.slice(),
    sequence: header.sequence,
    leafIndex: header.leafIndex,
    batchSize: header.batchSize,
    proofDepth: header.proofDepth,
    payloadBytes: header.ciphertextBytes - TAG_BYTES,
    envelopeBytes: envelope.length,
  }
}
