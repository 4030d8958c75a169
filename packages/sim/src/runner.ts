/**
 * Runs many seeds in a row (the CLI's `--seeds` and the test suite) and stops at the first
 * violation, returning it with the command that replays it.
 */
import { type ConfigOverrides, type SimulationConfig, swarmConfig } from './config.js'
import type { NodeFactory } from './node-host.js'
import { runSimulation, type SimulationResult } from './simulation.js'

/** Options of {@link runSeeds}. */
export interface RunSeedsOptions<M> {
  readonly from: number
  readonly count: number
  readonly overrides?: ConfigOverrides
  /** A fresh factory per seed (factories may hold per-run state). */
  readonly factory: (config: SimulationConfig) => NodeFactory<M>
  /** Called after every seed. */
  readonly onResult?: (result: SimulationResult) => void
}

/** The outcome of a batch of seeds. */
export interface RunSeedsSummary {
  readonly seedsRun: number
  readonly failure: SimulationResult | null
  readonly inconclusive: number
}

/** Runs `count` seeds starting at `from`; stops at the first failure. */
export async function runSeeds<M>(options: RunSeedsOptions<M>): Promise<RunSeedsSummary> {
  let inconclusive = 0
  for (let i = 0; i < options.count; i++) {
    const seed = options.from + i
    const config = swarmConfig(seed, options.overrides ?? {})
    const result = await runSimulation({ config, factory: options.factory(config), keepTrace: false })
    options.onResult?.(result)
    if (result.stats.linearizabilityInconclusive) inconclusive++
    if (result.violation !== null) return { seedsRun: i + 1, failure: result, inconclusive }
  }
  return { seedsRun: options.count, failure: null, inconclusive }
}

/** The one-line command that replays `seed` with its full trace. */
export function replayCommand(seed: number, overrides: ConfigOverrides = {}): string {
  const parts = ['pnpm sim --seed', String(seed)]
  if (overrides.nodes !== undefined) parts.push('--nodes', String(overrides.nodes))
  if (overrides.safetyPhaseMs !== undefined) parts.push('--safety-ms', String(overrides.safetyPhaseMs))
  if (overrides.preVote !== undefined) parts.push('--prevote', overrides.preVote)
  parts.push('--trace')
  return parts.join(' ')
}
