/**
 * Credit-based flow control of a framed channel (`/tandem/raft/2`): the receiver of a stream grants
 * its sender the bytes it may send, and grants more as its consumer takes frames, so an honest
 * sender never has more bytes unconsumed at the receiver than the receiver granted, whatever the
 * muxer does with a pause (yamux grants its window on receipt, and `@chainsafe/libp2p-quic` 2.1.1
 * ignores a pause). A sender that ignores its credit still meets the receiver's byte budget, which
 * resets the stream.
 *
 * On the wire a grant is a frame of length 0 followed by a varint: the bytes granted. A message
 * frame is never empty, so the two cannot be confused. Grants count message frames whole, length
 * prefix included; grants themselves are not counted.
 */
import { varintLength, writeVarint } from '@tandem/base'

/** The largest single grant accepted (a varint of at most 5 bytes). */
export const GRANT_BYTES_MAX = 2 ** 32 - 1

/** Bytes a frame of `bodyBytes` takes on the wire, length prefix included (what grants count). */
export function framedBytes(bodyBytes: number): number {
  return varintLength(bodyBytes) + bodyBytes
}

/** The wire form of a grant of `bytes` (1 ≤ bytes ≤ {@link GRANT_BYTES_MAX}). */
export function encodeGrant(bytes: number): Uint8Array {
  const grant = new Uint8Array(1 + varintLength(bytes))
  writeVarint(grant, 1, bytes)
  return grant
}

/**
 * The window a receiver grants each stream: half the peer's budget, so that the two streams a
 * reconnect can briefly leave open fit in it together, but at least one whole frame of the cap (and
 * never more than the budget).
 */
export function windowBytesFor(budgetBytes: number, frameBytesMax: number): number {
  const frame = framedBytes(frameBytesMax)
  return Math.min(budgetBytes, Math.max(Math.floor(budgetBytes / 2), frame), GRANT_BYTES_MAX)
}

/**
 * Consumed bytes a receiver collects before granting them back: a quarter of the window, and
 * little enough that what is never granted back leaves the sender room for a whole frame of the
 * cap — so once the receiver has consumed everything, any frame fits and the sender is never stuck.
 */
export function grantThresholdBytes(windowBytes: number, frameBytesMax: number): number {
  return Math.max(1, Math.min(Math.floor(windowBytes / 4), windowBytes - framedBytes(frameBytesMax)))
}

/** The flow-control settings of one read stream. */
export interface FlowControl {
  /** Bytes granted when the stream starts (see {@link windowBytesFor}). */
  readonly windowBytes: number
  /** Consumed bytes collected before they are granted back (see {@link grantThresholdBytes}). */
  readonly grantThresholdBytes: number
  /** Told of each grant the peer sends on this stream: what this side may send more. */
  readonly onGrant: (bytes: number) => void
}

/**
 * The sender's side: what it may still send on one stream. Nothing until the receiver's first
 * grant, which also tells the window (a frame larger than it could never be sent).
 */
export class SendCredit {
  /** Bytes this side may send now. */
  availableBytes = 0
  /** The receiver's window (its first grant); 0 until that grant arrived. */
  windowBytes = 0

  grant(bytes: number): void {
    if (this.windowBytes === 0) this.windowBytes = bytes
    // A hostile peer's grants only let this side send more; the sum stays an exact integer.
    this.availableBytes = Math.min(this.availableBytes + bytes, Number.MAX_SAFE_INTEGER)
  }

  spend(bytes: number): void {
    this.availableBytes -= bytes
  }
}
