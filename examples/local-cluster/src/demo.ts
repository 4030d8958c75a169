/**
 * The local cluster demo: three Tandem nodes as three processes on 127.0.0.1.
 *
 *   pnpm demo            (from the repository root: builds, then runs this file)
 *
 * 1. Found the cluster as an operator would: `init` on node 0, then `addLearner` + `join` + `promote`
 *    for nodes 1 and 2 (each a `createNode` from @tandem/node: libp2p over QUIC/TCP, Raft and the
 *    delta streams on disk, every entry sealed).
 * 2. Strong writes from concurrent clients through every node; a compare-and-set that wins and one that loses.
 * 3. Eventual writes on every node: durable on their writer when acknowledged, merged everywhere.
 * 4. An eventual write on the leader, then the leader killed with SIGKILL right after its
 *    acknowledgement; the two survivors elect a new one and keep taking strong writes.
 * 5. Restart the killed node from its data directory; it catches up, and its eventual write,
 *    acknowledged just before the kill, reaches every node.
 * 6. Check: every acknowledged write is there, on every node; the three committed states are identical.
 *
 * Exits 0 when every check passes, 1 otherwise. `--dir <path>` keeps the data in a directory of
 * your choice (default: a fresh temporary one, removed at the end); `--writes <n>` sets the
 * number of strong writes per phase (default 300).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Cluster, waitFor } from './cluster.ts'
import type { NodeReport, WriteAck } from './protocol.ts'

const { values } = parseArgs({
  options: { dir: { type: 'string' }, writes: { type: 'string', default: '300' } },
})
const writesPerPhase = Number(values.writes)
const baseDir = values.dir ?? (await mkdtemp(join(tmpdir(), 'tandem-demo-')))
const removeAtEnd = values.dir === undefined
const size = 3
const concurrency = 16

function log(line: string): void {
  process.stdout.write(`${line}\n`)
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
}

const cluster = await Cluster.create(baseDir, size)
/** Every acknowledged strong write: key → value. Checked against every node at the end. */
const acknowledged = new Map<string, string>()
let failures = 0

function check(ok: boolean, what: string): void {
  if (!ok) failures++
  log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`)
}

async function leaderOf(nodes: readonly number[]): Promise<number> {
  return waitFor('a leader', async () => {
    const reports = await Promise.all(nodes.map((i) => cluster.status(i)))
    const leader = reports.findIndex((report) => report.role === 'leader')
    if (leader < 0) return null
    // Wait until every node knows who leads, so that clients of every node can write at once.
    const leaderId = reports[leader]?.memberId
    return reports.every((report) => report.leader === leaderId) ? (nodes[leader] ?? null) : null
  })
}

/** Sends `count` puts from `concurrency` clients spread over `nodes`; logs throughput and latency. */
async function strongWrites(phase: string, nodes: readonly number[], count: number): Promise<void> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      for (let n = next++; n < count; n = next++) {
        const key = `${phase}/${n}`
        const value = `v${n}`
        const target = nodes[(client + n) % nodes.length] as number
        const t0 = performance.now()
        const ack = await cluster.requestWithRetry<WriteAck>(target, { kind: 'put', key, value })
        latencies.push(performance.now() - t0)
        if (ack.applied) acknowledged.set(key, value)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1_000
  latencies.sort((a, b) => a - b)
  log(
    `  ${count} strong writes via nodes ${nodes.join(',')} from ${concurrency} clients: ` +
      `${Math.round(count / seconds)} writes/s, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(latencies, 0.99).toFixed(1)} ms (fsync on every batch)`,
  )
}

function describe(report: NodeReport): string {
  return `${report.memberId.slice(-8)} ${report.role.padEnd(9)} term ${report.term} applied ${report.applied} keys ${report.keys} digest ${report.digest.slice(0, 16)}`
}

try {
  log(`Tandem local cluster: ${size} processes on 127.0.0.1, data in ${baseDir}`)
  log('\n1. start')
  await cluster.found()
  const all = [0, 1, 2]
  let leader = await leaderOf(all)
  for (const i of all) log(`  node ${i}: ${describe(await cluster.status(i))}`)
  log(`  leader: node ${leader}`)

  log('\n2. strong writes (Raft: quorum-durable, linearizable)')
  await strongWrites('phase1', all, writesPerPhase)
  const won = await cluster.request<WriteAck>(1, {
    kind: 'cas',
    key: 'config/owner',
    expected: null,
    value: 'node-1',
  })
  const lost = await cluster.request<WriteAck>(2, {
    kind: 'cas',
    key: 'config/owner',
    expected: null,
    value: 'node-2',
  })
  if (won.applied) acknowledged.set('config/owner', 'node-1')
  check(
    won.applied && !lost.applied,
    'compare-and-set: the first insert-if-absent wins, the second is not applied',
  )
  const owner = await cluster.requestWithRetry<string | null>(2, { kind: 'get', key: 'config/owner' })
  check(owner === 'node-1', `a linearizable read on node 2 sees the winner (${owner})`)
  const later = await cluster.requestWithRetry<WriteAck>(0, {
    kind: 'put',
    key: 'config/lease',
    value: 'node-0',
  })
  if (later.applied) acknowledged.set('config/lease', 'node-0')
  log(`  fencing tokens: ${won.fencingToken} < ${later.fencingToken}`)
  check(BigInt(won.fencingToken) < BigInt(later.fencingToken), 'fencing tokens increase with the log')

  log('\n3. eventual writes (CRDT: durable on the writer, then merged with every reachable peer)')
  for (const i of all)
    await cluster.request(i, { kind: 'eventual-set', key: `cursor-${i}`, value: `line ${10 * (i + 1)}` })
  const merged = await waitFor('eventual writes to converge', async () => {
    const views = await Promise.all(
      all.map((i) => cluster.request<Record<string, string>>(i, { kind: 'eventual-read' })),
    )
    const json = views.map((view) => JSON.stringify(Object.entries(view).sort()))
    return json.every((view) => view === json[0]) && Object.keys(views[0] ?? {}).length === size
      ? (views[0] ?? null)
      : null
  })
  check(true, `all ${size} nodes hold the same eventual map: ${JSON.stringify(merged)}`)

  log(`\n4. an eventual write on the leader (node ${leader}), then SIGKILL right after its acknowledgement`)
  const killed = leader
  await cluster.request(killed, { kind: 'eventual-set', key: 'last-words', value: `from node ${killed}` })
  await cluster.kill(killed)
  const survivors = all.filter((i) => i !== killed)
  const killedAt = performance.now()
  leader = await leaderOf(survivors)
  log(`  new leader: node ${leader}, elected ${Math.round(performance.now() - killedAt)} ms after the kill`)
  await strongWrites('phase2', survivors, writesPerPhase)
  await cluster.request(survivors[0] as number, {
    kind: 'eventual-set',
    key: 'while-down',
    value: 'written during the outage',
  })

  log(`\n5. restart node ${killed} from its data directory`)
  await cluster.start(killed)
  const reports = await waitFor('the restarted node to catch up', async () => {
    const all3 = await Promise.all(all.map((i) => cluster.status(i)))
    const applied = all3.map((report) => report.applied)
    return applied.every((value) => value === applied[0]) && all3.every((r) => r.digest === all3[0]?.digest)
      ? all3
      : null
  })
  for (const i of all) log(`  node ${i}: ${describe(reports[i] as NodeReport)}`)

  log('\n6. checks')
  check(
    new Set(reports.map((report) => report.digest)).size === 1,
    'the three state machines are identical (same digest at the same applied index)',
  )
  check(
    reports.every((report) => report.keys === acknowledged.size),
    `every node holds exactly the ${acknowledged.size} acknowledged keys`,
  )
  let missing = 0
  for (const [key, value] of acknowledged) {
    const read = await cluster.requestWithRetry<string | null>(killed, { kind: 'get', key })
    if (read !== value) missing++
  }
  check(
    missing === 0,
    `linearizable reads on the restarted node return every acknowledged write (${acknowledged.size} read, ${missing} wrong)`,
  )
  const view = await waitFor('eventual writes to reach the restarted node', async () => {
    const v = await cluster.request<Record<string, string>>(killed, { kind: 'eventual-read' })
    return v['while-down'] !== undefined ? v : null
  })
  check(
    view['while-down'] === 'written during the outage',
    'the restarted node received the eventual write made while it was down',
  )
  const lastWords = await waitFor('the write acknowledged before the kill to reach every node', async () => {
    const views = await Promise.all(
      all.map((i) => cluster.request<Record<string, string>>(i, { kind: 'eventual-read' })),
    )
    return views.every((v) => v['last-words'] === `from node ${killed}`) ? true : null
  })
  check(
    lastWords,
    'the eventual write acknowledged just before the SIGKILL survived it and reached every node',
  )
} catch (error) {
  failures++
  log(`FAIL ${error instanceof Error ? error.stack : String(error)}`)
} finally {
  await cluster.stop()
  if (removeAtEnd) await rm(baseDir, { recursive: true, force: true })
}

log(failures === 0 ? '\nAll checks passed.' : `\n${failures} check(s) failed.`)
process.exit(failures === 0 ? 0 : 1)
