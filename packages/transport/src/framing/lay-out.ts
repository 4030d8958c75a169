/**
 * Lays out a batch of frames, each behind its varint length prefix, in one buffer for one `send()`:
 * one allocation (not zero-filled) per batch. (Handing the frames over as a list of references
 * instead measured several times slower: the layers below flatten lists piece by piece.)
 */
import { assert } from '@tandem/base'
import { writeVarint } from './varint.js'

/** Returns the frames of `parts` laid out with length prefixes; `totalBytes` is the framed size. */
export function layOutFrames(parts: readonly Uint8Array[], totalBytes: number): Uint8Array {
  const batch = Buffer.allocUnsafe(totalBytes)
  let offset = 0
  for (const frame of parts) {
    offset = writeVarint(batch, offset, frame.byteLength)
    batch.set(frame, offset)
    offset += frame.byteLength
  }
  assert(offset === totalBytes, 'a batch fills exactly the bytes it was sized for')
  return batch
}
