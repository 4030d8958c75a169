/**
 * The names of the hybrid node (design.md, "Identities"). Every name is a plain string in a fixed,
 * parseable form, branded so that a member id cannot be passed where a writer key is expected.
 *
 * - Raft member id = peer id ‖ storeId: a wiped data directory draws a new storeId, so a node never
 *   votes under an id whose hard state it lacks.
 * - Writer key = the node's Ed25519 public key (hex). Standing, revocation and collection `writers`
 *   refer to the key, not to the member id.
 * - Incarnation = a random 128-bit id drawn at every start (hex).
 * - Stream id = key ‖ incarnation ‖ n, n counting dot rollovers; it is also the CRDT id of the
 *   stream's writes.
 */
import { assert } from '@tandem/base'

/** A Raft member id: `<peer id>/<store id>`. */
export type MemberId = string & { readonly __memberId: true }
/** A writer's Ed25519 public key, 64 lowercase hex characters. */
export type WriterKey = string & { readonly __writerKey: true }
/** A writer incarnation: 32 lowercase hex characters (128 random bits drawn at start). */
export type Incarnation = string & { readonly __incarnation: true }
/** An eventual delta stream (and its CRDT id): `<key>.<incarnation>.<n>`. */
export type StreamId = string & { readonly __streamId: true }

const hex64 = /^[0-9a-f]{64}$/
const hex32 = /^[0-9a-f]{32}$/
const storeIdPattern = /^[0-9a-f]{16}$/
const peerIdPattern = /^[1-9A-HJ-NP-Za-km-z]{20,128}$/

/** Largest dot a stream uses before it rolls over to n + 1 (design.md: before dots reach 2^31). */
export const streamDotsMax = 2 ** 31 - 1

/** Why `value` is not a member id, or `null` if it is one. */
export function invalidMemberId(value: string): string | null {
  const slash = value.indexOf('/')
  if (slash < 0) return 'a member id is <peer id>/<store id>'
  if (!peerIdPattern.test(value.slice(0, slash))) return 'the peer id part is not a base58 peer id'
  if (!storeIdPattern.test(value.slice(slash + 1))) return 'the store id part is not 16 hex characters'
  return null
}

/** Builds a member id from a peer id and a store id. */
export function memberId(peerId: string, storeId: string): MemberId {
  const id = `${peerId}/${storeId}`
  const reason = invalidMemberId(id)
  assert(reason === null, `memberId: ${reason}`)
  return id as MemberId
}

/** The peer id part of a member id: what the transport authenticates. */
export function peerIdOf(member: MemberId): string {
  return member.slice(0, member.indexOf('/'))
}

/** Why `value` is not a writer key, or `null`. */
export function invalidWriterKey(value: string): string | null {
  return hex64.test(value) ? null : 'a writer key is 64 lowercase hex characters'
}

/** Why `value` is not an incarnation, or `null`. */
export function invalidIncarnation(value: string): string | null {
  return hex32.test(value) ? null : 'an incarnation is 32 lowercase hex characters'
}

/** Builds a stream id; `rollover` is n, the count of dot rollovers of this incarnation. */
export function streamId(key: WriterKey, incarnation: Incarnation, rollover: number): StreamId {
  assert(Number.isSafeInteger(rollover) && rollover >= 0, 'streamId: rollover must be a non-negative integer')
  return `${key}.${incarnation}.${rollover}` as StreamId
}

/** The parts of a stream id, or `null` when it is not one. */
export function parseStreamId(
  value: string,
): { readonly key: WriterKey; readonly incarnation: Incarnation; readonly rollover: number } | null {
  const parts = value.split('.')
  if (parts.length !== 3) return null
  const [key, incarnation, rolloverText] = parts as [string, string, string]
  if (invalidWriterKey(key) !== null || invalidIncarnation(incarnation) !== null) return null
  if (!/^(0|[1-9][0-9]{0,14})$/.test(rolloverText)) return null
  return { key: key as WriterKey, incarnation: incarnation as Incarnation, rollover: Number(rolloverText) }
}

/**
 * The CRDT id under which strong writes are stamped at apply: `log.<⌊k / 2^31⌋>`, k counting strong
 * operations, so a dense counter never overflows a dot.
 */
export function strongCrdtId(strongOperationCount: number): string {
  assert(Number.isSafeInteger(strongOperationCount) && strongOperationCount >= 0, 'strongCrdtId: bad count')
  return `log.${Math.floor(strongOperationCount / 2 ** 31)}`
}

/** Whether a CRDT id is one strong writes are stamped under (`log.<n>`, see {@link strongCrdtId}). */
export function isStrongCrdtId(id: string): boolean {
  return id.startsWith('log.')
}

/**
 * A write's id (design.md, "Batches"): (stream or strong session, sequence, index within the batch).
 * Eventual: `<stream id>/<sequence>/<position>`; strong: `<key>.<incarnation>.strong/<sequence>/<position>`.
 */
export type WriteId = string & { readonly __writeId: true }

/** The id of write `position` (from 0) of eventual batch `sequence` of `stream`. */
export function eventualWriteId(stream: StreamId, sequence: number, position: number): WriteId {
  return `${stream}/${sequence}/${position}` as WriteId
}

/** The id of operation `position` (from 0) of strong batch `sequence` of (key, incarnation). */
export function strongWriteId(
  key: WriterKey,
  incarnation: Incarnation,
  sequence: number,
  position: number,
): WriteId {
  return `${key}.${incarnation}.strong/${sequence}/${position}` as WriteId
}
