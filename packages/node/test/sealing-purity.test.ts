import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const folder = fileURLToPath(new URL('../src/sealing', import.meta.url))
/** The one Node-only file of the sealing: it holds the native provider's default. */
const nodeOnly = 'node-sealing.ts'

/** What a pure file may not import: Node built-ins and the envelope's native entry. */
function impurities(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  )
  return specifiers.filter(
    (s) => s.startsWith('node:') || s === '@tandem/envelope/node' || s === 'sodium-native',
  )
}

describe('sealing purity', () => {
  it('every file of src/sealing but the Node factory is pure (a browser build can take it)', () => {
    const files = readdirSync(folder).filter((name) => name.endsWith('.ts'))
    expect(files).toContain(nodeOnly)
    for (const name of files.filter((file) => file !== nodeOnly)) {
      const source = readFileSync(join(folder, name), 'utf8')
      expect(impurities(source), name).toEqual([])
      expect(source, name).not.toMatch(/Date\.now|Math\.random|setTimeout|setInterval/)
    }
    // The check can fail: the Node factory itself imports the native entry.
    expect(impurities(readFileSync(join(folder, nodeOnly), 'utf8'))).toEqual(['@tandem/envelope/node'])
  })
})
