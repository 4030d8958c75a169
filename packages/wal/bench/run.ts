// The @tandem/wal benchmark. Run: pnpm --filter @tandem/wal bench  (writes bench/results.json)
// Environment: BENCH_SLICE_MS (default 150) × BENCH_SLICES (default 16) of each system per case,
// alternating; BENCH_RECOVERY_BYTES (default 1 GiB).

import { writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { rawRunner, sqliteRunner, walRunner } from './append.ts'
import { removeLog, timeRawRead, timeRecovery, writeLog } from './recovery.ts'
import { type AppendRun, median, round } from './stats.ts'
import { renderTable } from './table.ts'

const RAW = 'raw write+fdatasync loop (same batch)'
const SQLITE = 'SQLite node:sqlite (WAL, synchronous=FULL, same batch)'
const sliceMs = Number(process.env.BENCH_SLICE_MS ?? 150)
const slices = Number(process.env.BENCH_SLICES ?? 16)
const recoveryBytes = Number(process.env.BENCH_RECOVERY_BYTES ?? 1024 ** 3)

interface Case {
  case: string
  metric: 'ops/s' | 'ms' | 'bytes' | 'MB/s'
  tandem: number
  peer: string | null
  peerValue: number | null
  ratio: number | null
  better: 'higher' | 'lower'
}

const cases: Case[] = []
function add(
  name: string,
  metric: Case['metric'],
  tandem: number,
  peer: string,
  peerValue: number,
  better: Case['better'],
) {
  cases.push({
    case: name,
    metric,
    tandem: round(tandem),
    peer,
    peerValue: round(peerValue),
    ratio: round(tandem / peerValue, 3),
    better,
  })
}

const scratch = () => mkdtemp(join(tmpdir(), 'tandem-wal-bench-'))

const lines: string[] = []
for (const appenders of [1, 16, 256]) {
  for (const size of [128, 1024, 16_384]) {
    const runners = [
      await walRunner(await scratch(), appenders, size),
      await rawRunner(await scratch(), appenders, size),
      await sqliteRunner(await scratch(), appenders, size),
    ]
    // Alternating slices, so drift of a shared machine hits all three alike.
    for (let slice = 0; slice < slices; slice++) for (const runner of runners) await runner.run(sliceMs)
    const [w, r, s] = runners.map((runner) => runner.result()) as [AppendRun, AppendRun, AppendRun]
    for (const runner of runners) await runner.close()
    const label = `append ${appenders} appender${appenders === 1 ? '' : 's'} × ${size} B, sync always`
    add(label, 'ops/s', w.opsPerSecond, RAW, r.opsPerSecond, 'higher')
    add(label, 'ops/s', w.opsPerSecond, SQLITE, s.opsPerSecond, 'higher')
    add(`${label}, p50 latency`, 'ms', w.p50Ms, RAW, r.p50Ms, 'lower')
    add(`${label}, p99 latency`, 'ms', w.p99Ms, RAW, r.p99Ms, 'lower')
    add(`${label}, p50 latency`, 'ms', w.p50Ms, SQLITE, s.p50Ms, 'lower')
    add(`${label}, p99 latency`, 'ms', w.p99Ms, SQLITE, s.p99Ms, 'lower')
    const line = `${label}: wal ${round(w.opsPerSecond, 0)} ops/s (batch ${round(w.batchMean, 1)}, p50 ${round(w.p50Ms)} ms, p99 ${round(w.p99Ms)} ms) | raw ${round(r.opsPerSecond, 0)} (p50 ${round(r.p50Ms)}) | sqlite ${round(s.opsPerSecond, 0)} (p50 ${round(s.p50Ms)})`
    lines.push(line)
    console.log(line)
  }
}

{
  const directory = await scratch()
  const records = await writeLog(directory, recoveryBytes)
  const recoveries: number[] = []
  const reads: number[] = []
  let bytes = 0
  for (let repeat = 0; repeat < 5; repeat++) {
    const read = await timeRawRead(directory)
    reads.push(read.ms)
    bytes = read.bytes
    recoveries.push(await timeRecovery(directory, records))
  }
  await removeLog(directory)
  const label = `recovery of a ${round(bytes / 1024 ** 3, 2)} GiB log (${records} records of 1 KiB)`
  add(label, 'ms', median(recoveries), 'raw sequential read of the files', median(reads), 'lower')
  const line = `${label}: open ${round(median(recoveries), 0)} ms vs raw read ${round(median(reads), 0)} ms`
  lines.push(line)
  console.log(line)
}

const cpu = cpus()[0]?.model ?? 'unknown CPU'
const results = {
  machine: `${cpu} × ${cpus().length}, Node ${process.versions.node}, ${tmpdir()}`,
  date: new Date().toISOString(),
  cases,
}
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
console.log('wrote bench/results.json')
console.log(renderTable(results))
