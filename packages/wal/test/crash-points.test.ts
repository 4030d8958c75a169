/**
 * The ALICE approach: run a scripted workload once to count its device operations, then run it
 * again once per operation with the power cut exactly there, and recover from several crash
 * images of each cut (unsynced state dropped, kept, half kept, the next write torn at several
 * bytes). After every recovery: every acknowledged record is present and byte-identical, no
 * record appears that was never appended (or whose removal was acknowledged), and the indices
 * are contiguous — precisely, the recovered log equals the state after the acknowledged
 * operations, possibly followed by part of the one operation in flight.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { MemoryDevice, openWal, type Wal, type WalRecord } from '../src/index.js'
import { equalBytes, payloadFor, readAll } from './helpers.js'

type Operation =
  | { readonly kind: 'append'; readonly records: readonly WalRecord[] }
  | { readonly kind: 'truncate'; readonly fromIndex: number }
  | { readonly kind: 'compact'; readonly throughIndex: number }

/** A log state: `first` and the payloads of `first, first + 1, ...`. */
interface LogState {
  readonly first: number
  readonly payloads: readonly Uint8Array[]
}

function apply(state: LogState, operation: Operation): LogState {
  const next = state.first + state.payloads.length
  switch (operation.kind) {
    case 'append':
      return { first: state.first, payloads: [...state.payloads, ...operation.records.map((r) => r.payload)] }
    case 'truncate':
      return { first: state.first, payloads: state.payloads.slice(0, operation.fromIndex - state.first) }
    case 'compact': {
      if (operation.throughIndex < state.first) return state
      if (operation.throughIndex >= next) return { first: operation.throughIndex + 1, payloads: [] }
      return {
        first: operation.throughIndex + 1,
        payloads: state.payloads.slice(operation.throughIndex + 1 - state.first),
      }
    }
  }
}

const SEED = 20261122
const SEGMENT_BYTES = 4096

/** Issues the scripted workload; records what was issued and what was acknowledged, in order. */
async function workload(wal: Wal, issued: Operation[], acknowledged: boolean[]): Promise<void> {
  const random = new SeededRandom(SEED)
  let tag = 0
  const records = (count: number): WalRecord[] =>
    Array.from({ length: count }, () => ({
      type: 3,
      payload: payloadFor(++tag, 1 + random.nextInt(700)),
    }))
  const issue = (operation: Operation): Promise<unknown> => {
    const position = issued.length
    issued.push(operation)
    acknowledged.push(false)
    const promise =
      operation.kind === 'append'
        ? wal.append(operation.records)
        : operation.kind === 'truncate'
          ? wal.truncateSuffix(operation.fromIndex)
          : wal.compactPrefix(operation.throughIndex)
    return promise.then(() => {
      // Acknowledgements arrive in issue order: the acknowledged operations are a prefix.
      if (position > 0 && !acknowledged[position - 1]) throw new Error('acknowledged out of order')
      acknowledged[position] = true
    })
  }
  const together = (count: number, size: number) =>
    Promise.all(Array.from({ length: count }, () => issue({ kind: 'append', records: records(size) })))
  await together(6, 2)
  for (let step = 0; step < 5; step++) await issue({ kind: 'append', records: records(1) })
  await issue({ kind: 'truncate', fromIndex: wal.lastIndex - 3 })
  await together(3, 3)
  await issue({ kind: 'compact', throughIndex: 6 })
  await together(2, 1)
  await issue({ kind: 'truncate', fromIndex: wal.lastIndex })
  await issue({ kind: 'compact', throughIndex: wal.lastIndex + 2 })
  await together(3, 1)
  await issue({ kind: 'truncate', fromIndex: wal.firstIndex + 1 })
  await together(2, 2)
}

/** Whether `recovered` is `base` followed by a prefix of an append, or `base` cut by a truncation. */
function matchesPartial(recovered: LogState, base: LogState, inFlight: Operation | undefined): boolean {
  const same = (state: LogState) =>
    state.first === recovered.first &&
    state.payloads.length === recovered.payloads.length &&
    state.payloads.every((payload, i) => equalBytes(payload, recovered.payloads[i] as Uint8Array))
  if (same(base)) return true
  if (!inFlight) return false
  if (inFlight.kind === 'append') {
    for (let kept = 1; kept <= inFlight.records.length; kept++) {
      if (same(apply(base, { kind: 'append', records: inFlight.records.slice(0, kept) }))) return true
    }
  }
  if (inFlight.kind === 'truncate') {
    for (let cut = inFlight.fromIndex; cut <= base.first + base.payloads.length; cut++) {
      if (same(apply(base, { kind: 'truncate', fromIndex: cut }))) return true
    }
  }
  return same(apply(base, inFlight))
}

async function checkRecovery(
  image: MemoryDevice,
  issued: readonly Operation[],
  acknowledged: readonly boolean[],
  context: string,
  /** Whether acknowledged operations must have survived (false: any prefix of the history will do). */
  acknowledgedDurable = true,
): Promise<void> {
  const wal = await openWal({ device: image, segmentBytesMax: SEGMENT_BYTES })
  const records = await readAll(wal)
  records.forEach((record, i) => {
    expect(record.index, `${context}: contiguous`).toBe(wal.firstIndex + i)
  })
  expect(wal.lastIndex, context).toBe(wal.firstIndex + records.length - 1)
  const recovered: LogState = { first: wal.firstIndex, payloads: records.map((r) => r.payload) }
  // Allowed: the state after the acknowledged prefix, or after any later operation (one in flight
  // can complete on disk before its acknowledgement), each possibly followed by part of the next.
  const acknowledgedCount = acknowledgedDurable ? acknowledged.filter(Boolean).length : 0
  let state: LogState = { first: 1, payloads: [] }
  for (let position = 0; position < acknowledgedCount; position++)
    state = apply(state, issued[position] as Operation)
  let matched = false
  for (let position = acknowledgedCount; position <= issued.length && !matched; position++) {
    matched = matchesPartial(recovered, state, issued[position])
    if (position < issued.length) state = apply(state, issued[position] as Operation)
  }
  expect(
    matched,
    `${context}: recovered [${recovered.first}, +${recovered.payloads.length}] is not a legal state`,
  ).toBe(true)
  // The recovered log keeps working: an append lands right after it and survives a power cut.
  await wal.append([{ type: 9, payload: new Uint8Array([1, 2, 3]) }])
  const again = await openWal({ device: image.crash(), segmentBytesMax: SEGMENT_BYTES })
  expect(again.lastIndex, `${context}: append after recovery`).toBe(
    recovered.first + recovered.payloads.length,
  )
}

describe('crash at every write and sync point (ALICE)', () => {
  it('recovers a legal state from every crash image of every operation', async () => {
    const clean = new MemoryDevice()
    const issuedClean: Operation[] = []
    await workload(await openWal({ device: clean, segmentBytesMax: SEGMENT_BYTES }), issuedClean, [])
    const operationCount = clean.operationCount
    expect(operationCount).toBeGreaterThan(50)
    let images = 0
    for (let cut = 1; cut <= operationCount + 1; cut++) {
      const device = new MemoryDevice({ powerCutAtOperation: cut })
      const issued: Operation[] = []
      const acknowledged: boolean[] = []
      const wal = await openWal({ device, segmentBytesMax: SEGMENT_BYTES })
      await workload(wal, issued, acknowledged).catch(() => undefined)
      // Let every rejection settle before inspecting the device.
      await new Promise((resolve) => setImmediate(resolve))
      const pending = device.pendingOperationCount
      const variants: { name: string; image: MemoryDevice }[] = [
        { name: 'power cut', image: device.crash() },
        { name: 'process crash', image: device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY }) },
        { name: 'half kept', image: device.crash({ keepPendingOperations: Math.floor(pending / 2) }) },
      ]
      for (const tornBytes of [1, 13, 24, 31, 200]) {
        variants.push({
          name: `torn ${tornBytes}`,
          image: device.crash({ keepPendingOperations: Math.max(0, pending - 1), tornBytes }),
        })
      }
      for (const variant of variants) {
        await checkRecovery(
          variant.image,
          issued,
          acknowledged,
          `seed ${SEED}, cut at ${cut}, ${variant.name}`,
        )
        images++
      }
    }
    expect(images).toBe((operationCount + 1) * 8)
  })
})

describe.each([
  { mode: 'none' as const, extra: {} },
  // Batch mode with a timer that never fires: syncs come only from the byte threshold.
  { mode: 'batch' as const, extra: { batchBytesMax: 2000, clock: new ManualClock() } },
])('crash at every point with sync mode $mode (no sync per append)', ({ mode, extra }) => {
  it('a power cut keeps some prefix of the history; a process crash keeps every acknowledged operation', async () => {
    const clean = new MemoryDevice()
    await workload(
      await openWal({ device: clean, segmentBytesMax: SEGMENT_BYTES, syncMode: mode, ...extra }),
      [],
      [],
    )
    const operationCount = clean.operationCount
    for (let cut = 1; cut <= operationCount + 1; cut++) {
      const device = new MemoryDevice({ powerCutAtOperation: cut })
      const issued: Operation[] = []
      const acknowledged: boolean[] = []
      const wal = await openWal({ device, segmentBytesMax: SEGMENT_BYTES, syncMode: mode, ...extra })
      await workload(wal, issued, acknowledged).catch(() => undefined)
      await new Promise((resolve) => setImmediate(resolve))
      const context = `seed ${SEED}, mode ${mode}, cut at ${cut}`
      await checkRecovery(device.crash(), issued, acknowledged, `${context}, power cut`, false)
      await checkRecovery(
        device.crash({ keepPendingOperations: Math.floor(device.pendingOperationCount / 2), tornBytes: 30 }),
        issued,
        acknowledged,
        `${context}, half kept and torn`,
        false,
      )
      await checkRecovery(
        device.crash({ keepPendingOperations: Number.POSITIVE_INFINITY }),
        issued,
        acknowledged,
        `${context}, process crash`,
      )
    }
  })
})
