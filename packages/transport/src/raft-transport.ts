/**
 * Raft's `Transport` over `/tandem/raft/1`: each message is one protobuf frame (the raft package's
 * codec), sent on the long-lived, batched, bounded stream to its `to` peer. A received frame must
 * decode, and its `from` must be the authenticated peer that sent it and its `to` this node;
 * anything else is a malformed frame, which closes that peer's stream and nothing else.
 */
import { rethrowInvariant } from '@tandem/base'
import { decodeMessage, encodeMessage, type NodeId, type Transport, type WireMessage } from '@tandem/raft'
import type { FrameCodec } from './codec.js'
import { MalformedFrameError, MessageHandlerError } from './errors.js'
import { RAFT_PROTOCOL } from './protocols.js'
import type { TransportHost } from './transport-host.js'

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
  readonly #node: TransportHost
  readonly #codec: FrameCodec<Message>
  #handler: (message: Message) => void = () => {}

  constructor(node: TransportHost, codec: FrameCodec<Message>) {
    this.#node = node
    this.#codec = codec
    node.raft.onFrame((from, frame) => this.#receive(from, frame))
  }

  /** Queues messages, each to its `to` peer. Never blocks; a full queue drops (and counts) frames. */
  send(messages: readonly Message[]): void {
    for (const message of messages) this.#node.raft.send(message.to, this.#codec.encode(message))
  }

  onMessage(handler: (message: Message) => void): void {
    this.#handler = handler
  }

  onUnreachable(handler: (peer: NodeId) => void): void {
    this.#node.raft.onUnreachable(handler)
  }

  #receive(from: string, frame: Uint8Array): void {
    let message: Message
    try {
      message = this.#codec.decode(frame)
    } catch (error) {
      rethrowInvariant(error)
      throw new MalformedFrameError(RAFT_PROTOCOL, 'not a raft message', { cause: error })
    }
    if (message.from !== from)
      throw new MalformedFrameError(RAFT_PROTOCOL, 'sender does not match the peer id')
    if (message.to !== this.#node.nodeId)
      throw new MalformedFrameError(RAFT_PROTOCOL, 'addressed to another node')
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
 * Builds the Raft transport of `node`: `@tandem/raft`'s `Transport`, carrying `WireMessage`s with the
 * raft protobuf codec. (For another message type, construct {@link RaftTransport} with its codec.)
 */
export function createRaftTransport(node: TransportHost): RaftTransport<WireMessage> & Transport {
  return new RaftTransport(node, raftMessageCodec(node.raftFrameBytesMax))
}
