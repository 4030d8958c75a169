import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Replica } from '../src/index.js'
import { VirtualClock } from './helpers.js'

// The OR-Set against a deliberately naive oracle: the textbook OR-Set that keeps every add tag and
// every removed tag forever. Add-wins semantics means both must agree on membership after any
// interleaving of adds, removes and merges — while ours keeps no tombstones.

class NaiveORSet {
  readonly adds = new Set<string>()
  readonly removed = new Set<string>()
  private counter = 0
  constructor(private readonly id: string) {}

  add(element: string): void {
    this.adds.add(`${element}|${this.id}|${this.counter++}`)
  }

  remove(element: string): void {
    for (const tag of this.adds) if (tag.startsWith(`${element}|`)) this.removed.add(tag)
  }

  merge(other: NaiveORSet): void {
    for (const tag of other.adds) this.adds.add(tag)
    for (const tag of other.removed) this.removed.add(tag)
  }

  members(): string[] {
    const live = new Set<string>()
    for (const tag of this.adds) if (!this.removed.has(tag)) live.add(tag.split('|')[0] as string)
    return [...live].sort()
  }
}

type Step =
  | { op: 'add'; replica: number; element: string }
  | { op: 'remove'; replica: number; element: string }
  | { op: 'merge'; replica: number; from: number; viaDelta: boolean }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), replica: fc.nat(2), element: fc.constantFrom('a', 'b', 'c') }),
  fc.record({
    op: fc.constant('remove' as const),
    replica: fc.nat(2),
    element: fc.constantFrom('a', 'b', 'c'),
  }),
  fc.record({
    op: fc.constant('merge' as const),
    replica: fc.nat(2),
    from: fc.nat(2),
    viaDelta: fc.boolean(),
  }),
)

describe('ORSet against the naive tombstone OR-Set', () => {
  it('agrees on membership after any interleaving (add wins over a concurrent remove)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const clock = new VirtualClock()
        const replicas = ['a', 'b', 'c'].map((node) => new Replica({ node, now: clock.now }))
        const models = ['a', 'b', 'c'].map((node) => new NaiveORSet(node))
        for (const s of steps) {
          const replica = replicas[s.replica] as Replica
          const model = models[s.replica] as NaiveORSet
          if (s.op === 'add') {
            replica.set<string>('s').add(s.element)
            model.add(s.element)
          } else if (s.op === 'remove') {
            replica.set<string>('s').delete(s.element)
            model.remove(s.element)
          } else if (s.from !== s.replica) {
            const source = replicas[s.from] as Replica
            replica.apply(s.viaDelta ? source.diff(replica.context()) : source.state())
            model.merge(models[s.from] as NaiveORSet)
          }
          expect([...replica.set<string>('s').values()].sort()).toEqual(model.members())
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('keeps an element added concurrently with its removal', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'a', now: clock.now })
    const b = new Replica({ node: 'b', now: clock.now })
    a.set('s').add('x')
    b.apply(a.state())
    const removal = a.set('s').delete('x')
    const concurrentAdd = b.set('s').add('x')
    a.apply(concurrentAdd)
    b.apply(removal)
    expect(a.set('s').has('x')).toBe(true)
    expect(b.set('s').has('x')).toBe(true)
  })

  it('holds memory proportional to live elements: no tombstones after removes', () => {
    const clock = new VirtualClock()
    const a = new Replica({ node: 'a', now: clock.now })
    const set = a.set<number>('s')
    for (let index = 0; index < 1000; index++) set.add(index)
    for (let index = 0; index < 900; index++) set.delete(index)
    expect(set.size).toBe(100)
    const state = a.state()
    expect(state.collections[0]?.elements.length).toBe(100)
    // The whole history is one range in the context.
    expect(state.ranges).toEqual([[1, 1000]])
  })
})
