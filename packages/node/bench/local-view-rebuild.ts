// What the local view V costs while C grows. One pending batch touches a small collection; C holds
// `entries` map entries in another. Measured: a read of V after each strong write to the big
// collection (outside the overlay: no rebuild), after each strong write to the small one (V
// rebuilds its overlay: C's state is exported whole, then only the touched collections are kept),
// a read with C unchanged, and an appended batch that merges incrementally.
// Build first: pnpm exec tsc -b packages/node. Usage: pnpm exec node packages/node/bench/local-view-rebuild.ts [entries]
import { Replica } from '@tandem/crdt'
import {
  CommittedState,
  type Incarnation,
  LocalView,
  memberId,
  NULL_EPOCH_WRAP,
  plaintextBatchOpener,
  type StrongOperation,
  streamId,
  unverifiedSignatures,
  type WriterKey,
} from '@tandem/node'

const entries = Number(process.argv[2] ?? 100_000)
const rounds = 50
const key = 'a'.repeat(64) as WriterKey
const incarnation = '1'.repeat(32) as Incarnation
const committed = new CommittedState({ signatures: unverifiedSignatures, opener: plaintextBatchOpener })
const member = memberId('12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', '0123456789abcdef')
let index = 0
let sequence = 0
committed.applyControl({
  index: ++index,
  signer: key,
  operation: { kind: 'init', member, key, wrapped: NULL_EPOCH_WRAP },
})
committed.applyControl({
  index: ++index,
  signer: key,
  operation: { kind: 'open', incarnation, expected: null },
})

const set = (mapKey: string, name = 'big'): StrongOperation => ({
  operation: { kind: 'map-set', collection: { kind: 'map', name }, key: mapKey, value: 1 },
})
function strong(operations: StrongOperation[]): void {
  sequence++
  committed.applyStrong({
    index: ++index,
    ordinalStart: 0,
    header: { key, incarnation, sequence, floor: sequence },
    payload: { stamp: { wallMs: 1, logical: 0 }, operations },
  })
}
for (let start = 0; start < entries; start += 1000)
  strong(Array.from({ length: Math.min(1000, entries - start) }, (_, i) => set(`k${start + i}`)))

const stream = streamId(key, incarnation, 0)
const writer = new Replica({ node: stream, now: () => 1_000 })
const view = new LocalView({ committed, now: () => 1_000 })
view.addPending(stream, { sequence: 1, epoch: 1, deltas: [writer.map('small').set('x', 1)], bytes: 16 })
view.map('small').get('x')

let started = performance.now()
for (let round = 0; round < rounds; round++) {
  strong([set('k0')])
  view.map('small').get('x')
}
const afterOutsideChangeMs = (performance.now() - started) / rounds
started = performance.now()
for (let round = 0; round < rounds; round++) {
  strong([set('y', 'small')])
  view.map('small').get('x')
}
const afterOverlayChangeMs = (performance.now() - started) / rounds
started = performance.now()
for (let round = 0; round < rounds; round++) view.map('small').get('x')
const unchangedUs = ((performance.now() - started) / rounds) * 1000
started = performance.now()
for (let round = 2; round < 2 + rounds; round++)
  view.addPending(stream, {
    sequence: round,
    epoch: 1,
    deltas: [writer.map('small').set('x', round)],
    bytes: 16,
  })
const appendUs = ((performance.now() - started) / rounds) * 1000
console.log(
  JSON.stringify({
    entries,
    readAfterStrongWriteOutsideOverlayMs: Number(afterOutsideChangeMs.toFixed(2)),
    readAfterStrongWriteInOverlayMs: Number(afterOverlayChangeMs.toFixed(2)),
    readUnchangedUs: Number(unchangedUs.toFixed(2)),
    incrementalAppendUs: Number(appendUs.toFixed(2)),
  }),
)
