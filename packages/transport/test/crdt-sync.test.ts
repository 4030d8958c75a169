import { Replica } from '@tandem/crdt'
import { afterEach, describe, expect, it } from 'vitest'
import { crdtSyncAdapter } from '../src/crdt/sync-adapter.js'
import { createCrdtSyncService } from '../src/crdt/sync-service.js'
import { BOTH, Fixture, seededRandom, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

const backoff = { delayMsInitial: 10, delayMsMax: 200 }

function sameMap(a: Replica, b: Replica, name: string): boolean {
  const left = a.map(name).toMap()
  const right = b.map(name).toMap()
  if (left.size !== right.size) return false
  for (const [key, value] of left) if (right.get(key) !== value) return false
  return true
}

describe('CRDT sync over /tandem/crdt/1', () => {
  it('converges two replicas on two nodes, and keeps converging after a disconnect', async () => {
    const seed = 21
    const identities = await fixture.identities(2)
    // The node with the smaller id opens the sync stream; it is deliberately not told the other's
    // address, so the larger one must connect first and the smaller one must reuse that connection.
    const [low, high] = [...identities].sort((x, y) => (x.nodeId < y.nodeId ? -1 : 1))
    if (low === undefined || high === undefined) throw new Error('unreachable')
    const lowNode = await fixture.node({
      dataDir: low.dataDir,
      members: [low.nodeId],
      syncPeers: [high.nodeId],
      listen: BOTH,
      backoff,
      random: seededRandom(seed),
    })
    const highNode = await fixture.node({
      dataDir: high.dataDir,
      members: [high.nodeId],
      syncPeers: [low.nodeId],
      listen: BOTH,
      backoff,
      random: seededRandom(seed + 1),
      peers: { [low.nodeId]: lowNode.multiaddrs() },
    })
    const lowReplica = new Replica({ node: low.nodeId, now: () => Date.now() })
    const highReplica = new Replica({ node: high.nodeId, now: () => Date.now() })
    // Writes made before any connection exist only locally; step 1 and step 2 carry them over.
    lowReplica.map<number>('stock').set('apples', 3)
    highReplica.map<number>('stock').set('pears', 5)
    const lowSync = await createCrdtSyncService(lowNode, crdtSyncAdapter(lowReplica, { bytesMax: 1 << 20 }))
    const highSync = await createCrdtSyncService(
      highNode,
      crdtSyncAdapter(highReplica, { bytesMax: 1 << 20 }),
    )
    await waitFor(() => sameMap(lowReplica, highReplica, 'stock'), `initial convergence (seed ${seed})`)
    expect(highReplica.map('stock').get('apples')).toBe(3)
    expect(lowReplica.map('stock').get('pears')).toBe(5)

    // Live updates flow both ways.
    for (let i = 0; i < 200; i++) {
      lowReplica.map<number>('stock').set(`low-${i}`, i)
      highReplica.map<number>('stock').set(`high-${i}`, i)
    }
    await waitFor(() => sameMap(lowReplica, highReplica, 'stock'), `live convergence (seed ${seed})`)
    expect(lowReplica.map('stock').size).toBe(402)

    // Disconnect; both sides keep writing alone; after the reconnection they converge again.
    const sessionsBefore = lowSync.sessionCount(high.nodeId)
    for (const connection of lowNode.libp2p.getConnections()) connection.abort(new Error('cut by the test'))
    lowReplica.map<number>('stock').set('apples', 30)
    highReplica.map<number>('stock').delete('pears')
    highReplica.map<number>('stock').set('plums', 8)
    await waitFor(
      () => lowSync.sessionCount(high.nodeId) > sessionsBefore && sameMap(lowReplica, highReplica, 'stock'),
      `convergence after the disconnect (seed ${seed})`,
    )
    expect(highReplica.map('stock').get('apples')).toBe(30)
    expect(lowReplica.map('stock').has('pears')).toBe(false)
    expect(lowReplica.map('stock').get('plums')).toBe(8)
    expect(highSync.isSyncing(low.nodeId) || lowSync.isSyncing(high.nodeId)).toBe(true)
  })

  it('admits sync peers but not strangers', async () => {
    const [member, stranger] = await fixture.identities(2)
    if (member === undefined || stranger === undefined) throw new Error('unreachable')
    const memberNode = await fixture.node({ dataDir: member.dataDir, members: [member.nodeId], listen: BOTH })
    const strangerNode = await fixture.node({
      dataDir: stranger.dataDir,
      members: [stranger.nodeId],
      syncPeers: [member.nodeId],
      listen: BOTH,
      peers: { [member.nodeId]: memberNode.multiaddrs() },
    })
    const memberReplica = new Replica({ node: member.nodeId, now: () => Date.now() })
    const strangerReplica = new Replica({ node: stranger.nodeId, now: () => Date.now() })
    strangerReplica.map<number>('m').set('k', 1)
    await createCrdtSyncService(memberNode, crdtSyncAdapter(memberReplica, { bytesMax: 1 << 20 }))
    await createCrdtSyncService(strangerNode, crdtSyncAdapter(strangerReplica, { bytesMax: 1 << 20 }))
    await waitFor(() => memberNode.peerMetrics(stranger.nodeId).refusedConnections >= 2, 'refusals counted')
    expect(memberReplica.map('m').has('k')).toBe(false)
  })

  it('follows changes of the sync peer list at runtime', async () => {
    const [a, b] = await fixture.identities(2)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    const nodeA = await fixture.node({ dataDir: a.dataDir, members: [a.nodeId], listen: BOTH, backoff })
    const nodeB = await fixture.node({
      dataDir: b.dataDir,
      members: [b.nodeId],
      listen: BOTH,
      backoff,
      peers: { [a.nodeId]: nodeA.multiaddrs() },
    })
    const replicaA = new Replica({ node: a.nodeId, now: () => Date.now() })
    const replicaB = new Replica({ node: b.nodeId, now: () => Date.now() })
    replicaA.map<number>('m').set('from-a', 1)
    const syncA = await createCrdtSyncService(nodeA, crdtSyncAdapter(replicaA, { bytesMax: 1 << 20 }))
    const syncB = await createCrdtSyncService(nodeB, crdtSyncAdapter(replicaB, { bytesMax: 1 << 20 }))
    expect(syncA.isSyncing(b.nodeId) || syncB.isSyncing(a.nodeId)).toBe(false)
    await nodeA.setSyncPeers([b.nodeId])
    await nodeB.setSyncPeers([a.nodeId])
    await waitFor(() => replicaB.map('m').get('from-a') === 1, 'synced once both list each other')
    await nodeA.setSyncPeers([])
    await waitFor(
      () => !syncA.isSyncing(b.nodeId) && !syncB.isSyncing(a.nodeId),
      'sync stopped after removal',
    )
    // B is a stranger to A now: A hung up, and B's attempts to come back are refused.
    await waitFor(() => nodeA.peerMetrics(b.nodeId).refusedConnections > 0, 'B refused by A')
    // A sync peer taken off the list is forgotten by the address book, as a removed member is.
    expect(nodeB.knownAddresses(a.nodeId).length).toBeGreaterThan(0)
    await nodeB.setSyncPeers([])
    expect(nodeB.knownAddresses(a.nodeId)).toEqual([])
  })
})
