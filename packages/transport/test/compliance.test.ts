/**
 * Checks adapted from the libp2p interface compliance suites (@libp2p/interface-compliance-tests
 * could not be installed: one of its dependencies is missing from the registry). This package
 * implements no libp2p Transport, StreamMuxer or ConnectionEncrypter of its own — it uses the
 * maintained ones — so the suites that apply are the contracts of what it does implement: a
 * ConnectionGater, protocol stream handlers (registration, half-close, reset) and the service
 * lifecycle (start, stop, no leaked handlers, streams or connections).
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { silentLogger } from '@tandem/base'
import { Replica } from '@tandem/crdt'
import { afterEach, describe, expect, it } from 'vitest'
import { Admission } from '../src/admission.js'
import { crdtSyncAdapter } from '../src/crdt/sync-adapter.js'
import { createCrdtSyncService } from '../src/crdt/sync-service.js'
import { FramedStream } from '../src/framing/framed-stream.js'
import { MetricsRegistry } from '../src/metrics.js'
import { CRDT_PROTOCOL, RAFT_PROTOCOL, SNAPSHOT_PROTOCOL } from '../src/protocols.js'
import { createSnapshotService } from '../src/snapshot/service.js'
import { BOTH, Fixture, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

describe('ConnectionGater contract', () => {
  it('answers every hook with a boolean: false for admitted peers, true for strangers', async () => {
    const [member, syncPeer, stranger] = await fixture.identities(3)
    if (member === undefined || syncPeer === undefined || stranger === undefined)
      throw new Error('unreachable')
    const metrics = new MetricsRegistry()
    const admission = new Admission({
      members: [member.nodeId],
      syncPeers: [syncPeer.nodeId],
      metrics,
      logger: silentLogger,
    })
    const gater = admission.connectionGater()
    const connection = {} as never
    for (const [peer, denied] of [
      [member.nodeId, false],
      [syncPeer.nodeId, false],
      [stranger.nodeId, true],
    ] as const) {
      const peerId = peerIdFromString(peer)
      expect(await gater.denyDialPeer?.(peerId)).toBe(denied)
      expect(await gater.denyInboundEncryptedConnection?.(peerId, connection)).toBe(denied)
      expect(await gater.denyOutboundEncryptedConnection?.(peerId, connection)).toBe(denied)
      expect(await gater.denyInboundUpgradedConnection?.(peerId, connection)).toBe(denied)
      expect(await gater.denyOutboundUpgradedConnection?.(peerId, connection)).toBe(denied)
    }
    expect(metrics.peer(stranger.nodeId).refusedConnections).toBe(4)
    expect(metrics.peer(member.nodeId).refusedConnections).toBe(0)
    // Hooks about addresses alone are not implemented: admission needs the authenticated peer id.
    expect(gater.denyDialMultiaddr).toBeUndefined()
    expect(gater.denyInboundConnection).toBeUndefined()
  })

  it('follows membership changes at once', () => {
    const admission = new Admission({
      members: ['a'],
      syncPeers: [],
      metrics: new MetricsRegistry(),
      logger: silentLogger,
    })
    expect(admission.admits('b', RAFT_PROTOCOL)).toBe(false)
    admission.setMembers(['a', 'b'])
    expect(admission.admits('b', RAFT_PROTOCOL)).toBe(true)
    admission.setSyncPeers(['c'])
    expect(admission.admits('c', CRDT_PROTOCOL)).toBe(true)
    expect(admission.admits('c', SNAPSHOT_PROTOCOL)).toBe(false)
  })
})

describe('stream handler and lifecycle contract', () => {
  it('registers its protocols while running and leaves nothing behind after stop', async () => {
    const { a, b, nodeA } = await fixture.pair({ listen: BOTH })
    await createSnapshotService(nodeA)
    await createCrdtSyncService(
      nodeA,
      crdtSyncAdapter(new Replica({ node: a.nodeId, now: () => 0 }), { bytesMax: 1024 }),
    )
    expect(nodeA.libp2p.getProtocols()).toEqual(
      expect.arrayContaining([RAFT_PROTOCOL, SNAPSHOT_PROTOCOL, CRDT_PROTOCOL]),
    )
    raftOf(nodeA).send(b.nodeId, Uint8Array.of(1))
    await waitFor(() => raftOf(nodeA).linkState(b.nodeId) === 'open', 'link open')
    await nodeA.stop()
    await nodeA.stop() // stopping twice is harmless
    expect(nodeA.running).toBe(false)
    expect(nodeA.libp2p.getConnections()).toEqual([])
    expect(nodeA.libp2p.status).toBe('stopped')
    expect(raftOf(nodeA).send(b.nodeId, Uint8Array.of(2))).toBe(false)
    await expect(nodeA.openStream(b.nodeId, RAFT_PROTOCOL, AbortSignal.timeout(1000))).rejects.toMatchObject({
      code: 'TRANSPORT_HOST_NOT_RUNNING',
    })
  })

  it('half-closes: the remote reads to the end, then the stream closes', async () => {
    const { a, b, nodeA, nodeB } = await fixture.pair({ listen: TCP_ONLY })
    const echoed: number[] = []
    await nodeB.libp2p.handle('/test/echo/1', async (stream) => {
      const framed = new FramedStream(stream, {
        protocol: 'echo',
        frameBytesMax: 1024,
        metrics: nodeB.metrics.peer(a.nodeId),
      })
      for (;;) {
        const frame = await framed.read()
        if (frame === null) break
        await framed.write(frame)
      }
      await framed.close()
    })
    const framed = new FramedStream(
      await nodeA.openStream(b.nodeId, '/test/echo/1', AbortSignal.timeout(5000)),
      {
        protocol: 'echo',
        frameBytesMax: 1024,
        metrics: nodeA.metrics.peer(b.nodeId),
      },
    )
    for (let i = 0; i < 10; i++) await framed.write(Uint8Array.of(i))
    await framed.close()
    for (;;) {
      const frame = await framed.read()
      if (frame === null) break
      echoed.push(frame[0] ?? -1)
    }
    expect(echoed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    await waitFor(() => framed.stream.status === 'closed', 'stream closed on both sides')
  })
})
