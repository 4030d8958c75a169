/**
 * Runs the example at the top of the README as a separate Node process, against the built package
 * (it imports `@tandem/transport` by name), so the README's first lines are known to work.
 */
import { spawn } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)))

describe('README', () => {
  it('starts with a runnable example of two nodes exchanging a Raft message', async () => {
    const readme = await readFile(join(packageDir, 'README.md'), 'utf8')
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(example).toBeDefined()
    const codeLines = (example ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('import '))
    expect(codeLines.length).toBeLessThanOrEqual(10)
    const scratch = join(packageDir, '.tmp')
    await mkdir(scratch, { recursive: true })
    const script = join(scratch, `readme-example-${process.pid}.ts`)
    await writeFile(script, example ?? '')
    try {
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [script], {
          cwd: packageDir,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let text = ''
        child.stdout.on('data', (chunk) => {
          text += String(chunk)
        })
        child.stderr.on('data', (chunk) => {
          text += String(chunk)
        })
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
        child.on('exit', (code) => {
          clearTimeout(timer)
          if (code === 0) resolve(text)
          else reject(new Error(`example exited with ${code}: ${text}`))
        })
      })
      expect(output).toContain('B received')
      expect(output).toContain('type: 10')
    } finally {
      await rm(script, { force: true })
    }
  })
})
