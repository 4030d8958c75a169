import { SeededRandom } from '@tandem/base'
import { type SnapshotMessage, SnapshotTransferFailedError } from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { SnapshotLinks } from '../src/snapshot-links.js'
import { type NetworkOptions, PacketSimulator, reliableNetwork } from '../src/world/network.js'
import { Scheduler } from '../src/world/scheduler.js'

const cancelNever = new AbortController().signal

function setup(options: Partial<NetworkOptions> = {}, seed = 1) {
  const scheduler = new Scheduler()
  const trace: string[] = []
  const network = new PacketSimulator<{ from: string; to: string }>({
    scheduler,
    random: new SeededRandom(seed),
    options: { ...reliableNetwork, ...options },
    describe: (packet) => `${packet.from}>${packet.to}`,
    trace: null,
  })
  for (const node of ['a', 'b']) network.attach(node)
  const links = new SnapshotLinks({
    scheduler,
    network,
    random: new SeededRandom(seed + 1),
    trace: (line) => trace.push(line),
  })
  const received: SnapshotMessage[] = []
  const a = links.attach('a')
  const b = links.attach('b')
  b.onSnapshot((message) => received.push(message))
  const message: SnapshotMessage = {
    from: 'a',
    to: 'b',
    term: 3,
    snapshot: {
      metadata: {
        index: 7,
        term: 2,
        confState: {
          voters: ['a', 'b'],
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false,
        },
      },
      data: new Uint8Array(200_000).fill(5),
    },
  }
  /** Sends and runs the world; returns how the send settled ('pending' if it never did). */
  const sendAndRun = async (): Promise<'ok' | Error | 'pending'> => {
    let outcome: 'ok' | Error | 'pending' = 'pending'
    a.send(message, cancelNever).then(
      () => {
        outcome = 'ok'
      },
      (error: Error) => {
        outcome = error
      },
    )
    await scheduler.run({ untilMs: scheduler.nowMs + 1_000, eventsMax: 10_000 })
    return outcome
  }
  return { scheduler, network, links, received, message, sendAndRun, trace, b }
}

describe('SnapshotLinks', () => {
  it('hands a snapshot over as a copy after the offer round trip and its bytes, then acknowledges', async () => {
    const { received, message, sendAndRun, trace } = setup()
    expect(await sendAndRun()).toBe('ok')
    expect(received).toHaveLength(1)
    expect(received[0]).toEqual(message)
    expect(received[0]?.snapshot.data).not.toBe(message.snapshot.data)
    expect(trace.some((line) => line.endsWith('acknowledged'))).toBe(true)
  })

  it('fails a transfer cut by a partition, lost by the link, or refused; the receiver holds nothing', async () => {
    const cut = setup()
    cut.network.partition(['b'], 'both')
    expect(await cut.sendAndRun()).toBeInstanceOf(SnapshotTransferFailedError)
    expect(cut.received).toHaveLength(0)

    const lossy = setup({ lossProbability: 1 })
    expect(await lossy.sendAndRun()).toBeInstanceOf(SnapshotTransferFailedError)
    expect(lossy.received).toHaveLength(0)

    const refusing = setup()
    refusing.b.onSnapshot(() => {
      throw new RangeError('corrupt')
    })
    const outcome = await refusing.sendAndRun()
    expect(outcome).toBeInstanceOf(SnapshotTransferFailedError)
    expect((outcome as Error).message).toContain('refused')
  })

  it('fails when the receiver is down, and never settles a send of a crashed sender', async () => {
    const down = setup()
    down.links.detach('b')
    expect(await down.sendAndRun()).toBeInstanceOf(SnapshotTransferFailedError)

    const crashed = setup()
    let settled = false
    crashed.links
      .attach('a')
      .send(crashed.message, cancelNever)
      .then(
        () => {
          settled = true
        },
        () => {
          settled = true
        },
      )
    crashed.links.attach('a') // a restarts: the earlier incarnation's send is dead
    await crashed.scheduler.run({ untilMs: 1_000, eventsMax: 10_000 })
    expect(settled).toBe(false)
  })
})
