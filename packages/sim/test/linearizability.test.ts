import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { checkLinearizability } from '../src/checkers/linearizability.js'
import {
  cas,
  del,
  deleted,
  get,
  historyOf,
  ok,
  put,
  read,
  type Sketch,
  sequentialHistory,
  swapped,
} from './history-helpers.js'

const options = { stepsMaxPerKey: 1_000_000 }
const verdict = (sketches: readonly Sketch[]) => checkLinearizability(historyOf(sketches), options).kind

describe('linearizability checker: hand-written histories', () => {
  it('accepts sequential put then get', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: 10, result: ok },
        { client: 2, operation: get('x'), callMs: 20, returnMs: 30, result: read('a') },
      ]),
    ).toBe('linearizable')
  })

  it('rejects a stale read after a completed write', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: 10, result: ok },
        { client: 2, operation: get('x'), callMs: 20, returnMs: 30, result: read(null) },
      ]),
    ).toBe('violation')
  })

  it('accepts either value for a read concurrent with a write', () => {
    for (const seen of ['a', null]) {
      expect(
        verdict([
          { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: 30, result: ok },
          { client: 2, operation: get('x'), callMs: 10, returnMs: 20, result: read(seen) },
        ]),
      ).toBe('linearizable')
    }
  })

  it('rejects a read that goes back in time (new value, then old value)', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: 5, result: ok },
        { client: 1, operation: put('x', 'b'), callMs: 6, returnMs: 100, result: ok },
        { client: 2, operation: get('x'), callMs: 10, returnMs: 20, result: read('b') },
        { client: 3, operation: get('x'), callMs: 30, returnMs: 40, result: read('a') },
      ]),
    ).toBe('violation')
  })

  it('rejects a read of a value that is written only after the read returned', () => {
    expect(
      verdict([
        { client: 2, operation: get('x'), callMs: 0, returnMs: 10, result: read('a') },
        { client: 1, operation: put('x', 'a'), callMs: 20, returnMs: 30, result: ok },
      ]),
    ).toBe('violation')
  })

  it('rejects two compare-and-sets that both succeed from the same expected value', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: 5, result: ok },
        { client: 1, operation: cas('x', 'a', 'b'), callMs: 10, returnMs: 30, result: swapped(true) },
        { client: 2, operation: cas('x', 'a', 'c'), callMs: 12, returnMs: 28, result: swapped(true) },
      ]),
    ).toBe('violation')
  })

  it('accepts concurrent compare-and-sets where exactly one wins', () => {
    expect(
      verdict([
        { client: 1, operation: cas('x', null, 'b'), callMs: 10, returnMs: 30, result: swapped(false) },
        { client: 2, operation: cas('x', null, 'c'), callMs: 12, returnMs: 28, result: swapped(true) },
        { client: 3, operation: get('x'), callMs: 40, returnMs: 50, result: read('c') },
      ]),
    ).toBe('linearizable')
  })

  it('checks delete results against presence', () => {
    const base: Sketch[] = [
      { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: 5, result: ok },
      { client: 1, operation: del('x'), callMs: 10, returnMs: 15, result: deleted(true) },
    ]
    expect(verdict(base)).toBe('linearizable')
    expect(
      verdict([...base, { client: 2, operation: del('x'), callMs: 20, returnMs: 25, result: deleted(true) }]),
    ).toBe('violation')
    expect(
      verdict([...base, { client: 2, operation: get('x'), callMs: 20, returnMs: 25, result: read(null) }]),
    ).toBe('linearizable')
  })

  it('lets an unknown-outcome write take effect long after its call', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: null, result: null },
        { client: 2, operation: get('x'), callMs: 100, returnMs: 110, result: read(null) },
        { client: 2, operation: get('x'), callMs: 200, returnMs: 210, result: read('a') },
      ]),
    ).toBe('linearizable')
  })

  it('lets an unknown-outcome write never take effect', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: null, result: null },
        { client: 2, operation: get('x'), callMs: 100, returnMs: 110, result: read(null) },
      ]),
    ).toBe('linearizable')
  })

  it('still forbids an unknown-outcome write from taking effect before its call', () => {
    expect(
      verdict([
        { client: 2, operation: get('x'), callMs: 0, returnMs: 10, result: read('a') },
        { client: 1, operation: put('x', 'a'), callMs: 20, returnMs: null, result: null },
      ]),
    ).toBe('violation')
  })

  it('forbids an unknown write from taking effect twice', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: null, result: null },
        { client: 2, operation: get('x'), callMs: 10, returnMs: 20, result: read('a') },
        { client: 3, operation: put('x', 'b'), callMs: 30, returnMs: 40, result: ok },
        { client: 2, operation: get('x'), callMs: 50, returnMs: 60, result: read('a') },
      ]),
    ).toBe('violation')
  })

  it('keeps keys independent', () => {
    expect(
      verdict([
        { client: 1, operation: put('x', 'a'), callMs: 0, returnMs: 10, result: ok },
        { client: 2, operation: get('y'), callMs: 20, returnMs: 30, result: read(null) },
        { client: 2, operation: get('x'), callMs: 40, returnMs: 50, result: read('a') },
      ]),
    ).toBe('linearizable')
  })

  it('names the key and explains a violation', () => {
    const result = checkLinearizability(
      historyOf([
        { client: 1, operation: put('k9', 'a'), callMs: 0, returnMs: 10, result: ok },
        { client: 2, operation: get('k9'), callMs: 20, returnMs: 30, result: read('b') },
      ]),
      options,
    )
    expect(result.kind).toBe('violation')
    if (result.kind === 'violation') {
      expect(result.key).toBe('k9')
      expect(result.explanation).toContain('get(k9)')
    }
  })

  it('reports inconclusive instead of searching forever', () => {
    const sketches: Sketch[] = []
    for (let i = 0; i < 40; i++) {
      sketches.push({ client: i, operation: put('x', `v${i}`), callMs: 0, returnMs: null, result: null })
    }
    sketches.push({ client: 99, operation: get('x'), callMs: 1, returnMs: 2, result: read('nope') })
    expect(checkLinearizability(historyOf(sketches), { stepsMaxPerKey: 500 }).kind).toBe('inconclusive')
  })
})

describe('linearizability checker: randomized histories', () => {
  const seeds = 300
  it(`accepts ${seeds} histories generated from a sequential execution`, () => {
    for (let seed = 1; seed <= seeds; seed++) {
      const random = new SeededRandom(seed)
      const sketches = sequentialHistory(random, { operations: 60, keys: 3, clients: 4 })
      expect(verdict(sketches), `seed ${seed}`).toBe('linearizable')
    }
  })

  it(`rejects ${seeds} of them mutated into impossible ones`, () => {
    let mutated = 0
    for (let seed = 1; seed <= seeds; seed++) {
      const random = new SeededRandom(seed)
      const sketches = sequentialHistory(random, { operations: 60, keys: 3, clients: 4 })
      const broken = mutate(sketches, random)
      if (broken === null) continue
      mutated++
      expect(verdict(broken.sketches), `seed ${seed} mutation ${broken.how}`).toBe('violation')
    }
    expect(mutated).toBeGreaterThan(seeds * 0.9)
  })
})

/**
 * A mutation that no execution can explain: a completed read returns a value never written, or
 * the value of a write called only after the read returned; or a compare-and-set reports success
 * from a value that never existed.
 */
function mutate(
  sketches: readonly Sketch[],
  random: SeededRandom,
): { sketches: Sketch[]; how: string } | null {
  const copy = sketches.slice()
  const completed = copy
    .map((sketch, index) => ({ sketch, index }))
    .filter(({ sketch }) => sketch.returnMs !== null && sketch.operation.kind !== 'put')
  if (completed.length === 0) return null
  const { sketch, index } = random.pick(completed)
  const key = sketch.operation.key
  const returnMs = sketch.returnMs as number
  if (sketch.operation.kind === 'get') {
    const later = copy.filter(
      (other) => other.operation.key === key && other.operation.kind === 'put' && other.callMs > returnMs,
    )
    if (later.length > 0 && random.chance(0.5)) {
      const future = random.pick(later).operation
      if (future.kind !== 'put') return null
      copy[index] = { ...sketch, result: read(future.value) }
      return { sketches: copy, how: `read-from-future #${index}` }
    }
    copy[index] = { ...sketch, result: read('never-written') }
    return { sketches: copy, how: `phantom-read #${index}` }
  }
  if (sketch.operation.kind === 'cas') {
    copy[index] = { ...sketch, operation: cas(key, 'never-written', 'z'), result: swapped(true) }
    return { sketches: copy, how: `phantom-cas #${index}` }
  }
  // A delete that reports a removal of a key that no operation could ever have created.
  copy[index] = { ...sketch, operation: del(`${key}-fresh`), result: deleted(true) }
  return { sketches: copy, how: `phantom-delete #${index}` }
}
