/**
 * The demo's replicated state machine: a string key-value map with put, delete and
 * compare-and-set. Commands are small JSON documents (a demo favours readability; Tandem's hot
 * paths are binary). Applying is deterministic, so every node holds the same map at each index.
 */
import { createHash } from 'node:crypto'
import type { AppliedCommand, StateMachine } from '@tandem/raft'

/** A strong write, as proposed through Raft. */
export type KvCommand =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string }

/** What applying a command returned: whether it took effect, and the value it replaced. */
export interface KvResult {
  readonly applied: boolean
  readonly previous: string | null
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Encodes a command for `RaftNode.propose`. */
export function encodeCommand(command: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(command))
}

function decodeCommand(data: Uint8Array): KvCommand | null {
  try {
    const parsed: unknown = JSON.parse(decoder.decode(data))
    if (typeof parsed !== 'object' || parsed === null) return null
    const command = parsed as Record<string, unknown>
    if (typeof command.key !== 'string') return null
    if (command.op === 'put' && typeof command.value === 'string') return command as KvCommand
    if (command.op === 'delete') return command as KvCommand
    if (command.op === 'cas' && typeof command.value === 'string') {
      if (command.expected === null || typeof command.expected === 'string') return command as KvCommand
    }
    return null
  } catch {
    return null
  }
}

/** The key-value store every node applies committed commands to. */
export class KvStore implements StateMachine<KvResult> {
  readonly #entries = new Map<string, string>()

  /** Applies committed commands in log order; a command that cannot be decoded is a no-op on every node. */
  apply(commands: readonly AppliedCommand[]): KvResult[] {
    return commands.map((committed) => {
      const command = decodeCommand(committed.data)
      if (command === null) return { applied: false, previous: null }
      const previous = this.#entries.get(command.key) ?? null
      if (command.op === 'put') {
        this.#entries.set(command.key, command.value)
        return { applied: true, previous }
      }
      if (command.op === 'delete') {
        this.#entries.delete(command.key)
        return { applied: previous !== null, previous }
      }
      if (previous !== command.expected) return { applied: false, previous }
      this.#entries.set(command.key, command.value)
      return { applied: true, previous }
    })
  }

  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify([...this.#entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
  }

  restore(data: Uint8Array): void {
    this.#entries.clear()
    const pairs = JSON.parse(decoder.decode(data)) as [string, string][]
    for (const [key, value] of pairs) this.#entries.set(key, value)
  }

  get(key: string): string | null {
    return this.#entries.get(key) ?? null
  }

  get size(): number {
    return this.#entries.size
  }

  /** SHA-256 of the canonical snapshot: equal digests mean equal maps. */
  digest(): string {
    return createHash('sha256').update(this.snapshot()).digest('hex').slice(0, 16)
  }
}
