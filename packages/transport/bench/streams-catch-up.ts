/**
 * How fast a member catches up on delta streams over `/tandem/streams/1`: A holds `BATCHES` batches
 * of `BATCH_BYTES` over `STREAMS` streams (an in-memory store), B starts empty and pulls until it
 * holds all of them. Prints batches/s and MB/s from B's first stored batch to its last, per
 * transport, best of `REPEATS`, and the time from B's start to its first batch; no peer is run
 * side by side (a plain socket has no anti-entropy to compare with).
 *
 *   pnpm exec tsc -b packages/transport && pnpm exec node packages/transport/bench/streams-catch-up.ts
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStreamSyncService, createTransportHost, loadOrCreateNodeIdentity } from '@tandem/transport'
import { MemoryStreamStore } from '../test/memory-stream-store.ts'

const BATCHES = 20_000
const BATCH_BYTES = 1024
const STREAMS = 16
const REPEATS = 3
/** From B's start to its first stored batch (host start, dial, first summary and request), per run. */
const startupMs: number[] = []

async function catchUpMs(listen: string): Promise<number> {
  const dirs = [
    await mkdtemp(join(tmpdir(), 'tandem-bench-')),
    await mkdtemp(join(tmpdir(), 'tandem-bench-')),
  ]
  const [dirA, dirB] = dirs as [string, string]
  const members = [
    (await loadOrCreateNodeIdentity(dirA)).nodeId,
    (await loadOrCreateNodeIdentity(dirB)).nodeId,
  ]
  const full = new MemoryStreamStore()
  for (let i = 0; i < BATCHES; i++)
    full.appendOwn(`w.${i % STREAMS}.0`, new Uint8Array(BATCH_BYTES).fill(i & 0xff))
  const empty = new MemoryStreamStore()
  const hostA = await createTransportHost({ dataDir: dirA, members, listen: [listen], pingIntervalMs: 0 })
  await createStreamSyncService(hostA, full)
  const started = performance.now()
  const hostB = await createTransportHost({
    dataDir: dirB,
    members,
    listen: [listen],
    pingIntervalMs: 0,
    peers: { [members[0] ?? '']: hostA.multiaddrs() },
  })
  await createStreamSyncService(hostB, empty)
  const perStream = BATCHES / STREAMS
  let firstStoredAt = Number.NaN
  while (
    !Array.from({ length: STREAMS }, (_, i) => empty.heldThrough(`w.${i}.0`)).every((h) => h === perStream)
  ) {
    if (Number.isNaN(firstStoredAt) && empty.outcomes.length > 0) firstStoredAt = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  const elapsedMs = performance.now() - firstStoredAt
  startupMs.push(firstStoredAt - started)
  await Promise.all([hostA.stop(), hostB.stop()])
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  return elapsedMs
}

for (const listen of ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1']) {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < REPEATS; i++) best = Math.min(best, await catchUpMs(listen))
  const name = listen.includes('quic') ? 'QUIC' : 'TCP'
  const batchesPerS = Math.round((BATCHES / best) * 1000)
  const mbPerS = ((BATCHES * BATCH_BYTES) / 1e6 / (best / 1000)).toFixed(1)
  console.log(
    `${name}: ${BATCHES} batches of ${BATCH_BYTES} B over ${STREAMS} streams pulled in ${best.toFixed(0)} ms from the first batch stored: ${batchesPerS} batches/s, ${mbPerS} MB/s; B's start to its first batch ${startupMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  )
  startupMs.length = 0
}
