// Eventual-write storage throughput on one node: own delta batches appended to a DeltaStreamStore
// on a FileDevice in os.tmpdir(), every append acknowledged only after its fsync (group commit
// shares one among the appends in flight). Prints batches/s and p50/p99 latency per case.
// Build first: pnpm exec tsc -b packages/node; run: pnpm exec node packages/node/bench/delta-stream-append.mjs
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileDevice, nodeCrc32 } from '@tandem/wal'
import { DeltaStreamStore } from '../dist/streams/delta-stream-store.js'

const durationMs = Number(process.env.BENCH_MS ?? 2000)
const cases = [
  [1, 1024],
  [16, 1024],
  [64, 1024],
]
const key = 'e'.repeat(64)

for (const [appenders, bytes] of cases) {
  const directory = await mkdtemp(join(tmpdir(), 'tandem-delta-bench-'))
  const incarnation = `${appenders}`.padStart(32, '0')
  const store = await DeltaStreamStore.open({
    device: await FileDevice.open(directory),
    ownStream: `${key}.${incarnation}.0`,
    eventualBacklogBytesMax: 2 ** 40,
    checksum: nodeCrc32,
  })
  const payload = new Uint8Array(bytes).fill(7)
  const latencies = []
  const end = performance.now() + durationMs
  const appender = async () => {
    while (performance.now() < end) {
      const started = performance.now()
      await store.appendOwn(payload)
      latencies.push(performance.now() - started)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: appenders }, appender))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2)
  console.log(
    `${appenders} appenders × ${bytes} B: ${Math.round(latencies.length / seconds)} batches/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
  )
  await store.close()
  await rm(directory, { recursive: true, force: true })
}
