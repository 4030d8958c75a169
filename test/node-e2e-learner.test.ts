import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type E2eCluster, retrying, startE2eCluster } from './helpers/e2e-cluster.ts'
import { NodeProcess, waitFor } from './helpers/node-process.ts'

// Issue 12, "End-to-end tests": a learner added with addLearner to a cluster holding a lot of
// state catches up by snapshot while writes continue, and is promoted. The cluster snapshots past
// 1 MiB of log, so by the time the learner joins, the log it would need is compacted away: it can
// only catch up from a snapshot (and the test checks it stored one). `pnpm test` uses 2 MiB of
// state; the issue's ≥ 100 MiB is a longer run:
// E2E_STATE_MIB=100 pnpm exec vitest run test/node-e2e-learner.test.ts
const stateMiB = Number(process.env.E2E_STATE_MIB ?? 2)
/** A minute for `pnpm test`'s size; a longer run gets ten seconds a MiB. */
const timeoutMs = Math.max(60_000, stateMiB * 10_000)
const valueBytes = 8 * 1024
const writersCount = 12
const nodeOptions = {
  raft: { tickMs: 50, electionTicks: 10, heartbeatTicks: 2 },
  snapshotPolicy: { logBytesMin: 1024 * 1024 },
}
const nodeEntry = new URL('../packages/node/dist/index.js', import.meta.url).href

let cluster: E2eCluster | null = null
let learner: NodeProcess | null = null
let baseDir: string | null = null
afterEach(async () => {
  await cluster?.kill()
  await learner?.kill()
  cluster = null
  learner = null
  if (baseDir !== null) rmSync(baseDir, { recursive: true, force: true })
  baseDir = null
})

interface Read {
  readonly value: unknown
}

interface Status {
  readonly commitIndex: number
  readonly appliedIndex: number
  readonly members: readonly { readonly id: string; readonly voter: boolean }[]
}

function blob(i: number): string {
  return `${i}:`.padEnd(valueBytes, String.fromCharCode(97 + (i % 26)))
}

describe('a learner joining a cluster with state', () => {
  it(
    `catches up by snapshot from ${stateMiB} MiB while writes go on, and is promoted`,
    async () => {
      baseDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-learner-'))
      cluster = await startE2eCluster({ size: 3, baseDir, transport: 'tcp', node: nodeOptions })
      const c = cluster
      for (const i of [0, 1, 2])
        await retrying(`open on n${i}`, () =>
          c.node(i).request({ kind: 'map.open', map: 'blobs', writes: 'strong' }),
        )

      const blobs = Math.ceil((stateMiB * 1024 * 1024) / valueBytes)
      let next = 0
      const fillStartedMs = performance.now()
      await Promise.all(
        Array.from({ length: writersCount }, async (_, w) => {
          for (let i = next++; i < blobs; i = next++)
            await retrying(`blob ${i}`, () =>
              c.node(w % 3).request({
                kind: 'map.set',
                map: 'blobs',
                key: `b${i}`,
                value: blob(i),
                consistency: 'strong',
              }),
            )
        }),
      )
      const fillMs = performance.now() - fillStartedMs
      if (process.env.E2E_VERBOSE) console.log(`filled in ${fillMs.toFixed(0)} ms`)

      // The learner joins while writes go on.
      const { nodeIdentity } = (await import(nodeEntry)) as typeof import('../packages/node/dist/index.js')
      const learnerDir = join(baseDir, 'learner')
      const { memberId } = await nodeIdentity(learnerDir)
      let writing = true
      let liveAcknowledged = -1
      const live = (async () => {
        for (let k = 0; writing; k++) {
          await retrying(`live ${k}`, () =>
            c
              .node(k % 3)
              .request({ kind: 'map.set', map: 'live', key: 'last', value: k, consistency: 'strong' }),
          )
          liveAcknowledged = k
        }
      })()
      const join_ = await retrying('addLearner', () =>
        c.node(0).request<{ clusterId: string; addresses: string[] }>({
          kind: 'addLearner',
          memberId,
          addresses: [],
          keyed: true,
        }),
      )
      const catchUpStartedMs = performance.now()
      learner = new NodeProcess({ name: 'learner', dataDir: learnerDir })
      const newcomer = learner
      await newcomer.start({ ...nodeOptions, join: join_, listen: ['/ip4/127.0.0.1/tcp/0'] })
      await waitFor(
        'the learner to catch up',
        async () => {
          const [leaderView, learnerView] = await Promise.all([
            c.status(0),
            newcomer.request<Status>({ kind: 'status' }),
          ])
          if (process.env.E2E_VERBOSE)
            console.log(
              `learner applied ${learnerView.appliedIndex}, leader commit ${leaderView.commitIndex}`,
            )
          return learnerView.appliedIndex >= leaderView.commitIndex - 5 ? true : null
        },
        timeoutMs - 15_000,
        200,
      )
      const catchUpMs = performance.now() - catchUpStartedMs
      if (process.env.E2E_VERBOSE) console.log(`caught up in ${catchUpMs.toFixed(0)} ms`)
      await waitFor(
        'the learner promoted',
        async () => {
          await c.node(0).request({ kind: 'promote', memberId })
          const status = await c.status(0)
          return status.members.find((m) => m.id === memberId)?.voter === true ? true : null
        },
        20_000,
        200,
      )
      writing = false
      await live

      // It installed a snapshot (the log it lacked was compacted), and it holds the state.
      const stored = readdirSync(join(learnerDir, 'raft'))
      expect(
        stored.some((name) => /snap/i.test(name)),
        `learner's raft directory: ${stored.join(', ')}`,
      ).toBe(true)
      for (const i of [0, Math.floor(blobs / 2), blobs - 1]) {
        const read = await newcomer.request<Read>({
          kind: 'map.get',
          map: 'blobs',
          key: `b${i}`,
          consistency: 'linearizable',
        })
        expect(read.value).toBe(blob(i))
      }
      const entries = await newcomer.request<Record<string, unknown>>({ kind: 'map.entries', map: 'blobs' })
      expect(Object.keys(entries).length).toBe(blobs)
      const last = await newcomer.request<Read>({
        kind: 'map.get',
        map: 'live',
        key: 'last',
        consistency: 'linearizable',
      })
      expect(last.value).toBe(liveAcknowledged)
      console.log(
        `${stateMiB} MiB in ${blobs} strong writes of ${valueBytes} B: filled in ${fillMs.toFixed(0)} ms; the learner caught up in ${catchUpMs.toFixed(0)} ms with ${liveAcknowledged + 1} writes going on; raft directory: ${stored.join(', ')}`,
      )
    },
    timeoutMs,
  )
})
