/**
 * Real processes: a child opens the delta stream store on a real directory with a new own stream
 * (a new incarnation per start, as a node draws one), appends own batches from several concurrent
 * appenders, prints every acknowledged sequence, and sometimes prunes an earlier stream through a
 * sequence the parent chose (a fold the persisted commit index covers). The parent kills it with
 * SIGKILL after a seeded random number of acknowledgements (so the kill lands anywhere in the
 * seal/write/fsync cycle and in prunes), reopens the store and checks: every acknowledged batch of
 * every stream is there byte-exact unless it was pruned, every batch held is the one written for
 * its (stream, sequence) — no sequence was reused for other bytes — and a confirmed prune stays
 * done. Each lane keeps its directory, so recovery also runs on stores recovered many times.
 *
 * Time: the cost is the start-up of the children (Node plus the store's modules). The lanes run
 * side by side; the limit scales with the rounds, and a watchdog names a round that hangs.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SeededRandom } from '@tandem/base'
import { FileDevice, nodeCrc32 } from '@tandem/wal'
import { afterAll, describe, expect, it } from 'vitest'
import { type Incarnation, type StreamId, streamId, type WriterKey } from '../src/core/ids.js'
import { OwnStreamExistsError } from '../src/errors.js'
import { DeltaStreamStore } from '../src/streams/delta-stream-store.js'
import { payloadOf } from './fixtures/delta-payload.mjs'

const CHILD = fileURLToPath(new URL('./fixtures/delta-stream-child.mjs', import.meta.url))
const DIST = fileURLToPath(new URL('../dist/streams/delta-stream-store.js', import.meta.url))
const SEED = Number(process.env.TANDEM_SEED ?? 20261207)
const LANES = 4
const KILLS_PER_LANE = 26
/** Per round of a lane (spawn, acks, kill, reopen, verify); the lanes run side by side. */
const ROUND_BUDGET_MS = 6_000
const STEP_WATCHDOG_MS = 60_000
const key = 'c'.repeat(64) as WriterKey
const compileCache = join(tmpdir(), 'tandem-node-delta-kill-compile-cache')
const directories: string[] = []

afterAll(async () => {
  for (const directory of [...directories, compileCache])
    await rm(directory, { recursive: true, force: true })
})

function streamOf(lane: number, round: number): StreamId {
  const incarnation = (((SEED >>> 0) * 0x10000 + lane * 0x1000 + round + 1) >>> 0)
    .toString(16)
    .padStart(32, '0') as Incarnation
  return streamId(key, incarnation, lane)
}

interface ChildRun {
  readonly acknowledged: number[]
  readonly pruned: boolean
}

/** Runs one child until it has acknowledged `acksBeforeKill` batches, then SIGKILLs it. */
function runAndKill(args: readonly string[], acksBeforeKill: number, context: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_COMPILE_CACHE: compileCache },
    })
    const acknowledged: number[] = []
    let pruned = false
    let buffered = ''
    let stderr = ''
    let killed = false
    let hung = false
    const kill = () => {
      killed = true
      child.kill('SIGKILL')
    }
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
        // Lines read after the kill was sent still count: the child printed them after the fsync.
        if (word === 'pruned') pruned = true
        if (word === 'ready' && acksBeforeKill === 0 && !killed) kill()
        if (word !== 'ack') continue
        acknowledged.push(Number(value))
        if (acknowledged.length >= acksBeforeKill && !killed) kill()
      }
    })
    const watchdog = setTimeout(() => {
      hung = true
      child.kill('SIGKILL')
    }, STEP_WATCHDOG_MS)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(watchdog)
      if (hung) reject(new Error(`${context}: no kill within ${STEP_WATCHDOG_MS} ms: ${stderr}`))
      else if (signal === 'SIGKILL') resolve({ acknowledged, pruned })
      else reject(new Error(`${context}: child exited with ${code}: ${stderr}`))
    })
  })
}

async function lane(laneNumber: number): Promise<number> {
  const random = new SeededRandom(SEED + laneNumber)
  const directory = await mkdtemp(join(tmpdir(), `tandem-node-delta-kill-${laneNumber}-`))
  directories.push(directory)
  /** Per stream: the acknowledged sequences, the highest sequence a prune was asked for, and confirmed. */
  const acknowledged = new Map<StreamId, Set<number>>()
  const pruneAsked = new Map<StreamId, number>()
  const pruneDone = new Map<StreamId, number>()
  let kills = 0
  for (let round = 0; round < KILLS_PER_LANE; round++) {
    const stream = streamOf(laneNumber, round)
    const acksBeforeKill = random.nextInt(40)
    const appenders = 1 + random.nextInt(6)
    const args = [directory, stream, String(appenders)]
    const candidates = [...acknowledged].filter(([, sequences]) => sequences.size > 0)
    let pruneTarget: [StreamId, number] | null = null
    if (candidates.length > 0 && random.chance(0.4)) {
      const [target, sequences] = random.pick(candidates)
      pruneTarget = [target, random.between(1, Math.max(...sequences))]
      args.push(...pruneTarget.map(String))
      pruneAsked.set(target, Math.max(pruneAsked.get(target) ?? 0, pruneTarget[1]))
    }
    const context = `seed ${SEED}, lane ${laneNumber}, round ${round} (kill after ${acksBeforeKill} acks, ${appenders} appenders${pruneTarget ? `, prune ${pruneTarget[1]}` : ''})`
    const run = await runAndKill(args, acksBeforeKill, context)
    kills++
    expect(new Set(run.acknowledged).size, `${context}: a sequence acknowledged twice`).toBe(
      run.acknowledged.length,
    )
    acknowledged.set(stream, new Set(run.acknowledged))
    if (pruneTarget !== null && run.pruned) {
      pruneDone.set(pruneTarget[0], Math.max(pruneDone.get(pruneTarget[0]) ?? 0, pruneTarget[1]))
    }

    // The parent's own stream is never appended to, so reopening leaves no files of its own.
    const store = await DeltaStreamStore.open({
      device: await FileDevice.open(directory),
      ownStream: streamId(key, 'f'.repeat(32) as Incarnation, 0),
      eventualBacklogBytesMax: 1 << 30,
      checksum: nodeCrc32,
      segmentBytesMax: 64 * 1024,
    })
    const held = new Map(store.streams().map((entry) => [entry.stream, entry]))
    if (held.has(stream)) {
      // A start that reused the killed child's incarnation would hand out its sequences again.
      await expect(
        DeltaStreamStore.open({
          device: await FileDevice.open(directory),
          ownStream: stream,
          eventualBacklogBytesMax: 1 << 30,
          checksum: nodeCrc32,
        }),
        context,
      ).rejects.toBeInstanceOf(OwnStreamExistsError)
    }
    for (const [name, sequences] of acknowledged) {
      const info = held.get(name)
      const prunedThrough = pruneAsked.get(name) ?? 0
      const mustHave = [...sequences].filter((sequence) => sequence > prunedThrough)
      if (info === undefined) {
        expect(mustHave, `${context}: stream ${name} gone with acknowledged batches`).toEqual([])
        continue
      }
      expect(info.firstHeld, `${context}: a confirmed prune came back`).toBeGreaterThan(
        pruneDone.get(name) ?? 0,
      )
      let next = info.firstHeld
      while (next <= info.heldThrough) {
        const batches = await store.read(name, next, 1 << 20)
        for (const batch of batches) {
          expect(batch.sequence, context).toBe(next++)
          expect(
            Buffer.from(batch.bytes).equals(Buffer.from(payloadOf(name, batch.sequence))),
            `${context}: ${name}/${batch.sequence} is not the batch written for that sequence`,
          ).toBe(true)
        }
      }
      for (const sequence of mustHave) {
        expect(
          sequence >= info.firstHeld && sequence <= info.heldThrough,
          `${context}: acknowledged ${name}/${sequence} lost`,
        ).toBe(true)
      }
    }
    await store.close()
  }
  return kills
}

describe('SIGKILL during delta stream appends (real processes)', () => {
  it(
    `loses no acknowledged batch and reuses no sequence over ${LANES * KILLS_PER_LANE} kills`,
    async () => {
      expect(existsSync(DIST), 'build the package first (pnpm exec tsc -b packages/node)').toBe(true)
      const started = performance.now()
      const kills = await Promise.all(Array.from({ length: LANES }, (_, number) => lane(number)))
      const total = kills.reduce((a, b) => a + b, 0)
      console.log(
        `delta stream SIGKILL: ${total} kills in ${Math.round(performance.now() - started)} ms (seed ${SEED})`,
      )
      expect(total).toBeGreaterThanOrEqual(100)
    },
    STEP_WATCHDOG_MS + KILLS_PER_LANE * ROUND_BUDGET_MS,
  )
})
