import { Replica } from '../src/index.js'

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
