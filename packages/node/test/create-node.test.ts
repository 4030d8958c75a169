/**
 * `createNode` on real sockets and real files (127.0.0.1, temporary directories): a single node
 * founded with `init`, restarts from its data directory, the start rules of an empty directory, a
 * three-node cluster built the design's way (init, addLearner + join, promote) with writes of both
 * kinds through every node, and the plaintext scan of every file the nodes wrote.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createNode, NodeStartError, nodeIdentity, type TandemNode } from '../src/index.js'

const fast = {
  raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 2 },
  antiEntropyIntervalMs: 100,
} as const
const listen = ['/ip4/127.0.0.1/tcp/0']
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

async function temporaryDirectory(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'tandem-create-node-'))
  cleanups.push(() => rm(path, { recursive: true, force: true }))
  return path
}

async function started(node: Promise<TandemNode>): Promise<TandemNode> {
  const running = await node
  cleanups.push(() => running.stop())
  return running
}

async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Every file under `directory`, recursively. */
function filesUnder(directory: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isFile() && statSync(path).size > 0) files.push(path)
  }
  return files
}

describe('createNode', () => {
  it('refuses an empty data directory without init or join, and a join into another cluster', async () => {
    const dataDir = await temporaryDirectory()
    await expect(createNode({ dataDir, listen })).rejects.toBeInstanceOf(NodeStartError)
    await expect(
      createNode({ dataDir, listen, init: true, join: { clusterId: 'ab', addresses: [] } }),
    ).rejects.toBeInstanceOf(NodeStartError)
    const node = await createNode({ dataDir, listen, init: true, ...fast })
    const clusterId = node.clusterId
    await node.stop()
    await expect(
      createNode({ dataDir, listen, join: { clusterId: 'ff'.repeat(16), addresses: [] } }),
    ).rejects.toBeInstanceOf(NodeStartError)
    // A restart script may pass init every time: the directory's cluster wins.
    const again = await started(createNode({ dataDir, listen, init: true, ...fast }))
    expect(again.clusterId).toBe(clusterId)
  }, 60_000)

  it('a single node takes strong and eventual writes and recovers both from its data directory', async () => {
    const dataDir = await temporaryDirectory()
    const node = await createNode({ dataDir, listen, init: true, ...fast })
    const accounts = node.map<number>('accounts')
    const strong = await accounts.set('alice', 10, { consistency: 'strong' })
    expect(strong.index).toBeGreaterThan(0)
    const eventual = await accounts.set('bob', 5, { consistency: 'eventual' })
    expect(eventual.writeId).toContain(node.key)
    expect(accounts.get('alice')).toBe(10)
    expect(accounts.get('bob')).toBe(5)
    expect(await accounts.get('alice', { consistency: 'linearizable' })).toBe(10)
    expect(node.outcome(strong.writeId).kind).toBe('applied')
    const memberId = node.memberId
    await node.stop()

    const restarted = await started(createNode({ dataDir, listen, ...fast }))
    expect(restarted.memberId).toBe(memberId)
    const again = restarted.map<number>('accounts')
    await eventually('the recovered writes', () =>
      again.get('alice') === 10 && again.get('bob') === 5 ? true : undefined,
    )
    expect(await again.get('bob', { consistency: 'linearizable' })).toBe(5)
  }, 60_000)

  it('three nodes: init, addLearner + join, promote; writes of both kinds through every node converge, and no file holds a value in plaintext', async () => {
    const base = await temporaryDirectory()
    const first = await started(createNode({ dataDir: join(base, 'n0'), listen, init: true, ...fast }))
    const nodes = [first]
    for (const name of ['n1', 'n2']) {
      const dataDir = join(base, name)
      const { memberId } = await nodeIdentity(dataDir)
      const joinOptions = await first.cluster.addLearner(memberId)
      const node = await started(createNode({ dataDir, listen, join: joinOptions, ...fast }))
      await first.cluster.promote(memberId)
      nodes.push(node)
    }
    const status = first.cluster.status()
    expect(status.members.filter((member) => member.voter)).toHaveLength(3)

    const marker = 'PLAINTEXT-MARKER-9f3c'
    const maps = nodes.map((node) => node.map<string>('notes'))
    for (const [i, map] of maps.entries()) {
      await map.set(`strong-${i}`, `${marker}-strong-${i}`, { consistency: 'strong' })
      await map.set(`eventual-${i}`, `${marker}-eventual-${i}`, { consistency: 'eventual' })
    }
    for (const map of maps) {
      await eventually('every write on every node', () =>
        [0, 1, 2].every(
          (i) =>
            map.get(`strong-${i}`) === `${marker}-strong-${i}` &&
            map.get(`eventual-${i}`) === `${marker}-eventual-${i}`,
        )
          ? true
          : undefined,
      )
    }
    // Folded into C on every node: linearizable reads see the eventual writes too.
    for (const map of maps)
      await eventually('the eventual writes folded', async () =>
        (await map.get('eventual-2', { consistency: 'linearizable' })) === `${marker}-eventual-2`
          ? true
          : undefined,
      )

    const needle = Buffer.from(marker)
    const offenders = filesUnder(base).filter((file) => readFileSync(file).includes(needle))
    expect(offenders).toEqual([])
  }, 90_000)
})
