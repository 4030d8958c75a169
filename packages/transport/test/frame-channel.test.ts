import { createSocket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../src/protocols.js'
import { BOTH, Fixture, QUIC_ONLY, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

function sequenceOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset).getUint32(0)
}

function frameOf(sequence: number, bytes: number): Uint8Array {
  const frame = new Uint8Array(bytes)
  new DataView(frame.buffer).setUint32(0, sequence)
  return frame
}

describe.each([
  ['TCP', TCP_ONLY],
  ['QUIC', QUIC_ONLY],
])('raft frames over %s', (name, listen) => {
  it('round-trip a burst of 100,000 frames in order', async () => {
    const raft = { queueFramesMax: 131_072, queueBytesMax: 256 * 1024 * 1024 }
    const { a, b, nodeA, nodeB } = await fixture.pair({ listen, raft })
    const total = 100_000
    // B echoes every frame back to A; both directions are checked for order.
    let echoed = 0
    let outOfOrderAtB = 0
    let wrongSender = 0
    raftOf(nodeB).onFrame((from, frame) => {
      if (from !== a.nodeId) wrongSender++
      if (sequenceOf(frame) !== echoed) outOfOrderAtB++
      echoed++
      raftOf(nodeB).send(a.nodeId, frame)
    })
    let returned = 0
    let outOfOrderAtA = 0
    raftOf(nodeA).onFrame((_from, frame) => {
      if (sequenceOf(frame) !== returned) outOfOrderAtA++
      returned++
    })
    let refused = 0
    for (let i = 0; i < total; i++) if (!raftOf(nodeA).send(b.nodeId, frameOf(i, 64))) refused++
    expect(refused).toBe(0)
    await waitFor(() => returned === total, `all ${total} frames back over ${name}`, 60_000)
    expect(wrongSender).toBe(0)
    expect(outOfOrderAtB).toBe(0)
    expect(outOfOrderAtA).toBe(0)
    const connection = nodeA.libp2p.getConnections()[0]
    expect(connection?.remoteAddr.toString()).toContain(name === 'QUIC' ? '/quic-v1' : '/tcp/')
    expect(nodeA.peerMetrics(b.nodeId).framesOut).toBe(total)
    expect(nodeA.peerMetrics(b.nodeId).framesIn).toBe(total)
    // Both directions travelled on the pair's one stream.
    for (const node of [nodeA, nodeB]) {
      const raftStreams = node.libp2p
        .getConnections()
        .flatMap((connection) => connection.streams)
        .filter((stream) => stream.protocol === RAFT_PROTOCOL)
      expect(raftStreams.length).toBe(1)
    }
    expect(nodeB.peerMetrics(a.nodeId).bytesIn).toBe(nodeA.peerMetrics(b.nodeId).bytesOut)
    expect(nodeA.peerMetrics(b.nodeId).bytesIn).toBe(nodeB.peerMetrics(a.nodeId).bytesOut)
  })
})

describe('dialing', () => {
  it('prefers QUIC when both transports are available', async () => {
    const [a, b] = await fixture.identities(2)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    const members = [a.nodeId, b.nodeId]
    const nodeB = await fixture.node({ dataDir: b.dataDir, members, listen: BOTH })
    const tcpFirst = [...nodeB.multiaddrs()].sort((x) => (x.includes('/tcp/') ? -1 : 1))
    const nodeA = await fixture.node({
      dataDir: a.dataDir,
      members,
      listen: BOTH,
      peers: { [b.nodeId]: tcpFirst },
    })
    let received = 0
    raftOf(nodeB).onFrame(() => received++)
    raftOf(nodeA).send(b.nodeId, frameOf(0, 8))
    await waitFor(() => received === 1, 'one frame')
    const remote = nodeA.libp2p.getConnections().map((c) => c.remoteAddr.toString())
    expect(remote.some((address) => address.includes('/quic-v1'))).toBe(true)
  })

  it('falls back to TCP when the QUIC address does not answer', async () => {
    const [a, b] = await fixture.identities(2)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    const members = [a.nodeId, b.nodeId]
    const nodeB = await fixture.node({ dataDir: b.dataDir, members, listen: TCP_ONLY })
    // A dead QUIC address (nothing listens on that UDP port), sorted first, then B's real TCP one.
    const deadQuic = `/ip4/127.0.0.1/udp/${await findUnusedPort()}/quic-v1`
    const nodeA = await fixture.node({
      dataDir: a.dataDir,
      members,
      listen: BOTH,
      peers: { [b.nodeId]: [deadQuic, ...nodeB.multiaddrs()] },
    })
    let received = 0
    raftOf(nodeB).onFrame(() => received++)
    raftOf(nodeA).send(b.nodeId, frameOf(0, 8))
    await waitFor(() => received === 1, 'frame delivered over TCP')
    const remote = nodeA.libp2p.getConnections().map((c) => c.remoteAddr.toString())
    expect(remote.every((address) => address.includes('/tcp/'))).toBe(true)
  })
})

/** A UDP port that nothing listens on: bound once by the OS, then released. */
async function findUnusedPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}
