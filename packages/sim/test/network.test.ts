import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import {
  ForgedSenderError,
  type NetworkOptions,
  PacketSimulator,
  reliableNetwork,
} from '../src/world/network.js'
import { Scheduler } from '../src/world/scheduler.js'

interface Packet {
  readonly from: string
  readonly to: string
  readonly n: number
}

function setup(options: Partial<NetworkOptions>, seed = 1) {
  const scheduler = new Scheduler()
  const trace: string[] = []
  const network = new PacketSimulator<Packet>({
    scheduler,
    random: new SeededRandom(seed),
    options: { ...reliableNetwork, ...options },
    describe: (packet) => `${packet.from}>${packet.to} #${packet.n}`,
    trace: (line) => trace.push(`${scheduler.nowMs.toFixed(3)} ${line}`),
  })
  const received = new Map<string, number[]>()
  const endpoints = new Map<string, ReturnType<typeof network.attach>>()
  for (const node of ['a', 'b', 'c']) {
    const endpoint = network.attach(node)
    received.set(node, [])
    endpoint.onMessage((packet) => received.get(node)?.push(packet.n))
    endpoints.set(node, endpoint)
  }
  const send = (from: string, to: string, count: number) => {
    const packets = Array.from({ length: count }, (_, n) => ({ from, to, n }))
    endpoints.get(from)?.send(packets)
  }
  return { scheduler, network, received, endpoints, send, trace }
}

describe('PacketSimulator', () => {
  it('delivers every packet on a reliable network, after at least the minimum delay', async () => {
    const { scheduler, received, send } = setup({ oneWayDelayMinMs: 3, oneWayDelayMeanMs: 3 })
    send('a', 'b', 10)
    await scheduler.run({ untilMs: 2.9, eventsMax: 1000 })
    expect(received.get('b')).toEqual([])
    await scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(received.get('b')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('reorders packets through its exponential delay tail', async () => {
    const { scheduler, received, send } = setup({ oneWayDelayMinMs: 1, oneWayDelayMeanMs: 20 })
    send('a', 'b', 50)
    await scheduler.run({ untilMs: 10_000, eventsMax: 10_000 })
    const got = received.get('b') ?? []
    expect(got.slice().sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, n) => n))
    expect(got).not.toEqual(got.slice().sort((x, y) => x - y))
  })

  it('loses and duplicates packets with the given probabilities', async () => {
    const lossy = setup({ lossProbability: 1 })
    lossy.send('a', 'b', 20)
    await lossy.scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(lossy.received.get('b')).toEqual([])
    expect(lossy.network.stats.dropped).toBe(20)

    const doubled = setup({ duplicationProbability: 1 })
    doubled.send('a', 'b', 5)
    await doubled.scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(doubled.received.get('b')).toHaveLength(10)

    const some = setup({ lossProbability: 0.3 }, 9)
    some.send('a', 'b', 1000)
    await some.scheduler.run({ untilMs: 100, eventsMax: 10_000 })
    const delivered = some.received.get('b')?.length ?? 0
    expect(delivered).toBeGreaterThan(620)
    expect(delivered).toBeLessThan(780)
  })

  it('bounds the packets in flight on a link', async () => {
    const { scheduler, received, send, network } = setup({ linkCapacity: 4 })
    send('a', 'b', 10)
    await scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(received.get('b')).toHaveLength(4)
    expect(network.stats.dropped).toBe(6)
  })

  it('cuts both directions of a symmetric partition and one of an asymmetric one', async () => {
    const symmetric = setup({})
    symmetric.network.partition(['c'], 'both')
    symmetric.send('a', 'c', 1)
    symmetric.send('c', 'a', 1)
    symmetric.send('a', 'b', 1)
    await symmetric.scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(symmetric.received.get('c')).toEqual([])
    expect(symmetric.received.get('a')).toEqual([])
    expect(symmetric.received.get('b')).toEqual([0])

    const asymmetric = setup({})
    asymmetric.network.partition(['c'], 'a-to-b')
    asymmetric.send('a', 'c', 1)
    asymmetric.send('c', 'a', 1)
    await asymmetric.scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(asymmetric.received.get('c')).toEqual([])
    expect(asymmetric.received.get('a')).toEqual([0])
  })

  it('drops packets in flight when a partition starts, and delivers again once healed', async () => {
    const { scheduler, received, send, network } = setup({ oneWayDelayMinMs: 10, oneWayDelayMeanMs: 10 })
    send('a', 'b', 1)
    scheduler.schedule(5, 'cut', () => network.partition(['b'], 'both'))
    await scheduler.run({ untilMs: 50, eventsMax: 100 })
    expect(received.get('b')).toEqual([])
    network.heal()
    send('a', 'b', 1)
    await scheduler.run({ untilMs: 100, eventsMax: 100 })
    expect(received.get('b')).toEqual([0])
  })

  it('partitions and heals on its own, respecting the minimum durations', async () => {
    const { scheduler, trace, network } = setup({
      partitionMode: 'uniform',
      partitionSymmetry: 'mixed',
      partitionProbability: 0.5,
      healProbability: 0.5,
      partitionStabilityMs: 300,
      healStabilityMs: 200,
      decisionStepMs: 10,
    })
    await scheduler.run({ untilMs: 20_000, eventsMax: 100_000 })
    const changes = trace
      .filter((line) => line.includes('net partition') || line.includes('net heal'))
      .map((line) => ({ at: Number(line.split(' ')[0]), partition: line.includes('partition') }))
    expect(network.stats.partitions).toBeGreaterThan(10)
    for (let i = 1; i < changes.length; i++) {
      const previous = changes[i - 1] as { at: number; partition: boolean }
      const current = changes[i] as { at: number; partition: boolean }
      expect(current.partition).not.toBe(previous.partition)
      expect(current.at - previous.at).toBeGreaterThanOrEqual(previous.partition ? 300 : 200)
    }
  })

  it('isolates one node at a time in isolate-single mode', async () => {
    const { scheduler, trace } = setup({
      partitionMode: 'isolate-single',
      partitionProbability: 1,
      healProbability: 1,
      partitionStabilityMs: 50,
      decisionStepMs: 10,
    })
    await scheduler.run({ untilMs: 1000, eventsMax: 100_000 })
    const partitions = trace.filter((line) => line.includes('net partition'))
    expect(partitions.length).toBeGreaterThan(5)
    for (const line of partitions) expect(line).toMatch(/\| \{[abc]\}/)
  })

  it('keeps a reliable core connected through partitions and loss', async () => {
    const { scheduler, received, send, network } = setup({ lossProbability: 1 })
    network.setReliableCore(['a', 'b'])
    network.partition(['b'], 'both')
    send('a', 'b', 3)
    send('a', 'c', 3)
    await scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(received.get('b')).toEqual([0, 1, 2])
    expect(received.get('c')).toEqual([])
  })

  it('refuses a message naming another sender with ForgedSenderError, as an authenticating transport does', async () => {
    const { scheduler, received, endpoints } = setup({})
    let refused: unknown = null
    try {
      endpoints.get('a')?.send([{ from: 'b', to: 'c', n: 1 }])
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(ForgedSenderError)
    expect((refused as ForgedSenderError).code).toBe('SIM_FORGED_SENDER')
    await scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(received.get('c')).toEqual([])
  })

  it('delivers nothing to a detached node and ignores sends from a replaced endpoint', async () => {
    const { scheduler, received, send, network, endpoints } = setup({})
    network.detach('b')
    send('a', 'b', 2)
    await scheduler.run({ untilMs: 100, eventsMax: 1000 })
    expect(received.get('b')).toEqual([])
    const stale = endpoints.get('c')
    network.attach('c')
    stale?.send([{ from: 'c', to: 'a', n: 7 }])
    await scheduler.run({ untilMs: 200, eventsMax: 1000 })
    expect(received.get('a')).toEqual([])
  })

  it('replays the same packet schedule from the same seed', async () => {
    const run = async (seed: number) => {
      const { scheduler, send, trace } = setup(
        { lossProbability: 0.2, duplicationProbability: 0.1, oneWayDelayMeanMs: 15 },
        seed,
      )
      send('a', 'b', 30)
      send('b', 'c', 30)
      await scheduler.run({ untilMs: 1000, eventsMax: 10_000 })
      return trace
    }
    expect(await run(5)).toEqual(await run(5))
    expect(await run(5)).not.toEqual(await run(6))
  })
})
