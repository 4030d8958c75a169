import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fencedBlocks } from './markdown.ts'

// docs/consistency.md promises that every example in it runs as written. Each ```ts block runs in
// its own Node process, from packages/node/.tmp (so `@tandem/node` resolves to the built package
// as it would in an app) with an empty temporary directory as its working directory; the examples
// check themselves with node:assert, so a block that stops matching the code exits non-zero.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const page = join(root, 'docs', 'consistency.md')
const childTimeoutMs = 60_000

function runScript(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += String(chunk)
    })
    child.stderr.on('data', (chunk) => {
      output += String(chunk)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), childTimeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

const blocks = fencedBlocks(readFileSync(page, 'utf8'), 'ts')

describe('docs/consistency.md: every example runs', () => {
  it('has examples, and @tandem/node is built', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6)
    const buildInfo = join(root, 'packages', 'node', 'dist', '.tsbuildinfo')
    expect(existsSync(buildInfo), 'run `pnpm exec tsc -b` first').toBe(true)
    expect(statSync(buildInfo).size).toBeGreaterThan(0)
  })

  for (const [index, source] of blocks.entries()) {
    const title = source.split('\n').find((line) => line.includes('createNode(')) ?? `block ${index + 1}`
    it(`example ${index + 1}: ${title.trim().slice(0, 80)}`, {
      timeout: childTimeoutMs + 10_000,
    }, async () => {
      const scratch = join(root, 'packages', 'node', '.tmp')
      await mkdir(scratch, { recursive: true })
      const script = join(scratch, `consistency-example-${process.pid}-${index}.mts`)
      const cwd = await mkdtemp(join(tmpdir(), 'tandem-consistency-'))
      await writeFile(script, source)
      try {
        const result = await runScript(script, cwd)
        expect(result.code, `example ${index + 1} of docs/consistency.md failed:\n${result.output}`).toBe(0)
      } finally {
        await rm(script, { force: true })
        await rm(cwd, { recursive: true, force: true })
      }
    })
  }
})
