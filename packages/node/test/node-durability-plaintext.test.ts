/**
 * No plaintext leaves a node or lands on its disk (issue 12, "Entries and deltas are sealed end to
 * end"): a three-node `createNode` cluster (init, addLearner + join, promote; in this process)
 * takes strong and eventual writes whose keys and values carry a marker, snapshots C (a small
 * snapshot floor) and sends that snapshot to a fourth node added as a learner. Every batch of
 * frames any node writes to any stream goes through `FrameWriter.writeBatch` (packages/transport/
 * src/framing/frame-writer.ts, the one place frames reach a libp2p stream, each batch holding whole
 * frames); a spy there scans each batch for the marker and counts bytes per protocol. The test
 * asserts that Raft (/tandem/raft/2), the delta streams (/tandem/streams/1) and the snapshot
 * (/tandem/snapshot/1) all carried bytes, that no frame held the marker, and that no file in any
 * data directory holds it — and, so the scans are known to read what they should, that the same
 * scans do find public plaintext (a member id in the Raft frames, the storeId in the files).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stream } from '@libp2p/interface'
import { afterEach, describe, expect, it, vi } from 'vitest'
// The class the node's transport runs: the built package, as `@tandem/transport` resolves it.
import { FrameWriter } from '../../transport/dist/framing/frame-writer.js'
import { createNode, nodeIdentity, type TandemNode } from '../src/index.js'

const MARKER = 'TANDEM-PLAINTEXT-MARKER-7d1e94'
const fast = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  raft: { tickMs: 20, electionTicks: 10, heartbeatTicks: 2 },
  antiEntropyIntervalMs: 100,
  // Snapshot after 256 KiB of log: the writes below exceed it, so the learner gets a snapshot.
  snapshotPolicy: { logBytesMin: 256 * 1024 },
} as const
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  vi.restoreAllMocks()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
) {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

function filesUnder(directory: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isFile() && statSync(path).size > 0) files.push(path)
  }
  return files
}

/** What the spy saw: bytes per protocol, and every batch (by protocol) that held a needle. */
interface Capture {
  readonly bytes: Map<string, number>
  readonly hits: Map<string, string[]>
  needles: Buffer[]
}

function spyOnFrames(): Capture {
  const capture: Capture = { bytes: new Map(), hits: new Map(), needles: [] }
  const writeBatch = FrameWriter.prototype.writeBatch
  vi.spyOn(FrameWriter.prototype, 'writeBatch').mockImplementation(function (
    this: FrameWriter,
    stream: Stream,
    signal?: AbortSignal,
    creditBytes?: number,
  ) {
    // writeBatch uses the stream's send and onDrain only: a stand-in that looks at each batch.
    const looking = {
      send(batch: Uint8Array) {
        const protocol = stream.protocol
        capture.bytes.set(protocol, (capture.bytes.get(protocol) ?? 0) + batch.byteLength)
        const bytes = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength)
        for (const needle of capture.needles)
          if (bytes.includes(needle)) {
            const hits = capture.hits.get(needle.toString()) ?? []
            hits.push(protocol)
            capture.hits.set(needle.toString(), hits)
          }
        return stream.send(batch)
      },
      onDrain: (options?: { signal?: AbortSignal }) => stream.onDrain(options),
    } as unknown as Stream
    return writeBatch.call(this, looking, signal, creditBytes)
  })
  return capture
}

describe('no plaintext in frames or files', () => {
  it('strong and eventual writes and a snapshot sent to a learner put no marked key or value in any frame or file', async () => {
    const capture = spyOnFrames()
    const base = await mkdtemp(join(tmpdir(), 'tandem-plaintext-'))
    cleanups.push(() => rm(base, { recursive: true, force: true }))
    const nodes: TandemNode[] = []
    const start = async (options: Parameters<typeof createNode>[0]) => {
      const node = await createNode(options)
      nodes.push(node)
      cleanups.push(() => node.stop())
      return node
    }
    const first = await start({ dataDir: join(base, 'n0'), init: true, ...fast })
    for (const name of ['n1', 'n2']) {
      const dataDir = join(base, name)
      const { memberId } = await nodeIdentity(dataDir)
      const joinOptions = await first.cluster.addLearner(memberId)
      await start({ dataDir, join: joinOptions, ...fast })
      await first.cluster.promote(memberId)
    }
    const learnerDir = join(base, 'n3')
    const learner = await nodeIdentity(learnerDir)
    capture.needles = [Buffer.from(MARKER), Buffer.from(learner.memberId)]

    // ~1 MiB of each kind through every node: past the snapshot floor several times over.
    const filler = 'x'.repeat(8 * 1024)
    const maps = nodes.map((node) => node.map<string>('notes'))
    const writes: Promise<unknown>[] = []
    for (const [i, map] of maps.entries())
      for (let n = 0; n < 40; n++) {
        writes.push(
          map.set(`${MARKER}-strong-${i}-${n}`, `${MARKER}:${n}:${filler}`, { consistency: 'strong' }),
        )
        writes.push(
          map.set(`${MARKER}-eventual-${i}-${n}`, `${MARKER}:${n}:${filler}`, { consistency: 'eventual' }),
        )
      }
    await Promise.all(writes)
    // Folded everywhere (C holds the eventual writes), so the snapshot carries both kinds.
    for (const map of maps)
      await eventually('the eventual writes folded', async () =>
        (await map.get(`${MARKER}-eventual-2-39`, { consistency: 'linearizable' })) !== undefined
          ? true
          : undefined,
      )
    // One more round of strong writes moves the log past the floor after the folds too.
    for (let n = 0; n < 40; n++)
      await maps[0]?.set(`${MARKER}-after-${n}`, `${MARKER}:${filler}`, { consistency: 'strong' })

    const learnerJoin = await first.cluster.addLearner(learner.memberId)
    const fourth = await start({ dataDir: learnerDir, join: learnerJoin, ...fast })
    const fourthMap = fourth.map<string>('notes')
    await eventually('the learner caught up', () =>
      fourthMap.get(`${MARKER}-after-39`) !== undefined &&
      fourthMap.get(`${MARKER}-eventual-2-39`) !== undefined
        ? true
        : undefined,
    )
    await first.cluster.promote(learner.memberId)
    await fourthMap.set(`${MARKER}-from-learner`, `${MARKER}:learner`, { consistency: 'strong' })
    for (const node of nodes.splice(0).reverse()) await node.stop()

    const kib = (protocol: string) => Math.round((capture.bytes.get(protocol) ?? 0) / 1024)
    console.log(
      `node-durability-plaintext: frames scanned: raft ${kib('/tandem/raft/2')} KiB, streams ${kib('/tandem/streams/1')} KiB, snapshot ${kib('/tandem/snapshot/1')} KiB`,
    )
    // The spy saw every protocol, and reads real frames: the learner's member id (public) is there.
    expect(capture.bytes.get('/tandem/raft/2') ?? 0).toBeGreaterThan(0)
    expect(capture.bytes.get('/tandem/streams/1') ?? 0).toBeGreaterThan(0)
    expect(capture.bytes.get('/tandem/snapshot/1') ?? 0).toBeGreaterThan(0)
    expect(capture.hits.get(learner.memberId) ?? []).toContain('/tandem/raft/2')
    expect(capture.hits.get(MARKER) ?? []).toEqual([])

    const files = filesUnder(base)
    const needle = Buffer.from(MARKER)
    expect(files.filter((file) => readFileSync(file).includes(needle))).toEqual([])
    // The file scan reads what is there: each directory's storeId is on disk in plaintext.
    const storeId = learner.memberId.split('/')[1] as string
    expect(files.some((file) => readFileSync(file).includes(Buffer.from(storeId)))).toBe(true)
  }, 180_000)
})
