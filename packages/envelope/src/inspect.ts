import { TAG_BYTES } from './constants.js'
import { decodeEntry } from './format/entry.js'
import { decodeSealedBatch } from './format/sealed-batch.js'
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

/**
 * The public fields of a sealed batch, as read without any key. Nothing here is verified.
 *
 * @example
 * ```ts
 * const info: SealedBatchInfo = inspectSealedBatch(sealed)
 * ```
 */
export interface SealedBatchInfo {
  readonly version: number
  readonly epoch: number
  /** Copy of the writer's public key. */
  readonly writer: Uint8Array
  /** The public header: a view into the sealed bytes. */
  readonly header: Uint8Array
  readonly payloadBytes: number
  readonly sealedBytes: number
}

/**
 * Decodes a sealed batch's structure (lengths, reserved bytes, limits) without any cryptography,
 * e.g. to read back the sequence a node put in the header of a batch it wrote to its own log.
 * Throws `UnsupportedVersionError` or `MalformedEnvelopeError` on bad bytes. Bytes from anyone else
 * must go through `BatchVerifier.verifyBatch` before their header is believed.
 *
 * @example
 * ```ts
 * const { header, epoch } = inspectSealedBatch(sealedFromMyOwnLog)
 * ```
 */
export function inspectSealedBatch(sealed: Uint8Array, limits?: Partial<EnvelopeLimits>): SealedBatchInfo {
  const fields = decodeSealedBatch(sealed, resolveLimits(limits))
  return {
    version: sealed[0] as number,
    epoch: fields.epoch,
    writer: fields.writer.slice(),
    header: fields.header,
    payloadBytes: fields.ciphertext.length - TAG_BYTES,
    sealedBytes: sealed.length,
  }
}
