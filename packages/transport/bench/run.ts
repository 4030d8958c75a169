/**
 * Transport benchmark: Raft frames (256 B and 16 KiB) between two Tandem nodes over TCP and over
 * QUIC, and the round-trip latency of one 256 B frame, side by side in the same run with a plain
 * net.Socket pair using the same framing. Writes bench/results.json.
 *
 *   pnpm --filter @tandem/transport bench
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import {
  createRaftService,
  createTransportHost,
  loadOrCreateNodeIdentity,
  type TransportHost,
} from '@tandem/transport'
import { deferred } from './deferred.ts'
import { FramedSocketWriter, readSocketFrames, socketPair } from './plain-socket.ts'

const PEER = 'net.Socket (same framing)'
const REPEATS = 4
const LATENCY_ROUND_TRIPS = 2_000

interface Case {
  case: string
  metric: 'ops/s' | 'MB/s' | 'ms'
  tandem: number
  peer: string | null
  peerValue: number | null
  ratio: number | null
  better: 'higher' | 'lower'
}

/** Something that moves frames from one side to the other, and back for the latency test. */
interface Link {
  name: string
  sendForward(frame: Uint8Array): void
  whenForwardWritable(): Promise<void>
  onForward(handler: (frame: Uint8Array) => void): void
  sendBack(frame: Uint8Array): void
  onBack(handler: (frame: Uint8Array) => void): void
  close(): Promise<void>
}

async function tandemLink(listen: string): Promise<Link> {
  const dirs = [
    await mkdtemp(join(tmpdir(), 'tandem-bench-')),
    await mkdtemp(join(tmpdir(), 'tandem-bench-')),
  ]
  const [dirA, dirB] = dirs as [string, string]
  const a = await loadOrCreateNodeIdentity(dirA)
  const b = await loadOrCreateNodeIdentity(dirB)
  const members = [a.nodeId, b.nodeId]
  const nodeB = await createTransportHost({
    dataDir: dirB,
    members,
    listen: [listen],
    pingIntervalMs: 0,
  })
  const nodeA = await createTransportHost({
    dataDir: dirA,
    members,
    listen: [listen],
    pingIntervalMs: 0,
    peers: { [b.nodeId]: nodeB.multiaddrs() },
  })
  const raftB = await createRaftService(nodeB)
  const raftA = await createRaftService(nodeA)
  const nodes: TransportHost[] = [nodeA, nodeB]
  return {
    name: listen.includes('quic') ? 'QUIC' : 'TCP',
    sendForward: (frame) => {
      if (!raftA.send(b.nodeId, frame)) throw new Error('frame dropped: pacing failed')
    },
    whenForwardWritable: () => raftA.whenWritable(b.nodeId),
    onForward: (handler) => raftB.onFrame((_from, frame) => handler(frame)),
    sendBack: (frame) => {
      raftB.send(a.nodeId, frame)
    },
    onBack: (handler) => raftA.onFrame((_from, frame) => handler(frame)),
    close: async () => {
      await Promise.all(nodes.map((node) => node.stop()))
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
    },
  }
}

async function plainLink(): Promise<Link> {
  const pair = await socketPair()
  const forward = new FramedSocketWriter(pair.client)
  const back = new FramedSocketWriter(pair.server)
  let forwardHandler: (frame: Uint8Array) => void = () => {}
  let backHandler: (frame: Uint8Array) => void = () => {}
  readSocketFrames(pair.server, (frame) => forwardHandler(frame)).catch(() => {})
  readSocketFrames(pair.client, (frame) => backHandler(frame)).catch(() => {})
  return {
    name: 'plain',
    sendForward: (frame) => forward.send(frame),
    whenForwardWritable: () => forward.whenWritable(),
    onForward: (handler) => {
      forwardHandler = handler
    },
    sendBack: (frame) => back.send(frame),
    onBack: (handler) => {
      backHandler = handler
    },
    close: () => pair.close(),
  }
}

/** Sends `count` frames of `size` bytes, paced by the writer's backpressure; returns seconds. */
async function throughputSeconds(link: Link, size: number, count: number): Promise<number> {
  const frame = new Uint8Array(size).fill(7)
  let received = 0
  const done = deferred<void>()
  link.onForward(() => {
    received++
    if (received === count) done.resolve()
  })
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    link.sendForward(frame)
    if (i % 1000 === 999) await link.whenForwardWritable()
  }
  await done.promise
  return (performance.now() - started) / 1000
}

/** The median round trip of one frame echoed back, in milliseconds. */
async function roundTripMs(link: Link): Promise<number> {
  const frame = new Uint8Array(256)
  link.onForward((received) => link.sendBack(received))
  const samples: number[] = []
  for (let i = 0; i < LATENCY_ROUND_TRIPS + 100; i++) {
    const back = deferred<void>()
    link.onBack(() => back.resolve())
    const started = performance.now()
    link.sendForward(frame)
    await back.promise
    if (i >= 100) samples.push(performance.now() - started) // the first 100 warm up
  }
  samples.sort((x, y) => x - y)
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN
}

interface Measured {
  framesPerSecond: number
  megabytesPerSecond: number
}

/** One throughput run on a fresh link (after a short warm-up); returns seconds. */
async function throughputRun(make: () => Promise<Link>, size: number, count: number): Promise<number> {
  const link = await make()
  try {
    await throughputSeconds(link, size, Math.min(count, 1000))
    return await throughputSeconds(link, size, count)
  } finally {
    await link.close()
  }
}

/**
 * Runs Tandem and the peer alternately, `REPEATS` times each, and keeps each side's best run: the
 * machine is shared, so alternating spreads any background load over both sides alike.
 */
async function measurePair(
  makeTandem: () => Promise<Link>,
  size: number,
  count: number,
): Promise<{ tandem: Measured; plain: Measured }> {
  let tandemBest = Number.POSITIVE_INFINITY
  let plainBest = Number.POSITIVE_INFINITY
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    plainBest = Math.min(plainBest, await throughputRun(plainLink, size, count))
    tandemBest = Math.min(tandemBest, await throughputRun(makeTandem, size, count))
  }
  const measured = (seconds: number): Measured => ({
    framesPerSecond: count / seconds,
    megabytesPerSecond: (count * size) / seconds / 1e6,
  })
  return { tandem: measured(tandemBest), plain: measured(plainBest) }
}

async function measureLatency(make: () => Promise<Link>): Promise<number> {
  const link = await make()
  try {
    return await roundTripMs(link)
  } finally {
    await link.close()
  }
}

function compare(
  name: string,
  metric: Case['metric'],
  tandem: number,
  peerValue: number,
  better: Case['better'],
): Case {
  const round = (value: number) => Math.round(value * 1000) / 1000
  return {
    case: name,
    metric,
    tandem: round(tandem),
    peer: PEER,
    peerValue: round(peerValue),
    ratio: round(tandem / peerValue),
    better,
  }
}

const cases: Case[] = []
const sizes = [
  { label: '256 B', size: 256, count: 200_000 },
  { label: '16 KiB', size: 16 * 1024, count: 8_192 },
]
const transports = [
  { label: 'TCP', listen: '/ip4/127.0.0.1/tcp/0' },
  { label: 'QUIC', listen: '/ip4/127.0.0.1/udp/0/quic-v1' },
]
for (const { label, size, count } of sizes) {
  for (const transport of transports) {
    const { tandem, plain } = await measurePair(() => tandemLink(transport.listen), size, count)
    const name = `raft frames ${label}, ${transport.label}`
    cases.push(compare(`${name}: frames/s`, 'ops/s', tandem.framesPerSecond, plain.framesPerSecond, 'higher'))
    cases.push(
      compare(`${name}: MB/s`, 'MB/s', tandem.megabytesPerSecond, plain.megabytesPerSecond, 'higher'),
    )
    console.log(name, 'tandem', tandem, 'plain', plain)
  }
}
for (const transport of transports) {
  const plainLatency = await measureLatency(plainLink)
  const tandemLatency = await measureLatency(() => tandemLink(transport.listen))
  cases.push(
    compare(
      `round trip of one 256 B frame, ${transport.label}: p50`,
      'ms',
      tandemLatency,
      plainLatency,
      'lower',
    ),
  )
  console.log('latency', transport.label, tandemLatency, 'plain', plainLatency)
}

const cpuList = cpus()
const results = {
  machine: `${cpuList[0]?.model ?? 'unknown CPU'} × ${cpuList.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`,
  date: new Date().toISOString(),
  cases,
}
await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
console.table(cases.map((c) => ({ case: c.case, tandem: c.tandem, peer: c.peerValue, ratio: c.ratio })))
