/**
 * Real processes: a child appends with sync on and prints every acknowledged index; the parent
 * kills it with SIGKILL after a seeded random number of acknowledgements (so the kill lands at an
 * arbitrary point of the write/sync cycle), reopens the log and checks that no acknowledged
 * record was lost and that every record present is one the child wrote. Each lane keeps its
 * directory across kills, so recovery also runs on logs recovered many times before.
 *
 * Time: the cost is the start-up of 204 Node processes, which on a 2-core machine running the rest
 * of the suite in parallel forks can be ten times what it is on a quiet one. So the test's limit
 * scales with the work (a budget per round of each lane, the lanes running side by side) rather
 * than the kill count shrinking with the machine, and a hang is still caught early: every child
 * must reach its kill, and every reopen must finish, within a watchdog that names the round.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SeededRandom } from '@tandem/base'
import { afterAll, describe, expect, it } from 'vitest'
import { FileDevice, nodeCrc32, openWal } from '../src/index.js'
import { payloadOf } from './fixtures/payload.mjs'
import { equalBytes } from './helpers.js'

const CHILD = fileURLToPath(new URL('./fixtures/append-child.mjs', import.meta.url))
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const SEED = Number(process.env.TANDEM_SEED ?? 20261122)
const LANES = 4
const KILLS_PER_LANE = 51
/** Per round (spawn, acks, kill, reopen, verify): 0.3–0.5 s on a quiet machine, 3 s measured at load 11 on 2 cores. */
const ROUND_BUDGET_MS = 8_000
/** One child or one reopen taking longer than this is a hang, not a slow machine. */
const STEP_WATCHDOG_MS = 60_000
const WARM_UP_BUDGET_MS = 60_000
const directories: string[] = []
const compileCache = join(tmpdir(), 'tandem-wal-kill-compile-cache')

afterAll(async () => {
  for (const directory of [...directories, compileCache])
    await rm(directory, { recursive: true, force: true })
})

/**
 * One child that opens the log and exits normally (no appenders): Node writes the compile cache
 * only at a normal exit, so this lets the hundreds of killed children start from compiled code.
 */
async function warmUp(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'tandem-wal-kill-warm-'))
  directories.push(directory)
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, directory, '0'], {
      stdio: 'ignore',
      env: { ...process.env, NODE_COMPILE_CACHE: compileCache },
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`warm-up child exited with ${code}`)),
    )
  })
}

/** Rejects with a message naming `what` if `step` has not settled within the watchdog. */
async function watched<T>(what: string, step: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no progress in ${STEP_WATCHDOG_MS} ms`)),
      STEP_WATCHDOG_MS,
    )
  })
  try {
    return await Promise.race([step, watchdog])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs one child until it has acknowledged `acksBeforeKill` records, then SIGKILLs it. A child that
 * has not got there within the watchdog is killed too, and the round fails.
 */
function runAndKill(
  directory: string,
  acksBeforeKill: number,
  appenders: number,
  context: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, directory, String(appenders)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Children load the same modules hundreds of times: let V8 reuse the compiled code.
      env: { ...process.env, NODE_COMPILE_CACHE: compileCache },
    })
    let highest = 0
    let acks = 0
    let buffered = ''
    let stderr = ''
    let killed = false
    let hung = false
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk
    })
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const [word, value] = line.split(' ')
        if (word === 'ready' && acksBeforeKill === 0 && !killed) {
          killed = true
          child.kill('SIGKILL')
        }
        if (word !== 'ack' || killed) continue
        highest = Math.max(highest, Number(value))
        if (++acks >= acksBeforeKill) {
          killed = true
          child.kill('SIGKILL')
        }
      }
    })
    const watchdog = setTimeout(() => {
      hung = true
      child.kill('SIGKILL')
    }, STEP_WATCHDOG_MS)
    child.on('error', reject)
    // 'close' (not 'exit'): every line the child printed has been read by then.
    child.on('close', (code, signal) => {
      clearTimeout(watchdog)
      if (hung)
        reject(
          new Error(
            `${context}: child not killed and closed within ${STEP_WATCHDOG_MS} ms (${acks} acks): ${stderr}`,
          ),
        )
      else if (signal === 'SIGKILL') resolve(highest)
      else reject(new Error(`child exited with ${code}: ${stderr}`))
    })
  })
}

async function lane(laneNumber: number): Promise<number> {
  const random = new SeededRandom(SEED + laneNumber)
  const directory = await mkdtemp(join(tmpdir(), `tandem-wal-kill-${laneNumber}-`))
  directories.push(directory)
  let acknowledged = 0
  let kills = 0
  for (let round = 0; round < KILLS_PER_LANE; round++) {
    const acksBeforeKill = random.nextInt(30)
    const appenders = 1 + random.nextInt(8)
    const context = `seed ${SEED}, lane ${laneNumber}, round ${round} (kill after ${acksBeforeKill} acks)`
    acknowledged = Math.max(acknowledged, await runAndKill(directory, acksBeforeKill, appenders, context))
    kills++
    const wal = await watched(
      `${context}: reopen`,
      (async () =>
        openWal({
          device: await FileDevice.open(directory),
          checksum: nodeCrc32,
          segmentBytesMax: 64 * 1024,
        }))(),
    )
    expect(wal.lastIndex, `${context}: acknowledged ${acknowledged} lost`).toBeGreaterThanOrEqual(
      acknowledged,
    )
    let expected = wal.firstIndex
    for await (const record of wal.records()) {
      expect(record.index, context).toBe(expected++)
      expect(
        equalBytes(record.payload, payloadOf(record.index)),
        `${context}: record ${record.index} garbled`,
      ).toBe(true)
    }
    await wal.close()
  }
  return kills
}

describe('SIGKILL during appends (real processes)', () => {
  it(
    `loses no acknowledged record over ${LANES * KILLS_PER_LANE} kills`,
    async () => {
      expect(existsSync(DIST), 'build the package first (pnpm exec tsc -b packages/wal)').toBe(true)
      await watched('warm-up child', warmUp())
      const kills = await Promise.all(Array.from({ length: LANES }, (_, lane_) => lane(lane_)))
      expect(kills.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(200)
    },
    WARM_UP_BUDGET_MS + KILLS_PER_LANE * ROUND_BUDGET_MS,
  )
})
