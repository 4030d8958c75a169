import { peerIdFromString } from '@libp2p/peer-id'
import { SeededRandom } from '@tandem/base'
import * as lp from 'it-length-prefixed'
import { afterEach, describe, expect, it } from 'vitest'
import { FrameDecoder } from '../src/framing/frame-decoder.js'
import { STREAMS_PROTOCOL } from '../src/protocols.js'
import { decodeStreamsFrame, encodeBatches, encodeSummary } from '../src/streams/frames.js'
import {
  createStreamSyncService,
  type StreamSyncOptions,
  type StreamSyncService,
} from '../src/streams/stream-sync-service.js'
import type { TransportHost } from '../src/transport-host.js'
import { Fixture, QUIC_ONLY, seededRandom, TCP_ONLY, waitFor } from './helpers.js'
import { MemoryStreamStore } from './memory-stream-store.js'

const fixture = new Fixture()
afterEach(() => fixture.cleanup())

const backoff = { delayMsInitial: 10, delayMsMax: 200 }
const sync = { antiEntropyIntervalMs: 100 }

function batchBytes(random: SeededRandom, stream: string, sequence: number): Uint8Array {
  const bytes = new Uint8Array(8 + random.nextInt(200))
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.nextInt(256)
  bytes.set(new TextEncoder().encode(`${stream}#${sequence}`).subarray(0, bytes.length))
  return bytes
}

interface Member {
  readonly host: TransportHost
  readonly store: MemoryStreamStore
  readonly service: StreamSyncService
}

/** `count` members that know one another, each with an in-memory store and a streams service. */
async function members(
  count: number,
  seed: number,
  stores?: MemoryStreamStore[],
  options: StreamSyncOptions = sync,
  listen: string[] = TCP_ONLY,
): Promise<Member[]> {
  const identities = await fixture.identities(count)
  const ids = identities.map((identity) => identity.nodeId)
  const out: Member[] = []
  for (const [i, identity] of identities.entries()) {
    const peers = Object.fromEntries(out.map((member) => [member.host.nodeId, member.host.multiaddrs()]))
    const host = await fixture.node({
      dataDir: identity.dataDir,
      members: ids,
      listen,
      backoff,
      random: seededRandom(seed + i),
      peers,
    })
    const store = stores?.[i] ?? new MemoryStreamStore()
    out.push({ host, store, service: await createStreamSyncService(host, store, options) })
  }
  return out
}

function heldThroughs(store: MemoryStreamStore, streams: readonly string[]): number[] {
  return streams.map((stream) => store.heldThrough(stream))
}

function converged(all: readonly Member[], streams: readonly string[]): boolean {
  const first = all[0]
  if (first === undefined) return true
  const expected = JSON.stringify(streams.map((stream) => first.store.contents(stream)))
  return all.every(
    (member) => JSON.stringify(streams.map((stream) => member.store.contents(stream))) === expected,
  )
}

/** Appends a batch to `member`'s own `stream` and pushes it live, as the node does after its fsync. */
function write(member: Member, random: SeededRandom, stream: string): void {
  const sequence = member.store.heldThrough(stream) + 1
  const bytes = batchBytes(random, stream, sequence)
  expect(member.store.appendOwn(stream, bytes)).toBe(sequence)
  member.service.publish(stream, sequence, bytes)
}

describe('/tandem/streams/1', () => {
  it.each([
    ['TCP', TCP_ONLY],
    ['QUIC', QUIC_ONLY],
  ])('two members converge on every stream, live and after one was offline (%s)', async (_name, listen) => {
    const seed = 401
    const random = new SeededRandom(seed)
    const [a, b] = await members(2, seed, undefined, sync, listen)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    const streams = ['wa.1.0', 'wa.2.0', 'wb.1.0']
    // Written before any session: anti-entropy carries them over.
    for (let i = 0; i < 20; i++) write(a, random, 'wa.1.0')
    for (let i = 0; i < 5; i++) write(b, random, 'wb.1.0')
    await waitFor(() => converged([a, b], streams), `first convergence (seed ${seed})`)
    // Live pushes.
    for (let i = 0; i < 50; i++) write(a, random, streams[i % 2] ?? '')
    await waitFor(() => converged([a, b], streams), `live convergence (seed ${seed})`)

    // B goes offline; A keeps writing; B comes back and catches up, and its own writes reach A.
    await b.host.stop()
    for (let i = 0; i < 40; i++) write(a, random, streams[i % 2] ?? '')
    await b.host.start()
    for (let i = 0; i < 7; i++) write(b, random, 'wb.1.0')
    await waitFor(() => converged([a, b], streams), `convergence after the restart (seed ${seed})`)
    expect(heldThroughs(b.store, streams)).toEqual(heldThroughs(a.store, streams))
    expect(heldThroughs(a.store, streams)).toEqual([65, 45, 12])
    // Honest traffic is never refused (a gap is a live push racing a catch-up).
    expect(b.store.outcomes.filter((o) => o !== 'stored' && o !== 'duplicate' && o !== 'gap')).toEqual([])
  })

  it('three members converge after one was offline, each stream from whoever holds it', async () => {
    const seed = 402
    const random = new SeededRandom(seed)
    const all = await members(3, seed)
    const [a, b, c] = all
    if (a === undefined || b === undefined || c === undefined) throw new Error('unreachable')
    const streams = ['wa.1.0', 'wb.1.0', 'wc.1.0']
    for (let i = 0; i < 10; i++)
      for (const [j, member] of all.entries()) write(member, random, streams[j] ?? '')
    await waitFor(() => converged(all, streams), `first convergence (seed ${seed})`)
    // What a removal's cutoffs are made of: the peers' latest summaries, per stream picked.
    await waitFor(
      () => a.service.peerPositions((stream) => stream.startsWith('wb.')).get('wb.1.0') === 10,
      `A sees B's stream at 10 in its peers' summaries (seed ${seed})`,
    )
    expect([...a.service.peerPositions((stream) => stream.startsWith('wb.')).keys()]).toEqual(['wb.1.0'])

    await c.host.stop()
    for (let i = 0; i < 30; i++) {
      write(a, random, 'wa.1.0')
      write(b, random, 'wb.1.0')
    }
    // A's stream reaches C only through B: A is stopped before C returns.
    await waitFor(() => b.store.heldThrough('wa.1.0') === 40, `B holds A's stream (seed ${seed})`)
    await a.host.stop()
    await c.host.start()
    await waitFor(
      () => c.store.heldThrough('wa.1.0') === 40 && c.store.heldThrough('wb.1.0') === 40,
      `C caught up from B (seed ${seed})`,
    )
    await a.host.start()
    write(c, random, 'wc.1.0')
    await waitFor(() => converged(all, streams), `convergence of all three (seed ${seed})`)
    for (const member of all) expect(heldThroughs(member.store, streams)).toEqual([40, 40, 11])
  })

  it('catches up on more streams than a summary lists, a few requests at a time', async () => {
    const seed = 406
    const random = new SeededRandom(seed)
    const options = { ...sync, requestsInFlightMax: 2, summaryStreamsMax: 8, answerBytesMax: 300 }
    const [a, b] = await members(2, seed, undefined, options)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    await b.host.stop()
    const streams = Array.from({ length: 40 }, (_, i) => `wa.${i}.0`)
    for (let i = 0; i < 200; i++) write(a, random, streams[i % streams.length] ?? '')
    await b.host.start()
    await waitFor(() => converged([a, b], streams), `convergence on 40 streams (seed ${seed})`, 60_000)
    expect(heldThroughs(b.store, streams)).toEqual(streams.map(() => 5))
    expect(b.service.stats().requested).toBeGreaterThanOrEqual(40)
  })

  it('answers folded(h, index) for batches it no longer holds, and serves those above h', async () => {
    const seed = 403
    const random = new SeededRandom(seed)
    const [a, b] = await members(2, seed)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    const folds: [string, string, number, number][] = []
    b.service.onFolded((peer, stream, highWater, index) => {
      folds.push([peer, stream, highWater, index])
      // The node takes the folded batches from its Raft log; here C's h simply arrives.
      b.store.fold(stream, highWater, index)
    })
    await b.host.stop()
    for (let i = 0; i < 12; i++) write(a, random, 'wa.1.0')
    a.store.fold('wa.1.0', 8, 77)
    await b.host.start()
    await waitFor(() => b.store.heldThrough('wa.1.0') === 12, `B catches up above h (seed ${seed})`)
    expect(folds[0]).toEqual([a.host.nodeId, 'wa.1.0', 8, 77])
    expect(b.store.contents('wa.1.0')).toEqual(a.store.contents('wa.1.0'))
    expect(a.service.stats().foldedSent).toBeGreaterThan(0)
  })

  it('stops pulling while the backlog is full, drops nothing accepted, and resumes when it has room', async () => {
    const seed = 404
    const random = new SeededRandom(seed)
    const limited = new MemoryStreamStore(2_000)
    const [a, b] = await members(2, seed, [new MemoryStreamStore(), limited])
    if (a === undefined || b === undefined) throw new Error('unreachable')
    await b.host.stop()
    for (let i = 0; i < 60; i++) write(a, random, `wa.${i % 3}.0`)
    const streams = ['wa.0.0', 'wa.1.0', 'wa.2.0']
    await b.host.start()
    await waitFor(() => b.service.stats().pullsPaused > 3, `pulls paused (seed ${seed})`)
    const heldWhenFull = heldThroughs(limited, streams)
    const contentsWhenFull = streams.map((stream) => limited.contents(stream))
    expect(heldWhenFull.reduce((x, y) => x + y, 0)).toBeLessThan(60)
    // Several more rounds while full: nothing more is requested into the store, nothing is dropped.
    const requested = b.service.stats().requested
    const paused = b.service.stats().pullsPaused
    await waitFor(() => b.service.stats().pullsPaused > paused + 3, `more paused rounds (seed ${seed})`)
    expect(b.service.stats().requested).toBe(requested)
    for (const [i, stream] of streams.entries()) {
      expect(limited.contents(stream).slice(0, contentsWhenFull[i]?.length)).toEqual(contentsWhenFull[i])
      expect(limited.contents(stream)).toEqual(
        a.store.contents(stream).slice(0, limited.contents(stream).length),
      )
    }
    // Room again (a fold, or a larger bound): pulling resumes and B converges.
    limited.backlogBytesMax = Number.POSITIVE_INFINITY
    b.service.syncNow()
    await waitFor(() => converged([a, b], streams), `convergence after room (seed ${seed})`)
  })

  it('refuses a peer that is not a member (a sync peer) on /tandem/streams/1', async () => {
    const [member, syncPeer] = await fixture.identities(2)
    if (member === undefined || syncPeer === undefined) throw new Error('unreachable')
    const memberHost = await fixture.node({
      dataDir: member.dataDir,
      members: [member.nodeId],
      syncPeers: [syncPeer.nodeId],
      listen: TCP_ONLY,
    })
    const store = new MemoryStreamStore()
    store.appendOwn('wm.1.0', Uint8Array.of(1, 2, 3))
    await createStreamSyncService(memberHost, store, sync)
    const outsider = await fixture.node({
      dataDir: syncPeer.dataDir,
      members: [syncPeer.nodeId],
      syncPeers: [member.nodeId],
      listen: TCP_ONLY,
      peers: { [member.nodeId]: memberHost.multiaddrs() },
    })
    const refusalsBefore = memberHost.admission.refusals
    const raw = await outsider.libp2p
      .dialProtocol(peerIdFromString(member.nodeId), STREAMS_PROTOCOL, {
        signal: AbortSignal.timeout(10_000),
      })
      .catch(() => null)
    let received = 0
    raw?.addEventListener('message', () => received++)
    const frame = encodeBatches({
      stream: 'wx.1.0',
      batches: [{ sequence: 1, sealed: new Uint8Array(4) }],
      answer: false,
    })
    try {
      raw?.send(lp.encode.single(frame).subarray())
    } catch (error) {
      // The member may have reset the stream already: that is the refusal this test expects.
      if (raw?.status === 'open') throw error
    }
    await waitFor(() => memberHost.admission.refusals > refusalsBefore, 'refusal counted')
    await waitFor(
      () => raw === null || raw.status !== 'open' || raw.remoteWriteStatus === 'closed',
      'stream closed',
    )
    expect(received).toBe(0)
    expect(store.outcomes).toEqual([])
    expect(store.heldThrough('wx.1.0')).toBe(0)
  })

  it('a hostile member sending out-of-order, duplicate or oversized batches changes nothing, and its link survives', async () => {
    const seed = 405
    const random = new SeededRandom(seed)
    const [victimId, hostileId] = await fixture.identities(2)
    if (victimId === undefined || hostileId === undefined) throw new Error('unreachable')
    const ids = [victimId.nodeId, hostileId.nodeId]
    const victimHost = await fixture.node({
      dataDir: victimId.dataDir,
      members: ids,
      listen: TCP_ONLY,
      backoff,
    })
    const victimStore = new MemoryStreamStore()
    const victim = await createStreamSyncService(victimHost, victimStore, { ...sync, batchBytesMax: 1_024 })
    const hostileHost = await fixture.node({
      dataDir: hostileId.dataDir,
      members: ids,
      listen: TCP_ONLY,
      backoff,
      peers: { [victimId.nodeId]: victimHost.multiaddrs() },
    })
    const raw = await hostileHost.libp2p.dialProtocol(peerIdFromString(victimId.nodeId), STREAMS_PROTOCOL)
    let framesBack = 0
    raw.addEventListener('message', () => framesBack++)
    const stream = 'wh.1.0'
    const batch = (sequence: number, bytes = batchBytes(random, stream, sequence)) => ({
      sequence,
      sealed: new Uint8Array(bytes),
    })
    const [one, two, three] = [batch(1), batch(2), batch(3)]
    const send = (batches: ReturnType<typeof batch>[]): void => {
      raw.send(lp.encode.single(encodeBatches({ stream, batches, answer: false })).subarray())
    }
    send([two, three]) // a gap: nothing stored
    send([one, three, two]) // 1 stored, then a gap: nothing past it
    send([one, one]) // duplicates
    send([batch(2, new Uint8Array(1_025))]) // over batchBytesMax: never handed to the store
    send([batch(5)]) // a gap again
    await waitFor(() => victimStore.outcomes.length >= 6, `outcomes recorded (seed ${seed})`)
    await waitFor(() => victim.stats().oversized === 1, 'oversized counted')
    expect(victimStore.outcomes).toEqual(['gap', 'stored', 'gap', 'duplicate', 'duplicate', 'gap'])
    expect(victimStore.contents(stream)).toEqual([Buffer.from(one.sealed).toString('hex')])
    expect(victim.stats().gaps).toBe(3)

    // The stream is still open and still works: the next batch in order is stored.
    send([two])
    await waitFor(() => victimStore.heldThrough(stream) === 2, 'the next batch in order is stored')
    expect(raw.status).toBe('open')
    expect(victimHost.peerMetrics(hostileId.nodeId).streamErrors).toBe(0)
    expect(framesBack).toBeGreaterThan(0) // the victim's summary and its pulls after the gaps

    // A malformed frame closes only that stream; the member's link comes back, and honest sync works.
    raw.send(Uint8Array.of(3, 0xff, 0xff, 0xff))
    await waitFor(
      () => victimHost.peerMetrics(hostileId.nodeId).streamErrors === 1,
      'malformed frame counted',
    )
    // So does a frame announced over the cap (4 MiB against about 1.1 MiB), refused from its prefix.
    const raw2 = await hostileHost.libp2p.dialProtocol(peerIdFromString(victimId.nodeId), STREAMS_PROTOCOL)
    raw2.addEventListener('message', () => {})
    raw2.send(Uint8Array.of(0x80, 0x80, 0x80, 0x02))
    await waitFor(
      () => victimHost.peerMetrics(hostileId.nodeId).streamErrors === 2,
      'oversized frame counted',
    )
    const hostileStore = new MemoryStreamStore()
    hostileStore.appendOwn(stream, one.sealed)
    hostileStore.appendOwn(stream, two.sealed)
    hostileStore.appendOwn(stream, three.sealed)
    await createStreamSyncService(hostileHost, hostileStore, sync)
    await waitFor(() => victimStore.heldThrough(stream) === 3, 'honest sync after the malformed frame')
    expect(victimStore.contents(stream)).toEqual(hostileStore.contents(stream))
  })

  it('a member that claims more than it serves, or a store that refuses for now, makes no request loop', async () => {
    const [victimId, claimerId] = await fixture.identities(2)
    if (victimId === undefined || claimerId === undefined) throw new Error('unreachable')
    const ids = [victimId.nodeId, claimerId.nodeId]
    const victimHost = await fixture.node({
      dataDir: victimId.dataDir,
      members: ids,
      listen: TCP_ONLY,
      backoff,
    })
    const victimStore = new MemoryStreamStore()
    const victim = await createStreamSyncService(victimHost, victimStore, sync)
    const claimerHost = await fixture.node({
      dataDir: claimerId.dataDir,
      members: ids,
      listen: TCP_ONLY,
      backoff,
      peers: { [victimId.nodeId]: victimHost.multiaddrs() },
    })
    const raw = await claimerHost.libp2p.dialProtocol(peerIdFromString(victimId.nodeId), STREAMS_PROTOCOL)
    const limits = { streamIdCharsMax: 256, summaryStreamsMax: 65_536, batchesPerFrameMax: 4_096 }
    const decoder = new FrameDecoder(STREAMS_PROTOCOL, 1 << 20)
    let requests = 0
    const reply = (frame: Uint8Array): void => {
      raw.send(lp.encode.single(frame).subarray())
    }
    raw.addEventListener('message', (event) => {
      for (const frame of decoder.push(event.data)) {
        const decoded = decodeStreamsFrame(frame, limits)
        if (decoded.kind !== 'request') continue
        requests++
        // Claims 1,000 batches of each stream, serves none: an empty answer, or one out of order.
        const stream = decoded.request.stream
        if (stream === 'wc.1.0') reply(encodeBatches({ stream, batches: [], answer: true }))
        else
          reply(
            encodeBatches({ stream, batches: [{ sequence: 9, sealed: new Uint8Array(4) }], answer: true }),
          )
      }
    })
    const claim = encodeSummary([
      { stream: 'wc.1.0', heldThrough: 1_000 },
      { stream: 'wc.2.0', heldThrough: 1_000 },
    ])
    // Three summaries, spread over a few of the victim's rounds: each may cause one request per stream.
    for (let i = 0; i < 3; i++) {
      reply(claim)
      await waitFor(() => requests >= 2 * (i + 1), `requests after summary ${i + 1}`)
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    expect(requests).toBe(6)
    expect(victimStore.heldThrough('wc.1.0')).toBe(0)
    expect(victimStore.heldThrough('wc.2.0')).toBe(0)
    expect(victim.stats().gaps).toBe(3)
  })

  it('does not store a batch of an unknown writer, and fetches it once the writer is known', async () => {
    const seed = 407
    const random = new SeededRandom(seed)
    const picky = new MemoryStreamStore()
    picky.knownWriters = new Set(['wa'])
    const [a, b] = await members(2, seed, [new MemoryStreamStore(), picky])
    if (a === undefined || b === undefined) throw new Error('unreachable')
    for (let i = 0; i < 5; i++) {
      write(a, random, 'wa.1.0')
      write(a, random, 'wz.1.0')
    }
    await waitFor(() => picky.heldThrough('wa.1.0') === 5, `the known writer's stream (seed ${seed})`)
    await waitFor(() => b.service.stats().refusedUnknownKey > 1, `unknown writer refused (seed ${seed})`)
    expect(picky.heldThrough('wz.1.0')).toBe(0)
    picky.knownWriters.add('wz')
    await waitFor(() => converged([a, b], ['wa.1.0', 'wz.1.0']), `fetched once known (seed ${seed})`)
  })

  it('follows membership: a removed member is cut off, and syncs again once added back', async () => {
    const seed = 408
    const random = new SeededRandom(seed)
    const [a, b] = await members(2, seed)
    if (a === undefined || b === undefined) throw new Error('unreachable')
    const both = [a.host.nodeId, b.host.nodeId]
    write(b, random, 'wb.1.0')
    await waitFor(() => a.store.heldThrough('wb.1.0') === 1, `first batch (seed ${seed})`)
    await a.host.setMembers([a.host.nodeId])
    await waitFor(() => !a.service.isSyncing(b.host.nodeId), 'session with the removed member closed')
    for (let i = 0; i < 5; i++) write(b, random, 'wb.1.0')
    // Several of B's rounds: nothing reaches A, by push or by anti-entropy.
    const sessions = b.service.sessionCount(a.host.nodeId)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(a.store.heldThrough('wb.1.0')).toBe(1)
    expect(a.service.sessionCount(b.host.nodeId)).toBe(0)
    await a.host.setMembers(both)
    await waitFor(() => converged([a, b], ['wb.1.0']), `convergence once added back (seed ${seed})`)
    expect(b.service.sessionCount(a.host.nodeId)).toBeGreaterThan(sessions)
  })
})
