/**
 * The signed public headers of sealed batches, and the fixed layout of the envelope's signed control
 * entries (design.md, "Batches and the two layers of C"). A strong batch's header is the log-entry
 * format's `StrongBatchHeader` (`encodeStrongBatchHeader`); an eventual batch's header, defined here,
 * names its stream and sequence. The two cannot pass for each other: an eventual header starts with
 * a byte no protobuf message can start with, and a strong header must be the canonical encoding of
 * the header the log entry states.
 */
import { utf8Encode } from '@tandem/base'
import { FORMAT_VERSION } from '@tandem/envelope'
import type { StreamId } from '../core/ids.js'

/**
 * First byte of an eventual batch header: a protobuf tag of wire type 7, which no protobuf decoder
 * accepts, so an eventual header never decodes as a strong one.
 */
export const EVENTUAL_HEADER_MAGIC = 0x07
/** The eventual header layout's version. */
export const eventualHeaderVersion = 1
/** Bytes of an Ed25519 signature: the last bytes of every sealed batch and control entry. */
export const SIGNATURE_BYTES = 64
/** Bytes of an Ed25519 public key. */
export const PUBLIC_KEY_BYTES = 32

/** The envelope's control entry kind (its format version 1, byte 1). */
const CONTROL_KIND = 5
/** Version, kind, two reserved bytes, the signer's key and the content length. */
const CONTROL_HEADER_BYTES = 4 + PUBLIC_KEY_BYTES + 4

/**
 * Encodes an eventual batch's public header: magic ‖ version ‖ sequence (8 bytes, big-endian) ‖
 * len(stream) (1) ‖ stream (ASCII). The epoch travels in the envelope, signed with it.
 *
 * @example
 * ```ts
 * const header = encodeEventualBatchHeader(streamId(key, incarnation, 0), 7)
 * header[0] === EVENTUAL_HEADER_MAGIC // true
 * ```
 */
export function encodeEventualBatchHeader(stream: StreamId, sequence: number): Uint8Array {
  const text = utf8Encode(stream)
  if (text.length > 255) throw new RangeError('a stream id is at most 255 bytes')
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw new RangeError('a sequence is a positive safe integer')
  const bytes = new Uint8Array(2 + 8 + 1 + text.length)
  bytes[0] = EVENTUAL_HEADER_MAGIC
  bytes[1] = eventualHeaderVersion
  new DataView(bytes.buffer).setBigUint64(2, BigInt(sequence))
  bytes[10] = text.length
  bytes.set(text, 11)
  return bytes
}

/** The trailing signature of a sealed batch or control entry (a copy), or `null` when too short. */
export function trailingSignature(bytes: Uint8Array): Uint8Array | null {
  return bytes.length < SIGNATURE_BYTES ? null : bytes.slice(bytes.length - SIGNATURE_BYTES)
}

/**
 * Rebuilds the envelope's control entry (format version 1) from the three fields a log item carries
 * apart — signer, content, signature — so that `ControlVerifier` checks exactly what was signed.
 */
export function controlEntryBytes(
  signer: Uint8Array,
  content: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const entry = new Uint8Array(CONTROL_HEADER_BYTES + content.length + signature.length)
  entry[0] = FORMAT_VERSION
  entry[1] = CONTROL_KIND
  entry.set(signer, 4)
  new DataView(entry.buffer).setUint32(4 + PUBLIC_KEY_BYTES, content.length)
  entry.set(content, CONTROL_HEADER_BYTES)
  entry.set(signature, CONTROL_HEADER_BYTES + content.length)
  return entry
}

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
