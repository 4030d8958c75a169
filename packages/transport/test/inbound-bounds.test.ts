/**
 * Issue 14, finding 4: a member's partial frames must not hold unbounded memory on the target.
 * Real libp2p nodes on 127.0.0.1: the attacker opens many connections and streams, each holding a
 * partial frame; the target refuses connections beyond the per-peer bound, cuts streams beyond the
 * per-peer byte budget, and times out frames that stop arriving.
 */

import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { ManualClock, writeVarint } from '@tandem/base'
import { afterEach, describe, expect, it } from 'vitest'
import type { SyncAdapter } from '../src/crdt/sync-adapter.js'
import { createCrdtSyncService } from '../src/crdt/sync-service.js'
import { DEFAULT_INBOUND_LIMITS, InboundGuard } from '../src/inbound-guard.js'
import { CRDT_PROTOCOL, RAFT_PROTOCOL } from '../src/protocols.js'
import { Fixture, type PairNodeOptions, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

const KiB = 1024
const MiB = 1024 * KiB
const backoff = { delayMsInitial: 10, delayMsMax: 100 }

/** A target and an attacker whose id sorts after it (so the target reads every stream it opens). */
async function targetAndAttacker(options: PairNodeOptions) {
  const [low, high] = (await fixture.identities(2)).sort((x, y) => (x.nodeId < y.nodeId ? -1 : 1))
  if (low === undefined || high === undefined) throw new Error('unreachable')
  const members = [low.nodeId, high.nodeId]
  const target = await fixture.node({ dataDir: low.dataDir, members, listen: TCP_ONLY, backoff, ...options })
  const peers = { [low.nodeId]: target.multiaddrs() }
  const attacker = await fixture.node({
    dataDir: high.dataDir,
    members,
    listen: TCP_ONLY,
    backoff,
    peers,
    ...options,
  })
  return { t: low.nodeId, m: high.nodeId, target, attacker }
}

/** The length prefix of a frame of `length` bytes followed by `bodyBytes` of its body. */
function partialFrame(length: number, bodyBytes: number): Uint8Array {
  const frame = new Uint8Array(5 + bodyBytes)
  const offset = writeVarint(frame, 0, length)
  return frame.subarray(0, offset + bodyBytes)
}

describe('per-peer bounds on inbound partial frames', () => {
  it('a member opening 10 connections × 4 raft streams with partial frames is cut off at the bounds', async () => {
    const frameBytesMax = MiB
    const { t, m, target, attacker } = await targetAndAttacker({
      raft: { frameBytesMax },
      inbound: { connectionsPerPeerMax: 4 },
    })
    const before = process.memoryUsage().arrayBuffers
    const address = multiaddr(target.multiaddrs()[0])
    const streams: Stream[] = []
    let dialsRefused = 0
    for (let c = 0; c < 10; c++) {
      let connection: Awaited<ReturnType<typeof attacker.libp2p.dial>>
      try {
        connection = await attacker.libp2p.dial(address, { force: true, signal: AbortSignal.timeout(5_000) })
      } catch {
        dialsRefused++
        continue
      }
      for (let s = 0; s < 4; s++) {
        try {
          const stream = await connection.newStream(RAFT_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
          stream.addEventListener('message', () => {})
          stream.send(partialFrame(frameBytesMax - 16, 900 * KiB))
          streams.push(stream)
        } catch {}
      }
    }
    const targetConnections = () => target.libp2p.getConnections(peerIdFromString(m)).length
    // Every stream either holds its partial frame within the budget or was cut: 3 MiB holds three.
    await waitFor(
      () => target.peerMetrics(m).streamErrors >= streams.length - 3,
      'streams beyond the budget cut',
      10_000,
    )
    const grown = process.memoryUsage().arrayBuffers - before
    const budget = target.inbound.bufferedBytesMax(RAFT_PROTOCOL)
    console.log(
      `connections held by the target: ${targetConnections()}, dials refused ${dialsRefused}, streams opened ${streams.length}, ` +
        `cut ${target.peerMetrics(m).streamErrors}; accounted ${target.inbound.bufferedBytes(m)} B, peak ${target.inbound.peakBufferedBytes(m)} B of ${budget} B; arrayBuffers grew ${grown} B`,
    )
    expect(targetConnections()).toBeLessThanOrEqual(4)
    expect(budget).toBe(2 * frameBytesMax + MiB)
    expect(target.inbound.peakBufferedBytes(m)).toBeLessThanOrEqual(budget)
    expect(target.peerMetrics(m).refusedConnections).toBeGreaterThan(0)
    // The target's own link to the attacker is unaffected: frames still flow both ways.
    let received = 0
    raftOf(attacker).onFrame((from) => {
      if (from === t) received++
    })
    raftOf(target).send(m, new Uint8Array(10))
    await waitFor(() => received === 1, 'the target still reaches the attacker')
  })

  it('times out a raft frame that stops arriving and releases its bytes', async () => {
    const { t, m, target, attacker } = await targetAndAttacker({ inbound: { frameTimeoutMs: 300 } })
    const stream = await attacker.libp2p.dialProtocol(peerIdFromString(t), RAFT_PROTOCOL)
    stream.addEventListener('message', () => {})
    stream.send(partialFrame(64 * KiB, 10 * KiB))
    await waitFor(() => target.peerMetrics(m).streamErrors === 1, 'stalled frame timed out', 5_000)
    await waitFor(() => target.inbound.bufferedBytes(m) === 0, 'its bytes released', 5_000)
    expect(target.inbound.peakBufferedBytes(m)).toBeGreaterThanOrEqual(10 * KiB)
  })

  it('bounds and times out a partial /tandem/crdt/1 frame the same way', async () => {
    const { t, m, target, attacker } = await targetAndAttacker({ inbound: { frameTimeoutMs: 300 } })
    // A minimal adapter: frames are opaque bytes, sessions answer nothing.
    const adapter: SyncAdapter<Uint8Array> = {
      codec: { encode: (message) => message, decode: (bytes) => bytes },
      openSession: () => ({ start: () => [], receive: () => [], close: () => {} }),
    }
    await createCrdtSyncService(target, adapter, { frameBytesMax: MiB })
    const stream = await attacker.libp2p.dialProtocol(peerIdFromString(t), CRDT_PROTOCOL)
    stream.addEventListener('message', () => {})
    stream.send(partialFrame(MiB - 16, 600 * KiB))
    await waitFor(() => target.peerMetrics(m).streamErrors === 1, 'stalled sync frame timed out', 5_000)
    await waitFor(() => target.inbound.bufferedBytes(m) === 0, 'its bytes released', 5_000)
    expect(target.inbound.peakBufferedBytes(m)).toBeGreaterThanOrEqual(600 * KiB)
    expect(target.inbound.peakBufferedBytes(m)).toBeLessThanOrEqual(
      target.inbound.bufferedBytesMax(CRDT_PROTOCOL),
    )
  })
})

describe('stream-open rate cap', () => {
  it('admits a burst of twice the rate, then the rate, per peer', () => {
    const clock = new ManualClock()
    const guard = new InboundGuard({ ...DEFAULT_INBOUND_LIMITS, streamOpensPerSecondMax: 10 }, clock)
    let admitted = 0
    for (let i = 0; i < 100; i++) if (guard.admitStreamOpen('m')) admitted++
    expect(admitted).toBe(20)
    // Another peer has its own bucket.
    expect(guard.admitStreamOpen('h')).toBe(true)
    clock.advance(500)
    admitted = 0
    for (let i = 0; i < 100; i++) if (guard.admitStreamOpen('m')) admitted++
    expect(admitted).toBe(5)
    clock.advance(60_000)
    admitted = 0
    for (let i = 0; i < 100; i++) if (guard.admitStreamOpen('m')) admitted++
    expect(admitted).toBe(20)
  })
})

describe('a stream that ends inside a frame', () => {
  it('is a malformed frame, and its bytes are released', async () => {
    const { t, m, target, attacker } = await targetAndAttacker({})
    const stream = await attacker.libp2p.dialProtocol(peerIdFromString(t), RAFT_PROTOCOL)
    stream.addEventListener('message', () => {})
    stream.send(partialFrame(100, 10))
    await stream.close()
    await waitFor(() => target.peerMetrics(m).streamErrors === 1, 'truncated frame reported')
    expect(target.inbound.bufferedBytes(m)).toBe(0)
  })
})
