/**
 * The dedup header RaftNode puts in front of every proposed command, so that the apply path can
 * recognise a retried proposal and apply it exactly once (Raft thesis §6.3). It is a header, not
 * an envelope: nothing is sealed or signed (that is `@tandem/envelope`'s job). Hand-written rather than
 * protobuf because it sits on the hot path of every write:
 *
 *     byte     version (1)
 *     varint   client id length in bytes (≤ 255)
 *     bytes    client id, UTF-8
 *     varint   sequence number (< 2^53)
 *     varint   floor: every sequence below it has been answered to the client (< 2^53)
 *     bytes    the command, to the end
 *
 * A ConfChange entry carries the same header, without a command, in the change's `context`.
 */

import { varintLength, writeVarint } from '@tandem/base'
import { fromString } from 'uint8arrays/from-string'
import { toString as bytesToString } from 'uint8arrays/to-string'

const DEDUP_HEADER_VERSION = 1
const CLIENT_ID_BYTES_MAX = 255

/** Who proposed a command, and which of its proposals this is. */
export interface ProposalIdentity {
  readonly clientId: string
  readonly sequence: number
  /** Every sequence of this client below `floor` has been answered; the session may forget them. */
  readonly floor: number
}

/** A command behind its decoded dedup header. */
export interface HeaderedCommand extends ProposalIdentity {
  readonly command: Uint8Array
}

/** Encodes a client id once, so that a proposer can reuse the bytes for every command. */
export function encodeClientId(clientId: string): Uint8Array {
  const bytes = fromString(clientId, 'utf8')
  if (bytes.length === 0 || bytes.length > CLIENT_ID_BYTES_MAX) {
    throw new RangeError(`client id must be 1 to ${CLIENT_ID_BYTES_MAX} bytes of UTF-8`)
  }
  return bytes
}

// Small typed arrays each own an ArrayBuffer, which is costly to create and to collect; headers
// are carved out of shared slabs instead. A slab lives as long as any header in it (they are
// dropped together when the log is compacted).
const SLAB_BYTES = 64 * 1024
let slab = new Uint8Array(SLAB_BYTES)
let slabUsed = 0

function allocate(length: number): Uint8Array {
  if (length > SLAB_BYTES / 4) return new Uint8Array(length)
  if (slabUsed + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    slabUsed = 0
  }
  const out = slab.subarray(slabUsed, slabUsed + length)
  slabUsed += length
  return out
}

/** Puts the dedup header in front of `command` (which may be empty, for a conf change's context). */
export function encodeDedupHeader(
  clientIdBytes: Uint8Array,
  sequence: number,
  floor: number,
  command: Uint8Array,
): Uint8Array {
  const length = 1 + 1 + clientIdBytes.length + varintLength(sequence) + varintLength(floor) + command.length
  const out = allocate(length)
  out[0] = DEDUP_HEADER_VERSION
  out[1] = clientIdBytes.length
  out.set(clientIdBytes, 2)
  let at = writeVarint(out, 2 + clientIdBytes.length, sequence)
  at = writeVarint(out, at, floor)
  out.set(command, at)
  return out
}

/** Reads a varint at `at`; returns [value, next offset] or null when malformed or beyond 2^53. */
function readVarint(bytes: Uint8Array, at: number): [number, number] | null {
  let value = 0
  let scale = 1
  for (let i = 0; i < 8; i++) {
    const byte = bytes[at++]
    if (byte === undefined) return null
    value += (byte & 0x7f) * scale
    if (byte < 0x80) return Number.isSafeInteger(value) ? [value, at] : null
    scale *= 0x80
  }
  return null
}

// Entries come from few clients: remember the last decoded ids to skip UTF-8 decoding per entry.
const CLIENT_ID_CACHE_SIZE = 16
const cachedIdBytes: Uint8Array[] = []
const cachedIds: string[] = []
let cacheNext = 0

function cachedClientId(bytes: Uint8Array, start: number, length: number): string {
  for (let slot = 0; slot < cachedIdBytes.length; slot++) {
    const candidate = cachedIdBytes[slot] as Uint8Array
    if (candidate.length !== length) continue
    let same = true
    for (let i = 0; i < length; i++) {
      if (candidate[i] !== bytes[start + i]) {
        same = false
        break
      }
    }
    if (same) return cachedIds[slot] as string
  }
  const idBytes = bytes.slice(start, start + length)
  // Invalid UTF-8 decodes to replacement characters, identically on every node.
  const clientId = bytesToString(idBytes, 'utf8')
  cachedIdBytes[cacheNext] = idBytes
  cachedIds[cacheNext] = clientId
  cacheNext = (cacheNext + 1) % CLIENT_ID_CACHE_SIZE
  return clientId
}

/** Decodes a dedup header and the command after it; `null` when `bytes` has no valid header (the entry is then skipped on every node alike). */
export function decodeDedupHeader(bytes: Uint8Array): HeaderedCommand | null {
  if (bytes.length < 4 || bytes[0] !== DEDUP_HEADER_VERSION) return null
  const idLength = bytes[1] as number
  if (idLength === 0 || 2 + idLength > bytes.length) return null
  const clientId = cachedClientId(bytes, 2, idLength)
  const sequence = readVarint(bytes, 2 + idLength)
  if (sequence === null) return null
  const floor = readVarint(bytes, sequence[1])
  if (floor === null) return null
  return { clientId, sequence: sequence[0], floor: floor[0], command: bytes.subarray(floor[1]) }
}
