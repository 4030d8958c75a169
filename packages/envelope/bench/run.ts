import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { generateSigningKey, KeyRing, Opener, Sealer, writerPublicKey } from '@tandem/envelope'
import { nativeOpenAll, nativeSealAll } from './native.ts'

// Seal and open throughput of @tandem/envelope beside node:crypto's native ChaCha20-Poly1305 in the
// same process. Run: pnpm --filter @tandem/envelope bench  (writes bench/results.json)

const PEER = 'node:crypto chacha20-poly1305'
const sizes = [128, 1024, 16_384]
const modes = [
  { name: 'per-entry signed', batch: 1 },
  { name: 'batch-signed 64', batch: 64 },
  { name: 'batch-signed 1024', batch: 1024 },
] as const
const runMs = Number(process.env.BENCH_RUN_MS ?? 300)
const repeats = Number(process.env.BENCH_REPEATS ?? 5)

interface Case {
  case: string
  metric: 'ops/s' | 'MB/s'
  tandem: number
  peer: string | null
  peerValue: number | null
  ratio: number | null
  better: 'higher' | 'lower'
}

/** A measured step: each call processes some entries and returns how many. */
interface Measurement {
  readonly step: () => number
  readonly rates: number[]
}

function measurement(step: () => number): Measurement {
  step() // warm-up
  return { step, rates: [] }
}

/** Runs one step for `runMs` and records entries/s. */
function runOnce(m: Measurement): void {
  let entries = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < runMs) {
    entries += m.step()
    elapsed = performance.now() - start
  }
  m.rates.push((entries * 1000) / elapsed)
}

/**
 * Runs every measurement of one entry size in turn, `repeats` rounds, so that the shared machine's
 * load falls on Tandem and on the native peer alike; each figure is the median of its rounds.
 */
function runInterleaved(measurements: readonly Measurement[]): void {
  for (let r = 0; r < repeats; r++) for (const m of measurements) runOnce(m)
}

function median(m: Measurement): number {
  const sorted = [...m.rates].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const clusterId = new TextEncoder().encode('bench-cluster')
const stream = new TextEncoder().encode('bench-stream')
const signingKey = generateSigningKey()
const ring = new KeyRing({ clusterId })
ring.addWriter(writerPublicKey(signingKey))
ring.addEpoch(1, randomBytes(32))
const sealer = new Sealer({ keyRing: ring, signingKey })
// The signature cache is off for whole-batch and per-entry opening, so that reopening the same bytes
// in a loop pays for every signature as fresh traffic would.
const coldOpener = new Opener({ keyRing: ring, signatureCacheEntries: 0 })
const warmOpener = new Opener({ keyRing: ring })
const nativeKey = randomBytes(32)
const nativeAd = randomBytes(72) // about the size of the associated data an envelope binds

const cases: Case[] = []
const rows: string[] = []
const round = (n: number) => Math.round(n * 100) / 100
const count = (n: number) => Math.round(n).toLocaleString('en')
function push(name: string, metric: Case['metric'], tandem: number, peerValue: number | null) {
  cases.push({
    case: name,
    metric,
    tandem: round(tandem),
    peer: peerValue === null ? null : PEER,
    peerValue: peerValue === null ? null : round(peerValue),
    ratio: peerValue === null ? null : round(tandem / peerValue),
    better: 'higher',
  })
}

for (const size of sizes) {
  const payload = randomBytes(size)
  const nativePayloads = Array.from({ length: 64 }, () => payload)
  const nativeSealed = nativeSealAll(nativeKey, nativeAd, nativePayloads)
  const nativeSeal = measurement(() => nativeSealAll(nativeKey, nativeAd, nativePayloads).length)
  const nativeOpen = measurement(() => nativeOpenAll(nativeKey, nativeAd, nativeSealed).length)
  const perMode = modes.map((mode) => {
    const entries = Array.from({ length: mode.batch }, (_, i) => ({ sequence: i + 1, payload }))
    // Distinct batches to open, more of them than the opener's signature cache holds.
    const pool = Array.from({ length: mode.batch === 1 ? 64 : 32 }, () => sealer.sealBatch(stream, entries))
    let next = 0
    const seal = measurement(() => sealer.sealBatch(stream, entries).length)
    const open =
      mode.batch === 1
        ? measurement(() => {
            coldOpener.open(stream, (pool[next++ % pool.length] as Uint8Array[])[0] as Uint8Array)
            return 1
          })
        : measurement(() => coldOpener.openBatch(stream, pool[next++ % pool.length] as Uint8Array[]).length)
    // Entries split from their batch and opened one by one: each checks its own proof, and the batch
    // signature is verified once per batch thanks to the cache, as a follower receiving them would.
    let entryIndex = 0
    let batchIndex = 0
    const alone =
      mode.batch === 1
        ? undefined
        : measurement(() => {
            const batch = pool[batchIndex % pool.length] as Uint8Array[]
            warmOpener.open(stream, batch[entryIndex] as Uint8Array)
            entryIndex++
            if (entryIndex === batch.length) {
              entryIndex = 0
              batchIndex++
            }
            return 1
          })
    return { mode, seal, open, alone }
  })
  runInterleaved([
    nativeSeal,
    nativeOpen,
    ...perMode.flatMap((m) => (m.alone === undefined ? [m.seal, m.open] : [m.seal, m.open, m.alone])),
  ])

  const nSeal = median(nativeSeal)
  const nOpen = median(nativeOpen)
  const nBoth = 1 / (1 / nSeal + 1 / nOpen)
  const mb = (entriesPerSec: number) => (entriesPerSec * size) / 1e6
  for (const { mode, seal: sealM, open: openM, alone: aloneM } of perMode) {
    const seal = median(sealM)
    const open = median(openM)
    const both = 1 / (1 / seal + 1 / open)
    const label = `${size} B, ${mode.name}`
    push(`seal ${label}`, 'ops/s', seal, nSeal)
    push(`seal ${label}`, 'MB/s', mb(seal), mb(nSeal))
    push(`open ${label}`, 'ops/s', open, nOpen)
    push(`open ${label}`, 'MB/s', mb(open), mb(nOpen))
    push(`seal+open ${label}`, 'ops/s', both, nBoth)
    rows.push(
      `| ${size} B | ${mode.name} | ${count(seal)} | ${mb(seal).toFixed(1)} | ${count(open)} | ${mb(open).toFixed(1)} | ${count(both)} | ${count(nBoth)} | ${(nBoth / both).toFixed(2)}× |`,
    )
    if (aloneM !== undefined) {
      const alone = median(aloneM)
      push(`open alone after split ${label}`, 'ops/s', alone, nOpen)
      rows.push(
        `| ${size} B | ${mode.name}, opened one by one | | | ${count(alone)} | ${mb(alone).toFixed(1)} | | | |`,
      )
    }
  }
  rows.push(
    `| ${size} B | *native encryption alone* | ${count(nSeal)} | ${mb(nSeal).toFixed(1)} | ${count(nOpen)} | ${mb(nOpen).toFixed(1)} | ${count(nBoth)} | | |`,
  )
  console.log(`${size} B done`)
}

const cpu = cpus()
const machine = `${cpu[0]?.model ?? 'unknown cpu'} × ${cpu.length}, Node ${process.versions.node}`
const results = { machine, date: new Date().toISOString(), cases }
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
const header = [
  '| entry | signing | seal entries/s | seal MB/s | open entries/s | open MB/s | seal+open entries/s | native seal+open entries/s | time vs native |',
  '|---|---|---|---|---|---|---|---|---|',
]
writeFileSync(new URL('./results.md', import.meta.url), `${machine}\n\n${[...header, ...rows].join('\n')}\n`)
console.log(`\n${machine}\n${[...header, ...rows].join('\n')}`)
