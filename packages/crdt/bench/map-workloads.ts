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
import { medianMs } from './measure.ts'
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

export function runMapWorkload(peer: MapPeer, workload: MapWorkload, runs: number): MapMetrics {
  const updates: Uint8Array[] = []
  for (let index = 0; index < workload.clients; index++) {
    const [key, value] = workload.change(index)
    updates.push(peer.clientSet(index, key, value))
  }
  const updateBytes = updates.reduce((sum, update) => sum + update.length, 0)
  const timeMs = medianMs(
    runs,
    () => peer.newDoc(),
    (doc) => {
      peer.applyAll(doc, updates)
    },
  )
  const reference = peer.applyAll(peer.newDoc(), updates)
  const encoded = peer.encode(reference)
  const parseMs = medianMs(
    runs,
    () => undefined,
    () => {
      peer.load(encoded)
    },
  )
  // The loaded document must agree with the one that received the updates.
  const loaded = peer.load(encoded)
  const [probeKey] = workload.change(workload.clients - 1)
  const expected = JSON.stringify(peer.get(reference, probeKey))
  if (JSON.stringify(peer.get(loaded, probeKey)) !== expected || expected === undefined) {
    throw new Error(`${peer.name} ${workload.id}: loaded document disagrees`)
  }
  return { timeMs, updateBytes, docBytes: encoded.length, parseMs }
}
