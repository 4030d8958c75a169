import { describe, expect, it } from 'vitest'
import {
  ClockDriftError,
  clampDelta,
  type Delta,
  InvalidDeltaError,
  InvalidValueError,
  Replica,
  StaleDotError,
  type SyncMessage,
  SyncProtocolError,
  SyncSession,
  type WriteAt,
} from '../src/index.js'
import { hex, VirtualClock } from './helpers.js'

// The hooks the hybrid node needs from crdt (issue 12, build order step 1): writes at an explicit
// stamp and dot, the clamp, the merge that never refuses for time, and acks after persistence.

const T0 = 1_700_000_000_000

function strongAt(k: number, wallMs: number, logical = 0): WriteAt {
  return { node: `log:${Math.floor(k / 2 ** 31)}`, seq: (k % 2 ** 31) + 1, wallMs, logical }
}

describe('writes at an explicit stamp and dot', () => {
  it('map set and delete take the given stamp and dot, and other replicas converge on them', () => {
    const clock = new VirtualClock()
    const committed = new Replica({ node: 'C', now: clock.now })
    const other = new Replica({ node: 'O', now: clock.now })
    const set = committed.map<number>('stock').set('sku', 7, strongAt(0, T0 + 5, 2))
    expect(set.nodes).toEqual(['log:0'])
    expect(set.ranges).toEqual([[1, 1]])
    expect(set.collections[0]?.entries[0]).toMatchObject({ key: 'sku', seq: 1, wallMs: T0 + 5, logical: 2 })
    const removal = committed.map<number>('stock').delete('sku', strongAt(1, T0 + 6))
    other.apply(set)
    other.apply(removal)
    expect(committed.map('stock').has('sku')).toBe(false)
    expect(hex(other.encodeState())).toBe(hex(committed.encodeState()))
    // The dense counter keeps the strong id's context one range.
    expect(committed.context()).toEqual({ nodes: ['log:0'], ranges: [[1, 2]] })
  })

  it('a register write at a stamp loses to a later stamp and beats an earlier one', () => {
    const replica = new Replica({ node: 'C', now: () => T0 })
    replica.register<string>('r').set('eventual', { node: 'W', seq: 1, wallMs: T0 + 100, logical: 0 })
    replica.register<string>('r').set('strong-early', strongAt(0, T0 + 50))
    expect(replica.register('r').get()).toBe('eventual')
    replica.register<string>('r').set('strong-late', strongAt(1, T0 + 100, 1))
    expect(replica.register('r').get()).toBe('strong-late')
    replica.register('r').clear(strongAt(2, T0 + 101))
    expect(replica.register('r').get()).toBeUndefined()
  })

  it('set add supersedes the observed dots; set delete consumes its dot even when the element is absent', () => {
    const clock = new VirtualClock()
    const writer = new Replica({ node: 'W', now: clock.now })
    const committed = new Replica({ node: 'C', now: clock.now })
    committed.apply(writer.set('tags').add('x'))
    const add = committed.set('tags').add('x', strongAt(0, T0))
    expect(add.nodes.slice().sort()).toEqual(['W', 'log:0'])
    writer.apply(add)
    expect([...writer.set('tags')]).toEqual(['x'])
    const remove = committed.set('tags').delete('x', strongAt(1, T0))
    const absent = committed.set('tags').delete('never-added', strongAt(2, T0))
    expect(absent.ranges).toEqual([[3, 3]])
    writer.apply(remove)
    writer.apply(absent)
    expect(writer.set('tags').has('x')).toBe(false)
    expect(committed.context().ranges[committed.context().nodes.indexOf('log:0')]).toEqual([1, 3])
    expect(hex(writer.encodeState())).toBe(hex(committed.encodeState()))
  })

  it('the clock observes an explicit stamp, so later local writes beat it', () => {
    const replica = new Replica({ node: 'C', now: () => T0 })
    replica.map('m').set('k', 'strong', strongAt(0, T0 + 10_000, 4))
    const local = replica.map('m').set('k', 'local')
    expect(local.collections[0]?.entries[0]).toMatchObject({ wallMs: T0 + 10_000, logical: 5 })
    expect(replica.map('m').get('k')).toBe('local')
  })

  it('refuses a dot that is not above every dot of that id seen, and malformed stamps, changing nothing', () => {
    const replica = new Replica({ node: 'C', now: () => T0 })
    replica.map('m').set('a', 1, strongAt(4, T0))
    const before = hex(replica.encodeState())
    expect(() => replica.map('m').set('b', 2, strongAt(4, T0))).toThrow(StaleDotError)
    expect(() => replica.map('m').set('b', 2, strongAt(2, T0))).toThrow(StaleDotError)
    expect(() => replica.map('m').set('b', 2, { node: '', seq: 9, wallMs: 0, logical: 0 })).toThrow(
      InvalidValueError,
    )
    expect(() => replica.map('m').set('b', 2, { node: 'x', seq: 0, wallMs: 0, logical: 0 })).toThrow(
      InvalidValueError,
    )
    expect(() => replica.set('s').add('e', { node: 'x', seq: 2 ** 32, wallMs: 0, logical: 0 })).toThrow(
      InvalidValueError,
    )
    expect(() => replica.map('m').set('b', 2, { node: 'x', seq: 1, wallMs: 1.5, logical: 0 })).toThrow(
      InvalidValueError,
    )
    expect(hex(replica.encodeState())).toBe(before)
  })

  it('announces the write as local, inside and outside transactions', () => {
    const replica = new Replica({ node: 'C', now: () => T0 })
    const origins: string[] = []
    replica.onUpdate((_delta, origin) => origins.push(origin.origin))
    replica.map('m').set('a', 1, strongAt(0, T0))
    const joined = replica.transact(() => {
      replica.map('m').set('b', 2, strongAt(1, T0))
      replica.set('s').add('x', strongAt(2, T0))
    })
    expect(origins).toEqual(['local', 'local'])
    const other = new Replica({ node: 'O', now: () => T0 })
    other.apply(joined)
    expect(other.map('m').get('b')).toBe(2)
    expect(other.set('s').has('x')).toBe(true)
  })
})

describe('clamping', () => {
  function writeAhead(wallMs: number): Delta {
    return new Replica({ node: 'W', now: () => wallMs }).map('m').set('k', 'ahead')
  }

  it('merges stamps above the bound at (bound, their logical), identically on every node', () => {
    const bound = T0 + 60_000
    const delta = writeAhead(T0 + 86_400_000)
    const clamped = clampDelta(delta, bound)
    expect(clamped.collections[0]?.entries[0]).toMatchObject({ wallMs: bound, logical: 0 })
    expect(delta.collections[0]?.entries[0]?.wallMs).toBe(T0 + 86_400_000)
    const left = new Replica({ node: 'L', now: () => T0 - 5_000 })
    const right = new Replica({ node: 'R', now: () => T0 + 5_000 })
    for (const replica of [left, right])
      replica.apply(delta, undefined, { stampBoundMs: bound, drift: 'cap' })
    expect(hex(left.encodeState())).toBe(hex(right.encodeState()))
    expect(left.state().collections[0]?.entries[0]?.wallMs).toBe(bound)
    // A later write at the bound by another id, with a larger logical, beats the clamped one.
    left.map('m').set('k', 'strong', { node: 'log:0', seq: 1, wallMs: bound, logical: 1 })
    expect(left.map('m').get('k')).toBe('strong')
  })

  it('returns the delta itself when nothing exceeds the bound', () => {
    const delta = writeAhead(T0)
    expect(clampDelta(delta, T0)).toBe(delta)
  })
})

describe('merge without a drift check', () => {
  it("'cap' never refuses; the clock observes the stamp capped at local clock + driftMsMax", () => {
    const far = new Replica({ node: 'W', now: () => T0 + 86_400_000 }).map('m').set('k', 1)
    const refusing = new Replica({ node: 'A', now: () => T0 })
    expect(() => refusing.apply(far)).toThrow(ClockDriftError)
    expect(refusing.map('m').has('k')).toBe(false)
    const capped = new Replica({ node: 'B', now: () => T0, driftMsMax: 1_000 })
    capped.apply(far, undefined, { drift: 'cap' })
    expect(capped.map('m').get('k')).toBe(1)
    expect(capped.clock.wallMs).toBe(T0 + 1_000)
    const next = capped.map('m').set('j', 2)
    expect(next.collections[0]?.entries[0]).toMatchObject({ wallMs: T0 + 1_000, logical: 1 })
  })

  it('a stamp within the bound is observed as it is', () => {
    const near = new Replica({ node: 'W', now: () => T0 + 500 }).map('m').set('k', 1)
    const replica = new Replica({ node: 'B', now: () => T0, driftMsMax: 1_000 })
    replica.apply(near, undefined, { drift: 'cap' })
    expect(replica.clock.wallMs).toBe(T0 + 500)
  })
})

describe('applyBatch', () => {
  it('one invalid delta: none of the batch merges', () => {
    const clock = new VirtualClock()
    const writer = new Replica({ node: 'W', now: clock.now })
    const good = writer.map('m').set('a', 1)
    const forged = new Replica({ node: 'X', now: clock.now }).map('m').set('b', 2)
    const target = new Replica({ node: 'T', now: clock.now })
    expect(() => target.applyBatch([good, forged], undefined, { writerIds: ['W'] })).toThrow(
      InvalidDeltaError,
    )
    expect(target.map('m').size).toBe(0)
    target.applyBatch([good], undefined, { writerIds: ['W'] })
    expect(target.map('m').get('a')).toBe(1)
  })

  it('with the drift check, one stamp too far ahead refuses the whole batch', () => {
    const target = new Replica({ node: 'T', now: () => T0 })
    const good = new Replica({ node: 'W', now: () => T0 }).map('m').set('a', 1)
    const ahead = new Replica({ node: 'V', now: () => T0 + 3_600_000 }).map('m').set('b', 2)
    expect(() => target.applyBatch([good, ahead])).toThrow(ClockDriftError)
    expect(target.map('m').size).toBe(0)
  })
})

describe("SyncSession with acknowledge: 'persisted'", () => {
  function pair(): { a: Replica; b: Replica; sa: SyncSession; sb: SyncSession } {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'A', now: clock.now })
    const b = new Replica({ node: 'B', now: clock.now })
    a.map('m').set('k', 1)
    return {
      a,
      b,
      sa: new SyncSession(a, { peer: 'B' }),
      sb: new SyncSession(b, { peer: 'A', acknowledge: 'persisted' }),
    }
  }

  it('sends the ack only after the receiver confirms persistence, with the context it had then', () => {
    const { a, b, sa, sb } = pair()
    const fromB = sb.start()
    const fromA = fromB.flatMap((message) => sa.receive(message))
    const step2 = fromA.filter((message) => message.type === 'sync-step-2')
    expect(step2).toHaveLength(1)
    const replies = sb.receive(step2[0] as SyncMessage)
    expect(replies.filter((message) => message.type === 'ack')).toEqual([])
    expect(b.map('m').get('k')).toBe(1)
    const upTo = sb.appliedCount
    expect(upTo).toBe(1)
    // B writes more before its fsync completes: the ack must not report it.
    b.map('m').set('later', 2)
    const acks = sb.persisted(upTo)
    expect(acks).toHaveLength(1)
    const ack = acks[0] as Extract<SyncMessage, { type: 'ack' }>
    expect(ack.context.nodes).toEqual(['A'])
    expect(sb.persisted(upTo)).toEqual([])
    expect(sa.receive(ack)).toEqual([])
    expect(a.map('m').get('k')).toBe(1)
  })

  it('confirming a later count releases only the newest covered ack', () => {
    const { sa, sb } = pair()
    for (let round = 0; round < 2; round++) {
      const step2 = sb
        .start()
        .flatMap((message) => sa.receive(message))
        .filter((message) => message.type === 'sync-step-2')
      for (const message of step2) sb.receive(message)
    }
    expect(sb.appliedCount).toBe(2)
    expect(sb.persisted(2)).toHaveLength(1)
    expect(sb.persisted(2)).toHaveLength(0)
  })

  it('refuses persisted() beyond what was applied, or without the option', () => {
    const { sa, sb } = pair()
    expect(() => sb.persisted(1)).toThrow(SyncProtocolError)
    expect(() => sa.persisted(0)).toThrow(SyncProtocolError)
  })

  it("the default ('applied') still acks in the reply to step 2", () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'A', now: clock.now })
    const b = new Replica({ node: 'B', now: clock.now })
    const sa = new SyncSession(a, { peer: 'B' })
    const sb = new SyncSession(b, { peer: 'A' })
    const step2 = sb.start().flatMap((message) => sa.receive(message))
    const replies = step2.filter((m) => m.type === 'sync-step-2').flatMap((m) => sb.receive(m))
    expect(replies.map((message) => message.type)).toEqual(['ack'])
  })
})
