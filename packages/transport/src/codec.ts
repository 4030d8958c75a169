/** A typed codec of one message kind to and from frame bytes. */
export interface FrameCodec<Message> {
  encode(message: Message): Uint8Array
  /** Decodes untrusted bytes; throws (any error) when they are not a valid message. */
  decode(bytes: Uint8Array): Message
}
