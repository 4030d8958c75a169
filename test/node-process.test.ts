import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createNetnsCluster, netnsUnavailableReason } from './helpers/netns.ts'
import { NodeProcess, NodeRequestError } from './helpers/node-process.ts'

// The harness's plumbing on a child that only echoes: start, request and coded errors, a SIGKILL
// with a request outstanding, a restart on the same data directory and addresses, a graceful stop.
const echoChild = fileURLToPath(new URL('./fixtures/echo-child.ts', import.meta.url))
const baseDir = mkdtempSync(join(tmpdir(), 'tandem-node-process-'))
afterAll(() => rmSync(baseDir, { recursive: true, force: true }))

describe('NodeProcess harness', () => {
  it('starts, answers, reports coded errors, survives a SIGKILL and restarts on the same directory', async () => {
    const dataDir = join(baseDir, 'a')
    const node = new NodeProcess({ name: 'a', dataDir, script: echoChild })
    const identity = await node.start({ init: true, listen: ['/ip4/127.0.0.1/tcp/4321'] })
    expect(identity.addresses).toEqual(['/ip4/127.0.0.1/tcp/4321/p2p/echo'])
    const firstPid = node.pid
    // Structured clone: the bigint crosses as a bigint.
    expect(await node.request({ kind: 'echo', value: { x: [1, 'two'] } })).toEqual({
      echoed: { x: [1, 'two'] },
      big: 2n ** 40n,
      starts: 1,
    })
    const refused = await node.request({ kind: 'promote', memberId: 'm' }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(NodeRequestError)
    expect((refused as NodeRequestError).code).toBe('E2E_ECHO_UNSUPPORTED')

    const outstanding = node.request({ kind: 'echo', value: 'hang' }).catch((error: unknown) => error)
    await node.kill()
    expect(node.running).toBe(false)
    const lost = await outstanding
    expect((lost as NodeRequestError).code).toBe('E2E_NODE_EXITED')
    await expect(node.request({ kind: 'status' })).rejects.toMatchObject({ code: 'E2E_NODE_DOWN' })
    expect(existsSync(join(dataDir, 'stopped'))).toBe(false)

    await node.restart()
    expect(node.pid).not.toBe(firstPid)
    // Same data directory (its counter went on) and the same listen addresses, without init.
    expect(await node.request({ kind: 'status' })).toMatchObject({ starts: 2 })
    expect(node.identity.addresses).toEqual(['/ip4/127.0.0.1/tcp/4321/p2p/echo'])

    await node.stop()
    expect(node.running).toBe(false)
    expect(readFileSync(join(dataDir, 'stopped'), 'utf8')).toBe('cleanly')
  })

  it('rejects start when the child refuses its configuration', async () => {
    const node = new NodeProcess({ name: 'b', dataDir: join(baseDir, 'b'), script: echoChild })
    await expect(node.start({ init: true, join: { clusterId: '00', addresses: [] } })).rejects.toMatchObject({
      code: 'E2E_ECHO_BAD_START',
    })
    await expect.poll(() => node.running).toBe(false)
  })

  it.skipIf(netnsUnavailableReason() !== null)(
    'talks to a child inside a network namespace over IPC',
    async () => {
      const cluster = await createNetnsCluster({ size: 2 })
      try {
        const node = new NodeProcess({
          name: 'c',
          dataDir: join(baseDir, 'c'),
          script: echoChild,
          netns: { cluster, host: 1 },
        })
        await node.start({ init: true })
        expect(await node.request({ kind: 'echo', value: 'in a namespace' })).toMatchObject({
          echoed: 'in a namespace',
        })
        await node.kill()
        await node.restart()
        expect(await node.request({ kind: 'status' })).toMatchObject({ starts: 2 })
        await node.stop()
      } finally {
        await cluster.destroy()
      }
    },
  )
})
