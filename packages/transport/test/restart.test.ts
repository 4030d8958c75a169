/**
 * A stopped host starts again: the same identity, the same listen addresses when their ports were
 * given, and its services back, so the Raft links to the members are re-established.
 */
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../src/protocols.js'
import { Fixture, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

/** A TCP port that was free a moment ago (the kernel's pick for port 0). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('host stop and start', () => {
  it.each([
    ['TCP', (port: number) => [`/ip4/127.0.0.1/tcp/${port}`]],
    ['QUIC', (port: number) => [`/ip4/127.0.0.1/udp/${port}/quic-v1`]],
  ])(
    'over %s: same identity and addresses, links re-established, frames flow both ways',
    async (_name, listenOn) => {
      const [a, b] = await fixture.identities(2)
      if (a === undefined || b === undefined) throw new Error('unreachable')
      const members = [a.nodeId, b.nodeId]
      const backoff = { delayMsInitial: 10, delayMsMax: 200 }
      const nodeB = await fixture.node({
        dataDir: b.dataDir,
        members,
        listen: listenOn(await freePort()),
        backoff,
      })
      const nodeA = await fixture.node({
        dataDir: a.dataDir,
        members,
        listen: TCP_ONLY.concat(listenOn(0).filter((address) => address.includes('quic'))),
        backoff,
        peers: { [b.nodeId]: nodeB.multiaddrs() },
      })
      const raftA = raftOf(nodeA)
      const raftB = raftOf(nodeB)
      const atB: number[] = []
      const atA: number[] = []
      raftB.onFrame((_from, frame) => atB.push(frame[0] ?? -1))
      raftA.onFrame((_from, frame) => atA.push(frame[0] ?? -1))
      raftA.send(b.nodeId, Uint8Array.of(1))
      await waitFor(() => atB.includes(1), 'first frame')
      const addresses = nodeB.multiaddrs()

      await nodeB.stop()
      expect(nodeB.running).toBe(false)
      expect(raftB.running).toBe(false)
      expect(nodeB.libp2p.getProtocols()).not.toContain(RAFT_PROTOCOL)
      expect(raftB.send(a.nodeId, Uint8Array.of(9))).toBe(false)
      await waitFor(() => raftA.linkState(b.nodeId) !== 'open', 'A noticed B stopped')

      await nodeB.start()
      expect(nodeB.running).toBe(true)
      expect(raftB.running).toBe(true)
      expect(nodeB.nodeId).toBe(b.nodeId)
      expect(nodeB.libp2p.peerId.toString()).toBe(b.nodeId)
      expect(nodeB.multiaddrs()).toEqual(addresses)
      expect(nodeB.libp2p.getProtocols()).toContain(RAFT_PROTOCOL)
      await waitFor(() => raftA.linkState(b.nodeId) === 'open', 'A reconnected')
      await waitFor(() => raftB.linkState(a.nodeId) === 'open', 'B reconnected')
      // The same services, with their handlers, carry frames again in both directions.
      for (let attempt = 0; !atB.includes(2) && attempt < 100; attempt++) {
        raftA.send(b.nodeId, Uint8Array.of(2))
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      for (let attempt = 0; !atA.includes(3) && attempt < 100; attempt++) {
        raftB.send(a.nodeId, Uint8Array.of(3))
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(atB).toContain(2)
      expect(atA).toContain(3)
      expect(atB).not.toContain(9)
    },
  )

  it('stops and starts twice in a row, and a start issued during a stop waits for it', async () => {
    // A, the host restarted, sorts last: it is the acceptor, which waits for B's stream (the case
    // where a stream B finished negotiating just as A stopped used to leave both links waiting).
    const identities = (await fixture.identities(2)).sort((x, y) => (x.nodeId < y.nodeId ? 1 : -1))
    const { b, nodeA } = await fixture.pair({ listen: TCP_ONLY }, {}, identities)
    const raftA = raftOf(nodeA)
    await waitFor(() => raftA.linkState(b.nodeId) === 'open', 'link open')
    const stopping = nodeA.stop()
    const starting = nodeA.start()
    await stopping
    await starting
    expect(nodeA.running).toBe(true)
    await nodeA.start() // starting a running host does nothing
    await waitFor(() => raftA.linkState(b.nodeId) === 'open', 'link open after the first restart')
    await nodeA.stop()
    await nodeA.start()
    await waitFor(() => raftA.linkState(b.nodeId) === 'open', 'link open after the second restart')
    expect(nodeA.libp2p.getConnections().length).toBeGreaterThan(0)
  })
})
