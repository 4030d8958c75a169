/**
 * The collections API's reads and change events on a three-node cluster: local reads (V) against
 * linearizable ones (ReadIndex, then C — which does not hold the reader's own unfolded eventual
 * writes), `subscribe` with each origin and without echoes at fold, and the `refused` event for an
 * acknowledged eventual write that a rule committed before its fold refuses.
 */
import { describe, expect, it } from 'vitest'
import type { FeedEvent } from '../src/api/change-feed.js'
import type { MapEvent, RegisterEvent, SetEvent } from '../src/api/handles.js'
import { ApiCluster, type ApiMember } from './api-fixture.js'

const localStrong = { source: 'local', consistency: 'strong' } as const
const remoteStrong = { source: 'remote', consistency: 'strong' } as const
const localEventual = { source: 'local', consistency: 'eventual' } as const
const remoteEventual = { source: 'remote', consistency: 'eventual' } as const

describe('collections API: reads', () => {
  it('local reads V (own unfolded eventual writes included); linearizable reads C after ReadIndex', async () => {
    const cluster = new ApiCluster(21)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const carts = a.collections.map<number>('carts')
    await cluster.settled(carts.set('e', 1, { consistency: 'eventual' }))
    expect(carts.get('e')).toBe(1)
    expect(carts.get('e', { consistency: 'local' })).toBe(1)
    expect(carts.has('e')).toBe(true)
    expect(await cluster.settled(carts.get('e', { consistency: 'linearizable' }))).toBeUndefined()
    expect(await cluster.settled(carts.has('e', { consistency: 'linearizable' }))).toBe(false)

    // A strong write completed on b before the read began is in a's linearizable read.
    await cluster.settled(b.collections.map<number>('carts').set('s', 2, { consistency: 'strong' }))
    expect(await cluster.settled(carts.get('s', { consistency: 'linearizable' }))).toBe(2)

    await cluster.fold(a)
    expect(await cluster.settled(carts.get('e', { consistency: 'linearizable' }))).toBe(1)
    expect(await cluster.settled(carts.has('e', { consistency: 'linearizable' }))).toBe(true)

    const tags = a.collections.set<string>('tags')
    await cluster.settled(tags.add('t', { consistency: 'eventual' }))
    expect(tags.has('t')).toBe(true)
    expect(await cluster.settled(tags.has('t', { consistency: 'linearizable' }))).toBe(false)
    const motd = b.collections.register<string>('motd')
    await cluster.settled(motd.set('hi', { consistency: 'strong' }))
    expect(
      await cluster.settled(a.collections.register<string>('motd').get({ consistency: 'linearizable' })),
    ).toBe('hi')
    expect(() => carts.get('e', { consistency: 'stale' } as never)).toThrow(RangeError)
    await cluster.stop()
  })
})

describe('collections API: subscribe', () => {
  it('reports each change of V once, with its origin, and nothing when a fold brings what V showed', async () => {
    const cluster = new ApiCluster(22)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const carts = a.collections.map<number>('carts')
    const events: MapEvent<number>[] = []
    const unsubscribe = carts.subscribe((event) => events.push(event))
    const change = (key: string, value: number | undefined, origin: object) => ({
      kind: 'change',
      collection: 'carts',
      key,
      value,
      origin,
    })

    await cluster.settled(carts.set('k1', 1, { consistency: 'strong' }))
    await cluster.settled(b.collections.map<number>('carts').set('k2', 2, { consistency: 'strong' }))
    await cluster.caughtUp()
    await cluster.settled(carts.set('k3', 3, { consistency: 'eventual' }))
    expect(events).toEqual([
      change('k1', 1, localStrong),
      change('k2', 2, remoteStrong),
      change('k3', 3, localEventual),
    ])

    await cluster.settled(b.collections.map<number>('carts').set('k4', 4, { consistency: 'eventual' }))
    cluster.push(b, a)
    await cluster.run(1)
    expect(events.at(-1)).toEqual(change('k4', 4, remoteEventual))

    // The folds bring into C what V showed already: no event.
    const before = events.length
    cluster.push(a, cluster.leader())
    await cluster.fold(b)
    expect(events).toHaveLength(before)

    // A remote batch V never held reaches V through its fold.
    const c = cluster.members[2] as ApiMember
    await cluster.settled(c.collections.map<number>('carts').set('k5', 5, { consistency: 'eventual' }))
    await cluster.fold(c)
    expect(events.at(-1)).toEqual(change('k5', 5, remoteEventual))

    await cluster.settled(carts.delete('k1', { consistency: 'strong' }))
    expect(events.at(-1)).toEqual(change('k1', undefined, localStrong))
    unsubscribe()
    await cluster.settled(carts.set('k6', 6, { consistency: 'strong' }))
    expect(events.map((event) => (event.kind === 'change' ? event.key : null))).not.toContain('k6')
    await cluster.stop()
  })

  it('reports set elements added and removed, and register values, with their origins', async () => {
    const cluster = new ApiCluster(23)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const tags = a.collections.set<string>('tags')
    const tagEvents: SetEvent<string>[] = []
    tags.subscribe((event) => tagEvents.push(event))
    const motd = a.collections.register<string>('motd')
    const motdEvents: RegisterEvent<string>[] = []
    motd.subscribe((event) => motdEvents.push(event))

    await cluster.settled(tags.add('red', { consistency: 'eventual' }))
    await cluster.settled(b.collections.set<string>('tags').add('blue', { consistency: 'strong' }))
    await cluster.caughtUp()
    await cluster.settled(tags.delete('red', { consistency: 'eventual' }))
    await cluster.settled(motd.set('hello', { consistency: 'strong' }))
    await cluster.settled(b.collections.register<string>('motd').set('hi', { consistency: 'strong' }))
    await cluster.caughtUp()
    expect(tagEvents).toEqual([
      { kind: 'change', collection: 'tags', element: 'red', present: true, origin: localEventual },
      { kind: 'change', collection: 'tags', element: 'blue', present: true, origin: remoteStrong },
      { kind: 'change', collection: 'tags', element: 'red', present: false, origin: localEventual },
    ])
    expect(motdEvents).toEqual([
      { kind: 'change', collection: 'motd', value: 'hello', origin: localStrong },
      { kind: 'change', collection: 'motd', value: 'hi', origin: remoteStrong },
    ])
    await cluster.stop()
  })

  it('tells the writer when a rule committed before the fold refuses its acknowledged eventual write', async () => {
    const cluster = new ApiCluster(24)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const aEvents: MapEvent<number>[] = []
    a.collections.map<number>('stock').subscribe((event) => aEvents.push(event))
    const bEvents: MapEvent<number>[] = []
    b.collections.map<number>('stock').subscribe((event) => bEvents.push(event))

    const ack = await cluster.settled(
      a.collections.map<number>('stock').set('apples', 3, { consistency: 'eventual' }),
    )
    expect(aEvents).toEqual([
      { kind: 'change', collection: 'stock', key: 'apples', value: 3, origin: localEventual },
    ])
    // b declares the collection strong before a's batch folds: V stops showing the write at once
    // (reported as b's strong change), and the fold refuses it (reported to a, its writer, only).
    await cluster.settled(b.collections.map<number>('stock', { writes: 'strong' }).ready)
    await cluster.caughtUp()
    expect(a.collections.map<number>('stock').get('apples')).toBeUndefined()
    expect(aEvents.at(-1)).toEqual({
      kind: 'change',
      collection: 'stock',
      key: 'apples',
      value: undefined,
      origin: remoteStrong,
    })
    await cluster.fold(a)
    expect(aEvents.at(-1)).toEqual({
      kind: 'refused',
      collection: 'stock',
      writeId: ack.writeId,
      reason: 'collection-refuses-eventual',
    })
    expect(aEvents.filter((event) => event.kind === 'refused')).toHaveLength(1)
    expect(bEvents.filter((event) => event.kind === 'refused')).toHaveLength(0)
    await cluster.stop()
  })

  it('serves several subscribers of one collection, each until it unsubscribes', async () => {
    const cluster = new ApiCluster(25)
    await cluster.start()
    const [a] = cluster.members as [ApiMember]
    const first: FeedEvent[] = []
    const second: FeedEvent[] = []
    const carts = a.collections.map<number>('carts')
    const stopFirst = carts.subscribe((event) => first.push(event as FeedEvent))
    a.collections.map<number>('carts').subscribe((event) => second.push(event as FeedEvent))
    await cluster.settled(carts.set('x', 1, { consistency: 'eventual' }))
    stopFirst()
    await cluster.settled(carts.set('y', 2, { consistency: 'eventual' }))
    expect(first).toHaveLength(1)
    expect(second).toHaveLength(2)
    await cluster.stop()
  })

  it('follows C and V across a restored snapshot: the new values are reported, later writes too', async () => {
    const cluster = new ApiCluster(26)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const big = 'v'.repeat(1000)
    for (let round = 0; round < 8; round++) {
      const carts = cluster.members[round % 3]?.collections.map<string>('carts')
      const writes = Array.from({ length: 25 }, (_, i) =>
        carts?.set(`k${i}`, `${round}:${big}`, { consistency: 'strong' }),
      )
      await cluster.settled(Promise.all(writes))
    }
    await cluster.caughtUp()
    expect(a.storage.snapshot().metadata.index).toBeGreaterThan(0)
    const events: MapEvent<string>[] = []
    // Subscribed before the restarted core restores its stored snapshot (C and V replaced).
    await cluster.restart(a, () => {
      a.collections.map<string>('carts').subscribe((event) => events.push(event))
    })
    await cluster.caughtUp()
    const keys = new Set(events.map((event) => (event.kind === 'change' ? event.key : null)))
    expect(keys).toEqual(new Set(Array.from({ length: 25 }, (_, i) => `k${i}`)))
    // The snapshot's values, then the replayed log after it: each key ends at the last round.
    const last = new Map(events.map((event) => [event.kind === 'change' ? event.key : '', event]))
    for (const event of last.values()) expect(event).toMatchObject({ kind: 'change', value: `7:${big}` })
    await cluster.settled(b.collections.map<string>('carts').set('k0', 'after', { consistency: 'strong' }))
    await cluster.caughtUp()
    expect(events.at(-1)).toEqual({
      kind: 'change',
      collection: 'carts',
      key: 'k0',
      value: 'after',
      origin: remoteStrong,
    })
    await cluster.stop()
  })
})
