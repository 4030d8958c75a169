import { describe, expect, it } from 'vitest'
import { RaftSafetyChecker } from '../src/checkers/raft-safety.js'

const entry = (index: number, term: number, text = `${index}/${term}`) => ({
  index,
  term,
  data: new TextEncoder().encode(text),
})

describe('RaftSafetyChecker', () => {
  it('accepts one leader per term and flags a second one', () => {
    const checker = new RaftSafetyChecker(() => 0)
    checker.observeLeader('a', 1)
    checker.observeLeader('a', 1)
    checker.observeLeader('b', 2)
    expect(checker.violation).toBeNull()
    checker.observeLeader('c', 2)
    expect(checker.violation?.check).toBe('election-safety')
  })

  it('flags two payloads under one (index, term)', () => {
    const checker = new RaftSafetyChecker(() => 0)
    checker.observeEntries('a', 0, [entry(1, 1, 'x')])
    checker.observeEntries('b', 0, [entry(1, 1, 'x')])
    expect(checker.violation).toBeNull()
    checker.observeEntries('c', 0, [entry(1, 1, 'y')])
    expect(checker.violation?.check).toBe('log-matching')
  })

  it('flags an entry whose predecessors differ between logs', () => {
    const checker = new RaftSafetyChecker(() => 0)
    checker.observeEntries('a', 1, [entry(2, 1), entry(3, 2)])
    checker.observeEntries('b', 1, [entry(2, 1), entry(3, 2)])
    expect(checker.violation).toBeNull()
    checker.observeEntries('c', 2, [entry(3, 2)])
    expect(checker.violation?.check).toBe('log-matching')
  })

  it('flags terms going down along a log', () => {
    const checker = new RaftSafetyChecker(() => 0)
    checker.observeEntries('a', null, [entry(1, 3), entry(2, 2)])
    expect(checker.violation?.check).toBe('log-matching')
  })

  it('flags nodes applying different entries at one index, and gaps', () => {
    const same = new RaftSafetyChecker(() => 0)
    same.observeApplied('a', entry(1, 1))
    same.observeApplied('b', entry(1, 1))
    expect(same.violation).toBeNull()
    same.observeApplied('b', entry(2, 1, 'p'))
    same.observeApplied('a', entry(2, 1, 'q'))
    expect(same.violation?.check).toBe('state-machine-safety')

    const backwards = new RaftSafetyChecker(() => 0)
    backwards.observeApplied('a', entry(3, 1))
    backwards.observeApplied('a', entry(2, 1))
    expect(backwards.violation?.check).toBe('state-machine-safety')

    const committed = new RaftSafetyChecker(() => 0)
    committed.observeCommitted('a', entry(5, 2, 'x'))
    committed.observeCommitted('b', entry(5, 2, 'x'))
    expect(committed.violation).toBeNull()
    committed.observeCommitted('c', entry(5, 3, 'y'))
    expect(committed.violation?.check).toBe('state-machine-safety')

    const restored = new RaftSafetyChecker(() => 0)
    restored.observeApplied('a', entry(1, 1))
    restored.observeRestored('a', 10)
    restored.observeApplied('a', entry(11, 2))
    expect(restored.violation).toBeNull()
  })

  it('flags a leader of a later term that lacks a committed entry', () => {
    const checker = new RaftSafetyChecker(() => 7)
    checker.observeLeaderAppend('a', 1, 0, 0, [entry(1, 1), entry(2, 1)])
    checker.observeCommitted('a', entry(1, 1))
    checker.observeCommitted('a', entry(2, 1))
    // A leader of term 2 whose log has a term-2 entry at index 2 instead: it lost a committed entry.
    checker.observeLeaderAppend('b', 2, 1, 1, [entry(2, 2)])
    expect(checker.violation).toMatchObject({ check: 'leader-completeness', timeMs: 7 })
  })

  it('flags a lacking leader found by walking back from its append point', () => {
    const checker = new RaftSafetyChecker(() => 0)
    checker.observeLeaderAppend('a', 1, 0, 0, [entry(1, 1)])
    checker.observeCommitted('a', entry(1, 1))
    checker.observeEntries('b', null, [entry(1, 2, 'other'), entry(2, 2)])
    checker.observeLeaderAppend('b', 2, 2, 2, [])
    expect(checker.violation?.check).toBe('leader-completeness')
  })

  it('does not blame a stale leader of an older term', () => {
    const checker = new RaftSafetyChecker(() => 0)
    checker.observeLeader('a', 1)
    checker.observeLeaderAppend('b', 3, 0, 0, [entry(1, 3)])
    checker.observeCommitted('b', entry(1, 3))
    // Term 1's leader still sends its own uncommitted entry: legal, it is deposed.
    checker.observeLeaderAppend('a', 1, 0, 0, [entry(1, 1)])
    expect(checker.violation).toBeNull()
  })
})
