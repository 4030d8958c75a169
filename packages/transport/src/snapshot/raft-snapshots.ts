/**
 * Raft's `SnapshotTransport` over `/tandem/snapshot/1`: a leader's snapshot travels on a stream of
 * its own (resumable, checksummed, bounded per peer), never in the Raft message stream, so
 * heartbeats and appends never wait behind snapshot bytes. The offer's metadata is the raft codec's
 * `Snap` message with the snapshot's data left out (sender, recipient, term, snapshot metadata);
 * the data follows as the transfer's chunks.
 */
import { rethrowInvariant } from '@tandem/base'
import {
  type CancelSignal,
  decodeMessage,
  encodeMessage,
  MessageType,
  type SnapshotMessage,
  type SnapshotTransport,
} from '@tandem/raft'
import { SnapshotProtocolError, SnapshotTransferFailedError } from '../errors.js'
import type { RaftAddressing } from '../member-ids.js'
import { METADATA_BYTES_MAX } from './frames.js'
import type { ReceivedSnapshot } from './receiver.js'
import type { SnapshotSendOptions } from './sender.js'
import type { SnapshotService } from './service.js'

const EMPTY_BYTES = new Uint8Array(0)

/** Options of {@link RaftSnapshotTransport}: the chunk size and attempts of each send. */
export type RaftSnapshotTransportOptions = Pick<SnapshotSendOptions, 'chunkBytes' | 'attemptsMax'>

export class RaftSnapshotTransport implements SnapshotTransport {
  readonly #addressing: RaftAddressing
  readonly #service: SnapshotService
  readonly #options: RaftSnapshotTransportOptions

  /** `addressing` is the Raft service: this node's member id and the member-to-peer mapping. */
  constructor(
    addressing: RaftAddressing,
    service: SnapshotService,
    options: RaftSnapshotTransportOptions = {},
  ) {
    this.#addressing = addressing
    this.#service = service
    this.#options = options
  }

  /** Streams the snapshot to the peer of member `message.to`; resolves once that node's Raft took it whole. */
  async send(message: SnapshotMessage, signal: CancelSignal): Promise<void> {
    const peer = this.#addressing.peerOf(message.to)
    if (peer === null) throw new SnapshotTransferFailedError(`member id ${message.to} names no peer`)
    const abort = new AbortController()
    if (signal.aborted) abort.abort(signal.reason)
    else signal.addEventListener('abort', () => abort.abort(signal.reason))
    const { metadata } = message.snapshot
    await this.#service.send(
      peer,
      {
        // Resumes match on it: the same snapshot from the same term resumes where a cut left it.
        transferId: `raft/${message.term}/${metadata.term}/${metadata.index}`,
        metadata: encodeMessage({
          type: MessageType.Snap,
          from: message.from,
          to: message.to,
          term: message.term,
          logTerm: 0,
          index: 0,
          entries: [],
          commit: 0,
          snapshot: { metadata, data: EMPTY_BYTES },
          reject: false,
          rejectHint: 0,
          rejectHintTerm: 0,
          context: EMPTY_BYTES,
        }),
        data: message.snapshot.data,
      },
      { ...this.#options, signal: abort.signal },
    )
  }

  /**
   * Installs the handler of received snapshots. A snapshot whose header does not decode, names a
   * sender member whose peer is not the authenticated peer, or another recipient than this node's
   * member id is refused, as
   * is one the handler throws on; the sender's `send` then rejects.
   */
  onSnapshot(handler: (message: SnapshotMessage) => void): void {
    this.#service.onSnapshot((received) => handler(this.#decode(received)))
  }

  #decode(received: ReceivedSnapshot): SnapshotMessage {
    let header: ReturnType<typeof decodeMessage>
    try {
      header = decodeMessage(received.metadata, { messageBytesMax: METADATA_BYTES_MAX })
    } catch (error) {
      rethrowInvariant(error)
      throw new SnapshotProtocolError('the snapshot header is not a raft message', { cause: error })
    }
    if (header.type !== MessageType.Snap || header.snapshot === null)
      throw new SnapshotProtocolError('the snapshot header is not a Snap message')
    if (this.#addressing.peerOf(header.from) !== received.from)
      throw new SnapshotProtocolError('the snapshot header names another sender than the peer')
    if (header.to !== this.#addressing.memberId)
      throw new SnapshotProtocolError('the snapshot header names another recipient')
    return {
      from: header.from,
      to: header.to,
      term: header.term,
      snapshot: { metadata: header.snapshot.metadata, data: received.data },
    }
  }
}

/**
 * Raft's snapshot transport over `service` (which then owns the service's snapshot handler), with
 * the member ids of `addressing` (the Raft service).
 */
export function createRaftSnapshotTransport(
  addressing: RaftAddressing,
  service: SnapshotService,
  options: RaftSnapshotTransportOptions = {},
): RaftSnapshotTransport {
  return new RaftSnapshotTransport(addressing, service, options)
}
