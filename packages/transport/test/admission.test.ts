import { peerIdFromString } from '@libp2p/peer-id'
import { silentLogger } from '@tandem/base'
import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL, SNAPSHOT_PROTOCOL } from '../src/protocols.js'
import { createSnapshotService } from '../src/snapshot/service.js'
import { Fixture, QUIC_ONLY, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

describe.each([
  ['TCP', TCP_ONLY],
  ['QUIC', QUIC_ONLY],
])('admission over %s', (_name, listen) => {
  it('refuses the connection of a peer that is neither member nor sync peer', async () => {
    const [member, stranger] = await fixture.identities(2)
    if (member === undefined || stranger === undefined) throw new Error('unreachable')
    const warnings: Array<Readonly<Record<string, unknown>> | undefined> = []
    const logger = {
      ...silentLogger,
      warn: (_message: string, fields?: Readonly<Record<string, unknown>>) => warnings.push(fields),
    }
    const memberNode = await fixture.node({
      dataDir: member.dataDir,
      members: [member.nodeId],
      listen,
      logger,
    })
    const strangerNode = await fixture.node({
      dataDir: stranger.dataDir,
      members: [stranger.nodeId, member.nodeId],
      listen,
      peers: { [member.nodeId]: memberNode.multiaddrs() },
    })
    await expect(
      strangerNode.libp2p.dialProtocol(peerIdFromString(member.nodeId), RAFT_PROTOCOL, {
        signal: AbortSignal.timeout(10_000),
      }),
    ).rejects.toThrow()
    await waitFor(() => memberNode.peerMetrics(stranger.nodeId).refusedConnections > 0, 'refusal counted')
    expect(memberNode.admission.refusals).toBeGreaterThan(0)
    expect(warnings.some((fields) => fields?.peer === stranger.nodeId && fields.role === 'stranger')).toBe(
      true,
    )
    expect(memberNode.libp2p.getConnections().length).toBe(0)
  })

  it('gives a sync peer nothing but a closed stream on the cluster protocols', async () => {
    const [member, syncPeer] = await fixture.identities(2)
    if (member === undefined || syncPeer === undefined) throw new Error('unreachable')
    const memberNode = await fixture.node({
      dataDir: member.dataDir,
      members: [member.nodeId],
      syncPeers: [syncPeer.nodeId],
      listen,
    })
    let framesDelivered = 0
    raftOf(memberNode).onFrame(() => framesDelivered++)
    const snapshots = await createSnapshotService(memberNode)
    snapshots.onSnapshot(() => {
      framesDelivered++
    })
    const syncNode = await fixture.node({
      dataDir: syncPeer.dataDir,
      members: [syncPeer.nodeId],
      syncPeers: [member.nodeId],
      listen,
      peers: { [member.nodeId]: memberNode.multiaddrs() },
    })
    for (const protocol of [RAFT_PROTOCOL, SNAPSHOT_PROTOCOL]) {
      const before = memberNode.peerMetrics(syncPeer.nodeId).refusedConnections
      const stream = await syncNode.libp2p.dialProtocol(peerIdFromString(member.nodeId), protocol)
      try {
        stream.send(new Uint8Array([3, 1, 2, 3]))
      } catch {
        // The stream may already be reset by the time we write: that is the refusal.
      }
      let bytesReceived = 0
      try {
        for await (const chunk of stream) bytesReceived += chunk.byteLength
      } catch {
        // A reset surfaces as an error while reading; either way nothing arrives.
      }
      expect(bytesReceived).toBe(0)
      // yamux closes the whole stream; QUIC ends its read side (the write side fails on next use).
      expect(stream.status !== 'open' || stream.remoteWriteStatus === 'closed').toBe(true)
      await waitFor(
        () => memberNode.peerMetrics(syncPeer.nodeId).refusedConnections === before + 1,
        `refusal on ${protocol} counted`,
      )
    }
    expect(framesDelivered).toBe(0)
    // The connection itself is allowed (sync peers may use /tandem/crdt/1).
    expect(memberNode.libp2p.getConnections().length).toBe(1)
  })
})
