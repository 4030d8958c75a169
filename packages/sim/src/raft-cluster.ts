/**
 * A Raft cluster as the cluster under test: production nodes (`NodeFactory`), clients issuing
 * strong key-value operations, node faults, and the checkers — Raft safety as observations
 * arrive, a probe write for liveness, linearizability of the client history at the end.
 *
 * Its heal: faults stop, and a quorum core of the current configuration — every node neither
 * damaged nor (being) removed — is restarted and its links made perfect. Its liveness goal: a new
 * write commits within `livenessBoundMs`. Then clients get time to finish their last attempts.
 */
import { checkLinearizability } from './checkers/linearizability.js'
import { RaftSafetyChecker } from './checkers/raft-safety.js'
import type { Violation } from './checkers/violation.js'
import type { SimulationConfig } from './config.js'
import type { ClusterUnderTest, PhaseName } from './harness/cluster.js'
import { FaultPlan } from './harness/fault-plan.js'
import { HistoryRecorder } from './history.js'
import { encodeKvCommand } from './kv/command.js'
import type { NodeFactory, ObservableMessage } from './node-host.js'
import { RaftFaults } from './raft-faults.js'
import { RaftNodes } from './raft-nodes.js'
import { type SubmitOutcome, Workload } from './workload.js'
import type { World } from './world/world.js'

/** A Raft cluster in a world. */
export class RaftCluster<M> implements ClusterUnderTest {
  readonly checker: RaftSafetyChecker
  readonly history = new HistoryRecorder()
  readonly nodes: RaftNodes<M>
  readonly workload: Workload
  readonly raftFaults: RaftFaults<M>
  readonly faults: FaultPlan
  readonly chaosEndsAtMs: number
  readonly livenessBoundMs: number
  /** Whether the linearizability search gave up on some key (the run still passes). */
  linearizabilityInconclusive = false
  private readonly world: World<M & ObservableMessage>
  private readonly config: SimulationConfig
  /** A violation the checker did not raise: production code threw, or the history is not linearizable. */
  private ownViolation: Violation | null = null
  private healedAtMs = 0
  private core: readonly string[] = []
  private livenessCommitted = false

  constructor(world: World<M & ObservableMessage>, config: SimulationConfig, factory: NodeFactory<M>) {
    this.world = world
    this.config = config
    this.chaosEndsAtMs = config.safetyPhaseMs
    this.livenessBoundMs = config.livenessBoundMs
    this.checker = new RaftSafetyChecker(() => world.nowMs)
    // Construction order is fork order: the nodes' disks, then the workload.
    this.nodes = new RaftNodes({
      world,
      config,
      factory,
      checker: this.checker,
      clockRandom: world.stream('clocks'),
      onInvariantViolated: (error) => this.crashed(error),
    })
    this.workload = new Workload({
      scheduler: world.scheduler,
      random: world.random.fork('workload'),
      history: this.history,
      gateway: this.nodes.gateway,
      clients: config.clients,
      mix: config.mix,
      thinkTimeMsMax: config.thinkTimeMsMax,
      attemptTimeoutMs: config.attemptTimeoutMs,
      attemptsMax: config.attemptsMax,
      trace: (text) => world.record(text),
    })
    this.raftFaults = new RaftFaults({ world, config, nodes: this.nodes })
    this.faults = new FaultPlan({
      scheduler: world.scheduler,
      random: world.stream('faults'),
      decisionStepMs: config.faults.decisionStepMs,
      beforeStep: () => {
        this.nodes.currentVoters()
        this.nodes.observeLeaders()
      },
      faults: this.raftFaults.list(),
    })
  }

  get violation(): Violation | null {
    return this.ownViolation ?? this.checker.violation
  }

  boot(): void {
    for (const slot of this.nodes.all()) this.nodes.start(slot)
    this.workload.start()
  }

  eventsMax(phase: PhaseName): number {
    const left = this.config.eventsMax - this.world.scheduler.eventsRun
    return phase === 'liveness' ? Math.max(0, left) : left
  }

  exceededEvents(phase: PhaseName): void {
    // A runaway while healing shows as no progress: the liveness check reports it.
    if (phase === 'liveness') return
    this.checker.fail(
      'simulator-limit',
      `more than ${this.config.eventsMax} events by ${this.world.nowMs.toFixed(0)}ms`,
    )
  }

  crashed(error: unknown): void {
    this.ownViolation ??= {
      check: 'node-crash',
      timeMs: this.world.nowMs,
      message: `production code threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    }
  }

  heal(): void {
    const { world, nodes } = this
    this.workload.stop()
    this.healedAtMs = world.nowMs
    // The core is every node that is neither damaged nor (being) removed: a membership change may
    // still be in flight, and the core must hold a quorum of the old and of the new configuration.
    const voters = nodes.currentVoters()
    const core = nodes
      .ids()
      .filter((nodeId) => !this.raftFaults.isDamaged(nodeId) && nodes.get(nodeId)?.removed === false)
    this.core = core
    const coreVoters = voters.filter((nodeId) => core.includes(nodeId)).length
    world.record(`liveness: heal core {${core.join(',')}} of voters {${voters.join(',')}}`)
    if (coreVoters < Math.floor(voters.length / 2) + 1) {
      this.checker.fail(
        'liveness',
        `only ${coreVoters} healthy voters of ${voters.length}: no quorum can be healed`,
      )
    }
    world.network.setReliableCore(core)
    nodes.restrictClientsTo(core)
    for (const nodeId of core) {
      const slot = nodes.get(nodeId)
      if (slot !== undefined && slot.incarnation === null) {
        slot.removed = false
        nodes.start(slot)
      }
    }
  }

  startLiveness(): void {
    this.world.scheduler.schedule(0, 'liveness probe', () => void this.probe())
  }

  livenessReached(): boolean {
    return this.livenessCommitted
  }

  livenessFailed(): void {
    this.checker.fail(
      'liveness',
      `no write committed within ${this.config.livenessBoundMs}ms after healing core {${this.core.join(',')}}`,
    )
  }

  settleMs(): number {
    // Clients finish their last attempts, so their outcomes are known where possible.
    return this.config.attemptTimeoutMs * (this.config.attemptsMax + 1)
  }

  finalChecks(): void {
    const verdict = checkLinearizability(this.history.history, { stepsMaxPerKey: 2_000_000 })
    if (verdict.kind === 'violation') {
      this.ownViolation = { check: 'linearizability', timeMs: this.world.nowMs, message: verdict.explanation }
    } else if (verdict.kind === 'inconclusive') {
      this.linearizabilityInconclusive = true
      this.world.record(`linearizability: inconclusive on key ${verdict.key} after ${verdict.steps} steps`)
    }
  }

  shutdown(): void {
    this.nodes.shutdown()
  }

  /** Submits one write to each core node in turn until one applies it or the bound passes. */
  private async probe(): Promise<void> {
    const { world, config } = this
    const scheduler = world.scheduler
    const command = encodeKvCommand({
      clientId: 0,
      sequence: 1,
      operation: { kind: 'put', key: 'liveness', value: 'probe' },
    })
    const elapsedMs = (): number => world.nowMs - this.healedAtMs
    while (!this.livenessCommitted && elapsedMs() < config.livenessBoundMs) {
      for (const nodeId of this.core) {
        const outcome = await Promise.race([
          this.nodes.gateway.submit(nodeId, command),
          new Promise<SubmitOutcome>((resolve) =>
            scheduler.schedule(config.attemptTimeoutMs, 'probe timeout', () =>
              resolve({ kind: 'failed', reason: 'timeout' }),
            ),
          ),
        ])
        if (outcome.kind === 'applied') {
          this.livenessCommitted = true
          world.record(`liveness: probe committed via ${nodeId} after ${elapsedMs().toFixed(0)}ms`)
          return
        }
        if (elapsedMs() >= config.livenessBoundMs) return
        // A refusal costs no virtual time: pause so the probe never spins at one instant.
        await new Promise<void>((resolve) => scheduler.schedule(10, 'probe pause', resolve))
      }
    }
  }
}
