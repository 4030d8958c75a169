/**
 * Typed errors of the envelope package. Every error has a stable `code`, and none of them ever
 * carries key material, plaintext or ciphertext: messages name only public facts (a field, an
 * epoch number, a sequence number, a short prefix of a writer's public key), so that an error may
 * be logged as it is.
 */
import { TandemError } from '@tandem/base'

/**
 * Base class of every error this package throws on bad input.
 *
 * @example
 * ```ts
 * try { opener.open(stream, bytes) } catch (error) {
 *   if (error instanceof EnvelopeError) log.warn({ code: error.code }, error.message)
 * }
 * ```
 */
export abstract class EnvelopeError extends TandemError {}

/**
 * The bytes are well formed but do not authenticate: a signature, a Merkle proof, a chunk hash or
 * a Poly1305 tag does not match, or the entry was opened under the wrong cluster or stream.
 *
 * @example
 * ```ts
 * expect(() => opener.open(otherStream, sealed)).toThrow(TamperedEntryError)
 * ```
 */
export class TamperedEntryError extends EnvelopeError {
  readonly code = 'ENVELOPE_TAMPERED'
  override readonly name = 'TamperedEntryError'
}

/**
 * The entry or manifest is signed by a public key that is not a registered writer.
 *
 * @example
 * ```ts
 * if (error instanceof UnknownWriterError) peer.penalize()
 * ```
 */
export class UnknownWriterError extends EnvelopeError {
  readonly code = 'ENVELOPE_UNKNOWN_WRITER'
  override readonly name = 'UnknownWriterError'
}

/**
 * The entry was sealed under a revoked key epoch, or by a writer after its revocation point.
 *
 * @example
 * ```ts
 * ring.revokeEpoch(1)
 * expect(() => opener.open(stream, sealedUnderEpoch1)).toThrow(RevokedKeyError)
 * ```
 */
export class RevokedKeyError extends EnvelopeError {
  readonly code = 'ENVELOPE_REVOKED_KEY'
  override readonly name = 'RevokedKeyError'
}

/**
 * The entry's sequence number is not above the highest already accepted for its writer and stream.
 *
 * @example
 * ```ts
 * opener.open(stream, sealed) // first time: fine
 * expect(() => opener.open(stream, sealed)).toThrow(ReplayedEntryError)
 * ```
 */
export class ReplayedEntryError extends EnvelopeError {
  readonly code = 'ENVELOPE_REPLAYED'
  override readonly name = 'ReplayedEntryError'
}

/**
 * The first byte names a format version this code does not read.
 *
 * @example
 * ```ts
 * expect(() => inspectEnvelope(Uint8Array.of(9, 1, 1))).toThrow(UnsupportedVersionError)
 * ```
 */
export class UnsupportedVersionError extends EnvelopeError {
  readonly code = 'ENVELOPE_UNSUPPORTED_VERSION'
  override readonly name = 'UnsupportedVersionError'
}

/**
 * The bytes do not follow the format: wrong length, a field out of range, a size limit exceeded.
 *
 * @example
 * ```ts
 * expect(() => inspectEnvelope(Uint8Array.of(1, 1))).toThrow(MalformedEnvelopeError)
 * ```
 */
export class MalformedEnvelopeError extends EnvelopeError {
  readonly code = 'ENVELOPE_MALFORMED'
  override readonly name = 'MalformedEnvelopeError'
}

/**
 * Opening needs the data key of an epoch this key ring does not hold (and that is not revoked):
 * the entry may be genuine, but this node cannot read it.
 *
 * @example
 * ```ts
 * if (error instanceof UnknownEpochError) await fetchEpochSecret(error.message)
 * ```
 */
export class UnknownEpochError extends EnvelopeError {
  readonly code = 'ENVELOPE_UNKNOWN_EPOCH'
  override readonly name = 'UnknownEpochError'
}
