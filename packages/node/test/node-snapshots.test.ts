/**
 * NodeCore's Raft snapshot bytes (compose/node-snapshots.ts, codec/node-snapshot.ts): the data part
 * sealed under real sealing (no value in plaintext), restored into an identical C by another keyed
 * node, the public part alone by a keyless one; a tampered, re-labelled or downgraded snapshot is
 * refused; the container decoder throws only MalformedOperationError on bad bytes.
 */
import { SeededRandom } from '@tandem/base'
import type { Delta } from '@tandem/crdt'
import { pureCryptoProvider } from '@tandem/envelope'
import { describe, expect, it } from 'vitest'
import { encodeLogEntry } from '../src/codec/log-entry.js'
import { decodeNodeSnapshot, encodeNodeSnapshot } from '../src/codec/node-snapshot.js'
import { plaintextBatchOpener, unverifiedSignatures } from '../src/codec/null-envelope.js'
import { encodeCommittedSnapshot } from '../src/codec/snapshot.js'
import {
  decodeSnapshotDataPart,
  mergeReplicaParts,
  splitReplicaState,
} from '../src/codec/snapshot-data-part.js'
import {
  captureNodeSnapshot,
  encodeCapturedSnapshot,
  restoreNodeSnapshot,
  takeNodeSnapshot,
} from '../src/compose/node-snapshots.js'
import { MalformedOperationError } from '../src/errors.js'
import {
  applyAll,
  bootstrapItems,
  type LogicalItem,
  nullNode,
  renderNull,
  renderSealed,
  sealedNode,
  type TestNode,
  writersWith,
} from './sealing-fixtures.js'

const SECRET = 'snapshot-secret-value-7f3a'
const carts = { kind: 'map', name: 'carts' } as const
const noYield = (): Promise<void> => Promise.resolve()

function log(): LogicalItem[][] {
  const writes: LogicalItem[][] = []
  for (let sequence = 1; sequence <= 20; sequence++) {
    writes.push([
      {
        kind: 'strong',
        by: sequence % 2 === 0 ? 'a' : 'b',
        sequence: Math.ceil(sequence / 2),
        operations: [
          { kind: 'map-set', collection: carts, key: `k${sequence}`, value: `${SECRET}-${sequence}` },
        ],
      },
    ])
  }
  return [...bootstrapItems(), ...writes]
}

function sealedCluster(): { a: TestNode; b: TestNode; c: TestNode; applied: number } {
  const writers = writersWith(pureCryptoProvider, (length) => new SeededRandom(5).bytes(length))
  const entries = log().map((items) => encodeLogEntry(renderSealed(items, writers)))
  const a = sealedNode('a', pureCryptoProvider, { keyed: true })
  applyAll([a], entries)
  return {
    a,
    b: sealedNode('b', pureCryptoProvider, { keyed: true }),
    c: sealedNode('c', pureCryptoProvider, { keyed: false }),
    applied: entries.length,
  }
}

const hex = (bytes: Uint8Array | null) => Buffer.from(bytes ?? new Uint8Array()).toString('hex')
const containsText = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text))

async function take(node: TestNode, index: number, chunkBytes = 256): Promise<Uint8Array> {
  return takeNodeSnapshot(
    node.committed,
    { index, term: 1 },
    { sealing: node.sealing, chunkBytes, segmentBytes: 512, yieldNow: noYield },
  )
}

function restoreInto(node: TestNode, bytes: Uint8Array) {
  return restoreNodeSnapshot(bytes, {
    signatures: node.sealing?.checks ?? unverifiedSignatures,
    opener: node.sealing?.checks.opener ?? null,
    sealing: node.sealing,
  })
}

describe('node snapshots', () => {
  it('seals the data part (no value in plaintext); a keyed node restores an identical C, a keyless one the public part', async () => {
    const { a, b, c, applied } = sealedCluster()
    expect(a.committed.data?.mapValue('carts', 'k3')).toBe(`${SECRET}-3`)
    const bytes = await take(a, applied)
    expect(containsText(bytes, SECRET)).toBe(false)
    const decoded = decodeNodeSnapshot(bytes)
    expect(decoded.data.kind).toBe('sealed')
    // Segments of 512 data bytes, chunks of 256: several of each.
    if (decoded.data.kind !== 'sealed') throw new Error('expected a sealed snapshot')
    expect(decoded.data.segments.length).toBeGreaterThan(2)
    expect(decoded.data.segments[1]?.chunks.length).toBe(2)
    const restored = await restoreInto(b, bytes)
    expect(restored.appliedIndex).toBe(applied)
    const original = encodeCommittedSnapshot(a.committed)
    const copy = encodeCommittedSnapshot(restored.committed)
    expect(hex(copy.publicBytes)).toBe(hex(original.publicBytes))
    expect(hex(copy.dataBytes)).toBe(hex(original.dataBytes))
    const keyless = await restoreInto(c, bytes)
    expect(keyless.committed.data).toBeNull()
    expect(hex(encodeCommittedSnapshot(keyless.committed).publicBytes)).toBe(hex(original.publicBytes))
  })

  it('refuses a tampered chunk, a swapped public part, another index, and a plain data part under sealing', async () => {
    const { a, b, applied } = sealedCluster()
    const bytes = await take(a, applied)
    const decoded = decodeNodeSnapshot(bytes)
    if (decoded.data.kind !== 'sealed') throw new Error('expected a sealed snapshot')
    const { segments } = decoded.data
    const withSegments = (changed: typeof segments) =>
      encodeNodeSnapshot({ ...decoded, data: { kind: 'sealed', segments: changed } })
    const second = segments[1] as (typeof segments)[number]
    const tamperedChunk = second.chunks[1]?.slice() as Uint8Array
    tamperedChunk[tamperedChunk.length - 1] = (tamperedChunk[tamperedChunk.length - 1] as number) ^ 1
    const tampered = { ...second, chunks: [second.chunks[0] as Uint8Array, tamperedChunk] }
    await expect(
      restoreInto(b, withSegments(segments.map((s, i) => (i === 1 ? tampered : s)))),
    ).rejects.toThrow()
    // Segments dropped, repeated or reordered: each is bound to its position and the count.
    await expect(restoreInto(b, withSegments(segments.slice(0, -1)))).rejects.toThrow()
    await expect(restoreInto(b, withSegments([...segments, second]))).rejects.toThrow()
    await expect(
      restoreInto(
        b,
        withSegments([segments[0], segments[2], segments[1], ...segments.slice(3)] as typeof segments),
      ),
    ).rejects.toThrow()
    // The public part of an earlier state, with this data part: refused (it is bound to its public part).
    const earlier = sealedNode('a', pureCryptoProvider, { keyed: true })
    const writers = writersWith(pureCryptoProvider, (length) => new SeededRandom(5).bytes(length))
    applyAll(
      [earlier],
      log()
        .slice(0, applied - 1)
        .map((items) => encodeLogEntry(renderSealed(items, writers))),
    )
    const swappedPublic = encodeCommittedSnapshot(earlier.committed).publicBytes
    await expect(
      restoreInto(b, encodeNodeSnapshot({ ...decoded, publicBytes: swappedPublic })),
    ).rejects.toThrow()
    await expect(
      restoreInto(b, encodeNodeSnapshot({ ...decoded, appliedIndex: applied + 1 })),
    ).rejects.toThrow(MalformedOperationError)
    const plain = encodeNodeSnapshot({
      ...decoded,
      data: { kind: 'plain', bytes: encodeCommittedSnapshot(a.committed).dataBytes as Uint8Array },
    })
    await expect(restoreInto(b, plain)).rejects.toThrow(MalformedOperationError)
    await expect(restoreInto(b, encodeNodeSnapshot({ ...decoded, data: { kind: 'none' } }))).rejects.toThrow(
      MalformedOperationError,
    )
    // The genuine one still restores.
    expect((await restoreInto(b, bytes)).appliedIndex).toBe(applied)
  })

  it('the null envelope keeps the data part plain and round-trips it', async () => {
    const entries = log().map((items) => encodeLogEntry(renderNull(items)))
    const node = nullNode(true)
    applyAll([node], entries)
    const bytes = await takeNodeSnapshot(
      node.committed,
      { index: entries.length, term: 3 },
      {
        sealing: null,
        chunkBytes: 1024,
        yieldNow: noYield,
      },
    )
    const restored = await restoreNodeSnapshot(bytes, {
      signatures: unverifiedSignatures,
      opener: plaintextBatchOpener,
      sealing: null,
    })
    expect(restored.appliedTerm).toBe(3)
    expect(hex(encodeCommittedSnapshot(restored.committed).dataBytes)).toBe(
      hex(encodeCommittedSnapshot(node.committed).dataBytes),
    )
  })

  it('encodes the replica state in parts (a yield between parts) and merges them back: identical C, any part size', async () => {
    const entries = log().map((items) => encodeLogEntry(renderNull(items)))
    const node = nullNode(true)
    applyAll([node], entries)
    const original = hex(encodeCommittedSnapshot(node.committed).dataBytes)
    for (const itemsPerPart of [1, 3, 7, 1024]) {
      let yields = 0
      const bytes = await takeNodeSnapshot(
        node.committed,
        { index: entries.length, term: 1 },
        {
          sealing: null,
          chunkBytes: 1024,
          itemsPerPart,
          yieldNow: async () => {
            yields++
          },
        },
      )
      const decoded = decodeNodeSnapshot(bytes)
      if (decoded.data.kind !== 'plain') throw new Error('expected a plain data part')
      const part = decodeSnapshotDataPart(decoded.data.bytes, {
        fieldsBytesMax: 1 << 20,
        partBytesMax: 1 << 20,
      })
      // 20 map values in one collection.
      expect(part.parts.length).toBe(Math.ceil(20 / itemsPerPart))
      expect(yields).toBeGreaterThan(part.parts.length - 1)
      const restored = await restoreNodeSnapshot(bytes, {
        signatures: unverifiedSignatures,
        opener: plaintextBatchOpener,
        sealing: null,
      })
      expect(hex(encodeCommittedSnapshot(restored.committed).dataBytes)).toBe(original)
    }
    const state = node.committed.data?.replica.state()
    if (state === undefined) throw new Error('keyed')
    const [first] = splitReplicaState(state, 5)
    expect(() => mergeReplicaParts([first as Delta, first as Delta])).toThrow(MalformedOperationError)
    expect(() =>
      mergeReplicaParts([
        first as Delta,
        { ...(first as Delta), nodes: [...(first as Delta).nodes, 'other'] },
      ]),
    ).toThrow(MalformedOperationError)
  })

  it('a capture is C at its index: entries applied after it (overwrites, deletes) change nothing in what it encodes', async () => {
    const entries = log().map((items) => encodeLogEntry(renderNull(items)))
    const node = nullNode(true)
    applyAll([node], entries)
    const index = entries.length
    const expected = encodeCommittedSnapshot(node.committed)
    const captured = captureNodeSnapshot(node.committed, { index, term: 1 })
    // a's next sequences overwrite and delete keys the capture holds.
    const later: LogicalItem[][] = [1, 2, 3, 4].map((n) => [
      {
        kind: 'strong',
        by: 'a',
        sequence: 10 + n,
        operations: [
          n % 2 === 0
            ? { kind: 'map-delete', collection: carts, key: `k${n}` }
            : { kind: 'map-set', collection: carts, key: `k${n}`, value: 'later' },
        ],
      },
    ])
    applyAll(
      [node],
      later.map((items) => encodeLogEntry(renderNull(items))),
      index + 1,
    )
    expect(node.committed.data?.mapValue('carts', 'k1')).toBe('later')
    const bytes = await encodeCapturedSnapshot(captured, {
      sealing: null,
      chunkBytes: 1024,
      itemsPerPart: 4,
      yieldNow: noYield,
    })
    const restored = await restoreNodeSnapshot(bytes, {
      signatures: unverifiedSignatures,
      opener: plaintextBatchOpener,
      sealing: null,
    })
    const copy = encodeCommittedSnapshot(restored.committed)
    expect(copy.appliedIndex).toBe(index)
    expect(hex(copy.publicBytes)).toBe(hex(expected.publicBytes))
    expect(hex(copy.dataBytes)).toBe(hex(expected.dataBytes))
  })

  it('the container decoder: round trip, and only MalformedOperationError for fuzzed bytes (seeded)', () => {
    const snapshot = {
      appliedIndex: 2 ** 40 + 7,
      appliedTerm: 9,
      publicBytes: new Uint8Array([1, 2, 3]),
      data: {
        kind: 'sealed' as const,
        segments: [
          { manifest: new Uint8Array([4, 5]), chunks: [new Uint8Array([6]), new Uint8Array()] },
          { manifest: new Uint8Array([7]), chunks: [] },
        ],
      },
    }
    const bytes = encodeNodeSnapshot(snapshot)
    const back = decodeNodeSnapshot(bytes)
    expect(back.appliedIndex).toBe(snapshot.appliedIndex)
    expect(back.appliedTerm).toBe(9)
    expect([...back.publicBytes]).toEqual([1, 2, 3])
    expect(
      back.data.kind === 'sealed' &&
        back.data.segments.map((segment) => [
          [...segment.manifest],
          segment.chunks.map((chunk) => [...chunk]),
        ]),
    ).toEqual([
      [
        [4, 5],
        [[6], []],
      ],
      [[7], []],
    ])
    expect(() => decodeNodeSnapshot(bytes, { publicBytesMax: 2 })).toThrow(MalformedOperationError)
    expect(() => decodeNodeSnapshot(bytes, { dataBytesMax: 4 })).toThrow(MalformedOperationError)
    expect(() => decodeNodeSnapshot(new Uint8Array([...bytes, 0]))).toThrow(MalformedOperationError)
    const random = new SeededRandom(77)
    for (let run = 0; run < 20_000; run++) {
      const input =
        run % 2 === 0
          ? random.bytes(random.nextInt(64))
          : bytes.map((byte) => (random.nextInt(8) === 0 ? random.nextInt(256) : byte))
      try {
        decodeNodeSnapshot(input)
      } catch (error) {
        if (!(error instanceof MalformedOperationError))
          throw new Error(`seed 77, run ${run}: ${String(error)}`)
      }
    }
  })
})
