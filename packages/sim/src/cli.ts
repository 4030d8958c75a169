#!/usr/bin/env node
/**
 * `tandem-sim` (`pnpm sim`): runs simulation seeds against the production Raft core, driver and
 * storage format (`--mode raft`, the default), or against the production CRDT replicas and sync
 * sessions (`--mode crdt`).
 *
 *   pnpm sim --seeds 1000 [--from S] [--nodes N] [--safety-ms MS]
 *   pnpm sim --seed S [--nodes N] [--trace]
 *   pnpm sim --mode crdt --seeds 1000 [--from S] [--replicas N]
 *
 * Exit codes: 0 every seed passed; 1 internal error; 2 bad arguments; 10–20 the failed check
 * (see `exitCodes` and the README).
 */
import { TandemError } from '@tandem/base'
import { exitCodes } from './checkers/violation.js'
import { type ConfigOverrides, describeConfig, swarmConfig } from './config.js'
import { crdtSwarmConfig, describeCrdtConfig } from './crdt/config.js'
import { crdtReplayCommand, runCrdtSeeds } from './crdt/runner.js'
import { type CrdtInjectedBug, type CrdtSimulationResult, runCrdtSimulation } from './crdt/simulation.js'
import { createRaftFactory } from './raft-host.js'
import { replayCommand, runSeeds } from './runner.js'
import { runSimulation, type SimulationResult } from './simulation.js'

interface CliArguments {
  readonly mode: 'raft' | 'crdt'
  readonly replicas: number | undefined
  readonly crdtBug: CrdtInjectedBug | null
  readonly seed: number | null
  readonly seeds: number
  readonly from: number
  readonly overrides: ConfigOverrides
  readonly trace: boolean
  readonly injectBug: InjectedBug | null
}

/** Deliberate bugs for demonstrating that the checkers bite (never for real runs). */
type InjectedBug = 'stale-reads' | 'lost-acks'

class UsageError extends TandemError {
  readonly code = 'SIM_USAGE'
  override readonly name = 'UsageError'
}

const usage = `usage:
  pnpm sim --seeds N [--from S] [--nodes 3|5|7] [--safety-ms MS]   run N seeds from S (default 1)
  pnpm sim --seed S [--nodes 3|5|7] [--safety-ms MS] [--trace]     run one seed; --trace prints its trace
  --prevote on|off|swarm                                           PreVote (default on; swarm: the seed picks)
  --inject-bug stale-reads|lost-acks                               self-test: run a deliberately broken node
  --mode crdt [--replicas 2..9] [--safety-ms MS]                   eventual writes: CRDT replicas instead of Raft (MS: chaos phase)
  --mode crdt --inject-bug forgetful-restart|no-anti-entropy       self-test of the CRDT checks
exit codes: 0 ok, 1 internal error, 2 usage, ${Object.entries(exitCodes)
  .map(([check, code]) => `${code} ${check}`)
  .join(', ')}`

function parseArguments(argv: readonly string[]): CliArguments {
  let seed: number | null = null
  let seeds = 1
  let from = 1
  let nodes: number | undefined
  let safetyPhaseMs: number | undefined
  let trace = false
  let injectBug: InjectedBug | null = null
  let crdtBug: CrdtInjectedBug | null = null
  let mode: 'raft' | 'crdt' = 'raft'
  let replicas: number | undefined
  let preVote: 'on' | 'off' | 'swarm' | undefined
  const integer = (flag: string, text: string | undefined, min: number): number => {
    const value = Number(text)
    if (text === undefined || !Number.isSafeInteger(value) || value < min) {
      throw new UsageError(`${flag} needs an integer ≥ ${min}, got ${text ?? 'nothing'}`)
    }
    return value
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    switch (flag) {
      case '--seed':
        seed = integer(flag, argv[++i], 0)
        break
      case '--seeds':
        seeds = integer(flag, argv[++i], 1)
        break
      case '--from':
        from = integer(flag, argv[++i], 0)
        break
      case '--nodes':
        nodes = integer(flag, argv[++i], 1)
        if (![1, 3, 5, 7].includes(nodes)) throw new UsageError('--nodes must be 1, 3, 5 or 7')
        break
      case '--safety-ms':
        safetyPhaseMs = integer(flag, argv[++i], 1)
        break
      case '--trace':
        trace = true
        break
      case '--prevote': {
        const setting = argv[++i]
        if (setting !== 'on' && setting !== 'off' && setting !== 'swarm') {
          throw new UsageError('--prevote needs on, off or swarm')
        }
        preVote = setting
        break
      }
      case '--inject-bug': {
        const bug = argv[++i]
        if (bug === 'stale-reads' || bug === 'lost-acks') injectBug = bug
        else if (bug === 'forgetful-restart' || bug === 'no-anti-entropy') crdtBug = bug
        else {
          throw new UsageError(
            '--inject-bug needs stale-reads or lost-acks (raft), forgetful-restart or no-anti-entropy (crdt)',
          )
        }
        break
      }
      case '--mode': {
        const value = argv[++i]
        if (value !== 'raft' && value !== 'crdt') throw new UsageError('--mode needs raft or crdt')
        mode = value
        break
      }
      case '--replicas':
        replicas = integer(flag, argv[++i], 2)
        if (replicas > 9) throw new UsageError('--replicas must be 2 to 9')
        break
      case '--help':
      case '-h':
        throw new UsageError('')
      default:
        throw new UsageError(`unknown argument ${flag}`)
    }
  }
  const overrides: ConfigOverrides = {
    ...(nodes !== undefined ? { nodes } : {}),
    ...(safetyPhaseMs !== undefined ? { safetyPhaseMs } : {}),
    ...(preVote !== undefined ? { preVote } : {}),
  }
  if (mode === 'raft' && (replicas !== undefined || crdtBug !== null)) {
    throw new UsageError('--replicas and the crdt bugs need --mode crdt')
  }
  if (mode === 'crdt' && (nodes !== undefined || preVote !== undefined || injectBug !== null)) {
    throw new UsageError('--nodes, --prevote and the raft bugs need --mode raft')
  }
  return { mode, replicas, crdtBug, seed, seeds, from, overrides, trace, injectBug }
}

function reportFailure(
  result: SimulationResult,
  overrides: ConfigOverrides,
  bug: InjectedBug | null,
): number {
  const violation = result.violation
  if (violation === null) return 0
  const code = exitCodes[violation.check]
  const out = process.stderr
  out.write(
    `\nFAIL seed ${result.seed}: ${violation.check} (exit ${code}) at t=${violation.timeMs.toFixed(3)}ms\n`,
  )
  out.write(`${violation.message}\n`)
  out.write(`${describeConfig(swarmConfig(result.seed, overrides))}\n`)
  out.write(`replay: ${replayCommand(result.seed, overrides)}${bug === null ? '' : ` --inject-bug ${bug}`}\n`)
  return code
}

async function main(argv: readonly string[]): Promise<number> {
  let args: CliArguments
  try {
    args = parseArguments(argv)
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message !== '') process.stderr.write(`${error.message}\n`)
      process.stderr.write(`${usage}\n`)
      return 2
    }
    throw error
  }
  if (args.mode === 'crdt') return mainCrdt(args)
  if (args.seed !== null) {
    const config = swarmConfig(args.seed, args.overrides)
    const result = await runSimulation({
      config,
      factory: factoryFor(config.disk.kind, args.injectBug),
      keepTrace: false,
      ...(args.trace ? { traceSink: (line: string) => process.stdout.write(`${line}\n`) } : {}),
    })
    process.stdout.write(
      `seed ${args.seed}: ${result.violation === null ? 'ok' : result.violation.check} — ${summary(result)} trace ${result.traceDigest}\n`,
    )
    return reportFailure(result, args.overrides, args.injectBug)
  }
  const startedMs = performance.now()
  let done = 0
  const summaryRun = await runSeeds({
    from: args.from,
    count: args.seeds,
    overrides: args.overrides,
    factory: (config) => factoryFor(config.disk.kind, args.injectBug),
    onResult: (result) => {
      done++
      if (done % 100 === 0 || done === args.seeds) {
        const seconds = (performance.now() - startedMs) / 1000
        process.stdout.write(`${done}/${args.seeds} seeds (last ${result.seed}) in ${seconds.toFixed(1)}s\n`)
      }
    },
  })
  const seconds = (performance.now() - startedMs) / 1000
  if (summaryRun.failure !== null) return reportFailure(summaryRun.failure, args.overrides, args.injectBug)
  process.stdout.write(
    `ok: ${summaryRun.seedsRun} seeds from ${args.from}, zero violations, ${summaryRun.inconclusive} linearizability checks inconclusive, ${seconds.toFixed(1)}s\n`,
  )
  return 0
}

function crdtOverridesOf(args: CliArguments) {
  return {
    ...(args.replicas !== undefined ? { replicas: args.replicas } : {}),
    ...(args.overrides.safetyPhaseMs !== undefined ? { chaosPhaseMs: args.overrides.safetyPhaseMs } : {}),
  }
}

function reportCrdtFailure(result: CrdtSimulationResult, args: CliArguments): number {
  const violation = result.violation
  if (violation === null) return 0
  const code = exitCodes[violation.check]
  const overrides = crdtOverridesOf(args)
  const out = process.stderr
  out.write(
    `\nFAIL crdt seed ${result.seed}: ${violation.check} (exit ${code}) at t=${violation.timeMs.toFixed(3)}ms\n`,
  )
  out.write(`${violation.message}\n`)
  out.write(`${describeCrdtConfig(crdtSwarmConfig(result.seed, overrides))}\n`)
  out.write(`replay: ${crdtReplayCommand(result.seed, overrides, args.crdtBug ?? undefined)}\n`)
  return code
}

async function mainCrdt(args: CliArguments): Promise<number> {
  const overrides = crdtOverridesOf(args)
  const injectBug = args.crdtBug === null ? {} : { injectBug: args.crdtBug }
  if (args.seed !== null) {
    const result = await runCrdtSimulation({
      config: crdtSwarmConfig(args.seed, overrides),
      keepTrace: false,
      ...injectBug,
      ...(args.trace ? { traceSink: (line: string) => process.stdout.write(`${line}\n`) } : {}),
    })
    const s = result.stats
    process.stdout.write(
      `crdt seed ${args.seed}: ${result.violation === null ? 'ok' : result.violation.check} — ${s.virtualMs.toFixed(0)}ms virtual, ${s.events} events, ${s.writes} writes, ${s.crashes} crashes, ${s.partitions} partitions, ${s.clockJumps} clock steps, converged ${s.convergedAfterMs === null ? 'never' : `${s.convergedAfterMs.toFixed(0)}ms after the heal`}; trace ${result.traceDigest}\n`,
    )
    return reportCrdtFailure(result, args)
  }
  const startedMs = performance.now()
  let done = 0
  const summaryRun = await runCrdtSeeds({
    from: args.from,
    count: args.seeds,
    overrides,
    ...injectBug,
    onResult: (result) => {
      done++
      if (done % 100 === 0 || done === args.seeds) {
        const seconds = (performance.now() - startedMs) / 1000
        process.stdout.write(
          `${done}/${args.seeds} crdt seeds (last ${result.seed}) in ${seconds.toFixed(1)}s\n`,
        )
      }
    },
  })
  const seconds = (performance.now() - startedMs) / 1000
  if (summaryRun.failure !== null) return reportCrdtFailure(summaryRun.failure, args)
  process.stdout.write(
    `ok: ${summaryRun.seedsRun} crdt seeds from ${args.from}, zero violations, slowest convergence ${summaryRun.convergedAfterMsMax.toFixed(0)}ms after the heal, ${seconds.toFixed(1)}s\n`,
  )
  return 0
}

function factoryFor(disk: 'wal' | 'memory', bug: InjectedBug | null) {
  if (bug === 'stale-reads') return createRaftFactory({ disk, staleReads: true })
  if (bug === 'lost-acks') return createRaftFactory({ disk: 'memory', lostAcknowledgedWrites: 4 })
  return createRaftFactory({ disk })
}

function summary(result: SimulationResult): string {
  const s = result.stats
  return `${s.virtualMs.toFixed(0)}ms virtual, ${s.events} events, commit ${s.committedIndex}, term ${s.highestTerm}, ${s.operationsCompleted}/${s.operations} ops completed (${s.operationsUnknown} unknown), ${s.crashes} crashes, ${s.partitions} partitions, ${s.membershipChanges} membership changes, ${s.transfers} transfers`
}

// `pnpm sim --seed S --trace | head` closes stdout early; that is not an error of the run.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exitCode = 1
  },
)
