/**
 * The node benchmark: real processes on 127.0.0.1, fsync on, load generated inside the node
 * processes. Cases: strong writes of 256 B at 1 client (on the leader) and at 64 clients (spread
 * over the three nodes; followers forward) on a three-process cluster; eventual writes of 256 B on
 * one node at 64 clients; the time a strong write takes to reject with NoQuorumError on a node
 * whose two peers were killed. Writes bench/results.json.
 *
 *   pnpm exec tsc -b packages/node && pnpm exec node packages/node/bench/cluster.ts
 *
 * BENCH_MS sets each load's duration (default 5,000 ms); BENCH_PROFILE=<dir> writes a CPU profile of
 * each node process there; BENCH_CASES=strong|eventual runs one half.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeIdentity } from '@tandem/node'

const durationMs = Number(process.env.BENCH_MS ?? 5_000)
const child = join(import.meta.dirname, 'bench-node.ts')

interface Answer {
  readonly id: number
  readonly ok: boolean
  readonly value?: unknown
  readonly error?: string
}
interface LoadResult {
  readonly writes: number
  readonly seconds: number
  readonly p50: number
  readonly p99: number
  readonly errors: Record<string, number>
}

class BenchNode {
  readonly #process: ChildProcess
  readonly #pending = new Map<number, (answer: Answer) => void>()
  #next = 1
  memberId = ''

  private constructor(process: ChildProcess) {
    this.#process = process
    process.on('message', (message: Answer | { ready: true; memberId: string }) => {
      if ('id' in message) {
        this.#pending.get(message.id)?.(message)
        this.#pending.delete(message.id)
      }
    })
  }

  static async start(config: object): Promise<BenchNode> {
    // BENCH_PROFILE=<dir>: each node process writes a V8 CPU profile there when it exits.
    const profile = globalThis.process.env.BENCH_PROFILE
    const process = fork(child, [JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`],
    })
    const node = new BenchNode(process)
    node.memberId = await new Promise<string>((resolve, reject) => {
      process.once('exit', (code) => reject(new Error(`bench node exited during start (${code})`)))
      process.on('message', (message: { ready?: true; memberId?: string }) => {
        if (message.ready === true) resolve(message.memberId as string)
      })
    })
    return node
  }

  async ask<T>(request: object, retryMs = 0): Promise<T> {
    const deadline = performance.now() + retryMs
    for (;;) {
      const id = this.#next++
      const answer = await new Promise<Answer>((resolve) => {
        this.#pending.set(id, resolve)
        this.#process.send({ id, request })
      })
      if (answer.ok) return answer.value as T
      if (performance.now() > deadline) throw new Error(answer.error)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  kill(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()))
    this.#process.kill('SIGKILL')
    return exited
  }

  async stop(): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()))
    this.#process.kill('SIGTERM')
    const force = setTimeout(() => this.#process.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(force)
  }
}

async function threeNodes(base: string): Promise<BenchNode[]> {
  const first = await BenchNode.start({ dataDir: join(base, 'n0'), init: true })
  const nodes = [first]
  for (const name of ['n1', 'n2']) {
    const { memberId } = await nodeIdentity(join(base, name))
    const joinOptions = await first.ask({ kind: 'add-learner', memberId }, 30_000)
    nodes.push(await BenchNode.start({ dataDir: join(base, name), join: joinOptions }))
    await first.ask({ kind: 'promote', memberId }, 30_000)
  }
  return nodes
}

async function leaderOf(nodes: readonly BenchNode[]): Promise<BenchNode> {
  for (;;) {
    const statuses = await Promise.all(
      nodes.map((node) =>
        node.ask<{ leader: string | null; voters: number; memberId: string }>({ kind: 'status' }),
      ),
    )
    const leader = nodes.find((node) =>
      statuses.every((status) => status.leader === node.memberId && status.voters === 3),
    )
    if (leader !== undefined) return leader
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function load(node: BenchNode, consistency: 'strong' | 'eventual', clients: number): Promise<LoadResult> {
  return node.ask<LoadResult>({ kind: 'load', consistency, clients, durationMs, valueBytes: 256 })
}

const rows: {
  case: string
  metric: string
  tandem: number
  peer: null
  peerValue: null
  ratio: null
  better: string
}[] = []
function record(name: string, metric: string, value: number, better: 'higher' | 'lower'): void {
  rows.push({
    case: name,
    metric,
    tandem: Math.round(value * 100) / 100,
    // No peer in this run: etcd is measured side by side by the etcd benchmark (its own issue).
    peer: null,
    peerValue: null,
    ratio: null,
    better,
  })
  process.stdout.write(`${name.padEnd(64)} ${String(Math.round(value * 100) / 100).padStart(10)} ${metric}\n`)
}

const base = await mkdtemp(join(tmpdir(), 'tandem-node-bench-'))
const started: BenchNode[] = []
const cases = process.env.BENCH_CASES ?? 'strong,eventual'
try {
  if (cases.includes('strong')) await strongCases()
  if (cases.includes('eventual')) await eventualCases()
} finally {
  for (const node of started) await node.stop().catch(() => undefined)
  await rm(base, { recursive: true, force: true })
}

async function strongCases(): Promise<void> {
  // Strong writes on three processes.
  const nodes = await threeNodes(join(base, 'strong'))
  started.push(...nodes)
  const leader = await leaderOf(nodes)
  await load(leader, 'strong', 1) // warm-up: declarations, connections, JIT
  const one = await load(leader, 'strong', 1)
  record(
    'strong 256 B, 3 processes, fsync, 1 client on the leader',
    'writes/s',
    one.writes / one.seconds,
    'higher',
  )
  record('strong 256 B, 3 processes, fsync, 1 client, p50', 'ms', one.p50, 'lower')
  record('strong 256 B, 3 processes, fsync, 1 client, p99', 'ms', one.p99, 'lower')
  const split = [22, 21, 21]
  const many = await Promise.all(nodes.map((node, i) => load(node, 'strong', split[i] as number)))
  const writes = many.reduce((sum, result) => sum + result.writes, 0)
  const seconds = Math.max(...many.map((result) => result.seconds))
  record('strong 256 B, 3 processes, fsync, 64 clients over 3 nodes', 'writes/s', writes / seconds, 'higher')
  record(
    'strong 256 B, 3 processes, fsync, 64 clients, p50 (worst node)',
    'ms',
    Math.max(...many.map((r) => r.p50)),
    'lower',
  )
  record(
    'strong 256 B, 3 processes, fsync, 64 clients, p99 (worst node)',
    'ms',
    Math.max(...many.map((r) => r.p99)),
    'lower',
  )

  // NoQuorum: the two peers of one node killed; each strong write there rejects after the bound.
  const survivor = nodes.find((node) => node !== leader) as BenchNode
  for (const node of nodes) if (node !== survivor) await node.kill()
  const rejections: number[] = []
  for (let i = 0; i < 3; i++) {
    const answer = await survivor.ask<{ ok: boolean; ms: number; code?: string }>({
      kind: 'strong-once',
      key: `nq${i}`,
    })
    if (!answer.ok && answer.code === 'NODE_NO_QUORUM') rejections.push(answer.ms)
  }
  record(
    'NoQuorumError on a node cut from its two peers, mean of 3',
    'ms',
    rejections.reduce((a, b) => a + b, 0) / Math.max(1, rejections.length),
    'lower',
  )
  await survivor.stop()
}

async function eventualCases(): Promise<void> {
  // Eventual writes on one node.
  const single = await BenchNode.start({ dataDir: join(base, 'eventual'), init: true })
  started.push(single)
  await single.ask({ kind: 'status' }, 10_000)
  await load(single, 'eventual', 64)
  const eventual = await load(single, 'eventual', 64)
  record(
    'eventual 256 B, one node, fsync, 64 clients',
    'writes/s',
    eventual.writes / eventual.seconds,
    'higher',
  )
  record('eventual 256 B, one node, fsync, 64 clients, p99', 'ms', eventual.p99, 'lower')
  const wide = await load(single, 'eventual', 1_000)
  record('eventual 256 B, one node, fsync, 1,000 clients', 'writes/s', wide.writes / wide.seconds, 'higher')
  record('eventual 256 B, one node, fsync, 1,000 clients, p99', 'ms', wide.p99, 'lower')
  await single.stop()
}

// A run of one half (BENCH_CASES) keeps the other half's rows from the file.
const resultsPath = join(import.meta.dirname, 'results.json')
const previous = await readFile(resultsPath, 'utf8')
  .then((text) => (JSON.parse(text) as { cases: typeof rows }).cases)
  .catch(() => [] as typeof rows)
const measured = new Set(rows.map((row) => row.case))
const cpu = cpus()[0]?.model ?? 'unknown CPU'
await writeFile(
  resultsPath,
  `${JSON.stringify(
    {
      machine: `${cpu} × ${cpus().length}, Node ${process.versions.node}, ${tmpdir()}`,
      date: new Date().toISOString(),
      cases: [...previous.filter((row) => !measured.has(row.case)), ...rows],
    },
    null,
    2,
  )}\n`,
)
