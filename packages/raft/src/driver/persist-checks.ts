/**
 * Paired assertions around `LogStorage.save` (TigerBeetle's habit): the batch is checked before it
 * is written and read back after the write resolved. Either failing is a bug — in the core or in
 * the storage adapter — and throws an `InvariantError`, which stops the node loudly. Each check
 * builds its message only when it fails: this runs on every batch.
 */
import { assert, InvariantError } from '@tandem/base'
import type { Entry } from '../core/types.js'
import type { LogStorage, PersistBatch } from './interfaces.js'

/**
 * Checks a batch before it is written (TigerBeetle's paired assertions, first half): the core hands
 * out contiguous entries that extend the stored log without a gap, in non-decreasing terms, and a
 * commit index the log will hold. A failure is a bug in the core, never bad input.
 */
export function checkBatch(batch: PersistBatch, storedLastIndex: number): void {
  const { entries, snapshot, hardState } = batch
  let lastIndex = snapshot === null ? storedLastIndex : snapshot.metadata.index
  let lastTerm = 0
  const first = entries[0]
  if (first !== undefined) {
    if (first.index < 1) throw new InvariantError(`batch entry index ${first.index} is below 1`)
    if (first.index > lastIndex + 1)
      throw new InvariantError(`batch entries start at ${first.index}, leaving a gap after ${lastIndex}`)
    if (snapshot !== null) assert(first.index > snapshot.metadata.index, 'batch entries precede its snapshot')
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry
      if (entry.index !== first.index + i)
        throw new InvariantError(`batch entries are not contiguous at ${first.index + i}`)
      if (entry.term < lastTerm) throw new InvariantError(`batch entry terms decrease at ${entry.index}`)
      lastTerm = entry.term
    }
    lastIndex = first.index + entries.length - 1
  }
  if (hardState !== null) {
    if (hardState.commit > lastIndex)
      throw new InvariantError(`batch commit ${hardState.commit} is beyond its last index ${lastIndex}`)
    if (hardState.term < lastTerm)
      throw new InvariantError(`batch hard state term ${hardState.term} is below its entries' ${lastTerm}`)
  }
}

/**
 * Reads a batch back after `save` resolved (the second half of the pair): storage must now end at
 * the batch's last entry with its term, and hold its hard state. A failure means the storage
 * adapter acknowledged a write it does not serve — a broken adapter, which must not go on.
 */
export function checkSaved(batch: PersistBatch, storage: LogStorage): void {
  const last = batch.entries[batch.entries.length - 1]
  if (last !== undefined) {
    if (storage.lastIndex() !== last.index)
      throw new InvariantError(`storage ends at ${storage.lastIndex()} after saving through ${last.index}`)
    if (storage.term(last.index) !== last.term)
      throw new InvariantError(`storage holds another term at ${last.index} than it saved`)
  } else if (batch.snapshot !== null) {
    const { index } = batch.snapshot.metadata
    if (storage.lastIndex() !== index)
      throw new InvariantError(`storage ends at ${storage.lastIndex()} after installing snapshot ${index}`)
  }
  if (batch.hardState !== null) {
    const stored = storage.initialState().hardState
    if (stored.term !== batch.hardState.term)
      throw new InvariantError(`storage holds term ${stored.term}, saved ${batch.hardState.term}`)
    assert(stored.vote === batch.hardState.vote, 'storage holds another vote than it saved')
    if (stored.commit !== batch.hardState.commit)
      throw new InvariantError(`storage holds commit ${stored.commit}, saved ${batch.hardState.commit}`)
  }
}
