/**
 * What the CRDT sync service needs from a CRDT library: a codec for its sync messages and a way
 * to open one anti-entropy session per peer. `@tandem/crdt` provides both ({@link crdtSyncAdapter});
 * any other implementation of the same exchange can be carried unchanged.
 */
import {
  decodeSyncMessage,
  encodeSyncMessage,
  type Replica,
  type SyncMessage,
  SyncSession,
} from '@tandem/crdt'
import type { FrameCodec } from '../codec.js'

/** One peer's anti-entropy session: pure, it never sends by itself. */
export interface SyncEndpoint<Message> {
  /** The opening messages (the initiator's version vector). */
  start(): Message[]
  /** Handles one message; returns the replies. */
  receive(message: Message): Message[]
  /** Stops producing live updates. */
  close(): void
}

/** A CRDT library, as the sync service sees it. */
export interface SyncAdapter<Message> {
  readonly codec: FrameCodec<Message>
  /** Opens a session with `peer`; live updates are handed to `onOutgoing` as they happen. */
  openSession(peer: string, onOutgoing: (messages: Message[]) => void): SyncEndpoint<Message>
}

/** Binds a `@tandem/crdt` replica: its `SyncSession`, and its sync message codec limited to `bytesMax`. */
export function crdtSyncAdapter(replica: Replica, options: { bytesMax: number }): SyncAdapter<SyncMessage> {
  return {
    codec: {
      encode: (message) => encodeSyncMessage(message),
      decode: (bytes) => decodeSyncMessage(bytes, { bytesMax: options.bytesMax }),
    },
    openSession: (peer, onOutgoing) => new SyncSession(replica, { peer, onOutgoing }),
  }
}
