/**
 * CRDT replicas as the cluster under test: production replicas and sync sessions
 * (`ReplicaHost`), writes on every replica, replica crashes and wall-clock steps, and the checks
 * of eventual writes — read-your-writes as writes happen, convergence as the liveness goal, and
 * the converged state against the specification ({@link EventualHistory}) at the end.
 *
 * Its heal: writes stop, the network becomes reliable and every replica is up. Its liveness goal:
 * within `convergenceBoundMs`, every replica holds byte-identical state.
 */
import type { SeededRandom } from '@tandem/base'
import type { CheckName, Violation } from '../checkers/violation.js'
import type { ClusterUnderTest, PhaseName } from '../harness/cluster.js'
import { FaultPlan } from '../harness/fault-plan.js'
import { reliableNetwork } from '../world/network.js'
import type { World } from '../world/world.js'
import type { CrdtSimulationConfig } from './config.js'
import {
  collectionNames,
  compareStrings,
  describeVisibleState,
  EventualHistory,
  type VisibleState,
  visibleStatesEqual,
} from './eventual-history.js'
import type { CrdtPacket, ReplicaHost } from './replica-host.js'
import { CrdtReplicas, describeError, type ReplicaSlot } from './replicas.js'
import { CrdtWriter } from './writer.js'

/** Deliberate bugs for demonstrating that the CRDT checks bite (never for real runs). */
export type CrdtInjectedBug = 'forgetful-restart' | 'no-anti-entropy'

/** How often the convergence phase compares the replicas. */
const convergenceProbeMs = 10

/** CRDT replicas in a world. */
export class CrdtCluster implements ClusterUnderTest {
  readonly history = new EventualHistory()
  readonly replicas: CrdtReplicas
  readonly faults: FaultPlan
  readonly chaosEndsAtMs: number
  readonly livenessBoundMs: number
  clockJumps = 0
  /** Virtual time of the heal. */
  healedAtMs = 0
  /** Virtual time at which every replica first held the same state; null if never. */
  convergedAtMs: number | null = null
  /** The converged visible state, once the final check has read it. */
  finalState: VisibleState | null = null
  private readonly world: World<CrdtPacket>
  private readonly config: CrdtSimulationConfig
  private readonly writer: CrdtWriter
  private firstViolation: Violation | null = null
  /** The replicas alive when the current fault step began. */
  private liveAtStep: ReplicaSlot[] = []

  constructor(world: World<CrdtPacket>, config: CrdtSimulationConfig, bug: CrdtInjectedBug | null) {
    this.world = world
    this.config = config
    this.chaosEndsAtMs = config.chaosPhaseMs
    this.livenessBoundMs = config.convergenceBoundMs
    this.replicas = new CrdtReplicas({
      world,
      config,
      clockRandom: world.stream('crdt clocks'),
      forgetOnCrash: bug === 'forgetful-restart',
      antiEntropy: bug !== 'no-anti-entropy',
      fail: (message) => this.fail('node-crash', message),
    })
    this.writer = new CrdtWriter({
      world,
      random: world.stream('crdt workload'),
      history: this.history,
      mix: config.mix,
      thinkTimeMsMax: config.thinkTimeMsMax,
      fail: (check, message) => this.fail(check, message),
    })
    const f = config.faults
    this.faults = new FaultPlan({
      scheduler: world.scheduler,
      random: world.stream('crdt faults'),
      decisionStepMs: f.decisionStepMs,
      beforeStep: () => {
        this.liveAtStep = this.replicas.live()
      },
      faults: [
        { probability: f.crashProbability, inject: (random) => this.crashOne(random) },
        { probability: f.clockJumpProbability, inject: (random) => this.stepOneWallClock(random) },
      ],
    })
  }

  get violation(): Violation | null {
    return this.firstViolation
  }

  /** Records the first violation; later ones are consequences and are not reported. */
  fail(check: CheckName, message: string): void {
    if (this.firstViolation !== null) return
    this.firstViolation = { check, timeMs: this.world.nowMs, message }
    this.world.record(`VIOLATION ${check}: ${message}`)
  }

  boot(): void {
    // Draw order: every replica's first write time, then the replicas' wall-clock errors.
    this.writer.start(this.replicas.slots)
    this.replicas.bootAll()
  }

  eventsMax(_phase: PhaseName): number {
    return this.config.eventsMax
  }

  exceededEvents(phase: PhaseName): void {
    const where = phase === 'chaos' ? 'in the chaos phase' : 'converging'
    this.fail('simulator-limit', `more than ${this.config.eventsMax} events ${where}`)
  }

  crashed(error: unknown): void {
    this.fail('node-crash', `production code threw: ${describeError(error)}`)
  }

  heal(): void {
    this.healedAtMs = this.world.nowMs
    if (this.firstViolation !== null) return
    const network = this.world.network
    this.writer.stop()
    network.reconfigure(reliableNetwork)
    network.setPartitionsEnabled(false)
    for (const slot of this.replicas.slots) if (slot.host === null) this.replicas.start(slot)
    this.world.record(
      `heal: writes stop, network reliable, every replica up (${this.history.size} writes made)`,
    )
  }

  startLiveness(): void {
    this.world.scheduler.schedule(0, 'convergence probe', () => this.probe())
  }

  livenessReached(): boolean {
    return this.convergedAtMs !== null
  }

  livenessFailed(): void {
    const states = this.replicas.slots
      .map(
        (slot) =>
          `  ${slot.replicaId}: ${slot.host === null ? 'down' : describeVisibleState(visibleState(slot.host))}`,
      )
      .join('\n')
    this.fail(
      'crdt-convergence',
      `replicas still differ ${this.config.convergenceBoundMs}ms after the heal:\n${states}`,
    )
  }

  settleMs(): number {
    return 0
  }

  finalChecks(): void {
    const host = this.replicas.slots[0]?.host ?? null
    if (host === null) return
    const finalState = visibleState(host)
    this.finalState = finalState
    const expected = this.history.expectedState()
    this.world.record(`final ${describeVisibleState(finalState)}`)
    if (!visibleStatesEqual(finalState, expected)) {
      this.fail(
        'crdt-semantics',
        `the converged state is not the one the writes specify:\n  converged ${describeVisibleState(finalState)}\n  expected  ${describeVisibleState(expected)}`,
      )
    }
  }

  shutdown(): void {
    this.replicas.shutdown()
  }

  private crashOne(random: SeededRandom): void {
    const f = this.config.faults
    if (this.liveAtStep.length === 0) return
    const slot = random.pick(this.liveAtStep)
    this.replicas.crash(slot)
    const delayMs = random.between(f.restartDelayMsMin, f.restartDelayMsMax)
    this.world.scheduler.schedule(delayMs, `restart ${slot.replicaId}`, () => {
      if (slot.host === null && this.faults.active) this.replicas.start(slot)
    })
  }

  /** Steps one wall clock forward or back, the way that keeps it within the error bound. */
  private stepOneWallClock(random: SeededRandom): void {
    const f = this.config.faults
    if (this.liveAtStep.length === 0) return
    // A replica that crashed in this step is still a candidate (and then keeps its clock).
    const slot = random.pick(this.liveAtStep)
    const magnitude = random.between(1, f.clockJumpMsMax)
    const forward = random.chance(0.5)
    let jumpMs = forward ? magnitude : -magnitude
    if (Math.abs(slot.wallErrorMs + jumpMs) > f.clockErrorMsMax) jumpMs = -jumpMs
    if (slot.clock !== null && Math.abs(slot.wallErrorMs + jumpMs) <= f.clockErrorMsMax) {
      slot.clock.jumpWall(jumpMs)
      slot.wallErrorMs += jumpMs
      this.clockJumps++
      this.world.record(`clock ${slot.replicaId} wall steps ${jumpMs >= 0 ? '+' : ''}${jumpMs}ms`)
    }
  }

  /** Compares the replicas every few milliseconds until they agree. */
  private probe(): void {
    if (this.convergedAtMs !== null || this.firstViolation !== null) return
    if (this.replicasAgree()) {
      this.convergedAtMs = this.world.nowMs
      this.world.record(`converged ${(this.world.nowMs - this.healedAtMs).toFixed(3)}ms after the heal`)
      return
    }
    this.world.scheduler.schedule(convergenceProbeMs, 'convergence probe', () => this.probe())
  }

  /** Every replica is up with byte-identical state; stops encoding at the first that differs. */
  private replicasAgree(): boolean {
    let first: Uint8Array | null = null
    for (const slot of this.replicas.slots) {
      if (slot.host === null) return false
      const state = slot.host.replica.encodeState()
      if (first === null) first = state
      else if (!bytesEqual(state, first)) return false
    }
    return first !== null
  }
}

/** What the application sees in a replica's collections. */
function visibleState(host: ReplicaHost): VisibleState {
  const replica = host.replica
  const map = [...replica.map<string>(collectionNames.map).toMap()].sort((a, b) => compareStrings(a[0], b[0]))
  const set = [...replica.set<string>(collectionNames.set).values()].sort()
  return { map, register: replica.register<string>(collectionNames.register).get(), set }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
