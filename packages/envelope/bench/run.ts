import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import {
  BatchOpener,
  BatchSealer,
  type CryptoProvider,
  generateSigningKey,
  KeyRing,
  Opener,
  pureCryptoProvider,
  Sealer,
  writerPublicKey,
} from '@tandem/envelope'
import { nodeCryptoProvider } from '@tandem/envelope/node'
import { nativeOpenAll, nativeSealAll } from './node-crypto-peer.ts'
import { countWrites, packWrites, SodiumBatchPeer } from './sealed-batch.ts'
import { SodiumPeer } from './sodium-peer.ts'

// Seal and open throughput of @tandem/envelope with both crypto providers, beside two peers in the
// same process: libsodium (sodium-native) doing the same sealing and signing by hand, and
// node:crypto's ChaCha20-Poly1305 doing the encryption alone.
// Run: pnpm --filter @tandem/envelope bench   (writes bench/results.json, bench/results.md and the
// table in the README)
//
// Rates are entries per CPU-second of this process (process.cpuUsage, every thread, GC included),
// not per wall-clock second: the machine is shared, and CPU time charges each side only for its own
// work. Each figure is the median of `BENCH_REPEATS` interleaved rounds of `BENCH_RUN_MS` each.
// `BENCH_SIZES=1024 BENCH_PROVIDERS=node` narrows a run while profiling.

const SODIUM_PEER = 'libsodium (sodium-native), hand-written'
const NODE_PEER = 'node:crypto chacha20-poly1305 alone'
const sizes = (process.env.BENCH_SIZES ?? '128,1024,16384').split(',').map(Number)
const modes = [
  { name: 'per-entry signed', batch: 1 },
  { name: 'batch-signed 64', batch: 64 },
  { name: 'batch-signed 1024', batch: 1024 },
] as const
const providers: readonly CryptoProvider[] = [nodeCryptoProvider, pureCryptoProvider].filter((provider) =>
  (process.env.BENCH_PROVIDERS ?? 'node,pure').split(',').includes(provider.name),
)
const runMs = Number(process.env.BENCH_RUN_MS ?? 150)
const repeats = Number(process.env.BENCH_REPEATS ?? 5)

interface Case {
  case: string
  metric: 'ops/s'
  tandem: number
  peer: string | null
  peerValue: number | null
  ratio: number | null
  better: 'higher'
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

const cpuMicros = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

/** Runs one step for at least `runMs` of wall time and records entries per CPU-second. */
function runOnce(m: Measurement): void {
  let entries = 0
  const wallStart = performance.now()
  const cpuStart = cpuMicros()
  while (performance.now() - wallStart < runMs) entries += m.step()
  m.rates.push((entries * 1e6) / Math.max(1, cpuMicros() - cpuStart))
}

/** Every measurement of one entry size in turn, `repeats` rounds: the load falls on all alike. */
function runInterleaved(measurements: readonly Measurement[]): void {
  for (let r = 0; r < repeats; r++) for (const m of measurements) runOnce(m)
}

function median(m: Measurement): number {
  const sorted = [...m.rates].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** Entries/s of seal then open, from the two rates. */
const both = (seal: number, open: number) => 1 / (1 / seal + 1 / open)

const clusterId = new TextEncoder().encode('bench-cluster')
const stream = new TextEncoder().encode('bench-stream')
const signingKey = generateSigningKey()
const clusterSecret = randomBytes(32)
const peerKey = randomBytes(32)
const peerAd = randomBytes(72) // about the size of the associated data an envelope binds
const sodiumPeer = new SodiumPeer(peerKey, signingKey, peerAd)

function setup(provider: CryptoProvider) {
  const ring = new KeyRing({ clusterId, cryptoProvider: provider })
  ring.addWriter(writerPublicKey(signingKey, provider))
  ring.addEpoch(1, clusterSecret)
  return {
    sealer: new Sealer({ keyRing: ring, signingKey, cryptoProvider: provider }),
    // No signature cache when whole batches or single entries are reopened in a loop, so that
    // every signature is paid for as fresh traffic would.
    coldOpener: new Opener({ keyRing: ring, signatureCacheEntries: 0, cryptoProvider: provider }),
    // Entries split from their batch and opened one by one, as a follower applying Raft entries:
    // the batch signature is checked once per batch (a one-entry cache, batches taken in turn).
    splitOpener: new Opener({ keyRing: ring, signatureCacheEntries: 1, cryptoProvider: provider }),
  }
}
const setups = new Map(providers.map((provider) => [provider, setup(provider)]))

const cases: Case[] = []
const rows: string[] = []
const round = (n: number) => Math.round(n * 100) / 100
const count = (n: number) => Math.round(n).toLocaleString('en')
function push(name: string, tandem: number, peer: string | null, peerValue: number | null) {
  cases.push({
    case: name,
    metric: 'ops/s',
    tandem: round(tandem),
    peer,
    peerValue: peerValue === null ? null : round(peerValue),
    ratio: peerValue === null ? null : round(tandem / peerValue),
    better: 'higher',
  })
}

const startedMs = performance.now()
for (const size of sizes) {
  const payload = randomBytes(size)
  const nativePayloads = Array.from({ length: 64 }, () => payload)
  const nativeSealed = nativeSealAll(peerKey, peerAd, nativePayloads)
  const nativeSeal = measurement(() => nativeSealAll(peerKey, peerAd, nativePayloads).length)
  const nativeOpen = measurement(() => nativeOpenAll(peerKey, peerAd, nativeSealed).length)
  const measured: Measurement[] = [nativeSeal, nativeOpen]

  const peerModes = modes.map((mode) => {
    const payloads = Array.from({ length: mode.batch }, () => payload)
    const sealed = sodiumPeer.seal(payloads)
    const seal = measurement(() => sodiumPeer.seal(payloads).entries.length)
    const open = measurement(() => sodiumPeer.open(sealed).length)
    measured.push(seal, open)
    return { seal, open }
  })

  const tandemModes = providers.flatMap((provider) => {
    const { sealer, coldOpener, splitOpener } = setups.get(provider) as ReturnType<typeof setup>
    return modes.map((mode, modeIndex) => {
      const entries = Array.from({ length: mode.batch }, (_, i) => ({ sequence: i + 1, payload }))
      const batches = mode.batch === 1 ? 64 : mode.batch === 64 ? 4 : 2
      const pool = Array.from({ length: batches }, () => sealer.sealBatch(stream, entries))
      let next = 0
      const seal = measurement(() => sealer.sealBatch(stream, entries).length)
      const open =
        mode.batch === 1
          ? measurement(() => {
              coldOpener.open(stream, (pool[next++ % pool.length] as Uint8Array[])[0] as Uint8Array)
              return 1
            })
          : measurement(() => coldOpener.openBatch(stream, pool[next++ % pool.length] as Uint8Array[]).length)
      let entryIndex = 0
      let batchIndex = 0
      const split =
        mode.batch === 1
          ? undefined
          : measurement(() => {
              const batch = pool[batchIndex % pool.length] as Uint8Array[]
              splitOpener.open(stream, batch[entryIndex] as Uint8Array)
              entryIndex++
              if (entryIndex === batch.length) {
                entryIndex = 0
                batchIndex++
              }
              return 1
            })
      measured.push(seal, open, ...(split === undefined ? [] : [split]))
      return { provider, mode, modeIndex, seal, open, split }
    })
  })

  runInterleaved(measured)

  const nativeBoth = both(median(nativeSeal), median(nativeOpen))
  for (const { provider, mode, modeIndex, seal: sealM, open: openM, split: splitM } of tandemModes) {
    const peer = peerModes[modeIndex] as (typeof peerModes)[number]
    const peerSeal = median(peer.seal)
    const peerOpen = median(peer.open)
    const peerBoth = both(peerSeal, peerOpen)
    const seal = median(sealM)
    const open = median(openM)
    const sealOpen = both(seal, open)
    const label = `${size} B, ${mode.name}, ${provider.name} provider`
    push(`seal ${label}`, seal, SODIUM_PEER, peerSeal)
    push(`open ${label}`, open, SODIUM_PEER, peerOpen)
    push(`seal+open ${label}`, sealOpen, SODIUM_PEER, peerBoth)
    push(`seal+open ${label}`, sealOpen, NODE_PEER, nativeBoth)
    const split = splitM === undefined ? undefined : median(splitM)
    if (split !== undefined) push(`open one by one after the split ${label}`, split, null, null)
    rows.push(
      `| ${size} B | ${mode.name} | ${provider.name} | ${count(seal)} | ${count(open)} | ${split === undefined ? '' : count(split)} | ${count(sealOpen)} | ${count(peerBoth)} | ${(sealOpen / peerBoth).toFixed(2)} | ${count(nativeBoth)} | ${(sealOpen / nativeBoth).toFixed(2)} |`,
    )
  }
  console.log(`${size} B done (${Math.round((performance.now() - startedMs) / 1000)} s)`)
}

// Sealed batches (BatchSealer / BatchOpener): the hybrid node's unit — one envelope per batch whose
// payload is the batch's packed writes (bench/sealed-batch.ts). Entries here are the writes of a
// batch; the peer is libsodium doing the same work by hand.
const SODIUM_BATCH_PEER = 'libsodium (sodium-native), hand-written, one AEAD + one signature per batch'
const batchRows: string[] = []
const batchHeader = new Uint8Array(48).fill(7) // about the node's signed batch header
const sodiumBatchPeer = new SodiumBatchPeer(peerKey, signingKey)
for (const size of sizes) {
  const payload = randomBytes(size)
  const measured: Measurement[] = []
  const perWrites = [64, 1024].map((writes) => {
    const packed = packWrites(Array.from({ length: writes }, () => payload))
    const peerSealed = sodiumBatchPeer.seal(batchHeader, packed)
    const peerSeal = measurement(() => {
      sodiumBatchPeer.seal(batchHeader, packed)
      return writes
    })
    const peerOpen = measurement(() => sodiumBatchPeer.open(batchHeader, peerSealed))
    measured.push(peerSeal, peerOpen)
    const tandem = providers.map((provider) => {
      const ring = new KeyRing({ clusterId, cryptoProvider: provider })
      ring.addWriter(writerPublicKey(signingKey, provider))
      ring.addEpoch(1, clusterSecret)
      const sealer = new BatchSealer({ keyRing: ring, signingKey, cryptoProvider: provider })
      // No signature cache: every batch opened pays its verification, as fresh traffic would.
      const opener = new BatchOpener({ keyRing: ring, signatureCacheEntries: 0, cryptoProvider: provider })
      const sealed = sealer.sealBatch(batchHeader, packed)
      const seal = measurement(() => {
        sealer.sealBatch(batchHeader, packed)
        return writes
      })
      const open = measurement(() => countWrites(opener.openBatch(sealed).payload))
      measured.push(seal, open)
      return { provider, seal, open }
    })
    return { writes, peerSeal, peerOpen, tandem }
  })
  runInterleaved(measured)
  for (const { writes, peerSeal, peerOpen, tandem } of perWrites) {
    const peerBoth = both(median(peerSeal), median(peerOpen))
    for (const { provider, seal: sealM, open: openM } of tandem) {
      const seal = median(sealM)
      const open = median(openM)
      const sealOpen = both(seal, open)
      const label = `${size} B, sealed batch of ${writes}, ${provider.name} provider`
      push(`seal ${label}`, seal, SODIUM_BATCH_PEER, median(peerSeal))
      push(`open ${label}`, open, SODIUM_BATCH_PEER, median(peerOpen))
      push(`seal+open ${label}`, sealOpen, SODIUM_BATCH_PEER, peerBoth)
      batchRows.push(
        `| ${size} B | ${writes} | ${provider.name} | ${count(seal)} | ${count(open)} | ${count(sealOpen)} | ${count(peerBoth)} | ${(sealOpen / peerBoth).toFixed(2)} |`,
      )
    }
  }
  console.log(`${size} B sealed batches done (${Math.round((performance.now() - startedMs) / 1000)} s)`)
}

const cpu = cpus()
const machine = `${cpu[0]?.model ?? 'unknown cpu'} × ${cpu.length}, Node ${process.versions.node}`
const results = { machine, date: new Date().toISOString(), cases }
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
const header = [
  '| entry | signing | provider | seal entries/s | open entries/s | open one by one entries/s | seal+open entries/s | libsodium peer seal+open entries/s | ratio vs libsodium | node:crypto alone seal+open entries/s | ratio vs node:crypto |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
]
const batchTableHeader = [
  '| write | writes per sealed batch | provider | seal writes/s | open writes/s | seal+open writes/s | libsodium peer seal+open writes/s | ratio vs libsodium |',
  '|---|---|---|---|---|---|---|---|',
]
const table = `${machine}\n\nPer-entry envelopes under a batch signature (Sealer / Opener):\n\n${[...header, ...rows].join('\n')}\n\nSealed batches, one envelope per batch (BatchSealer / BatchOpener; the hybrid node's unit):\n\n${[...batchTableHeader, ...batchRows].join('\n')}\n`
writeFileSync(new URL('./results.md', import.meta.url), table)
console.log(`\n${table}`)

// The README's table and target status come from a full run only (every size, both providers).
const headline = (peer: string) =>
  cases.find((c) => c.case === 'seal+open 1024 B, batch-signed 1024, node provider' && c.peer === peer)
const vsSodium = headline(SODIUM_PEER)
if (sizes.length === 3 && providers.length === 2 && vsSodium !== undefined) {
  const day = results.date.slice(0, 10)
  const met = (ok: boolean) => (ok ? 'met' : '**not met**')
  const targets = [
    `Targets (../../shared/targets.md), seal+open of 1 KiB entries batch-signed by 1,024, Node provider (${day}):`,
    '',
    '| target | measured | ratio | status |',
    '|---|---|---|---|',
    `| ≥ 100,000 entries/s | ${count(vsSodium.tandem)} entries/s | ${(vsSodium.tandem / 100_000).toFixed(2)} of the target | ${met(vsSodium.tandem >= 100_000)} |`,
    `| no slower than the hand-written libsodium peer | ${count(vsSodium.tandem)} vs ${count(vsSodium.peerValue ?? 0)} entries/s | ${(vsSodium.ratio ?? 0).toFixed(2)}× | ${met((vsSodium.ratio ?? 0) >= 1)} |`,
  ]
  const batched = cases.find(
    (c) => c.case === 'seal+open 1024 B, sealed batch of 1024, node provider' && c.peer === SODIUM_BATCH_PEER,
  )
  if (batched !== undefined) {
    targets.push(
      `| ≥ 100,000 entries/s, sealed as the node seals (one envelope per batch of 1,024) | ${count(batched.tandem)} writes/s | ${(batched.tandem / 100_000).toFixed(2)} of the target | ${met(batched.tandem >= 100_000)} |`,
      `| no slower than libsodium doing the same by hand (one AEAD + one signature per batch) | ${count(batched.tandem)} vs ${count(batched.peerValue ?? 0)} writes/s | ${(batched.ratio ?? 0).toFixed(2)}× | ${met((batched.ratio ?? 0) >= 1)} |`,
    )
  }
  const readmeUrl = new URL('../README.md', import.meta.url)
  const readme = readFileSync(readmeUrl, 'utf8')
  const block = `<!-- bench:start -->\n${table}\n${targets.join('\n')}\n<!-- bench:end -->`
  writeFileSync(readmeUrl, readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block))
}
