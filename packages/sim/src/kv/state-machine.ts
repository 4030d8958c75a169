/**
 * The deterministic key-value state machine every simulated node runs. It applies commands in log
 * order, deduplicates retries by (client id, sequence), and snapshots to bytes that are identical
 * on every node at the same index. Its results are plain objects; only the simulator reads them.
 */
import { TandemError } from '@tandem/base'
import {
  decodeKvCommand,
  type KvCommand,
  KvCommandDecodeError,
  type KvOperation,
  type KvResult,
} from './command.js'

/** A committed command as `@tandem/raft` hands it over (its `AppliedCommand`). */
export interface AppliedKvCommand {
  readonly index: number
  readonly term: number
  readonly data: Uint8Array
}

/** What the simulator observes about each applied entry. */
export interface ApplyObservation {
  readonly index: number
  readonly term: number
  readonly data: Uint8Array
  readonly result: KvResult | null
}

interface ClientSession {
  readonly sequence: number
  readonly result: KvResult
}

/** Snapshot bytes that do not decode. */
export class KvSnapshotDecodeError extends TandemError {
  readonly code = 'SIM_KV_SNAPSHOT_MALFORMED'
  override readonly name = 'KvSnapshotDecodeError'
}

/** The replicated store: values by key plus the last command of each client. */
export class KvStateMachine {
  private values = new Map<string, string>()
  private sessions = new Map<number, ClientSession>()
  private appliedIndexValue = 0
  private readonly observer: ((observation: ApplyObservation) => void) | null

  constructor(observer: ((observation: ApplyObservation) => void) | null = null) {
    this.observer = observer
  }

  /** The index of the last entry applied (or restored from a snapshot). */
  get appliedIndex(): number {
    return this.appliedIndexValue
  }

  /** The value under `key`, or `null`. */
  read(key: string): string | null {
    return this.values.get(key) ?? null
  }

  /**
   * The result this state machine recorded for a client's command, if `sequence` is that client's
   * latest applied command. Lets a retry that the driver recognised as a duplicate learn the result.
   */
  sessionResult(clientId: number, sequence: number): KvResult | null {
    const session = this.sessions.get(clientId)
    return session !== undefined && session.sequence === sequence ? session.result : null
  }

  /**
   * Applies committed commands in order. An entry whose bytes are not a command (for example the
   * empty entry a new leader appends) changes nothing and yields `null`.
   */
  apply(commands: readonly AppliedKvCommand[]): (KvResult | null)[] {
    const results: (KvResult | null)[] = []
    for (const command of commands) {
      const result = this.applyOne(command)
      this.appliedIndexValue = command.index
      this.observer?.({ index: command.index, term: command.term, data: command.data, result })
      results.push(result)
    }
    return results
  }

  private applyOne(applied: AppliedKvCommand): KvResult | null {
    if (applied.data.length === 0) return null
    let command: KvCommand
    try {
      command = decodeKvCommand(applied.data)
    } catch (error) {
      if (error instanceof KvCommandDecodeError) return null
      throw error
    }
    const session = this.sessions.get(command.clientId)
    if (session !== undefined) {
      if (command.sequence === session.sequence) return session.result
      if (command.sequence < session.sequence) return { kind: 'stale' }
    }
    const result = this.execute(command.operation)
    this.sessions.set(command.clientId, { sequence: command.sequence, result })
    return result
  }

  private execute(operation: KvOperation): KvResult {
    const current = this.values.get(operation.key) ?? null
    switch (operation.kind) {
      case 'put':
        this.values.set(operation.key, operation.value)
        return { kind: 'put' }
      case 'get':
        return { kind: 'get', value: current }
      case 'cas':
        if (current !== operation.expected) return { kind: 'cas', succeeded: false }
        this.values.set(operation.key, operation.value)
        return { kind: 'cas', succeeded: true }
      case 'delete':
        this.values.delete(operation.key)
        return { kind: 'delete', existed: current !== null }
    }
  }

  /** The state as canonical bytes (keys and clients sorted), equal on every node at equal index. */
  snapshot(): Uint8Array {
    const state = {
      values: [...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      sessions: [...this.sessions.entries()].sort(([a], [b]) => a - b),
    }
    return new TextEncoder().encode(JSON.stringify(state))
  }

  /** Replaces the state with a snapshot's. */
  restore(data: Uint8Array): void {
    const values = new Map<string, string>()
    const sessions = new Map<number, ClientSession>()
    if (data.length > 0) {
      let parsed: unknown
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data))
      } catch {
        throw new KvSnapshotDecodeError('snapshot is not valid JSON')
      }
      if (typeof parsed !== 'object' || parsed === null)
        throw new KvSnapshotDecodeError('snapshot is not an object')
      const record = parsed as { values?: unknown; sessions?: unknown }
      if (!Array.isArray(record.values) || !Array.isArray(record.sessions)) {
        throw new KvSnapshotDecodeError('snapshot lacks values or sessions')
      }
      for (const pair of record.values) {
        if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
          throw new KvSnapshotDecodeError('malformed value entry')
        }
        values.set(pair[0], pair[1])
      }
      for (const pair of record.sessions) {
        if (
          !Array.isArray(pair) ||
          typeof pair[0] !== 'number' ||
          typeof pair[1] !== 'object' ||
          pair[1] === null
        ) {
          throw new KvSnapshotDecodeError('malformed session entry')
        }
        sessions.set(pair[0], pair[1] as ClientSession)
      }
    }
    this.values = values
    this.sessions = sessions
  }

  /** Marks the state as restored through `index` (the snapshot's index). */
  restoredThrough(index: number): void {
    this.appliedIndexValue = index
  }
}
