import { SeededRandom } from '@tandem/base'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Delta, joinDeltas, Replica, SyncSession, type Value } from '../src/index.js'
import { hex, mergedBytes, VirtualClock } from './helpers.js'

// Lattice laws for every collection kind, on states reached by real operations (random writes on
// three replicas with skewed clocks, random merges and sync rounds with tombstone collection):
// merge is commutative, associative and idempotent, and merging every delta equals merging the state.

type Kind = 'map' | 'register' | 'set'

const keys = ['a', 'b', 'c', '__proto__']
const values: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('x', 'y', null, true),
  fc.constant({ n: 1 }),
  fc.constant(new Uint8Array([1, 2])),
)

const operation = fc.oneof(
  fc.record({
    op: fc.constant('write' as const),
    replica: fc.nat(2),
    key: fc.constantFrom(...keys),
    value: values,
  }),
  fc.record({
    op: fc.constant('remove' as const),
    replica: fc.nat(2),
    key: fc.constantFrom(...keys),
    value: values,
  }),
  fc.record({ op: fc.constant('merge' as const), replica: fc.nat(2), from: fc.nat(2) }),
  fc.record({ op: fc.constant('sync' as const), replica: fc.nat(2), from: fc.nat(2) }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3 }) }),
)

interface World {
  clock: VirtualClock
  replicas: Replica[]
  /** Every delta each replica produced or received, in order. */
  deltas: Delta[][]
}

function run(kind: Kind, operations: readonly Op[]): World {
  const clock = new VirtualClock()
  // Skewed clocks: replica 1 runs 1 ms behind, replica 2 is stuck (exercises logical counters and ties).
  const offsets = [0, -1, 0]
  const replicas = ['r0', 'r1', 'r2'].map(
    (node, index) =>
      new Replica({
        node,
        members: ['r0', 'r1', 'r2'],
        now: index === 2 ? () => 1_700_000_000_000 : () => clock.nowMs + (offsets[index] ?? 0),
      }),
  )
  const deltas: Delta[][] = replicas.map(() => [])
  replicas.forEach((replica, index) => {
    replica.onUpdate((delta) => deltas[index]?.push(delta))
  })
  for (const step of operations) {
    if (step.op === 'tick') {
      clock.advance(step.ms)
      continue
    }
    const replica = replicas[step.replica] as Replica
    if (step.op === 'write') {
      if (kind === 'map') replica.map('m').set(step.key, step.value)
      else if (kind === 'register') replica.register('r').set(step.value)
      else replica.set('s').add(step.key)
    } else if (step.op === 'remove') {
      if (kind === 'map') replica.map('m').delete(step.key)
      else if (kind === 'register') replica.register('r').clear()
      else replica.set('s').delete(step.key)
    } else if (step.op === 'merge') {
      if (step.from !== step.replica) replica.apply((replicas[step.from] as Replica).state())
    } else if (step.from !== step.replica) {
      syncPair(replica, replicas[step.from] as Replica)
    }
  }
  return { clock, replicas, deltas }
}

/** A complete, lossless sync exchange between two replicas (acks included, so tombstones may be collected). */
function syncPair(left: Replica, right: Replica): void {
  const l = new SyncSession(left, { peer: right.node })
  const r = new SyncSession(right, { peer: left.node })
  let toRight = l.start()
  let toLeft = r.start()
  for (let round = 0; round < 4 && (toRight.length > 0 || toLeft.length > 0); round++) {
    const nextLeft = toRight.flatMap((message) => r.receive(message))
    const nextRight = toLeft.flatMap((message) => l.receive(message))
    toLeft = nextLeft
    toRight = nextRight
  }
  l.close()
  r.close()
}

type Op =
  | { op: 'write'; replica: number; key: string; value: Value }
  | { op: 'remove'; replica: number; key: string; value: Value }
  | { op: 'merge'; replica: number; from: number }
  | { op: 'sync'; replica: number; from: number }
  | { op: 'tick'; ms: number }

const scenario = fc.array(operation, { minLength: 1, maxLength: 30 }) as fc.Arbitrary<Op[]>
const runs = { numRuns: 1000 }

describe.each(['map', 'register', 'set'] as const)('%s merge laws', (kind) => {
  it('is commutative', () => {
    fc.assert(
      fc.property(scenario, (operations) => {
        const { clock, replicas } = run(kind, operations)
        const [a, b] = replicas.map((replica) => replica.state()) as [Delta, Delta]
        expect(hex(mergedBytes(clock, a, b))).toBe(hex(mergedBytes(clock, b, a)))
      }),
      runs,
    )
  })

  it('is associative', () => {
    fc.assert(
      fc.property(scenario, (operations) => {
        const { clock, replicas } = run(kind, operations)
        const [a, b, c] = replicas.map((replica) => replica.state()) as [Delta, Delta, Delta]
        const left = mergedBytes(clock, joinDeltas([a, b]), c)
        const right = mergedBytes(clock, a, joinDeltas([b, c]))
        expect(hex(left)).toBe(hex(right))
      }),
      runs,
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(scenario, (operations) => {
        const { replicas } = run(kind, operations)
        for (const replica of replicas) {
          const before = replica.encodeState()
          replica.apply(replica.state())
          expect(hex(replica.encodeState())).toBe(hex(before))
        }
      }),
      runs,
    )
  })

  it('merging every delta (shuffled, duplicated) equals merging the state', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), (operations, shuffleSeed) => {
        // Tombstone collection (in sync rounds) drops state without a delta; this law is about merge alone.
        const { clock, replicas, deltas } = run(
          kind,
          operations.map((step) => (step.op === 'sync' ? { ...step, op: 'merge' } : step)),
        )
        for (let index = 0; index < replicas.length; index++) {
          const replica = replicas[index] as Replica
          const shuffled = new SeededRandom(shuffleSeed).shuffled(deltas[index] as Delta[])
          shuffled.push(...shuffled.slice(0, 3))
          expect(hex(mergedBytes(clock, ...shuffled))).toBe(hex(mergedBytes(clock, replica.state())))
        }
      }),
      runs,
    )
  })
})
