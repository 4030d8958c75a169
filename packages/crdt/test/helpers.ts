import { Replica } from '../src/index.js'

/** Small seeded PRNG (mulberry32): every randomized test replays from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

/** A virtual wall clock shared by a test's replicas. */
export class VirtualClock {
  nowMs = 1_700_000_000_000
  readonly now = (): number => this.nowMs
  advance(ms: number): void {
    this.nowMs += ms
  }
}

/** Merges states into a fresh replica and returns its canonical bytes. */
export function mergedBytes(clock: VirtualClock, ...states: Parameters<Replica['apply']>[0][]): Uint8Array {
  const fresh = new Replica({ node: 'merger', now: clock.now })
  for (const state of states) fresh.apply(state)
  return fresh.encodeState()
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
