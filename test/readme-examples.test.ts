import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { firstFencedBlock } from './markdown.ts'

// Every package README opens with an example (shared/style.md). This runs the first ```ts block of
// each one, as written, in its own Node process, so that no README example can drift from the code.
// The example is written inside its package (in the git-ignored .tmp/), so `@tandem/*` imports
// resolve as they would in an app: the package by its own name, the others through its
// node_modules, all through their built dist/ (`pnpm test` runs `tsc -b` first). Node strips the
// types itself. The child runs in an empty temporary directory, so files an example creates
// (`./data/wal`) land there and are removed.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// Listed by hand so that a new package is a decision: the test below fails until it is added here,
// and a listed package without a README, or whose README has no ```ts block, fails its case.
const packages = ['base', 'crdt', 'envelope', 'node', 'raft', 'sim', 'transport', 'wal'] as const

const childTimeoutMs = 90_000

/** The newest modification time of any file under a folder, in milliseconds. */
function newestMtimeMs(folder: string): number {
  let newest = 0
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/** Says why a package's dist/ cannot be trusted to be its src/, or null when it is built and current. */
function staleBuildReason(name: string): string | null {
  const folder = join(root, 'packages', name)
  const buildInfo = join(folder, 'dist', '.tsbuildinfo')
  if (!existsSync(buildInfo)) return `packages/${name} is not built: run \`pnpm exec tsc -b\``
  if (statSync(buildInfo).mtimeMs < newestMtimeMs(join(folder, 'src'))) {
    return `packages/${name}/src changed after its last build: run \`pnpm exec tsc -b\``
  }
  return null
}

/** The workspace packages an example imports (`@tandem/raft`, `@tandem/base/system` → raft, base). */
function importedPackages(source: string): string[] {
  return [
    ...new Set([...source.matchAll(/['"]@tandem\/([a-z-]+)(?:\/[^'"]*)?['"]/g)].map((m) => m[1] as string)),
  ]
}

interface ChildResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
}

function run(script: string, cwd: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk)
    })
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk)
    })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, childTimeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, timedOut })
    })
  })
}

describe('the first ```ts block of every package README runs', () => {
  it('lists every package under packages/', () => {
    const present = readdirSync(join(root, 'packages')).filter((name) =>
      existsSync(join(root, 'packages', name, 'package.json')),
    )
    expect([...present].sort()).toEqual([...packages].sort())
  })

  it('runs on a Node that strips TypeScript types', () => {
    // process.execPath is the Node pinned in the root package.json when run through pnpm.
    expect(process.features.typescript, `Node ${process.version} cannot run .ts files`).toBeTruthy()
  })

  for (const name of packages) {
    it(`packages/${name}/README.md`, { timeout: childTimeoutMs + 30_000 }, async () => {
      const readmePath = join(root, 'packages', name, 'README.md')
      expect(existsSync(readmePath), `packages/${name} has no README.md`).toBe(true)
      const example = firstFencedBlock(readFileSync(readmePath, 'utf8'), 'ts')
      expect(example, `packages/${name}/README.md has no \`\`\`ts block`).not.toBeNull()
      const source = example ?? ''
      for (const used of new Set([name, ...importedPackages(source)])) {
        const reason = staleBuildReason(used)
        expect(reason, reason ?? '').toBeNull()
      }

      const scratch = join(root, 'packages', name, '.tmp')
      await mkdir(scratch, { recursive: true })
      const script = join(scratch, `readme-example-${process.pid}.mts`)
      const cwd = await mkdtemp(join(tmpdir(), `tandem-readme-${name}-`))
      await writeFile(script, source)
      try {
        const result = await run(script, cwd)
        const outcome = result.timedOut
          ? `did not finish within ${childTimeoutMs} ms`
          : `exited with code ${result.code}${result.signal ? ` (signal ${result.signal})` : ''}`
        expect(
          result.code,
          `packages/${name}/README.md's first example ${outcome}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`,
        ).toBe(0)
      } finally {
        await rm(script, { force: true })
        await rm(cwd, { recursive: true, force: true })
      }
    })
  }
})
