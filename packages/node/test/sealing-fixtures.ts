/**
 * One logical log rendered two ways — through the null envelope and through real sealing — and the
 * nodes that apply it: the shared ground of the sealing tests.
 */
import { SeededRandom } from '@tandem/base'
import type { Delta } from '@tandem/crdt'
import { type CryptoProvider, writerPublicKey } from '@tandem/envelope'
import { encodeEventualPayload } from '../src/codec/eventual-payload.js'
import { NULL_EPOCH_WRAP, plaintextBatchOpener, unverifiedSignatures } from '../src/codec/null-envelope.js'
import { encodeStrongPayload } from '../src/codec/strong-payload.js'
import { CommittedState } from '../src/core/committed-state.js'
import type { ControlOperation } from '../src/core/control.js'
import type { DataOperation } from '../src/core/data-operations.js'
import { type MemberId, memberId, type StreamId, streamId, type WriterKey } from '../src/core/ids.js'
import { LogApplier } from '../src/core/log-applier.js'
import type { LogItem } from '../src/core/log-items.js'
import { createSealing, type Sealing } from '../src/sealing/sealing.js'
import { incarnation } from './fixtures.js'

export const clusterId = new TextEncoder().encode('sealing-test-cluster')
export const t0 = 1_700_000_000_000
/** The epoch-1 cluster secret every keyed node holds. */
export const epochOneSecret = new SeededRandom(1).bytes(32)

/** The test's identities: a and b keyed, c keyless, d a stranger never admitted. */
export type Who = 'a' | 'b' | 'c' | 'd'
export const seeds: Record<Who, Uint8Array> = {
  a: new SeededRandom(11).bytes(32),
  b: new SeededRandom(12).bytes(32),
  c: new SeededRandom(13).bytes(32),
  d: new SeededRandom(14).bytes(32),
}
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
export const keyOf = (who: Who): WriterKey => hex(writerPublicKey(seeds[who])) as WriterKey
export const memberOf = (who: Who): MemberId =>
  memberId(`12D3KooW${who.toUpperCase().repeat(44)}`, `${'abcd'.indexOf(who) + 1}`.repeat(16))
/** The strong incarnation every writer opens. */
export const strongIncarnation = incarnation('1')
/** Who's eventual stream. */
export const streamOf = (who: Who): StreamId => streamId(keyOf(who), incarnation('2'), 0)

/** One item of a logical log, independent of how it is sealed. */
export type LogicalItem =
  | { readonly kind: 'control'; readonly by: Who; readonly operation: ControlOperation }
  | {
      readonly kind: 'strong'
      readonly by: Who
      readonly sequence: number
      readonly operations: DataOperation[]
    }
  | {
      readonly kind: 'fold'
      readonly by: Who
      readonly writer: Who
      readonly from: number
      readonly batches: readonly (readonly Delta[])[]
    }

const payloadOf = (operations: DataOperation[]) => ({
  stamp: { wallMs: t0, logical: 0 },
  operations: operations.map((operation) => ({ operation })),
})

/** The items as the null envelope carries them: plain payloads, no signatures. */
export function renderNull(items: readonly LogicalItem[]): LogItem[] {
  const none = new Uint8Array()
  return items.map((item): LogItem => {
    switch (item.kind) {
      case 'control':
        return { kind: 'control', signer: keyOf(item.by), operation: item.operation, signature: none }
      case 'strong':
        return {
          kind: 'strong',
          header: {
            key: keyOf(item.by),
            incarnation: strongIncarnation,
            sequence: item.sequence,
            floor: 1,
            epoch: 1,
          },
          signature: none,
          sealed: encodeStrongPayload(payloadOf(item.operations)),
        }
      default:
        return {
          kind: 'control',
          signer: keyOf(item.by),
          signature: none,
          operation: {
            kind: 'fold',
            runs: [
              {
                stream: streamOf(item.writer),
                batches: item.batches.map((deltas, i) => ({
                  sequence: item.from + i,
                  epoch: 1,
                  sealed: encodeEventualPayload(deltas),
                  signature: none,
                })),
              },
            ],
          },
        }
    }
  })
}

/** The items signed and sealed by each identity's own sealing. */
export function renderSealed(items: readonly LogicalItem[], writers: Record<Who, Sealing>): LogItem[] {
  return items.map((item): LogItem => {
    const by = writers[item.by].writer
    switch (item.kind) {
      case 'control':
        return by.signControl(item.operation)
      case 'strong':
        return by.sealStrongBatch(
          { incarnation: strongIncarnation, sequence: item.sequence, floor: 1 },
          payloadOf(item.operations),
        )
      default: {
        const writer = writers[item.writer].writer
        const stream = streamOf(item.writer)
        return by.signControl({
          kind: 'fold',
          runs: [
            {
              stream,
              batches: item.batches.map((deltas, i) =>
                writer.sealEventualBatch(stream, item.from + i, deltas),
              ),
            },
          ],
        })
      }
    }
  })
}

/** Each identity's sealing; a and b (and d, a stranger) hold epoch 1's key, c none. */
export function writersWith(
  provider: CryptoProvider,
  random?: (length: number) => Uint8Array,
): Record<Who, Sealing> {
  const make = (who: Who) => {
    const sealing = createSealing({
      clusterId,
      cryptoProvider: provider,
      signingKey: seeds[who],
      keyed: who !== 'c',
      ...(random === undefined ? {} : { random }),
    })
    if (who !== 'c') sealing.keys.addEpochSecret(1, epochOneSecret)
    return sealing
  }
  return { a: make('a'), b: make('b'), c: make('c'), d: make('d') }
}

/** A node applying a log: its C, its applier, and (for sealed nodes) its sealing. */
export interface TestNode {
  readonly committed: CommittedState
  readonly applier: LogApplier
  readonly sealing: Sealing | null
}

/** A node on the null envelope. */
export function nullNode(keyed: boolean): TestNode {
  const opener = keyed ? plaintextBatchOpener : null
  const committed = new CommittedState({ signatures: unverifiedSignatures, opener })
  return {
    committed,
    applier: new LogApplier({ committed, signatures: unverifiedSignatures, opener }),
    sealing: null,
  }
}

/** A node on real sealing; `epochKey` false makes a keyed node that has not got epoch 1's key yet. */
export function sealedNode(
  who: Who,
  provider: CryptoProvider,
  options: { readonly keyed: boolean; readonly epochKey?: boolean; readonly signatureCacheEntries?: number },
): TestNode {
  const sealing = createSealing({
    ...(options.signatureCacheEntries === undefined
      ? {}
      : { signatureCacheEntries: options.signatureCacheEntries }),
    clusterId,
    cryptoProvider: provider,
    signingKey: seeds[who],
    keyed: options.keyed,
  })
  if (options.keyed && options.epochKey !== false) sealing.keys.addEpochSecret(1, epochOneSecret)
  const opener = sealing.checks.opener
  const committed = new CommittedState({ signatures: sealing.checks, opener })
  sealing.attach(committed.public)
  return { committed, applier: new LogApplier({ committed, signatures: sealing.checks, opener }), sealing }
}

/** a founds the cluster; b joins keyed and c keyless, both promoted; a and b open; clocks read. */
export function bootstrapItems(): LogicalItem[][] {
  const control = (by: Who, operation: ControlOperation): LogicalItem => ({ kind: 'control', by, operation })
  return [
    [control('a', { kind: 'init', member: memberOf('a'), key: keyOf('a'), wrapped: NULL_EPOCH_WRAP })],
    [
      control('a', { kind: 'add-learner', member: memberOf('b'), key: keyOf('b'), keyed: true }),
      control('a', { kind: 'add-learner', member: memberOf('c'), key: keyOf('c'), keyed: false }),
      control('a', { kind: 'promote', member: memberOf('b') }),
      control('a', { kind: 'promote', member: memberOf('c') }),
    ],
    [
      control('a', { kind: 'open', incarnation: strongIncarnation, expected: null }),
      control('b', { kind: 'open', incarnation: strongIncarnation, expected: null }),
    ],
    [
      control('a', { kind: 'clock', member: memberOf('a'), readingMs: t0 }),
      control('b', { kind: 'clock', member: memberOf('b'), readingMs: t0 }),
      control('c', { kind: 'clock', member: memberOf('c'), readingMs: t0 }),
    ],
  ]
}

/** Hex of C's public layer, and of its data layer's replica state (`''` on a keyless node). */
export function digest(node: TestNode): { publicLayer: string; dataLayer: string } {
  return {
    publicLayer: hex(node.committed.public.encode()),
    dataLayer: node.committed.data === null ? '' : hex(node.committed.data.replica.encodeState()),
  }
}

/** Applies encoded entries from index `from`. */
export function applyAll(nodes: readonly TestNode[], entries: readonly Uint8Array[], from = 1): void {
  entries.forEach((bytes, position) => {
    for (const node of nodes) node.applier.apply(from + position, 1, bytes)
  })
}
