/**
 * Encode and restore times of a large C (NodeCore's Raft snapshots): a C holding about
 * `SNAPSHOT_BENCH_MIB` MiB (default 100) of map values, built by applying strong batches, then
 * snapshotted — captured (what runs inside the Raft loop), then encoded beside it in parts and
 * sealed with the native provider — and restored by another keyed node. Prints each step's time (the longest step is how
 * long the event loop is held at once) and the sizes. Run from the repository root after a build:
 *   pnpm exec node packages/node/bench/snapshot-encode.ts
 * `SNAPSHOT_BENCH_MODE=plain` or `=sealed` runs one mode only (each in its own process measures
 * without the other's garbage).
 */
import { performance } from 'node:perf_hooks'
import { writerPublicKey } from '@tandem/envelope'
import { encodeLogEntry } from '../dist/codec/log-entry.js'
import { decodeNodeSnapshot } from '../dist/codec/node-snapshot.js'
import { NULL_EPOCH_WRAP, plaintextBatchOpener, unverifiedSignatures } from '../dist/codec/null-envelope.js'
import { encodeCommittedSnapshot } from '../dist/codec/snapshot.js'
import { encodeStrongPayload } from '../dist/codec/strong-payload.js'
import {
  captureNodeSnapshot,
  encodeCapturedSnapshot,
  restoreNodeSnapshot,
} from '../dist/compose/node-snapshots.js'
import { CommittedState } from '../dist/core/committed-state.js'
import { memberId } from '../dist/core/ids.js'
import { LogApplier } from '../dist/core/log-applier.js'
import { createNodeSealing } from '../dist/sealing/node-sealing.js'

const mib = Number(process.env.SNAPSHOT_BENCH_MIB ?? 100)
const valueBytes = 1024
const perBatch = 100
const batches = Math.ceil((mib * 1024 * 1024) / (valueBytes * perBatch))
const seed = new Uint8Array(32).fill(7)
const key = Buffer.from(writerPublicKey(seed)).toString('hex')
const member = memberId(`12D3KooW${'B'.repeat(44)}`, '1'.repeat(16))
const incarnation = 'ab'.repeat(16)
const none = new Uint8Array()

const committed = new CommittedState({ signatures: unverifiedSignatures, opener: plaintextBatchOpener })
const applier = new LogApplier({ committed, signatures: unverifiedSignatures, opener: plaintextBatchOpener })
let index = 0
const control = (operation: unknown) =>
  encodeLogEntry([{ kind: 'control', signer: key, operation, signature: none } as never])
applier.apply(++index, 1, control({ kind: 'init', member, key, wrapped: NULL_EPOCH_WRAP }))
applier.apply(++index, 1, control({ kind: 'open', incarnation, expected: null }))
applier.apply(++index, 1, control({ kind: 'clock', member, readingMs: 1_700_000_000_000 }))
let built = performance.now()
const filler = 'x'.repeat(valueBytes - 16)
for (let sequence = 1; sequence <= batches; sequence++) {
  const operations = []
  for (let i = 0; i < perBatch; i++) {
    const n = (sequence - 1) * perBatch + i
    operations.push({
      operation: {
        kind: 'map-set',
        collection: { kind: 'map', name: 'm' },
        key: `k${n}`,
        value: `${n}:${filler}`,
      },
    })
  }
  const sealed = encodeStrongPayload({
    stamp: { wallMs: 1_700_000_000_000, logical: sequence },
    operations,
  } as never)
  applier.apply(
    ++index,
    1,
    encodeLogEntry([
      {
        kind: 'strong',
        header: { key, incarnation, sequence, floor: sequence, epoch: 1 },
        signature: none,
        sealed,
      } as never,
    ]),
  )
}
built = performance.now() - built
const plain = encodeCommittedSnapshot(committed)
console.log(
  `C: ${batches * perBatch} values of ${valueBytes} B at index ${index}, built in ${(built / 1000).toFixed(1)} s; ` +
    `public part ${plain.publicBytes.length} B, data part ${(plain.dataBytes?.length ?? 0) / 2 ** 20} MiB`,
)

const sealing = createNodeSealing({
  clusterId: new TextEncoder().encode('bench'),
  signingKey: seed,
  keyed: true,
})
sealing.keys.addEpochSecret(1, new Uint8Array(32).fill(9))

const modes = (['plain (null envelope)', 'sealed (native provider)'] as const).filter((mode) =>
  mode.startsWith(process.env.SNAPSHOT_BENCH_MODE ?? ''),
)
for (const mode of modes) {
  const steps: number[] = []
  let last = performance.now()
  const yieldNow = async () => {
    const now = performance.now()
    steps.push(now - last)
    await new Promise((resolve) => setImmediate(resolve))
    last = performance.now()
  }
  const started = performance.now()
  // The capture is all that runs inside the Raft loop; the encoding runs beside it.
  const captured = captureNodeSnapshot(committed, { index, term: 1 })
  const captureMs = performance.now() - started
  last = performance.now()
  const bytes = await encodeCapturedSnapshot(captured, {
    sealing: mode.startsWith('sealed') ? sealing : null,
    chunkBytes: 1024 * 1024,
    yieldNow,
  })
  steps.push(performance.now() - last)
  const total = performance.now() - started
  const restoreSteps: number[] = []
  let restoreLast = performance.now()
  const restoreStarted = performance.now()
  const restored = await restoreNodeSnapshot(bytes, {
    signatures: unverifiedSignatures,
    opener: plaintextBatchOpener,
    sealing: mode.startsWith('sealed') ? sealing : null,
    yieldNow: async () => {
      restoreSteps.push(performance.now() - restoreLast)
      await new Promise((resolve) => setImmediate(resolve))
      restoreLast = performance.now()
    },
  })
  restoreSteps.push(performance.now() - restoreLast)
  const restoreMs = performance.now() - restoreStarted
  const same =
    Buffer.compare(
      Buffer.from(encodeCommittedSnapshot(restored.committed).dataBytes ?? none),
      Buffer.from(plain.dataBytes ?? none),
    ) === 0
  const kind = decodeNodeSnapshot(bytes).data.kind
  console.log(
    `${mode}: snapshot ${(bytes.length / 2 ** 20).toFixed(1)} MiB (${kind}); capture ${captureMs.toFixed(0)} ms, then encode ${total.toFixed(0)} ms in ` +
      `${steps.length} steps, longest ${Math.max(...steps).toFixed(0)} ms (first ${steps[0]?.toFixed(0)}, last three ${steps
        .slice(-3)
        .map((ms) => ms.toFixed(0))
        .join('/')}); restore ${restoreMs.toFixed(0)} ms in ` +
      `${restoreSteps.length} steps, longest ${Math.max(...restoreSteps).toFixed(0)} ms (first ${restoreSteps[0]?.toFixed(0)}, last ${restoreSteps[restoreSteps.length - 1]?.toFixed(0)}); restored C identical: ${same}`,
  )
}
