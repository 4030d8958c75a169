import { peerIdFromString } from '@libp2p/peer-id'
import { encodeMessage, MessageType, type WireMessage } from '@tandem/raft'
import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../src/protocols.js'
import { createRaftTransport } from '../src/raft-transport.js'
import { Fixture, QUIC_ONLY, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

function message(type: WireMessage['type'], from: string, to: string, index: number): WireMessage {
  return {
    type,
    from,
    to,
    term: 3,
    logTerm: 2,
    index,
    entries:
      type === MessageType.App ? [{ term: 3, index: index + 1, type: 0, data: Uint8Array.of(1, 2, 3) }] : [],
    commit: index,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    context: new Uint8Array(0),
  }
}

/** Two nodes; `a` sorts first, so it is the one that opens the pair's stream. */
async function pair(listen: string[], raft = {}) {
  const sorted = (await fixture.identities(2)).sort((x, y) => (x.nodeId < y.nodeId ? -1 : 1))
  const { a, b, nodeA, nodeB } = await fixture.pair({ listen, raft }, {}, sorted)
  return { a: a.nodeId, b: b.nodeId, nodeA, nodeB }
}

describe.each([
  ['TCP', TCP_ONLY],
  ['QUIC', QUIC_ONLY],
])('raft transport over %s', (name, listen) => {
  it('round-trips a burst of 20,000 raft messages in order through the raft codec', async () => {
    const { a, b, nodeA, nodeB } = await pair(listen, { queueFramesMax: 32_768 })
    const transportA = createRaftTransport(raftOf(nodeA))
    const transportB = createRaftTransport(raftOf(nodeB))
    const total = 20_000
    // B answers every append with a response carrying the same index.
    let requestsOutOfOrder = 0
    let requests = 0
    transportB.onMessage((received) => {
      if (received.type !== MessageType.App || received.index !== requests) requestsOutOfOrder++
      requests++
      transportB.send([message(MessageType.AppResp, b, a, received.index)])
    })
    let responses = 0
    let responsesOutOfOrder = 0
    transportA.onMessage((received) => {
      if (received.type !== MessageType.AppResp || received.index !== responses) responsesOutOfOrder++
      responses++
    })
    const burst: WireMessage[] = []
    for (let i = 0; i < total; i++) burst.push(message(MessageType.App, a, b, i))
    transportA.send(burst)
    await waitFor(() => responses === total, `all responses over ${name}`, 60_000)
    expect(requestsOutOfOrder).toBe(0)
    expect(responsesOutOfOrder).toBe(0)
    expect(nodeA.peerMetrics(b).framesDropped).toBe(0)
  })

  it('closes the stream of a peer that sends an undecodable or spoofed message, and only that one', async () => {
    const [a, b, c] = await fixture.identities(3)
    if (a === undefined || b === undefined || c === undefined) throw new Error('unreachable')
    const members = [a.nodeId, b.nodeId, c.nodeId]
    const nodeB = await fixture.node({ dataDir: b.dataDir, members, listen })
    const peers = { [b.nodeId]: nodeB.multiaddrs() }
    const nodeA = await fixture.node({ dataDir: a.dataDir, members, listen, peers })
    const nodeC = await fixture.node({ dataDir: c.dataDir, members, listen, peers })
    const transportB = createRaftTransport(raftOf(nodeB))
    const transportC = createRaftTransport(raftOf(nodeC))
    const received: WireMessage[] = []
    transportB.onMessage((m) => received.push(m))

    // A sends raw frames: garbage, then a message claiming to come from C.
    for (const bad of [
      Uint8Array.of(0xff, 0xff, 0xff),
      encodeMessage(message(MessageType.Heartbeat, c.nodeId, b.nodeId, 1)),
    ]) {
      const before = nodeB.peerMetrics(a.nodeId).streamErrors
      const stream = await nodeA.libp2p.dialProtocol(peerIdFromString(b.nodeId), RAFT_PROTOCOL)
      stream.addEventListener('message', () => {})
      const prefix = Uint8Array.of(bad.byteLength)
      stream.send(prefix)
      stream.send(bad)
      await waitFor(() => nodeB.peerMetrics(a.nodeId).streamErrors === before + 1, 'bad frame rejected')
      await waitFor(() => stream.status !== 'open' || stream.remoteWriteStatus === 'closed', 'stream closed')
    }
    expect(received).toEqual([])
    transportC.send([message(MessageType.Heartbeat, c.nodeId, b.nodeId, 5)])
    await waitFor(() => received.length === 1, 'C still delivers')
    expect(received[0]?.from).toBe(c.nodeId)
    expect(nodeB.peerMetrics(c.nodeId).streamErrors).toBe(0)
  })
})

describe('backpressure', () => {
  it.each(['drop-oldest', 'drop-newest'] as const)(
    'with %s, a burst beyond the queue bound drops frames, counts them and keeps order',
    async (overflow) => {
      const queueFramesMax = 1000
      const { a, b, nodeA, nodeB } = await pair(TCP_ONLY, { queueFramesMax, overflow })
      const transportA = createRaftTransport(raftOf(nodeA))
      const transportB = createRaftTransport(raftOf(nodeB))
      const indexes: number[] = []
      transportB.onMessage((m) => indexes.push(m.index))
      await waitFor(() => raftOf(nodeA).linkState(b) === 'open', 'link open')
      const total = 20_000
      const burst: WireMessage[] = []
      for (let i = 0; i < total; i++) burst.push(message(MessageType.Heartbeat, a, b, i))
      transportA.send(burst)
      const dropped = () => nodeA.peerMetrics(b).framesDropped
      await waitFor(() => indexes.length + dropped() === total, 'every frame delivered or counted as dropped')
      expect(dropped()).toBeGreaterThan(0)
      // Never more queued than the bound (plus one batch already taken by the writer).
      expect(indexes.length).toBeLessThanOrEqual(total)
      for (let i = 1; i < indexes.length; i++) expect(indexes[i]).toBeGreaterThan(indexes[i - 1] ?? -1)
      if (overflow === 'drop-oldest') expect(indexes.at(-1)).toBe(total - 1)
      else expect(indexes[0]).toBe(0)
    },
  )

  it('never buffers beyond the bound when the peer stops reading', async () => {
    const queueFramesMax = 500
    const { b, nodeA, nodeB } = await pair(TCP_ONLY, { queueFramesMax })
    // B's handler is replaced by one that accepts the stream and never reads it: a stalled peer.
    await nodeB.libp2p.handle(RAFT_PROTOCOL, (stream) => stream.pause(), { force: true })
    const frame = new Uint8Array(1024)
    let refused = 0
    let queuedMax = 0
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 500; i++) if (!raftOf(nodeA).send(b, frame)) refused++
      queuedMax = Math.max(queuedMax, raftOf(nodeA).queuedFrames(b))
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(queuedMax).toBeLessThanOrEqual(queueFramesMax)
    expect(refused).toBeGreaterThan(0)
    expect(nodeA.peerMetrics(b).framesDropped).toBeGreaterThanOrEqual(refused)
    // What left the queue is bounded by the stream's flow-control window, not by what was offered.
    expect(nodeA.peerMetrics(b).framesOut).toBeLessThan(20_000)
  })

  it('loses nothing when the sender paces itself with whenWritable', async () => {
    const queueFramesMax = 1000
    const { b, nodeA, nodeB } = await pair(TCP_ONLY, { queueFramesMax })
    const indexes: number[] = []
    raftOf(nodeB).onFrame((_from, frame) =>
      indexes.push(new DataView(frame.buffer, frame.byteOffset).getUint32(0)),
    )
    const total = 50_000
    for (let i = 0; i < total; i++) {
      const frame = new Uint8Array(64)
      new DataView(frame.buffer).setUint32(0, i)
      expect(raftOf(nodeA).send(b, frame)).toBe(true)
      if (raftOf(nodeA).queuedFrames(b) >= queueFramesMax) await raftOf(nodeA).whenWritable(b)
    }
    await waitFor(() => indexes.length === total, 'all frames delivered')
    expect(nodeA.peerMetrics(b).framesDropped).toBe(0)
    expect(indexes.every((value, position) => value === position)).toBe(true)
  })

  it('reports an unreachable member', async () => {
    const [a, ghost] = await fixture.identities(2)
    if (a === undefined || ghost === undefined) throw new Error('unreachable')
    const nodeA = await fixture.node({
      dataDir: a.dataDir,
      members: [a.nodeId, ghost.nodeId],
      listen: TCP_ONLY,
      peers: { [ghost.nodeId]: ['/ip4/127.0.0.1/tcp/1'] },
      backoff: { delayMsInitial: 10, delayMsMax: 50 },
    })
    const transportA = createRaftTransport(raftOf(nodeA))
    const unreachable: string[] = []
    transportA.onUnreachable((peer) => unreachable.push(peer))
    transportA.send([message(MessageType.Heartbeat, a.nodeId, ghost.nodeId, 1)])
    await waitFor(() => unreachable.length >= 2, 'unreachable reported on each failed attempt')
    expect(unreachable.every((peer) => peer === ghost.nodeId)).toBe(true)
    expect(nodeA.peerMetrics(ghost.nodeId).dialFailures).toBeGreaterThanOrEqual(2)
  })
})
