import { ByteWriter } from '../codec/bytes.js'
import {
  FORMAT_VERSION,
  FRAME_ACK,
  FRAME_SYNC_STEP_1,
  FRAME_SYNC_STEP_2,
  FRAME_UPDATE,
  openFrame,
  readContext,
  readDelta,
  writeContext,
  writeDelta,
} from '../codec/delta-codec.js'
import { type DecodeLimits, resolveLimits } from '../codec/limits.js'
import type { CausalContext, Delta } from '../core/delta.js'
import { MalformedInputError } from '../errors.js'

/**
 * Messages of the anti-entropy protocol, as Yjs's sync protocol shapes them:
 * - `sync-step-1`: "this is what I have seen" (a causal context / version vector);
 * - `sync-step-2`: the reply, exactly what the asker lacks (a diff);
 * - `update`: a live delta, sent as local or relayed changes happen;
 * - `ack`: the context after applying a step 2, which lets the other side collect tombstones.
 */
export type SyncMessage =
  | { readonly type: 'sync-step-1'; readonly context: CausalContext }
  | { readonly type: 'sync-step-2'; readonly delta: Delta }
  | { readonly type: 'update'; readonly delta: Delta }
  | { readonly type: 'ack'; readonly context: CausalContext }

/** Encodes a sync message as a versioned binary frame. */
export function encodeSyncMessage(message: SyncMessage): Uint8Array {
  const writer = new ByteWriter(64)
  writer.byte(FORMAT_VERSION)
  switch (message.type) {
    case 'sync-step-1':
      writer.byte(FRAME_SYNC_STEP_1)
      writeContext(writer, message.context)
      break
    case 'sync-step-2':
      writer.byte(FRAME_SYNC_STEP_2)
      writeDelta(writer, message.delta)
      break
    case 'update':
      writer.byte(FRAME_UPDATE)
      writeDelta(writer, message.delta)
      break
    case 'ack':
      writer.byte(FRAME_ACK)
      writeContext(writer, message.context)
      break
  }
  return writer.finish()
}

/** Decodes a frame from {@link encodeSyncMessage}; throws typed errors on malformed or oversized input. */
export function decodeSyncMessage(bytes: Uint8Array, limits?: DecodeLimits): SyncMessage {
  const resolved = resolveLimits(limits)
  const [reader, kind] = openFrame(bytes, resolved, [
    FRAME_SYNC_STEP_1,
    FRAME_SYNC_STEP_2,
    FRAME_UPDATE,
    FRAME_ACK,
  ])
  let message: SyncMessage
  switch (kind) {
    case FRAME_SYNC_STEP_1:
      message = { type: 'sync-step-1', context: readContext(reader, resolved) }
      break
    case FRAME_SYNC_STEP_2:
      message = { type: 'sync-step-2', delta: readDelta(reader, resolved) }
      break
    case FRAME_UPDATE:
      message = { type: 'update', delta: readDelta(reader, resolved) }
      break
    default:
      message = { type: 'ack', context: readContext(reader, resolved) }
  }
  if (!reader.done) throw new MalformedInputError('trailing bytes after the message')
  return message
}
