/**
 * Raft's `Transport` over `/tandem/raft/2`: each message is one protobuf frame (the raft package's
 * codec), sent on the long-lived, batched, bounded stream to the peer of its `to` member. A
 * received frame must decode, its `from` must be a member id whose peer part is the authenticated
 * peer that sent it, and its `to` this node's own member id (a message for another store id of this
 * peer, such as the id this node had before its data directory was wiped, is refused); anything
 * else is a malformed frame, which closes that peer's stream and nothing else.
 */
import { rethrowInvariant } from '@tandem/base'
import { decodeMessage, encodeMessage, type NodeId, type Transport, type WireMessage } from '@tandem/raft'
import type { FrameCodec } from './codec.js'
import { MalformedFrameError, MessageHandlerError } from './errors.js'
import { RAFT_PROTOCOL } from './protocols.js'
import type { RaftService } from './raft-service.js'

/** A message with the two addressing fields the transport checks. */
export interface AddressedMessage {
  readonly from: string
  readonly to: string
}

/** The raft package's protobuf codec, decoding no message larger than `messageBytesMax`. */
export function raftMessageCodec(messageBytesMax: number): FrameCodec<WireMessage> {
  return {
    encode: (message) => encodeMessage(message),
    decode: (bytes) => decodeMessage(bytes, { messageBytesMax }),
  }
}

/** The transport object; implements `@tandem/raft`'s `Transport` when `Message` is `WireMessage`. */
export class RaftTransport<Message extends AddressedMessage> {
  readonly #service: RaftService
  readonly #codec: FrameCodec<Message>
  #handler: (message: Message) => void = () => {}
  /** The member id each member peer was last sent to, for unreachable reports (bounded by the members). */
  readonly #memberOfPeer = new Map<string, string>()

  constructor(service: RaftService, codec: FrameCodec<Message>) {
    this.#service = service
    this.#codec = codec
    service.onFrame((from, frame) => this.#receive(from, frame))
  }

  /**
   * Queues messages, each to the peer of its `to` member. Never blocks; a full queue drops (and
   * counts) frames, as does a `to` that names no peer.
   */
  send(messages: readonly Message[]): void {
    for (const message of messages) {
      const peer = this.#service.peerOf(message.to)
      if (peer === null) {
        this.#service.recordUnroutable()
        continue
      }
      // Only a queued frame went to an admitted member, so the map never outgrows the members.
      if (
        this.#service.send(peer, this.#codec.encode(message)) &&
        this.#memberOfPeer.get(peer) !== message.to
      )
        this.#memberOfPeer.set(peer, message.to)
    }
  }

  onMessage(handler: (message: Message) => void): void {
    this.#handler = handler
  }

  /**
   * Told the member id behind each peer that could not be reached. The channel knows peers only;
   * a peer's member id is the one this node last sent to (see {@link send}), else the peer id.
   */
  onUnreachable(handler: (peer: NodeId) => void): void {
    this.#service.onUnreachable((peer) => handler(this.#memberOfPeer.get(peer) ?? peer))
  }

  #receive(from: string, frame: Uint8Array): void {
    let message: Message
    try {
      message = this.#codec.decode(frame)
    } catch (error) {
      rethrowInvariant(error)
      throw new MalformedFrameError(RAFT_PROTOCOL, 'not a raft message', { cause: error })
    }
    if (this.#service.peerOf(message.from) !== from)
      throw new MalformedFrameError(RAFT_PROTOCOL, 'sender does not match the peer id')
    if (message.to !== this.#service.memberId) {
      if (this.#service.peerOf(message.to) === this.#service.peerOf(this.#service.memberId)) {
        // An earlier member id of this very peer: its directory was wiped and it joined again under
        // a new storeId, while the sender's configuration still lists the old id (a voter until
        // removed). To the sender that member is down; this node never answers for it. The frame
        // is dropped, not refused: closing the stream would cut this member's own traffic, which
        // shares it (the old id's heartbeats reset the link faster than the new id could catch up).
        this.#service.recordFormerMemberFrame()
        return
      }
      throw new MalformedFrameError(RAFT_PROTOCOL, 'addressed to another member')
    }
    try {
      this.#handler(message)
    } catch (error) {
      rethrowInvariant(error)
      // The application's bug, not the peer's: reported locally, the stream stays open.
      throw new MessageHandlerError(RAFT_PROTOCOL, { cause: error })
    }
  }
}

/**
 * Builds the Raft transport on `service`: `@tandem/raft`'s `Transport`, carrying `WireMessage`s with
 * the raft protobuf codec. (For another message type, construct {@link RaftTransport} with its codec.)
 */
export function createRaftTransport(service: RaftService): RaftTransport<WireMessage> & Transport {
  return new RaftTransport(service, raftMessageCodec(service.frameBytesMax))
}
