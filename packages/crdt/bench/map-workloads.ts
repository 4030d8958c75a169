// The B3.1, B3.2 and C1.2 map workloads of dmonad/crdt-benchmarks (js-lib/b3.js): n clients each
// make one change to their own document, every update is collected, and then
//   time        = applying all n updates to one document,
//   updateBytes = the sum of the update sizes,
//   docBytes    = the encoded state of a document that received all updates,
//   parseMs     = loading that encoded state into a new document.
// B3.1: n = 20·⌊√6000⌋ = 1540 clients set the same key to a number.
// B3.2: the same, with an object { name: String(i), address: 'here' }.
// C1.2: 30,000 clients each set their own key (a distinct key per client) to a number.
import type { Value } from '@tandem/crdt'
import type { MapPeer } from './peers.ts'

export interface MapMetrics {
  readonly timeMs: number
  readonly updateBytes: number
  readonly docBytes: number
  readonly parseMs: number
}

export interface MapWorkload {
  readonly id: string
  readonly clients: number
  readonly change: (index: number) => [string, Value]
}

export const B3_CLIENTS = 20 * Math.floor(Math.sqrt(6000))

export const workloads: readonly MapWorkload[] = [
  { id: 'B3.1', clients: B3_CLIENTS, change: (index) => ['v', index] },
  { id: 'B3.2', clients: B3_CLIENTS, change: (index) => ['v', { name: String(index), address: 'here' }] },
  { id: 'C1.2', clients: 30_000, change: (index) => [`k${index}`, index] },
]

/**
 * Warm-up and measured runs. B3: 2 + 9 for everyone. C1.2: Loro and Automerge take 5–15 s per run
 * there, so they run once, cold; Tandem and Yjs (the fastest peer) get 1 + 3.
 */
export function runsFor(workload: MapWorkload, peer: MapPeer): { warmups: number; runs: number } {
  if (workload.clients <= 10_000) return { warmups: 2, runs: 9 }
  return peer.name === 'loro' || peer.name === 'automerge' ? { warmups: 0, runs: 1 } : { warmups: 1, runs: 3 }
}

export function runMapWorkload(peer: MapPeer, workload: MapWorkload): MapMetrics {
  const { warmups, runs } = runsFor(workload, peer)
  const updates: Uint8Array[] = []
  for (let index = 0; index < workload.clients; index++) {
    const [key, value] = workload.change(index)
    updates.push(peer.clientSet(index, key, value))
  }
  const updateBytes = updates.reduce((sum, update) => sum + update.length, 0)
  let reference: unknown
  const timeMs = median(warmups, runs, () => {
    const doc = peer.newDoc()
    const start = performance.now()
    reference = peer.applyAll(doc, updates)
    return performance.now() - start
  })
  const encoded = peer.encode(reference)
  let loaded: unknown
  const parseMs = median(warmups, runs, () => {
    const start = performance.now()
    loaded = peer.load(encoded)
    return performance.now() - start
  })
  // The loaded document must agree with the one that received the updates.
  const [probeKey] = workload.change(workload.clients - 1)
  const expected = JSON.stringify(peer.get(reference, probeKey))
  if (JSON.stringify(peer.get(loaded, probeKey)) !== expected || expected === undefined) {
    throw new Error(`${peer.name} ${workload.id}: loaded document disagrees`)
  }
  return { timeMs, updateBytes, docBytes: encoded.length, parseMs }
}

function median(warmups: number, runs: number, sample: () => number): number {
  for (let run = 0; run < warmups; run++) sample()
  const samples: number[] = []
  for (let run = 0; run < runs; run++) samples.push(sample())
  samples.sort((left, right) => left - right)
  return samples[Math.floor(samples.length / 2)] as number
}
