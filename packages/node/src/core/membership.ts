/**
 * Members, their keys and their standing as writers: part of C's public layer (design.md,
 * "Identities", "Leaving and revocation", "Joining"). Raft's own configuration says who votes; this
 * record says, for every member id, which writer key it carries and whether it is keyed (holds epoch
 * keys), and for every writer key, the log index from which it may write and, once removed or
 * revoked, the index from which it may not. Strong entries are judged by the writer's standing at
 * their log index, whatever epoch they declare.
 *
 * Rules enforced at apply (each returns a refusal reason rather than throwing: a refused membership
 * entry is an ordinary outcome, identical on every node):
 * - a storeId that was ever a member is never admitted again (a wiped directory joins under a new
 *   one), so no node votes under an id whose hard state it lacks;
 * - an AddLearner never demotes a voter;
 * - a key's standing ends at its removal (unless another current member id carries the same key) or
 *   its revocation, and never comes back for that key.
 */
import { assert } from '@tandem/base'
import { fromString as decodeText, toString as encodeText } from 'uint8arrays'
import type { MemberId, WriterKey } from './ids.js'

/** One member as C records it. */
export interface MemberRecord {
  readonly id: MemberId
  readonly key: WriterKey
  readonly keyed: boolean
  readonly voter: boolean
}

/** A writer key's standing: writes are accepted at log indexes in [admittedAt, endedAt). */
export interface WriterStanding {
  readonly admittedAtIndex: number
  readonly endedAtIndex: number | null
  readonly revoked: boolean
}

/** The members and writer keys of C's public layer. */
export class Membership {
  readonly #members = new Map<MemberId, MemberRecord>()
  readonly #everStoreIds = new Set<string>()
  readonly #writers = new Map<WriterKey, WriterStanding>()

  /** The current members, sorted by id. */
  members(): MemberRecord[] {
    return [...this.#members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** The current voters, sorted by id. */
  voters(): MemberId[] {
    return this.members()
      .filter((member) => member.voter)
      .map((member) => member.id)
  }

  /** One member, if current. */
  member(id: MemberId): MemberRecord | undefined {
    return this.#members.get(id)
  }

  /** Founds the cluster: the first voter, keyed, admitted at `index` (the `init` entry). */
  bootstrap(id: MemberId, key: WriterKey, index: number): string | null {
    if (this.#members.size > 0 || this.#everStoreIds.size > 0) return 'the cluster is already bootstrapped'
    this.#admit({ id, key, keyed: true, voter: true }, index)
    return null
  }

  /** Applies an AddLearner at `index`; a reason when refused. */
  addLearner(id: MemberId, key: WriterKey, keyed: boolean, index: number): string | null {
    const existing = this.#members.get(id)
    if (existing !== undefined) {
      if (existing.voter) return 'an AddLearner never demotes a voter'
      if (existing.key !== key || existing.keyed !== keyed)
        return 'the member exists with another key or keyed flag'
      return null // idempotent by content
    }
    if (this.#everStoreIds.has(storeIdOf(id)))
      return 'this storeId was a member before: join again under a new one'
    const standing = this.#writers.get(key)
    if (standing?.revoked === true) return 'the key is revoked'
    this.#admit({ id, key, keyed, voter: false }, index)
    return null
  }

  /** Applies a promotion of a learner to voter; a reason when refused. */
  promote(id: MemberId): string | null {
    const member = this.#members.get(id)
    if (member === undefined) return 'not a member'
    if (member.voter) return null // idempotent
    this.#members.set(id, { ...member, voter: true })
    return null
  }

  /**
   * Applies the removal of a member at `index`. Its key's standing ends unless another current
   * member id carries the same key (a rejoined directory).
   */
  remove(id: MemberId, index: number): string | null {
    const member = this.#members.get(id)
    if (member === undefined) return 'not a member'
    this.#members.delete(id)
    const stillCarried = [...this.#members.values()].some((other) => other.key === member.key)
    if (!stillCarried) this.#endStanding(member.key, index, false)
    return null
  }

  /** Applies a revocation of `key` at `index`: it writes nothing at a later index, ever again. */
  revoke(key: WriterKey, index: number): string | null {
    if (!this.#writers.has(key)) return 'not a writer key'
    this.#endStanding(key, index, true)
    return null
  }

  /** A key's standing, if it was ever admitted. */
  standing(key: WriterKey): WriterStanding | undefined {
    return this.#writers.get(key)
  }

  /** Every key ever admitted with its standing, sorted by key (snapshots and digests). */
  writers(): [WriterKey, WriterStanding][] {
    return [...this.#writers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Every storeId that was ever a member, sorted (snapshots: it is never admitted again). */
  everStoreIds(): string[] {
    return [...this.#everStoreIds].sort()
  }

  /** Restores the record from a snapshot (replacing whatever it held). */
  restore(state: {
    readonly members: readonly MemberRecord[]
    readonly everStoreIds: readonly string[]
    readonly writers: readonly (readonly [WriterKey, WriterStanding])[]
  }): void {
    this.#members.clear()
    this.#everStoreIds.clear()
    this.#writers.clear()
    for (const member of state.members) this.#members.set(member.id, member)
    for (const storeId of state.everStoreIds) this.#everStoreIds.add(storeId)
    for (const [key, standing] of state.writers) this.#writers.set(key, standing)
  }

  /** Whether `key` may write at log index `index`. */
  mayWriteAt(key: WriterKey, index: number): boolean {
    const standing = this.#writers.get(key)
    if (standing === undefined) return false
    if (index < standing.admittedAtIndex) return false
    return standing.endedAtIndex === null || index < standing.endedAtIndex
  }

  #admit(record: MemberRecord, index: number): void {
    this.#members.set(record.id, record)
    this.#everStoreIds.add(storeIdOf(record.id))
    const standing = this.#writers.get(record.key)
    if (standing === undefined || standing.endedAtIndex !== null) {
      assert(standing?.revoked !== true, 'a revoked key is never admitted again')
      this.#writers.set(record.key, { admittedAtIndex: index, endedAtIndex: null, revoked: false })
    }
  }

  #endStanding(key: WriterKey, index: number, revoked: boolean): void {
    const standing = this.#writers.get(key)
    assert(standing !== undefined, 'endStanding: the key was admitted')
    const endedAtIndex = standing.endedAtIndex === null ? index : Math.min(standing.endedAtIndex, index)
    this.#writers.set(key, { ...standing, endedAtIndex, revoked: standing.revoked || revoked })
  }
}

/**
 * The prefix of an Ed25519 peer id's bytes: an identity multihash (code 0x00, length 36) of the
 * protobuf `PublicKey { Type = Ed25519 (1); Data = 32 bytes }`.
 */
const ED25519_PEER_ID_PREFIX = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20]
const ED25519_PEER_ID_BYTES = ED25519_PEER_ID_PREFIX.length + 32
/** A base58btc Ed25519 peer id is 52 characters; anything longer is not one (decoder bound). */
const PEER_ID_CHARACTERS_MAX = 64

/**
 * The writer key a member id names: an Ed25519 peer id embeds its public key, and the node's key is
 * its libp2p identity (design.md, "Identities"). `null` when the peer part is not an Ed25519 peer id
 * (another key type, a hashed id, not base58btc, or malformed).
 *
 * @example
 * ```ts
 * writerKeyOfMember('12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf/0123456789abcdef')
 * // '79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664'
 * ```
 */
export function writerKeyOfMember(member: string): WriterKey | null {
  const slash = member.indexOf('/')
  const peer = slash < 0 ? member : member.slice(0, slash)
  if (peer.length === 0 || peer.length > PEER_ID_CHARACTERS_MAX) return null
  let bytes: Uint8Array
  try {
    bytes = decodeText(peer, 'base58btc')
  } catch {
    return null
  }
  if (bytes.length !== ED25519_PEER_ID_BYTES) return null
  for (const [position, byte] of ED25519_PEER_ID_PREFIX.entries()) if (bytes[position] !== byte) return null
  return encodeText(bytes.subarray(ED25519_PEER_ID_PREFIX.length), 'base16') as WriterKey
}

function storeIdOf(id: MemberId): string {
  return id.slice(id.indexOf('/') + 1)
}
