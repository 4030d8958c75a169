/**
 * The collections API's writes on a three-node cluster: each write kind with its result, each
 * refusal as its typed error (at the writer and at apply), declarations and their conflicts,
 * conditional writes, the bounded counter under concurrent writers on every node, and idempotent
 * retries (within an incarnation and across a restart).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CollectionConflictError,
  ConditionalNeedsStrongCollectionError,
  ConsistencyNotAllowedError,
  IdempotencyKeyReuseError,
  NotAWriterError,
} from '../src/api/errors.js'
import type { ConditionalWrite } from '../src/api/handles.js'
import { operationHash } from '../src/api/operation-hash.js'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import { BacklogFullError, NoQuorumError } from '../src/compose/errors.js'
import { defaultClusterConstants } from '../src/core/control.js'
import type { WriterKey } from '../src/core/ids.js'
import { ApiCluster, type ApiMember, NO_QUORUM_MS } from './api-fixture.js'

describe('collections API: writes', () => {
  it('strong and eventual writes of every kind resolve with their results and reach every node', async () => {
    const cluster = new ApiCluster(11)
    await cluster.start()
    const writer = cluster.followers()[0] as ApiMember
    const carts = writer.collections.map<number>('carts')
    await cluster.settled(carts.ready)

    const strong = await cluster.settled(carts.set('alice', 3, { consistency: 'strong' }))
    expect(strong).toMatchObject({ consistency: 'strong', applied: true, replayed: false })
    expect(strong.fencingToken).toBe(BigInt(strong.index) << 32n)
    expect(strong.writeId).toBe(`${writer.key}.${strong.writeId.split('.')[1]}.strong/1/0`)
    expect(strong.term).toBeGreaterThan(0)

    const eventual = await cluster.settled(carts.set('bob', 1, { consistency: 'eventual' }))
    expect(eventual).toEqual({
      consistency: 'eventual',
      stamp: expect.objectContaining({ wallMs: expect.any(Number) }),
      writeId: `${writer.core.stream}/1/0`,
    })
    await cluster.settled(carts.delete('alice', { consistency: 'strong' }))
    await cluster.settled(carts.delete('bob', { consistency: 'eventual' }))
    await cluster.settled(carts.set('carol', 7, { consistency: 'eventual' }))

    const tags = writer.collections.set<string>('tags')
    await cluster.settled(tags.add('red', { consistency: 'strong' }))
    await cluster.settled(tags.add('blue', { consistency: 'eventual' }))
    await cluster.settled(tags.add('green', { consistency: 'strong' }))
    await cluster.settled(tags.delete('green', { consistency: 'strong' }))
    await cluster.settled(tags.add('yellow', { consistency: 'eventual' }))
    await cluster.settled(tags.delete('yellow', { consistency: 'eventual' }))
    // A strong delete removes the adds C holds at its index: a pending (unfolded) add survives it.
    await cluster.settled(tags.add('purple', { consistency: 'eventual' }))
    await cluster.settled(tags.delete('purple', { consistency: 'strong' }))

    const motd = writer.collections.register<string>('motd')
    await cluster.settled(motd.set('hello', { consistency: 'strong' }))
    await cluster.settled(motd.set('hi', { consistency: 'eventual' }))

    await cluster.fold(writer)
    for (const member of cluster.members) {
      const { collections } = member
      expect([...collections.map<number>('carts').entries()]).toEqual([['carol', 7]])
      expect(collections.map('carts').size).toBe(1)
      expect(new Set(collections.set<string>('tags').values())).toEqual(new Set(['red', 'blue', 'purple']))
      expect(collections.set('tags').size).toBe(3)
      expect(collections.set<string>('tags').has('green')).toBe(false)
      expect(collections.set<string>('tags').has('yellow')).toBe(false)
      expect(collections.register<string>('motd').get()).toBe('hi')
    }
    await cluster.stop()
  })

  it('declares a collection through the log; an equal declaration is ready without a write, another conflicts', async () => {
    const cluster = new ApiCluster(12)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const stock = a.collections.map<number>('stock', { writes: 'strong' })
    await cluster.settled(stock.ready)
    await cluster.caughtUp()
    expect(b.core.committed.data?.collections.rules('stock')).toEqual({ writes: 'strong', writers: null })

    const strongBefore = b.core.committed.data?.strongCount
    const equal = b.collections.map<number>('stock', { writes: 'strong' })
    await cluster.settled(equal.ready)
    // C held an equal declaration: nothing was proposed.
    expect(b.core.committed.data?.strongCount).toBe(strongBefore)

    const other = b.collections.map<number>('stock', { writes: 'both' })
    const conflict = await cluster.rejection(other.ready)
    expect(conflict).toBeInstanceOf(CollectionConflictError)
    expect(conflict).toMatchObject({
      code: 'NODE_COLLECTION_CONFLICT',
      collection: 'stock',
      requested: { writes: 'both', writers: null },
      declared: { writes: 'strong', writers: null },
    })
    // Every write through the conflicting handle rejects with it; a handle without options writes.
    expect(await cluster.rejection(other.set('x', 1, { consistency: 'strong' }))).toBe(conflict)
    expect(await cluster.rejection(other.set('x', 1, { consistency: 'eventual' }))).toBe(conflict)
    const plain = b.collections.map<number>('stock')
    expect((await cluster.settled(plain.set('x', 1, { consistency: 'strong' }))).applied).toBe(true)
    await cluster.stop()
  })

  it('of two different declarations proposed at once from two nodes, exactly one wins', async () => {
    const cluster = new ApiCluster(13)
    await cluster.start()
    const [a, b, c] = cluster.members as [ApiMember, ApiMember, ApiMember]
    const first = a.collections.set<string>('roles', { writes: 'strong', writers: [a.key] })
    const second = b.collections.set<string>('roles', { writes: 'eventual' })
    const outcomes = await cluster.settled(Promise.allSettled([first.ready, second.ready]))
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(CollectionConflictError)
    await cluster.caughtUp()
    const rules = cluster.members.map((m) => m.core.committed.data?.collections.rules('roles'))
    expect(new Set(rules.map((r) => JSON.stringify(r))).size).toBe(1)
    expect(c.core.committed.data?.collections.isDeclared('roles')).toBe(true)
    await cluster.stop()
  })

  it('maps each rule refusal to its typed error, at the writer and while the declaration is pending', async () => {
    const cluster = new ApiCluster(14)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const stock = a.collections.map<number>('stock', { writes: 'strong' })
    // Before the declaration applies, an eventual write is checked against the requested rules.
    const early = await cluster.rejection(stock.set('x', 1, { consistency: 'eventual' }))
    expect(early).toBeInstanceOf(ConsistencyNotAllowedError)
    await cluster.settled(stock.ready)
    await cluster.caughtUp()

    const eventualToStrong = await cluster.rejection(
      b.collections.map<number>('stock').set('x', 1, { consistency: 'eventual' }),
    )
    expect(eventualToStrong).toBeInstanceOf(ConsistencyNotAllowedError)
    expect(eventualToStrong).toMatchObject({
      code: 'NODE_CONSISTENCY_NOT_ALLOWED',
      collection: 'stock',
      consistency: 'eventual',
    })

    const presence = b.collections.map<string>('presence', { writes: 'eventual' })
    await cluster.settled(presence.ready)
    const strongToEventual = await cluster.rejection(presence.set('b', 'here', { consistency: 'strong' }))
    expect(strongToEventual).toMatchObject({ code: 'NODE_CONSISTENCY_NOT_ALLOWED', consistency: 'strong' })

    const ledger = a.collections.map<number>('ledger', { writers: [a.key] })
    await cluster.settled(ledger.ready)
    await cluster.caughtUp()
    expect((await cluster.settled(ledger.set('n', 1, { consistency: 'strong' }))).applied).toBe(true)
    const bLedger = b.collections.map<number>('ledger')
    for (const consistency of ['strong', 'eventual'] as const) {
      const error = await cluster.rejection(bLedger.set('n', 2, { consistency }))
      expect(error).toBeInstanceOf(NotAWriterError)
      expect(error).toMatchObject({ code: 'NODE_NOT_A_WRITER', collection: 'ledger' })
    }
    // A handle asking for writers that exclude this node refuses eventual writes before its declaration applies.
    const others = b.collections.map<number>('others', { writers: [a.key] })
    expect(await cluster.rejection(others.set('n', 1, { consistency: 'eventual' }))).toBeInstanceOf(
      NotAWriterError,
    )

    const carts = a.collections.map<number>('carts')
    for (const write of [
      () => carts.increment('n', 1),
      () => carts.insertIfAbsent('n', 1),
      () => carts.compareAndSet('n', undefined, 1),
    ]) {
      const error = await cluster.rejection(write())
      expect(error).toBeInstanceOf(ConditionalNeedsStrongCollectionError)
      expect(error).toMatchObject({ code: 'NODE_CONDITIONAL_NEEDS_STRONG', collection: 'carts' })
    }
    await expect(carts.set('k', 1, undefined as never)).rejects.toThrow(RangeError)
    await expect(
      carts.set('k', 1, { consistency: 'eventual', idempotencyKey: 'x' } as never),
    ).rejects.toThrow(RangeError)
    await cluster.stop()
  })

  it('maps a rule refusal at apply (the rule committed after the writer checked) to the same typed error', async () => {
    const cluster = new ApiCluster(15)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    // b's strong write is checked against C before the declaration applies, and refused at apply.
    const declared = a.collections.map<number>('late', { writes: 'eventual' })
    const write = b.collections.map<number>('late').set('k', 1, { consistency: 'strong' })
    write.catch(() => {}) // awaited below, after the declaration
    await cluster.settled(declared.ready)
    const error = await cluster.rejection(write)
    expect(error).toBeInstanceOf(ConsistencyNotAllowedError)
    await cluster.stop()
  })

  it('lets NoQuorumError through for a strong write in a minority, while eventual writes there succeed', async () => {
    const cluster = new ApiCluster(16)
    await cluster.start()
    const isolated = cluster.followers()[0] as ApiMember
    cluster.network.setDown(isolated.id, true)
    const carts = isolated.collections.map<number>('carts')
    const error = await cluster.rejection(carts.set('k', 1, { consistency: 'strong' }), 3 * NO_QUORUM_MS)
    expect(error).toBeInstanceOf(NoQuorumError)
    const ack = await cluster.settled(carts.set('k', 2, { consistency: 'eventual' }))
    expect(ack.consistency).toBe('eventual')
    expect(carts.get('k')).toBe(2)
    await cluster.stop()
  })

  it('lets BacklogFullError through once the unfolded eventual bytes reach the cluster bound', async () => {
    const cluster = new ApiCluster(19)
    await cluster.start()
    const [a] = cluster.members as [ApiMember]
    // The bound is a cluster constant, changed only through the log (a constants control entry).
    const constants = { ...defaultClusterConstants, eventualBacklogBytesMax: 4 * 1024 }
    const entry = encodeLogEntry([
      {
        kind: 'control',
        signer: a.key,
        operation: { kind: 'constants', constants },
        signature: new Uint8Array(0),
      },
    ])
    await cluster.settled((a.raft as NonNullable<ApiMember['raft']>).propose(entry))
    await cluster.caughtUp()
    expect(a.core.committed.public.constants.eventualBacklogBytesMax).toBe(4 * 1024)
    const carts = a.collections.map<string>('carts')
    const acknowledged: string[] = []
    let error: unknown = null
    for (let i = 0; i < 16 && error === null; i++) {
      try {
        await cluster.settled(carts.set(`k${i}`, 'x'.repeat(1024), { consistency: 'eventual' }))
        acknowledged.push(`k${i}`)
      } catch (thrown) {
        error = thrown
      }
    }
    expect(error).toBeInstanceOf(BacklogFullError)
    expect(acknowledged.length).toBeGreaterThan(0)
    // Nothing acknowledged was dropped to make room.
    for (const key of acknowledged) expect(carts.get(key)).toBe('x'.repeat(1024))
    await cluster.stop()
  })

  it('conditional writes report the condition outcome: compare-and-set, insert-if-absent, bounded increment', async () => {
    const cluster = new ApiCluster(17)
    await cluster.start()
    const [a, b] = cluster.members as [ApiMember, ApiMember]
    const stock = a.collections.map<number | string>('stock', { writes: 'strong' })
    await cluster.settled(stock.ready)
    const inserted = await cluster.settled(stock.insertIfAbsent('apples', 5))
    expect(inserted).toMatchObject({ applied: true, consistency: 'strong' })
    expect(inserted).not.toHaveProperty('value')
    const present = await cluster.settled(stock.insertIfAbsent('apples', 9))
    expect(present).toMatchObject({ applied: false, reason: 'present', fencingToken: null })
    expect(present.index).toBeGreaterThan(inserted.index)

    const bStock = b.collections.map<number | string>('stock')
    expect(await cluster.settled(bStock.compareAndSet('apples', 4, 6))).toMatchObject({
      applied: false,
      reason: 'value-mismatch',
    })
    expect(await cluster.settled(bStock.compareAndSet('apples', 5, 6))).toMatchObject({ applied: true })
    expect(await cluster.settled(bStock.compareAndSet('pears', undefined, 1))).toMatchObject({
      applied: true,
    })
    expect(await cluster.settled(stock.increment('apples', 4, { max: 10 }))).toMatchObject({
      applied: true,
      value: 10,
    })
    expect(await cluster.settled(stock.increment('apples', 1, { max: 10 }))).toMatchObject({
      applied: false,
      reason: 'above-max',
    })
    expect(await cluster.settled(stock.increment('apples', -11, { min: 0 }))).toMatchObject({
      applied: false,
      reason: 'below-min',
    })
    await cluster.settled(stock.set('label', 'x', { consistency: 'strong' }))
    expect(await cluster.settled(stock.increment('label', 1))).toMatchObject({
      applied: false,
      reason: 'not-a-number',
    })
    expect(await cluster.settled(stock.get('apples', { consistency: 'linearizable' }))).toBe(10)
    await cluster.stop()
  })

  it('a bounded counter never crosses its bounds under concurrent increments from every node (seeded)', async () => {
    const minimum = 0
    const maximum = 6
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.array(fc.record({ node: fc.integer({ min: 0, max: 2 }), by: fc.integer({ min: -3, max: 3 }) }), {
          minLength: 1,
          maxLength: 24,
        }),
        async (seed, increments) => {
          const cluster = new ApiCluster(seed)
          try {
            await cluster.start()
            const handles = cluster.members.map((m) =>
              m.collections.map<number>('stock', { writes: 'strong' }),
            )
            await cluster.settled(Promise.all(handles.map((handle) => handle.ready)))
            const writes = increments.map(({ node, by }) =>
              (handles[node] as (typeof handles)[number])
                .increment('n', by, { min: minimum, max: maximum })
                .then((result) => ({ by, result })),
            )
            const results = await cluster.settled(Promise.all(writes))
            // In log order (the fencing token), the applied increments keep the value within bounds.
            const applied = results
              .filter(
                (r): r is { by: number; result: Extract<ConditionalWrite, { applied: true }> } =>
                  r.result.applied,
              )
              .sort((x, y) => (x.result.fencingToken < y.result.fencingToken ? -1 : 1))
            let value = 0
            for (const { by } of applied) {
              value += by
              if (value < minimum || value > maximum) return false
            }
            // Each applied one reports the value it left, which is the running sum in log order.
            let running = 0
            for (const { by, result } of applied) {
              running += by
              if (result.value !== running) return false
            }
            for (const { result } of results)
              if (!result.applied && result.reason !== 'below-min' && result.reason !== 'above-max')
                return false
            await cluster.caughtUp()
            return cluster.members.every(
              (m) => (m.core.committed.data?.mapValue('stock', 'n') ?? 0) === value,
            )
          } finally {
            await cluster.stop()
          }
        },
      ),
      { seed: 1207, numRuns: 12 },
    )
  })

  it('an idempotent retry gets the original result; the key with another operation is refused', async () => {
    const cluster = new ApiCluster(18)
    await cluster.start()
    const [a] = cluster.members as [ApiMember]
    const stock = a.collections.map<number>('stock', { writes: 'strong' })
    await cluster.settled(stock.ready)
    const first = await cluster.settled(stock.increment('n', 2, { max: 10, idempotencyKey: 'order-1' }))
    expect(first).toMatchObject({ applied: true, replayed: false, value: 2 })
    await cluster.settled(stock.increment('n', 5, { max: 10 }))
    // The retry answers the recorded value, not what the key holds now (7).
    const retry = await cluster.settled(stock.increment('n', 2, { max: 10, idempotencyKey: 'order-1' }))
    expect(retry).toMatchObject({ applied: true, replayed: true, value: 2 })
    expect(retry.fencingToken).toBe(first.fencingToken)
    expect(retry.writeId).not.toBe(first.writeId)
    expect(await cluster.settled(stock.get('n', { consistency: 'linearizable' }))).toBe(7)

    const reuse = await cluster.rejection(stock.increment('n', 3, { max: 10, idempotencyKey: 'order-1' }))
    expect(reuse).toBeInstanceOf(IdempotencyKeyReuseError)
    expect(reuse).toMatchObject({ code: 'NODE_IDEMPOTENCY_KEY_REUSE', idempotencyKey: 'order-1' })
    expect(await cluster.settled(stock.get('n', { consistency: 'linearizable' }))).toBe(7)

    // Across a restart (a new incarnation: sessions cannot dedupe it), the key still answers.
    const set = await cluster.settled(stock.set('m', 1, { consistency: 'strong', idempotencyKey: 'put-m' }))
    await cluster.restart(a)
    const again = a.collections.map<number>('stock')
    const afterRestart = await cluster.settled(
      again.increment('n', 2, { max: 10, idempotencyKey: 'order-1' }),
    )
    expect(afterRestart).toMatchObject({
      applied: true,
      replayed: true,
      fencingToken: first.fencingToken,
      value: 2,
    })
    const setAgain = await cluster.settled(
      again.set('m', 1, { consistency: 'strong', idempotencyKey: 'put-m' }),
    )
    expect(setAgain).toMatchObject({ replayed: true, fencingToken: set.fencingToken })
    expect(await cluster.settled(again.get('n', { consistency: 'linearizable' }))).toBe(7)
    await cluster.stop()
  })

  it('hashes equal operations alike whatever the key order of their values, and different ones apart', () => {
    const ref = { kind: 'map', name: 'm' } as const
    const left = operationHash({ kind: 'map-set', collection: ref, key: 'k', value: { a: 1, b: [2] } })
    const right = operationHash({ kind: 'map-set', collection: ref, key: 'k', value: { b: [2], a: 1 } })
    expect(left).toBe(right)
    expect(left).toMatch(/^[0-9a-f]{64}$/)
    expect(operationHash({ kind: 'map-set', collection: ref, key: 'k', value: { a: 1, b: [3] } })).not.toBe(
      left,
    )
    expect(operationHash({ kind: 'map-delete', collection: ref, key: 'k' })).not.toBe(
      operationHash({ kind: 'map-delete', collection: { kind: 'map', name: 'n' }, key: 'k' }),
    )
    const writer = 'a'.repeat(64) as WriterKey
    expect(
      operationHash({ kind: 'declare', collection: ref, rules: { writes: 'strong', writers: [writer] } }),
    ).not.toBe(
      operationHash({ kind: 'declare', collection: ref, rules: { writes: 'strong', writers: null } }),
    )
  })
})
