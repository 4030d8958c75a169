/**
 * Raft member ids as the transport sees them. A member id is `<peer id>/<store id>` (design.md,
 * "Identities": the store id is drawn when a data directory is created, so a wiped directory that
 * joins again is a new member under the same peer id), or a bare peer id for clusters that use
 * peer ids as member ids. The transport authenticates peers, never store ids: it carries a
 * message on the link to the member's peer, and accepts one only when its sender's peer part is
 * the authenticated remote and its recipient is this node's own member id.
 *
 * The node package owns the format; this parser repeats only what routing needs, so transport does
 * not import the layer above it. A different mapping can be injected (`peerOf`).
 */

/** Maps a Raft member id to the peer id whose link carries its messages, or `null` if it names none. */
export type MemberPeerResolver = (memberId: string) => string | null

/** What the Raft message and snapshot transports need to address and check member ids. */
export interface RaftAddressing {
  /** This node's own Raft member id; messages addressed to any other id are refused. */
  readonly memberId: string
  /** The peer part of a member id (see {@link MemberPeerResolver}). */
  peerOf(memberId: string): string | null
}

/** The store id part: 16 lowercase hex characters, the form @tandem/node draws. */
const STORE_ID = /^[0-9a-f]{16}$/
/** A base58btc peer id as libp2p prints it (Ed25519 ids are 52 characters). */
const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{20,128}$/

/**
 * The default {@link MemberPeerResolver}: the peer id of `<peer id>/<store id>`, or the id itself
 * when it is a bare peer id; `null` for anything else.
 *
 * @example
 * ```ts
 * peerIdOfMember('12D3KooW…/0123456789abcdef') // '12D3KooW…'
 * peerIdOfMember('12D3KooW…') // '12D3KooW…'
 * peerIdOfMember('nobody/x') // null
 * ```
 */
export function peerIdOfMember(memberId: string): string | null {
  const slash = memberId.indexOf('/')
  const peer = slash < 0 ? memberId : memberId.slice(0, slash)
  if (!PEER_ID.test(peer)) return null
  if (slash >= 0 && !STORE_ID.test(memberId.slice(slash + 1))) return null
  return peer
}
