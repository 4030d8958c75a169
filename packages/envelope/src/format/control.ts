import { readU32 } from '../bytes.js'
import { KIND_CONTROL, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../constants.js'
import { MalformedEnvelopeError } from '../errors.js'
import type { EnvelopeLimits } from '../limits.js'
import { checkVersion } from './entry.js'

/**
 * Byte layout of a signed control entry, format version 1 (all integers big-endian):
 *
 * | offset  | bytes | field |
 * |---------|-------|-------|
 * | 0       | 1     | format version = 1 |
 * | 1       | 1     | kind = 5 (control entry) |
 * | 2       | 2     | reserved, 0 |
 * | 4       | 32    | signer's Ed25519 public key |
 * | 36      | 4     | content length n |
 * | 40      | n     | content (plaintext, the caller's bytes) |
 * | 40 + n  | 64    | Ed25519 signature of the control statement |
 */
export const CONTROL_OFFSET = {
  version: 0,
  kind: 1,
  reserved: 2,
  signer: 4,
  contentLength: 36,
  content: 40,
} as const

/** Bytes before the content. */
export const CONTROL_HEADER_BYTES = 40

/** Total length of a control entry with `contentBytes` of content. */
export function controlBytes(contentBytes: number): number {
  return CONTROL_HEADER_BYTES + contentBytes + SIGNATURE_BYTES
}

/** The fields of a decoded control entry. Byte fields are views into the input, not copies. */
export interface ControlFields {
  readonly signer: Uint8Array
  /** `bytes[0 .. 40)`: the fixed fields the statement covers. */
  readonly head: Uint8Array
  readonly content: Uint8Array
  readonly signature: Uint8Array
}

/**
 * Decodes and checks a control entry's structure — lengths, reserved bytes, limits — without any
 * cryptography. Throws `UnsupportedVersionError` or `MalformedEnvelopeError`.
 */
export function decodeControl(bytes: Uint8Array, limits: EnvelopeLimits): ControlFields {
  checkVersion(bytes, 'control entry')
  if (bytes.length < controlBytes(0)) {
    throw new MalformedEnvelopeError(
      `control entry of ${bytes.length} bytes is shorter than the fixed fields`,
    )
  }
  if (bytes[CONTROL_OFFSET.kind] !== KIND_CONTROL) throw new MalformedEnvelopeError('not a control entry')
  if (bytes[CONTROL_OFFSET.reserved] !== 0 || bytes[CONTROL_OFFSET.reserved + 1] !== 0) {
    throw new MalformedEnvelopeError('reserved bytes of a control entry are not zero')
  }
  const contentBytes = readU32(bytes, CONTROL_OFFSET.contentLength)
  if (contentBytes > limits.controlContentBytesMax) {
    throw new MalformedEnvelopeError(`control content of ${contentBytes} bytes exceeds the limit`)
  }
  const signatureOffset = CONTROL_HEADER_BYTES + contentBytes
  if (bytes.length !== signatureOffset + SIGNATURE_BYTES) {
    throw new MalformedEnvelopeError(`control entry length ${bytes.length} does not match its fields`)
  }
  return {
    signer: bytes.subarray(CONTROL_OFFSET.signer, CONTROL_OFFSET.signer + PUBLIC_KEY_BYTES),
    head: bytes.subarray(0, CONTROL_HEADER_BYTES),
    content: bytes.subarray(CONTROL_HEADER_BYTES, signatureOffset),
    signature: bytes.subarray(signatureOffset, signatureOffset + SIGNATURE_BYTES),
  }
}
