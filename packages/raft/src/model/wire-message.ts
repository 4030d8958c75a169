/**
 * A message as it travels between drivers: the core's {@link Message}, or one step of the driver's
 * chunked snapshot transfer. Below the codec, the core and the driver, so that the codec can encode
 * it without importing the driver.
 */
import type { Message, SnapshotMetadata } from './types.js'

/**
 * One piece of a snapshot in transfer. The core emits a whole snapshot in one `Snap` message; the
 * driver cuts it into chunks so that a large snapshot neither exceeds a frame limit nor restarts
 * from zero after a cut. A chunk travels as a `Snap` message with `snapshot: null`; the receiver
 * acknowledges with a `SnapStatus` message whose chunk has empty `data` and whose `chunkIndex` is
 * the next chunk it expects (`reject: true` asks the sender to start over).
 */
export interface SnapshotChunk {
  /** The snapshot being sent; carried by every chunk so that any chunk identifies it. */
  readonly metadata: SnapshotMetadata
  readonly chunkIndex: number
  readonly chunkCount: number
  /** The length of the whole snapshot's data. */
  readonly totalBytes: number
  readonly data: Uint8Array
  /** CRC-32C of `data`. */
  readonly dataCrc32c: number
  /** CRC-32C of the whole snapshot's data, checked once it is reassembled. */
  readonly snapshotCrc32c: number
}

/**
 * A message as it travels between drivers: a core {@link Message}, or (with `chunk` set) one step
 * of the driver's chunked snapshot transfer. Every core message is a `WireMessage`.
 */
export interface WireMessage extends Message {
  readonly chunk?: SnapshotChunk | null
}
