/**
 * RaftNode behaviour, one rule per test, on a small deterministic cluster driven by a manual clock
 * (no real timers, no faults unless a test injects them).
 */
import { describe, expect, it } from 'vitest'
import { ConfChangeTransition, ConfChangeType, MessageType, Role } from '../../src/core/types.js'
import {
  NodeFailedError,
  NodeStoppedError,
  NotLeaderError,
  ProposalDroppedError,
  ProposalTooLargeError,
  SnapshotFormatError,
  TimeoutError,
} from '../../src/driver/errors.js'
import type { RaftNodeEvent } from '../../src/driver/options.js'
import { Cluster, type ClusterOptions, type Member } from '../cluster/harness.js'

const utf8 = new TextEncoder()

/** Settles `promise` while the cluster runs; returns its value or throws its error. */
async function drive<T>(cluster: Cluster, promise: Promise<T>, msMax = 3_000): Promise<T> {
  let settled: { ok: true; value: T } | { ok: false; error: unknown } | null = null
  promise.then(
    (value) => {
      settled = { ok: true, value }
    },
    (error: unknown) => {
      settled = { ok: false, error }
    },
  )
  await cluster.runUntil(() => settled !== null, msMax, 'a request settling')
  const result = settled as unknown as { ok: true; value: T } | { ok: false; error: unknown }
  if (!result.ok) throw result.error
  return result.value
}

async function cluster3(
  options: Partial<ClusterOptions> = {},
): Promise<{ cluster: Cluster; leader: Member; followers: Member[] }> {
  const cluster = new Cluster({ seed: 7, ids: ['a', 'b', 'c'], ...options })
  await cluster.start()
  const leader = await cluster.waitForLeader()
  await cluster.run(50)
  const followers = [...cluster.members.values()].filter((member) => member !== leader)
  return { cluster, leader, followers }
}

describe('RaftNode proposals', () => {
  it('resolves with the result, index, term and a fencing token that grows with the log', async () => {
    const { cluster, leader } = await cluster3()
    const first = await drive(cluster, leader.node.propose(utf8.encode('one')))
    const second = await drive(cluster, leader.node.propose(utf8.encode('two')))
    expect(first.result).toBe(first.index)
    expect(first.duplicate).toBe(false)
    expect(second.index).toBeGreaterThan(first.index)
    expect(second.term).toBe(leader.node.status().term)
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken)
    expect(leader.stateMachine.history.map((h) => h.token)).toEqual([first.fencingToken, second.fencingToken])
  })

  it('batches concurrent proposals and resolves each with its own index', async () => {
    const { cluster, leader } = await cluster3()
    const outcomes = await drive(
      cluster,
      Promise.all(Array.from({ length: 50 }, (_, i) => leader.node.propose(utf8.encode(`p${i}`)))),
    )
    const indexes = outcomes.map((outcome) => outcome.index)
    expect(new Set(indexes).size).toBe(50)
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b))
  })

  it('forwards a proposal from a follower to the leader', async () => {
    const { cluster, followers } = await cluster3()
    const follower = followers[0] as Member
    const outcome = await drive(cluster, follower.node.propose(utf8.encode('via follower')))
    await cluster.run(20)
    for (const member of cluster.members.values()) {
      expect(member.stateMachine.history).toContainEqual(
        expect.objectContaining({ index: outcome.index, command: 'via follower' }),
      )
    }
  })

  it('rejects with NotLeaderError while no leader is known', async () => {
    const cluster = new Cluster({ seed: 3, ids: ['a', 'b', 'c'] })
    await cluster.start()
    const error = await cluster
      .member('a')
      .node.propose(utf8.encode('x'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotLeaderError)
    expect((error as NotLeaderError).leaderHint).toBeNull()
    expect((error as NotLeaderError).code).toBe('RAFT_NOT_LEADER')
  })

  it('rejects with NotLeaderError naming the leader when forwarding is off', async () => {
    const { cluster, leader, followers } = await cluster3({ nodeOptions: { proposalForwarding: false } })
    const error = await (followers[0] as Member).node.propose(utf8.encode('x')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotLeaderError)
    expect((error as NotLeaderError).leaderHint).toBe(leader.node.id)
    await drive(cluster, leader.node.propose(utf8.encode('fine on the leader')))
  })

  it('rejects a command above proposalBytesMax with ProposalTooLargeError', async () => {
    const { leader } = await cluster3({ nodeOptions: { proposalBytesMax: 16 } })
    const error = await leader.node.propose(new Uint8Array(17)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProposalTooLargeError)
    expect((error as ProposalTooLargeError).code).toBe('RAFT_PROPOSAL_TOO_LARGE')
    expect((error as ProposalTooLargeError).sizeBytesMax).toBe(16)
  })

  it('holds a membership change to the same size cap as a command (one enqueue for both)', async () => {
    const { leader } = await cluster3({ nodeOptions: { proposalBytesMax: 16 } })
    const change = {
      transition: ConfChangeTransition.Auto,
      changes: [{ type: ConfChangeType.AddLearner, nodeId: 'a-node-id-longer-than-sixteen-bytes' }],
      context: new Uint8Array(),
    }
    const error = await leader.node.changeMembership(change).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProposalTooLargeError)
    expect(leader.node.status().pendingProposals).toBe(0)
  })

  it('rejects with TimeoutError when the leader is cut off from its quorum', async () => {
    const { cluster, leader, followers } = await cluster3()
    cluster.network.partition([[leader.node.id], followers.map((member) => member.node.id)])
    const error = await drive(
      cluster,
      leader.node.propose(utf8.encode('lost'), { timeoutMs: 400 }).catch((e: unknown) => e),
    )
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).code).toBe('RAFT_TIMEOUT')
  })

  it('rejects with ProposalDroppedError when the leader holds too many uncommitted bytes', async () => {
    const { cluster, leader, followers } = await cluster3({
      nodeOptions: { uncommittedBytesMax: 200 },
    })
    cluster.network.partition([[leader.node.id], followers.map((member) => member.node.id)])
    const first = leader.node.propose(new Uint8Array(150), { timeoutMs: 100 }).catch((e: unknown) => e)
    await cluster.run(2)
    const second = await drive(
      cluster,
      leader.node.propose(new Uint8Array(150)).catch((e: unknown) => e),
    )
    expect(second).toBeInstanceOf(ProposalDroppedError)
    expect((second as ProposalDroppedError).code).toBe('RAFT_PROPOSAL_DROPPED')
    expect(await drive(cluster, first)).toBeInstanceOf(TimeoutError)
  })
})

describe('RaftNode exactly-once apply', () => {
  it('applies a proposal retried with the same identity once, and reports the duplicate', async () => {
    const { cluster, leader, followers } = await cluster3()
    const idempotency = { clientId: 'app-1', sequence: 1 }
    const first = await drive(cluster, leader.node.propose(utf8.encode('pay 10'), { idempotency }))
    // Let the follower apply the first copy, so that its retry is a duplicate. (Had it been pending
    // there already, the first copy would have resolved it with the real result.)
    await cluster.run(30)
    const again = await drive(
      cluster,
      (followers[0] as Member).node.propose(utf8.encode('pay 10'), { idempotency }),
    )
    expect(again.duplicate).toBe(true)
    expect(again.result).toBeUndefined()
    expect(again.index).toBe(first.index)
    expect(again.fencingToken).toBe(first.fencingToken)
    await cluster.run(20)
    for (const member of cluster.members.values()) {
      expect(member.stateMachine.history.filter((h) => h.command === 'pay 10')).toHaveLength(1)
    }
  })

  it('retries a proposal whose forward was lost, and applies it once', async () => {
    const { cluster, leader, followers } = await cluster3({ nodeOptions: { retryMs: 50 } })
    const follower = followers[0] as Member
    // The follower's messages to the leader are lost for a while: its forwarded proposal vanishes.
    cluster.network.block(follower.node.id, leader.node.id)
    const pending = follower.node.propose(utf8.encode('retried'))
    await cluster.run(30)
    cluster.network.heal()
    const outcome = await drive(cluster, pending)
    expect(outcome.duplicate).toBe(false)
    await cluster.run(50)
    for (const member of cluster.members.values()) {
      expect(member.stateMachine.history.filter((h) => h.command === 'retried')).toHaveLength(1)
    }
  })

  it('keeps deduplication state through snapshots, compaction and restarts', async () => {
    const { cluster, leader } = await cluster3({ nodeOptions: { snapshotEntriesThreshold: 5 } })
    const idempotency = { clientId: 'app-2', sequence: 42 }
    const first = await drive(cluster, leader.node.propose(utf8.encode('once'), { idempotency }))
    for (let i = 0; i < 12; i++) await drive(cluster, leader.node.propose(utf8.encode(`filler ${i}`)))
    await cluster.run(50)
    for (const member of cluster.members.values())
      expect(member.storage.firstIndex()).toBeGreaterThan(first.index)
    for (const id of ['a', 'b', 'c']) await cluster.restart(id)
    const newLeader = await cluster.waitForLeader()
    await cluster.run(50)
    const again = await drive(cluster, newLeader.node.propose(utf8.encode('once'), { idempotency }))
    expect(again.duplicate).toBe(true)
    expect(again.index).toBe(first.index)
    await cluster.run(50)
    for (const member of cluster.members.values()) {
      expect(member.stateMachine.history.filter((h) => h.command === 'once')).toHaveLength(1)
    }
  })
})

describe('RaftNode snapshotDue', () => {
  it('snapshots when the application says so, with the progress since the last snapshot, and not otherwise', async () => {
    const asked: { applied: number; snapshotIndex: number; logBytesSinceSnapshot: number }[] = []
    // Due once 1,000 bytes of entries applied since the last snapshot; the entry threshold (5) is ignored.
    const { cluster, leader } = await cluster3({
      nodeOptions: {
        snapshotEntriesThreshold: 5,
        snapshotDue: (progress) => {
          asked.push({ ...progress })
          return progress.logBytesSinceSnapshot >= 1_000
        },
      },
    })
    for (let i = 0; i < 8; i++) await drive(cluster, leader.node.propose(utf8.encode('x')))
    await cluster.run(50)
    // 8 one-byte commands with their dedup headers: under 1,000 bytes, so no snapshot.
    expect(leader.node.status().snapshotIndex).toBe(0)
    expect(asked.length).toBeGreaterThan(0)
    for (let i = 0; i < 10; i++) await drive(cluster, leader.node.propose(new Uint8Array(200)))
    await cluster.run(50)
    for (const member of cluster.members.values()) {
      const status = member.node.status()
      expect(status.snapshotIndex).toBeGreaterThan(0)
      expect(status.logBytesSinceSnapshot).toBeLessThan(1_000)
    }
    const last = asked[asked.length - 1]
    expect(last?.snapshotIndex).toBeLessThanOrEqual(last?.applied ?? 0)
  })
})

describe('RaftNode reads', () => {
  it('serves linearizable reads on the leader and on followers after every acknowledged write', async () => {
    const { cluster, leader, followers } = await cluster3()
    const write = await drive(cluster, leader.node.propose(utf8.encode('w')))
    for (const member of [leader, ...followers]) {
      const read = await drive(cluster, member.node.read({ linearizable: true }))
      expect(read.index).toBeGreaterThanOrEqual(write.index)
      expect(member.node.status().applied).toBeGreaterThanOrEqual(write.index)
    }
  })

  it('batches a burst of reads into one ReadIndex round', async () => {
    const { cluster, leader } = await cluster3()
    let heartbeats = 0
    cluster.network.trace = (message) => {
      if (message.type === MessageType.Heartbeat) heartbeats++
    }
    const reads = await drive(
      cluster,
      Promise.all(Array.from({ length: 20 }, () => leader.node.read({ linearizable: true }))),
    )
    expect(reads).toHaveLength(20)
    // One confirmation round (to two followers), plus at most a periodic heartbeat or two.
    expect(heartbeats).toBeLessThanOrEqual(6)
  })

  it('answers a non-linearizable read at once, and refuses a linearizable one without a leader', async () => {
    const cluster = new Cluster({ seed: 3, ids: ['a', 'b', 'c'] })
    await cluster.start()
    const node = cluster.member('a').node
    expect(await node.read({ linearizable: false })).toEqual({ index: node.status().applied })
    expect(await node.read({ linearizable: true }).catch((e: unknown) => e)).toBeInstanceOf(NotLeaderError)
  })

  it('times out a read when the leader cannot confirm its leadership', async () => {
    const { cluster, leader, followers } = await cluster3({ nodeOptions: { checkQuorum: false } })
    cluster.network.partition([[leader.node.id], followers.map((member) => member.node.id)])
    const error = await drive(
      cluster,
      leader.node.read({ linearizable: true, timeoutMs: 300 }).catch((e: unknown) => e),
    )
    expect(error).toBeInstanceOf(TimeoutError)
  })
})

describe('RaftNode membership and leadership', () => {
  it('adds a learner that catches up, promotes it, and removes a member', async () => {
    const { cluster, leader, followers } = await cluster3()
    const events: RaftNodeEvent[] = []
    leader.node.onChange((event) => events.push(event))
    await drive(cluster, leader.node.propose(utf8.encode('before d')))
    const joiner = await cluster.addNode('d')
    const asLearner = await drive(cluster, leader.node.addLearner('d'))
    expect(asLearner.learners).toContain('d')
    await cluster.runUntil(
      () => joiner.node.status().applied >= leader.node.status().commit,
      2_000,
      'd catching up',
    )
    expect(joiner.stateMachine.history.map((h) => h.command)).toContain('before d')
    const promoted = await drive(cluster, leader.node.promote('d'))
    expect(promoted.voters).toContain('d')
    expect(promoted.learners).not.toContain('d')
    const removedId = (followers[0] as Member).node.id
    const afterRemoval = await drive(cluster, leader.node.removeMember(removedId))
    expect(afterRemoval.voters).not.toContain(removedId)
    expect(events.filter((event) => event.type === 'membership')).toHaveLength(3)
    // The cluster still commits with its new membership.
    await drive(cluster, joiner.node.propose(utf8.encode('after')))
  })

  it('transfers leadership to a chosen follower', async () => {
    const { cluster, leader, followers } = await cluster3()
    const target = (followers[1] as Member).node.id
    await drive(cluster, leader.node.transferLeadership(target))
    await cluster.run(20)
    expect(cluster.member(target).node.status().role).toBe(Role.Leader)
    expect(leader.node.status().role).toBe(Role.Follower)
  })

  it('a leader that removes itself steps down, and the rest elect a new leader', async () => {
    const { cluster, leader } = await cluster3()
    await drive(cluster, leader.node.removeMember(leader.node.id))
    await cluster.run(500)
    expect(leader.node.status().role).not.toBe(Role.Leader)
    const next = cluster.leader()
    expect(next).not.toBeNull()
    expect(next?.node.id).not.toBe(leader.node.id)
    await drive(cluster, (next as Member).node.propose(utf8.encode('without the old leader')))
  })
})

describe('RaftNode status, snapshots and lifecycle', () => {
  it('reports role, term, commit, log size, progress and elections', async () => {
    const { cluster, leader, followers } = await cluster3()
    await drive(cluster, leader.node.propose(utf8.encode('x')))
    await cluster.run(20)
    const status = leader.node.status()
    expect(status.role).toBe(Role.Leader)
    expect(status.leader).toBe(leader.node.id)
    expect(status.commit).toBe(status.applied)
    expect(status.logEntries).toBe(status.lastIndex - status.firstIndex + 1)
    expect(status.electionCount).toBeGreaterThanOrEqual(1)
    expect(status.progress.map((peer) => peer.id).sort()).toEqual(['a', 'b', 'c'])
    expect(status.state).toBe('running')
    const follower = (followers[0] as Member).node.status()
    expect(follower.progress).toEqual([])
    expect(follower.leader).toBe(leader.node.id)
  })

  it('snapshots and compacts at the threshold; a lagging follower catches up through the snapshot transport, never the message stream', async () => {
    const { cluster, leader, followers } = await cluster3({
      nodeOptions: { snapshotEntriesThreshold: 10 },
    })
    const lagging = followers[0] as Member
    const events: RaftNodeEvent[] = []
    leader.node.onChange((event) => events.push(event))
    lagging.node.onChange((event) => events.push(event))
    cluster.network.partition([[lagging.node.id], [leader.node.id, (followers[1] as Member).node.id]])
    let snapsInStream = 0
    cluster.network.trace = (message) => {
      if (message.type === MessageType.Snap) snapsInStream++
    }
    const handed: { to: string; term: number; index: number }[] = []
    cluster.network.snapshotTrace = (message) =>
      handed.push({ to: message.to, term: message.term, index: message.snapshot.metadata.index })
    for (let i = 0; i < 30; i++) await drive(cluster, leader.node.propose(utf8.encode(`entry ${i}`)))
    expect(leader.storage.firstIndex()).toBeGreaterThan(lagging.node.status().lastIndex + 1)
    cluster.network.heal()
    await cluster.runUntil(
      () => lagging.node.status().applied === leader.node.status().applied,
      3_000,
      'catch-up',
    )
    expect(snapsInStream).toBe(0)
    expect(events.some((event) => event.type === 'snapshot-taken')).toBe(true)
    expect(events.some((event) => event.type === 'snapshot-installed')).toBe(true)
    expect(handed.length).toBeGreaterThanOrEqual(1)
    expect(handed[0]).toEqual({
      to: lagging.node.id,
      term: leader.node.status().term,
      index: expect.any(Number) as number,
    })
    expect(lagging.node.status().snapshotIndex).toBeGreaterThan(0)
    expect(lagging.stateMachine.history).toEqual(leader.stateMachine.history)
  })

  it('reports a failed snapshot transfer to the core, whose leader sends it again', async () => {
    const { cluster, leader, followers } = await cluster3({
      nodeOptions: { snapshotEntriesThreshold: 10 },
    })
    const lagging = followers[0] as Member
    cluster.network.partition([[lagging.node.id], [leader.node.id, (followers[1] as Member).node.id]])
    for (let i = 0; i < 30; i++) await drive(cluster, leader.node.propose(utf8.encode(`entry ${i}`)))
    // The lagging node refuses the first two snapshots it is handed, as a cut transfer would fail.
    const take = cluster.network.snapshotHandlers.get(lagging.node.id)
    let refusals = 0
    cluster.network.snapshotHandlers.set(lagging.node.id, (message) => {
      if (refusals < 2) {
        refusals++
        throw new RangeError('cut')
      }
      take?.(message)
    })
    cluster.network.heal()
    await cluster.runUntil(
      () => lagging.node.status().applied === leader.node.status().applied,
      5_000,
      'catch-up after failed transfers',
    )
    expect(refusals).toBe(2)
    expect(cluster.network.snapshotFailures).toBe(2)
    expect(leader.node.status().role).toBe(Role.Leader)
    expect(lagging.stateMachine.history).toEqual(leader.stateMachine.history)
  })

  it('refuses a snapshot whose driver data is corrupt, so that its sender hears of it', async () => {
    const { cluster, leader, followers } = await cluster3()
    const follower = followers[0] as Member
    const before = follower.node.status()
    const take = cluster.network.snapshotHandlers.get(follower.node.id)
    expect(() =>
      take?.({
        from: leader.node.id,
        to: follower.node.id,
        term: before.term,
        snapshot: {
          metadata: { index: before.commit + 100, term: before.term, confState: before.confState },
          data: new Uint8Array([0xff, 0xff, 0xff]),
        },
      }),
    ).toThrow(SnapshotFormatError)
    await cluster.run(30)
    expect(follower.node.status().snapshotIndex).toBe(before.snapshotIndex)
    expect(follower.node.status().applied).toBe(before.applied)
  })

  it('snapshots at the byte threshold too', async () => {
    const { cluster, leader } = await cluster3({
      nodeOptions: { snapshotEntriesThreshold: 0, snapshotLogBytesThreshold: 2_000 },
    })
    for (let i = 0; i < 5; i++) await drive(cluster, leader.node.propose(new Uint8Array(300)))
    expect(leader.node.status().snapshotIndex).toBe(0)
    for (let i = 0; i < 5; i++) await drive(cluster, leader.node.propose(new Uint8Array(300)))
    expect(leader.node.status().snapshotIndex).toBeGreaterThan(0)
    expect(leader.storage.firstIndex()).toBe(leader.node.status().snapshotIndex + 1)
  })

  it('ignores local-only message types arriving from the network', async () => {
    const { cluster, leader, followers } = await cluster3()
    const follower = followers[0] as Member
    const term = follower.node.status().term
    const handler = cluster.network as unknown as { handlers: Map<string, (message: unknown) => void> }
    handler.handlers.get(follower.node.id)?.({
      type: MessageType.Hup,
      from: 'x',
      to: follower.node.id,
      term: 0,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      snapshot: null,
      reject: false,
      rejectHint: 0,
      rejectHintTerm: 0,
      context: new Uint8Array(),
    })
    await cluster.run(30)
    expect(follower.node.status().term).toBe(term)
    expect(leader.node.status().role).toBe(Role.Leader)
  })

  it('stop rejects what is pending with NodeStoppedError, and refuses new requests', async () => {
    const { cluster, leader, followers } = await cluster3()
    cluster.network.partition([[leader.node.id], followers.map((member) => member.node.id)])
    const pending = leader.node.propose(utf8.encode('never')).catch((e: unknown) => e)
    await cluster.run(5)
    await leader.node.stop()
    expect(await pending).toBeInstanceOf(NodeStoppedError)
    expect(await leader.node.propose(utf8.encode('x')).catch((e: unknown) => e)).toBeInstanceOf(
      NodeStoppedError,
    )
    expect(leader.node.status().state).toBe('stopped')
  })

  it('fails and stops, rejecting what is pending with NodeFailedError, when storage fails', async () => {
    const { cluster, leader } = await cluster3()
    const events: RaftNodeEvent[] = []
    leader.node.onChange((event) => events.push(event))
    leader.storage.save = () => Promise.reject(new Error('disk gone'))
    const error = await drive(
      cluster,
      leader.node.propose(utf8.encode('doomed')).catch((e: unknown) => e),
    )
    expect(error).toBeInstanceOf(NodeFailedError)
    expect((error as NodeFailedError).cause).toBeInstanceOf(Error)
    expect(leader.node.status().state).toBe('failed')
    expect(events.some((event) => event.type === 'failed')).toBe(true)
    // The other two carry on and elect a new leader.
    await cluster.runUntil(
      () => cluster.leader() !== null && cluster.leader() !== leader,
      3_000,
      'a new leader',
    )
  })

  it('survives a transport that throws: the messages are lost, the node carries on', async () => {
    const { cluster, leader } = await cluster3()
    const transport = leader.transport
    const send = transport.send
    let failures = 3
    transport.send = (messages) => {
      if (failures-- > 0) throw new Error('socket closed')
      send(messages)
    }
    const outcome = await drive(cluster, leader.node.propose(utf8.encode('through a flaky transport')))
    expect(outcome.duplicate).toBe(false)
    expect(leader.node.status().state).toBe('running')
  })

  it('restarts from its storage and applies the same history again', async () => {
    const { cluster, leader } = await cluster3()
    for (let i = 0; i < 5; i++) await drive(cluster, leader.node.propose(utf8.encode(`r${i}`)))
    await cluster.run(30)
    const before = cluster.member('b').stateMachine.history
    await cluster.restart('b')
    await cluster.runUntil(
      () => cluster.member('b').stateMachine.history.length === before.length,
      2_000,
      'replay',
    )
    expect(cluster.member('b').stateMachine.history).toEqual(before)
  })
})
