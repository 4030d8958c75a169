/**
 * SIGKILL durability of eventual writes through `createNode` (issue 12, "Durability" and "No
 * reuse"), with real processes: a child runs a single-node cluster (founded by `init`) and writes
 * eventual values to fresh keys from several concurrent loops as fast as the node acknowledges them,
 * reporting every acknowledgement over IPC. The parent SIGKILLs it at a seeded moment — after a
 * seeded number of acknowledgements (so the kill lands anywhere between seal, append and fsync of
 * the group commits in flight), or a seeded delay into a start (so it lands in recovery) — and starts
 * it again on the same data directory. After every start it checks that every write ever
 * acknowledged is in V (local read) and that the writes of the runs since the last check, plus a
 * seeded sample of older ones, are read by linearizable reads once folded; at the end every
 * acknowledged write is read linearizably. Every acknowledged write id is unique, each run writes
 * in one stream of its own (a new incarnation at every start), and no stream repeats: a crash
 * between seal and fsync never reuses a sequence.
 *
 * Replay: TANDEM_SEED=<seed> pnpm exec vitest run packages/node/test/node-durability-sigkill.test.ts
 * (TANDEM_DURABILITY_KILLS sets the number of kills, default 100; TANDEM_DURABILITY_LANES the
 * number of single-node clusters killed side by side, default 2). Needs the built package
 * (`pnpm exec tsc -b packages/node`): the child imports dist.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SeededRandom } from '@tandem/base'
import { afterAll, describe, expect, it } from 'vitest'
import { type JoinOptions, nodeIdentity } from '../src/index.js'
import { type Ack, DurabilityChild, streamOfWriteId } from './durability-harness.js'

const SEED = Number(process.env.TANDEM_SEED ?? 20261207)
const KILLS = Number(process.env.TANDEM_DURABILITY_KILLS ?? 100)
/** SIGKILLs of the follower of a three-process cluster (the second test). */
const FOLLOWER_KILLS = Number(process.env.TANDEM_DURABILITY_FOLLOWER_KILLS ?? 20)
/** Independent single-node clusters killed side by side, KILLS / LANES kills each. */
const LANES = Number(process.env.TANDEM_DURABILITY_LANES ?? 2)
const MAP = 'durable'
const CONCURRENCY = 8
/** Kills after at most this many acknowledgements of a run. */
const ACKS_PER_RUN_MAX = 300
/** A share of the kills lands in a start instead (recovery of the data directory, the open). */
const START_KILL_CHANCE = 0.15
const START_KILL_DELAY_MS_MAX = 1_000
/** How many older acknowledged writes each check also reads linearizably. */
const LINEARIZABLE_SAMPLE = 64
const config = (dataDir: string) => ({
  dataDir,
  init: true,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  raft: { tickMs: 10, electionTicks: 10, heartbeatTicks: 2 },
  antiEntropyIntervalMs: 200,
})
const directories: string[] = []
const running = new Set<DurabilityChild>()

afterAll(async () => {
  for (const child of running) await child.kill()
  for (const directory of directories) await rm(directory, { recursive: true, force: true })
})

function replayHint(): string {
  return `seed ${SEED}; replay: TANDEM_SEED=${SEED} TANDEM_DURABILITY_KILLS=${KILLS} TANDEM_DURABILITY_LANES=${LANES} pnpm exec vitest run packages/node/test/node-durability-sigkill.test.ts`
}

/** Every acknowledged write must be in V with its value. */
async function checkLocal(child: DurabilityChild, acked: ReadonlyMap<string, Ack>, context: string) {
  const { entries } = await child.ask({ type: 'local', map: MAP })
  const view = new Map(entries)
  const lost = [...acked.values()].filter((ack) => view.get(ack.key) !== ack.value)
  if (lost.length > 0)
    throw new Error(
      `${context}: ${lost.length} acknowledged writes missing from the local view, e.g. ${JSON.stringify(lost.slice(0, 5))} (${replayHint()})`,
    )
}

/** The given acknowledged writes must be read by linearizable reads (after their fold). */
async function checkLinearizable(child: DurabilityChild, acks: readonly Ack[], context: string) {
  if (acks.length === 0) return 0
  const { values, waitedMs } = await child.ask({
    type: 'linearizable',
    map: MAP,
    keys: acks.map((ack) => ack.key),
    timeoutMs: 30_000,
  })
  const lost = acks.filter((ack, i) => values[i] !== ack.value)
  if (lost.length > 0)
    throw new Error(
      `${context}: ${lost.length} of ${acks.length} acknowledged writes not read linearizably after ${Math.round(waitedMs)} ms, e.g. ${JSON.stringify(lost.slice(0, 5))} (${replayHint()})`,
    )
  return waitedMs
}

interface LaneResult {
  readonly kills: number
  readonly startKills: number
  readonly acks: number
  readonly streams: number
  readonly runsWithAcks: number
  readonly startMs: number[]
  readonly finalWaitMs: number
}

/**
 * One lane: a single-node cluster on a directory of its own, killed `kills` times. Lanes run side
 * by side (each child waits on fsyncs and timers much of the time).
 */
async function runLane(lane: number, kills: number): Promise<LaneResult> {
  const dataDir = await mkdtemp(join(tmpdir(), `tandem-durability-sigkill-${lane}-`))
  directories.push(dataDir)
  return killRepeatedly(`lane ${lane}`, lane, kills, (label) => new DurabilityChild(config(dataDir), label))
}

/**
 * Starts the victim `kills` times (each start by `create`), kills it at a seeded moment, and checks
 * after every start; then starts it once more for the final check.
 */
async function killRepeatedly(
  name: string,
  lane: number,
  kills: number,
  create: (label: string) => DurabilityChild,
): Promise<LaneResult> {
  const random = new SeededRandom((SEED + lane * 0x9e3779b9) >>> 0)
  const acked = new Map<string, Ack>()
  const writeIds = new Set<string>()
  const streams = new Set<string>()
  /** Acknowledged since the last completed check: read linearizably at the next one. */
  let unchecked: Ack[] = []
  let killed = 0
  let startKills = 0
  let totalAcks = 0
  let runsWithAcks = 0
  const startMs: number[] = []

  const launch = (label: string) => {
    const child = create(`${name} ${label}`)
    running.add(child)
    void child.exited.then(() => running.delete(child))
    return child
  }

  const collect = (child: DurabilityChild, run: number) => {
    const runStreams = new Set<string>()
    for (const ack of child.acks) {
      if (writeIds.has(ack.writeId))
        throw new Error(`${name} run ${run}: write id ${ack.writeId} acknowledged twice`)
      writeIds.add(ack.writeId)
      runStreams.add(streamOfWriteId(ack.writeId))
      acked.set(ack.key, ack)
      unchecked.push(ack)
    }
    // An eventual write works alone and offline: none may fail here (only be cut off by the kill).
    if (child.writeFailures.length > 0)
      throw new Error(
        `${name} run ${run}: eventual writes failed: ${child.writeFailures.slice(0, 3).join('; ')}`,
      )
    totalAcks += child.acks.length
    if (child.acks.length > 0) runsWithAcks++
    for (const stream of runStreams)
      if (streams.has(stream))
        throw new Error(`${name} run ${run}: stream ${stream} was written by an earlier run`)
    // One start = one incarnation = one stream (no dot rollover at these counts).
    if (runStreams.size > 1) throw new Error(`${name} run ${run}: one start wrote ${runStreams.size} streams`)
    for (const stream of runStreams) streams.add(stream)
  }

  for (let run = 0; run < kills; run++) {
    const child = launch(`run ${run}`)
    // Never in the first start: it writes the cluster record (init), which is not what this tests.
    if (run > 0 && random.chance(START_KILL_CHANCE)) {
      // Somewhere in createNode: recovery of the WAL and the delta streams, the election, the open.
      const delayMs = random.between(0, START_KILL_DELAY_MS_MAX)
      await child.imported
      await Promise.race([
        new Promise((resolve) => setTimeout(resolve, delayMs)),
        child.ready.catch(() => undefined),
      ])
      await child.kill()
      killed++
      startKills++
      collect(child, run)
      continue
    }
    const ready = await child.ready
    startMs.push(ready.startMs)
    const context = `${name} run ${run} (after ${killed} kills)`
    await checkLocal(child, acked, context)
    const everything = [...acked.values()]
    const older: Ack[] = []
    for (let i = 0; i < LINEARIZABLE_SAMPLE && everything.length > 0; i++) older.push(random.pick(everything))
    await checkLinearizable(child, [...unchecked, ...older], context)
    unchecked = []

    const target = random.between(1, ACKS_PER_RUN_MAX)
    child.write(MAP, `r${run}`, CONCURRENCY)
    await child.acksReach(target, 30_000)
    await child.kill()
    killed++
    collect(child, run)
  }

  const final = launch('final')
  await final.ready
  await checkLocal(final, acked, `${name} final`)
  const finalWaitMs = await checkLinearizable(final, [...acked.values()], `${name} final (every write)`)
  await final.stop()
  if (writeIds.size !== totalAcks || acked.size !== totalAcks)
    throw new Error(
      `${name}: ${totalAcks} acknowledgements but ${writeIds.size} write ids, ${acked.size} keys`,
    )
  return {
    kills: killed,
    startKills,
    acks: totalAcks,
    streams: streams.size,
    runsWithAcks,
    startMs,
    finalWaitMs,
  }
}

describe('SIGKILL durability of eventual writes through createNode', () => {
  it(`loses no acknowledged eventual write over ${KILLS} SIGKILLs of single-node clusters, and reuses no write id or stream`, async () => {
    const began = performance.now()
    const perLane = Math.ceil(KILLS / LANES)
    let results: LaneResult[]
    try {
      results = await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane, perLane)))
    } catch (error) {
      if (error instanceof Error && !error.message.includes(`seed ${SEED}`))
        error.message = `${error.message} (${replayHint()})`
      throw error
    }
    const totalMs = performance.now() - began
    const kills = results.reduce((sum, lane) => sum + lane.kills, 0)
    const acks = results.reduce((sum, lane) => sum + lane.acks, 0)
    const starts = results.flatMap((lane) => lane.startMs).sort((a, b) => a - b)
    console.log(
      `node-durability-sigkill: seed ${SEED}: ${kills} SIGKILLs in ${LANES} lanes ` +
        `(${results.reduce((sum, lane) => sum + lane.startKills, 0)} during a start), ` +
        `${acks} acknowledged eventual writes, 0 lost, ` +
        `${results.reduce((sum, lane) => sum + lane.streams, 0)} streams, ` +
        `${(totalMs / 1000).toFixed(1)} s, ${((kills * 60_000) / totalMs).toFixed(1)} kills/min, ` +
        `child start (import + createNode) p50 ${Math.round(starts[Math.floor(starts.length / 2)] ?? 0)} ms, ` +
        `final linearizable check ≤ ${Math.round(Math.max(...results.map((lane) => lane.finalWaitMs)))} ms`,
    )
    expect(kills).toBeGreaterThanOrEqual(KILLS)
    for (const lane of results) {
      // Every run that acknowledged a write wrote a stream of its own.
      expect(lane.streams).toBe(lane.runsWithAcks)
      expect(lane.acks).toBeGreaterThan(0)
    }
  }, 900_000)

  it(`loses no acknowledged eventual write over ${FOLLOWER_KILLS} SIGKILLs of a follower of a three-process cluster`, async () => {
    const began = performance.now()
    const base = await mkdtemp(join(tmpdir(), 'tandem-durability-sigkill-follower-'))
    directories.push(base)
    const clusterConfig = (dataDir: string) => ({
      ...config(dataDir),
      init: false,
      raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 2 },
    })
    const n0 = new DurabilityChild({ ...clusterConfig(join(base, 'n0')), init: true }, 'n0')
    running.add(n0)
    await n0.ready
    const voters = [n0]
    const victimDir = join(base, 'n2')
    let victimJoin: JoinOptions | null = null
    for (const name of ['n1', 'n2']) {
      const dataDir = join(base, name)
      const { memberId } = await nodeIdentity(dataDir)
      const joinOptions = await n0.call<JoinOptions>({ op: 'addLearner', memberId, addresses: [] })
      if (name === 'n2') {
        victimJoin = joinOptions
        continue
      }
      const child = new DurabilityChild({ ...clusterConfig(dataDir), join: joinOptions }, name)
      running.add(child)
      await child.ready
      await n0.call({ op: 'promote', memberId })
      voters.push(child)
    }
    // The victim joins on its first start, then restarts on the same port (peers know the address).
    let listen: string[] | null = null
    let promoted = false
    const victimId = (await nodeIdentity(victimDir)).memberId
    const create = (label: string) => {
      if (victimJoin === null) throw new Error('the victim was not added')
      const options = {
        ...clusterConfig(victimDir),
        ...(listen === null ? { join: victimJoin } : { listen }),
      }
      const child = new DurabilityChild(options, label)
      running.add(child)
      void child.ready
        .then(async (ready) => {
          listen ??= ready.addresses
            .filter((address) => address.includes('/tcp/'))
            .map((address) => address.replace(/\/p2p\/[^/]+$/, ''))
          if (!promoted) {
            promoted = true
            await n0.call({ op: 'promote', memberId: victimId })
          }
        })
        .catch(() => undefined)
      return child
    }
    let result: LaneResult
    try {
      result = await killRepeatedly('follower', 0x51, FOLLOWER_KILLS, create)
    } catch (error) {
      if (error instanceof Error && !error.message.includes(`seed ${SEED}`))
        error.message = `${error.message} (${replayHint()})`
      throw error
    }
    const totalMs = performance.now() - began
    console.log(
      `node-durability-sigkill (follower of 3): seed ${SEED}: ${result.kills} SIGKILLs (${result.startKills} during a start), ` +
        `${result.acks} acknowledged eventual writes, 0 lost, ${result.streams} streams, ` +
        `${(totalMs / 1000).toFixed(1)} s, ${((result.kills * 60_000) / totalMs).toFixed(1)} kills/min`,
    )
    for (const voter of voters) await voter.stop()
    expect(result.kills).toBe(FOLLOWER_KILLS)
    expect(result.streams).toBe(result.runsWithAcks)
  }, 600_000)
})
