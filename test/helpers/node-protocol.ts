/**
 * The messages between an end-to-end test and the node processes it forks (test/fixtures/*-child.ts),
 * over Node's IPC channel with the 'advanced' serialization (structured clone: bigints and byte
 * arrays cross as they are). Shared by both sides so a change to one side is a type error on the other.
 */

/** How a child starts its node: the `createNode` options that cross a process boundary. */
export interface ChildStartConfig {
  readonly dataDir: string
  /** A new single-voter cluster (an empty data directory only). */
  readonly init?: boolean
  /** Join through members on which `addLearner` already ran (what it returned). */
  readonly join?: { readonly clusterId: string; readonly addresses: readonly string[] }
  /** Multiaddrs to listen on; the node's default (QUIC + TCP on 127.0.0.1) when absent. */
  readonly listen?: readonly string[]
  readonly raft?: {
    readonly tickMs?: number
    readonly electionTicks?: number
    readonly heartbeatTicks?: number
  }
  readonly noQuorumTimeoutMs?: number
  /** When the logs fsync (the node's default: always). */
  readonly sync?: 'always' | 'batch' | 'none'
  /** When the node snapshots C (the node's default: max(64 MiB, 2 × the last snapshot)). */
  readonly snapshotPolicy?: { readonly logBytesMin?: number; readonly sizeFactor?: number }
}

/** A JSON-like value a map holds. */
export type WireValue =
  | string
  | number
  | boolean
  | null
  | readonly WireValue[]
  | { readonly [key: string]: WireValue }

/** What a test asks of a node. `map` names a collection; opening it with rules declares them. */
export type NodeRequest =
  | { readonly kind: 'echo'; readonly value: WireValue }
  | {
      readonly kind: 'map.open'
      readonly map: string
      readonly writes?: 'strong' | 'eventual' | 'both'
    }
  | {
      readonly kind: 'map.set'
      readonly map: string
      readonly key: string
      readonly value: WireValue
      readonly consistency: 'strong' | 'eventual'
      readonly idempotencyKey?: string
    }
  | {
      readonly kind: 'map.delete'
      readonly map: string
      readonly key: string
      readonly consistency: 'strong' | 'eventual'
    }
  | {
      readonly kind: 'map.compareAndSet'
      readonly map: string
      readonly key: string
      /** `null`: the key must be absent. */
      readonly expected: WireValue | null
      readonly next: WireValue
    }
  | {
      readonly kind: 'map.insertIfAbsent'
      readonly map: string
      readonly key: string
      readonly value: WireValue
    }
  | {
      readonly kind: 'map.increment'
      readonly map: string
      readonly key: string
      readonly by: number
      readonly min?: number
      readonly max?: number
    }
  | {
      readonly kind: 'map.get'
      readonly map: string
      readonly key: string
      readonly consistency: 'local' | 'linearizable'
    }
  | { readonly kind: 'map.entries'; readonly map: string }
  | { readonly kind: 'status' }
  | {
      readonly kind: 'addLearner'
      readonly memberId: string
      readonly addresses: readonly string[]
      readonly keyed: boolean
    }
  | { readonly kind: 'promote'; readonly memberId: string }
  | { readonly kind: 'transferLeadership'; readonly memberId: string }
  | { readonly kind: 'outcome'; readonly writeId: string }

/** Who a started node is. */
export interface NodeIdentity {
  readonly memberId: string
  readonly peerId: string
  readonly key: string
  /** Multiaddrs with /p2p/<peer id>. */
  readonly addresses: readonly string[]
}

/** A failed request, as the child saw the error: its class name, stable code and the fields tests read. */
export interface WireError {
  readonly name: string
  readonly code: string
  readonly message: string
  /** NoQuorumError's outcome. */
  readonly outcome?: string
  readonly writeId?: string
  readonly reason?: string
}

/** Test → child. */
export type ParentMessage =
  | { readonly type: 'start'; readonly config: ChildStartConfig }
  | { readonly type: 'request'; readonly id: number; readonly request: NodeRequest }
  | { readonly type: 'stop' }

/** Child → test. */
export type ChildMessage =
  | { readonly type: 'ready'; readonly identity: NodeIdentity }
  | { readonly type: 'start-failed'; readonly error: WireError }
  | { readonly type: 'response'; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly type: 'response'
      readonly id: number
      readonly ok: false
      readonly error: WireError
      /** How long the child took from receiving the request to this answer (its own clock). */
      readonly elapsedMs?: number
    }
  | { readonly type: 'stopped' }

/** Turns anything thrown into a {@link WireError} (a plain object: structured clone drops classes). */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error))
    return { name: 'Error', code: 'E2E_NON_ERROR_THROWN', message: String(error) }
  const fields = error as Error & { code?: unknown; outcome?: unknown; writeId?: unknown; reason?: unknown }
  return {
    name: error.name,
    code: typeof fields.code === 'string' ? fields.code : 'E2E_UNCODED_ERROR',
    message: error.message,
    ...(typeof fields.outcome === 'string' ? { outcome: fields.outcome } : {}),
    ...(typeof fields.writeId === 'string' ? { writeId: fields.writeId } : {}),
    ...(typeof fields.reason === 'string' ? { reason: fields.reason } : {}),
  }
}

/**
 * Copies a result into plain data that structured clone accepts (class instances become plain
 * objects, functions and symbols are dropped; bigints, byte arrays, Maps and arrays are kept).
 */
export function toWireValue(value: unknown, depthMax = 16): unknown {
  if (depthMax < 0) return '[too deep]'
  if (value === null || value === undefined) return value
  const type = typeof value
  if (type === 'function' || type === 'symbol') return undefined
  if (type !== 'object') return value
  if (value instanceof Uint8Array) return value
  if (Array.isArray(value)) return value.map((item) => toWireValue(item, depthMax - 1))
  if (value instanceof Map)
    return new Map([...value].map(([k, v]) => [toWireValue(k, depthMax - 1), toWireValue(v, depthMax - 1)]))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const copied = toWireValue(v, depthMax - 1)
    if (copied !== undefined) out[k] = copied
  }
  return out
}
