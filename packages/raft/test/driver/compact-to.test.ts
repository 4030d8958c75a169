/**
 * Compaction to an offered snapshot (`RaftNode.compactTo`): a replica that takes no snapshots of
 * its own adopts one another member took, only if it matches its own committed log — and can then
 * serve it to a lagging follower.
 */
import { describe, expect, it } from 'vitest'
import type { Snapshot } from '../../src/core/types.js'
import { CompactionRefusedError, NodeStoppedError } from '../../src/driver/errors.js'
import { Cluster, type Member } from '../cluster/harness.js'

const utf8 = new TextEncoder()

/** 'b' snapshots every 20 entries; the rest never do (as a keyless replica runs). */
function keylessCluster(): Cluster {
  return new Cluster({
    seed: 9,
    ids: ['a', 'b', 'c'],
    nodeOptions: (id) =>
      id === 'b'
        ? { snapshotEntriesThreshold: 20 }
        : { snapshotEntriesThreshold: 0, snapshotLogBytesThreshold: 0 },
  })
}

async function settleWith<T>(cluster: Cluster, promise: Promise<T>): Promise<T> {
  let settled: { ok: true; value: T } | { ok: false; error: unknown } | null = null
  promise.then(
    (value) => {
      settled = { ok: true, value }
    },
    (error: unknown) => {
      settled = { ok: false, error }
    },
  )
  await cluster.runUntil(() => settled !== null, 3_000, 'the request settling')
  const result = settled as unknown as { ok: true; value: T } | { ok: false; error: unknown }
  if (!result.ok) throw result.error
  return result.value
}

async function refusal(cluster: Cluster, promise: Promise<unknown>): Promise<CompactionRefusedError> {
  const error = await settleWith(cluster, promise).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(CompactionRefusedError)
  expect((error as CompactionRefusedError).code).toBe('RAFT_COMPACTION_REFUSED')
  return error as CompactionRefusedError
}

/** Proposes `count` commands through `leader`, one after another. */
async function write(cluster: Cluster, leader: Member, count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i++) await settleWith(cluster, leader.node.propose(utf8.encode(`${prefix}${i}`)))
}

/** The first snapshot 'b' took, once it has one. */
async function offerFromB(cluster: Cluster): Promise<Snapshot> {
  const b = cluster.member('b')
  await cluster.runUntil(() => b.node.status().snapshotIndex > 0, 2_000, "b's snapshot")
  return b.storage.snapshot()
}

describe('RaftNode.compactTo', () => {
  it("adopts a matching offer as its log's base, then serves it to a lagging learner", async () => {
    const cluster = keylessCluster()
    await cluster.start()
    let leader = await cluster.waitForLeader()
    if (leader.node.id === 'c') {
      await settleWith(cluster, leader.node.transferLeadership('a'))
      leader = cluster.member('a')
    }
    const d = await cluster.addNode('d')
    await settleWith(cluster, leader.node.addLearner('d'))
    // 'd' falls behind: it will need a snapshot from 'c', which has only the adopted one.
    cluster.network.partition([['d'], ['a', 'b', 'c']])
    await write(cluster, leader, 30, 'w')
    const offer = await offerFromB(cluster)
    const { index, term } = offer.metadata
    const c = cluster.member('c')
    expect(c.node.status().snapshotIndex).toBe(0)
    expect(c.node.status().applied).toBeGreaterThanOrEqual(index)
    const firstBefore = c.storage.firstIndex()

    const bytesBefore = c.node.status().logBytesSinceSnapshot
    await settleWith(cluster, c.node.compactTo(index, term, offer.data))
    expect(firstBefore).toBeLessThanOrEqual(index)
    // Only the applied entries after the adopted snapshot still count.
    const applied = c.node.status().applied
    const remaining = c.storage
      .entries(index + 1, applied + 1, Number.POSITIVE_INFINITY)
      .reduce((total, entry) => total + entry.data.length, 0)
    expect(c.node.status().logBytesSinceSnapshot).toBe(remaining)
    expect(remaining).toBeLessThan(bytesBefore)
    expect(c.storage.firstIndex()).toBe(index + 1)
    expect(c.node.status().snapshotIndex).toBe(index)
    const adopted = c.storage.snapshot()
    expect(adopted.data).toEqual(offer.data)
    expect(adopted.metadata.index).toBe(index)
    expect(adopted.metadata.term).toBe(term)
    // The membership at that index, computed from c's own history, equals b's.
    expect(adopted.metadata.confState).toEqual(offer.metadata.confState)
    expect(adopted.metadata.confState.learners).toEqual(['d'])

    // c leads, d comes back: c has no entries below its base, so d gets the adopted snapshot.
    await settleWith(cluster, leader.node.transferLeadership('c'))
    await write(cluster, c, 5, 'x')
    const installed: number[] = []
    d.node.onChange((event) => {
      if (event.type === 'snapshot-installed') installed.push(event.index)
    })
    cluster.network.heal()
    await cluster.runUntil(
      () => d.node.status().applied >= c.node.status().applied,
      3_000,
      'd catching up from the adopted snapshot',
    )
    expect(installed).toEqual([index])
    const upTo = c.node.status().applied
    const history = (member: Member) =>
      member.stateMachine.history.filter((h) => h.index <= upTo).map((h) => [h.index, h.command])
    expect(history(d)).toEqual(history(c))
    expect(history(d)).toEqual(history(cluster.member('a')))
  })

  it('refuses an offer that does not match its committed log, and changes nothing', async () => {
    const cluster = keylessCluster()
    await cluster.start()
    const leader = await cluster.waitForLeader()
    await write(cluster, leader, 25, 'w')
    const offer = await offerFromB(cluster)
    const { index, term } = offer.metadata
    const c = cluster.member('c')
    const before = { first: c.storage.firstIndex(), snapshot: c.storage.snapshot() }

    expect((await refusal(cluster, c.node.compactTo(index, term + 1, offer.data))).reason).toBe(
      'term-mismatch',
    )
    const beyond = c.node.status().applied + 1
    expect((await refusal(cluster, c.node.compactTo(beyond, term, offer.data))).reason).toBe('not-applied')
    expect((await refusal(cluster, c.node.compactTo(index, term, Uint8Array.of(0xff, 0x01)))).reason).toBe(
      'malformed',
    )
    expect((await refusal(cluster, c.node.compactTo(0, 0, offer.data))).reason).toBe('term-mismatch')
    expect(c.storage.firstIndex()).toBe(before.first)
    expect(c.storage.snapshot()).toEqual(before.snapshot)
    expect(c.node.status().snapshotIndex).toBe(0)

    await settleWith(cluster, c.node.compactTo(index, term, offer.data))
    expect((await refusal(cluster, c.node.compactTo(index, term, offer.data))).reason).toBe(
      'already-compacted',
    )
  })

  it('refuses a snapshot above snapshotBytesMax', async () => {
    const cluster = new Cluster({
      seed: 9,
      ids: ['a', 'b', 'c'],
      nodeOptions: (id) =>
        id === 'b'
          ? { snapshotEntriesThreshold: 20 }
          : { snapshotEntriesThreshold: 0, snapshotLogBytesThreshold: 0, snapshotBytesMax: 64 },
    })
    await cluster.start()
    const leader = await cluster.waitForLeader()
    await write(cluster, leader, 25, 'w')
    const offer = await offerFromB(cluster)
    expect(offer.data.length).toBeGreaterThan(64)
    const c = cluster.member('c')
    const error = await refusal(
      cluster,
      c.node.compactTo(offer.metadata.index, offer.metadata.term, offer.data),
    )
    expect(error.reason).toBe('too-large')
  })

  it('rejects with NodeStoppedError on a stopped node', async () => {
    const cluster = keylessCluster()
    await cluster.start()
    await cluster.crash('c')
    const error = await cluster
      .member('c')
      .node.compactTo(1, 1, new Uint8Array())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NodeStoppedError)
  })
})
