/**
 * A wiped data directory joined again (issue 12, "No reuse"; design.md, "Identities: Start"), with
 * real processes: a three-process cluster takes strong and eventual writes through every node; one
 * voter is SIGKILLed and its directory wiped except `node.key`. Started again with neither `init`
 * nor `join` it refuses to start (a wiped voter never founds a second cluster). Its new identity has
 * the same peer id and writer key but a new storeId, so a new member id; it is added with
 * `addLearner`, joins, is promoted, and the old member id is removed. Meanwhile the leader never
 * sees the old member id acknowledge anything past what it had before the kill (nothing answers Raft
 * under the old id: no vote, no append). Afterwards the cluster takes writes of both kinds through
 * every node, every write id acknowledged before and after the wipe is distinct (the new start's
 * stream and strong session are new), and the three nodes converge to the same state — the rejoined
 * node including every write from before its wipe.
 *
 * Run: pnpm exec vitest run packages/node/test/node-durability-wipe.test.ts (needs the built
 * package: `pnpm exec tsc -b packages/node`).
 */
import { readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { nodeIdentity } from '../src/index.js'
import { DurabilityChild } from './durability-harness.js'

const MAP = 'wiped'
const timing = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 2 },
  antiEntropyIntervalMs: 100,
  readyTimeoutMs: 30_000,
}
const directories: string[] = []
const children: DurabilityChild[] = []

afterAll(async () => {
  for (const child of children) await child.kill()
  for (const directory of directories) await rm(directory, { recursive: true, force: true })
})

interface Digest {
  readonly count: number
  readonly sha256: string
  readonly appliedIndex: number
}
interface MemberStatus {
  readonly id: string
  readonly voter: boolean
  readonly match: number | null
}
interface Status {
  readonly leading: boolean
  readonly members: readonly MemberStatus[]
}
interface Fill {
  readonly writeIds: string[]
  readonly lastIndex: number
  readonly failures: string[]
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
) {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function start(dataDir: string, label: string, extra: object): DurabilityChild {
  const child = new DurabilityChild({ dataDir, ...timing, ...extra }, label)
  children.push(child)
  return child
}

/** Strong and eventual writes through `node`; their write ids. */
async function writeBoth(
  node: DurabilityChild,
  prefix: string,
): Promise<{ ids: string[]; lastIndex: number }> {
  const fill = { op: 'fill', map: MAP, count: 20, valueBytes: 32, concurrency: 4 } as const
  const strong = await node.call<Fill>({ ...fill, prefix: `${prefix}-strong`, consistency: 'strong' })
  const eventual = await node.call<Fill>({ ...fill, prefix: `${prefix}-eventual`, consistency: 'eventual' })
  return { ids: [...strong.writeIds, ...eventual.writeIds], lastIndex: strong.lastIndex }
}

describe('a wiped data directory joins again under a new member id', () => {
  it('never votes under its old member id, and reuses no write id', async () => {
    const base = await mkdtemp(join(tmpdir(), 'tandem-durability-wipe-'))
    directories.push(base)
    const n0 = start(join(base, 'n0'), 'n0', { init: true })
    await n0.ready
    const nodes: DurabilityChild[] = [n0]
    for (const name of ['n1', 'n2']) {
      const dataDir = join(base, name)
      const { memberId } = await nodeIdentity(dataDir)
      const joinOptions = await n0.call<object>({ op: 'addLearner', memberId, addresses: [] })
      const child = start(dataDir, name, { join: joinOptions })
      await child.ready
      await n0.call({ op: 'promote', memberId })
      nodes.push(child)
    }
    const [, n1, n2] = nodes as [DurabilityChild, DurabilityChild, DurabilityChild]
    const oldIdentity = await n2.ready

    const writeIds: string[] = []
    for (const [i, node] of nodes.entries()) writeIds.push(...(await writeBoth(node, `before-${i}`)).ids)
    // Everything folded before the kill (a linearizable read on n2 sees its own eventual writes).
    await waitFor(
      'the eventual writes folded',
      async () => {
        const { values } = await n2.ask({
          type: 'linearizable',
          map: MAP,
          keys: ['before-2-eventual-19'],
          timeoutMs: 1_000,
        })
        return values[0] !== null ? true : undefined
      },
      30_000,
    )

    /** The highest match index any leader reported for the old member id. */
    let oldMatch = 0
    const sampleOldMatch = async (live: readonly DurabilityChild[]) => {
      for (const node of live) {
        const { status } = await node.ask({ type: 'status' })
        const typed = status as Status | null
        if (typed?.leading !== true) continue
        const old = typed.members.find((member) => member.id === oldIdentity.memberId)
        if (old?.match !== null && old?.match !== undefined) oldMatch = Math.max(oldMatch, old.match)
      }
    }
    await n2.kill()
    // Sampled once the process is dead and its last acknowledgements (in flight at the kill) have
    // arrived: from here on only an answer under the old id by someone else could raise it.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await sampleOldMatch([n0, n1])
    const matchAtKill = oldMatch

    // Wipe: everything but the node key.
    const n2Dir = join(base, 'n2')
    for (const entry of readdirSync(n2Dir))
      if (entry !== 'node.key') await rm(join(n2Dir, entry), { recursive: true, force: true })
    expect(readdirSync(n2Dir)).toEqual(['node.key'])

    // Neither init nor join: a wiped directory must not start (no second cluster, no old id).
    const refused = start(n2Dir, 'n2 (no init, no join)', {})
    await expect(refused.ready).rejects.toThrow(/NodeStartError|belongs to no cluster/)
    await refused.kill()

    const fresh = await nodeIdentity(n2Dir)
    expect(fresh.memberId).not.toBe(oldIdentity.memberId)
    expect(fresh.peerId).toBe(oldIdentity.memberId.split('/')[0])
    expect(fresh.key).toBe(oldIdentity.key)

    const joinOptions = await n0.call<object>({ op: 'addLearner', memberId: fresh.memberId, addresses: [] })
    const rejoined = start(n2Dir, 'n2 (rejoined)', { join: joinOptions })
    const rejoinedIdentity = await rejoined.ready
    expect(rejoinedIdentity.memberId).toBe(fresh.memberId)
    await sampleOldMatch([n0, n1])
    await n0.call({ op: 'promote', memberId: fresh.memberId })
    await sampleOldMatch([n0, n1])
    await n0.call({ op: 'remove', memberId: oldIdentity.memberId })
    await sampleOldMatch([n0, n1])
    expect(oldMatch, 'the old member id acknowledged entries after its directory was wiped').toBe(matchAtKill)
    const live = [n0, n1, rejoined]
    const { status } = await n0.ask({ type: 'status' })
    const members = (status as Status).members
    expect(members.map((member) => member.id)).not.toContain(oldIdentity.memberId)
    expect(members.find((member) => member.id === fresh.memberId)?.voter).toBe(true)

    let lastIndex = 0
    for (const [i, node] of live.entries()) {
      const written = await writeBoth(node, `after-${i}`)
      writeIds.push(...written.ids)
      lastIndex = Math.max(lastIndex, written.lastIndex)
    }
    const repeated = writeIds.filter((id, i) => writeIds.indexOf(id) !== i)
    expect(repeated).toEqual([])
    expect(writeIds).toHaveLength(6 * 2 * 20)

    const digests = await waitFor(
      'the same state on all three nodes',
      async () => {
        const all = await Promise.all(live.map((node) => node.call<Digest>({ op: 'digest', map: MAP })))
        const first = all[0] as Digest
        return all.every((digest) => digest.appliedIndex >= lastIndex && digest.sha256 === first.sha256)
          ? all
          : undefined
      },
      60_000,
    ).catch(async (error: unknown) => {
      const all = await Promise.all(live.map((node) => node.call<Digest>({ op: 'digest', map: MAP })))
      throw new Error(`${String(error)}: ${JSON.stringify(all)}`)
    })
    // Every write from before the wipe and after it, on every node (the rejoined one included).
    expect(digests[0]?.count).toBe(6 * 2 * 20)
    console.log(
      `node-durability-wipe: old ${oldIdentity.memberId} (match ${matchAtKill} at the kill, never after), ` +
        `rejoined as ${fresh.memberId}; ${writeIds.length} distinct write ids; applied ${digests.map((d) => d.appliedIndex).join(', ')}`,
    )
    for (const node of live) await node.stop()
  }, 240_000)
})
