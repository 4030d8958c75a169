import { randomBytes } from 'node:crypto'

// Paired A/B of seal+open (Node provider) between this checkout's dist/ and another build of the
// package, in one process: the two builds take turns round by round, so that the load of a shared
// machine falls on both alike, and the speed-up reported is the median of the per-round ratios.
//
// Build the other commit's sources into packages/envelope/node_modules/.ab-base (resolvable from
// there: its imports find this package's dependencies), e.g. from the repository root:
//   B=packages/envelope/node_modules/.ab-base; mkdir -p $B && git archive <commit> packages/envelope/src | tar -x -C $B --strip-components=2
//   printf '{"extends":"../../../../tsconfig.base.json","compilerOptions":{"rootDir":"src","outDir":"dist","types":["node"],"composite":false,"incremental":false,"declaration":false,"declarationMap":false},"include":["src"]}' > $B/tsconfig.json
//   pnpm exec tsc -p $B/tsconfig.json && pnpm exec tsc -b packages/envelope
//   (cd packages/envelope && ROUNDS=61 BATCHES=3 pnpm exec node bench/ab.ts)
// ENTRY_BYTES (default 1024) and BATCH (default 1024) choose the case; BASE another build folder.

interface Build {
  readonly KeyRing: typeof import('../src/keyring.ts').KeyRing
  readonly Sealer: typeof import('../src/seal.ts').Sealer
  readonly Opener: typeof import('../src/open.ts').Opener
  readonly writerPublicKey: typeof import('../src/keys.ts').writerPublicKey
  readonly provider: import('../src/provider.ts').CryptoProvider
}

async function load(folder: URL): Promise<Build> {
  const main = await import(new URL('index.js', folder).href)
  const node = await import(new URL('node/index.js', folder).href)
  return { ...main, provider: node.nodeCryptoProvider }
}

const base = await load(new URL(`../${process.env.BASE ?? 'node_modules/.ab-base/dist'}/`, import.meta.url))
const current = await load(new URL('../dist/', import.meta.url))
const rounds = Number(process.env.ROUNDS ?? 61)
const batches = Number(process.env.BATCHES ?? 3)
const entryBytes = Number(process.env.ENTRY_BYTES ?? 1024)
const batchSize = Number(process.env.BATCH ?? 1024)

const clusterId = new TextEncoder().encode('bench-cluster')
const stream = new TextEncoder().encode('bench-stream')
const signingKey = randomBytes(32)
const secret = randomBytes(32)
const payload = randomBytes(entryBytes)
const entries = Array.from({ length: batchSize }, (_, i) => ({ sequence: i + 1, payload }))

function setup(build: Build) {
  const ring = new build.KeyRing({ clusterId, cryptoProvider: build.provider })
  ring.addWriter(build.writerPublicKey(signingKey, build.provider))
  ring.addEpoch(1, secret)
  const sealer = new build.Sealer({ keyRing: ring, signingKey, cryptoProvider: build.provider })
  const opener = new build.Opener({ keyRing: ring, signatureCacheEntries: 0, cryptoProvider: build.provider })
  const pool = Array.from({ length: 4 }, () => sealer.sealBatch(stream, entries))
  return { sealer, opener, pool, sealUs: [] as number[], openUs: [] as number[] }
}

const setups = { base: setup(base), current: setup(current) }
const cpuMicros = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}
for (let round = 0; round < rounds; round++) {
  for (const s of Object.values(setups)) {
    let start = cpuMicros()
    for (let i = 0; i < batches; i++) s.sealer.sealBatch(stream, entries)
    s.sealUs.push((cpuMicros() - start) / (batches * batchSize))
    start = cpuMicros()
    for (let i = 0; i < batches; i++) s.opener.openBatch(stream, s.pool[i % s.pool.length] as Uint8Array[])
    s.openUs.push((cpuMicros() - start) / (batches * batchSize))
  }
}
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const total = (s: (typeof setups)['base'], round: number) =>
  (s.sealUs[round] as number) + (s.openUs[round] as number)
const ratios = setups.base.sealUs.map((_, round) => total(setups.base, round) / total(setups.current, round))
console.log(
  `${entryBytes} B × ${batchSize}: current vs base, paired speed-up (median of ${rounds} rounds) ${median(ratios).toFixed(3)}`,
)
for (const [name, s] of Object.entries(setups)) {
  const seal = median(s.sealUs)
  const open = median(s.openUs)
  console.log(
    `${name}: seal ${seal.toFixed(2)} µs, open ${open.toFixed(2)} µs, seal+open ${(seal + open).toFixed(2)} µs per entry`,
  )
}
