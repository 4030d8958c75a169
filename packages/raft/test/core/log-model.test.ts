import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RaftLog } from '../../src/core/log.js'
import type { Entry } from '../../src/core/types.js'
import { bootstrapStorage } from './harness/memory-storage.js'
import { confOf, entry } from './harness/unit.js'

// The log (stable storage + unstable tail, with batches handed out and persisted asynchronously,
// in order) checked against a naive model: a plain array of terms. Whatever the interleaving of
// appends, truncations, hand-outs and persist reports, the log must read back as the model does.

type Op =
  | { readonly kind: 'append'; readonly back: number; readonly terms: readonly number[] }
  | { readonly kind: 'hand-out' }
  | { readonly kind: 'persist' }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('append' as const),
    back: fc.integer({ min: 0, max: 4 }),
    terms: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
  }),
  fc.constant({ kind: 'hand-out' as const }),
  fc.constant({ kind: 'persist' as const }),
)

describe('RaftLog against a naive model', () => {
  it('reads back exactly the model log under any interleaving of appends, hand-outs and persists', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const storage = bootstrapStorage(confOf(['1']))
        const log = new RaftLog(storage, Number.POSITIVE_INFINITY)
        const model: number[] = [] // model[i] is the term of index i + 1
        let term = 1
        const handedOut: Entry[][] = []
        for (const step of ops) {
          if (step.kind === 'append') {
            // Overwrite a suffix (never a committed entry: nothing is committed here) with entries
            // of a newer term, as a new leader would.
            const from = Math.max(1, model.length + 1 - step.back)
            term += 1
            const entries = step.terms.map((_, i) => entry(from + i, term))
            log.append(entries)
            model.length = from - 1
            for (const e of entries) model.push(e.term)
          } else if (step.kind === 'hand-out') {
            const batch = log.nextUnstableEntries()
            log.unstable.acceptInProgress()
            if (batch.length > 0) handedOut.push([...batch])
          } else {
            const batch = handedOut.shift()
            if (batch === undefined) continue
            storage.append(batch)
            const last = batch[batch.length - 1] as Entry
            log.stableTo(last.index, last.term)
          }
          expect(log.lastIndex()).toBe(model.length)
          expect(log.allEntries().map((e) => e.term)).toEqual(model)
          for (let index = 1; index <= model.length; index++) expect(log.term(index)).toBe(model[index - 1])
          // Everything not yet handed out is exactly the tail after the last hand-out.
          const pending = log.nextUnstableEntries()
          if (pending.length > 0) expect(pending[pending.length - 1]?.index).toBe(model.length)
        }
        // Once everything is handed out and persisted, storage alone holds the model log.
        handedOut.push([...log.nextUnstableEntries()])
        log.unstable.acceptInProgress()
        for (const batch of handedOut) {
          if (batch.length === 0) continue
          storage.append(batch)
          const last = batch[batch.length - 1] as Entry
          log.stableTo(last.index, last.term)
        }
        expect(storage.ents.map((e) => e.term)).toEqual(model)
        expect(log.unstable.entries).toEqual([])
      }),
      { numRuns: 500 },
    )
  })
})
