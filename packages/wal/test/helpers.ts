import type { StoredRecord, Wal } from '../src/index.js'

/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Deterministic payload bytes derived from a tag, so a payload names where it came from. */
export function payloadFor(tag: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let state = (tag * 2654435761) >>> 0
  for (let position = 0; position < length; position++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    bytes[position] = state >>> 24
  }
  return bytes
}

/** Every record of the log, in order. */
export async function readAll(wal: Wal): Promise<StoredRecord[]> {
  const records: StoredRecord[] = []
  for await (const record of wal.records()) records.push(record)
  return records
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let position = 0; position < a.length; position++) if (a[position] !== b[position]) return false
  return true
}
