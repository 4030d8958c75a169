/**
 * One simulated run of eventual writes: production CRDT replicas and sync sessions over the packet
 * simulator, from one seed. The world (`world/`), the phases (`harness/phases.ts`) and the cluster
 * under test (`crdt/cluster.ts`) are separate parts; this file puts them together and reports.
 *
 * 1. Chaos — for `chaosPhaseMs` every replica writes (map sets and deletes, register sets and
 *    clears, set adds and removes, transactions) while the network partitions, loses, duplicates
 *    and reorders packets, replicas crash and restart from their durable logs, and wall clocks
 *    drift and step. After every write the writing replica must read its own write.
 * 2. Convergence (the liveness phase) — writes stop, the network heals and every replica is up;
 *    within `convergenceBoundMs` of virtual time all replicas must hold byte-identical states, and
 *    that state must be the one the data types' specifications give for the writes made
 *    ({@link EventualHistory}).
 */
import type { Violation } from '../checkers/violation.js'
import { runPhases } from '../harness/phases.js'
import { World } from '../world/world.js'
import { CrdtCluster, type CrdtInjectedBug } from './cluster.js'
import { type CrdtSimulationConfig, describeCrdtConfig } from './config.js'
import { describeVisibleState } from './eventual-history.js'
import type { CrdtPacket } from './replica-host.js'

export type { CrdtInjectedBug } from './cluster.js'

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
  const world = new World<CrdtPacket>({
    seed: config.seed,
    // Fork order of the seed's streams (part of what a seed means).
    streams: ['crdt faults', 'crdt workload', 'crdt clocks', 'crdt network'],
    network: {
      stream: 'crdt network',
      options: config.network,
      describe: (packet) => `${packet.type} ${packet.from}>${packet.to} ${packet.bytes.length}B`,
    },
    keepTrace: options.keepTrace,
    ...(options.traceSink ? { traceSink: options.traceSink } : {}),
  })
  world.record(describeCrdtConfig(config))
  if (bug !== null) world.record(`injected bug: ${bug}`)
  const cluster = new CrdtCluster(world, config, bug)
  await runPhases(world, cluster)

  const network = world.network.stats
  return {
    seed: config.seed,
    violation: cluster.violation,
    stats: {
      virtualMs: world.nowMs,
      events: world.scheduler.eventsRun,
      writes: cluster.history.size,
      crashes: cluster.replicas.crashes,
      clockJumps: cluster.clockJumps,
      partitions: network.partitions,
      packetsDelivered: network.delivered,
      packetsDropped: network.dropped,
      convergedAfterMs: cluster.convergedAtMs === null ? null : cluster.convergedAtMs - cluster.healedAtMs,
      refusedMerges: cluster.replicas.refusedMerges,
      finalState: cluster.finalState === null ? '' : describeVisibleState(cluster.finalState),
    },
    traceDigest: world.trace.digest,
    traceLines: world.trace.lines,
  }
}
