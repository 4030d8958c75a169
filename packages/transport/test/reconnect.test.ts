import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../src/protocols.js'
import { BOTH, Fixture, forget, QUIC_ONLY, raftOf, seededRandom, TCP_ONLY, waitFor } from './helpers.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

const backoff = { delayMsInitial: 20, delayMsMax: 200, multiplier: 2, jitter: 0.5 }

describe('peer restart', () => {
  it.each([
    ['the same address over TCP', 'opener', TCP_ONLY, true],
    ['the same address over TCP', 'acceptor', TCP_ONLY, true],
    ['a new address over QUIC', 'opener', QUIC_ONLY, false],
    ['a new address over QUIC', 'acceptor', QUIC_ONLY, false],
    ['a new address over QUIC and TCP', 'acceptor', BOTH, false],
  ] as const)(
    'on %s (the restarted peer is the %s): the other side reconnects and delivery resumes',
    async (_name, restartedRole, listen, sameAddress) => {
      const seed = 7
      // B restarts. The peer whose id sorts first opens the pair's stream: make B that one or not.
      const sorted = (await fixture.identities(2)).sort((x, y) => (x.nodeId < y.nodeId ? -1 : 1))
      const [a, b] = restartedRole === 'opener' ? [sorted[1], sorted[0]] : [sorted[0], sorted[1]]
      if (a === undefined || b === undefined) throw new Error('unreachable')
      const members = [a.nodeId, b.nodeId]
      const nodeA = await fixture.node({
        dataDir: a.dataDir,
        members,
        listen,
        backoff,
        random: seededRandom(seed),
      })
      const firstB = await fixture.node({
        dataDir: b.dataDir,
        members,
        listen,
        backoff,
        random: seededRandom(seed + 1),
        peers: { [a.nodeId]: nodeA.multiaddrs() },
      })
      const received: number[] = []
      raftOf(firstB).onFrame((_from, frame) => received.push(frame[0] ?? -1))
      raftOf(nodeA).send(b.nodeId, Uint8Array.of(1))
      await waitFor(() => received.length === 1, `first frame (seed ${seed})`)
      // B learned A's addresses through identify and persisted them; A learned B's.
      await waitFor(() => firstB.knownAddresses(a.nodeId).length > 0, 'address of A persisted by B')
      const oldAddresses = firstB.multiaddrs()
      await firstB.stop()
      forget(fixture, firstB)
      await waitFor(() => raftOf(nodeA).linkState(b.nodeId) !== 'open', 'A noticed the loss')

      // B comes back from its data directory (same key, same address book), on the old or a new port.
      const restartedB = await fixture.node({
        dataDir: b.dataDir,
        members,
        listen: sameAddress ? oldAddresses.map((address) => address.replace(/\/p2p\/.*$/, '')) : listen,
        backoff,
        random: seededRandom(seed + 2),
      })
      expect(restartedB.nodeId).toBe(b.nodeId)
      if (!sameAddress) expect(restartedB.multiaddrs()).not.toEqual(oldAddresses)
      raftOf(restartedB).onFrame((_from, frame) => received.push(frame[0] ?? -1))
      await waitFor(() => raftOf(nodeA).linkState(b.nodeId) === 'open', `A reconnected (seed ${seed})`)
      raftOf(nodeA).send(b.nodeId, Uint8Array.of(2))
      await waitFor(() => received.includes(2), `delivery resumed (seed ${seed})`)
      expect(nodeA.peerMetrics(b.nodeId).reconnects).toBeGreaterThanOrEqual(1)
    },
  )
})

describe('a peer connecting while the opener negotiates its stream', () => {
  it('does not cut the negotiation short: the stream the acceptor adopted is the one the opener keeps', async () => {
    const seed = 11
    const [opener, acceptor] = (await fixture.identities(2)).sort((x, y) => (x.nodeId < y.nodeId ? -1 : 1))
    if (opener === undefined || acceptor === undefined) throw new Error('unreachable')
    const members = [opener.nodeId, acceptor.nodeId]
    // The opener starts alone: its first open fails (no address) and it waits out a long backoff,
    // which only the acceptor's connection (a nudge) ends.
    const nodeB = await fixture.node({
      dataDir: opener.dataDir,
      members,
      listen: TCP_ONLY,
      backoff: { delayMsInitial: 60_000, delayMsMax: 60_000, multiplier: 1, jitter: 0 },
      random: seededRandom(seed),
    })
    await waitFor(
      () => raftOf(nodeB).linkState(acceptor.nodeId) === 'backoff',
      'opener waiting out its backoff',
    )
    // The next open is nudged while it negotiates, as when the peer's own connection arrives at
    // that moment (after a restart both sides dial at once). Cutting the negotiation short there
    // reset a stream the acceptor may already have adopted, and lost what it sent on it; the
    // opener then had to open a second stream.
    const open = nodeB.openStream.bind(nodeB)
    let opens = 0
    nodeB.openStream = (peer, protocol, signal, options) => {
      opens++
      const opened = open(peer, protocol, signal, options)
      if (opens === 1) raftOf(nodeB).nudge(peer)
      return opened
    }
    const received: number[] = []
    raftOf(nodeB).onFrame((_from, frame) => received.push(frame[0] ?? -1))
    const nodeA = await fixture.node({
      dataDir: acceptor.dataDir,
      members,
      listen: TCP_ONLY,
      random: seededRandom(seed + 1),
      peers: { [opener.nodeId]: nodeB.multiaddrs() },
    })
    await waitFor(
      () => raftOf(nodeA).linkState(opener.nodeId) === 'open',
      `acceptor adopted a stream (seed ${seed})`,
    )
    raftOf(nodeA).send(opener.nodeId, Uint8Array.of(7))
    await waitFor(() => received.includes(7), `frame sent on the adopted stream arrived (seed ${seed})`)
    expect(opens).toBe(1)
    expect(nodeA.peerMetrics(opener.nodeId).reconnects).toBe(0)
  })

  it('a dial signal aborts only the dial, never a stream on an existing connection', async () => {
    const { b, nodeA } = await fixture.pair({ listen: TCP_ONLY })
    const aborted = AbortSignal.abort()
    await waitFor(() => nodeA.libp2p.getConnections().length > 0, 'connected')
    const stream = await nodeA.openStream(b.nodeId, RAFT_PROTOCOL, AbortSignal.timeout(5_000), {
      dialSignal: aborted,
    })
    expect(stream.status).toBe('open')
    stream.abort(new Error('test done'))
    await nodeA.libp2p.hangUp(peerIdFromString(b.nodeId))
    await expect(
      nodeA.openStream(b.nodeId, RAFT_PROTOCOL, AbortSignal.timeout(5_000), { dialSignal: aborted }),
    ).rejects.toThrow()
  })
})
