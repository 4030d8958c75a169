import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../src/protocols.js'
import { BOTH, Fixture, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

describe('node', () => {
  it('listens on QUIC and TCP on one given port by default', async () => {
    const [a] = await fixture.identities(1)
    if (a === undefined) throw new Error('unreachable')
    const node = await fixture.node({
      dataDir: a.dataDir,
      members: [a.nodeId],
      listenHost: '127.0.0.1',
      listenPort: 0,
    })
    const addresses = node.multiaddrs()
    expect(addresses.some((address) => address.includes('/udp/') && address.includes('/quic-v1'))).toBe(true)
    expect(addresses.some((address) => address.includes('/tcp/'))).toBe(true)
    expect(addresses.every((address) => address.endsWith(`/p2p/${a.nodeId}`))).toBe(true)
  })

  it('measures the round-trip time of connected members', async () => {
    const { a, b, nodeA, nodeB } = await fixture.pair({ listen: BOTH }, { pingIntervalMs: 50 })
    await waitFor(() => nodeA.peerMetrics(b.nodeId).rttMs !== null, 'rtt measured by the periodic ping')
    expect(nodeA.peerMetrics(b.nodeId).rttMs).toBeGreaterThan(0)
    expect(await nodeB.measureRtt(a.nodeId)).toBeGreaterThan(0)
  })

  it('drops a removed member: its link closes and its streams are refused', async () => {
    const { a, b, nodeA, nodeB } = await fixture.pair({ listen: TCP_ONLY })
    let received = 0
    raftOf(nodeB).onFrame(() => received++)
    raftOf(nodeA).send(b.nodeId, Uint8Array.of(1))
    await waitFor(() => received === 1, 'first frame')
    await nodeB.setMembers([b.nodeId])
    expect(nodeB.admission.admits(a.nodeId, RAFT_PROTOCOL)).toBe(false)
    await waitFor(() => nodeB.libp2p.getConnections().length === 0, 'connection to the removed member closed')
    raftOf(nodeA).send(b.nodeId, Uint8Array.of(2))
    await waitFor(() => nodeB.peerMetrics(a.nodeId).refusedConnections > 0, 'removed member refused')
    expect(received).toBe(1)
    expect(nodeB.knownAddresses(a.nodeId)).toEqual([])
  })
})
