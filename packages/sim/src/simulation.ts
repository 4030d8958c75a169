/**
 * One simulated run of strong writes: a cluster of production Raft nodes over simulated network,
 * disks and clocks, clients issuing strong writes, and faults injected from the seed. The world
 * (`world/`), the phases (`harness/phases.ts`: chaos → heal → liveness → settle → final checks)
 * and the cluster under test (`raft-cluster.ts`) are separate parts; this file puts them together
 * and reports.
 *
 * 1. Safety (chaos) — faults everywhere for `safetyPhaseMs`: partitions, loss, duplication,
 *    reordering, crashes that lose unsynced writes and tear the last one, clock jumps, leadership
 *    transfers and membership changes. Every safety property is checked as observations arrive.
 * 2. Liveness — a quorum core is healed (restarted, its links made reliable); a new write must
 *    commit within `livenessBoundMs` of virtual time.
 *
 * Then the client history is checked for linearizability. The first violation ends the run.
 */
import type { Violation } from './checkers/violation.js'
import { describeConfig, type SimulationConfig } from './config.js'
import { runPhases } from './harness/phases.js'
import type { NodeFactory, ObservableMessage } from './node-host.js'
import { RaftCluster } from './raft-cluster.js'
import { World } from './world/world.js'

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

/**
 * Runs one seed to its verdict. Never throws for a failure of the system under test.
 *
 * @example
 * ```ts
 * const config = swarmConfig(7, { nodes: 5 })
 * const result = await runSimulation({ config, factory: createRaftFactory({ disk: 'wal' }), keepTrace: false })
 * console.log(result.violation?.check ?? 'ok', result.traceDigest)
 * ```
 */
export async function runSimulation<M>(options: SimulationOptions<M>): Promise<SimulationResult> {
  const { config, factory } = options
  const world = new World<M & ObservableMessage>({
    seed: config.seed,
    // Fork order of the seed's streams (part of what a seed means).
    streams: ['faults', 'network', 'clocks'],
    network: {
      stream: 'network',
      options: config.network,
      ...(factory.codec ? { codec: factory.codec } : {}),
      describe: (message) => factory.describe(message),
    },
    keepTrace: options.keepTrace,
    ...(options.traceSink ? { traceSink: options.traceSink } : {}),
  })
  world.record(describeConfig(config))
  const cluster = new RaftCluster(world, config, factory)
  await runPhases(world, cluster)

  const violation = cluster.violation
  world.record(
    violation === null ? 'verdict: ok' : `verdict: ${violation.check}: ${violation.message.split('\n')[0]}`,
  )
  const network = world.network.stats
  return {
    seed: config.seed,
    violation,
    stats: {
      virtualMs: world.nowMs,
      events: world.scheduler.eventsRun,
      committedIndex: cluster.checker.committedIndex,
      highestTerm: cluster.checker.highestTerm,
      operations: cluster.workload.stats.called,
      operationsCompleted: cluster.workload.stats.completed,
      operationsUnknown: cluster.workload.stats.unknown,
      crashes: cluster.nodes.crashes,
      packetsDelivered: network.delivered,
      packetsDropped: network.dropped,
      partitions: network.partitions,
      membershipChanges: cluster.raftFaults.membershipChanges,
      transfers: cluster.raftFaults.transfers,
      linearizabilityInconclusive: cluster.linearizabilityInconclusive,
    },
    traceDigest: world.trace.digest,
    traceLines: world.trace.lines,
  }
}
