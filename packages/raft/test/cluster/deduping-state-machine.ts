/**
 * A state machine that deduplicates by itself, as an application running RaftNode with the
 * built-in sessions off does: a command it has applied before is skipped (result -1), and a
 * membership change whose encoded bytes it has applied before is vetoed. What it has seen is part of
 * its snapshot, so every node judges alike, restored or not.
 */
import { encodeConfChange } from '../../src/codec/index.js'
import type { ConfChange } from '../../src/core/types.js'
import type { AppliedCommand } from '../../src/driver/interfaces.js'
import { RecordingStateMachine } from './harness.js'

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/** A command's identity for RaftNode's `commandKey`: the scenarios' commands are unique strings. */
export function wholeCommandKey(command: Uint8Array): string {
  return fromUtf8.decode(command)
}

export class DedupingStateMachine extends RecordingStateMachine {
  /** Copies skipped on this incarnation (for statistics only: not in the snapshot). */
  duplicates = 0
  #seen = new Set<string>()
  #changes = new Set<string>()

  override apply(commands: readonly AppliedCommand[]): number[] {
    const results: number[] = []
    for (const command of commands) {
      const text = fromUtf8.decode(command.data)
      if (this.#seen.has(text)) {
        this.duplicates++
        results.push(-1)
        continue
      }
      this.#seen.add(text)
      results.push(...super.apply([command]))
    }
    return results
  }

  vetoConfChange(change: ConfChange): string | null {
    const key = Buffer.from(encodeConfChange(change)).toString('hex')
    if (this.#changes.has(key)) return 'a repeated copy of an applied change'
    this.#changes.add(key)
    return null
  }

  override snapshot(): Uint8Array {
    const history = fromUtf8.decode(super.snapshot())
    return utf8.encode(JSON.stringify({ history, changes: [...this.#changes] }))
  }

  override restore(data: Uint8Array): void {
    const parsed = JSON.parse(fromUtf8.decode(data)) as { history: string; changes: string[] }
    super.restore(utf8.encode(parsed.history))
    this.#changes = new Set(parsed.changes)
    this.#seen = new Set(this.history.map((entry) => entry.command))
  }
}
