/**
 * One simulated run: a cluster of production nodes over simulated network, disks and clocks,
 * clients issuing strong writes, and faults injected from the seed. Two phases:
 *
 * 1. Safety — faults everywhere for `safetyPhaseMs`: partitions, loss, duplication, reordering,
 *    crashes that lose unsynced writes and tear the last one, clock jumps, leadership transfers and
 *    membership changes. Every safety property is checked as observations arrive.
 * 2. Liveness — a quorum core is healed (restarted, its links made reliable); a new write must
 *    commit within `livenessBoundMs` of virtual time.
 *
 * Then the client history is checked for linearizability. The first violation ends the run.
 */

import { SeededRandom } from '@tandem/base'
import { checkLinearizability } from './checkers/linearizability.js'
import { RaftSafetyChecker } from './checkers/raft-safety.js'
import type { Violation } from './checkers/violation.js'
import { SimulatedClock } from './clock.js'
import { describeConfig, type SimulationConfig } from './config.js'
import { HistoryRecorder } from './history.js'
import { decodeKvCommand, describeKvCommand, encodeKvCommand } from './kv/command.js'
import type { ApplyObservation } from './kv/state-machine.js'
import { PacketSimulator } from './network.js'
import type {
  NodeFactory,
  NodeIncarnation,
  NodeStatusView,
  ObservableMessage,
  SimulatedDisk,
} from './node-host.js'
import { Scheduler } from './scheduler.js'
import { Trace } from './trace.js'
import { type ClusterGateway, type SubmitOutcome, Workload } from './workload.js'

/** Raft message types the checkers interpret (raft's `MessageType`). */
const messageTypes = { App: 3, Snap: 9, Heartbeat: 10 } as const

/** Options of {@link runSimulation}. */
export interface SimulationOptions<M> {
  readonly config: SimulationConfig
  readonly factory: NodeFactory<M>
  /** Keep every trace line in the result (for `--trace` and the determinism test). */
  readonly keepTrace: boolean
  /** Also stream trace lines here as they happen. */
  readonly traceSink?: (line: string) => void
}

/** Counters of a run, for reports. */
export interface SimulationStats {
  readonly virtualMs: number
  readonly events: number
  readonly committedIndex: number
  readonly highestTerm: number
  readonly operations: number
  readonly operationsCompleted: number
  readonly operationsUnknown: number
  readonly crashes: number
  readonly packetsDelivered: number
  readonly packetsDropped: number
  readonly partitions: number
  readonly membershipChanges: number
  readonly transfers: number
  readonly linearizabilityInconclusive: boolean
}

/** The outcome of one seed. */
export interface SimulationResult {
  readonly seed: number
  readonly violation: Violation | null
  readonly stats: SimulationStats
  readonly traceDigest: string
  readonly traceLines: readonly string[]
}

interface NodeSlot {
  readonly nodeId: string
  readonly driftPpm: number
  readonly clockOffsetMs: number
  disk: SimulatedDisk
  incarnation: NodeIncarnation | null
  clock: SimulatedClock | null
  /** Removed from the configuration: kept down until added back. */
  removed: boolean
  incarnations: number
}

/** Runs one seed to its verdict. Never throws for a failure of the system under test. */
export async function runSimulation<M>(options: SimulationOptions<M>): Promise<SimulationResult> {
  const { config, factory } = options
  const scheduler = new Scheduler()
  const root = new SeededRandom(config.seed)
  const faultRandom = root.fork('faults')
  const trace = new Trace({
    keepLines: options.keepTrace,
    ...(options.traceSink ? { sink: options.traceSink } : {}),
  })
  const record = (text: string): void => trace.record(scheduler.nowMs, text)
  const checker = new RaftSafetyChecker(() => scheduler.nowMs)
  const history = new HistoryRecorder()
  record(describeConfig(config))

  const network = new PacketSimulator<M & ObservableMessage>({
    scheduler,
    random: root.fork('network'),
    options: config.network,
    ...(factory.codec ? { codec: factory.codec } : {}),
    describe: (message) => factory.describe(message),
    trace: record,
  })

  const nodeIds = Array.from({ length: config.nodes }, (_, i) => `n${i + 1}`)
  const clockRandom = root.fork('clocks')
  const slots = new Map<string, NodeSlot>()
  for (const nodeId of nodeIds) {
    slots.set(nodeId, {
      nodeId,
      driftPpm:
        config.clockDriftPpmMax === 0 ? 0 : (clockRandom.nextFloat() * 2 - 1) * config.clockDriftPpmMax,
      clockOffsetMs: clockRandom.nextInt(1_000_000),
      disk: factory.createDisk(nodeId, nodeIds, root.fork(`${nodeId} disk`)),
      incarnation: null,
      clock: null,
      removed: false,
      incarnations: 0,
    })
  }
  let crashes = 0
  let membershipChanges = 0
  let transfers = 0
  let membershipChangeInFlight = false
  // Disk corruption and removals are bounded together: at most a minority of the founding nodes
  // is ever damaged or removed, so a quorum always keeps a valid copy of every committed entry.
  const faultBudget = Math.floor((config.nodes - 1) / 2)
  const corruptedNodes = new Set<string>()
  // A requested removal counts from the request on: even if its promise fails, the entry may
  // still commit later.
  const removalRequested = new Set<string>()
  /** Removed node → the new node that replaced it. */
  const replacedBy = new Map<string, string>()
  let nodeNumberNext = config.nodes + 1
  const damagedNodes = (): number => new Set([...corruptedNodes, ...removalRequested]).size

  const observeSent = (message: ObservableMessage): void => {
    checker.observeTerm(message.term)
    if (message.type === messageTypes.App) {
      checker.observeLeaderAppend(message.from, message.term, message.index, message.logTerm, message.entries)
    } else if (message.type === messageTypes.Heartbeat || message.type === messageTypes.Snap) {
      checker.observeLeader(message.from, message.term)
    }
  }

  const start = (slot: NodeSlot): void => {
    if (slot.disk.corrupted) {
      record(`node ${slot.nodeId} refuses to start: its disk is corrupted`)
      return
    }
    slot.incarnations++
    const clock = new SimulatedClock({
      scheduler,
      driftPpm: slot.driftPpm,
      offsetMs: slot.clockOffsetMs,
      label: slot.nodeId,
    })
    const endpoint = network.attach(slot.nodeId)
    const observedEndpoint = {
      send: (messages: readonly (M & ObservableMessage)[]) => {
        for (const message of messages) observeSent(message)
        endpoint.send(messages)
      },
      onMessage: (handler: (message: M & ObservableMessage) => void) => endpoint.onMessage(handler),
    }
    checker.observeRestart(slot.nodeId)
    slot.clock = clock
    slot.incarnation = factory.start(
      {
        nodeId: slot.nodeId,
        foundingVoters: nodeIds,
        clock,
        endpoint: observedEndpoint,
        random: root.fork(`${slot.nodeId}#${slot.incarnations}`),
        settings: config.raft,
        scheduler,
        disk: config.disk,
        diskObserver: {
          onEntriesDurable: (prevTerm, entries) =>
            checker.observeEntries(`${slot.nodeId} disk`, prevTerm, entries),
          onCommittedDurable: (entries) => {
            for (const entry of entries) checker.observeCommitted(slot.nodeId, entry)
          },
        },
        attemptTimeoutMs: config.attemptTimeoutMs,
        onApplied: (observation: ApplyObservation) => {
          checker.observeApplied(slot.nodeId, observation)
          // Recorded in every mode, so the digest of a run does not depend on how it is traced.
          record(
            `apply ${slot.nodeId} ${observation.index}@${observation.term} ${describeApplied(observation)}`,
          )
        },
        onRestored: (index: number) => {
          checker.observeRestored(slot.nodeId, index)
          record(`restore ${slot.nodeId} snapshot through ${index}`)
        },
        trace: record,
      },
      slot.disk,
    )
    record(`node ${slot.nodeId} starts (incarnation ${slot.incarnations})`)
  }

  const crash = (slot: NodeSlot, why: string): void => {
    if (slot.incarnation === null) return
    slot.incarnation.crash()
    slot.incarnation = null
    slot.clock?.stop()
    slot.clock = null
    network.detach(slot.nodeId)
    slot.disk.crash(config.disk.tornWriteProbability)
    crashes++
    record(`node ${slot.nodeId} crashes (${why})`)
  }

  const live = (): NodeSlot[] => [...slots.values()].filter((slot) => slot.incarnation !== null)
  const statusOf = (slot: NodeSlot): NodeStatusView | null => slot.incarnation?.status() ?? null
  const currentLeader = (): { slot: NodeSlot; status: NodeStatusView } | null => {
    let best: { slot: NodeSlot; status: NodeStatusView } | null = null
    for (const slot of live()) {
      const status = statusOf(slot)
      if (status?.role === 'leader' && (best === null || status.term > best.status.term))
        best = { slot, status }
    }
    return best
  }
  /**
   * The configuration of the most advanced running node (the orchestrator's best knowledge),
   * remembered so that it is still known when every node happens to be down.
   */
  let lastKnownVoters: { readonly applied: number; readonly voters: readonly string[] } = {
    applied: 0,
    voters: nodeIds,
  }
  const currentVoters = (): readonly string[] => {
    for (const slot of live()) {
      const status = statusOf(slot)
      if (status !== null && status.voters.length > 0 && status.applied >= lastKnownVoters.applied) {
        lastKnownVoters = { applied: status.applied, voters: status.voters }
      }
    }
    return lastKnownVoters.voters
  }

  // The gateway clients use: any live node that is not removed.
  let contactable: readonly string[] | null = null
  const gateway: ClusterGateway = {
    contactable: () =>
      (contactable ?? [...slots.keys()]).filter((nodeId) => {
        const slot = slots.get(nodeId)
        return slot !== undefined && slot.incarnation !== null && !slot.removed
      }),
    submit: async (nodeId: string, command: Uint8Array): Promise<SubmitOutcome> => {
      const incarnation = slots.get(nodeId)?.incarnation ?? null
      if (incarnation === null) return { kind: 'failed', reason: 'node down' }
      return incarnation.submit(command)
    },
  }

  const workload = new Workload({
    scheduler,
    random: root.fork('workload'),
    history,
    gateway,
    clients: config.clients,
    mix: config.mix,
    thinkTimeMsMax: config.thinkTimeMsMax,
    attemptTimeoutMs: config.attemptTimeoutMs,
    attemptsMax: config.attemptsMax,
    trace: record,
  })

  let faultsActive = true
  const faultStep = (): void => {
    if (!faultsActive) return
    scheduler.schedule(config.faults.decisionStepMs, 'fault decide', faultStep)
    const f = config.faults
    currentVoters()
    // Observe roles: a node reporting itself leader of a term is that term's leader.
    for (const slot of live()) {
      const status = statusOf(slot)
      if (status?.role === 'leader') checker.observeLeader(slot.nodeId, status.term)
    }
    if (faultRandom.chance(f.crashProbability)) {
      const candidates = live()
      if (candidates.length > 0) {
        const slot = faultRandom.pick(candidates)
        crash(slot, 'fault')
        const delay = faultRandom.between(f.restartDelayMsMin, f.restartDelayMsMax)
        scheduler.schedule(delay, 'restart', () => {
          if (slot.incarnation !== null || slot.removed) return
          if (damagedNodes() + 1 <= faultBudget && !corruptedNodes.has(slot.nodeId)) {
            if (faultRandom.chance(config.disk.corruptionProbability)) {
              const what = slot.disk.corrupt()
              if (what !== null) {
                corruptedNodes.add(slot.nodeId)
                record(`disk ${slot.nodeId} corrupted: ${what}`)
              }
            }
          }
          start(slot)
        })
      }
    }
    if (faultRandom.chance(f.clockJumpProbability)) {
      const candidates = live()
      if (candidates.length > 0) {
        const slot = faultRandom.pick(candidates)
        const jumpMs = faultRandom.nextInt(f.clockJumpMsMax) + 1
        slot.clock?.jumpForward(jumpMs)
        const wallBackMs = faultRandom.chance(0.3) ? faultRandom.nextInt(f.clockJumpMsMax) + 1 : 0
        if (wallBackMs > 0) slot.clock?.jumpWall(-wallBackMs)
        record(`clock ${slot.nodeId} jumps +${jumpMs}ms${wallBackMs > 0 ? `, wall −${wallBackMs}ms` : ''}`)
      }
    }
    if (faultRandom.chance(f.transferProbability)) {
      const leader = currentLeader()
      if (leader !== null) {
        const others = leader.status.voters.filter((id) => id !== leader.slot.nodeId)
        if (others.length > 0) {
          const to = faultRandom.pick(others)
          transfers++
          record(`transfer leadership ${leader.slot.nodeId} → ${to}`)
          leader.slot.incarnation?.transferLeadership(to)
        }
      }
    }
    if (!membershipChangeInFlight && faultRandom.chance(f.membershipChangeProbability)) {
      changeMembership()
    }
  }

  const changeMembership = (): void => {
    const leader = currentLeader()
    if (leader === null) return
    const removed = [...slots.values()].filter((slot) => slot.removed)
    const voters = leader.status.voters
    const leaderIncarnation = leader.slot.incarnation
    if (leaderIncarnation === null) return
    const replaceable = removed.filter((slot) => !replacedBy.has(slot.nodeId))
    if (replaceable.length > 0) {
      // Replace a removed node with a new machine: an empty disk and a new identity. Reusing the
      // old id with an empty disk would be unsafe — a node that has not yet applied the removal
      // still counts the old id as a voter, and the empty newcomer would grant it votes.
      const old = faultRandom.pick(replaceable)
      const slot: NodeSlot = {
        nodeId: `n${nodeNumberNext++}`,
        driftPpm:
          config.clockDriftPpmMax === 0 ? 0 : (faultRandom.nextFloat() * 2 - 1) * config.clockDriftPpmMax,
        clockOffsetMs: faultRandom.nextInt(1_000_000),
        disk: factory.createDisk(`n${nodeNumberNext - 1}`, null, root.fork(`n${nodeNumberNext - 1} disk`)),
        incarnation: null,
        clock: null,
        removed: false,
        incarnations: 0,
      }
      slots.set(slot.nodeId, slot)
      replacedBy.set(old.nodeId, slot.nodeId)
      start(slot)
      membershipChangeInFlight = true
      membershipChanges++
      record(`membership: add ${slot.nodeId} (replacing ${old.nodeId}) via ${leader.slot.nodeId}`)
      void leaderIncarnation.changeMembership({ kind: 'add', nodeId: slot.nodeId }).then((applied) => {
        membershipChangeInFlight = false
        record(`membership: add ${slot.nodeId} ${applied ? 'applied' : 'not applied'}`)
        if (applied) {
          // The replacement votes now: the removal no longer costs fault budget.
          removalRequested.delete(old.nodeId)
        }
        // When the change did not complete in time it may still commit later, so the new node
        // keeps running (it may become a voter) and the removed node stays replaced.
      })
      return
    }
    if (voters.length < 3) return
    const candidates = voters.filter((nodeId) => !corruptedNodes.has(nodeId))
    if (candidates.length === 0 || damagedNodes() + 1 > faultBudget) return
    const victimId = faultRandom.pick(candidates)
    const victim = slots.get(victimId)
    if (victim === undefined) return
    membershipChangeInFlight = true
    membershipChanges++
    removalRequested.add(victimId)
    record(`membership: remove ${victimId} via ${leader.slot.nodeId}`)
    void leaderIncarnation.changeMembership({ kind: 'remove', nodeId: victimId }).then((applied) => {
      membershipChangeInFlight = false
      record(`membership: remove ${victimId} ${applied ? 'applied' : 'not applied'}`)
      if (applied) {
        victim.removed = true
        crash(victim, 'removed from the cluster')
      }
    })
  }

  let violation: Violation | null = null
  let linearizabilityInconclusive = false
  const stopWhen = (): boolean => checker.violation !== null
  const runUntil = async (untilMs: number): Promise<void> => {
    if (violation !== null || checker.violation !== null) return
    try {
      const stop = await scheduler.run({
        untilMs,
        eventsMax: config.eventsMax - scheduler.eventsRun,
        stopWhen,
      })
      if (stop === 'events-limit') {
        checker.fail(
          'simulator-limit',
          `more than ${config.eventsMax} events by ${scheduler.nowMs.toFixed(0)}ms`,
        )
      }
    } catch (error) {
      violation = {
        check: 'node-crash',
        timeMs: scheduler.nowMs,
        message: `production code threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      }
    }
  }

  // Phase 1: safety.
  for (const slot of slots.values()) start(slot)
  workload.start()
  scheduler.schedule(config.faults.decisionStepMs, 'fault decide', faultStep)
  await runUntil(config.safetyPhaseMs)

  // Phase 2: liveness. Faults stop; a quorum core of the current configuration is healed.
  faultsActive = false
  workload.stop()
  const healAtMs = scheduler.nowMs
  // The core is every node that is neither damaged nor (being) removed: a membership change may
  // still be in flight, and the core must hold a quorum of the old and of the new configuration.
  const voters = currentVoters()
  const core = [...slots.keys()].filter(
    (nodeId) =>
      !corruptedNodes.has(nodeId) && !removalRequested.has(nodeId) && slots.get(nodeId)?.removed === false,
  )
  const coreVoters = voters.filter((nodeId) => core.includes(nodeId)).length
  record(`liveness: heal core {${core.join(',')}} of voters {${voters.join(',')}}`)
  if (coreVoters < Math.floor(voters.length / 2) + 1) {
    checker.fail('liveness', `only ${coreVoters} healthy voters of ${voters.length}: no quorum can be healed`)
  }
  network.setReliableCore(core)
  contactable = core
  for (const nodeId of core) {
    const slot = slots.get(nodeId)
    if (slot !== undefined && slot.incarnation === null) {
      slot.removed = false
      start(slot)
    }
  }
  let livenessCommitted = false
  const probe = async (): Promise<void> => {
    const command = encodeKvCommand({
      clientId: 0,
      sequence: 1,
      operation: { kind: 'put', key: 'liveness', value: 'probe' },
    })
    while (!livenessCommitted && scheduler.nowMs - healAtMs < config.livenessBoundMs) {
      for (const nodeId of core) {
        const outcome = await Promise.race([
          gateway.submit(nodeId, command),
          new Promise<SubmitOutcome>((resolve) =>
            scheduler.schedule(config.attemptTimeoutMs, 'probe timeout', () =>
              resolve({ kind: 'failed', reason: 'timeout' }),
            ),
          ),
        ])
        if (outcome.kind === 'applied') {
          livenessCommitted = true
          record(`liveness: probe committed via ${nodeId} after ${(scheduler.nowMs - healAtMs).toFixed(0)}ms`)
          return
        }
        if (scheduler.nowMs - healAtMs >= config.livenessBoundMs) return
        // A refusal costs no virtual time: pause so the probe never spins at one instant.
        await new Promise<void>((resolve) => scheduler.schedule(10, 'probe pause', resolve))
      }
    }
  }
  scheduler.schedule(0, 'liveness probe', () => void probe())
  const livenessStop = (): boolean => livenessCommitted
  if (violation === null && checker.violation === null) {
    try {
      await scheduler.run({
        untilMs: healAtMs + config.livenessBoundMs,
        eventsMax: Math.max(0, config.eventsMax - scheduler.eventsRun),
        stopWhen: () => stopWhen() || livenessStop(),
      })
    } catch (error) {
      violation = {
        check: 'node-crash',
        timeMs: scheduler.nowMs,
        message: `production code threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      }
    }
  }
  if (violation === null && checker.violation === null && !livenessCommitted) {
    checker.fail(
      'liveness',
      `no write committed within ${config.livenessBoundMs}ms after healing core {${core.join(',')}}`,
    )
  }
  // Let clients finish their last attempts so their outcomes are known where possible.
  await runUntil(scheduler.nowMs + config.attemptTimeoutMs * (config.attemptsMax + 1))

  violation ??= checker.violation
  if (violation === null) {
    const verdict = checkLinearizability(history.history, { stepsMaxPerKey: 2_000_000 })
    if (verdict.kind === 'violation') {
      violation = { check: 'linearizability', timeMs: scheduler.nowMs, message: verdict.explanation }
    } else if (verdict.kind === 'inconclusive') {
      linearizabilityInconclusive = true
      record(`linearizability: inconclusive on key ${verdict.key} after ${verdict.steps} steps`)
    }
  }
  for (const slot of slots.values()) {
    slot.incarnation?.crash()
    slot.clock?.stop()
  }
  record(
    violation === null ? 'verdict: ok' : `verdict: ${violation.check}: ${violation.message.split('\n')[0]}`,
  )
  return {
    seed: config.seed,
    violation,
    stats: {
      virtualMs: scheduler.nowMs,
      events: scheduler.eventsRun,
      committedIndex: checker.committedIndex,
      highestTerm: checker.highestTerm,
      operations: workload.stats.called,
      operationsCompleted: workload.stats.completed,
      operationsUnknown: workload.stats.unknown,
      crashes,
      packetsDelivered: network.stats.delivered,
      packetsDropped: network.stats.dropped,
      partitions: network.stats.partitions,
      membershipChanges,
      transfers,
      linearizabilityInconclusive,
    },
    traceDigest: trace.digest,
    traceLines: trace.lines,
  }
}

function describeApplied(observation: ApplyObservation): string {
  if (observation.data.length === 0) return '(empty)'
  try {
    return describeKvCommand(decodeKvCommand(observation.data))
  } catch {
    return `(${observation.data.length} bytes)`
  }
}
