import { InvariantError } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { CommittedEntryConflictError, CompactedError, UnavailableError } from '../../src/core/errors.js'
import { RaftLog } from '../../src/core/log.js'
import type { Entry } from '../../src/core/types.js'
import { Unstable } from '../../src/core/unstable.js'
import { bootstrapStorage } from './harness/memory-storage.js'
import { confOf, entriesWithTerms, entry } from './harness/unit.js'

function logWith(terms: number[], compactedThrough = 0): RaftLog {
  const storage = bootstrapStorage(confOf(['1']), entriesWithTerms(terms))
  if (compactedThrough > 0) storage.compactAt(compactedThrough, new Uint8Array(0), confOf(['1']))
  return new RaftLog(storage, Number.POSITIVE_INFINITY)
}

const terms = (entries: readonly Entry[]) => entries.map((e) => e.term)

describe('RaftLog', () => {
  it('spans storage and the unstable tail', () => {
    const log = logWith([1, 1, 2])
    expect(log.firstIndex()).toBe(1)
    expect(log.lastIndex()).toBe(3)
    log.append([entry(4, 3), entry(5, 3)])
    expect(log.lastIndex()).toBe(5)
    expect(terms(log.allEntries())).toEqual([1, 1, 2, 3, 3])
    expect(log.term(4)).toBe(3)
    expect(log.lastTerm()).toBe(3)
  })

  it('answers term lookups outside the log with typed errors', () => {
    const log = logWith([1, 1, 2, 2], 2)
    expect(log.term(2)).toBe(1)
    expect(() => log.term(1)).toThrow(CompactedError)
    expect(() => log.term(5)).toThrow(UnavailableError)
    expect(log.termOrZero(1)).toBe(0)
    expect(() => log.slice(1, 3, 100)).toThrow(CompactedError)
    expect(() => log.slice(3, 7, 100)).toThrow(UnavailableError)
  })

  it('findConflict returns the first index whose term differs, or 0', () => {
    const log = logWith([1, 2, 3])
    expect(log.findConflict([])).toBe(0)
    expect(log.findConflict([entry(1, 1), entry(2, 2), entry(3, 3)])).toBe(0)
    expect(log.findConflict([entry(2, 2), entry(3, 3), entry(4, 4)])).toBe(4)
    expect(log.findConflict([entry(2, 1), entry(3, 4)])).toBe(2)
  })

  it('findConflictByTerm finds the last index with a term at most the given one', () => {
    const log = logWith([1, 1, 3, 3, 5, 5])
    expect(log.findConflictByTerm(6, 5)).toEqual([6, 5])
    expect(log.findConflictByTerm(6, 4)).toEqual([4, 3])
    expect(log.findConflictByTerm(6, 2)).toEqual([2, 1])
    expect(log.findConflictByTerm(6, 0)).toEqual([0, 0])
    const compacted = logWith([1, 1, 3, 3, 5, 5], 3)
    // Below the first index the term is unknown: answer the index with term 0 (a possible match).
    expect(compacted.findConflictByTerm(6, 2)).toEqual([2, 0])
  })

  it('maybeAppend appends after a matching entry, truncates conflicts, and moves the commit', () => {
    const log = logWith([1, 2, 3])
    expect(log.maybeAppend(3, 4, 3, [entry(4, 4)])).toBe(-1)
    expect(log.maybeAppend(2, 2, 3, [entry(3, 4), entry(4, 4)])).toBe(4)
    expect(terms(log.allEntries())).toEqual([1, 2, 4, 4])
    expect(log.committed).toBe(3)
    // The commit never passes the last new entry.
    expect(log.maybeAppend(1, 1, 10, [])).toBe(1)
    expect(log.committed).toBe(3)
  })

  it('refuses to overwrite a committed entry (a broken or malicious leader)', () => {
    const log = logWith([1, 2, 3])
    log.commitTo(3)
    expect(() => log.maybeAppend(1, 1, 3, [entry(2, 5)])).toThrow(CommittedEntryConflictError)
    expect(terms(log.allEntries())).toEqual([1, 2, 3])
  })

  it('commits only forward, only within the log, and only entries of the given term (maybeCommit)', () => {
    const log = logWith([1, 2, 2])
    log.commitTo(2)
    log.commitTo(1)
    expect(log.committed).toBe(2)
    expect(() => log.commitTo(4)).toThrow(InvariantError)
    expect(log.maybeCommit(3, 1)).toBe(false)
    expect(log.maybeCommit(3, 2)).toBe(true)
    expect(log.committed).toBe(3)
  })

  it('isUpToDate compares last terms first, then lengths (§5.4.1)', () => {
    const log = logWith([1, 2, 2])
    expect(log.isUpToDate(3, 2)).toBe(true)
    expect(log.isUpToDate(2, 2)).toBe(false)
    expect(log.isUpToDate(1, 3)).toBe(true)
    expect(log.isUpToDate(10, 1)).toBe(false)
  })

  it('hands out committed entries in batches bounded by bytes (at least one per batch)', () => {
    const storage = bootstrapStorage(confOf(['1']), [
      entry(1, 1, 'aaaa'),
      entry(2, 1, 'bbbb'),
      entry(3, 1, 'cccc'),
    ])
    const log = new RaftLog(storage, 6)
    log.commitTo(3)
    expect(log.nextCommittedEntries().map((e) => e.index)).toEqual([1])
    log.acceptApplying(1)
    log.append([entry(4, 1, 'dd')])
    log.commitTo(4)
    expect(log.nextCommittedEntries().map((e) => e.index)).toEqual([2])
    log.acceptApplying(2)
    // One stored entry and one unstable one fit in 6 bytes.
    expect(log.nextCommittedEntries().map((e) => e.index)).toEqual([3, 4])
  })

  it('bounds slices across the stored and unstable parts by bytes', () => {
    const storage = bootstrapStorage(confOf(['1']), [entry(1, 1, 'aa'), entry(2, 1, 'bb')])
    const log = new RaftLog(storage, Number.POSITIVE_INFINITY)
    log.append([entry(3, 1, 'cc'), entry(4, 1, 'dd')])
    expect(log.slice(1, 5, 100).map((e) => e.index)).toEqual([1, 2, 3, 4])
    expect(log.slice(1, 5, 5).map((e) => e.index)).toEqual([1, 2])
    expect(log.slice(2, 5, 4).map((e) => e.index)).toEqual([2, 3])
    expect(log.slice(3, 5, 1).map((e) => e.index)).toEqual([3])
  })

  it('restoring a snapshot replaces the log and commits through it', () => {
    const log = logWith([1, 1])
    log.restore({ metadata: { index: 10, term: 4, confState: confOf(['1']) }, data: new Uint8Array(0) })
    expect(log.firstIndex()).toBe(11)
    expect(log.lastIndex()).toBe(10)
    expect(log.term(10)).toBe(4)
    expect(log.committed).toBe(10)
    expect(log.hasNextCommittedEntries()).toBe(false)
  })
})

describe('Unstable', () => {
  it('tracks what is handed out, and forgets entries once persisted', () => {
    const unstable = new Unstable(5)
    unstable.truncateAndAppend([entry(5, 1), entry(6, 1)])
    expect(unstable.nextEntries().map((e) => e.index)).toEqual([5, 6])
    unstable.acceptInProgress()
    expect(unstable.hasNextEntries()).toBe(false)
    unstable.truncateAndAppend([entry(7, 1)])
    expect(unstable.nextEntries().map((e) => e.index)).toEqual([7])
    unstable.stableTo(6, 1)
    expect(unstable.offset).toBe(7)
    expect(unstable.entries.map((e) => e.index)).toEqual([7])
  })

  it('ignores a persist report for entries that were replaced since', () => {
    const unstable = new Unstable(1)
    unstable.truncateAndAppend([entry(1, 1), entry(2, 1)])
    unstable.acceptInProgress()
    unstable.truncateAndAppend([entry(2, 2)])
    // The truncation hands index 2 out again.
    expect(unstable.nextEntries().map((e) => `${e.index}/${e.term}`)).toEqual(['2/2'])
    unstable.stableTo(2, 1)
    expect(unstable.offset).toBe(1)
    unstable.stableTo(1, 1)
    expect(unstable.offset).toBe(2)
  })

  it('truncation before the offset replaces the whole tail', () => {
    const unstable = new Unstable(5)
    unstable.truncateAndAppend([entry(5, 1), entry(6, 1)])
    unstable.truncateAndAppend([entry(4, 2)])
    expect(unstable.offset).toBe(4)
    expect(unstable.entries.map((e) => e.index)).toEqual([4])
  })

  it('a restored snapshot answers for its index and sets the offset after it', () => {
    const unstable = new Unstable(1)
    unstable.restore({ metadata: { index: 9, term: 3, confState: confOf(['1']) }, data: new Uint8Array(0) })
    expect(unstable.maybeFirstIndex()).toBe(10)
    expect(unstable.maybeLastIndex()).toBe(9)
    expect(unstable.maybeTerm(9)).toBe(3)
    expect(unstable.nextSnapshot()).not.toBe(null)
    unstable.acceptInProgress()
    expect(unstable.nextSnapshot()).toBe(null)
    unstable.stableSnapTo(9)
    expect(unstable.snapshot).toBe(null)
  })
})
