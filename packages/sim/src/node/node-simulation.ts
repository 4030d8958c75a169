/**
 * One simulated run of the hybrid node (`--mode node`): the world, the phases and the node cluster
 * (`node-cluster.ts`) put together, and a batch runner that stops at the first failing seed. The
 * network, disk, clock and Raft settings are the Raft mode's swarm draws for the seed (3 or 5 nodes).
 */
import { SeededRandom } from '@tandem/base'
import { decodeMessage, encodeMessage, type WireMessage } from '@tandem/raft'
import type { Violation } from '../checkers/violation.js'
import { describeConfig, type SimulationConfig, swarmConfig } from '../config.js'
import { runPhases } from '../harness/phases.js'
import { describeMessage } from '../raft-host.js'
import { World } from '../world/world.js'
import {
  NodeCluster,
  type NodeClusterStats,
  type NodeInjectedBug,
  type NodeSealingMode,
} from './node-cluster.js'

/** The configuration of a node-mode seed. */
export function nodeSwarmConfig(seed: number): SimulationConfig {
  const nodes = new SeededRandom(seed).fork('node mode').pick([3, 3, 5])
  return swarmConfig(seed, { nodes })
}

/** The one-line command that replays a node-mode seed with its trace. */
export function nodeReplayCommand(
  seed: number,
  injectBug: NodeInjectedBug | null = null,
  sealing: NodeSealingMode = 'null',
): string {
  return `pnpm sim --mode node --seed ${seed}${injectBug === null ? '' : ` --inject-bug ${injectBug}`}${sealing === 'pure' ? ' --sealing pure' : ''} --trace`
}

/** The outcome of one node-mode seed. */
export interface NodeSimulationResult {
  readonly seed: number
  readonly violation: Violation | null
  readonly stats: NodeClusterStats & {
    readonly virtualMs: number
    readonly events: number
    readonly partitions: number
    readonly indexesCompared: number
    readonly convergedAfterMs: number | null
    /** Operations in the register history checked for linearizability. */
    readonly registerOperations: number
    readonly linearizabilityInconclusive: boolean
  }
  readonly traceDigest: string
  readonly traceLines: readonly string[]
}

/**
 * Runs one seed to its verdict; never throws for a failure of the system under test.
 *
 * @example
 * ```ts
 * const result = await runNodeSimulation({ seed: 7, keepTrace: false })
 * if (result.violation !== null) console.log(nodeReplayCommand(7))
 * ```
 */
export async function runNodeSimulation(options: {
  readonly seed: number
  readonly keepTrace: boolean
  readonly traceSink?: (line: string) => void
  /** Self-test only: run a deliberately broken node. */
  readonly injectBug?: NodeInjectedBug | null
  /** `--sealing`: the null envelope by default. */
  readonly sealing?: NodeSealingMode
}): Promise<NodeSimulationResult> {
  const config = nodeSwarmConfig(options.seed)
  const world = new World<WireMessage>({
    seed: config.seed,
    streams: ['faults', 'network', 'clocks'],
    network: {
      stream: 'network',
      options: config.network,
      codec: { encode: encodeMessage, decode: (bytes) => decodeMessage(bytes) },
      describe: describeMessage,
    },
    keepTrace: options.keepTrace,
    ...(options.traceSink ? { traceSink: options.traceSink } : {}),
  })
  world.record(`node mode: ${describeConfig(config)}`)
  if (options.sealing === 'pure') world.record('sealing: pure provider')
  const cluster = new NodeCluster(world, config, options.injectBug ?? null, options.sealing ?? 'null')
  await runPhases(world, cluster)
  const violation = cluster.violation
  world.record(
    violation === null ? 'verdict: ok' : `verdict: ${violation.check}: ${violation.message.split('\n')[0]}`,
  )
  return {
    seed: config.seed,
    violation,
    stats: {
      ...cluster.stats,
      virtualMs: world.nowMs,
      events: world.scheduler.eventsRun,
      partitions: world.network.stats.partitions,
      indexesCompared: cluster.checker.indexesCompared,
      convergedAfterMs: cluster.convergedAfterMs,
      registerOperations: cluster.history.history.length,
      linearizabilityInconclusive: cluster.linearizabilityInconclusive,
    },
    traceDigest: world.trace.digest,
    traceLines: world.trace.lines,
  }
}

/**
 * Runs `count` node-mode seeds from `from`; stops at the first failure.
 *
 * @example
 * ```ts
 * const { failure } = await runNodeSeeds({ from: 1, count: 50 })
 * ```
 */
export async function runNodeSeeds(options: {
  readonly from: number
  readonly count: number
  readonly onResult?: (result: NodeSimulationResult) => void
  readonly injectBug?: NodeInjectedBug | null
  readonly sealing?: NodeSealingMode
}): Promise<{ readonly seedsRun: number; readonly failure: NodeSimulationResult | null }> {
  for (let i = 0; i < options.count; i++) {
    const result = await runNodeSimulation({
      seed: options.from + i,
      keepTrace: false,
      injectBug: options.injectBug ?? null,
      ...(options.sealing === undefined ? {} : { sealing: options.sealing }),
    })
    options.onResult?.(result)
    if (result.violation !== null) return { seedsRun: i + 1, failure: result }
  }
  return { seedsRun: options.count, failure: null }
}
