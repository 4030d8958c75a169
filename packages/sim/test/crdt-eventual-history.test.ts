import { type CausalContext, Replica } from '@tandem/crdt'
import { describe, expect, it } from 'vitest'
import {
  collectionNames,
  covers,
  describeVisibleState,
  EventualHistory,
  type EventualOperation,
  MalformedWriteError,
  type VisibleState,
} from '../src/crdt/eventual-history.js'

/**
 * The specification oracle of the CRDT simulation, on hand-built histories: each case states the
 * expected state from the data types' definitions, checks that the oracle computes it, and checks
 * that the production replicas, once they have exchanged everything, agree.
 */

/** A replica whose wall clock the test sets. */
function replicaAt(node: string, clock: { wallMs: number }): Replica {
  return new Replica({ node, now: () => clock.wallMs })
}

function visible(replica: Replica): VisibleState {
  const map = [...replica.map<string>(collectionNames.map).toMap()].sort((a, b) => (a[0] < b[0] ? -1 : 1))
  const set = [...replica.set<string>(collectionNames.set).values()].sort()
  return { map, register: replica.register<string>(collectionNames.register).get(), set }
}

/** Every replica merges every other's state; returns the (common) visible state. */
function exchange(replicas: readonly Replica[]): string {
  for (const target of replicas)
    for (const source of replicas) if (source !== target) target.apply(source.state())
  const states = replicas.map((replica) => describeVisibleState(visible(replica)))
  expect(new Set(states).size, states.join(' / ')).toBe(1)
  return states[0] as string
}

function setOp(replica: Replica, kind: 'set-add' | 'set-remove', element: string): EventualOperation {
  const contextBefore: CausalContext = replica.context()
  const set = replica.set<string>(collectionNames.set)
  const delta = kind === 'set-add' ? set.add(element) : set.delete(element)
  return { kind, replica: replica.node, element, delta, contextBefore }
}

describe('the eventual-writes oracle', () => {
  it('LWW map: the greatest stamp wins, whichever replica wrote it', () => {
    const clock = { wallMs: 1000 }
    const a = replicaAt('a', clock)
    const b = replicaAt('b', clock)
    const history = new EventualHistory()
    history.record({ kind: 'map-set', replica: 'a', key: 'k', value: 'a1', delta: a.map('m').set('k', 'a1') })
    clock.wallMs = 900 // b's write is concurrent and stamped earlier: it loses
    history.record({ kind: 'map-set', replica: 'b', key: 'k', value: 'b1', delta: b.map('m').set('k', 'b1') })
    expect(history.expectedState().map).toEqual([['k', 'a1']])
    expect(exchange([a, b])).toBe(describeVisibleState(history.expectedState()))
  })

  it('LWW map: a delete with the greatest stamp leaves the key absent; equal stamps fall to the node id', () => {
    const clock = { wallMs: 5000 }
    const a = replicaAt('a', clock)
    const b = replicaAt('b', clock)
    const history = new EventualHistory()
    history.record({ kind: 'map-set', replica: 'a', key: 'x', value: 'a1', delta: a.map('m').set('x', 'a1') })
    history.record({ kind: 'map-delete', replica: 'b', key: 'x', delta: b.map('m').delete('x') })
    // Same wall time, same logical counter: 'b' > 'a', so b's delete wins.
    expect(history.expectedState().map).toEqual([])
    expect(exchange([a, b])).toBe(describeVisibleState(history.expectedState()))
  })

  it('register: a write that saw another write wins even when its wall clock is behind (HLC)', () => {
    const clockA = { wallMs: 10_000 }
    const clockB = { wallMs: 2_000 }
    const a = replicaAt('a', clockA)
    const b = replicaAt('b', clockB)
    const history = new EventualHistory()
    const first = a.register('r').set('from a')
    history.record({ kind: 'register-set', replica: 'a', value: 'from a', delta: first })
    b.apply(first)
    history.record({
      kind: 'register-set',
      replica: 'b',
      value: 'from b',
      delta: b.register('r').set('from b'),
    })
    expect(history.expectedState().register).toBe('from b')
    expect(exchange([a, b])).toBe(describeVisibleState(history.expectedState()))
  })

  it('OR-Set: an add concurrent with a remove wins', () => {
    const clock = { wallMs: 1 }
    const a = replicaAt('a', clock)
    const b = replicaAt('b', clock)
    const history = new EventualHistory()
    const added = setOp(a, 'set-add', 'e')
    history.record(added)
    b.apply(added.delta)
    history.record(setOp(b, 'set-remove', 'e')) // removes the add it saw
    history.record(setOp(a, 'set-add', 'e')) // a re-adds without having seen the remove
    expect(history.expectedState().set).toEqual(['e'])
    expect(exchange([a, b])).toBe(describeVisibleState(history.expectedState()))
  })

  it('OR-Set: a remove that observed every add removes the element', () => {
    const clock = { wallMs: 1 }
    const a = replicaAt('a', clock)
    const b = replicaAt('b', clock)
    const history = new EventualHistory()
    const fromA = setOp(a, 'set-add', 'e')
    const fromB = setOp(b, 'set-add', 'e')
    history.record(fromA)
    history.record(fromB)
    a.apply(fromB.delta)
    history.record(setOp(a, 'set-remove', 'e'))
    expect(history.expectedState().set).toEqual([])
    expect(exchange([a, b])).toBe(describeVisibleState(history.expectedState()))
  })

  it('OR-Set: a re-add supersedes the adds it observed, so a remove of the re-add alone removes the element', () => {
    const clock = { wallMs: 1 }
    const a = replicaAt('a', clock)
    const b = replicaAt('b', clock)
    const c = replicaAt('c', clock)
    const history = new EventualHistory()
    const first = setOp(a, 'set-add', 'e')
    history.record(first)
    const again = setOp(a, 'set-add', 'e') // supersedes `first`
    history.record(again)
    c.apply(again.delta) // c never receives `first` itself
    history.record(setOp(c, 'set-remove', 'e'))
    b.apply(first.delta)
    expect(history.expectedState().set).toEqual([])
    expect(exchange([a, b, c])).toBe(describeVisibleState(history.expectedState()))
  })

  it('OR-Set: a remove does not remove an add it never saw', () => {
    const clock = { wallMs: 1 }
    const a = replicaAt('a', clock)
    const b = replicaAt('b', clock)
    const history = new EventualHistory()
    history.record(setOp(a, 'set-add', 'e'))
    history.record(setOp(b, 'set-remove', 'e')) // b has nothing: a no-op
    expect(history.expectedState().set).toEqual(['e'])
    expect(exchange([a, b])).toBe(describeVisibleState(history.expectedState()))
  })

  it('a state that differs from the specification is told apart', () => {
    const clock = { wallMs: 1 }
    const a = replicaAt('a', clock)
    const history = new EventualHistory()
    history.record({ kind: 'map-set', replica: 'a', key: 'k', value: 'v', delta: a.map('m').set('k', 'v') })
    const wrong: VisibleState = { map: [], register: undefined, set: [] }
    expect(describeVisibleState(wrong)).not.toBe(describeVisibleState(history.expectedState()))
  })

  it('refuses a write whose delta does not carry it', () => {
    const clock = { wallMs: 1 }
    const a = replicaAt('a', clock)
    const history = new EventualHistory()
    const delta = a.map('m').set('k', 'v')
    expect(() => history.record({ kind: 'map-set', replica: 'a', key: 'k', value: 'other', delta })).toThrow(
      MalformedWriteError,
    )
    expect(() => history.record({ kind: 'map-set', replica: 'a', key: 'nope', value: 'v', delta })).toThrow(
      MalformedWriteError,
    )
    expect(history.size).toBe(0)
  })

  it('covers() reads flat inclusive ranges', () => {
    const context: CausalContext = {
      nodes: ['a', 'b'],
      ranges: [
        [1, 3, 7, 7],
        [2, 2],
      ],
    }
    expect(covers(context, { node: 'a', seq: 3 })).toBe(true)
    expect(covers(context, { node: 'a', seq: 5 })).toBe(false)
    expect(covers(context, { node: 'a', seq: 7 })).toBe(true)
    expect(covers(context, { node: 'b', seq: 1 })).toBe(false)
    expect(covers(context, { node: 'c', seq: 1 })).toBe(false)
  })
})
