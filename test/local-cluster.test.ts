import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The README's main job, run for real: three node processes on 127.0.0.1 (libp2p, Raft over a WAL
// on disk, CRDT sync), the leader killed with SIGKILL and restarted. The demo checks itself and
// exits non-zero on any failed check; this test keeps it from rotting.
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

describe('the local cluster demo', () => {
  it('survives a SIGKILLed leader with every acknowledged write on every node', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'examples/local-cluster/src/demo.ts'), '--writes', '60'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    )
    const output = `${run.stdout}\n${run.stderr}`
    expect(run.status, output).toBe(0)
    expect(output).toContain('All checks passed.')
    expect(output).toMatch(/ok {3}the three state machines are identical/)
    expect(output).toMatch(/ok {3}linearizable reads on the restarted node return every acknowledged write/)
  }, 150_000)
})
