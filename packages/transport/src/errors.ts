/**
 * One error class per failure, each with a stable `code` (`TRANSPORT_…`), so callers and logs can
 * tell failures apart without parsing messages. No error message carries key material or payload
 * bytes. These are operating errors (what a peer, the network or the disk did); a broken invariant
 * of this package is an `InvariantError` from `@tandem/base`, never one of these.
 */
import { TandemError } from '@tandem/base'

/** Base class of every operating error this package raises. */
export abstract class TransportError extends TandemError {}

/** A length prefix announced a frame larger than the configured cap; the stream is closed. */
export class FrameTooLargeError extends TransportError {
  readonly code = 'TRANSPORT_FRAME_TOO_LARGE'
  override readonly name = 'FrameTooLargeError'
  constructor(
    readonly protocol: string,
    readonly frameBytesMax: number,
  ) {
    super(`frame on ${protocol} exceeds the cap of ${frameBytesMax} bytes`)
  }
}

/** A frame could not be parsed (bad length prefix, truncated frame, or a payload the codec rejected). */
export class MalformedFrameError extends TransportError {
  readonly code = 'TRANSPORT_MALFORMED_FRAME'
  override readonly name = 'MalformedFrameError'
  constructor(
    readonly protocol: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`malformed frame on ${protocol}: ${reason}`, options)
  }
}

/**
 * A peer's partly received frames on a protocol, over all its connections and streams, would exceed
 * the per-peer bound; the stream that brought the excess bytes is closed.
 */
export class InboundBufferExceededError extends TransportError {
  readonly code = 'TRANSPORT_INBOUND_BUFFER_EXCEEDED'
  override readonly name = 'InboundBufferExceededError'
  constructor(
    readonly protocol: string,
    readonly bytesMax: number,
  ) {
    super(`a peer's partial frames on ${protocol} would exceed its bound of ${bytesMax} bytes`)
  }
}

/**
 * The application's message handler threw. This is a local bug, not the peer's fault: it is logged
 * at error level and counted in `handlerErrors`, and the peer's stream stays open.
 */
export class MessageHandlerError extends TransportError {
  readonly code = 'TRANSPORT_MESSAGE_HANDLER_FAILED'
  override readonly name = 'MessageHandlerError'
  constructor(
    readonly protocol: string,
    options?: { cause?: unknown },
  ) {
    super(`the message handler of ${protocol} threw`, options)
  }
}

/** A peer opened streams faster than the per-peer rate cap; the stream is reset at once. */
export class StreamRateExceededError extends TransportError {
  readonly code = 'TRANSPORT_STREAM_RATE_EXCEEDED'
  override readonly name = 'StreamRateExceededError'
  constructor(
    readonly peer: string,
    readonly protocol: string,
  ) {
    super(`peer ${peer} opened streams on ${protocol} faster than the per-peer rate cap`)
  }
}

/** A frame stopped arriving: no byte of it for the frame timeout; the stream is closed. */
export class FrameTimeoutError extends TransportError {
  readonly code = 'TRANSPORT_FRAME_TIMEOUT'
  override readonly name = 'FrameTimeoutError'
  constructor(
    readonly protocol: string,
    readonly timeoutMs: number,
  ) {
    super(`a frame on ${protocol} made no progress for ${timeoutMs} ms`)
  }
}

/** A peer that is not admitted to a protocol opened a stream on it; the stream is closed at once. */
export class PeerNotAdmittedError extends TransportError {
  readonly code = 'TRANSPORT_PEER_NOT_ADMITTED'
  override readonly name = 'PeerNotAdmittedError'
  constructor(
    readonly peer: string,
    readonly protocol: string,
  ) {
    super(`peer ${peer} is not admitted to ${protocol}`)
  }
}

/** The node key file exists but cannot be used (unreadable, wrong key type, or too open permissions). */
export class NodeKeyError extends TransportError {
  readonly code = 'TRANSPORT_NODE_KEY_INVALID'
  override readonly name = 'NodeKeyError'
}

/** The persisted address book is not valid; it is never silently replaced. */
export class AddressBookError extends TransportError {
  readonly code = 'TRANSPORT_ADDRESS_BOOK_INVALID'
  override readonly name = 'AddressBookError'
}

/** An outgoing frame is larger than the cap the receiver enforces; it is not sent. */
export class OutgoingFrameTooLargeError extends TransportError {
  readonly code = 'TRANSPORT_OUTGOING_FRAME_TOO_LARGE'
  override readonly name = 'OutgoingFrameTooLargeError'
  constructor(
    readonly protocol: string,
    readonly frameBytes: number,
    readonly frameBytesMax: number,
  ) {
    super(`frame of ${frameBytes} bytes on ${protocol} exceeds the cap of ${frameBytesMax} bytes`)
  }
}

/** A snapshot chunk failed its checksum, arrived out of order, or the assembled snapshot did not verify. */
export class SnapshotIntegrityError extends TransportError {
  readonly code = 'TRANSPORT_SNAPSHOT_INTEGRITY'
  override readonly name = 'SnapshotIntegrityError'
}

/** The snapshot exchange broke its protocol (unexpected message, bad offer, over-limit size). */
export class SnapshotProtocolError extends TransportError {
  readonly code = 'TRANSPORT_SNAPSHOT_PROTOCOL'
  override readonly name = 'SnapshotProtocolError'
}

/** A snapshot transfer's stream stayed open without sending a chunk for the stall timeout; it was evicted. */
export class SnapshotStalledError extends TransportError {
  readonly code = 'TRANSPORT_SNAPSHOT_STALLED'
  override readonly name = 'SnapshotStalledError'
}

/** A snapshot transfer did not finish within its attempt budget. */
export class SnapshotTransferFailedError extends TransportError {
  readonly code = 'TRANSPORT_SNAPSHOT_TRANSFER_FAILED'
  override readonly name = 'SnapshotTransferFailedError'
}

/** The CRDT sync exchange broke its protocol (unexpected message kind or undecodable payload). */
export class SyncProtocolError extends TransportError {
  readonly code = 'TRANSPORT_SYNC_PROTOCOL'
  override readonly name = 'SyncProtocolError'
}

/** An operation needs a started node, or was called after `stop()`. */
export class HostNotRunningError extends TransportError {
  readonly code = 'TRANSPORT_HOST_NOT_RUNNING'
  override readonly name = 'HostNotRunningError'
}

/** A `/tandem/streams/1` frame broke the protocol (undecodable, wrong kind, a value outside its limits). */
export class StreamsProtocolError extends TransportError {
  readonly code = 'TRANSPORT_STREAMS_PROTOCOL'
  override readonly name = 'StreamsProtocolError'
}
