import { describe, expect, it } from 'vitest'
import { SimulatedClock } from '../src/clock.js'
import { SeededRandom } from '../src/random.js'
import { Scheduler } from '../src/scheduler.js'

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed)
      return Array.from({ length: 20 }, () => random.nextUint32())
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
    expect(draw(2 ** 40 + 1)).not.toEqual(draw(1))
  })

  it('keeps nextInt within its bound and reaches every value', () => {
    const random = new SeededRandom(7)
    const seen = new Set<number>()
    for (let i = 0; i < 2000; i++) {
      const value = random.nextInt(10)
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThan(10)
      seen.add(value)
    }
    expect(seen.size).toBe(10)
    expect(() => random.nextInt(0)).toThrow(RangeError)
  })

  it('gives forks independent, reproducible streams', () => {
    const a = new SeededRandom(5).fork('network')
    const b = new SeededRandom(5).fork('network')
    const c = new SeededRandom(5).fork('disk')
    const take = (random: SeededRandom) => [random.nextUint32(), random.nextUint32()]
    expect(take(a)).toEqual(take(b))
    expect(take(new SeededRandom(5).fork('network'))).not.toEqual(take(c))
  })

  it('draws exponential samples with roughly the asked mean', () => {
    const random = new SeededRandom(11)
    let sum = 0
    for (let i = 0; i < 20_000; i++) sum += random.exponential(5)
    expect(sum / 20_000).toBeGreaterThan(4.7)
    expect(sum / 20_000).toBeLessThan(5.3)
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
