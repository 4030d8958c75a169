import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The pure-core rule (shared/design.md): crdt, the raft core and envelope import no Node built-in,
// and read no clock, no timer and no ambient randomness. That is what lets the simulator replay a
// whole cluster from one seed. This test keeps the rule true as the code grows.

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

interface PureArea {
  /** Folder (relative to the repo root) whose every .ts file is checked. */
  readonly folder: string
  /** Whether ambient time, timers, randomness and promises are also forbidden (not only node:*). */
  readonly deterministic: boolean
  /** Whether promises and async functions are forbidden too (the synchronous Raft core). */
  readonly synchronous: boolean
  /**
   * Sub-folders or files (relative to `folder`) that are a package's non-pure entry, or the one
   * place that must touch the host, and are skipped.
   */
  readonly except?: readonly string[]
}

const areas: readonly PureArea[] = [
  // The shared vocabulary is pure; its `system` entry (real clock, secure random bytes) is not.
  { folder: 'packages/base/src', deterministic: true, synchronous: false, except: ['system'] },
  // ...though even the system entry imports no Node built-in: it runs in browsers too.
  { folder: 'packages/base/src/system', deterministic: false, synchronous: false },
  { folder: 'packages/crdt/src', deterministic: true, synchronous: false },
  // The hybrid node's composition core: C is applied synchronously and deterministically.
  { folder: 'packages/node/src/core', deterministic: true, synchronous: true },
  // Its composition on a RaftNode awaits, but reads time, timers and randomness only as injected.
  { folder: 'packages/node/src/compose', deterministic: true, synchronous: false },
  // The durable delta streams: written against the WAL's device interface, so the simulator runs them too.
  { folder: 'packages/node/src/streams', deterministic: true, synchronous: false },
  // The collections API: it writes and reads only through the node core (change events in microtasks).
  { folder: 'packages/node/src/api', deterministic: true, synchronous: false },
  // The envelope is pure; its `node` entry (`@tandem/envelope/node`, native crypto) is Node-only.
  { folder: 'packages/envelope/src', deterministic: true, synchronous: false, except: ['node'] },
  // The WAL's format, recovery, log and Raft storage run over an injected block device and clock
  // (wal/pure); only the filesystem device, node's CRC-32 and the Node entry touch Node built-ins.
  {
    folder: 'packages/wal/src',
    deterministic: true,
    synchronous: false,
    except: ['device/file-device.ts', 'checksum/node-crc32.ts', 'index.ts', 'log/microtask-defer.ts'],
  },
  { folder: 'packages/raft/src/core', deterministic: true, synchronous: true },
  // The driver may await and keep timers, but only through injected interfaces: no Node built-in.
  { folder: 'packages/raft/src', deterministic: false, synchronous: false },
  // The simulator replays a whole cluster from one seed, so it reads no clock, timer or ambient
  // randomness either. Skipped: its CLI (argv, stdout, wall time for progress lines) and the
  // scheduler's microtask drain, which waits for a macrotask boundary and decides nothing.
  {
    folder: 'packages/sim/src',
    deterministic: true,
    synchronous: false,
    except: ['cli.ts', 'cli-arguments.ts', 'world/microtasks.ts'],
  },
]

const bareBuiltins = new Set(builtinModules.filter((name) => !name.startsWith('_')))

const ambientPatterns: readonly [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now'],
  [/\bnew\s+Date\s*\(/, 'new Date'],
  [/\bMath\.random\s*\(/, 'Math.random'],
  [/\bsetTimeout\s*\(/, 'setTimeout'],
  [/\bsetInterval\s*\(/, 'setInterval'],
  [/\bsetImmediate\s*\(/, 'setImmediate'],
  [/\bqueueMicrotask\s*\(/, 'queueMicrotask'],
  [/\bperformance\.now\s*\(/, 'performance.now'],
  [/\bprocess\.(hrtime|env|nextTick)\b/, 'process'],
]

const asyncPatterns: readonly [RegExp, string][] = [
  [/\bPromise\b/, 'Promise'],
  [/\basync\s+(function\b|\(|[A-Za-z_$][\w$]*\s*\()/, 'async function'],
  [/\bawait\s/, 'await'],
]

/** Removes comments and string contents so that documentation cannot trip the check. */
function stripCommentsAndStrings(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1')
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``')
}

/** Returns the module specifiers a TypeScript source imports or re-exports, statically or dynamically. */
function importedSpecifiers(source: string): string[] {
  const specifiers: string[] = []
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]*\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) specifiers.push(match[1] as string)
  }
  return specifiers
}

/** Lists every rule a source breaks for an area; empty when the source is pure. */
function violations(source: string, area: Pick<PureArea, 'deterministic' | 'synchronous'>): string[] {
  const found: string[] = []
  const code = stripCommentsAndStrings(source)
  for (const specifier of importedSpecifiers(source)) {
    const bare = specifier.split('/')[0] as string
    if (specifier.startsWith('node:') || bareBuiltins.has(bare)) found.push(`imports ${specifier}`)
  }
  if (area.deterministic) {
    for (const [pattern, name] of ambientPatterns) if (pattern.test(code)) found.push(`uses ${name}`)
  }
  if (area.synchronous) {
    for (const [pattern, name] of asyncPatterns) if (pattern.test(code)) found.push(`uses ${name}`)
  }
  return found
}

function sourceFiles(folder: string, except: readonly string[] = []): string[] {
  const files: string[] = []
  const skipped = new Set(except.map((sub) => join(root, folder, sub)))
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry)
      if (skipped.has(path)) continue
      if (statSync(path).isDirectory()) walk(path)
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path)
    }
  }
  if (existsSync(join(root, folder))) walk(join(root, folder))
  return files
}

describe('the checker itself', () => {
  it('flags each forbidden construct', () => {
    const strict = { deterministic: true, synchronous: true }
    expect(violations(`import { readFileSync } from 'node:fs'`, strict)).toEqual(['imports node:fs'])
    expect(violations(`import * as fs from 'fs'`, strict)).toEqual(['imports fs'])
    expect(violations(`export { x } from 'node:crypto'`, strict)).toEqual(['imports node:crypto'])
    expect(violations(`const m = await import('node:os')`, strict)).toContain('imports node:os')
    expect(violations('const t = Date.now()', strict)).toEqual(['uses Date.now'])
    expect(violations('const r = Math.random()', strict)).toEqual(['uses Math.random'])
    expect(violations('setTimeout(() => {}, 1)', strict)).toEqual(['uses setTimeout'])
    expect(violations('const id = setInterval(f, 5)', strict)).toEqual(['uses setInterval'])
    expect(violations('async function f() {}', strict)).toEqual(['uses async function'])
    expect(violations('const p: Promise<void> = x', strict)).toEqual(['uses Promise'])
  })

  it('ignores comments, strings and relative or package imports', () => {
    const strict = { deterministic: true, synchronous: true }
    const clean = [
      '// Date.now() would break replay, so the clock is injected.',
      '/* setTimeout is the driver job */',
      "import { x } from './log.js'",
      "import { sha256 } from '@noble/hashes/sha2.js'",
      'const url = `node:fs`',
    ].join('\n')
    expect(violations(clean, strict)).toEqual([])
  })
})

describe.each(areas)('pure area $folder', (area) => {
  const files = sourceFiles(area.folder, area.except)

  it('exists and has source files', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  it('skips only paths that exist (a renamed entry must not widen the skip unnoticed)', () => {
    for (const sub of area.except ?? []) expect(existsSync(join(root, area.folder, sub)), sub).toBe(true)
  })

  it('imports no Node built-in and touches no ambient clock, timer or randomness', () => {
    const broken = files.flatMap((file) =>
      violations(readFileSync(file, 'utf8'), area).map((reason) => `${relative(root, file)}: ${reason}`),
    )
    expect(broken).toEqual([])
  })
})
