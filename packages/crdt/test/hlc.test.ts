import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ClockDriftError,
  compareTimestamps,
  decodeDelta,
  encodeDelta,
  HLC,
  InvalidClockError,
  Replica,
  type Timestamp,
} from '../src/index.js'

describe('HLC', () => {
  it('stays strictly monotonic while the wall clock jumps back and forward', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('jump' as const),
              ms: fc.integer({ min: -3_600_000, max: 3_600_000 }),
            }),
            fc.record({ kind: fc.constant('tick' as const) }),
            fc.record({
              kind: fc.constant('receive' as const),
              aheadMs: fc.integer({ min: -100_000, max: 120_000 }),
              logical: fc.nat(5),
            }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          let wallMs = 1_700_000_000_000
          const clock = new HLC({ node: 'n', now: () => wallMs })
          let previous: Timestamp = clock.now()
          for (const step of steps) {
            if (step.kind === 'jump') wallMs += step.ms
            else if (step.kind === 'receive') {
              const remote = { wallMs: wallMs + step.aheadMs, logical: step.logical }
              const before = { wallMs: clock.wallMs, logical: clock.logical }
              if (step.aheadMs > clock.driftMsMax) {
                expect(() => clock.receive(remote)).toThrow(ClockDriftError)
                // A refused stamp leaves the clock untouched.
                expect({ wallMs: clock.wallMs, logical: clock.logical }).toEqual(before)
              } else {
                clock.receive(remote)
                const next = clock.now()
                expect(compareTimestamps(next, { ...remote, node: 'remote' })).toBeGreaterThan(0)
              }
            }
            const next = clock.now()
            expect(compareTimestamps(next, previous)).toBeGreaterThan(0)
            previous = next
          }
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('follows the wall clock when it moves forward, and counts logically when it goes back', () => {
    let wallMs = 1000
    const clock = new HLC({ node: 'n', now: () => wallMs })
    expect(clock.now()).toEqual({ wallMs: 1000, logical: 0, node: 'n' })
    wallMs = 500
    expect(clock.now()).toEqual({ wallMs: 1000, logical: 1, node: 'n' })
    expect(clock.now()).toEqual({ wallMs: 1000, logical: 2, node: 'n' })
    wallMs = 2000
    expect(clock.now()).toEqual({ wallMs: 2000, logical: 0, node: 'n' })
  })

  it('refuses remote stamps beyond the configured drift', () => {
    const clock = new HLC({ node: 'n', now: () => 0, driftMsMax: 10 })
    clock.receive({ wallMs: 10, logical: 0 })
    const error = (() => {
      try {
        clock.receive({ wallMs: 11, logical: 0 })
      } catch (caught) {
        return caught
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ClockDriftError)
    expect((error as ClockDriftError).code).toBe('CRDT_CLOCK_DRIFT')
    expect((error as ClockDriftError).aheadMs).toBe(11)
  })

  it('a replica refuses a delta stamped too far ahead, changing nothing', () => {
    let wallMs = 1_000_000
    const fast = new Replica({ node: 'fast', now: () => wallMs + 120_000 })
    const slow = new Replica({ node: 'slow', now: () => wallMs })
    slow.map('m').set('k', 'slow')
    const delta = fast.map('m').set('k', 'fast')
    const before = slow.encodeState()
    expect(() => slow.apply(delta)).toThrow(ClockDriftError)
    expect(slow.encodeState()).toEqual(before)
    // Once the local clock catches up, the same delta is accepted.
    wallMs += 61_000
    slow.apply(delta)
    expect(slow.map('m').get('k')).toBe('fast')
  })

  it('a write after receiving a remote stamp beats it, even with a slower local clock', () => {
    const ahead = new Replica({ node: 'a', now: () => 50_000 })
    const behind = new Replica({ node: 'b', now: () => 10_000 })
    behind.apply(ahead.map('m').set('k', 'from a'))
    behind.map('m').set('k', 'from b, later')
    ahead.apply(behind.state())
    expect(ahead.map('m').get('k')).toBe('from b, later')
  })

  it('rounds a fractional wall clock down, so stamps survive encoding unchanged', () => {
    // Regression (found by the simulator): with a fractional clock, stamps changed in the varint
    // encoding and replicas disagreed on which write won.
    let wallMs = 1_780_000_000_123.75
    const a = new Replica({ node: 'a', now: () => wallMs })
    const b = new Replica({ node: 'b', now: () => wallMs - 0.5 })
    const first = a.map('m').set('k', 'a')
    expect(first.collections[0]?.entries[0]?.wallMs).toBe(1_780_000_000_123)
    expect(decodeDelta(encodeDelta(first))).toEqual(first)
    wallMs += 0.3
    const second = b.map('m').set('k', 'b')
    a.apply(decodeDelta(encodeDelta(second)))
    b.apply(decodeDelta(encodeDelta(first)))
    expect(a.map('m').get('k')).toBe(b.map('m').get('k'))
    expect(a.encodeState()).toEqual(b.encodeState())
  })

  it('refuses a wall clock that reads NaN, a negative or an unsafe number with InvalidClockError', () => {
    for (const reading of [Number.NaN, -1, Number.POSITIVE_INFINITY, 2 ** 60]) {
      const replica = new Replica({ node: 'n', now: () => reading })
      const error = (() => {
        try {
          replica.map('m').set('k', 'v')
        } catch (caught) {
          return caught
        }
        return undefined
      })()
      expect(error, `reading ${reading}`).toBeInstanceOf(InvalidClockError)
      expect((error as InvalidClockError).code).toBe('CRDT_INVALID_CLOCK')
      expect(replica.map('m').has('k'), `reading ${reading}: nothing written`).toBe(false)
    }
  })
})
