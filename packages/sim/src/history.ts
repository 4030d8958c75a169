/**
 * The client history: every operation a client invoked, with when it was called and when (and
 * with what) it returned. An operation whose outcome the client never learned — it timed out, its
 * node crashed, the run ended — is recorded with no return: it may or may not have taken effect,
 * at any moment after its call.
 */
import { assert } from '@tandem/base'
import { describeKvOperation, describeKvResult, type KvOperation, type KvResult } from './kv/command.js'

/** One operation in the history. */
export interface HistoryOperation {
  /** Unique within the history. */
  readonly id: number
  readonly clientId: number
  readonly operation: KvOperation
  /** Position of the call among all calls and returns (ties in virtual time are broken by this). */
  readonly callOrder: number
  readonly callTimeMs: number
  /** `null` when the outcome is unknown. */
  readonly returnOrder: number | null
  readonly returnTimeMs: number | null
  /** `null` when the outcome is unknown. */
  readonly result: KvResult | null
}

/** Collects operations as they are called and return. */
export class HistoryRecorder {
  private readonly operations: {
    id: number
    clientId: number
    operation: KvOperation
    callOrder: number
    callTimeMs: number
    returnOrder: number | null
    returnTimeMs: number | null
    result: KvResult | null
  }[] = []
  private orderNext = 0

  /** Records a call and returns its id. */
  call(clientId: number, operation: KvOperation, timeMs: number): number {
    const id = this.operations.length
    this.operations.push({
      id,
      clientId,
      operation,
      callOrder: this.orderNext++,
      callTimeMs: timeMs,
      returnOrder: null,
      returnTimeMs: null,
      result: null,
    })
    return id
  }

  /** Records the definite result of operation `id`. */
  complete(id: number, result: KvResult, timeMs: number): void {
    const entry = this.operations[id]
    assert(entry !== undefined, `no operation ${id}`)
    assert(entry.returnOrder === null, `operation ${id} returned twice`)
    entry.returnOrder = this.orderNext++
    entry.returnTimeMs = timeMs
    entry.result = result
  }

  /** Everything recorded so far; operations never completed are unknown-outcome. */
  get history(): readonly HistoryOperation[] {
    return this.operations
  }
}

/** A line per operation, e.g. `#12 c3 put(k1=c3.4) [120.5, 180.2] ok`. */
export function describeHistoryOperation(entry: HistoryOperation): string {
  const returned = entry.returnTimeMs === null ? '∞' : entry.returnTimeMs.toFixed(3)
  const outcome = entry.result === null ? 'unknown' : describeKvResult(entry.result)
  return `#${entry.id} c${entry.clientId} ${describeKvOperation(entry.operation)} [${entry.callTimeMs.toFixed(3)}, ${returned}] ${outcome}`
}
