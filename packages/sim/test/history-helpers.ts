import type { SeededRandom } from '@tandem/base'
import { stepRegister } from '../src/checkers/register-model.js'
import type { HistoryOperation } from '../src/history.js'
import type { KvOperation, KvResult } from '../src/kv/command.js'

/** One operation written by hand: call and return times (return `null` = unknown outcome). */
export interface Sketch {
  readonly client: number
  readonly operation: KvOperation
  readonly callMs: number
  readonly returnMs: number | null
  readonly result: KvResult | null
}

/** Turns hand-written operations into a history; call/return order follows the times (calls first on ties). */
export function historyOf(sketches: readonly Sketch[]): HistoryOperation[] {
  const events: { time: number; isCall: boolean; index: number }[] = []
  sketches.forEach((sketch, index) => {
    events.push({ time: sketch.callMs, isCall: true, index })
    if (sketch.returnMs !== null) events.push({ time: sketch.returnMs, isCall: false, index })
  })
  events.sort((a, b) => a.time - b.time || Number(a.isCall) - Number(b.isCall) || a.index - b.index)
  const callOrder = new Map<number, number>()
  const returnOrder = new Map<number, number>()
  events.forEach((event, order) => {
    ;(event.isCall ? callOrder : returnOrder).set(event.index, order)
  })
  return sketches.map((sketch, index) => ({
    id: index,
    clientId: sketch.client,
    operation: sketch.operation,
    callOrder: callOrder.get(index) as number,
    callTimeMs: sketch.callMs,
    returnOrder: sketch.returnMs === null ? null : (returnOrder.get(index) as number),
    returnTimeMs: sketch.returnMs,
    result: sketch.returnMs === null ? null : sketch.result,
  }))
}

export const put = (key: string, value: string): KvOperation => ({ kind: 'put', key, value })
export const get = (key: string): KvOperation => ({ kind: 'get', key })
export const cas = (key: string, expected: string | null, value: string): KvOperation => ({
  kind: 'cas',
  key,
  expected,
  value,
})
export const del = (key: string): KvOperation => ({ kind: 'delete', key })
export const ok: KvResult = { kind: 'put' }
export const read = (value: string | null): KvResult => ({ kind: 'get', value })
export const swapped = (succeeded: boolean): KvResult => ({ kind: 'cas', succeeded })
export const deleted = (existed: boolean): KvResult => ({ kind: 'delete', existed })

/**
 * A history that is linearizable by construction: each operation takes effect at a random point
 * between its call and its return, and its result is computed by the sequential model in that
 * order. Some operations lose their outcome (it becomes unknown), and some of those never took
 * effect at all. Every put writes a unique value.
 */
export function sequentialHistory(
  random: SeededRandom,
  options: { operations: number; keys: number; clients: number },
): Sketch[] {
  interface Draft {
    client: number
    operation: KvOperation
    callMs: number
    effectMs: number
    returnMs: number
    unknown: boolean
    happened: boolean
  }
  const drafts: Draft[] = []
  const clientFreeAt = new Array<number>(options.clients).fill(0)
  const written: string[][] = Array.from({ length: options.keys }, () => [])
  for (let i = 0; i < options.operations; i++) {
    const client = random.nextInt(options.clients)
    const callMs = (clientFreeAt[client] as number) + random.between(0, 20)
    const returnMs = callMs + random.between(1, 40)
    const effectMs = callMs + random.nextFloat() * (returnMs - callMs)
    clientFreeAt[client] = returnMs + 1
    const keyIndex = random.nextInt(options.keys)
    const key = `k${keyIndex}`
    const values = written[keyIndex] as string[]
    const fresh = `v${i}`
    const kind = random.nextInt(4)
    let operation: KvOperation
    if (kind === 0) {
      operation = put(key, fresh)
      values.push(fresh)
    } else if (kind === 1) operation = get(key)
    else if (kind === 2) {
      const expected = values.length > 0 && random.chance(0.7) ? random.pick(values) : null
      operation = cas(key, expected, fresh)
      values.push(fresh)
    } else operation = del(key)
    const unknown = random.chance(0.1)
    drafts.push({
      client,
      operation,
      callMs,
      effectMs,
      returnMs,
      unknown,
      happened: !unknown || random.chance(0.5),
    })
  }
  const state = new Map<string, string | null>()
  const results = new Map<Draft, KvResult>()
  for (const draft of drafts.slice().sort((a, b) => a.effectMs - b.effectMs)) {
    if (!draft.happened) continue
    const before = state.get(draft.operation.key) ?? null
    const step = stepRegister(before, draft.operation, null)
    results.set(draft, resultOf(draft.operation, before))
    state.set(draft.operation.key, step.next)
  }
  return drafts.map((draft) => ({
    client: draft.client,
    operation: draft.operation,
    callMs: draft.callMs,
    returnMs: draft.unknown ? null : draft.returnMs,
    result: draft.unknown ? null : (results.get(draft) as KvResult),
  }))
}

function resultOf(operation: KvOperation, before: string | null): KvResult {
  switch (operation.kind) {
    case 'put':
      return ok
    case 'get':
      return read(before)
    case 'cas':
      return swapped(before === operation.expected)
    case 'delete':
      return deleted(before !== null)
  }
}
