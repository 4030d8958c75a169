/**
 * Fail fast (`noQuorumTimeoutMs`): a proposal that cannot reach a quorum is rejected within the
 * bound with `NoQuorumError`, `outcome: 'not-applied'` only when it never left this node (and was
 * withdrawn first), `'unknown'` otherwise — and then it stays proposed until it applies.
 */
import { describe, expect, it } from 'vitest'
import { NoQuorumError, NotLeaderError } from '../../src/driver/errors.js'
import { defaultNoQuorumTimeoutMs } from '../../src/driver/options.js'
import { Cluster, type Member } from '../cluster/harness.js'

const utf8 = new TextEncoder()
/** The harness ticks every 10 ms with 10 election ticks: the election timeout is below 200 ms. */
const BOUND_MS = 1_000

interface Watched<T> {
  settled: null | { ok: true; value: T; atMs: number } | { ok: false; error: unknown; atMs: number }
}

function watch<T>(cluster: Cluster, promise: Promise<T>): Watched<T> {
  const watched: Watched<T> = { settled: null }
  promise.then(
    (value) => {
      watched.settled = { ok: true, value, atMs: cluster.clock.now() }
    },
    (error: unknown) => {
      watched.settled = { ok: false, error, atMs: cluster.clock.now() }
    },
  )
  return watched
}

function noQuorum(watched: Watched<unknown>): NoQuorumError {
  const settled = watched.settled
  if (settled === null || settled.ok) throw new Error(`expected a rejection, got ${String(settled?.ok)}`)
  expect(settled.error).toBeInstanceOf(NoQuorumError)
  const error = settled.error as NoQuorumError
  expect(error.code).toBe('RAFT_NO_QUORUM')
  return error
}

async function failFastCluster(
  seed = 11,
): Promise<{ cluster: Cluster; leader: Member; followers: Member[] }> {
  const cluster = new Cluster({ seed, ids: ['a', 'b', 'c'], nodeOptions: { noQuorumTimeoutMs: BOUND_MS } })
  await cluster.start()
  const leader = await cluster.waitForLeader()
  await cluster.run(50)
  const followers = [...cluster.members.values()].filter((member) => member !== leader)
  return { cluster, leader, followers }
}

/** Every command applied on `member`, in order. */
function commands(member: Member): string[] {
  return member.stateMachine.history.map((h) => h.command)
}

/** Makes `member`'s storage wait in `save` until the returned function is called. */
function stallDisk(member: Member): () => void {
  const save = member.storage.save.bind(member.storage)
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  member.storage.save = async (batch) => {
    await gate
    return save(batch)
  }
  return () => {
    member.storage.save = save
    release()
  }
}

describe('RaftNode fail fast (noQuorumTimeoutMs)', () => {
  it('defaults the bound to max(2 s, 2 × the maximum election timeout)', () => {
    expect(defaultNoQuorumTimeoutMs(100, 10)).toBe(4_000)
    expect(defaultNoQuorumTimeoutMs(10, 10)).toBe(2_000)
    expect(defaultNoQuorumTimeoutMs(100, 30)).toBe(12_000)
  })

  it('changes nothing where a quorum answers: proposals resolve as before', async () => {
    const { cluster, leader, followers } = await failFastCluster()
    const onLeader = watch(cluster, leader.node.propose(utf8.encode('on leader')))
    const onFollower = watch(cluster, (followers[0] as Member).node.propose(utf8.encode('on follower')))
    await cluster.runUntil(
      () => onLeader.settled !== null && onFollower.settled !== null,
      500,
      'both settling',
    )
    expect(onLeader.settled?.ok).toBe(true)
    expect(onFollower.settled?.ok).toBe(true)
  })

  it('rejects at once, not-applied, when no leader is known (NotLeaderError without the option)', async () => {
    const { cluster, followers } = await failFastCluster()
    const lonely = followers[0] as Member
    const rest = [...cluster.members.keys()].filter((id) => id !== lonely.node.id)
    cluster.network.partition([[lonely.node.id], rest])
    await cluster.runUntil(
      () => lonely.node.status().leader === null,
      1_000,
      'the follower losing its leader',
    )
    const watched = watch(cluster, lonely.node.propose(utf8.encode('alone')))
    await cluster.run(1)
    const error = noQuorum(watched)
    expect(error.outcome).toBe('not-applied')
    expect(error.reason).toBe('no-leader')

    const plain = new Cluster({ seed: 3, ids: ['a', 'b', 'c'] })
    await plain.start()
    const refused = await plain
      .member('a')
      .node.propose(utf8.encode('x'))
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(NotLeaderError)
  })

  it("rejects an isolated leader's appended proposal within the bound as unknown; it stays proposed and applies once after the heal", async () => {
    const { cluster, leader, followers } = await failFastCluster()
    cluster.network.partition([[leader.node.id], followers.map((member) => member.node.id)])
    const startMs = cluster.clock.now()
    const watched = watch(cluster, leader.node.propose(utf8.encode('stranded')))
    await cluster.runUntil(() => watched.settled !== null, BOUND_MS + 50, 'the rejection')
    expect((watched.settled?.atMs ?? 0) - startMs).toBeLessThanOrEqual(BOUND_MS)
    const error = noQuorum(watched)
    expect(error.outcome).toBe('unknown')
    expect(error.reason).toBe('not-committed')
    // Not cancelled: still pending on the old leader, and proposed again after the heal.
    expect(leader.node.status().pendingProposals).toBe(1)
    cluster.network.heal()
    await cluster.runUntil(
      () => [...cluster.members.values()].every((member) => commands(member).includes('stranded')),
      3_000,
      'the stranded proposal applying everywhere',
    )
    await cluster.run(100)
    for (const member of cluster.members.values()) {
      expect(commands(member).filter((command) => command === 'stranded')).toHaveLength(1)
    }
    expect(leader.node.status().pendingProposals).toBe(0)
  })

  it('answers unknown (never not-applied) for a forwarded proposal that was lost, even once the leader is lost', async () => {
    const { cluster, leader, followers } = await failFastCluster()
    const follower = followers[0] as Member
    cluster.network.partition([[follower.node.id], [leader.node.id, (followers[1] as Member).node.id]])
    const startMs = cluster.clock.now()
    const watched = watch(cluster, follower.node.propose(utf8.encode('forwarded into the void')))
    await cluster.runUntil(
      () => follower.node.status().leader === null,
      1_000,
      'the follower losing its leader',
    )
    expect(watched.settled).toBeNull()
    await cluster.runUntil(() => watched.settled !== null, BOUND_MS, 'the rejection')
    expect((watched.settled?.atMs ?? 0) - startMs).toBeLessThanOrEqual(BOUND_MS)
    expect(noQuorum(watched).outcome).toBe('unknown')
  })

  it('withdraws a proposal still queued behind a stalled disk at the bound: not-applied, and it never commits', async () => {
    const { cluster, leader, followers } = await failFastCluster()
    const follower = followers[0] as Member
    const release = stallDisk(follower)
    const first = watch(cluster, leader.node.propose(utf8.encode('makes the follower persist')))
    await cluster.run(20)
    const startMs = cluster.clock.now()
    const queued = watch(cluster, follower.node.propose(utf8.encode('queued')))
    await cluster.runUntil(() => queued.settled !== null, BOUND_MS, 'the rejection')
    expect((queued.settled?.atMs ?? 0) - startMs).toBeLessThanOrEqual(BOUND_MS)
    const error = noQuorum(queued)
    expect(error.outcome).toBe('not-applied')
    expect(follower.node.status().pendingProposals).toBe(0)
    release()
    await cluster.runUntil(() => first.settled !== null, 1_000, 'the first proposal')
    const after = watch(cluster, leader.node.propose(utf8.encode('after')))
    await cluster.runUntil(
      () =>
        after.settled !== null && [...cluster.members.values()].every((m) => commands(m).includes('after')),
      2_000,
      'a later proposal applying everywhere',
    )
    await cluster.run(200)
    for (const member of cluster.members.values()) expect(commands(member)).not.toContain('queued')
  })

  it('fails proposals not yet sent at once when the leader is lost (leader-lost, not-applied), and they never commit', async () => {
    const { cluster, leader, followers } = await failFastCluster()
    // Stall the leader's disk while it persists its own append, so its loop waits there.
    const release = stallDisk(leader)
    const stalled = watch(cluster, leader.node.propose(utf8.encode('makes the leader persist')))
    await cluster.run(1)
    const queued = watch(cluster, leader.node.propose(utf8.encode('queued')))
    // Cut the leader off: by the time its loop runs again, checkQuorum has deposed it.
    cluster.network.partition([[leader.node.id], followers.map((member) => member.node.id)])
    await cluster.run(250)
    expect(queued.settled).toBeNull()
    const releasedMs = cluster.clock.now()
    release()
    await cluster.runUntil(() => queued.settled !== null, 100, 'the rejection once the loop runs again')
    expect((queued.settled?.atMs ?? 0) - releasedMs).toBeLessThan(20)
    const error = noQuorum(queued)
    expect(error.outcome).toBe('not-applied')
    expect(error.reason).toBe('leader-lost')
    // The proposal that was appended (and sent) before the cut is only ever 'unknown'.
    await cluster.runUntil(() => stalled.settled !== null, BOUND_MS, 'the appended proposal settling')
    if (stalled.settled?.ok === false) expect(noQuorum(stalled).outcome).toBe('unknown')
    cluster.network.heal()
    const newLeader = await cluster.waitForLeader()
    const after = watch(cluster, newLeader.node.propose(utf8.encode('after')))
    await cluster.runUntil(
      () =>
        after.settled !== null && [...cluster.members.values()].every((m) => commands(m).includes('after')),
      3_000,
      'a later proposal applying everywhere',
    )
    await cluster.run(300)
    for (const member of cluster.members.values()) expect(commands(member)).not.toContain('queued')
  })

  it('treats a membership change like a command: an isolated leader gets unknown within the bound', async () => {
    const { cluster, leader, followers } = await failFastCluster()
    await cluster.addNode('d')
    cluster.network.partition([[leader.node.id], [...followers.map((member) => member.node.id), 'd']])
    const startMs = cluster.clock.now()
    const watched = watch(cluster, leader.node.addLearner('d'))
    await cluster.runUntil(() => watched.settled !== null, BOUND_MS + 50, 'the rejection')
    expect((watched.settled?.atMs ?? 0) - startMs).toBeLessThanOrEqual(BOUND_MS)
    expect(noQuorum(watched).outcome).toBe('unknown')
  })

  it('without the option, a stranded proposal keeps waiting past the bound (the default is unchanged)', async () => {
    const cluster = new Cluster({ seed: 11, ids: ['a', 'b', 'c'] })
    await cluster.start()
    const leader = await cluster.waitForLeader()
    await cluster.run(50)
    const rest = [...cluster.members.keys()].filter((id) => id !== leader.node.id)
    cluster.network.partition([[leader.node.id], rest])
    const watched = watch(cluster, leader.node.propose(utf8.encode('stranded')))
    await cluster.run(BOUND_MS * 2)
    expect(watched.settled).toBeNull()
  })
})
