/**
 * Raft member ids of the form `<peer id>/<store id>` over real hosts: a message travels on the
 * link of its recipient's peer, and is refused unless its sender's peer part is the authenticated
 * remote (no member sends as another) and its recipient is this node's own member id (two store ids
 * of one peer — a wiped data directory that joined again — are told apart).
 */
import type { WireMessage } from '@tandem/raft'
import { afterEach, describe, expect, it } from 'vitest'
import { peerIdOfMember } from '../src/member-ids.js'
import { createRaftTransport } from '../src/raft-transport.js'
import { heartbeat } from './heartbeat.js'
import { Fixture, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

const PEER = '12D3KooWLnfPDqQCYEMGEZcLzipaWzhYFSr6zNQuuzZsNZTcRU4z'

describe('peerIdOfMember', () => {
  it('reads the peer part of both member id forms and refuses anything else', () => {
    expect(peerIdOfMember(`${PEER}/0123456789abcdef`)).toBe(PEER)
    expect(peerIdOfMember(PEER)).toBe(PEER)
    expect(peerIdOfMember(`${PEER}/0123456789ABCDEF`)).toBeNull()
    expect(peerIdOfMember(`${PEER}/0123456789abcde`)).toBeNull()
    expect(peerIdOfMember(`${PEER}/0123456789abcdef/x`)).toBeNull()
    expect(peerIdOfMember('nobody')).toBeNull()
    expect(peerIdOfMember(`/0123456789abcdef`)).toBeNull()
    expect(peerIdOfMember('')).toBeNull()
  })
})

/** Calls `send` every 100 ms until `done` holds (at most 20 s). */
async function resendUntil(send: () => void, done: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 20_000
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    send()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Three members A, B and C, each with a Raft service under a member id with a store id. */
async function cluster() {
  const [a, b, c] = await fixture.identities(3)
  if (a === undefined || b === undefined || c === undefined) throw new Error('unreachable')
  const peers = [a.nodeId, b.nodeId, c.nodeId]
  const ids = {
    a: `${a.nodeId}/aaaaaaaaaaaaaaa1`,
    b: `${b.nodeId}/bbbbbbbbbbbbbbb2`,
    c: `${c.nodeId}/ccccccccccccccc3`,
  }
  const nodeB = await fixture.node({
    dataDir: b.dataDir,
    members: peers,
    listen: TCP_ONLY,
    raft: { memberId: ids.b },
  })
  const known = { [b.nodeId]: nodeB.multiaddrs() }
  const nodeA = await fixture.node({
    dataDir: a.dataDir,
    members: peers,
    listen: TCP_ONLY,
    peers: known,
    raft: { memberId: ids.a },
  })
  const nodeC = await fixture.node({
    dataDir: c.dataDir,
    members: peers,
    listen: TCP_ONLY,
    peers: known,
    raft: { memberId: ids.c },
  })
  const received: WireMessage[] = []
  createRaftTransport(raftOf(nodeB)).onMessage((message) => received.push(message))
  return {
    ids,
    peerA: a.nodeId,
    nodeA,
    nodeB,
    transportA: createRaftTransport(raftOf(nodeA)),
    transportC: createRaftTransport(raftOf(nodeC)),
    received,
  }
}

describe('member ids with store ids', () => {
  it('delivers a message between member ids and refuses one whose sender is another member', async () => {
    const { ids, peerA, nodeB, transportA, transportC, received } = await cluster()
    transportA.send([heartbeat(ids.a, ids.b, 1)])
    await waitFor(() => received.length === 1, 'the honest message')
    expect(received[0]).toMatchObject({ from: ids.a, to: ids.b })

    // A, authenticated as peer A, claims to be C: refused, A's stream closed, nothing delivered.
    transportA.send([heartbeat(ids.c, ids.b, 2)])
    await waitFor(() => raftOf(nodeB).stats().framesRefused === 1, 'the forged sender refused')
    expect(nodeB.peerMetrics(peerA).streamErrors).toBe(1)
    // C itself is unaffected, and A's link comes back for its honest messages.
    transportC.send([heartbeat(ids.c, ids.b, 3)])
    await waitFor(() => received.some((message) => message.term === 3), 'C still delivers')
    // Frames A queued while its stream was being reset may be lost with it (Raft resends): resend.
    await resendUntil(
      () => transportA.send([heartbeat(ids.a, ids.b, 4)]),
      () => received.some((message) => message.term === 4),
      'A delivers again',
    )
    expect(received.some((message) => message.term === 2)).toBe(false)
    expect(received.filter((message) => message.from === ids.c).map((message) => message.term)).toEqual([3])
  })

  it('tells two store ids of one peer apart: messages for the old id are dropped on a kept stream, the new id gets its own', async () => {
    const { ids, peerA: senderPeer, nodeB, transportA, received } = await cluster()
    const [peerB] = ids.b.split('/')
    // B's directory was wiped and it joined again: its old member id is no longer this node, but
    // A's configuration still lists it (a voter until removed), so A keeps sending to both ids.
    const oldB = `${peerB}/0000000000000000`
    expect(peerIdOfMember(oldB)).toBe(peerIdOfMember(ids.b))
    transportA.send([heartbeat(ids.a, ids.b, 1)])
    await waitFor(() => received.length === 1, 'the first message for the new id')
    for (let term = 2; term <= 21; term++)
      transportA.send([heartbeat(ids.a, oldB, term), heartbeat(ids.a, ids.b, term)])
    await waitFor(() => received.length === 21, 'every message for the new id, interleaved with the old')
    // Nothing for the old id reached Raft, nothing was lost for the new one, and the stream stayed up.
    expect(received.map((message) => message.term)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
    expect(received.every((message) => message.to === ids.b)).toBe(true)
    expect(raftOf(nodeB).stats()).toMatchObject({ framesToFormerMember: 20, framesRefused: 0 })
    expect(nodeB.peerMetrics(senderPeer).streamErrors).toBe(0)
    const delivered = received.length

    // Likewise from the sender's side: two incarnations of A reach B under different member ids,
    // each authenticated by A's peer id, and Raft sees which one spoke.
    const [peerA] = ids.a.split('/')
    const newA = `${peerA}/aaaaaaaaaaaaaaa9`
    transportA.send([heartbeat(newA, ids.b, 3)])
    await waitFor(() => received.length > delivered, 'the new incarnation of A')
    expect(new Set(received.map((message) => message.from))).toEqual(new Set([ids.a, newA]))
    expect(received.every((message) => message.to === ids.b)).toBe(true)
  })

  it('refuses a member id whose peer part is not the host', async () => {
    const [a] = await fixture.identities(1)
    if (a === undefined) throw new Error('unreachable')
    await expect(
      fixture.node({
        dataDir: a.dataDir,
        members: [a.nodeId],
        listen: TCP_ONLY,
        raft: { memberId: `${PEER}/0123456789abcdef` },
      }),
    ).rejects.toThrow(/does not belong to this host/)
  })

  it('drops a message to a member id that names no peer, and counts it', async () => {
    const { ids, nodeA, transportA } = await cluster()
    transportA.send([heartbeat(ids.a, 'nobody', 1)])
    expect(raftOf(nodeA).stats()).toMatchObject({ framesDropped: 1, framesQueued: 0 })
  })

  it('reports an unreachable peer as the member id last sent to', async () => {
    const [a, gone] = await fixture.identities(2)
    if (a === undefined || gone === undefined) throw new Error('unreachable')
    const memberA = `${a.nodeId}/00000000000000a1`
    const memberGone = `${gone.nodeId}/00000000000000f1`
    const nodeA = await fixture.node({
      dataDir: a.dataDir,
      members: [a.nodeId, gone.nodeId],
      listen: TCP_ONLY,
      backoff: { delayMsInitial: 10, delayMsMax: 50 },
      raft: { memberId: memberA },
    })
    const transport = createRaftTransport(raftOf(nodeA))
    const unreachable: string[] = []
    transport.onUnreachable((member) => unreachable.push(member))
    // The peer has no host and no known address: every dial fails.
    transport.send([heartbeat(memberA, memberGone, 1)])
    await waitFor(() => unreachable.length > 0, 'an unreachable report')
    expect(new Set(unreachable)).toEqual(new Set([memberGone]))
  })
})
