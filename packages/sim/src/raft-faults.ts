/**
 * The node faults and operator actions a Raft cluster suffers in the chaos phase, drawn in this
 * order at every decision step: a crash (and a restart later, perhaps onto a corrupted disk), a
 * clock jump, a leadership transfer, a membership change. Disk corruption and removals share one
 * budget: at most a minority of the founding nodes is ever damaged or removed, so a quorum always
 * keeps a valid copy of every committed entry — and the heal knows which nodes are still sound.
 */
import type { SeededRandom } from '@tandem/base'
import type { SimulationConfig } from './config.js'
import type { Fault } from './harness/fault-plan.js'
import type { ObservableMessage } from './node-host.js'
import type { NodeSlot, RaftNodes } from './raft-nodes.js'
import type { World } from './world/world.js'

/** The faults of one run and the damage they did. */
export class RaftFaults<M> {
  membershipChanges = 0
  transfers = 0
  private readonly world: World<M & ObservableMessage>
  private readonly config: SimulationConfig
  private readonly nodes: RaftNodes<M>
  private readonly faultBudget: number
  private readonly corruptedNodes = new Set<string>()
  // A requested removal counts from the request on: even if its promise fails, the entry may
  // still commit later.
  private readonly removalRequested = new Set<string>()
  /** Removed node → the new node that replaced it. */
  private readonly replacedBy = new Map<string, string>()
  private membershipChangeInFlight = false

  constructor(init: {
    readonly world: World<M & ObservableMessage>
    readonly config: SimulationConfig
    readonly nodes: RaftNodes<M>
  }) {
    this.world = init.world
    this.config = init.config
    this.nodes = init.nodes
    this.faultBudget = Math.floor((init.config.nodes - 1) / 2)
  }

  /** The faults, in draw order. */
  list(): readonly Fault[] {
    const f = this.config.faults
    return [
      { probability: f.crashProbability, inject: (random) => this.crashOne(random) },
      { probability: f.clockJumpProbability, inject: (random) => this.jumpOneClock(random) },
      { probability: f.transferProbability, inject: (random) => this.transferLeadership(random) },
      {
        probability: f.membershipChangeProbability,
        possible: () => !this.membershipChangeInFlight,
        inject: (random) => this.changeMembership(random),
      },
    ]
  }

  /** Whether the node's disk was corrupted or its removal was requested (it is not healed). */
  isDamaged(nodeId: string): boolean {
    return this.corruptedNodes.has(nodeId) || this.removalRequested.has(nodeId)
  }

  private damagedNodes(): number {
    return new Set([...this.corruptedNodes, ...this.removalRequested]).size
  }

  private crashOne(random: SeededRandom): void {
    const f = this.config.faults
    const candidates = this.nodes.live()
    if (candidates.length === 0) return
    const slot = random.pick(candidates)
    this.nodes.crash(slot, 'fault')
    const delayMs = random.between(f.restartDelayMsMin, f.restartDelayMsMax)
    this.world.scheduler.schedule(delayMs, 'restart', () => this.restart(slot, random))
  }

  private restart(slot: NodeSlot, random: SeededRandom): void {
    if (slot.incarnation !== null || slot.removed) return
    if (this.damagedNodes() + 1 <= this.faultBudget && !this.corruptedNodes.has(slot.nodeId)) {
      if (random.chance(this.config.disk.corruptionProbability)) {
        const what = slot.disk.corrupt()
        if (what !== null) {
          this.corruptedNodes.add(slot.nodeId)
          this.world.record(`disk ${slot.nodeId} corrupted: ${what}`)
        }
      }
    }
    this.nodes.start(slot)
  }

  private jumpOneClock(random: SeededRandom): void {
    const jumpMsMax = this.config.faults.clockJumpMsMax
    const candidates = this.nodes.live()
    if (candidates.length === 0) return
    const slot = random.pick(candidates)
    const jumpMs = random.nextInt(jumpMsMax) + 1
    slot.clock?.jumpForward(jumpMs)
    const wallBackMs = random.chance(0.3) ? random.nextInt(jumpMsMax) + 1 : 0
    if (wallBackMs > 0) slot.clock?.jumpWall(-wallBackMs)
    this.world.record(
      `clock ${slot.nodeId} jumps +${jumpMs}ms${wallBackMs > 0 ? `, wall −${wallBackMs}ms` : ''}`,
    )
  }

  private transferLeadership(random: SeededRandom): void {
    const leader = this.nodes.currentLeader()
    if (leader === null) return
    const others = leader.status.voters.filter((id) => id !== leader.slot.nodeId)
    if (others.length === 0) return
    const to = random.pick(others)
    this.transfers++
    this.world.record(`transfer leadership ${leader.slot.nodeId} → ${to}`)
    leader.slot.incarnation?.transferLeadership(to)
  }

  /** Replaces a removed node by a new machine if one awaits replacement, else removes a voter. */
  private changeMembership(random: SeededRandom): void {
    const leader = this.nodes.currentLeader()
    if (leader === null) return
    const leaderIncarnation = leader.slot.incarnation
    if (leaderIncarnation === null) return
    const replaceable = this.nodes.all().filter((slot) => slot.removed && !this.replacedBy.has(slot.nodeId))
    if (replaceable.length > 0) {
      // Replace a removed node with a new machine: an empty disk and a new identity. Reusing the
      // old id with an empty disk would be unsafe — a node that has not yet applied the removal
      // still counts the old id as a voter, and the empty newcomer would grant it votes.
      const old = random.pick(replaceable)
      const slot = this.nodes.addReplacement(random)
      this.replacedBy.set(old.nodeId, slot.nodeId)
      this.nodes.start(slot)
      this.membershipChangeInFlight = true
      this.membershipChanges++
      this.world.record(`membership: add ${slot.nodeId} (replacing ${old.nodeId}) via ${leader.slot.nodeId}`)
      void leaderIncarnation.changeMembership({ kind: 'add', nodeId: slot.nodeId }).then((applied) => {
        this.membershipChangeInFlight = false
        this.world.record(`membership: add ${slot.nodeId} ${applied ? 'applied' : 'not applied'}`)
        // The replacement votes now: the removal no longer costs fault budget. When the change did
        // not complete in time it may still commit later, so the new node keeps running (it may
        // become a voter) and the removed node stays replaced.
        if (applied) this.removalRequested.delete(old.nodeId)
      })
      return
    }
    const voters = leader.status.voters
    if (voters.length < 3) return
    const candidates = voters.filter((nodeId) => !this.corruptedNodes.has(nodeId))
    if (candidates.length === 0 || this.damagedNodes() + 1 > this.faultBudget) return
    const victimId = random.pick(candidates)
    const victim = this.nodes.get(victimId)
    if (victim === undefined) return
    this.membershipChangeInFlight = true
    this.membershipChanges++
    this.removalRequested.add(victimId)
    this.world.record(`membership: remove ${victimId} via ${leader.slot.nodeId}`)
    void leaderIncarnation.changeMembership({ kind: 'remove', nodeId: victimId }).then((applied) => {
      this.membershipChangeInFlight = false
      this.world.record(`membership: remove ${victimId} ${applied ? 'applied' : 'not applied'}`)
      if (applied) {
        victim.removed = true
        this.nodes.crash(victim, 'removed from the cluster')
      }
    })
  }
}
