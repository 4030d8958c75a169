/**
 * Runs many seeds of eventual writes in a row (the CLI's `--mode crdt --seeds` and the test suite)
 * and stops at the first violation.
 */
import { type CrdtConfigOverrides, crdtSwarmConfig } from './config.js'
import { type CrdtInjectedBug, type CrdtSimulationResult, runCrdtSimulation } from './simulation.js'

/** Options of {@link runCrdtSeeds}. */
export interface RunCrdtSeedsOptions {
  readonly from: number
  readonly count: number
  readonly overrides?: CrdtConfigOverrides
  readonly injectBug?: CrdtInjectedBug
  /** Called after every seed. */
  readonly onResult?: (result: CrdtSimulationResult) => void
}

/** The outcome of a batch of seeds. */
export interface RunCrdtSeedsSummary {
  readonly seedsRun: number
  readonly failure: CrdtSimulationResult | null
  /** The slowest convergence after a heal among the seeds run, in virtual ms. */
  readonly convergedAfterMsMax: number
}

/**
 * Runs `count` seeds starting at `from`; stops at the first failure.
 *
 * @example
 * ```ts
 * const summary = await runCrdtSeeds({ from: 1, count: 100 })
 * if (summary.failure !== null) console.log(crdtReplayCommand(summary.failure.seed))
 * ```
 */
export async function runCrdtSeeds(options: RunCrdtSeedsOptions): Promise<RunCrdtSeedsSummary> {
  let convergedAfterMsMax = 0
  for (let i = 0; i < options.count; i++) {
    const seed = options.from + i
    const result = await runCrdtSimulation({
      config: crdtSwarmConfig(seed, options.overrides ?? {}),
      keepTrace: false,
      ...(options.injectBug !== undefined ? { injectBug: options.injectBug } : {}),
    })
    options.onResult?.(result)
    convergedAfterMsMax = Math.max(convergedAfterMsMax, result.stats.convergedAfterMs ?? 0)
    if (result.violation !== null) return { seedsRun: i + 1, failure: result, convergedAfterMsMax }
  }
  return { seedsRun: options.count, failure: null, convergedAfterMsMax }
}

/**
 * The one-line command that replays a seed of eventual writes with its full trace.
 *
 * @example
 * ```ts
 * crdtReplayCommand(42, { replicas: 3 }) // 'pnpm sim --mode crdt --seed 42 --replicas 3 --trace'
 * ```
 */
export function crdtReplayCommand(
  seed: number,
  overrides: CrdtConfigOverrides = {},
  injectBug?: CrdtInjectedBug,
): string {
  const parts = ['pnpm sim --mode crdt --seed', String(seed)]
  if (overrides.replicas !== undefined) parts.push('--replicas', String(overrides.replicas))
  if (overrides.chaosPhaseMs !== undefined) parts.push('--safety-ms', String(overrides.chaosPhaseMs))
  if (injectBug !== undefined) parts.push('--inject-bug', injectBug)
  parts.push('--trace')
  return parts.join(' ')
}
