import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it, vi } from 'vitest'

// The README opens with an example of two replicas syncing; this runs it as written (against the
// sources instead of the built package) so that the example cannot rot.
it('runs the README example', async () => {
  const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8')
  const match = /```ts\n([\s\S]*?)```/.exec(readme)
  expect(match, 'README has a ts example').not.toBeNull()
  const source = (match?.[1] ?? '').replace(
    "'@tandem/crdt'",
    JSON.stringify(join(packageRoot, 'src/index.ts')),
  )
  const folder = mkdtempSync(join(tmpdir(), 'tandem-crdt-readme-'))
  const file = join(folder, 'example.ts')
  writeFileSync(file, source)
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  try {
    await import(file)
    expect(log).toHaveBeenCalledWith('write the README')
  } finally {
    log.mockRestore()
    rmSync(folder, { recursive: true, force: true })
  }
})
