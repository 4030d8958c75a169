import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  checkNodeMapLinearizability,
  NodeMapHistory,
  type NodeMapOperation,
} from '../packages/sim/dist/index.js'
import { type E2eCluster, type E2eTransport, retrying, startE2eCluster } from './helpers/e2e-cluster.ts'
import { createNetnsCluster, type NetnsCluster, netnsUnavailableReason } from './helpers/netns.ts'
import { NodeRequestError, waitFor } from './helpers/node-process.ts'
import { emptyTallies, recordOperation } from './helpers/strong-clients.ts'

// Issue 12, "End-to-end tests": a real partition between processes. Each node runs in its own
// network namespace, the three joined by veth pairs; the leader is cut off from the other two by
// taking its links down. Eventual writes succeed on both sides; a strong write on the minority
// side rejects with NoQuorumError within the bound; the majority elects a leader and takes strong
// writes; after the links come back every node converges. Needs root (skipped with the reason).
const unavailable = netnsUnavailableReason()
if (unavailable !== null) console.warn(`partition tests skipped: ${unavailable}`)

const noQuorumTimeoutMs = 2_000
/**
 * Timer and event-loop lateness allowed on top of the bound, as the node's own process measures
 * the write (from receiving the request to rejecting it) on a loaded 2-core machine.
 */
const boundSlackMs = 1_000
const nodeOptions = { raft: { tickMs: 50, electionTicks: 10, heartbeatTicks: 2 }, noQuorumTimeoutMs }

let cluster: E2eCluster | null = null
let netns: NetnsCluster | null = null
let baseDir: string | null = null
afterEach(async () => {
  await cluster?.kill()
  cluster = null
  await netns?.destroy()
  netns = null
  if (baseDir !== null) rmSync(baseDir, { recursive: true, force: true })
  baseDir = null
})

describe.skipIf(unavailable !== null).each(['tcp', 'quic'] as const satisfies readonly E2eTransport[])(
  'a network partition over %s',
  (transport) => {
    it('keeps eventual writes on both sides, fails strong writes fast on the minority, converges after heal', async () => {
      baseDir = mkdtempSync(join(tmpdir(), `tandem-e2e-partition-${transport}-`))
      netns = await createNetnsCluster({ size: 3 })
      cluster = await startE2eCluster({ size: 3, baseDir, transport, netns, node: nodeOptions })
      const c = cluster
      const hosts = netns
      for (const i of [0, 1, 2]) {
        await retrying(`open on n${i}`, () =>
          c.node(i).request({ kind: 'map.open', map: 'stock', writes: 'strong' }),
        )
        await retrying(`open on n${i}`, () =>
          c.node(i).request({ kind: 'map.open', map: 'feed', writes: 'eventual' }),
        )
      }
      // Every strong operation on stock.item is recorded and the history checked linearizable at the
      // end: the minority's write may have an unknown outcome and apply late, after the heal.
      const history = new NodeMapHistory()
      const tallies = emptyTallies()
      const strong = async (client: string, i: number, operation: NodeMapOperation) => {
        for (;;) {
          const attempt = await recordOperation(history, tallies, client, c.node(i), 'stock', operation)
          if (attempt.outcome === 'ok') return attempt.result
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      await strong('setup', 0, { kind: 'set', key: 'item', value: 10 })

      const minority = await c.leader()
      const majority = [0, 1, 2].filter((i) => i !== minority)
      await hosts.partition([[minority], majority])

      // The minority: eventual writes are acknowledged; a strong write fails fast.
      for (let k = 0; k < 5; k++)
        await c
          .node(minority)
          .request({ kind: 'map.set', map: 'feed', key: `minority${k}`, value: k, consistency: 'eventual' })
      const minorityOperation: NodeMapOperation = { kind: 'increment', key: 'item', by: -1, min: 0 }
      const startedMs = performance.now()
      const minorityId = history.call('minority', minorityOperation, startedMs)
      const refused = await c
        .node(minority)
        .request({ kind: 'map.increment', map: 'stock', key: 'item', by: -1, min: 0 })
        .catch((error: unknown) => error)
      const elapsedMs = performance.now() - startedMs
      if (refused instanceof NodeRequestError && refused.outcome === 'not-applied')
        history.complete(minorityId, { kind: 'write', applied: false }, performance.now())
      expect(refused).toBeInstanceOf(NodeRequestError)
      expect((refused as NodeRequestError).code).toBe('NODE_NO_QUORUM')
      expect(['not-applied', 'unknown']).toContain((refused as NodeRequestError).outcome)
      const nodeElapsedMs = (refused as NodeRequestError).elapsedMs ?? elapsedMs
      expect(nodeElapsedMs).toBeLessThanOrEqual(noQuorumTimeoutMs + boundSlackMs)
      console.log(
        `[${transport}] NoQuorum on the minority after ${nodeElapsedMs.toFixed(0)} ms in the node, ${elapsedMs.toFixed(0)} ms seen by the test (bound ${noQuorumTimeoutMs} ms)`,
      )

      // The majority elects a leader of its own and takes strong and eventual writes.
      await c.leader(20_000, majority)
      const writer = majority[0] as number
      await strong('majority', writer, { kind: 'increment', key: 'item', by: -2, min: 0 })
      for (let k = 0; k < 5; k++)
        await c
          .node(majority[k % 2] as number)
          .request({ kind: 'map.set', map: 'feed', key: `majority${k}`, value: k, consistency: 'eventual' })

      await hosts.healAll()
      const expected = Object.fromEntries([
        ...Array.from({ length: 5 }, (_, k) => [`minority${k}`, k]),
        ...Array.from({ length: 5 }, (_, k) => [`majority${k}`, k]),
      ])
      for (const i of [0, 1, 2]) {
        await waitFor(
          `n${i}'s feed to hold every write`,
          async () => {
            const entries = await c
              .node(i)
              .request<Record<string, unknown>>({ kind: 'map.entries', map: 'feed' })
            return JSON.stringify(sorted(entries)) === JSON.stringify(sorted(expected)) ? true : null
          },
          25_000,
          200,
        )
      }
      // Strong state agrees everywhere once the minority's write, if it was of unknown outcome,
      // settled: linearizable reads through every node, recorded, until they agree.
      const values = await waitFor(
        'linearizable reads that agree on every node',
        async () => {
          const seen: unknown[] = []
          for (const i of [0, 1, 2]) {
            const result = await strong(`final.n${i}`, i, { kind: 'get', key: 'item' })
            seen.push(result?.kind === 'get' ? result.value : null)
          }
          return new Set(seen).size === 1 ? seen : null
        },
        20_000,
        200,
      )
      const verdict = checkNodeMapLinearizability(history.entries, { stepsMaxPerKey: 1_000_000 })
      expect(verdict.kind, verdict.kind === 'violation' ? verdict.explanation : '').toBe('linearizable')
      // 10 - 2, and 1 less only if the minority's write had an unknown outcome and committed after all.
      // (Skipped when a majority write itself had an unknown outcome: the checker covers that case.)
      const allowed = (refused as NodeRequestError).outcome === 'not-applied' ? [8] : [7, 8]
      if (tallies.unknown === 0) expect(allowed).toContain(values[0])
      console.log(
        `[${transport}] after heal every node reads ${String(values[0])}; the minority's write was ${(refused as NodeRequestError).outcome}`,
      )
    }, 60_000)
  },
)

function sorted(record: Record<string, unknown>): [string, unknown][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}
