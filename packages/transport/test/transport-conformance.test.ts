/**
 * `@tandem/raft`'s Transport conformance suite over the libp2p Raft transport: three real hosts on
 * 127.0.0.1 (TCP), fresh for every test, each with `createRaftTransport`.
 *
 * The suite is written for logical ids ('a', 'b', 'c') and a network that settles on cue; a real
 * network needs two adaptations, both in this setup and none in the suite:
 * - ids: libp2p node ids are peer ids, and the transport refuses a message whose `from` is not the
 *   authenticated peer, so each fixture transport maps the suite's ids to peer ids on send and back
 *   on receipt (an id the fixture does not know, such as the suite's 'nobody', stays as it is and
 *   is dropped by admission, as a stranger would be);
 * - settling: `settle()` waits until every message sent to a known node has arrived (polling, within
 *   a deadline), then a grace period in which a stray extra delivery would still show up.
 */
import type { NodeId, Transport, WireMessage } from '@tandem/raft'
import { transportSuite } from '@tandem/raft/testing'
import { createRaftTransport } from '../src/raft-transport.js'
import type { TransportHost } from '../src/transport-host.js'
import { Fixture, raftOf, TCP_ONLY, waitFor } from './helpers.js'

/** How long after the last expected delivery an unexpected one would still be noticed. */
const GRACE_MS = 100

transportSuite('libp2p Raft transport (three hosts on 127.0.0.1)', {
  async setup(ids) {
    const fixture = new Fixture()
    const identities = await fixture.identities(ids.length)
    const hosts: TransportHost[] = []
    for (const identity of identities) {
      const peers: Record<string, string[]> = {}
      for (const earlier of hosts) peers[earlier.nodeId] = earlier.multiaddrs()
      hosts.push(
        await fixture.node({
          dataDir: identity.dataDir,
          members: identities.map((known) => known.nodeId),
          listen: TCP_ONLY,
          peers,
        }),
      )
    }
    const toPeer = new Map<NodeId, string>()
    const toLogical = new Map<string, NodeId>()
    ids.forEach((id, index) => {
      const peer = identities[index]?.nodeId
      if (peer === undefined) throw new Error('one identity per id')
      toPeer.set(id, peer)
      toLogical.set(peer, id)
    })
    const counts = { sent: 0, received: 0 }
    const transports = new Map<NodeId, Transport>()
    hosts.forEach((host, index) => {
      const id = ids[index]
      if (id === undefined) throw new Error('one host per id')
      const inner = createRaftTransport(raftOf(host))
      transports.set(id, {
        send(messages: readonly WireMessage[]) {
          const mapped = messages.map((message) => {
            const to = toPeer.get(message.to)
            if (to !== undefined) counts.sent++
            return { ...message, from: toPeer.get(message.from) ?? message.from, to: to ?? message.to }
          })
          inner.send(mapped)
        },
        onMessage(handler: (message: WireMessage) => void) {
          inner.onMessage((message) => {
            counts.received++
            handler({
              ...message,
              from: toLogical.get(message.from) ?? message.from,
              to: toLogical.get(message.to) ?? message.to,
            })
          })
        },
        onUnreachable(handler: (peer: NodeId) => void) {
          inner.onUnreachable((peer) => handler(toLogical.get(peer) ?? peer))
        },
      })
    })
    return {
      transport(id: NodeId): Transport {
        const transport = transports.get(id)
        if (transport === undefined) throw new Error(`no host for ${id}`)
        return transport
      },
      async settle() {
        await waitFor(
          () => counts.received >= counts.sent,
          `${counts.sent} messages delivered (${counts.received} so far)`,
        )
        await new Promise((resolve) => setTimeout(resolve, GRACE_MS))
      },
      teardown: () => fixture.cleanup(),
    }
  },
})
