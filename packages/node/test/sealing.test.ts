import { SeededRandom } from '@tandem/base'
import { Replica } from '@tandem/crdt'
import { BatchSealer, pureCryptoProvider } from '@tandem/envelope'
import { nodeCryptoProvider } from '@tandem/envelope/node'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeLogEntry, encodeStrongBatchHeader } from '../src/codec/log-entry.js'
import { encodeStrongPayload } from '../src/codec/strong-payload.js'
import type { DataOperation } from '../src/core/data-operations.js'
import type { LogItem } from '../src/core/log-items.js'
import { createNodeSealing } from '../src/sealing/node-sealing.js'
import {
  applyAll,
  bootstrapItems,
  digest,
  keyOf,
  type LogicalItem,
  memberOf,
  nullNode,
  renderNull,
  renderSealed,
  sealedNode,
  seeds,
  streamOf,
  strongIncarnation,
  type TestNode,
  t0,
  type Who,
  writersWith,
} from './sealing-fixtures.js'

const carts = { kind: 'map', name: 'carts' } as const
const stock = { kind: 'map', name: 'stock' } as const
const marker = 'PLAINTEXT-MARKER-7f3a91'

/** A random logical log after the bootstrap: strong batches by a and b, folds of their streams. */
function randomLog(seed: number, steps: number): LogicalItem[][] {
  const random = new SeededRandom(seed)
  const writers = {
    a: new Replica({ node: streamOf('a'), now: () => t0 }),
    b: new Replica({ node: streamOf('b'), now: () => t0 }),
  }
  const folded = { a: 0, b: 0 }
  const sequences = { a: 0, b: 0 }
  const log = bootstrapItems()
  for (let step = 0; step < steps; step++) {
    const entry: LogicalItem[] = []
    for (let count = 1 + random.nextInt(3); count > 0; count--) {
      const who = random.pick(['a', 'b'] as const)
      if (random.chance(0.5)) {
        const writer = writers[who]
        const batches = Array.from({ length: 1 + random.nextInt(2) }, () => [
          random.chance(0.5)
            ? writer
                .map(random.pick(['carts', 'stock']))
                .set(`k${random.nextInt(3)}`, `${marker}-${random.nextInt(9)}`)
            : writer.set('tags').add(random.nextInt(4)),
        ])
        const from = random.chance(0.9) ? folded[who] + 1 : 1 + random.nextInt(4)
        if (from === folded[who] + 1) folded[who] = from + batches.length - 1
        entry.push({ kind: 'fold', by: random.pick(['a', 'b'] as const), writer: who, from, batches })
      } else {
        sequences[who]++
        const operation: DataOperation = random.chance(0.15)
          ? { kind: 'declare', collection: stock, rules: { writes: 'strong', writers: null } }
          : random.chance(0.3)
            ? { kind: 'set-delete', collection: { kind: 'set', name: 'tags' }, element: random.nextInt(4) }
            : {
                kind: 'map-set',
                collection: carts,
                key: `k${random.nextInt(3)}`,
                value: `${marker}-${random.nextInt(9)}`,
              }
        entry.push({ kind: 'strong', by: who, sequence: sequences[who], operations: [operation] })
      }
    }
    log.push(entry)
  }
  return log
}

const containsMarker = (bytes: Uint8Array) => Buffer.from(bytes).includes(Buffer.from(marker))

describe('sealing: the same log through the null envelope and through real sealing', () => {
  it('gives byte-identical C on keyed nodes, and the keyless node agrees on the public layer (seeded)', () => {
    let applied = 0
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const log = randomLog(seed, 12)
        const writers = writersWith(nodeCryptoProvider)
        const plain = log.map((items) => encodeLogEntry(renderNull(items)))
        const sealed = log.map((items) => encodeLogEntry(renderSealed(items, writers)))
        const reference = nullNode(true)
        const nodes = [
          sealedNode('a', nodeCryptoProvider, { keyed: true }),
          sealedNode('b', pureCryptoProvider, { keyed: true }),
          sealedNode('c', nodeCryptoProvider, { keyed: false }),
        ]
        for (let position = 0; position < log.length; position++) {
          const index = position + 1
          const expected = reference.applier.apply(index, 1, plain[position] as Uint8Array)
          const outcomes = nodes.map((node) => node.applier.apply(index, 1, sealed[position] as Uint8Array))
          const want = digest(reference)
          for (const node of nodes) expect(digest(node).publicLayer).toBe(want.publicLayer)
          for (const node of nodes.slice(0, 2)) expect(digest(node).dataLayer).toBe(want.dataLayer)
          // The same writes took the same outcomes.
          expect([...(outcomes[0]?.writes ?? [])]).toEqual([...expected.writes])
          applied += [...expected.writes.values()].filter(
            (w) => w.kind === 'strong' || w.outcome === 'merged',
          ).length
        }
        for (const node of nodes) expect(node.sealing?.checks.rejections.size).toBe(0)
        // The plaintext scan: the values are in the null log and in no sealed entry.
        expect(plain.some(containsMarker)).toBe(true)
        for (const bytes of sealed) expect(containsMarker(bytes)).toBe(false)
      }),
      { seed: 4242, numRuns: 8 },
    )
    expect(applied).toBeGreaterThan(60)
  })
})

describe('sealing: hostile items', () => {
  /** Bootstrap on a keyed, a pure-provider keyed and a keyless node; returns them and the next index. */
  function cluster(): { nodes: TestNode[]; writers: ReturnType<typeof writersWith>; next: number } {
    const writers = writersWith(nodeCryptoProvider)
    const nodes = [
      sealedNode('a', nodeCryptoProvider, { keyed: true }),
      sealedNode('b', pureCryptoProvider, { keyed: true }),
      sealedNode('c', nodeCryptoProvider, { keyed: false }),
    ]
    const boot = bootstrapItems().map((items) => encodeLogEntry(renderSealed(items, writers)))
    applyAll(nodes, boot)
    return { nodes, writers, next: boot.length + 1 }
  }
  const write = (key: string, value: string): DataOperation => ({
    kind: 'map-set',
    collection: carts,
    key,
    value,
  })
  const strongItem = (
    writers: ReturnType<typeof writersWith>,
    by: Who,
    sequence: number,
    operation: DataOperation,
  ) =>
    writers[by].writer.sealStrongBatch(
      { incarnation: strongIncarnation, sequence, floor: 1 },
      { stamp: { wallMs: t0, logical: 0 }, operations: [{ operation }] },
    )
  const flip = (bytes: Uint8Array, at: number) => {
    const copy = bytes.slice()
    copy[at] = (copy[at] as number) ^ 0x01
    return copy
  }
  const expectAgreement = (nodes: TestNode[]) => {
    const [first, ...rest] = nodes as [TestNode, ...TestNode[]]
    for (const node of rest) {
      expect(digest(node).publicLayer).toBe(digest(first).publicLayer)
      expect([...(node.sealing?.checks.rejections ?? [])]).toEqual([
        ...(first.sealing?.checks.rejections ?? []),
      ])
      expect([...node.applier.itemRefusals]).toEqual([...first.applier.itemRefusals])
    }
    expect(digest(nodes[1] as TestNode).dataLayer).toBe(digest(first).dataLayer)
  }

  it('rejects tampered, forged, unauthorized and revoked strong batches on every node, counts them alike, and keeps going', () => {
    const { nodes, writers, next } = cluster()
    const good = strongItem(writers, 'a', 1, write('x', 'genuine'))
    if (good.kind !== 'strong') throw new Error('a strong item')
    const byB = strongItem(writers, 'b', 1, write('y', 'by b'))
    if (byB.kind !== 'strong') throw new Error('a strong item')
    const stranger = writers.d.writer.sealStrongBatch(
      { incarnation: good.header.incarnation, sequence: 1, floor: 1 },
      { stamp: { wallMs: t0, logical: 0 }, operations: [{ operation: write('x', 'stranger') }] },
    )
    const forgedByB = new BatchSealer({
      keyRing: writers.b.keys.strongRing,
      signingKey: seeds.b,
      cryptoProvider: nodeCryptoProvider,
    }).sealBatch(
      encodeStrongBatchHeader(good.header),
      encodeStrongPayload({ stamp: { wallMs: t0, logical: 0 }, operations: [] }),
    )
    const attacks: LogItem[] = [
      // Tampered: one ciphertext byte flipped (the signature then fails).
      { ...good, sealed: flip(good.sealed, good.sealed.length - 80) },
      // Tampered header: the item claims another sequence than the sealed header.
      { ...good, header: { ...good.header, sequence: 2 } },
      // Forged: b's sealed batch under a header naming a's key.
      { ...byB, header: { ...byB.header, key: good.header.key } },
      // Forged: b signs a batch whose sealed header is a's own.
      {
        ...good,
        sealed: forgedByB,
        signature: forgedByB.slice(forgedByB.length - 64),
      },
      // Unauthorized: a key C never admitted.
      stranger,
      // The signature field does not match the sealed batch's.
      { ...good, signature: flip(good.signature, 3) },
    ]
    const outcomes = nodes.map((node) => node.applier.apply(next, 1, encodeLogEntry(attacks)))
    for (const outcome of outcomes) {
      expect(outcome.strongBatchRefusals.map((r) => r.reason)).toEqual(
        Array(attacks.length).fill('invalid signature'),
      )
      expect(outcome.writes.size).toBe(0)
    }
    expect([...(nodes[0]?.sealing?.checks.rejections ?? [])].sort()).toEqual(
      [
        ['strong: ENVELOPE_TAMPERED', 1],
        ['strong: header mismatch', 2],
        ['strong: writer mismatch', 1],
        ['strong: ENVELOPE_UNKNOWN_WRITER', 1],
        ['strong: signature mismatch', 1],
      ].sort(),
    )
    expectAgreement(nodes)
    // The node keeps going: the genuine batch applies after the attacks.
    const [applied] = nodes.map((node) => node.applier.apply(next + 1, 1, encodeLogEntry([good])))
    expect(nodes[0]?.committed.data?.mapValue('carts', 'x')).toBe('genuine')
    expect(nodes[1]?.committed.data?.mapValue('carts', 'x')).toBe('genuine')
    expect([...(applied?.writes.values() ?? [])].every((w) => w.kind === 'strong' && w.result.applied)).toBe(
      true,
    )
    // Replayed: the same batch again applies nothing new (its session already holds sequence 1).
    const before = nodes.map(digest)
    const replay = nodes.map((node) => node.applier.apply(next + 2, 1, encodeLogEntry([good])))
    expect(nodes.map((node) => digest(node).dataLayer)).toEqual(before.map((d) => d.dataLayer))
    expect(replay[0]?.strongBatchRefusals).toEqual([])
    // Revoked: b's key is revoked; its batch sealed afterwards is refused as revoked by the envelope.
    const revoke = writers.a.writer.signControl({ kind: 'revoke', key: keyOf('b'), cutoffs: [] })
    applyAll(nodes, [encodeLogEntry([revoke]), encodeLogEntry([byB])], next + 3)
    expect(nodes[0]?.sealing?.checks.rejections.get('strong: ENVELOPE_REVOKED_KEY')).toBe(1)
    expect(nodes[0]?.committed.data?.mapValue('carts', 'y')).toBeUndefined()
    expectAgreement(nodes)
  })

  it('rejects tampered and forged control entries, and a batch replayed from another cluster', () => {
    const { nodes, writers, next } = cluster()
    const promote = writers.a.writer.signControl({ kind: 'promote', member: memberOf('b') })
    const clock = writers.a.writer.signControl({
      kind: 'clock',
      member: memberOf('a'),
      readingMs: t0 + 1_000,
    })
    if (promote.kind !== 'control' || clock.kind !== 'control') throw new Error('control items')
    const other = createNodeSealing({
      clusterId: new TextEncoder().encode('another'),
      signingKey: seeds.a,
      keyed: true,
    })
    const crossCluster = other.writer.signControl(clock.operation)
    const attacks: LogItem[] = [
      // Tampered: a's signature over one operation, carried with another.
      { ...clock, signature: promote.signature },
      // Forged: a's operation and signature, claimed by b.
      { ...clock, signer: keyOf('b') },
      // Replayed from another cluster: the cluster id is bound into the signature.
      crossCluster,
      // Malformed signature.
      { ...clock, signature: clock.signature.subarray(0, 10) },
    ]
    const outcomes = nodes.map((node) => node.applier.apply(next, 1, encodeLogEntry(attacks)))
    for (const outcome of outcomes)
      expect(outcome.controls).toEqual(
        Array(attacks.length).fill({ applied: false, reason: 'invalid signature' }),
      )
    expect(nodes[0]?.sealing?.checks.rejections.get('control: ENVELOPE_TAMPERED')).toBe(3)
    expect(nodes[0]?.sealing?.checks.rejections.get('control: malformed signature')).toBe(1)
    expectAgreement(nodes)
    // The genuine entry applies, and a replay of it changes nothing (clock readings are idempotent).
    const withoutIndex = (node: TestNode) =>
      new TextDecoder().decode(node.committed.public.encode()).replace(/"index":\d+/, '')
    applyAll(nodes, [encodeLogEntry([clock])], next + 1)
    const after = nodes.map(withoutIndex)
    expect(after[0]).not.toBe(withoutIndex(nullNode(false)))
    applyAll(nodes, [encodeLogEntry([clock])], next + 2)
    expect(nodes.map(withoutIndex)).toEqual(after)
    expectAgreement(nodes)
  })
})

describe('sealing: corrupted sealed logs', () => {
  it('flipped bytes anywhere never crash a node, and every node rejects the same items for the same reasons (seeded)', () => {
    const seen = { corrupted: 0, rejected: 0 }
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const random = new SeededRandom(seed * 7919)
      const writers = writersWith(nodeCryptoProvider)
      const log = randomLog(seed, 10).map((items, position) => {
        const bytes = encodeLogEntry(renderSealed(items, writers))
        // The bootstrap stays intact, so later items have writers with standing to judge.
        if (position < 4 || !random.chance(0.5)) return bytes
        const corrupt = bytes.slice()
        for (let flips = 1 + random.nextInt(3); flips > 0; flips--)
          corrupt[random.nextInt(corrupt.length)] = random.nextInt(256)
        seen.corrupted++
        return corrupt
      })
      const nodes = [
        sealedNode('a', nodeCryptoProvider, { keyed: true }),
        sealedNode('b', pureCryptoProvider, { keyed: true }),
        sealedNode('c', nodeCryptoProvider, { keyed: false }),
      ]
      log.forEach((bytes, position) => {
        for (const node of nodes) node.applier.apply(position + 1, 1, bytes)
        const [first, second, keyless] = nodes as [TestNode, TestNode, TestNode]
        expect(digest(second).publicLayer, `seed ${seed}`).toBe(digest(first).publicLayer)
        expect(digest(keyless).publicLayer, `seed ${seed}`).toBe(digest(first).publicLayer)
        expect(digest(second).dataLayer, `seed ${seed}`).toBe(digest(first).dataLayer)
      })
      const rejections = nodes.map((node) => [...(node.sealing?.checks.rejections ?? [])].sort())
      expect(rejections[1], `seed ${seed}`).toEqual(rejections[0])
      expect(rejections[2], `seed ${seed}`).toEqual(rejections[0])
      seen.rejected += rejections[0]?.reduce((sum, [, count]) => sum + (count as number), 0) ?? 0
    }
    expect(seen.corrupted).toBeGreaterThan(10)
    expect(seen.rejected).toBeGreaterThan(3)
  })
})
