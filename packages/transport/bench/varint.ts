/**
 * Varint A/B on the transport's hot paths (issue 11, item 10: adopt `uint8-varint` unless it is
 * slower here). Send: laying out a batch of frames behind their length prefixes, as the frame
 * writer does, with the hand-written `varintLength`/`writeVarint` and with the library's
 * `encodingLength`/`encodeUint8Array`. Receive: reading the length prefixes of a received run of
 * frames from a `Uint8ArrayList`, with the decoder's own prefix reader (which enforces the frame
 * cap on a partial prefix, minimal form and the 5-byte bound) and with `decodeUint8ArrayList`
 * (which checks none of them, so it would still need those checks around it).
 *
 *   pnpm exec tsc -b packages/transport && (cd packages/transport && pnpm exec node bench/varint.ts)
 */

import { varintLength, writeVarint } from '@tandem/base'
import { decodeUint8ArrayList, encodeUint8Array, encodingLength } from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameDecoder } from '../dist/framing/frame-decoder.js'

const ROUNDS = 7
const BATCHES = 2_000

type Length = (value: number) => number
type Write = (target: Uint8Array, offset: number, value: number) => number

const hand = { length: varintLength as Length, write: writeVarint as Write }
const library = {
  length: encodingLength as Length,
  write: ((target, offset, value) => {
    encodeUint8Array(value, target, offset)
    return offset + encodingLength(value)
  }) as Write,
}

/** One batch laid out as the writer does: sized first, then prefixes and frames copied in. */
function layOut(codec: typeof hand, frames: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const frame of frames) total += codec.length(frame.byteLength) + frame.byteLength
  const batch = Buffer.allocUnsafe(total)
  let offset = 0
  for (const frame of frames) {
    offset = codec.write(batch, offset, frame.byteLength)
    batch.set(frame, offset)
    offset += frame.byteLength
  }
  return batch
}

function sendMs(codec: typeof hand, frames: readonly Uint8Array[]): number {
  const started = performance.now()
  let sink = 0
  for (let i = 0; i < BATCHES; i++) sink += layOut(codec, frames).byteLength
  if (sink === 0) throw new Error('nothing laid out')
  return performance.now() - started
}

/** Reads every prefix of `bytes` with the decoder (frames handed out, as on the receive path). */
function receiveHandMs(bytes: Uint8Array, frames: number): number {
  const started = performance.now()
  for (let i = 0; i < BATCHES / 10; i++) {
    const decoder = new FrameDecoder('bench', 16 * 1024 * 1024)
    if (decoder.push(bytes).length !== frames) throw new Error('frames lost')
  }
  return performance.now() - started
}

/** The same walk with the library reading each prefix (no cap, minimal-form or length checks). */
function receiveLibraryMs(bytes: Uint8Array, frames: number): number {
  const started = performance.now()
  for (let i = 0; i < BATCHES / 10; i++) {
    const list = new Uint8ArrayList(bytes)
    const out: Uint8Array[] = []
    while (list.byteLength > 0) {
      const length = decodeUint8ArrayList(list, 0)
      const prefix = encodingLength(length)
      out.push(list.subarray(prefix, prefix + length))
      list.consume(prefix + length)
    }
    if (out.length !== frames) throw new Error('frames lost')
  }
  return performance.now() - started
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

for (const size of [256, 16 * 1024]) {
  const count = Math.max(1, Math.floor((256 * 1024) / (size + 3)))
  const frames = Array.from({ length: count }, () => new Uint8Array(size).fill(7))
  const wire = layOut(hand, frames)
  if (!Buffer.from(layOut(library, frames)).equals(Buffer.from(wire))) throw new Error('bytes differ')
  const results = {
    sendHand: [] as number[],
    sendLibrary: [] as number[],
    receiveHand: [] as number[],
    receiveLibrary: [] as number[],
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate, so background load on the shared machine falls on both sides alike.
    results.sendHand.push(sendMs(hand, frames))
    results.sendLibrary.push(sendMs(library, frames))
    results.receiveHand.push(receiveHandMs(wire, count))
    results.receiveLibrary.push(receiveLibraryMs(wire, count))
  }
  console.log(
    `${size} B frames, ${count} per 256 KiB batch (medians of ${ROUNDS}):`,
    `send ${BATCHES} batches: hand-written ${median(results.sendHand).toFixed(1)} ms, uint8-varint ${median(results.sendLibrary).toFixed(1)} ms;`,
    `receive ${BATCHES / 10} batches: decoder ${median(results.receiveHand).toFixed(1)} ms, uint8-varint walk ${median(results.receiveLibrary).toFixed(1)} ms`,
  )
}
