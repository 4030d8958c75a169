/**
 * Issue 14, finding 5: a member flooding the target (thousands of stream opens, hundreds of
 * thousands of tiny valid frames) must leave the other members' heartbeats within their normal
 * range. Real libp2p nodes on 127.0.0.1: an honest member pings the target with small Raft frames
 * (the target echoes them) while a third member floods it; the round trips are printed, and p99
 * must stay under a generous bound that the floods exceeded before the fix.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../src/protocols.js'
import { createRaftTransport } from '../src/raft-transport.js'
import { heartbeat } from './heartbeat.js'
import { Fixture, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const testDir = dirname(fileURLToPath(import.meta.url))
const fixture = new Fixture()
const children: ChildProcess[] = []
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  await fixture.cleanup()
})

const backoff = { delayMsInitial: 10, delayMsMax: 100 }
/**
 * Generous, for a loaded 2-core machine: the normal round trip here is 1–2 ms (p99 up to ~70 ms
 * when other jobs hold the cores); before the fix, 200,000 frames pushed p99 to about 1.5 s.
 */
const P99_BOUND_MS = 500
/**
 * Hoarding is also a bandwidth flood (tens of MiB to decrypt and collect), and a stream-open flood
 * costs libp2p a stream object per announced stream up to the muxer limit, so on two shared cores
 * both stay close to the CPU contention with the flooder (p99 120–610 ms measured); their bound is
 * looser, and what those tests pin is the target's counters: bytes held within the per-peer bound,
 * streams refused before negotiation.
 */
const CONTENDED_P99_BOUND_MS = 1_000

/**
 * Target T, honest member H (both here) and flooder M in a child process of its own; M's id sorts
 * after T's, so T reads every stream M opens.
 */
async function cluster(
  mode: 'frames' | 'opens' | 'hoard',
  count: number,
  partialBytes = 0,
  frameBytesMax?: number,
) {
  const ids = (await fixture.identities(3)).sort((x, y) => (x.nodeId < y.nodeId ? -1 : 1))
  const [t, h, m] = ids
  if (t === undefined || h === undefined || m === undefined) throw new Error('unreachable')
  const members = ids.map((id) => id.nodeId)
  const raft = frameBytesMax === undefined ? {} : { frameBytesMax }
  const target = await fixture.node({ dataDir: t.dataDir, members, listen: TCP_ONLY, backoff, raft })
  const peers = { [t.nodeId]: target.multiaddrs() }
  const honest = await fixture.node({ dataDir: h.dataDir, members, listen: TCP_ONLY, backoff, peers })
  const targetRaft = createRaftTransport(raftOf(target))
  const honestRaft = createRaftTransport(raftOf(honest))
  let flooded = 0
  targetRaft.onMessage((message) => {
    if (message.from === h.nodeId) targetRaft.send([heartbeat(t.nodeId, h.nodeId, message.term)])
    else flooded++
  })
  const echoes = new Map<number, () => void>()
  honestRaft.onMessage((message) => echoes.get(message.term)?.())
  let term = 0
  /** One round trip H → T → H, in ms. */
  const ping = async (): Promise<number> => {
    term++
    const started = performance.now()
    const echoed = new Promise<void>((resolve) => echoes.set(term, resolve))
    honestRaft.send([heartbeat(h.nodeId, t.nodeId, term)])
    await echoed
    echoes.delete(term)
    return performance.now() - started
  }
  const flooder = await startFlooder({
    dataDir: m.dataDir,
    members,
    target: t.nodeId,
    targetAddresses: target.multiaddrs(),
    mode,
    count,
    partialBytes,
  })
  for (let i = 0; i < 20; i++) await ping() // warm up the links
  return { t: t.nodeId, m: m.nodeId, target, flooder, ping, flooded: () => flooded }
}

/** Starts test/flooder-process.ts; resolves once it is connected to the target. */
async function startFlooder(config: Record<string, unknown>) {
  const child = spawn(process.execPath, [join(testDir, 'flooder-process.ts'), JSON.stringify(config)], {
    cwd: dirname(testDir),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += String(chunk)
  })
  child.stderr.on('data', (chunk) => {
    output += String(chunk)
  })
  await waitFor(() => output.includes('ready') || child.exitCode !== null, 'flooder connected', 20_000)
  if (!output.includes('ready')) throw new Error(`flooder failed: ${output}`)
  return {
    go: () => child.stdin.write('go\n'),
    output: () => output,
  }
}

/** Pings until `done()` (or `windowMs`), at least `pingsMin` times; returns the round trips. */
async function pingWhile(ping: () => Promise<number>, done: () => boolean, windowMs: number, pingsMin = 50) {
  const rtts: number[] = []
  const deadline = performance.now() + windowMs
  while (rtts.length < pingsMin || (!done() && performance.now() < deadline)) {
    rtts.push(await ping())
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return rtts
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

function summary(name: string, rtts: readonly number[]): { p50: number; p99: number } {
  const p50 = percentile(rtts, 50)
  const p99 = percentile(rtts, 99)
  console.log(
    `${name}: ${rtts.length} heartbeat round trips, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...rtts).toFixed(1)} ms`,
  )
  return { p50, p99 }
}

describe('floods leave the other members heartbeats in range', () => {
  it('200,000 tiny valid frames sent at once', async () => {
    const framesCount = 200_000
    const { m, target, flooder, ping, flooded } = await cluster('frames', framesCount)
    summary('baseline', await pingWhile(ping, () => true, 0))
    flooder.go()
    const rtts = await pingWhile(ping, () => flooded() >= framesCount, 30_000)
    const { p99 } = summary(`during a flood of ${framesCount} heartbeat frames`, rtts)
    await waitFor(() => flooded() >= framesCount, 'every flood frame delivered', 30_000)
    expect(target.peerMetrics(m).streamErrors).toBe(0)
    expect(p99).toBeLessThan(P99_BOUND_MS)
  })

  it('3,000 parallel stream opens', async () => {
    const opens = 3_000
    const { m, target, flooder, ping } = await cluster('opens', opens)
    summary('baseline', await pingWhile(ping, () => true, 0))
    flooder.go()
    const rtts = await pingWhile(ping, () => flooder.output().includes('settled'), 30_000)
    const { p99 } = summary(`during ${opens} parallel stream opens`, rtts)
    console.log(
      `flooder: ${/settled.*/.exec(flooder.output())?.[0]}; refused by the target: ${target.peerMetrics(m).refusedStreams}`,
    )
    // The muxer resets streams beyond 64 open per connection, and the rate cap the rest before
    // any protocol negotiation.
    expect(target.peerMetrics(m).refusedStreams).toBeGreaterThan(0)
    expect(p99).toBeLessThan(CONTENDED_P99_BOUND_MS)
  })

  it('10 connections × 4 raft streams, each holding a partial frame of 1.5 MiB', async () => {
    // Frames of up to 2 MiB here (16 MiB by default), so the per-peer bound (2 frames + 1 MiB)
    // is reached with a few tens of MiB rather than hundreds.
    const partialBytes = 1.5 * MiB
    const { m, target, flooder, ping } = await cluster('hoard', 10, partialBytes, 2 * MiB)
    summary('baseline', await pingWhile(ping, () => true, 0))
    const rssBefore = process.memoryUsage().rss
    const budget = target.inbound.bufferedBytesMax(RAFT_PROTOCOL)
    const heldMax = Math.floor(budget / partialBytes)
    const hoarded = () => Number(/hoarded (\d+)/.exec(flooder.output())?.[1] ?? Number.NaN)
    flooder.go()
    const rtts = await pingWhile(
      ping,
      () => target.peerMetrics(m).streamErrors >= hoarded() - heldMax,
      30_000,
    )
    const { p99 } = summary(`while a member hoards partial frames`, rtts)
    console.log(
      `flooder: ${/hoarded.*/.exec(flooder.output())?.[0]}; target holds ${target.inbound.bufferedBytes(m)} B ` +
        `(peak ${target.inbound.peakBufferedBytes(m)} B, bound ${budget} B), ${target.libp2p.getConnections().length} connections; ` +
        `RSS of the target's process ${mib(rssBefore)} → ${mib(process.memoryUsage().rss)} MiB`,
    )
    expect(target.inbound.peakBufferedBytes(m)).toBeLessThanOrEqual(budget)
    expect(target.libp2p.getConnections(peerIdFromString(m)).length).toBeLessThanOrEqual(4)
    expect(target.peerMetrics(m).streamErrors).toBeGreaterThan(0)
    expect(p99).toBeLessThan(CONTENDED_P99_BOUND_MS)
  })
})

const MiB = 1024 * 1024

function mib(bytes: number): string {
  return (bytes / MiB).toFixed(0)
}
