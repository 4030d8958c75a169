import { SeededRandom } from '@tandem/base'
import { Replica } from '@tandem/crdt'
import { BatchSealer, type CryptoProvider, pureCryptoProvider } from '@tandem/envelope'
import { nodeCryptoProvider } from '@tandem/envelope/node'
import { describe, expect, it } from 'vitest'
import { encodeEventualPayload } from '../src/codec/eventual-payload.js'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import type { FoldedBatchHeader } from '../src/core/control.js'
import type { LogItem } from '../src/core/log-items.js'
import { encodeEventualBatchHeader } from '../src/sealing/batch-headers.js'
import { createNodeSealing } from '../src/sealing/node-sealing.js'
import { isMissingEpochKeyReason } from '../src/sealing/verification.js'
import {
  applyAll,
  bootstrapItems,
  clusterId,
  digest,
  keyOf,
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

const payload = (value: string) => ({
  stamp: { wallMs: t0, logical: 0 },
  operations: [
    { operation: { kind: 'map-set', collection: { kind: 'map', name: 'carts' }, key: 'k', value } as const },
  ],
})

function cluster(nodes: TestNode[]): { writers: ReturnType<typeof writersWith>; next: number } {
  const writers = writersWith(nodeCryptoProvider)
  const boot = bootstrapItems().map((items) => encodeLogEntry(renderSealed(items, writers)))
  applyAll(nodes, boot)
  return { writers, next: boot.length + 1 }
}

const fold = (writers: ReturnType<typeof writersWith>, stream: Who, batches: FoldedBatchHeader[]): LogItem =>
  writers.a.writer.signControl({ kind: 'fold', runs: [{ stream: streamOf(stream), batches }] })

const flip = (bytes: Uint8Array, at: number) => {
  const copy = bytes.slice()
  copy[at] = (copy[at] as number) ^ 0x01
  return copy
}

describe('sealing: folded eventual batches', () => {
  it('rejects tampered, forged and re-sequenced batches alike on every node; a replayed fold is skipped; genuine ones fold', () => {
    const nodes = [
      sealedNode('a', nodeCryptoProvider, { keyed: true }),
      sealedNode('b', pureCryptoProvider, { keyed: true }),
      sealedNode('c', nodeCryptoProvider, { keyed: false }),
    ]
    const { writers, next } = cluster(nodes)
    const replica = new Replica({ node: streamOf('b'), now: () => t0 })
    const first = writers.b.writer.sealEventualBatch(streamOf('b'), 1, [replica.map('carts').set('one', 1)])
    const second = writers.b.writer.sealEventualBatch(streamOf('b'), 2, [replica.map('carts').set('two', 2)])
    // a signs a batch for b's stream: a member's valid signature, but not the stream's writer.
    const byA = new BatchSealer({
      keyRing: writers.a.keys.foldedRing,
      signingKey: seeds.a,
      cryptoProvider: nodeCryptoProvider,
    }).sealBatch(
      encodeEventualBatchHeader(streamOf('b'), 1),
      encodeEventualPayload([replica.map('carts').set('evil', 1)]),
    )
    const forged: FoldedBatchHeader = {
      sequence: 1,
      epoch: 1,
      sealed: byA,
      signature: byA.slice(byA.length - 64),
    }
    const attacks = [
      fold(writers, 'b', [{ ...first, sealed: flip(first.sealed, first.sealed.length - 70) }]),
      fold(writers, 'b', [forged]),
      // The batch sealed as sequence 2, offered as sequence 1.
      fold(writers, 'b', [{ ...second, sequence: 1 }]),
    ]
    const outcomes = nodes.map((node) => node.applier.apply(next, 1, encodeLogEntry(attacks)))
    for (const outcome of outcomes) {
      for (const control of outcome.controls) {
        expect(control.applied).toBe(true)
        if (control.applied)
          expect(control.folds?.map((f) => [f.stoppedBy, f.highWater])).toEqual([['unverified', 0]])
      }
      expect(outcome.folded).toEqual([])
    }
    expect([...(nodes[0]?.sealing?.checks.rejections ?? [])].sort()).toEqual(
      [
        ['eventual: ENVELOPE_TAMPERED', 1],
        ['eventual: writer mismatch', 1],
        ['eventual: header mismatch', 1],
      ].sort(),
    )
    for (const node of nodes.slice(1)) {
      expect([...(node.sealing?.checks.rejections ?? [])]).toEqual([
        ...(nodes[0]?.sealing?.checks.rejections ?? []),
      ])
      expect(digest(node).publicLayer).toBe(digest(nodes[0] as TestNode).publicLayer)
    }
    // Genuine batches fold; the same fold again is skipped (at or below h), changing nothing.
    const genuine = encodeLogEntry([fold(writers, 'b', [first, second])])
    applyAll(nodes, [genuine], next + 1)
    const folded = nodes.map(digest)
    expect(nodes[0]?.committed.data?.mapValue('carts', 'two')).toBe(2)
    const [replayed] = nodes.map((node) => node.applier.apply(next + 2, 1, genuine))
    const control = replayed?.controls[0]
    expect(control?.applied && control.folds?.map((f) => [f.skipped, f.highWater])).toEqual([[2, 2]])
    expect(nodes.map((node) => digest(node).dataLayer)).toEqual(folded.map((d) => d.dataLayer))
    for (const node of nodes) expect(node.committed.public.highWaters.highWater(streamOf('b'))).toBe(2)
  })
})

describe('sealing: a keyed node without the epoch key', () => {
  it('reports the batches it cannot open as a missing key, never as tampered, and keeps the public layer', () => {
    const keyed = sealedNode('a', nodeCryptoProvider, { keyed: true })
    const waiting = sealedNode('b', nodeCryptoProvider, { keyed: true, epochKey: false })
    const nodes = [keyed, waiting]
    const { writers, next } = cluster(nodes)
    const replica = new Replica({ node: streamOf('a'), now: () => t0 })
    const strong = writers.a.writer.sealStrongBatch(
      { incarnation: strongIncarnation, sequence: 1, floor: 1 },
      payload('v'),
    )
    const batch = writers.a.writer.sealEventualBatch(streamOf('a'), 1, [replica.map('carts').set('e', 1)])
    const [, outcome] = nodes.map((node) =>
      node.applier.apply(next, 1, encodeLogEntry([strong, fold(writers, 'a', [batch])])),
    )
    const reasons = [
      ...(outcome?.strongBatchRefusals.map((r) => r.reason) ?? []),
      ...(waiting.committed.foldRefusals.keys() ?? []),
    ]
    expect(reasons).toEqual(['unopenable: missing epoch key 1', 'unopenable: missing epoch key 1'])
    for (const reason of reasons) expect(isMissingEpochKeyReason(reason)).toBe(true)
    expect(isMissingEpochKeyReason('unopenable: ENVELOPE_TAMPERED')).toBe(false)
    expect(waiting.sealing?.checks.missingKeyBatches).toBe(2)
    expect(waiting.sealing?.checks.rejections.size).toBe(0)
    expect(outcome?.folded.map((f) => f.outcome)).toEqual(['unopenable'])
    // The public layer (h included) is the keyed node's: only the data layer waits for the key.
    expect(digest(waiting).publicLayer).toBe(digest(keyed).publicLayer)
    expect(keyed.committed.data?.mapValue('carts', 'k')).toBe('v')
  })
})

describe('sealing: crypto providers', () => {
  it('the Node-side factory uses nodeCryptoProvider by default, and another provider when given', () => {
    const byDefault = createNodeSealing({ clusterId, signingKey: seeds.a, keyed: true })
    expect(byDefault.cryptoProvider).toBe(nodeCryptoProvider)
    expect(byDefault.keys.cryptoProvider).toBe(nodeCryptoProvider)
    const pure = createNodeSealing({
      clusterId,
      signingKey: seeds.a,
      keyed: true,
      cryptoProvider: pureCryptoProvider,
    })
    expect(pure.keys.cryptoProvider).toBe(pureCryptoProvider)
  })

  it('seals byte-identically with either provider, and what one seals the other opens', () => {
    const random = () => {
      const source = new SeededRandom(5)
      return (length: number) => source.bytes(length)
    }
    const viaPure = writersWith(pureCryptoProvider, random())
    const viaNode = writersWith(nodeCryptoProvider, random())
    const replica = new Replica({ node: streamOf('a'), now: () => t0 })
    const delta = replica.map('carts').set('e', 'eventual')
    const items = (writers: ReturnType<typeof writersWith>): LogItem[] => [
      writers.a.writer.sealStrongBatch(
        { incarnation: strongIncarnation, sequence: 1, floor: 1 },
        payload('strong'),
      ),
      fold(writers, 'a', [writers.a.writer.sealEventualBatch(streamOf('a'), 1, [delta])]),
    ]
    const pureEntry = encodeLogEntry(items(viaPure))
    const nodeEntry = encodeLogEntry(items(viaNode))
    expect(Buffer.from(pureEntry).equals(Buffer.from(nodeEntry))).toBe(true)
    // Independently of byte identity: the pure provider's seal opens on a Node-provider node and back.
    const fresh = encodeLogEntry(items(writersWith(pureCryptoProvider)))
    const back = encodeLogEntry(items(writersWith(nodeCryptoProvider)))
    for (const [provider, entry] of [
      [nodeCryptoProvider, fresh],
      [pureCryptoProvider, back],
    ] as const) {
      const node = sealedNode('b', provider as CryptoProvider, { keyed: true })
      const { next } = cluster([node])
      node.applier.apply(next, 1, entry)
      expect(node.committed.data?.mapValue('carts', 'k')).toBe('strong')
      expect(node.committed.data?.mapValue('carts', 'e')).toBe('eventual')
      expect(node.sealing?.checks.rejections.size).toBe(0)
    }
  })

  it('verifies each batch signature once: opening after verification hits the bounded cache', () => {
    let verifications = 0
    const counting: CryptoProvider = {
      ...nodeCryptoProvider,
      ed25519Verify: (signature, message, publicKey) => {
        verifications++
        return nodeCryptoProvider.ed25519Verify(signature, message, publicKey)
      },
    }
    const node = sealedNode('b', counting, { keyed: true })
    const uncached = sealedNode('b', counting, { keyed: true, signatureCacheEntries: 0 })
    const { writers, next } = cluster([node, uncached])
    const replica = new Replica({ node: streamOf('a'), now: () => t0 })
    const batches = [1, 2].map((sequence) =>
      writers.a.writer.sealEventualBatch(streamOf('a'), sequence, [
        replica.map('carts').set(`e${sequence}`, sequence),
      ]),
    )
    const strong = writers.a.writer.sealStrongBatch(
      { incarnation: strongIncarnation, sequence: 1, floor: 1 },
      payload('s'),
    )
    verifications = 0
    node.applier.apply(next, 1, encodeLogEntry([strong, fold(writers, 'a', batches)]))
    // One strong batch, one fold control entry, two folded batches: four signatures, four checks.
    expect(verifications).toBe(4)
    expect(node.committed.data?.mapValue('carts', 'e2')).toBe(2)
    // Without the cache, opening checks the three batch signatures again.
    verifications = 0
    uncached.applier.apply(next, 1, encodeLogEntry([strong, fold(writers, 'a', batches)]))
    expect(verifications).toBe(7)
    expect(digest(uncached).dataLayer).toBe(digest(node).dataLayer)
  })
})

describe('sealing: standing comes from C', () => {
  it('a stranger and a revoked key are refused alike on every node, by the public layer or the envelope', () => {
    const nodes = [
      sealedNode('a', nodeCryptoProvider, { keyed: true }),
      sealedNode('b', pureCryptoProvider, { keyed: true }),
      sealedNode('c', nodeCryptoProvider, { keyed: false }),
    ]
    const { writers, next } = cluster(nodes)
    const strangerStream = streamOf('d')
    const replica = new Replica({ node: strangerStream, now: () => t0 })
    const strangerBatch = writers.d.writer.sealEventualBatch(strangerStream, 1, [
      replica.map('carts').set('d', 1),
    ])
    const items: LogItem[] = [
      // A stranger's control entry: genuinely signed, but its signer is no writer of C.
      writers.d.writer.signControl({ kind: 'open', incarnation: strongIncarnation, expected: null }),
      // A stranger's stream, folded by a member: its key was never admitted.
      writers.a.writer.signControl({
        kind: 'fold',
        runs: [{ stream: strangerStream, batches: [strangerBatch] }],
      }),
    ]
    const outcomes = nodes.map((node) => node.applier.apply(next, 1, encodeLogEntry(items)))
    for (const outcome of outcomes) {
      expect(outcome.controls[0]).toEqual({ applied: false, reason: 'the signer is not a current writer' })
      const foldOutcome = outcome.controls[1]
      expect(foldOutcome?.applied && foldOutcome.folds?.map((f) => [f.stoppedBy, f.highWater])).toEqual([
        ['unverified', 0],
      ])
    }
    // b is revoked with its stream cut at 1: its batch 1 (acknowledged before) still folds, batch 2 does not,
    // and its strong batches are refused by the envelope's standing check.
    const bReplica = new Replica({ node: streamOf('b'), now: () => t0 })
    const [one, two] = [1, 2].map((sequence) =>
      writers.b.writer.sealEventualBatch(streamOf('b'), sequence, [
        bReplica.map('carts').set(`b${sequence}`, sequence),
      ]),
    ) as [FoldedBatchHeader, FoldedBatchHeader]
    const strong = writers.b.writer.sealStrongBatch(
      { incarnation: strongIncarnation, sequence: 1, floor: 1 },
      payload('b'),
    )
    applyAll(
      nodes,
      [
        encodeLogEntry([
          writers.a.writer.signControl({ kind: 'revoke', key: keyOf('b'), cutoffs: [[streamOf('b'), 1]] }),
        ]),
        encodeLogEntry([fold(writers, 'b', [one, two]), strong]),
      ],
      next + 1,
    )
    for (const node of nodes) {
      expect(node.committed.public.highWaters.highWater(streamOf('b'))).toBe(1)
      expect(node.sealing?.checks.rejections.get('strong: ENVELOPE_REVOKED_KEY')).toBe(1)
      expect(digest(node).publicLayer).toBe(digest(nodes[0] as TestNode).publicLayer)
    }
    expect(nodes[0]?.committed.data?.mapValue('carts', 'b1')).toBe(1)
    expect(nodes[0]?.committed.data?.mapValue('carts', 'b2')).toBeUndefined()
    expect(digest(nodes[1] as TestNode).dataLayer).toBe(digest(nodes[0] as TestNode).dataLayer)
    expect(() => nodes[0]?.sealing?.keys.strongRing.addWriter(new Uint8Array(32))).toThrow(TypeError)
  })
})
