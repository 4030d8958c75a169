/**
 * Raft benchmark: 3 and 5 nodes in one process over MemoryLogStorage and an in-memory network
 * (messages handed over in a microtask, not serialized — as in openraft's in-process benchmark).
 * N concurrent proposers each propose 256-byte commands back to back through the leader; we
 * report committed writes per second (a write counts when its proposal resolves, i.e. after it is
 * committed by a quorum and applied on the leader) and p50/p99 commit latency.
 *
 * openraft's published figures (M1 Max: 33,000/s at 1 client, 912,000/s at 64, 3,006,000/s at
 * 1,024) are on other hardware, so the peer column is null; targets come from shared/targets.md.
 *
 * Run: pnpm --filter @tandem/raft bench   (builds nothing: run `pnpm exec tsc -b packages/raft` first)
 */

import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { systemClock } from '@tandem/base/system'
import {
  type Clock,
  MemoryLogStorage,
  MemoryNetwork,
  RaftNode,
  Role,
  SeededRandom,
  type StateMachine,
} from '@tandem/raft'

const caseSeconds = Number(process.env.RAFT_BENCH_SECONDS ?? 3)
const commandBytes = 256

const clock: Clock = systemClock()

/** A state machine that counts: the benchmark measures Raft, not the application. */
function countingStateMachine(): StateMachine<number> {
  let applied = 0
  return {
    apply: (commands) => {
      const results = new Array<number>(commands.length)
      for (let i = 0; i < commands.length; i++) results[i] = ++applied
      return results
    },
    snapshot: () => {
      const bytes = new Uint8Array(8)
      new DataView(bytes.buffer).setFloat64(0, applied)
      return bytes
    },
    restore: (data) => {
      applied = data.length === 8 ? new DataView(data.buffer, data.byteOffset).getFloat64(0) : 0
    },
  }
}

async function startCluster(size: number): Promise<{ nodes: RaftNode<number>[]; leader: RaftNode<number> }> {
  // Deliver in macrotasks, so that timers (ticks, the end of a case) run under sustained load.
  const network = new MemoryNetwork({ schedule: (deliver) => setImmediate(deliver) })
  const ids = Array.from({ length: size }, (_, i) => `node-${i + 1}`)
  const nodes = ids.map(
    (id, i) =>
      new RaftNode<number>({
        id,
        storage: new MemoryLogStorage({ voters: ids }),
        transport: network.transport(id),
        snapshotTransport: network.snapshotTransport(id),
        stateMachine: countingStateMachine(),
        clock,
        random: new SeededRandom(1000 + i),
        tickMs: 50,
        electionTicks: 10,
        // Keep the in-memory log bounded during long runs; snapshots of a counter are cheap.
        snapshotEntriesThreshold: 100_000,
        proposalTimeoutMs: 30_000,
      }),
  )
  for (const node of nodes) await node.start()
  nodes[0]?.campaign()
  const deadline = performance.now() + 10_000
  for (;;) {
    const leader = nodes.find((node) => node.status().role === Role.Leader)
    if (leader !== undefined) return { nodes, leader }
    if (performance.now() > deadline) throw new Error('no leader elected within 10 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

interface Measurement {
  commitsPerSecond: number
  p50Ms: number
  p99Ms: number
  commits: number
}

async function measure(leader: RaftNode<number>, proposers: number, seconds: number): Promise<Measurement> {
  const command = new Uint8Array(commandBytes).fill(7)
  const latencies: number[] = []
  let commits = 0
  const endAt = performance.now() + seconds * 1000
  const proposer = async () => {
    while (performance.now() < endAt) {
      const started = performance.now()
      await leader.propose(command)
      latencies.push(performance.now() - started)
      commits++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: proposers }, proposer))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0
  return { commitsPerSecond: commits / elapsed, p50Ms: percentile(0.5), p99Ms: percentile(0.99), commits }
}

interface Case {
  case: string
  metric: 'ops/s' | 'ms'
  tandem: number
  peer: null
  peerValue: null
  ratio: null
  better: 'higher' | 'lower'
  target?: number
  targetRatio?: number
}

const targets: Record<string, number> = { '3-1': 50_000, '3-1024': 1_000_000 }
const round = (value: number, digits: number) => Number(value.toFixed(digits))

async function main(): Promise<void> {
  const cases: Case[] = []
  for (const size of [3, 5]) {
    const { nodes, leader } = await startCluster(size)
    // Warm up the JIT and the log.
    await measure(leader, 64, 0.5)
    for (const proposers of [1, 64, 1024]) {
      const result = await measure(leader, proposers, caseSeconds)
      const name = `${size} nodes, ${proposers} proposer${proposers === 1 ? '' : 's'}, ${commandBytes} B`
      const target = targets[`${size}-${proposers}`]
      const throughput: Case = {
        case: `${name}: committed writes/s`,
        metric: 'ops/s',
        tandem: Math.round(result.commitsPerSecond),
        peer: null,
        peerValue: null,
        ratio: null,
        better: 'higher',
      }
      if (target !== undefined) {
        throughput.target = target
        throughput.targetRatio = round(result.commitsPerSecond / target, 3)
      }
      cases.push(throughput)
      cases.push({
        case: `${name}: p50 commit latency`,
        metric: 'ms',
        tandem: round(result.p50Ms, 3),
        peer: null,
        peerValue: null,
        ratio: null,
        better: 'lower',
      })
      cases.push({
        case: `${name}: p99 commit latency`,
        metric: 'ms',
        tandem: round(result.p99Ms, 3),
        peer: null,
        peerValue: null,
        ratio: null,
        better: 'lower',
      })
      console.log(
        `${name}: ${Math.round(result.commitsPerSecond).toLocaleString('en-US')} writes/s, p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms (${result.commits} commits)`,
      )
    }
    for (const node of nodes) await node.stop()
  }
  const cpu = cpus()
  const results = {
    machine: `${cpu[0]?.model ?? 'unknown cpu'} × ${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    date: new Date().toISOString(),
    cases,
  }
  const here = dirname(fileURLToPath(import.meta.url))
  writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.log(`wrote ${join(here, 'results.json')}`)
}

await main()
