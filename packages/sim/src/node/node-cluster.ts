/**
 * The hybrid node as the cluster under test (`--mode node`): 3–5 `NodeCore`s of `@tandem/node` —
 * the production composition core on production `RaftNode`s — over the simulated network, crashable
 * Raft logs and crashable delta logs, with drifting and jumping clocks. Clients issue a mixed
 * workload: eventual map writes, strong map writes, bounded increments and compare-and-set on a
 * collection declared `writes: 'strong'`.
 *
 * Eventual batches reach the leader by a direct push of durable batches (the writer's hook, and a
 * periodic re-push of what each node holds to whoever leads), blocked by partitions and crashes;
 * anti-entropy over the transport is the next build step and replaces it.
 *
 * Faults: the network's own partitions, loss and duplication; node crashes (unsynced Raft writes
 * and delta appends lost, the Raft log's last write maybe torn) and restarts; clock faults
 * (monotonic jumps, wall steps, and a single node's wall clock a day off). Heal: every node
 * restarted, every link reliable. Liveness: every node opened, every acknowledged eventual write
 * folded, no batch pending anywhere (V = C), every node at the same applied index.
 */
import { type SeededRandom, seededCryptoRandom } from '@tandem/base'
import { pureCryptoProvider, writerPublicKey } from '@tandem/envelope'
import {
  type AppliedEntry,
  type Condition,
  createSealing,
  type Incarnation,
  type MemberId,
  memberId,
  NodeCore,
  type NodeCoreOptions,
  type NodeRaftParts,
  NULL_ENVELOPE,
  type StreamId,
  type StrongResult,
  type WriteId,
  type WriterKey,
} from '@tandem/node/core'
import {
  type ConfState,
  defaultNoQuorumTimeoutMs,
  type Entry,
  type HardState,
  MemoryLogStorage,
  RaftNode,
  type Snapshot,
  type WireMessage,
} from '@tandem/raft'
import { checkLinearizability } from '../checkers/linearizability.js'
import type { Violation } from '../checkers/violation.js'
import type { SimulationConfig } from '../config.js'
import { CrashableLogStorage } from '../disk/crashable-log-storage.js'
import type { ClusterUnderTest, PhaseName } from '../harness/cluster.js'
import { FaultPlan } from '../harness/fault-plan.js'
import { HistoryRecorder } from '../history.js'
import type { KvOperation, KvResult } from '../kv/command.js'
import { drawDriftPpm, type SimulatedClock } from '../world/clock.js'
import type { World } from '../world/world.js'
import { CrashableDeltaLog } from './crashable-delta-log.js'
import { NodeChecker } from './node-checker.js'
import { NODE_SIM_SNAPSHOT_POLICY, nodeSnapshotLinks } from './node-snapshot-links.js'

/** Wall-clock time at virtual 0 (clock entries and stamps are Unix milliseconds). */
const EPOCH_MS = 1_700_000_000_000
const DAY_MS = 24 * 60 * 60 * 1000
/** How often each node re-pushes the batches it holds to whoever leads. */
const PUSH_INTERVAL_MS = 250
/** How often the liveness goal is evaluated (it reads every node's C). */
const LIVENESS_CHECK_MS = 20
/** How often the operator looks for a node to admit or promote. */
const OPERATOR_INTERVAL_MS = 100
/** A learner is promoted once its match index is within this many entries of the leader's commit. */
const OPERATOR_CATCH_UP_ENTRIES = 20
/** A client gives up waiting for one operation after this long (a crashed node never answers). */
const CLIENT_WAIT_MS = 6_000
const collectionM = { kind: 'map', name: 'm' } as const
const stock = { kind: 'map', name: 'stock' } as const
/** Written by strong writes only and read linearizably: its history is checked against a register. */
const register = { kind: 'map', name: 'reg' } as const

/** One machine: what survives its incarnations, and the running one. */
interface NodeSlot {
  readonly nodeId: MemberId
  readonly key: WriterKey
  /** The Ed25519 seed of `key` under `--sealing pure`; `null` on the null envelope. */
  readonly signingKey: Uint8Array | null
  readonly storage: MemoryLogStorage
  readonly deltaLog: CrashableDeltaLog
  readonly driftPpm: number
  readonly clockOffsetMs: number
  /** The wall clock's error (clock faults), kept across incarnations: it is the machine's clock. */
  wallSkewMs: number
  clock: SimulatedClock | null
  raftLog: CrashableLogStorage<Entry, HardState, Snapshot, ConfState> | null
  raft: RaftNode<AppliedEntry> | null
  core: NodeCore | null
  incarnations: number
}

/**
 * How the node mode's cores seal (`--sealing`): `null` is the null envelope (plaintext, unverified:
 * the fast default), `pure` real sealing with the pure provider, nonces and keys drawn from the seed.
 */
export type NodeSealingMode = 'null' | 'pure'

const clusterId = new TextEncoder().encode('tandem-sim node mode')

/** A slot's writer key: its signing key's public key, or (null envelope) a fixed stand-in. */
function keyOf(signingKey: Uint8Array | null, index: number): WriterKey {
  if (signingKey === null) return (index + 1).toString(16).repeat(64) as WriterKey
  return [...writerPublicKey(signingKey)]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('') as WriterKey
}

/** Deliberate bugs for the self-test that shows the node mode's checks bite (never in real runs). */
export type NodeInjectedBug =
  /** Register reads answer from local C without the ReadIndex barrier. */
  | 'stale-reads'
  /** The second node applies every seventh entry as if it were empty. */
  | 'skipped-entries'

/** Counters of a node-mode run. */
export interface NodeClusterStats {
  strongCalls: number
  strongApplied: number
  strongNoQuorum: number
  eventualCalls: number
  eventualAcknowledged: number
  refusedAtWriter: number
  crashes: number
  clockFaults: number
  transfers: number
  pushes: number
  /** addLearner and promote calls the operator made. */
  membershipChanges: number
}

/** The hybrid node cluster in a world. */
export class NodeCluster implements ClusterUnderTest {
  readonly checker: NodeChecker
  /** The strong history on the `reg` collection, checked linearizable at the end. */
  readonly history = new HistoryRecorder()
  /** Whether the linearizability search gave up on some key (the run still passes). */
  linearizabilityInconclusive = false
  readonly faults: FaultPlan
  readonly chaosEndsAtMs: number
  readonly livenessBoundMs: number
  readonly stats: NodeClusterStats = {
    strongCalls: 0,
    strongApplied: 0,
    strongNoQuorum: 0,
    eventualCalls: 0,
    eventualAcknowledged: 0,
    refusedAtWriter: 0,
    crashes: 0,
    clockFaults: 0,
    transfers: 0,
    pushes: 0,
    membershipChanges: 0,
  }
  /** Virtual ms from the heal until the liveness goal held, once it did. */
  convergedAfterMs: number | null = null
  private readonly world: World<WireMessage>
  private readonly config: SimulationConfig
  private readonly slots: NodeSlot[]
  private readonly workloadRandom: SeededRandom
  private ownViolation: Violation | null = null
  private writing = false
  private healedAtMs = 0
  private livenessCheckedAtMs = -1
  private livenessHeld = false

  private readonly injectBug: NodeInjectedBug | null

  /** How the cores seal: the null envelope (the fast default) or real sealing, pure provider. */
  private readonly sealing: NodeSealingMode

  /** The operator's membership change in flight, and when it is given up on (a crashed node never answers). */
  private operatorBusyUntilMs = -1

  constructor(
    world: World<WireMessage>,
    config: SimulationConfig,
    injectBug: NodeInjectedBug | null = null,
    sealing: NodeSealingMode = 'null',
  ) {
    this.world = world
    this.sealing = sealing
    this.injectBug = injectBug
    this.config = config
    this.chaosEndsAtMs = config.safetyPhaseMs
    this.livenessBoundMs = 20_000
    this.checker = new NodeChecker(() => world.nowMs)
    const clockRandom = world.stream('clocks')
    const ids = Array.from({ length: config.nodes }, (_, i) =>
      memberId(`SimPeerNodeNumberAbc${'ABCDEFGHJK'[i]}`, (i + 1).toString(16).padStart(16, '0')),
    )
    const signingKeys = ids.map((_, i) =>
      sealing === 'pure' ? seededCryptoRandom(config.seed * 64 + i)(32) : null,
    )
    this.slots = ids.map((nodeId, i) => ({
      nodeId,
      key: keyOf(signingKeys[i] ?? null, i),
      signingKey: signingKeys[i] ?? null,
      // The first node founds the cluster as its single voter; every other one joins on an empty
      // configuration once the operator ran addLearner for it (design.md, "Bootstrap and keys").
      storage: i === 0 ? new MemoryLogStorage({ voters: [nodeId] }) : new MemoryLogStorage(),
      deltaLog: new CrashableDeltaLog(world.scheduler, world.random.fork(`${nodeId} delta log`), {
        minMs: config.disk.writeLatencyMinMs,
        meanMs: Math.max(config.disk.writeLatencyMinMs, config.disk.writeLatencyMeanMs),
      }),
      driftPpm: drawDriftPpm(clockRandom, config.clockDriftPpmMax),
      clockOffsetMs: clockRandom.nextInt(1_000_000),
      wallSkewMs: clockRandom.nextInt(100) - 50,
      clock: null,
      raftLog: null,
      raft: null,
      core: null,
      incarnations: 0,
    }))
    this.workloadRandom = world.random.fork('workload')
    const faults = config.faults
    this.faults = new FaultPlan({
      scheduler: world.scheduler,
      random: world.stream('faults'),
      decisionStepMs: faults.decisionStepMs,
      faults: [
        {
          probability: faults.crashProbability,
          possible: () => this.live().length > 0,
          inject: (random) => {
            const slot = random.pick(this.live())
            this.crash(slot)
            const delayMs = random.between(faults.restartDelayMsMin, faults.restartDelayMsMax)
            world.scheduler.schedule(delayMs, `${slot.nodeId} restart`, () => {
              if (slot.core === null) this.start(slot)
            })
          },
        },
        {
          probability: faults.transferProbability,
          possible: () => this.live().some((slot) => slot.core?.leading === true),
          inject: (random) => {
            const leader = this.live().find((slot) => slot.core?.leading === true)
            const to = random.pick(this.slots.filter((slot) => slot !== leader))
            if (leader?.raft == null) return
            this.stats.transfers++
            this.world.record(`transfer leadership ${leader.nodeId} → ${to.nodeId}`)
            leader.raft.transferLeadership(to.nodeId).catch(() => {})
          },
        },
        {
          probability: Math.max(faults.clockJumpProbability, 0.01),
          possible: () => this.live().length > 0,
          inject: (random) => this.clockFault(random),
        },
      ],
    })
  }

  get violation(): Violation | null {
    return this.ownViolation ?? this.checker.violation
  }

  /** Every node's id. */
  nodeIds(): MemberId[] {
    return this.slots.map((slot) => slot.nodeId)
  }

  boot(): void {
    for (const slot of this.slots) this.start(slot)
    this.writing = true
    for (let client = 0; client < this.config.clients; client++) {
      const random = this.workloadRandom.fork(`client ${client}`)
      this.world.scheduler.schedule(
        random.nextInt(50),
        `client ${client}`,
        () => void this.client(client, random),
      )
    }
    this.world.scheduler.schedule(PUSH_INTERVAL_MS, 'node push', () => this.pushRound())
    this.world.scheduler.schedule(OPERATOR_INTERVAL_MS, 'node operator', () => this.operatorRound())
  }

  eventsMax(phase: PhaseName): number {
    const left = this.config.eventsMax * 2 - this.world.scheduler.eventsRun
    return phase === 'liveness' ? Math.max(0, left) : left
  }

  exceededEvents(phase: PhaseName): void {
    if (phase === 'liveness') return
    this.checker.fail(
      'simulator-limit',
      `more than ${this.config.eventsMax * 2} events by ${this.world.nowMs.toFixed(0)}ms`,
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
    this.writing = false
    this.healedAtMs = this.world.nowMs
    this.world.network.setReliableCore(this.nodeIds())
    for (const slot of this.slots) {
      // A day-off wall clock is a fault too: NTP fixes it at the heal.
      if (Math.abs(slot.wallSkewMs) > this.config.faults.clockJumpMsMax) slot.wallSkewMs = 0
      if (slot.core === null) this.start(slot)
    }
    this.world.record('node heal: every node running, every link reliable')
  }

  startLiveness(): void {}

  livenessReached(): boolean {
    const nowMs = this.world.nowMs
    if (this.livenessHeld) return true
    if (nowMs - this.livenessCheckedAtMs < LIVENESS_CHECK_MS) return false
    this.livenessCheckedAtMs = nowMs
    const cores = this.slots.map((slot) => slot.core)
    if (cores.some((core) => core === null || !core.opened)) return false
    const running = cores as NodeCore[]
    const index = running[0]?.applier.appliedIndex
    if (running.some((core) => core.applier.appliedIndex !== index)) return false
    if (running.some((core) => core.pendingBatches.count > 0)) return false
    if (!running.every((core) => this.checker.allEventualFolded(core))) return false
    this.livenessHeld = true
    this.convergedAfterMs = nowMs - this.healedAtMs
    this.world.record(`liveness: converged at index ${index} after ${this.convergedAfterMs.toFixed(0)}ms`)
    return true
  }

  livenessFailed(): void {
    const detail = this.slots
      .map((slot) => {
        const core = slot.core
        if (core === null) return `${slot.nodeId} down`
        return `${slot.nodeId} opened=${core.opened} applied=${core.applier.appliedIndex} pending=${core.pendingBatches.count} leading=${core.leading}`
      })
      .join('; ')
    this.checker.fail('liveness', `not converged within ${this.livenessBoundMs}ms of the heal: ${detail}`)
  }

  settleMs(): number {
    return 0
  }

  finalChecks(): void {
    const verdict = checkLinearizability(this.history.history, { stepsMaxPerKey: 2_000_000 })
    if (verdict.kind === 'violation') {
      this.ownViolation = { check: 'linearizability', timeMs: this.world.nowMs, message: verdict.explanation }
      return
    }
    if (verdict.kind === 'inconclusive') {
      this.linearizabilityInconclusive = true
      this.world.record(`linearizability: inconclusive on key ${verdict.key} after ${verdict.steps} steps`)
    }
    this.checker.finalChecks(this.slots.map((slot) => ({ nodeId: slot.nodeId, core: slot.core as NodeCore })))
  }

  shutdown(): void {
    for (const slot of this.slots) this.halt(slot)
  }

  private live(): NodeSlot[] {
    return this.slots.filter((slot) => slot.core !== null)
  }

  private start(slot: NodeSlot): void {
    const { world, config } = this
    slot.incarnations++
    const random = world.random.fork(`${slot.nodeId}#${slot.incarnations}`)
    const clock = world.clock({ driftPpm: slot.driftPpm, offsetMs: slot.clockOffsetMs, label: slot.nodeId })
    const endpoint = world.network.attach(slot.nodeId)
    const raftLog = new CrashableLogStorage<Entry, HardState, Snapshot, ConfState>({
      durable: slot.storage,
      scheduler: world.scheduler,
      random: random.fork('disk'),
      latency: { minMs: config.disk.writeLatencyMinMs, meanMs: config.disk.writeLatencyMeanMs },
      observer: null,
      label: slot.nodeId,
    })
    const incarnation = [...random.bytes(16)]
      .map((byte) => byte.toString(16).padStart(2, '0'))
      .join('') as Incarnation
    const raftSettings = config.raft
    // `init` on the founder until C exists (a retried init after a crash is a no-op once it applied).
    const founder = slot === this.slots[0]
    let core: NodeCore | null = null
    core = new NodeCore({
      member: slot.nodeId,
      key: slot.key,
      incarnation,
      clock,
      wallClock: () => EPOCH_MS + clock.wallNowMs() - slot.clockOffsetMs + slot.wallSkewMs,
      deltaLog: slot.deltaLog.open(),
      ...this.sealingOf(slot),
      noQuorumTimeoutMs: defaultNoQuorumTimeoutMs(raftSettings.tickMs, raftSettings.electionTicks),
      snapshotPolicy: NODE_SIM_SNAPSHOT_POLICY,
      // A small dot bound (2^31 − 1 in a node), so that most seeds roll eventual streams over.
      streamDotsMax: 5,
      ...(founder ? { init: true } : {}),
      onApplied: (entry: AppliedEntry) => {
        if (slot.core === core && core !== null) this.checker.observeApplied(slot.nodeId, core, entry)
      },
      onBatchDurable: (stream, batch) => {
        for (const target of this.slots) {
          if (target !== slot) this.push(slot, target, stream, batch)
        }
      },
      createRaft: (parts) => {
        const raft = new RaftNode<AppliedEntry>({
          id: slot.nodeId,
          storage: raftLog,
          transport: endpoint,
          snapshotTransport: nodeSnapshotLinks(world).attach(slot.nodeId),
          clock,
          random,
          tickMs: raftSettings.tickMs,
          electionTicks: raftSettings.electionTicks,
          heartbeatTicks: raftSettings.heartbeatTicks,
          checkQuorum: raftSettings.checkQuorum,
          preVote: raftSettings.preVote,
          ...parts,
          ...(this.injectBug === 'skipped-entries' && slot === this.slots[1]
            ? { stateMachine: skippingEntries(parts.stateMachine) }
            : {}),
        })
        slot.raft = raft
        return raft
      },
    })
    slot.clock = clock
    slot.raftLog = raftLog
    slot.core = core
    world.record(`node ${slot.nodeId} starts (incarnation ${slot.incarnations}, ${incarnation.slice(0, 8)})`)
    core.start().catch((error: unknown) => {
      if (slot.core === core) world.record(`node ${slot.nodeId} failed to start: ${String(error)}`)
    })
  }

  private halt(slot: NodeSlot): void {
    slot.core?.halt()
    slot.core = null
    slot.raft = null
    slot.clock?.stop()
    slot.clock = null
  }

  private crash(slot: NodeSlot): void {
    if (slot.core === null) return
    this.halt(slot)
    this.world.network.detach(slot.nodeId)
    slot.raftLog?.crash(this.config.disk.tornWriteProbability)
    slot.raftLog = null
    slot.deltaLog.crash()
    this.stats.crashes++
    this.world.record(`node ${slot.nodeId} crashes`)
  }

  private clockFault(random: SeededRandom): void {
    const slot = random.pick(this.live())
    const jumpMsMax = this.config.faults.clockJumpMsMax
    this.stats.clockFaults++
    const kind = random.nextInt(4)
    if (kind === 0) {
      const ms = random.nextInt(jumpMsMax)
      slot.clock?.jumpForward(ms)
      this.world.record(`clock ${slot.nodeId} monotonic +${ms}ms`)
    } else if (kind === 1 || kind === 2) {
      const ms = random.nextInt(2 * jumpMsMax) - jumpMsMax
      slot.wallSkewMs += ms
      this.world.record(`clock ${slot.nodeId} wall ${ms >= 0 ? '+' : ''}${ms}ms`)
    } else if (!this.slots.some((other) => other !== slot && Math.abs(other.wallSkewMs) >= DAY_MS / 2)) {
      // At most one node a day off at a time: a minority, which must not move log time.
      slot.wallSkewMs = random.chance(0.5) ? DAY_MS : -DAY_MS
      this.world.record(`clock ${slot.nodeId} wall a day ${slot.wallSkewMs > 0 ? 'ahead' : 'behind'}`)
    }
  }

  /** The `sealing` (and epoch secret) of a new incarnation of `slot`'s core. */
  private sealingOf(slot: NodeSlot): Pick<NodeCoreOptions, 'sealing'> {
    if (this.sealing === 'null' || slot.signingKey === null) return { sealing: NULL_ENVELOPE }
    const sealing = createSealing({
      clusterId,
      cryptoProvider: pureCryptoProvider,
      signingKey: slot.signingKey,
      keyed: true,
      // A fresh nonce stream per incarnation: a restarted node never repeats its nonces.
      random: seededCryptoRandom(
        this.config.seed * 4096 + this.slots.indexOf(slot) * 512 + slot.incarnations,
      ),
    })
    // Its epoch keys come from the wrap table alone (init's wrap on the founder, grants on the others).
    return { sealing }
  }

  /** Hands a durable batch from `from` to `to` after a network delay, unless a partition or a crash cuts it. */
  private push(
    from: NodeSlot,
    to: NodeSlot,
    stream: StreamId,
    batch: Parameters<NodeCore['receiveBatch']>[1],
  ): void {
    const network = this.world.network
    if (from.core === null || to.core === null || network.isBlocked(from.nodeId, to.nodeId)) return
    const target = to.core
    this.stats.pushes++
    const options = network.currentOptions()
    this.world.scheduler.schedule(options.oneWayDelayMinMs, 'node push', () => {
      if (to.core === target && !network.isBlocked(from.nodeId, to.nodeId)) target.receiveBatch(stream, batch)
    })
  }

  /**
   * The operator: through whichever node leads, it admits every node C does not hold (addLearner:
   * C first, then Raft) and promotes each caught-up learner — one change at a time, retried until
   * the cluster is formed, through crashes and partitions alike.
   */
  private operatorRound(): void {
    this.world.scheduler.schedule(OPERATOR_INTERVAL_MS, 'node operator', () => this.operatorRound())
    if (this.world.nowMs < this.operatorBusyUntilMs) return
    const leader = this.live().find((slot) => slot.core?.leading === true && slot.core.opened)
    const core = leader?.core
    const raft = leader?.raft
    if (leader === undefined || core == null || raft == null) return
    const status = raft.status()
    const { voters, learners } = status.confState
    const membership = core.committed.public.membership
    for (const slot of this.slots) {
      if (slot === leader) continue
      const record = membership.member(slot.nodeId)
      let change: (() => Promise<unknown>) | null = null
      let what = ''
      if (record === undefined || (!voters.includes(slot.nodeId) && !learners.includes(slot.nodeId))) {
        change = () => core.addLearner(slot.nodeId, slot.key, { keyed: true })
        what = 'addLearner'
      } else if (!record.voter || !voters.includes(slot.nodeId)) {
        // Promoted once it caught up with the leader's commit index (a lagging voter weakens quorums).
        const match = status.progress.find((peer) => peer.id === slot.nodeId)?.match ?? 0
        if (match + OPERATOR_CATCH_UP_ENTRIES < status.commit) continue
        change = () => core.promote(slot.nodeId)
        what = 'promote'
      }
      if (change === null) continue
      this.operatorBusyUntilMs = this.world.nowMs + CLIENT_WAIT_MS
      this.stats.membershipChanges++
      this.world.record(`operator: ${what} ${slot.nodeId} through ${leader.nodeId}`)
      change()
        .catch(() => {})
        .finally(() => {
          this.operatorBusyUntilMs = -1
        })
      return
    }
  }

  /** Every node re-pushes the batches it holds to the nodes that report leading. */
  private pushRound(): void {
    for (const from of this.slots) {
      const core = from.core
      if (core === null) continue
      const leaders = this.slots.filter((to) => to !== from && to.core?.leading === true)
      if (leaders.length === 0) continue
      for (const { stream, batch } of core.pendingEntries()) {
        for (const to of leaders) this.push(from, to, stream, batch)
      }
    }
    this.world.scheduler.schedule(PUSH_INTERVAL_MS, 'node push', () => this.pushRound())
  }

  /** One client: operations on random live nodes until the chaos phase ends. */
  private async client(client: number, random: SeededRandom): Promise<void> {
    const scheduler = this.world.scheduler
    const keys = Math.max(1, this.config.mix.keys)
    let operations = 0
    while (this.writing && this.violation === null) {
      // A joiner writes once it is opened and holds an epoch key (its grant applied).
      const live = this.live().filter((slot) => slot.core?.opened === true && slot.core.holdsEpochKey)
      if (live.length > 0) {
        const slot = random.pick(live)
        const core = slot.core as NodeCore
        const key = `k${random.nextInt(keys)}`
        // Client 0 first declares the two 'strong' collections.
        const choice = client === 0 && operations < 2 ? operations - 2 : random.nextInt(10)
        operations++
        await this.operate(client, operations, core, choice, key, random)
      }
      const thinkMs = 1 + random.nextInt(Math.max(1, this.config.thinkTimeMsMax) * 4)
      await new Promise<void>((resolve) => scheduler.schedule(thinkMs, `client ${client} think`, resolve))
    }
  }

  private async operate(
    client: number,
    operation: number,
    core: NodeCore,
    choice: number,
    key: string,
    random: SeededRandom,
  ): Promise<void> {
    if (choice < 0) {
      const collection = choice === -2 ? stock : register
      await this.strong(core, { kind: 'declare', collection, rules: { writes: 'strong', writers: null } })
    } else if (choice < 4) {
      this.stats.eventualCalls++
      const value = random.nextInt(1000)
      await this.wait(
        core.eventual({ kind: 'map-set', collection: 'm', key, value }).then((ack) => {
          this.stats.eventualAcknowledged++
          // Read your writes: an acknowledged eventual write is in the writer's V at once (nothing
          // deletes in this workload, so some value is there).
          if (!core.view.map('m').has(key))
            this.checker.fail(
              'crdt-read-your-writes',
              `${ack.writeId} acknowledged but absent from its writer's V`,
            )
          const [stream, sequence] = ack.writeId.split('/') as [string, string]
          this.checker.observeEventualAck(ack.writeId, stream as StreamId, Number(sequence))
        }),
      )
    } else if (choice === 4) {
      const value = `c${client}.${operation}`
      await this.recorded(client, { kind: 'put', key, value }, () =>
        this.strong(core, { kind: 'map-set', collection: register, key, value }).then((result) =>
          result?.applied === true ? { kind: 'put' } : null,
        ),
      )
    } else if (choice === 5) {
      await this.strong(core, { kind: 'map-set', collection: collectionM, key, value: random.nextInt(1000) })
    } else if (choice === 6) {
      await this.recorded(client, { kind: 'get', key }, async () => {
        if (this.injectBug !== 'stale-reads') await core.linearizableBarrier()
        const value = core.committed.data?.mapValue('reg', key)
        return { kind: 'get', value: typeof value === 'string' ? value : null }
      })
    } else if (choice < 9) {
      const condition: Condition = { kind: 'increment', by: random.chance(0.7) ? 1 : -1, min: 0, max: 10 }
      await this.strong(core, { kind: 'map-conditional', collection: stock, key, condition })
    } else {
      const expected = random.chance(0.3)
        ? null
        : `c${random.nextInt(this.config.clients)}.${random.nextInt(operation + 1)}`
      const value = `c${client}.${operation}`
      await this.recorded(client, { kind: 'cas', key, expected, value }, () =>
        this.strong(core, {
          kind: 'map-conditional',
          collection: register,
          key,
          condition: { kind: 'compare-and-set', expected: expected ?? undefined, next: value },
        }).then((result) => {
          if (result?.applied === true) return { kind: 'cas', succeeded: true }
          if (result?.applied === false && result.reason === 'value-mismatch')
            return { kind: 'cas', succeeded: false }
          return null
        }),
      )
    }
  }

  /**
   * Records a register operation in the history: its result when the client learned a definite one,
   * otherwise no return (it may or may not have taken effect). A client that stops waiting leaves it
   * unknown too.
   */
  private async recorded(
    client: number,
    operation: KvOperation,
    run: () => Promise<KvResult | null>,
  ): Promise<void> {
    const id = this.history.call(client, operation, this.world.nowMs)
    let done = false
    const completed = run().then(
      (result) => {
        if (result !== null && !done) this.history.complete(id, result, this.world.nowMs)
      },
      () => {},
    )
    await Promise.race([
      completed,
      new Promise<void>((resolve) => this.world.scheduler.schedule(CLIENT_WAIT_MS, 'client wait', resolve)),
    ])
    done = true
  }

  private async strong(
    core: NodeCore,
    operation: Parameters<NodeCore['strong']>[0],
  ): Promise<StrongResult | null> {
    this.stats.strongCalls++
    let result: StrongResult | null = null
    await this.wait(
      core.strong(operation).then((written) => {
        this.stats.strongApplied++
        // An applied write names its entry exactly (its fencing token's index). A not-applied one that
        // a restored snapshot answered carries the snapshot's index (C's sessions keep its result,
        // not where it was decided), so only applied writes are checked against their entry.
        if (written.result.applied) this.checker.observeStrongAck(written.writeId as WriteId, written.index)
        result = written.result
      }),
    )
    return result
  }

  /** Waits for an operation, at most CLIENT_WAIT_MS; counts refusals and NoQuorum rejections. */
  private async wait(operation: Promise<void>): Promise<void> {
    const settled = operation.catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code
      if (code === 'NODE_NO_QUORUM') this.stats.strongNoQuorum++
      else if (code === 'NODE_WRITE_REFUSED') this.stats.refusedAtWriter++
    })
    await Promise.race([
      settled,
      new Promise<void>((resolve) => this.world.scheduler.schedule(CLIENT_WAIT_MS, 'client wait', resolve)),
    ])
  }
}

/** The `skipped-entries` bug: every seventh entry's bytes are dropped before C sees them. */
function skippingEntries(stateMachine: NodeRaftParts['stateMachine']): NodeRaftParts['stateMachine'] {
  return {
    ...stateMachine,
    apply: (commands) =>
      stateMachine.apply(
        commands.map((command) =>
          command.index % 7 === 0 ? { ...command, data: new Uint8Array(0) } : command,
        ),
      ),
  }
}
