import { InvariantError } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import type { Violation } from '../src/checkers/violation.js'
import { swarmConfig } from '../src/config.js'
import type { ClusterUnderTest, PhaseName } from '../src/harness/cluster.js'
import { FaultPlan } from '../src/harness/fault-plan.js'
import { runPhases } from '../src/harness/phases.js'
import type { NodeFactory, ObservableMessage } from '../src/node-host.js'
import { runSimulation } from '../src/simulation.js'
import { reliableNetwork } from '../src/world/network.js'
import { World } from '../src/world/world.js'

interface Ping {
  readonly from: string
  readonly to: string
}

/**
 * A toy mode, written the way a new mode is: a cluster under test over the shared world. Two
 * machines ping each other; a fault "crashes" one; liveness is a ping delivered after the heal.
 */
class PingCluster implements ClusterUnderTest {
  readonly faults: FaultPlan
  readonly chaosEndsAtMs = 1000
  readonly livenessBoundMs = 500
  readonly calls: string[] = []
  delivered = 0
  deliveredAtHeal = 0
  crashes = 0
  violation: Violation | null = null
  private readonly world: World<Ping>

  constructor(
    world: World<Ping>,
    private readonly behaviour: { readonly throwAtMs?: number; readonly neverLive?: boolean } = {},
  ) {
    this.world = world
    this.faults = new FaultPlan({
      scheduler: world.scheduler,
      random: world.stream('faults'),
      decisionStepMs: 100,
      faults: [{ probability: 0.5, inject: () => this.crashes++ }],
    })
  }

  boot(): void {
    this.calls.push('boot')
    const a = this.world.network.attach('a')
    const b = this.world.network.attach('b')
    b.onMessage(() => {
      this.delivered++
      if (this.behaviour.throwAtMs !== undefined && this.world.nowMs >= this.behaviour.throwAtMs) {
        throw new Error('the node under test broke')
      }
    })
    const tick = (): void => {
      a.send([{ from: 'a', to: 'b' }])
      this.world.scheduler.schedule(50, 'ping', tick)
    }
    this.world.scheduler.schedule(0, 'ping', tick)
  }
  eventsMax(_phase: PhaseName): number {
    return 100_000
  }
  exceededEvents(phase: PhaseName): void {
    this.calls.push(`events-limit ${phase}`)
  }
  crashed(error: unknown): void {
    this.violation = { check: 'node-crash', timeMs: this.world.nowMs, message: String(error) }
  }
  heal(): void {
    this.calls.push(`heal at ${this.world.nowMs}`)
    this.deliveredAtHeal = this.delivered
  }
  startLiveness(): void {
    this.calls.push('liveness')
  }
  livenessReached(): boolean {
    return this.behaviour.neverLive !== true && this.delivered > this.deliveredAtHeal
  }
  livenessFailed(): void {
    this.violation = { check: 'liveness', timeMs: this.world.nowMs, message: 'no ping after the heal' }
  }
  settleMs(): number {
    return 200
  }
  finalChecks(): void {
    this.calls.push(`final checks at ${this.world.nowMs}`)
  }
  shutdown(): void {
    this.calls.push('shutdown')
  }
}

function world(seed: number): World<Ping> {
  return new World<Ping>({
    seed,
    streams: ['faults', 'network'],
    network: { stream: 'network', options: reliableNetwork, describe: (ping) => `${ping.from}>${ping.to}` },
    keepTrace: true,
  })
}

describe('the phases with a new cluster under test', () => {
  it('run chaos, heal, liveness, settle and final checks in order', async () => {
    const w = world(1)
    const cluster = new PingCluster(w)
    const { healedAtMs } = await runPhases(w, cluster)
    expect(healedAtMs).toBe(1000)
    expect(cluster.violation).toBeNull()
    expect(cluster.calls[0]).toBe('boot')
    expect(cluster.calls.slice(1, 3)).toEqual(['heal at 1000', 'liveness'])
    // Liveness stopped at the first delivery after the heal; settling then ran for 200 ms.
    const finalAt = Number(cluster.calls[3]?.replace('final checks at ', ''))
    expect(finalAt).toBeGreaterThan(1200)
    expect(finalAt).toBeLessThan(1250)
    expect(cluster.calls[4]).toBe('shutdown')
    // Ten decision steps in the chaos phase at probability 0.5: some faults, not all.
    expect(cluster.crashes).toBeGreaterThan(0)
    expect(cluster.crashes).toBeLessThan(10)
  })

  it('draw the same faults for the same seed', async () => {
    const crashesOf = async (seed: number) => {
      const w = world(seed)
      const cluster = new PingCluster(w)
      await runPhases(w, cluster)
      return [cluster.crashes, w.trace.digest]
    }
    expect(await crashesOf(7)).toEqual(await crashesOf(7))
  })

  it('turn an exception out of production code into the cluster violation and skip the rest', async () => {
    const w = world(2)
    const cluster = new PingCluster(w, { throwAtMs: 300 })
    await runPhases(w, cluster)
    expect(cluster.violation?.check).toBe('node-crash')
    // The first ping sent at 300 ms arrives after the network's delay (1 ms plus a short tail).
    expect(cluster.violation?.timeMs).toBeGreaterThan(301)
    expect(cluster.violation?.timeMs).toBeLessThan(310)
    // The heal is still called; liveness, settle and final checks are not.
    expect(cluster.calls).toEqual(['boot', `heal at ${w.nowMs}`, 'shutdown'])
  })

  it('report a missed liveness goal, then skip the final checks', async () => {
    const w = world(3)
    const cluster = new PingCluster(w, { neverLive: true })
    await runPhases(w, cluster)
    expect(cluster.violation).toMatchObject({ check: 'liveness', timeMs: 1500 })
    expect(cluster.calls).toEqual(['boot', 'heal at 1000', 'liveness', 'shutdown'])
  })

  it('stop the fault plan at the heal', async () => {
    const w = world(4)
    const cluster = new PingCluster(w)
    await runPhases(w, cluster)
    expect(cluster.faults.active).toBe(false)
    const crashes = cluster.crashes
    await w.scheduler.run({ untilMs: w.nowMs + 1000, eventsMax: 1000 })
    expect(cluster.crashes).toBe(crashes)
  })
})

describe('a node under test that breaks an invariant of its own', () => {
  it('fails the run as node-crash, at once', async () => {
    // A stand-in system under test behind the NodeFactory seam: n1 reports a broken invariant at
    // 100 ms, as RaftNode does (its `failed` event) before rethrowing out of its own loop.
    const factory: NodeFactory<ObservableMessage> = {
      codec: null,
      describe: (message) => `${message.from}>${message.to}`,
      createDisk: () => ({ crash: () => {}, corrupt: () => null, corrupted: false }),
      start: (environment) => {
        if (environment.nodeId === 'n1') {
          environment.scheduler.schedule(100, 'bug', () =>
            environment.onInvariantViolated(new InvariantError('n1 applied beyond committed')),
          )
        }
        return {
          submit: async () => ({ kind: 'failed', reason: 'a stand-in' }),
          status: () => ({ role: 'follower', term: 0, leader: null, commit: 0, applied: 0, voters: [] }),
          transferLeadership: () => {},
          changeMembership: async () => false,
          crash: () => {},
        }
      },
    }
    const result = await runSimulation({ config: swarmConfig(1, { nodes: 3 }), factory, keepTrace: true })
    expect(result.violation?.check).toBe('node-crash')
    expect(result.violation?.message).toContain('InvariantError: n1 applied beyond committed')
    expect(result.violation?.timeMs).toBe(100)
    expect(result.traceLines.at(-1)).toMatch(
      /^t=000100\.000 verdict: node-crash: production code threw: InvariantError/,
    )
  })
})
