import { describe, expect, it } from 'vitest'
import {
  type ChangeEvent,
  type Delta,
  joinDeltas,
  Replica,
  SyncProtocolError,
  SyncSession,
} from '../src/index.js'
import { VirtualClock } from './helpers.js'

describe('Replica', () => {
  it('breaks equal-stamp ties by node id, the same way on both sides', () => {
    const a = new Replica({ node: 'node-a', now: () => 5 })
    const b = new Replica({ node: 'node-b', now: () => 5 })
    const fromA = a.register<string>('r').set('a')
    const fromB = b.register<string>('r').set('b')
    a.apply(fromB)
    b.apply(fromA)
    expect(a.register('r').get()).toBe('b')
    expect(b.register('r').get()).toBe('b')
  })

  it('a later delete beats an earlier write and an earlier delete loses to a later write', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'a', now: clock.now })
    const b = new Replica({ node: 'b', now: clock.now })
    const write = a.map('m').set('k', 1)
    clock.advance(1)
    const remove = b.map('m').delete('k')
    a.apply(remove)
    b.apply(write)
    expect(a.map('m').has('k')).toBe(false)
    expect(b.map('m').has('k')).toBe(false)
    clock.advance(1)
    b.apply(a.map('m').set('k', 2))
    expect(b.map('m').get('k')).toBe(2)
  })

  it('reports changes with their origin, and remote ones with the peer', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'a', now: clock.now })
    const b = new Replica({ node: 'b', now: clock.now })
    const events: ChangeEvent[] = []
    b.onChange((event) => events.push(event))
    b.map('m').set('mine', 1)
    b.apply(a.map('m').set('theirs', 2), { origin: 'remote', peer: 'a' })
    b.apply(a.set('s').add('x'), { origin: 'remote', peer: 'a' })
    expect(
      events.map((event) => [event.origin, event.peer, event.changes.map((change) => change.key)]),
    ).toEqual([
      ['local', undefined, ['mine']],
      ['remote', 'a', ['theirs']],
      ['remote', 'a', ['sx']],
    ])
  })

  it('does not announce a delta it already has', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'a', now: clock.now })
    const b = new Replica({ node: 'b', now: clock.now })
    const updates: Delta[] = []
    b.onUpdate((delta) => updates.push(delta))
    const delta = a.map('m').set('k', 1)
    b.apply(delta)
    b.apply(delta)
    expect(updates).toHaveLength(1)
  })

  it('batches a transaction into one delta and one event', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'a', now: clock.now })
    const events: ChangeEvent[] = []
    const updates: Delta[] = []
    a.onChange((event) => events.push(event))
    a.onUpdate((delta) => updates.push(delta))
    const delta = a.transact(() => {
      a.map('m').set('x', 1)
      a.map('m').set('x', 2)
      a.set('s').add('y')
    })
    expect(events).toHaveLength(1)
    expect(updates).toEqual([delta])
    const b = new Replica({ node: 'b', now: clock.now })
    b.apply(delta)
    expect(b.map('m').get('x')).toBe(2)
    expect(b.set('s').has('y')).toBe(true)
    expect(b.encodeState()).toEqual(a.encodeState())
  })

  it('joins deltas into one that merges like all of them', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'a', now: clock.now })
    const deltas = [
      a.map('m').set('x', 1),
      a.set('s').add('y'),
      a.set('s').delete('y'),
      a.map('m').delete('x'),
    ]
    const b = new Replica({ node: 'b', now: clock.now })
    b.apply(joinDeltas(deltas))
    expect(b.encodeState()).toEqual(a.encodeState())
  })
})

describe('SyncSession', () => {
  function pair(clock: VirtualClock, members?: string[]) {
    const a = new Replica({ node: 'A', now: clock.now, ...(members ? { members } : {}) })
    const b = new Replica({ node: 'B', now: clock.now, ...(members ? { members } : {}) })
    const sa = new SyncSession(a, { peer: 'B' })
    const sb = new SyncSession(b, { peer: 'A' })
    const exchange = () => {
      let toB = [...sa.start(), ...sa.drain()]
      let toA = sb.drain()
      for (let round = 0; round < 5 && toB.length + toA.length > 0; round++) {
        const nextA = toB.flatMap((message) => sb.receive(message))
        const nextB = toA.flatMap((message) => sa.receive(message))
        toA = nextA
        toB = nextB
      }
    }
    return { a, b, sa, sb, exchange }
  }

  it('sends only what the other side lacks in step 2', () => {
    const clock = new VirtualClock()
    const { a, b, sa, sb, exchange } = pair(clock)
    for (let index = 0; index < 100; index++) a.map('m').set(`k${index}`, index)
    exchange()
    sa.drain()
    sb.drain()
    a.map('m').set('new', 1)
    const [step1] = sb.start()
    const [step2] = sa.receive(step1 as never)
    expect(step2?.type).toBe('sync-step-2')
    const delta = (step2 as { delta: Delta }).delta
    expect(delta.collections[0]?.entries.map((entry) => entry.key)).toEqual(['new'])
    expect(b.map('m').size).toBe(100)
  })

  it('forwards local changes as updates but never echoes what the peer sent', () => {
    const clock = new VirtualClock()
    const { a, b, sa, sb, exchange } = pair(clock)
    exchange()
    a.map('m').set('x', 1)
    const updates = sa.drain()
    expect(updates).toHaveLength(1)
    for (const update of updates) sb.receive(update)
    expect(b.map('m').get('x')).toBe(1)
    expect(sb.drain()).toEqual([])
  })

  it('collects tombstones once both members acknowledged them', () => {
    const clock = new VirtualClock()
    const { a, b, exchange } = pair(clock, ['A', 'B'])
    a.map('m').set('x', 1)
    exchange()
    a.map('m').delete('x')
    clock.advance(5)
    b.register('r').set('later') // a later stamp: the tombstone is no longer the high-water mark
    exchange()
    exchange()
    expect(a.tombstoneCount).toBe(0)
    expect(b.tombstoneCount).toBe(0)
    expect(a.encodeState()).toEqual(b.encodeState())
  })

  it('keeps the tombstone with the greatest stamp, so a restart onto a slower clock stamps above it', () => {
    // Regression (found by @tandem/sim, CRDT seed 13807): once that tombstone was collected, a
    // replica restored from its saved state resumed its HLC below its own earlier delete.
    const clock = new VirtualClock()
    const { a, b, exchange } = pair(clock, ['A', 'B'])
    a.map('m').set('x', 1)
    exchange()
    const deleted = a.map('m').delete('x')
    exchange()
    exchange()
    expect(a.tombstoneCount).toBe(1)
    expect(b.tombstoneCount).toBe(1)
    expect(a.encodeState()).toEqual(b.encodeState())
    const restarted = new Replica({ node: 'A', now: () => clock.nowMs - 10_000 })
    restarted.applyUpdate(a.encodeState())
    const later = restarted.map('m').set('x', 2)
    const stamp = (delta: Delta) => {
      const entry = delta.collections[0]?.entries[0]
      return [entry?.wallMs ?? 0, entry?.logical ?? 0] as const
    }
    const [deletedWall, deletedLogical] = stamp(deleted)
    const [laterWall, laterLogical] = stamp(later)
    expect(laterWall > deletedWall || (laterWall === deletedWall && laterLogical > deletedLogical)).toBe(true)
  })

  it('keeps tombstones while a member has not acknowledged', () => {
    const clock = new VirtualClock()
    const { a, exchange } = pair(clock, ['A', 'B', 'C'])
    a.map('m').set('x', 1)
    a.map('m').delete('x')
    exchange()
    exchange()
    expect(a.tombstoneCount).toBe(1)
  })

  it('refuses messages after close and syncing with itself', () => {
    const clock = new VirtualClock()
    const { a, sa } = pair(clock)
    sa.close()
    expect(() => sa.start()).toThrow(SyncProtocolError)
    expect(() => new SyncSession(a, { peer: 'A' })).toThrow(SyncProtocolError)
  })
})
