import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../src/protocols.js'
import { Fixture, QUIC_ONLY, raftOf, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

const FRAME_BYTES_MAX = 1024

describe.each([
  ['TCP', TCP_ONLY],
  ['QUIC', QUIC_ONLY],
])('bad frames over %s', (_name, listen) => {
  it.each([
    ['an oversized frame', Uint8Array.from([0x81, 0x08])], // length 1025, one over the cap
    ['a malformed length prefix', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
  ])('%s closes only the offending stream', async (_what, poison) => {
    const [receiver, offender, bystander] = await fixture.identities(3)
    if (receiver === undefined || offender === undefined || bystander === undefined)
      throw new Error('unreachable')
    const members = [receiver.nodeId, offender.nodeId, bystander.nodeId]
    const raft = { frameBytesMax: FRAME_BYTES_MAX }
    const receiverNode = await fixture.node({ dataDir: receiver.dataDir, members: members, listen, raft })
    const peers = { [receiver.nodeId]: receiverNode.multiaddrs() }
    const offenderNode = await fixture.node({ dataDir: offender.dataDir, members, listen, peers, raft })
    const bystanderNode = await fixture.node({ dataDir: bystander.dataDir, members, listen, peers, raft })
    const received: Record<string, number> = { [offender.nodeId]: 0, [bystander.nodeId]: 0 }
    raftOf(receiverNode).onFrame((from) => {
      received[from] = (received[from] ?? 0) + 1
    })

    // Both peers' normal links work.
    raftOf(offenderNode).send(receiver.nodeId, new Uint8Array(10))
    raftOf(bystanderNode).send(receiver.nodeId, new Uint8Array(10))
    await waitFor(() => received[offender.nodeId] === 1 && received[bystander.nodeId] === 1, 'first frames')

    // A raw stream from the offender sends one good frame, then poison.
    const raw = await offenderNode.libp2p.dialProtocol(peerIdFromString(receiver.nodeId), RAFT_PROTOCOL)
    raw.addEventListener('message', () => {})
    raw.send(Uint8Array.from([2, 7, 7]))
    raw.send(poison)
    await waitFor(() => receiverNode.peerMetrics(offender.nodeId).streamErrors === 1, 'stream error counted')
    // The receiver reset the stream: yamux closes it, QUIC ends its read side at once.
    await waitFor(
      () => raw.status !== 'open' || raw.remoteWriteStatus === 'closed',
      'offending stream closed',
    )
    expect(received[offender.nodeId]).toBe(2)

    // Everything else keeps working: the bystander, and the offender's own long-lived link.
    for (let i = 0; i < 100; i++) raftOf(bystanderNode).send(receiver.nodeId, new Uint8Array(FRAME_BYTES_MAX))
    raftOf(offenderNode).send(receiver.nodeId, new Uint8Array(10))
    await waitFor(() => received[bystander.nodeId] === 101 && received[offender.nodeId] === 3, 'later frames')
    expect(receiverNode.peerMetrics(bystander.nodeId).streamErrors).toBe(0)
  })

  it('refuses to send a frame over the cap and counts it', async () => {
    const { b, nodeA } = await fixture.pair({ listen, raft: { frameBytesMax: FRAME_BYTES_MAX } })
    expect(raftOf(nodeA).send(b.nodeId, new Uint8Array(FRAME_BYTES_MAX + 1))).toBe(false)
    expect(nodeA.peerMetrics(b.nodeId).framesDropped).toBe(1)
  })
})
