#!/usr/bin/env node
/**
 * `tandem-sim` (`pnpm sim`): runs simulation seeds against the production Raft core, driver and
 * storage format (`--mode raft`, the default), or against the production CRDT replicas and sync
 * sessions (`--mode crdt`).
 *
 *   pnpm sim --seeds 1000 [--from S] [--nodes N] [--safety-ms MS]
 *   pnpm sim --seed S [--nodes N] [--trace]
 *   pnpm sim --mode crdt --seeds 1000 [--from S] [--replicas N]
 *   pnpm sim --seeds 120 --digest      (one `seed N trace DIGEST` line per seed, to compare builds)
 *
 * Exit codes: 0 every seed passed; 1 internal error; 2 bad arguments; 10–20 the failed check
 * (see `exitCodes` and the README).
 */
import { isInvariantError } from '@tandem/base'
import { exitCodes } from './checkers/violation.js'
import {
  type CliArguments,
  parseCliArguments,
  type RaftInjectedBug,
  UsageError,
  usage,
} from './cli-arguments.js'
import { type ConfigOverrides, describeConfig, swarmConfig } from './config.js'
import { crdtSwarmConfig, describeCrdtConfig } from './crdt/config.js'
import { crdtReplayCommand, runCrdtSeeds } from './crdt/runner.js'
import { type CrdtSimulationResult, runCrdtSimulation } from './crdt/simulation.js'
import {
  type NodeSimulationResult,
  nodeReplayCommand,
  runNodeSeeds,
  runNodeSimulation,
} from './node/node-simulation.js'
import { createRaftFactory } from './raft-host.js'
import { replayCommand, runSeeds } from './runner.js'
import { runSimulation, type SimulationResult } from './simulation.js'

function reportFailure(
  result: SimulationResult,
  overrides: ConfigOverrides,
  bug: RaftInjectedBug | null,
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
    args = parseCliArguments(argv)
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message !== '') process.stderr.write(`${error.message}\n`)
      process.stderr.write(`${usage}\n`)
      return 2
    }
    throw error
  }
  if (args.mode === 'crdt') return mainCrdt(args)
  if (args.mode === 'node') return mainNode(args)
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
      if (args.digest) process.stdout.write(`seed ${result.seed} trace ${result.traceDigest}\n`)
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

function reportNodeFailure(result: NodeSimulationResult, args: CliArguments): number {
  const violation = result.violation
  if (violation === null) return 0
  const code = exitCodes[violation.check]
  const out = process.stderr
  out.write(
    `\nFAIL node seed ${result.seed}: ${violation.check} (exit ${code}) at t=${violation.timeMs.toFixed(3)}ms\n`,
  )
  out.write(`${violation.message}\n`)
  out.write(`replay: ${nodeReplayCommand(result.seed, args.nodeBug, args.nodeSealing)}\n`)
  return code
}

/** `--mode node`: the hybrid node's composition core under mixed writes and faults. */
async function mainNode(args: CliArguments): Promise<number> {
  if (args.seed !== null) {
    const result = await runNodeSimulation({
      seed: args.seed,
      keepTrace: false,
      injectBug: args.nodeBug,
      sealing: args.nodeSealing,
      ...(args.trace ? { traceSink: (line: string) => process.stdout.write(`${line}\n`) } : {}),
    })
    const s = result.stats
    process.stdout.write(
      `node seed ${args.seed}: ${result.violation === null ? 'ok' : result.violation.check} — ${s.virtualMs.toFixed(0)}ms virtual, ${s.events} events, strong ${s.strongApplied}/${s.strongCalls} applied (${s.strongNoQuorum} NoQuorum), eventual ${s.eventualAcknowledged}/${s.eventualCalls} acknowledged, ${s.crashes} crashes, ${s.clockFaults} clock faults, ${s.partitions} partitions, ${s.indexesCompared} index comparisons, converged ${s.convergedAfterMs === null ? 'never' : `${s.convergedAfterMs.toFixed(0)}ms after the heal`}; trace ${result.traceDigest}\n`,
    )
    return reportNodeFailure(result, args)
  }
  const startedMs = performance.now()
  let done = 0
  const summaryRun = await runNodeSeeds({
    from: args.from,
    count: args.seeds,
    injectBug: args.nodeBug,
    sealing: args.nodeSealing,
    onResult: (result) => {
      done++
      if (args.digest) process.stdout.write(`node seed ${result.seed} trace ${result.traceDigest}\n`)
      if (done % 100 === 0 || done === args.seeds) {
        const seconds = (performance.now() - startedMs) / 1000
        process.stdout.write(
          `${done}/${args.seeds} node seeds (last ${result.seed}) in ${seconds.toFixed(1)}s\n`,
        )
      }
    },
  })
  const seconds = (performance.now() - startedMs) / 1000
  if (summaryRun.failure !== null) return reportNodeFailure(summaryRun.failure, args)
  process.stdout.write(
    `ok: ${summaryRun.seedsRun} node seeds from ${args.from}, zero violations, ${seconds.toFixed(1)}s\n`,
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
      if (args.digest) process.stdout.write(`crdt seed ${result.seed} trace ${result.traceDigest}\n`)
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

function factoryFor(disk: 'wal' | 'memory', bug: RaftInjectedBug | null) {
  if (bug === 'stale-reads') return createRaftFactory({ disk, staleReads: true })
  if (bug === 'lost-acks') return createRaftFactory({ disk: 'memory', lostAcknowledgedWrites: 4 })
  return createRaftFactory({ disk })
}

function summary(result: SimulationResult): string {
  const s = result.stats
  return `${s.virtualMs.toFixed(0)}ms virtual, ${s.events} events, commit ${s.committedIndex}, term ${s.highestTerm}, ${s.operationsCompleted}/${s.operations} ops completed (${s.operationsUnknown} unknown), ${s.crashes} crashes, ${s.partitions} partitions, ${s.membershipChanges} membership changes, ${s.transfers} transfers`
}

// A node that breaks an invariant of its own stops, reports it (the run fails as `node-crash`, with
// its seed and replay command), then rethrows it out of its own loop, where nobody awaits it. That
// rejection is already reported; anything else unhandled is an internal error.
process.on('unhandledRejection', (reason: unknown) => {
  if (isInvariantError(reason)) return
  throw reason
})

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
