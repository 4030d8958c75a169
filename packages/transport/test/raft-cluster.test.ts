import { SeededRandom } from '@tandem/base'
import { systemClock } from '@tandem/base/system'
import { MemoryLogStorage, RaftNode, Role } from '@tandem/raft'
import { afterEach, describe, expect, it } from 'vitest'
import { createRaftTransport } from '../src/raft-transport.js'
import { createRaftSnapshotTransport } from '../src/snapshot/raft-snapshots.js'
import { createSnapshotService, type SnapshotService } from '../src/snapshot/service.js'
import { BOTH, Fixture, raftOf, waitFor } from './helpers.js'

const fixture = new Fixture()
const rafts: RaftNode[] = []
afterEach(async () => {
  await Promise.all(rafts.splice(0).map((raft) => raft.stop()))
  await fixture.cleanup()
})

const clock = systemClock()

describe('three RaftNodes over libp2p', () => {
  it('elect a leader and replicate a command to every state machine', async () => {
    const seed = 31
    const identities = await fixture.identities(3)
    const ids = identities.map((identity) => identity.nodeId)
    const nodes = []
    for (const identity of identities) {
      const peers: Record<string, string[]> = {}
      for (const earlier of nodes) peers[earlier.nodeId] = earlier.multiaddrs()
      nodes.push(await fixture.node({ dataDir: identity.dataDir, members: ids, listen: BOTH, peers }))
    }
    const applied = new Map<string, string[]>()
    const snapshotServices = await Promise.all(nodes.map((node) => createSnapshotService(node)))
    nodes.forEach((node, i) => {
      applied.set(node.nodeId, [])
      const raft = new RaftNode({
        id: node.nodeId,
        clock,
        random: new SeededRandom(seed + i),
        transport: createRaftTransport(raftOf(node)),
        snapshotTransport: createRaftSnapshotTransport(raftOf(node), snapshotServices[i] as SnapshotService),
        storage: new MemoryLogStorage({ voters: ids }),
        tickMs: 20,
        stateMachine: {
          apply: (commands) =>
            commands.map((command) => {
              applied.get(node.nodeId)?.push(new TextDecoder().decode(command.data))
              return command.data
            }),
          snapshot: () => new Uint8Array(0),
          restore: () => {},
        },
      })
      rafts.push(raft)
    })
    for (const raft of rafts) await raft.start()
    await waitFor(() => rafts.some((raft) => raft.status().role === Role.Leader), `a leader (seed ${seed})`)
    const leader = rafts.find((raft) => raft.status().role === Role.Leader)
    if (leader === undefined) throw new Error('unreachable')
    const outcome = await leader.propose(new TextEncoder().encode('hello over QUIC'))
    expect(outcome.index).toBeGreaterThan(0)
    await waitFor(
      () => [...applied.values()].every((commands) => commands.includes('hello over QUIC')),
      `applied everywhere (seed ${seed})`,
    )
    // Every follower heard from the leader over libp2p, and the leader from every follower.
    const leaderId = leader.status().id
    const leaderNode = nodes.find((node) => node.nodeId === leaderId)
    for (const node of nodes) {
      if (node === leaderNode) continue
      expect(node.peerMetrics(leaderId).framesIn).toBeGreaterThan(0)
      expect(leaderNode?.peerMetrics(node.nodeId).framesIn).toBeGreaterThan(0)
    }
  })
})
