/**
 * The command line of `tandem-sim`, parsed by `node:util`'s `parseArgs` and then validated: which
 * flags exist, which values each accepts, and which belong to which mode. Every refusal is a
 * {@link UsageError}, which the CLI turns into the usage text and exit code 2.
 */
import { parseArgs } from 'node:util'
import { TandemError } from '@tandem/base'
import { exitCodes } from './checkers/violation.js'
import type { ConfigOverrides } from './config.js'
import type { CrdtInjectedBug } from './crdt/simulation.js'
import type { NodeInjectedBug, NodeSealingMode } from './node/node-cluster.js'

/** Deliberate bugs for demonstrating that the Raft checks bite (never for real runs). */
export type RaftInjectedBug = 'stale-reads' | 'lost-acks'

/** What the command line asks for. */
export interface CliArguments {
  readonly mode: 'raft' | 'crdt' | 'node'
  readonly replicas: number | undefined
  readonly crdtBug: CrdtInjectedBug | null
  /** `--mode node --inject-bug`: the self-test's deliberately broken node. */
  readonly nodeBug: NodeInjectedBug | null
  /** `--mode node --sealing`: the null envelope (default) or real sealing with the pure provider. */
  readonly nodeSealing: NodeSealingMode
  /** One seed to run (`--seed`), or null to run `seeds` seeds from `from`. */
  readonly seed: number | null
  readonly seeds: number
  readonly from: number
  readonly overrides: ConfigOverrides
  readonly trace: boolean
  /** Print every seed's trace digest (`--digest`), to compare two builds seed by seed. */
  readonly digest: boolean
  readonly injectBug: RaftInjectedBug | null
}

/** A command line the simulator refuses; an empty message means `--help`. */
export class UsageError extends TandemError {
  readonly code = 'SIM_USAGE'
  override readonly name = 'UsageError'
}

/** The usage text printed with every refusal and for `--help`. */
export const usage = `usage:
  pnpm sim --seeds N [--from S] [--nodes 3|5|7] [--safety-ms MS]   run N seeds from S (default 1)
  pnpm sim --seed S [--nodes 3|5|7] [--safety-ms MS] [--trace]     run one seed; --trace prints its trace
  --prevote on|off|swarm                                           PreVote (default on; swarm: the seed picks)
  --inject-bug stale-reads|lost-acks                               self-test: run a deliberately broken node
  --digest                                                         print every seed's trace digest (compare two builds)
  --mode crdt [--replicas 2..9] [--safety-ms MS]                   eventual writes: CRDT replicas instead of Raft (MS: chaos phase)
  --mode crdt --inject-bug forgetful-restart|no-anti-entropy       self-test of the CRDT checks
  --mode node [--seed S | --seeds N [--from S]] [--trace]          the hybrid node: NodeCores with mixed strong/eventual writes
  --mode node --inject-bug stale-reads|skipped-entries             self-test of the node checks
  --mode node --sealing null|pure                                  null envelope (default) or real sealing, pure provider
exit codes: 0 ok, 1 internal error, 2 usage, ${Object.entries(exitCodes)
  .map(([check, code]) => `${code} ${check}`)
  .join(', ')}`

// Every value is taken as a string and validated below, so that a refusal names the flag and
// what it needs rather than quoting a parser error.
const options = {
  seed: { type: 'string' },
  seeds: { type: 'string' },
  from: { type: 'string' },
  nodes: { type: 'string' },
  'safety-ms': { type: 'string' },
  trace: { type: 'boolean' },
  digest: { type: 'boolean' },
  prevote: { type: 'string' },
  'inject-bug': { type: 'string' },
  mode: { type: 'string' },
  replicas: { type: 'string' },
  sealing: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text === '' || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${flag} needs an integer ≥ ${min}, got ${text === '' ? 'nothing' : text}`)
  }
  return value
}

function tokens(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (error) {
    // parseArgs refuses unknown flags, stray words and flags missing their value.
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/**
 * Parses and validates the arguments (without the program name).
 *
 * @example
 * ```ts
 * parseCliArguments(['--seeds', '100', '--nodes', '5']).overrides // { nodes: 5 }
 * ```
 */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  const values = tokens(argv)
  if (values.help === true) throw new UsageError('')
  const nodes = integer('nodes', values.nodes, 1)
  if (nodes !== undefined && ![1, 3, 5, 7].includes(nodes))
    throw new UsageError('--nodes must be 1, 3, 5 or 7')
  const safetyPhaseMs = integer('safety-ms', values['safety-ms'], 1)
  const replicas = integer('replicas', values.replicas, 2)
  if (replicas !== undefined && replicas > 9) throw new UsageError('--replicas must be 2 to 9')
  const preVote = values.prevote
  if (preVote !== undefined && preVote !== 'on' && preVote !== 'off' && preVote !== 'swarm') {
    throw new UsageError('--prevote needs on, off or swarm')
  }
  const mode = values.mode ?? 'raft'
  if (mode !== 'raft' && mode !== 'crdt' && mode !== 'node')
    throw new UsageError('--mode needs raft, crdt or node')
  let injectBug: RaftInjectedBug | null = null
  let crdtBug: CrdtInjectedBug | null = null
  const bug = values['inject-bug']
  let nodeBug: NodeInjectedBug | null = null
  if (mode === 'node' && (bug === 'stale-reads' || bug === 'skipped-entries')) nodeBug = bug
  else if (bug === 'stale-reads' || bug === 'lost-acks') injectBug = bug
  else if (bug === 'forgetful-restart' || bug === 'no-anti-entropy') crdtBug = bug
  else if (bug !== undefined) {
    throw new UsageError(
      '--inject-bug needs stale-reads or lost-acks (raft), forgetful-restart or no-anti-entropy (crdt)',
    )
  }
  const overrides: ConfigOverrides = {
    ...(nodes !== undefined ? { nodes } : {}),
    ...(safetyPhaseMs !== undefined ? { safetyPhaseMs } : {}),
    ...(preVote !== undefined ? { preVote } : {}),
  }
  if (mode === 'raft' && (replicas !== undefined || crdtBug !== null)) {
    throw new UsageError('--replicas and the crdt bugs need --mode crdt')
  }
  if (
    mode === 'node' &&
    (nodes !== undefined ||
      preVote !== undefined ||
      safetyPhaseMs !== undefined ||
      replicas !== undefined ||
      (bug !== undefined && nodeBug === null))
  ) {
    throw new UsageError(
      '--mode node takes --seed, --seeds, --from, --trace, --digest, --sealing and --inject-bug stale-reads|skipped-entries only',
    )
  }
  const sealing = values.sealing
  if (sealing !== undefined && sealing !== 'null' && sealing !== 'pure')
    throw new UsageError('--sealing needs null or pure')
  if (sealing !== undefined && mode !== 'node') throw new UsageError('--sealing needs --mode node')
  if (mode === 'crdt' && (nodes !== undefined || preVote !== undefined || injectBug !== null)) {
    throw new UsageError('--nodes, --prevote and the raft bugs need --mode raft')
  }
  return {
    mode,
    replicas,
    crdtBug,
    nodeBug,
    nodeSealing: sealing ?? 'null',
    seed: integer('seed', values.seed, 0) ?? null,
    seeds: integer('seeds', values.seeds, 1) ?? 1,
    from: integer('from', values.from, 0) ?? 1,
    overrides,
    trace: values.trace === true,
    digest: values.digest === true,
    injectBug,
  }
}
