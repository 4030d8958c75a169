/**
 * Built-in sessions off (`builtInSessions: false`): no dedup header, no sessions — the state
 * machine gets the bytes exactly as proposed and deduplicates itself; proposals are matched to
 * applied entries by the application's `commandKey`.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { encodeConfChange } from '../../src/codec/index.js'
import { type ConfChange, ConfChangeTransition, ConfChangeType, EntryType } from '../../src/core/types.js'
import { MemoryNetwork } from '../../src/driver/memory-network.js'
import { MemoryLogStorage } from '../../src/driver/memory-storage.js'
import { RaftNode } from '../../src/driver/raft-node.js'
import { Cluster, type Member, RecordingStateMachine } from '../cluster/harness.js'

const utf8 = new TextEncoder()
/** The commands of these tests are `<key>|<anything>`: the key is what precedes the bar. */
const commandKey = (command: Uint8Array): string | null => {
  const text = new TextDecoder().decode(command)
  const bar = text.indexOf('|')
  return bar < 0 ? null : text.slice(0, bar)
}

async function settleWith<T>(cluster: Cluster, promise: Promise<T>, msMax = 3_000): Promise<T> {
  let settled: { ok: true; value: T } | { ok: false; error: unknown } | null = null
  promise.then(
    (value) => {
      settled = { ok: true, value }
    },
    (error: unknown) => {
      settled = { ok: false, error }
    },
  )
  await cluster.runUntil(() => settled !== null, msMax, 'the request settling')
  const result = settled as unknown as { ok: true; value: T } | { ok: false; error: unknown }
  if (!result.ok) throw result.error
  return result.value
}

/** Records each membership change's context as the veto hook sees it (and accepts it). */
class ContextRecorder extends RecordingStateMachine {
  contexts: string[] = []
  vetoConfChange(change: ConfChange): null {
    this.contexts.push(new TextDecoder().decode(change.context))
    return null
  }
}

async function bareCluster(
  nodeOptions: Record<string, unknown> = {},
): Promise<{ cluster: Cluster; leader: Member; followers: Member[] }> {
  const cluster = new Cluster({
    seed: 21,
    ids: ['a', 'b', 'c'],
    nodeOptions: { builtInSessions: false, commandKey, ...nodeOptions },
    stateMachine: () => new ContextRecorder(),
  })
  await cluster.start()
  const leader = await cluster.waitForLeader()
  await cluster.run(50)
  return { cluster, leader, followers: [...cluster.members.values()].filter((m) => m !== leader) }
}

describe('RaftNode with the built-in sessions off', () => {
  it('stores and applies the bytes exactly as proposed, and settles each proposal with its own result', async () => {
    const { cluster, leader, followers } = await bareCluster()
    const onLeader = leader.node.propose(utf8.encode('k1|from the leader'))
    const onFollower = (followers[0] as Member).node.propose(utf8.encode('k2|from a follower'))
    const [first, second] = await settleWith(cluster, Promise.all([onLeader, onFollower]))
    expect(first.result).toBe(first.index)
    expect(second.result).toBe(second.index)
    expect(first.duplicate).toBe(false)
    await cluster.run(50)
    for (const member of cluster.members.values()) {
      const applied = member.stateMachine.history.map((h) => [h.index, h.command])
      expect(applied).toContainEqual([first.index, 'k1|from the leader'])
      expect(applied).toContainEqual([second.index, 'k2|from a follower'])
      // No header in the log either: the entry's data is the command itself.
      const [entry] = member.storage.entries(first.index, first.index + 1, Number.POSITIVE_INFINITY)
      expect(entry?.data).toEqual(utf8.encode('k1|from the leader'))
    }
  })

  it('applies every committed copy of a re-sent proposal (deduplication is the application’s), settling the proposal once', async () => {
    const { cluster, leader, followers } = await bareCluster({ retryMs: 30 })
    const follower = followers[0] as Member
    // The follower's proposal commits, but the follower does not hear of it for a while, so it
    // sends it again after retryMs; the leader appends the second copy too.
    cluster.network.block(leader.node.id, follower.node.id)
    const proposal = follower.node.propose(utf8.encode('once|but sent twice'))
    await cluster.run(100)
    cluster.network.heal()
    const outcome = await settleWith(cluster, proposal)
    await cluster.run(200)
    for (const member of cluster.members.values()) {
      const copies = member.stateMachine.history.filter((h) => h.command === 'once|but sent twice')
      expect(copies.length).toBeGreaterThan(1)
      expect(copies[0]?.index).toBe(outcome.index)
    }
    expect(follower.node.status().pendingProposals).toBe(0)
  })

  it('keeps a membership change’s context as given and settles it', async () => {
    const { cluster, leader } = await bareCluster()
    await cluster.addNode('d')
    const change: ConfChange = {
      transition: ConfChangeTransition.Auto,
      changes: [{ type: ConfChangeType.AddLearner, nodeId: 'd' }],
      context: utf8.encode('my own context'),
    }
    const confState = await settleWith(cluster, leader.node.changeMembership(change))
    expect(confState.learners).toEqual(['d'])
    await cluster.run(50)
    for (const id of ['a', 'b', 'c']) {
      const machine = cluster.member(id).stateMachine as ContextRecorder
      // The founders' bootstrap entries come first, with empty contexts.
      expect(machine.contexts).toEqual(['', '', '', 'my own context'])
      const status = cluster.member(id).node.status()
      const entries = cluster.member(id).storage.entries(1, status.lastIndex + 1, Number.POSITIVE_INFINITY)
      const confEntries = entries.filter((entry) => entry.type === EntryType.ConfChange)
      expect(confEntries.at(-1)?.data).toEqual(encodeConfChange(change))
    }
  })

  it('refuses what it could not match or tell apart', async () => {
    const { leader } = await bareCluster()
    const refused = (promise: Promise<unknown>) => promise.catch((e: unknown) => e)
    expect(await refused(leader.node.propose(utf8.encode('no bar, no key')))).toBeInstanceOf(RangeError)
    expect(await refused(leader.node.propose(new Uint8Array()))).toBeInstanceOf(RangeError)
    expect(
      await refused(leader.node.propose(utf8.encode('k|x'), { idempotency: { clientId: 'c', sequence: 1 } })),
    ).toBeInstanceOf(RangeError)
    void leader.node.propose(utf8.encode('same|one'))
    expect(await refused(leader.node.propose(utf8.encode('same|two')))).toBeInstanceOf(RangeError)
  })

  it('needs commandKey', () => {
    const network = new MemoryNetwork()
    const build = () =>
      new RaftNode({
        id: 'a',
        storage: new MemoryLogStorage({ voters: ['a'] }),
        transport: network.transport('a'),
        snapshotTransport: network.snapshotTransport('a'),
        stateMachine: new RecordingStateMachine(),
        clock: new ManualClock(),
        random: new SeededRandom(1),
        builtInSessions: false,
      })
    expect(build).toThrow(RangeError)
  })

  it('snapshots and restores without sessions (a restarted node resumes from the snapshot)', async () => {
    const { cluster, leader } = await bareCluster({ snapshotEntriesThreshold: 5 })
    for (let i = 0; i < 12; i++) await settleWith(cluster, leader.node.propose(utf8.encode(`s${i}|v`)))
    const follower = [...cluster.members.values()].find((m) => m !== leader) as Member
    await cluster.runUntil(() => follower.node.status().snapshotIndex > 0, 1_000, 'a snapshot')
    const before = follower.stateMachine.history.map((h) => h.command)
    await cluster.restart(follower.node.id)
    const restarted = cluster.member(follower.node.id)
    await cluster.runUntil(
      () => restarted.stateMachine.history.length >= before.length,
      2_000,
      'the restarted node catching up',
    )
    expect(restarted.stateMachine.history.map((h) => h.command).slice(0, before.length)).toEqual(before)
  })
})

describe('RaftNode.compactToState (sessions off)', () => {
  it("compacts to the application's own state taken at an applied index, and a restart restores it", async () => {
    const { cluster, leader } = await bareCluster({
      snapshotEntriesThreshold: 0,
      snapshotLogBytesThreshold: 0,
    })
    for (let i = 0; i < 6; i++) await settleWith(cluster, leader.node.propose(utf8.encode(`w${i}|x`)))
    await cluster.run(50)
    const follower = [...cluster.members.values()].find((m) => m !== leader) as Member
    const at = follower.stateMachine.history[3] as { index: number }
    const state = utf8.encode(
      JSON.stringify(
        follower.stateMachine.history.slice(0, 4).map((h) => [h.index, h.command, h.token.toString()]),
      ),
    )
    const term = follower.storage.term(at.index)
    await settleWith(cluster, follower.node.compactToState(at.index, term, state))
    expect(follower.node.status().snapshotIndex).toBe(at.index)
    expect(follower.storage.firstIndex()).toBe(at.index + 1)
    await cluster.restart(follower.node.id)
    await cluster.run(100)
    const restarted = cluster.member(follower.node.id)
    expect(restarted.stateMachine.history.map((h) => h.command)).toEqual(
      leader.stateMachine.history.map((h) => h.command),
    )
  })

  it('is refused while the built-in sessions are on', async () => {
    const cluster = new Cluster({ seed: 22, ids: ['a'] })
    await cluster.start()
    const only = await cluster.waitForLeader()
    await expect(only.node.compactToState(1, 1, new Uint8Array())).rejects.toThrow(RangeError)
  })
})
