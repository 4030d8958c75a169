import { InvariantError, isTandemError, SeededRandom } from '@tandem/base'
import { expect } from 'vitest'
import type { StoredRecord, Wal } from '../src/index.js'

/** Deterministic payload bytes derived from a tag, so a payload names where it came from. */
export function payloadFor(tag: number, length: number): Uint8Array {
  return new SeededRandom(tag).bytes(length)
}

/** Every record of the log, in order. */
export async function readAll(wal: Wal): Promise<StoredRecord[]> {
  const records: StoredRecord[] = []
  for await (const record of wal.records()) records.push(record)
  return records
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let position = 0; position < a.length; position++) if (a[position] !== b[position]) return false
  return true
}

/** Runs `run`, which must throw base's InvariantError (never a WAL operating error); returns it. */
export function invariant(run: () => unknown): InvariantError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InvariantError)
    expect(isTandemError(error)).toBe(false)
    return error as InvariantError
  }
  throw new Error('expected an InvariantError')
}
