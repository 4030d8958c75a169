import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { SimulatedClock } from '../src/world/clock.js'
import { Scheduler } from '../src/world/scheduler.js'

// The simulator draws from `@tandem/base`'s SeededRandom. A seed names a run only while the stream
// stays the same, so these draws are pinned: they are the values the simulator's own generator
// gave before it was replaced by the shared one (every seed's trace digest stayed the same).
describe('the seeded stream under every simulation', () => {
  it('draws the pinned values for a seed, a fork and a seed above 2^32', () => {
    const root = new SeededRandom(42)
    expect(Array.from({ length: 4 }, () => root.nextUint32())).toEqual([
      2837322924, 544945897, 479756282, 3500138142,
    ])
    const network = new SeededRandom(42).fork('network')
    expect(Array.from({ length: 4 }, () => network.nextUint32())).toEqual([
      303825083, 320839881, 2341414945, 1044782672,
    ])
    const large = new SeededRandom(2 ** 40 + 7)
    expect([large.nextUint32(), large.nextInt(1000), large.between(5, 9), large.chance(0.5)]).toEqual([
      1477353255,
      853,
      8,
      false,
    ])
    expect(large.exponential(3)).toBeCloseTo(2.514765939572354, 12)
  })
})

describe('Scheduler', () => {
  it('runs events by time, then by scheduling order', async () => {
    const scheduler = new Scheduler()
    const order: string[] = []
    scheduler.schedule(10, 'b', () => order.push('b@10'))
    scheduler.schedule(5, 'a', () => order.push('a@5'))
    scheduler.schedule(10, 'c', () => order.push('c@10'))
    const cancelled = scheduler.schedule(7, 'x', () => order.push('x@7'))
    cancelled.cancel()
    expect(await scheduler.run({ untilMs: 100, eventsMax: 100 })).toBe('idle')
    expect(order).toEqual(['a@5', 'b@10', 'c@10'])
    expect(scheduler.nowMs).toBe(100)
  })

  it('stops at the time limit without running later events', async () => {
    const scheduler = new Scheduler()
    const order: number[] = []
    scheduler.schedule(5, 'a', () => order.push(scheduler.nowMs))
    scheduler.schedule(50, 'b', () => order.push(scheduler.nowMs))
    expect(await scheduler.run({ untilMs: 20, eventsMax: 100 })).toBe('time-limit')
    expect(order).toEqual([5])
    expect(scheduler.nowMs).toBe(20)
    expect(await scheduler.run({ untilMs: 60, eventsMax: 100 })).toBe('idle')
    expect(order).toEqual([5, 50])
  })

  it('bounds the events of a run', async () => {
    const scheduler = new Scheduler()
    const again = (): void => {
      scheduler.schedule(0, 'loop', again)
    }
    again()
    expect(await scheduler.run({ untilMs: 10, eventsMax: 1000 })).toBe('events-limit')
  })

  it('runs every promise continuation of an event before the next event', async () => {
    const scheduler = new Scheduler()
    const order: string[] = []
    const chain = async (): Promise<void> => {
      await Promise.resolve()
      order.push('continuation 1')
      await new Promise<void>((resolve) => queueMicrotask(resolve))
      order.push('continuation 2')
      scheduler.schedule(0, 'follow-up', () => order.push('follow-up@1'))
    }
    scheduler.schedule(1, 'start', () => {
      order.push('start@1')
      void chain()
    })
    scheduler.schedule(1, 'sibling', () => order.push('sibling@1'))
    await scheduler.run({ untilMs: 10, eventsMax: 100 })
    expect(order).toEqual(['start@1', 'continuation 1', 'continuation 2', 'sibling@1', 'follow-up@1'])
  })

  it('replays an asynchronous random workload identically from a seed', async () => {
    const runOnce = async (seed: number): Promise<string[]> => {
      const scheduler = new Scheduler()
      const random = new SeededRandom(seed)
      const log: string[] = []
      const sleep = (ms: number) => new Promise<void>((resolve) => scheduler.schedule(ms, 'sleep', resolve))
      const worker = async (name: string): Promise<void> => {
        for (let i = 0; i < 20; i++) {
          await sleep(random.nextInt(5))
          log.push(`${scheduler.nowMs} ${name}${i}`)
        }
      }
      scheduler.schedule(0, 'spawn', () => {
        for (const name of ['a', 'b', 'c']) void worker(name)
      })
      await scheduler.run({ untilMs: 1000, eventsMax: 10_000 })
      return log
    }
    const first = await runOnce(3)
    expect(first).toHaveLength(60)
    expect(await runOnce(3)).toEqual(first)
    expect(await runOnce(4)).not.toEqual(first)
  })
})

describe('SimulatedClock', () => {
  it('drifts: a fast clock reads ahead and fires its timers early in virtual time', async () => {
    const scheduler = new Scheduler()
    const fast = new SimulatedClock({ scheduler, driftPpm: 100_000, offsetMs: 1000, label: 'fast' })
    const fired: number[] = []
    fast.setTimer(110, () => fired.push(scheduler.nowMs))
    await scheduler.run({ untilMs: 200, eventsMax: 10 })
    expect(fired).toHaveLength(1)
    expect(fired[0]).toBeCloseTo(100, 6)
    expect(fast.now()).toBeCloseTo(1000 + 220, 6)
  })

  it('jumps forward (monotonic) and backward (wall only)', () => {
    const scheduler = new Scheduler()
    const clock = new SimulatedClock({ scheduler, driftPpm: 0, offsetMs: 0, label: 'n' })
    clock.jumpForward(500)
    expect(clock.now()).toBe(500)
    clock.jumpWall(-2000)
    expect(clock.now()).toBe(500)
    expect(clock.wallNowMs()).toBe(-1500)
    expect(() => clock.jumpForward(-1)).toThrow(RangeError)
  })

  it('fires nothing once stopped (a crashed incarnation) and cancels single timers', async () => {
    const scheduler = new Scheduler()
    const clock = new SimulatedClock({ scheduler, driftPpm: 0, offsetMs: 0, label: 'n' })
    const fired: string[] = []
    clock.setTimer(10, () => fired.push('a'))
    const handle = clock.setTimer(5, () => fired.push('b'))
    handle.cancel()
    clock.setTimer(1, () => fired.push('c'))
    await scheduler.run({ untilMs: 2, eventsMax: 10 })
    clock.stop()
    clock.setTimer(1, () => fired.push('d'))
    await scheduler.run({ untilMs: 100, eventsMax: 10 })
    expect(fired).toEqual(['c'])
  })
})
