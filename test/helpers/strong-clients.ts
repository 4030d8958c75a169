/**
 * Clients that issue strong map operations against node processes and record every one in a
 * {@link NodeMapHistory}: call and return times on this process's monotonic clock, the result, or
 * no result when the outcome is unknown. How each error maps to a history entry is the crux:
 *
 * - `NoQuorumError { outcome: 'not-applied' }`, a write refused at the writer, or a strong batch
 *   refused whole at apply: definitely no effect (recorded `applied: false` with no reason).
 * - `NoQuorumError { outcome: 'unknown' }`, the node process dying with the request outstanding, or
 *   any other error: unknown — it may have taken effect, at any time after its call.
 */
import type {
  NodeMapHistory,
  NodeMapOperation,
  NodeMapResult,
  NodeMapValue,
} from '../../packages/sim/dist/index.js'
import type { NodeProcess } from './node-process.ts'
import { NodeRequestError } from './node-process.ts'
import type { NodeRequest } from './node-protocol.ts'

/** Codes whose failure means the write certainly did not take effect. */
const definitelyNotApplied = new Set(['NODE_WRITE_REFUSED', 'NODE_STRONG_BATCH_REFUSED'])

/** What a client saw of one operation, for the test's own counts. */
export type ClientOutcome = 'ok' | 'not-applied' | 'unknown'

/** Tallies of a run, to show the test was not vacuous and to print. */
export interface ClientTallies {
  ok: number
  notApplied: number
  unknown: number
  /** Error codes seen, with counts (unexpected ones are worth a look). */
  readonly codes: Map<string, number>
  /** The first message seen for each code. */
  readonly examples: Map<string, string>
}

export function emptyTallies(): ClientTallies {
  return { ok: 0, notApplied: 0, unknown: 0, codes: new Map(), examples: new Map() }
}

/** The request that performs `operation` on map `map`. */
export function requestOf(map: string, operation: NodeMapOperation): NodeRequest {
  switch (operation.kind) {
    case 'set':
      return { kind: 'map.set', map, key: operation.key, value: operation.value, consistency: 'strong' }
    case 'delete':
      return { kind: 'map.delete', map, key: operation.key, consistency: 'strong' }
    case 'compare-and-set':
      return {
        kind: 'map.compareAndSet',
        map,
        key: operation.key,
        expected: operation.expected === undefined ? null : operation.expected,
        next: operation.next,
      }
    case 'insert-if-absent':
      return { kind: 'map.insertIfAbsent', map, key: operation.key, value: operation.value }
    case 'increment':
      return {
        kind: 'map.increment',
        map,
        key: operation.key,
        by: operation.by,
        ...(operation.min === undefined ? {} : { min: operation.min }),
        ...(operation.max === undefined ? {} : { max: operation.max }),
      }
    case 'get':
      return { kind: 'map.get', map, key: operation.key, consistency: 'linearizable' }
  }
}

/** Reads a node's answer as the history's result. */
function resultOf(operation: NodeMapOperation, value: unknown): NodeMapResult {
  if (operation.kind === 'get')
    return { kind: 'get', value: (value as { value: NodeMapValue | undefined }).value }
  const write = value as { applied?: unknown; reason?: unknown }
  if (write.applied === true) return { kind: 'write', applied: true }
  if (write.applied === false && typeof write.reason === 'string')
    return {
      kind: 'write',
      applied: false,
      reason: write.reason as NonNullable<Extract<NodeMapResult, { kind: 'write' }>['reason']>,
    }
  throw new Error(
    `unexpected write result ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`,
  )
}

/**
 * Performs one operation on `node` and records it. Returns what the client saw; a node that is
 * down at the call records nothing (the request never left).
 */
export async function recordOperation(
  history: NodeMapHistory,
  tallies: ClientTallies,
  client: string,
  node: NodeProcess,
  map: string,
  operation: NodeMapOperation,
): Promise<{ readonly outcome: ClientOutcome; readonly result: NodeMapResult | null }> {
  const id = history.call(client, operation, performance.now())
  try {
    const value = await node.request(requestOf(map, operation))
    const result = resultOf(operation, value)
    history.complete(id, result, performance.now())
    tallies.ok++
    return { outcome: 'ok', result }
  } catch (error) {
    const code = error instanceof NodeRequestError ? error.code : 'E2E_THROWN'
    tallies.codes.set(code, (tallies.codes.get(code) ?? 0) + 1)
    if (!tallies.examples.has(code)) tallies.examples.set(code, String((error as Error).message))
    const certain =
      error instanceof NodeRequestError &&
      operation.kind !== 'get' &&
      (definitelyNotApplied.has(error.code) ||
        (error.code.endsWith('_NO_QUORUM') && error.outcome === 'not-applied'))
    if (certain) {
      history.complete(id, { kind: 'write', applied: false }, performance.now())
      tallies.notApplied++
      return { outcome: 'not-applied', result: { kind: 'write', applied: false } }
    }
    tallies.unknown++
    return { outcome: 'unknown', result: null }
  }
}

/** A small seeded generator (xorshift32) for workloads: the same seed gives the same choices. */
export class Xorshift {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9
  }

  /** A uniform integer in [0, bound). */
  below(bound: number): number {
    let x = this.#state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.#state = x >>> 0
    return this.#state % bound
  }
}
