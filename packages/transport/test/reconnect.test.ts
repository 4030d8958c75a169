import { afterEach, describe, expect, it } from 'vitest'
import { BOTH, Fixture, forget, QUIC_ONLY, seededRandom, TCP_ONLY, waitFor } from './helpers.js'

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
      firstB.raft.onFrame((_from, frame) => received.push(frame[0] ?? -1))
      nodeA.raft.send(b.nodeId, Uint8Array.of(1))
      await waitFor(() => received.length === 1, `first frame (seed ${seed})`)
      // B learned A's addresses through identify and persisted them; A learned B's.
      await waitFor(() => firstB.knownAddresses(a.nodeId).length > 0, 'address of A persisted by B')
      const oldAddresses = firstB.multiaddrs()
      await firstB.stop()
      forget(fixture, firstB)
      await waitFor(() => nodeA.raft.linkState(b.nodeId) !== 'open', 'A noticed the loss')

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
      restartedB.raft.onFrame((_from, frame) => received.push(frame[0] ?? -1))
      await waitFor(() => nodeA.raft.linkState(b.nodeId) === 'open', `A reconnected (seed ${seed})`)
      nodeA.raft.send(b.nodeId, Uint8Array.of(2))
      await waitFor(() => received.includes(2), `delivery resumed (seed ${seed})`)
      expect(nodeA.peerMetrics(b.nodeId).reconnects).toBeGreaterThanOrEqual(1)
    },
  )
})
