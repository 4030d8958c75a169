import { randomBytes } from 'node:crypto'
import { generateSigningKey, KeyRing, Opener, Sealer, writerPublicKey } from '@tandem/envelope'
import { nodeCryptoProvider } from '@tandem/envelope/node'

// A focused loop for profiling (issue 13): seal and open batches of 1,024 entries of 1 KiB with the
// Node provider, reporting CPU microseconds per entry for each half (process.cpuUsage: the machine
// is shared, CPU time charges this process only for its own work).
// Run: pnpm exec tsc -b packages/envelope && (cd packages/envelope && pnpm exec node bench/profile.ts)
// Profile: (cd packages/envelope && pnpm exec node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts)
// PROFILE_ROUNDS (default 5), PROFILE_BATCHES (per round, default 40), PROFILE_ENTRY_BYTES, PROFILE_BATCH.

const rounds = Number(process.env.PROFILE_ROUNDS ?? 5)
const batchesPerRound = Number(process.env.PROFILE_BATCHES ?? 40)
const entryBytes = Number(process.env.PROFILE_ENTRY_BYTES ?? 1024)
const batchSize = Number(process.env.PROFILE_BATCH ?? 1024)

const provider = nodeCryptoProvider
const clusterId = new TextEncoder().encode('bench-cluster')
const stream = new TextEncoder().encode('bench-stream')
const signingKey = generateSigningKey()
const ring = new KeyRing({ clusterId, cryptoProvider: provider })
ring.addWriter(writerPublicKey(signingKey, provider))
ring.addEpoch(1, randomBytes(32))
const sealer = new Sealer({ keyRing: ring, signingKey, cryptoProvider: provider })
const opener = new Opener({ keyRing: ring, signatureCacheEntries: 0, cryptoProvider: provider })
const payload = randomBytes(entryBytes)
const entries = Array.from({ length: batchSize }, (_, i) => ({ sequence: i + 1, payload }))
const pool = Array.from({ length: 4 }, () => sealer.sealBatch(stream, entries))

const cpuMicros = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

const sealUs: number[] = []
const openUs: number[] = []
for (let round = 0; round < rounds; round++) {
  let start = cpuMicros()
  for (let i = 0; i < batchesPerRound; i++) sealer.sealBatch(stream, entries)
  sealUs.push((cpuMicros() - start) / (batchesPerRound * batchSize))
  start = cpuMicros()
  for (let i = 0; i < batchesPerRound; i++) opener.openBatch(stream, pool[i % pool.length] as Uint8Array[])
  openUs.push((cpuMicros() - start) / (batchesPerRound * batchSize))
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const seal = median(sealUs)
const open = median(openUs)
console.log(
  `${entryBytes} B × ${batchSize}: seal ${seal.toFixed(2)} µs, open ${open.toFixed(2)} µs, ` +
    `seal+open ${(seal + open).toFixed(2)} µs/entry = ${Math.round(1e6 / (seal + open)).toLocaleString('en')} entries per CPU-second ` +
    `(rounds: seal ${sealUs.map((v) => v.toFixed(2)).join(' ')}, open ${openUs.map((v) => v.toFixed(2)).join(' ')})`,
)
