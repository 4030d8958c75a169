import { execFileSync, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createNetnsCluster,
  listNamespaces,
  type NetnsCluster,
  netnsUnavailableReason,
  sweepStaleNamespaces,
} from './helpers/netns.ts'

// The helper's contract, checked on real namespaces: TCP between hosts, a cut stops it at once,
// a heal brings it back, partitions isolate exactly their groups, and nothing outlives destroy()
// or a killed run. Needs root (CI and sessions run as root); skipped with the reason otherwise.
const unavailable = netnsUnavailableReason()
if (unavailable !== null) console.warn(`netns tests skipped: ${unavailable}`)

const port = 7070
const serverScript = `
const net = require('node:net')
net.createServer((socket) => socket.end('pong')).listen(${port}, process.argv[1], () => console.log('listening'))
`
const clientScript = `
const net = require('node:net')
const socket = net.connect({ host: process.argv[1], port: ${port}, timeout: 1000 })
socket.on('data', (data) => { process.stdout.write(String(data)); process.exit(0) })
socket.on('timeout', () => { console.error('timeout'); process.exit(2) })
socket.on('error', (error) => { console.error(error.code); process.exit(3) })
`

describe.skipIf(unavailable !== null)('netns helper', () => {
  const clusters: NetnsCluster[] = []
  afterAll(async () => {
    for (const cluster of clusters) await cluster.destroy()
  })

  async function startServer(cluster: NetnsCluster, host: number): Promise<void> {
    const server = cluster.spawn(host, process.execPath, ['-e', serverScript, cluster.address(host)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const [chunk] = (await once(server.stdout!, 'data')) as [Buffer]
    expect(String(chunk)).toContain('listening')
  }

  async function reaches(cluster: NetnsCluster, from: number, to: number): Promise<boolean> {
    const result = await cluster.exec(from, process.execPath, ['-e', clientScript, cluster.address(to)])
    if (result.code === 0) expect(result.stdout).toBe('pong')
    return result.code === 0
  }

  it('connects two hosts over TCP; a cut stops it, a heal restores it; destroy leaves nothing', async () => {
    const cluster = await createNetnsCluster({ size: 2 })
    clusters.push(cluster)
    expect(listNamespaces()).toEqual(expect.arrayContaining([...cluster.namespaces]))
    await startServer(cluster, 0)
    await startServer(cluster, 1)
    expect(await reaches(cluster, 1, 0)).toBe(true)
    expect(await reaches(cluster, 0, 1)).toBe(true)

    await cluster.cut([0], [1])
    expect(cluster.linkUp(0, 1)).toBe(false)
    expect(await reaches(cluster, 1, 0)).toBe(false)
    expect(await reaches(cluster, 0, 1)).toBe(false)

    await cluster.healAll()
    expect(await reaches(cluster, 1, 0)).toBe(true)
    expect(await reaches(cluster, 0, 1)).toBe(true)

    const names = [...cluster.namespaces]
    await cluster.destroy()
    const left = listNamespaces()
    for (const name of names) expect(left).not.toContain(name)
    // The servers ran inside the namespaces: destroy killed them (no process keeps the port).
    const stray = spawnSync('pgrep', ['-f', `listen\\(${port}`], { encoding: 'utf8' })
    expect(stray.stdout.trim()).toBe('')
    // No veth was ever created in this namespace.
    expect(execFileSync('ip', ['-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' })).not.toMatch(
      /tandem|p\d+@/,
    )
  })

  it('partitions three hosts into {0} | {1, 2} and heals', async () => {
    const cluster = await createNetnsCluster({ size: 3 })
    clusters.push(cluster)
    for (const host of [0, 1, 2]) await startServer(cluster, host)
    await cluster.partition([[0], [1, 2]])
    expect(await reaches(cluster, 1, 2)).toBe(true)
    expect(await reaches(cluster, 2, 1)).toBe(true)
    expect(await reaches(cluster, 0, 1)).toBe(false)
    expect(await reaches(cluster, 2, 0)).toBe(false)
    // A partial heal: 0 reaches 1 again, still not 2.
    await cluster.heal([0], [1])
    expect(await reaches(cluster, 0, 1)).toBe(true)
    expect(await reaches(cluster, 1, 0)).toBe(true)
    expect(await reaches(cluster, 0, 2)).toBe(false)
    await cluster.healAll()
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const)
      expect(await reaches(cluster, a, b)).toBe(true)
    await cluster.destroy()
  })

  it('sweeps namespaces left by a run that was killed', async () => {
    // A pid that certainly ran and exited: a finished child of this test.
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)'])
    const deadPid = dead.pid as number
    const stale = `tandem-e2e-${deadPid}-0-h0`
    execFileSync('ip', ['netns', 'add', stale])
    expect(listNamespaces()).toContain(stale)
    const swept = sweepStaleNamespaces()
    expect(swept).toContain(stale)
    expect(listNamespaces()).not.toContain(stale)
  })

  it('refuses hosts outside the cluster and a host on both sides of a cut', async () => {
    const cluster = await createNetnsCluster({ size: 2 })
    clusters.push(cluster)
    expect(() => cluster.address(2)).toThrow(RangeError)
    await expect(cluster.cut([0], [0])).rejects.toThrow(RangeError)
    await expect(cluster.partition([[0], [0, 1]])).rejects.toThrow(RangeError)
    await cluster.destroy()
    await cluster.destroy()
  })
})
