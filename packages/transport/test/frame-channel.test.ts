import { afterEach, describe, expect, it } from 'vitest'
import { BOTH, Fixture, QUIC_ONLY, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

function frameOf(sequence: number, bytes: number): Uint8Array {
  const frame = new Uint8Array(bytes)
  new DataView(frame.buffer).setUint32(0, sequence)
  return frame
}

describe.each([
  ['TCP', TCP_ONLY],
  ['QUIC', QUIC_ONLY],
])('raft frames over %s', (name, listen) => {
  it('deliver a burst of 100,000 frames in order', async () => {
    const [a, b] = await fixture.identities(2)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    const members = [a.nodeId, b.nodeId]
    const nodeB = await fixture.node({ dataDir: b.dataDir, members, listen })
    const nodeA = await fixture.node({
      dataDir: a.dataDir,
      members,
      listen,
      peers: { [b.nodeId]: nodeB.multiaddrs() },
      raft: { queueFramesMax: 200_000, queueBytesMax: 256 * 1024 * 1024 },
    })
    const total = 100_000
    let received = 0
    let outOfOrder = 0
    nodeB.raft.onFrame((from, frame) => {
      expect(from).toBe(a.nodeId)
      const sequence = new DataView(frame.buffer, frame.byteOffset).getUint32(0)
      if (sequence !== received) outOfOrder++
      received++
    })
    for (let i = 0; i < total; i++) expect(nodeA.raft.send(b.nodeId, frameOf(i, 64))).toBe(true)
    await waitFor(() => received === total, `all ${total} frames over ${name}`, 30_000)
    expect(outOfOrder).toBe(0)
    const connection = nodeA.libp2p.getConnections()[0]
    expect(connection?.remoteAddr.toString()).toContain(name === 'QUIC' ? '/quic-v1' : '/tcp/')
    expect(nodeA.peerMetrics(b.nodeId).framesOut).toBe(total)
    expect(nodeB.peerMetrics(a.nodeId).framesIn).toBe(total)
    expect(nodeB.peerMetrics(a.nodeId).bytesIn).toBe(nodeA.peerMetrics(b.nodeId).bytesOut)
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
    nodeB.raft.onFrame(() => received++)
    nodeA.raft.send(b.nodeId, frameOf(0, 8))
    await waitFor(() => received === 1, 'one frame')
    const remote = nodeA.libp2p.getConnections().map((c) => c.remoteAddr.toString())
    expect(remote.some((address) => address.includes('/quic-v1'))).toBe(true)
  })
})
