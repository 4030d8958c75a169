/**
 * The state machine's apply-time veto on membership changes (`StateMachine.vetoConfChange`): a
 * vetoed change alters no node's configuration, and the veto sees the state as of its own index.
 */
import { describe, expect, it } from 'vitest'
import { type ConfChange, ConfChangeType, type ConfState } from '../../src/core/types.js'
import { ConfChangeVetoedError } from '../../src/driver/errors.js'
import type { ConfChangeAt } from '../../src/driver/interfaces.js'
import { Cluster, type Member, RecordingStateMachine } from '../cluster/harness.js'

const utf8 = new TextEncoder()

/**
 * Refuses an AddLearner that would demote a voter, and any addition of a node that no applied
 * `allow <id>` command names (standing in for "does not match the public layer").
 */
class VetoingStateMachine extends RecordingStateMachine {
  vetoes: { index: number; reason: string }[] = []

  vetoConfChange(change: ConfChange, at: ConfChangeAt): string | null {
    const reason = this.#judge(change, at.confState)
    if (reason !== null) this.vetoes.push({ index: at.index, reason })
    return reason
  }

  #judge(change: ConfChange, confState: ConfState): string | null {
    for (const single of change.changes) {
      if (single.type === ConfChangeType.AddLearner && confState.voters.includes(single.nodeId)) {
        return `would demote voter ${single.nodeId}`
      }
      if (single.type === ConfChangeType.RemoveNode) continue
      const known = confState.voters.includes(single.nodeId) || confState.learners.includes(single.nodeId)
      const allowed = this.history.some((h) => h.command === `allow ${single.nodeId}`)
      if (!known && !allowed) return `${single.nodeId} is not allowed`
    }
    return null
  }
}

async function vetoCluster(
  withVeto = true,
): Promise<{ cluster: Cluster; leader: Member; machines: Map<string, VetoingStateMachine> }> {
  const machines = new Map<string, VetoingStateMachine>()
  const cluster = new Cluster({
    seed: 5,
    ids: ['a', 'b', 'c'],
    stateMachine: (id) => {
      if (!withVeto) return new RecordingStateMachine()
      const machine = new VetoingStateMachine()
      machines.set(id, machine)
      return machine
    },
  })
  await cluster.start()
  const leader = await cluster.waitForLeader()
  await cluster.run(50)
  return { cluster, leader, machines }
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

const founders: ConfState = {
  voters: ['a', 'b', 'c'],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}

function confStates(cluster: Cluster): ConfState[] {
  return [...cluster.members.values()].map((member) => member.node.status().confState)
}

describe('RaftNode apply-time veto on membership changes', () => {
  it('refuses an AddLearner that would demote a voter on all 3 nodes; no configuration changes', async () => {
    const { cluster, leader, machines } = await vetoCluster()
    const follower = [...cluster.members.values()].find((member) => member !== leader) as Member
    const error = await settleWith(cluster, leader.node.addLearner(follower.node.id)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfChangeVetoedError)
    expect((error as ConfChangeVetoedError).code).toBe('RAFT_CONF_CHANGE_VETOED')
    expect((error as ConfChangeVetoedError).reason).toBe(`would demote voter ${follower.node.id}`)
    await cluster.run(100)
    for (const confState of confStates(cluster)) expect(confState).toEqual(founders)
    // Every node judged the same entry alike.
    const vetoed = [...machines.values()].map((machine) => machine.vetoes)
    expect(vetoed[0]).toHaveLength(1)
    for (const vetoes of vetoed) expect(vetoes).toEqual(vetoed[0])
    // The core's configuration did not move either: the leader still needs the follower's vote
    // as a voter, so commits keep working with all three, and the leader's progress lists it as a voter.
    const progress = leader.node.status().progress.find((peer) => peer.id === follower.node.id)
    expect(progress?.learner).toBe(false)
    await settleWith(cluster, leader.node.propose(utf8.encode('still fine')))
  })

  it('without a veto, the same change demotes the voter (the default is unchanged)', async () => {
    const { cluster, leader } = await vetoCluster(false)
    const follower = [...cluster.members.values()].find((member) => member !== leader) as Member
    const confState = await settleWith(cluster, leader.node.addLearner(follower.node.id))
    expect(confState.learners).toEqual([follower.node.id])
  })

  it('judges a change by the state as of its own index, also where one batch applies commands and the change together', async () => {
    const { cluster, leader, machines } = await vetoCluster()
    await cluster.addNode('d')
    await cluster.addNode('e')
    // Cut one voter off; it later catches up with the command and the changes in one batch, and
    // must judge 'd' with 'allow d' already applied, as the others did.
    const lagging = [...cluster.members.values()].find(
      (m) => m !== leader && ['a', 'b', 'c'].includes(m.node.id),
    )
    const laggingId = (lagging as Member).node.id
    cluster.network.partition([[laggingId], ['a', 'b', 'c', 'd', 'e'].filter((id) => id !== laggingId)])
    await settleWith(cluster, leader.node.propose(utf8.encode('allow d')))
    const confState = await settleWith(cluster, leader.node.addLearner('d'))
    expect(confState.learners).toEqual(['d'])
    const refused = await settleWith(cluster, leader.node.addLearner('e')).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ConfChangeVetoedError)
    const appliedBefore = (lagging as Member).node.status().applied
    cluster.network.heal()
    const outcome = await settleWith(cluster, leader.node.propose(utf8.encode('after')))
    await cluster.runUntil(
      () => (lagging as Member).node.status().applied >= outcome.index,
      2_000,
      'the lagging voter catching up',
    )
    expect((lagging as Member).stateMachine.history.map((h) => h.command)).toContain('allow d')
    expect(appliedBefore).toBeLessThan(outcome.index)
    for (const id of ['a', 'b', 'c']) {
      expect(cluster.member(id).node.status().confState.learners).toEqual(['d'])
      expect(machines.get(id)?.vetoes.map((veto) => veto.reason)).toEqual(['e is not allowed'])
    }
    // A vetoed entry still counts as applied: the log moves on past it everywhere.
    await cluster.run(100)
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(cluster.member(id).node.status().applied).toBeGreaterThanOrEqual(outcome.index)
    }
  })

  it('is not asked about leaving a joint configuration', async () => {
    const { cluster, leader, machines } = await vetoCluster()
    await cluster.addNode('d')
    await settleWith(cluster, leader.node.propose(utf8.encode('allow d')))
    // Two voter changes at once go through joint consensus and leave it automatically.
    const follower = [...cluster.members.values()].find((m) => m !== leader && m.node.id !== 'd') as Member
    const confState = await settleWith(
      cluster,
      leader.node.changeMembership({
        transition: 0,
        changes: [
          { type: ConfChangeType.AddVoter, nodeId: 'd' },
          { type: ConfChangeType.RemoveNode, nodeId: follower.node.id },
        ],
        context: new Uint8Array(),
      }),
    )
    expect(confState.votersOutgoing.length).toBeGreaterThan(0)
    await cluster.runUntil(
      () => leader.node.status().confState.votersOutgoing.length === 0,
      2_000,
      'leaving the joint configuration',
    )
    expect([...leader.node.status().confState.voters].sort()).toEqual(
      ['a', 'b', 'c', 'd'].filter((id) => id !== follower.node.id).sort(),
    )
    for (const machine of machines.values()) expect(machine.vetoes).toEqual([])
  })
})
