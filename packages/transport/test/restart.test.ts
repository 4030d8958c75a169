/**
 * A stopped host starts again: the same identity, the same listen addresses when their ports were
 * given, and its services back, so the Raft links to the members are re-established.
 */
import { createServer } from 'node:net'
import { Replica } from '@tandem/crdt'
import { afterEach, describe, expect, it } from 'vitest'
import { crdtSyncAdapter } from '../src/crdt/sync-adapter.js'
import { createCrdtSyncService } from '../src/crdt/sync-service.js'
import { CRDT_PROTOCOL, RAFT_PROTOCOL, SNAPSHOT_PROTOCOL } from '../src/protocols.js'
import { createSnapshotService } from '../src/snapshot/service.js'
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

  it('restarts the snapshot and CRDT sync services with the host', async () => {
    const { a, b, nodeA, nodeB } = await fixture.pair({
      listen: TCP_ONLY,
      backoff: { delayMsInitial: 10, delayMsMax: 200 },
    })
    const replicaA = new Replica({ node: a.nodeId, now: () => 1 })
    const replicaB = new Replica({ node: b.nodeId, now: () => 1 })
    const syncA = await createCrdtSyncService(nodeA, crdtSyncAdapter(replicaA, { bytesMax: 1 << 20 }))
    await createCrdtSyncService(nodeB, crdtSyncAdapter(replicaB, { bytesMax: 1 << 20 }))
    const snapshotsA = await createSnapshotService(nodeA)
    const snapshotsB = await createSnapshotService(nodeB)
    const installed: number[] = []
    snapshotsB.onSnapshot(async (snapshot) => {
      installed.push(snapshot.data.byteLength)
    })
    replicaA.map<number>('stock').set('apples', 1)
    await waitFor(() => replicaB.map('stock').get('apples') === 1, 'first sync')

    await nodeA.stop()
    expect(syncA.isSyncing(b.nodeId)).toBe(false)
    expect(nodeA.libp2p.getProtocols()).not.toContain(CRDT_PROTOCOL)
    await expect(
      snapshotsA.send(b.nodeId, { transferId: 'stopped', data: Uint8Array.of(1) }),
    ).rejects.toThrow()
    // Written while A is down: the new session's step 1 and step 2 carry it over.
    replicaA.map<number>('stock').set('pears', 2)

    await nodeA.start()
    expect(nodeA.libp2p.getProtocols()).toEqual(
      expect.arrayContaining([RAFT_PROTOCOL, SNAPSHOT_PROTOCOL, CRDT_PROTOCOL]),
    )
    await waitFor(() => replicaB.map('stock').get('pears') === 2, 'sync after the restart')
    replicaA.map<number>('stock').set('plums', 3)
    await waitFor(() => replicaB.map('stock').get('plums') === 3, 'live sync after the restart')
    const result = await snapshotsA.send(b.nodeId, { transferId: 'after', data: new Uint8Array(100_000) })
    expect(result.resumedFrom).toEqual([0])
    expect(installed).toEqual([100_000])
  })
})
