/**
 * One simulated run of eventual writes: production CRDT replicas and sync sessions over the packet
 * simulator, from one seed. Two phases:
 *
 * 1. Chaos — for `chaosPhaseMs` every replica writes (map sets and deletes, register sets and
 *    clears, set adds and removes, transactions) while the network partitions, loses, duplicates
 *    and reorders packets, replicas crash and restart from their durable logs, and wall clocks
 *    drift and step. After every write the writing replica must read its own write.
 * 2. Convergence — writes stop, the network heals and every replica is up; within
 *    `convergenceBoundMs` of virtual time all replicas must hold byte-identical states, and that
 *    state must be the one the data types' specifications give for the writes made
 *    ({@link EventualHistory}).
 */

import { SeededRandom } from '@tandem/base'
import type { Violation } from '../checkers/violation.js'
import { SimulatedClock } from '../world/clock.js'
import { PacketSimulator, reliableNetwork } from '../world/network.js'
import { Scheduler } from '../world/scheduler.js'
import { Trace } from '../world/trace.js'
import { type CrdtSimulationConfig, describeCrdtConfig } from './config.js'
import { DurableLog } from './durable-log.js'
import {
  collectionNames,
  compareStrings,
  describeVisibleState,
  EventualHistory,
  type EventualOperation,
  MalformedWriteError,
  type VisibleState,
  visibleStatesEqual,
} from './eventual-history.js'
import { type CrdtPacket, ReplicaHost } from './replica-host.js'

/** Deliberate bugs for demonstrating that the CRDT checks bite (never for real runs). */
export type CrdtInjectedBug = 'forgetful-restart' | 'no-anti-entropy'

/** Options of {@link runCrdtSimulation}. */
export interface CrdtSimulationOptions {
  readonly config: CrdtSimulationConfig
  /** Keep every trace line in the result (for `--trace` and the determinism test). */
  readonly keepTrace: boolean
  /** Also stream trace lines here as they happen. */
  readonly traceSink?: (line: string) => void
  /** Runs a deliberately broken node, to watch a check fail. */
  readonly injectBug?: CrdtInjectedBug
}

/** Counters of a run, for reports. */
export interface CrdtSimulationStats {
  readonly virtualMs: number
  readonly events: number
  readonly writes: number
  readonly crashes: number
  readonly clockJumps: number
  readonly partitions: number
  readonly packetsDelivered: number
  readonly packetsDropped: number
  /** Virtual time from the heal until every replica held the same state; null if never. */
  readonly convergedAfterMs: number | null
  readonly refusedMerges: number
  /** The converged visible state, described (empty when the run failed earlier). */
  readonly finalState: string
}

/** The outcome of one seed. */
export interface CrdtSimulationResult {
  readonly seed: number
  readonly violation: Violation | null
  readonly stats: CrdtSimulationStats
  readonly traceDigest: string
  readonly traceLines: readonly string[]
}

/** True time in the simulated world starts here (a plausible epoch, so stamps look like dates). */
const epochMs = 1_780_000_000_000
/** How often the convergence phase compares the replicas. */
const convergenceProbeMs = 10

interface ReplicaSlot {
  readonly replicaId: string
  readonly driftPpm: number
  readonly durable: DurableLog
  host: ReplicaHost | null
  clock: SimulatedClock | null
  /** How far this incarnation's wall clock is from true time (its offset and its jumps). */
  wallErrorMs: number
  incarnations: number
}

/**
 * Runs one seed to its verdict. Never throws for a failure of the system under test.
 *
 * @example
 * ```ts
 * const result = await runCrdtSimulation({ config: crdtSwarmConfig(1), keepTrace: false })
 * console.log(result.violation?.check ?? 'ok', result.stats.convergedAfterMs)
 * ```
 */
export async function runCrdtSimulation(options: CrdtSimulationOptions): Promise<CrdtSimulationResult> {
  const { config } = options
  const bug = options.injectBug ?? null
  const scheduler = new Scheduler()
  const root = new SeededRandom(config.seed)
  const faultRandom = root.fork('crdt faults')
  const workloadRandom = root.fork('crdt workload')
  const clockRandom = root.fork('crdt clocks')
  const trace = new Trace({
    keepLines: options.keepTrace,
    ...(options.traceSink ? { sink: options.traceSink } : {}),
  })
  const record = (text: string): void => trace.record(scheduler.nowMs, text)
  record(describeCrdtConfig(config))
  if (bug !== null) record(`injected bug: ${bug}`)

  let violation: Violation | null = null
  const fail = (check: Violation['check'], message: string): void => {
    if (violation !== null) return
    violation = { check, timeMs: scheduler.nowMs, message }
    record(`VIOLATION ${check}: ${message}`)
  }

  const network = new PacketSimulator<CrdtPacket>({
    scheduler,
    random: root.fork('crdt network'),
    options: config.network,
    describe: (packet) => `${packet.type} ${packet.from}>${packet.to} ${packet.bytes.length}B`,
    trace: record,
  })

  const replicaIds = Array.from({ length: config.replicas }, (_, i) => `r${i + 1}`)
  const members = config.knowsMembers ? replicaIds : undefined
  const errorMax = config.faults.clockErrorMsMax
  const drawWallError = (): number => (errorMax === 0 ? 0 : clockRandom.between(-errorMax, errorMax))
  const slots: ReplicaSlot[] = replicaIds.map((replicaId) => ({
    replicaId,
    driftPpm: config.clockDriftPpmMax === 0 ? 0 : (clockRandom.nextFloat() * 2 - 1) * config.clockDriftPpmMax,
    durable: new DurableLog(config.compactAfterDeltas),
    host: null,
    clock: null,
    wallErrorMs: 0,
    incarnations: 0,
  }))
  const history = new EventualHistory()
  let crashes = 0
  let clockJumps = 0
  let refusedMergesOfEnded = 0

  /** Starts an incarnation; `endpoint` is given at boot, when every replica is attached first. */
  const start = (slot: ReplicaSlot, endpoint = network.attach(slot.replicaId)): void => {
    slot.incarnations++
    // A restarted machine's clock is set anew (an RTC, then NTP): it may read earlier than before.
    slot.wallErrorMs = drawWallError()
    const clock = new SimulatedClock({
      scheduler,
      driftPpm: slot.driftPpm,
      offsetMs: epochMs + slot.wallErrorMs,
      label: slot.replicaId,
    })
    slot.clock = clock
    try {
      slot.host = new ReplicaHost({
        replicaId: slot.replicaId,
        peers: replicaIds.filter((id) => id !== slot.replicaId),
        members,
        clock,
        endpoint,
        durable: slot.durable,
        antiEntropyIntervalMs: config.antiEntropyIntervalMs,
        antiEntropy: bug !== 'no-anti-entropy',
        trace: record,
        onCrash: (error) => fail('node-crash', `replica ${slot.replicaId}: ${describeError(error)}`),
      })
    } catch (error) {
      fail(
        'node-crash',
        `replica ${slot.replicaId} cannot restart from its durable log: ${describeError(error)}`,
      )
      return
    }
    record(
      `replica ${slot.replicaId} starts (incarnation ${slot.incarnations}, ${slot.durable.length} durable records, clock ${slot.wallErrorMs >= 0 ? '+' : ''}${slot.wallErrorMs}ms)`,
    )
  }

  const crash = (slot: ReplicaSlot): void => {
    const host = slot.host
    if (host === null) return
    host.crash()
    refusedMergesOfEnded += host.stats.refusedMerges
    slot.host = null
    slot.clock?.stop()
    slot.clock = null
    network.detach(slot.replicaId)
    if (bug === 'forgetful-restart') slot.durable.wipe()
    crashes++
    record(`replica ${slot.replicaId} crashes`)
  }

  // ---- workload -------------------------------------------------------------------------------

  let writesOpen = true
  let valueNext = 1
  const mix = config.mix
  const kinds = [
    ['map-set', mix.mapSetWeight],
    ['map-delete', mix.mapDeleteWeight],
    ['register-set', mix.registerSetWeight],
    ['register-clear', mix.registerClearWeight],
    ['set-add', mix.setAddWeight],
    ['set-remove', mix.setRemoveWeight],
  ] as const
  type WriteKind = (typeof kinds)[number][0]
  const weightTotal = kinds.reduce((sum, [, weight]) => sum + weight, 0)
  const pickKind = (): WriteKind => {
    if (weightTotal === 0) return 'map-set'
    let roll = workloadRandom.nextInt(weightTotal)
    for (const [kind, weight] of kinds) {
      if (roll < weight) return kind
      roll -= weight
    }
    return 'map-set'
  }

  /** Performs one write on `host` and checks that the replica reads it back at once. */
  const write = (slot: ReplicaSlot, host: ReplicaHost, kind: WriteKind): void => {
    const replica = host.replica
    const replicaId = slot.replicaId
    const key = `k${workloadRandom.between(1, mix.keys)}`
    const element = `e${workloadRandom.between(1, mix.elements)}`
    const value = `${replicaId}.${valueNext++}`
    let operation: EventualOperation
    let readBack: string
    let expected: string
    switch (kind) {
      case 'map-set': {
        const map = replica.map<string>(collectionNames.map)
        operation = { kind, replica: replicaId, key, value, delta: map.set(key, value) }
        readBack = String(map.get(key))
        expected = value
        break
      }
      case 'map-delete': {
        const map = replica.map<string>(collectionNames.map)
        operation = { kind, replica: replicaId, key, delta: map.delete(key) }
        readBack = String(map.get(key))
        expected = 'undefined'
        break
      }
      case 'register-set': {
        const register = replica.register<string>(collectionNames.register)
        operation = { kind, replica: replicaId, value, delta: register.set(value) }
        readBack = String(register.get())
        expected = value
        break
      }
      case 'register-clear': {
        const register = replica.register<string>(collectionNames.register)
        operation = { kind, replica: replicaId, delta: register.clear() }
        readBack = String(register.get())
        expected = 'undefined'
        break
      }
      case 'set-add':
      case 'set-remove': {
        const set = replica.set<string>(collectionNames.set)
        const contextBefore = replica.context()
        const delta = kind === 'set-add' ? set.add(element) : set.delete(element)
        operation = { kind, replica: replicaId, element, delta, contextBefore }
        readBack = String(set.has(element))
        expected = String(kind === 'set-add')
        break
      }
    }
    const subject =
      'key' in operation ? operation.key : 'element' in operation ? operation.element : 'register'
    const described = `${replicaId} ${kind} ${subject}${'value' in operation ? `=${operation.value}` : ''}`
    record(`write ${described}`)
    try {
      history.record(operation)
    } catch (error) {
      if (!(error instanceof MalformedWriteError)) throw error
      fail('crdt-semantics', error.message)
      return
    }
    if (readBack !== expected) {
      fail('crdt-read-your-writes', `replica ${described} then read ${readBack}, expected ${expected}`)
    }
  }

  const writeStep = (slot: ReplicaSlot): void => {
    const host = slot.host
    if (host === null) return
    try {
      if (
        config.mix.transactionWeight > 0 &&
        workloadRandom.nextInt(10 + config.mix.transactionWeight) >= 10
      ) {
        const count = workloadRandom.between(2, 4)
        record(`transaction ${slot.replicaId} of ${count} writes`)
        host.replica.transact(() => {
          for (let i = 0; i < count; i++) write(slot, host, pickKind())
        })
      } else {
        write(slot, host, pickKind())
      }
    } catch (error) {
      fail('node-crash', `replica ${slot.replicaId} threw on a local write: ${describeError(error)}`)
    }
  }

  for (const slot of slots) {
    const loop = (): void => {
      if (!writesOpen) return
      writeStep(slot)
      scheduler.schedule(workloadRandom.between(1, config.thinkTimeMsMax), `write ${slot.replicaId}`, loop)
    }
    scheduler.schedule(workloadRandom.between(1, config.thinkTimeMsMax), `write ${slot.replicaId}`, loop)
  }

  // ---- faults ---------------------------------------------------------------------------------

  let faultsActive = true
  const faultStep = (): void => {
    if (!faultsActive) return
    scheduler.schedule(config.faults.decisionStepMs, 'fault decide', faultStep)
    const f = config.faults
    const live = slots.filter((slot) => slot.host !== null)
    if (faultRandom.chance(f.crashProbability) && live.length > 0) {
      const slot = faultRandom.pick(live)
      crash(slot)
      const delayMs = faultRandom.between(f.restartDelayMsMin, f.restartDelayMsMax)
      scheduler.schedule(delayMs, `restart ${slot.replicaId}`, () => {
        if (slot.host === null && faultsActive) start(slot)
      })
    }
    if (faultRandom.chance(f.clockJumpProbability) && live.length > 0) {
      const slot = faultRandom.pick(live)
      const magnitude = faultRandom.between(1, f.clockJumpMsMax)
      const forward = faultRandom.chance(0.5)
      // Step the wall clock the way that keeps it within the error bound.
      let jumpMs = forward ? magnitude : -magnitude
      if (Math.abs(slot.wallErrorMs + jumpMs) > f.clockErrorMsMax) jumpMs = -jumpMs
      if (slot.clock !== null && Math.abs(slot.wallErrorMs + jumpMs) <= f.clockErrorMsMax) {
        slot.clock.jumpWall(jumpMs)
        slot.wallErrorMs += jumpMs
        clockJumps++
        record(`clock ${slot.replicaId} wall steps ${jumpMs >= 0 ? '+' : ''}${jumpMs}ms`)
      }
    }
  }

  // Attach every replica before any starts, so that the first anti-entropy round reaches its peers.
  const bootEndpoints = slots.map((slot) => network.attach(slot.replicaId))
  slots.forEach((slot, index) => {
    start(slot, bootEndpoints[index])
  })
  scheduler.schedule(config.faults.decisionStepMs, 'fault decide', faultStep)

  // ---- phase 1: chaos -------------------------------------------------------------------------

  let convergedAtMs: number | null = null
  let finalState: VisibleState | null = null
  const runOutcome = await scheduler.run({
    untilMs: config.chaosPhaseMs,
    eventsMax: config.eventsMax,
    stopWhen: () => violation !== null,
  })
  if (runOutcome === 'events-limit')
    fail('simulator-limit', `more than ${config.eventsMax} events in the chaos phase`)

  // ---- phase 2: heal and converge -------------------------------------------------------------

  const healedAtMs = scheduler.nowMs
  if (violation === null) {
    writesOpen = false
    faultsActive = false
    network.reconfigure(reliableNetwork)
    network.setPartitionsEnabled(false)
    for (const slot of slots) if (slot.host === null) start(slot)
    record(`heal: writes stop, network reliable, every replica up (${history.size} writes made)`)
    /** Every replica is up with byte-identical state; stops encoding at the first that differs. */
    const replicasAgree = (): boolean => {
      let first: Uint8Array | null = null
      for (const slot of slots) {
        if (slot.host === null) return false
        const state = slot.host.replica.encodeState()
        if (first === null) first = state
        else if (!bytesEqual(state, first)) return false
      }
      return first !== null
    }
    const probe = (): void => {
      if (convergedAtMs !== null || violation !== null) return
      if (replicasAgree()) {
        convergedAtMs = scheduler.nowMs
        record(`converged ${(scheduler.nowMs - healedAtMs).toFixed(3)}ms after the heal`)
        return
      }
      scheduler.schedule(convergenceProbeMs, 'convergence probe', probe)
    }
    scheduler.schedule(0, 'convergence probe', probe)
    const outcome = await scheduler.run({
      untilMs: healedAtMs + config.convergenceBoundMs,
      eventsMax: config.eventsMax,
      stopWhen: () => violation !== null || convergedAtMs !== null,
    })
    if (outcome === 'events-limit') fail('simulator-limit', `more than ${config.eventsMax} events converging`)
    if (violation === null && convergedAtMs === null) {
      fail(
        'crdt-convergence',
        `replicas still differ ${config.convergenceBoundMs}ms after the heal:\n${slots
          .map(
            (slot) =>
              `  ${slot.replicaId}: ${slot.host === null ? 'down' : describeVisibleState(visibleState(slot.host))}`,
          )
          .join('\n')}`,
      )
    }
    if (violation === null) {
      const host = slots[0]?.host ?? null
      if (host !== null) {
        finalState = visibleState(host)
        const expected = history.expectedState()
        record(`final ${describeVisibleState(finalState)}`)
        if (!visibleStatesEqual(finalState, expected)) {
          fail(
            'crdt-semantics',
            `the converged state is not the one the writes specify:\n  converged ${describeVisibleState(finalState)}\n  expected  ${describeVisibleState(expected)}`,
          )
        }
      }
    }
  }
  for (const slot of slots) {
    slot.host?.crash()
    slot.clock?.stop()
  }

  const refusedMerges =
    refusedMergesOfEnded + slots.reduce((sum, slot) => sum + (slot.host?.stats.refusedMerges ?? 0), 0)
  return {
    seed: config.seed,
    violation,
    stats: {
      virtualMs: scheduler.nowMs,
      events: scheduler.eventsRun,
      writes: history.size,
      crashes,
      clockJumps,
      partitions: network.stats.partitions,
      packetsDelivered: network.stats.delivered,
      packetsDropped: network.stats.dropped,
      convergedAfterMs: convergedAtMs === null ? null : convergedAtMs - healedAtMs,
      refusedMerges,
      finalState: finalState === null ? '' : describeVisibleState(finalState),
    },
    traceDigest: trace.digest,
    traceLines: trace.lines,
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

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`
  }
  return String(error)
}
