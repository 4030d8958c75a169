// Varint A/B on the crdt hot path: encodeDelta/decodeDelta of a delta batch, once with the codec's
// hand-written LEB128 (src/codec/bytes.ts) and once with `uint8-varint` swapped into the same
// writer and reader (issue 11, item 10: adopt the library unless it is slower here).
// Build first (pnpm exec tsc -b packages/crdt); run: pnpm exec node packages/crdt/bench/varint.ts
import { type Delta, decodeDelta, encodeDelta, joinDeltas, Replica } from '@tandem/crdt'
import { decodeUint8Array, encodeUint8Array, encodingLength } from 'uint8-varint'
import { ByteReader, ByteWriter } from '../dist/codec/bytes.js'
import { MalformedInputError } from '../dist/errors.js'

const BASE_MS = 1_700_000_000_000
const ROUNDS = 7

/** A group-commit-sized batch: 4,000 map writes and 1,000 set adds by 40 writers, joined. */
function batch(): Delta {
  const deltas: Delta[] = []
  for (let writer = 0; writer < 40; writer++) {
    const replica = new Replica({ node: `writer-${writer}`, now: () => BASE_MS + writer * 7 })
    for (let write = 0; write < 100; write++) {
      deltas.push(replica.map('orders').set(`order-${writer}-${write}`, { qty: write, price: write * 1.5 }))
    }
    for (let add = 0; add < 25; add++) deltas.push(replica.set('tags').add(`tag-${writer}-${add}`))
  }
  return joinDeltas(deltas)
}

interface Patched {
  varint(this: unknown, value?: number): number | undefined
}
const writerProto = ByteWriter.prototype as unknown as Patched
const readerProto = ByteReader.prototype as unknown as Patched
const handWrite = writerProto.varint
const handRead = readerProto.varint

/** The library in the writer: same growth rule, its encoder on the writer's buffer. */
function libraryWrite(
  this: { ensure(n: number): void; buffer: Uint8Array; length: number },
  value: number,
): void {
  this.ensure(8)
  encodeUint8Array(value, this.buffer, this.length)
  this.length += encodingLength(value)
}

/**
 * The library in the reader, with the checks the codec owes untrusted input (end of input, at most
 * 8 bytes, minimal form, safe range); `decodeUint8Array` alone reads past the end.
 */
function libraryRead(this: { bytesIn: Uint8Array; position: number }): number {
  const bytes = this.bytesIn
  const start = this.position
  let end = start
  while (end < bytes.length && (bytes[end] as number) >= 0x80) end++
  if (end >= bytes.length) throw new MalformedInputError('unexpected end of input')
  if (end - start >= 8) throw new MalformedInputError('varint too long')
  if (end > start && bytes[end] === 0) throw new MalformedInputError('non-minimal varint')
  const value = decodeUint8Array(bytes, start)
  if (value > Number.MAX_SAFE_INTEGER) throw new MalformedInputError('varint beyond the safe integer range')
  this.position = end + 1
  return value
}

function medianMs(body: () => void): number {
  body()
  const samples: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now()
    body()
    samples.push(performance.now() - start)
  }
  samples.sort((left, right) => left - right)
  return samples[Math.floor(samples.length / 2)] as number
}

function measure(label: string, delta: Delta): { encodeMs: number; decodeMs: number; bytes: Uint8Array } {
  const bytes = encodeDelta(delta)
  const encodeMs = medianMs(() => {
    for (let repeat = 0; repeat < 20; repeat++) encodeDelta(delta)
  })
  const decodeMs = medianMs(() => {
    for (let repeat = 0; repeat < 20; repeat++) decodeDelta(bytes)
  })
  console.log(
    `${label.padEnd(14)} encode ${encodeMs.toFixed(1)} ms  decode ${decodeMs.toFixed(1)} ms  (20× ${bytes.length} bytes)`,
  )
  return { encodeMs, decodeMs, bytes }
}

const delta = batch()
const samples: Record<'hand' | 'library', { encodeMs: number[]; decodeMs: number[] }> = {
  hand: { encodeMs: [], decodeMs: [] },
  library: { encodeMs: [], decodeMs: [] },
}
// Alternate the two, six times, so a load spike on the shared machine does not favour one side.
for (let pass = 1; pass <= 6; pass++) {
  writerProto.varint = handWrite
  readerProto.varint = handRead
  const hand = measure(`hand #${pass}`, delta)
  writerProto.varint = libraryWrite as unknown as Patched['varint']
  readerProto.varint = libraryRead as unknown as Patched['varint']
  const library = measure(`library #${pass}`, delta)
  if (Buffer.compare(hand.bytes, library.bytes) !== 0) throw new Error('the two encoders disagree')
  for (const [name, result] of [['hand', hand] as const, ['library', library] as const]) {
    samples[name].encodeMs.push(result.encodeMs)
    samples[name].decodeMs.push(result.decodeMs)
  }
}
writerProto.varint = handWrite
readerProto.varint = handRead
const median = (values: number[]): number =>
  values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
for (const name of ['hand', 'library'] as const) {
  console.log(
    `${name}: median encode ${median(samples[name].encodeMs).toFixed(1)} ms, decode ${median(samples[name].decodeMs).toFixed(1)} ms (20 batches each)`,
  )
}
