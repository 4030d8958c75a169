import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { retrying } from './helpers/e2e-cluster.ts'
import { NodeProcess } from './helpers/node-process.ts'
import { Xorshift } from './helpers/strong-clients.ts'

// Issue 12, "What must hold — Durability": an acknowledged eventual write survives SIGKILL of its
// node. One node process takes eventual writes from several concurrent writers and is killed with
// SIGKILL at a seeded random moment, again and again; after every restart each write it ever
// acknowledged must be in its local view (C folded or pending from its delta stream). The kills
// are split into tests of at most 5 so each stays well under a minute (a restart loads the node's
// modules and elects: about 1.5-3 s here). `pnpm test` runs 10; the issue's ≥ 100 is a longer run:
// E2E_KILLS=100 pnpm exec vitest run test/node-e2e-sigkill.test.ts
const killsTotal = Number(process.env.E2E_KILLS ?? 10)
const killsPerTestMax = 5
const testsCount = Math.ceil(killsTotal / killsPerTestMax)
const seed = Number(process.env.E2E_SEED ?? 1207)
const writers = 4

const baseDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-sigkill-'))
const nodes: NodeProcess[] = []
afterAll(async () => {
  for (const node of nodes) await node.kill()
  rmSync(baseDir, { recursive: true, force: true })
})

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

describe('eventual writes under repeated SIGKILL', () => {
  for (let part = 0; part < testsCount; part++) {
    const kills = Math.floor(killsTotal / testsCount) + (part < killsTotal % testsCount ? 1 : 0)
    it(`lose nothing acknowledged across ${kills} kills (part ${part + 1} of ${testsCount})`, async () => {
      const random = new Xorshift(seed + part)
      const node = new NodeProcess({ name: `k${part}`, dataDir: join(baseDir, `k${part}`) })
      nodes.push(node)
      await node.start({
        init: true,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 2 },
      })
      const acknowledged = new Set<string>()
      let attempted = 0
      for (let kill = 0; kill < kills; kill++) {
        if (kill > 0) await node.restart()
        await retrying('open', () => node.request({ kind: 'map.open', map: 'log', writes: 'eventual' }))
        // Every write acknowledged before this start is in the local view.
        const entries = await node.request<Record<string, unknown>>({ kind: 'map.entries', map: 'log' })
        const missing = [...acknowledged].filter((key) => !(key in entries))
        expect(missing, `seed ${seed + part}: lost after kill ${kill}`).toEqual([])

        let stop = false
        const writer = async (w: number): Promise<void> => {
          for (let n = 0; !stop; n++) {
            const key = `k${kill}.w${w}.${n}`
            attempted++
            try {
              await node.request({ kind: 'map.set', map: 'log', key, value: n, consistency: 'eventual' })
              acknowledged.add(key)
            } catch {
              // Killed with the write outstanding: unknown, not counted as acknowledged.
              return
            }
          }
        }
        const writing = Array.from({ length: writers }, (_, w) => writer(w))
        await sleep(30 + random.below(150))
        await node.kill()
        stop = true
        await Promise.all(writing)
      }
      await node.restart()
      const entries = await node.request<Record<string, unknown>>({ kind: 'map.entries', map: 'log' })
      expect([...acknowledged].filter((key) => !(key in entries))).toEqual([])
      console.log(
        `part ${part + 1}: ${kills} SIGKILLs, ${acknowledged.size} of ${attempted} eventual writes acknowledged, none lost`,
      )
      expect(acknowledged.size).toBeGreaterThan(kills)
      await node.stop()
    }, 60_000)
  }
})
