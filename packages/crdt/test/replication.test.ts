import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { decodeSyncMessage, encodeSyncMessage, Replica, SyncSession } from '../src/index.js'
import { hex } from './helpers.js'

// Yjs-style seeded replication: five replicas write at random while a test connector delivers sync
// messages at random — reordered, duplicated, lost (repaired by later anti-entropy rounds, the
// retransmission), with links disconnecting and reconnecting. After healing, every replica must hold
// byte-identical encoded state, with every tombstone collected but the one holding the greatest
// stamp (the clock's high-water mark). A failure names its seed.

const NODES = ['12D3KooWAlpha', '12D3KooWBravo', '12D3KooWCharlie', '12D3KooWDelta', '12D3KooWEcho']

interface Link {
  session: SyncSession | undefined
  /** Encoded messages in flight towards the other end. */
  inbox: Uint8Array[]
}

class Network {
  readonly replicas: Replica[]
  /** links[i][j]: i's session with j, and the messages i sent to j. */
  readonly links: Link[][]
  readonly random: SeededRandom
  lossProbability = 0.1
  duplicateProbability = 0.1
  wallMs = 1_700_000_000_000
  private readonly skewMs: number[]

  constructor(seed: number) {
    this.random = new SeededRandom(seed)
    this.skewMs = NODES.map(() => Math.floor(this.random.nextFloat() * 4000) - 2000)
    this.replicas = NODES.map(
      (node, index) =>
        new Replica({ node, members: NODES, now: () => this.wallMs + (this.skewMs[index] ?? 0) }),
    )
    this.links = NODES.map(() => NODES.map(() => ({ session: undefined, inbox: [] })))
    for (let i = 0; i < NODES.length; i++) for (let j = i + 1; j < NODES.length; j++) this.connect(i, j)
  }

  link(from: number, to: number): Link {
    return (this.links[from] as Link[])[to] as Link
  }

  connect(i: number, j: number): void {
    for (const [from, to] of [
      [i, j],
      [j, i],
    ] as const) {
      const link = this.link(from, to)
      link.session = new SyncSession(this.replicas[from] as Replica, {
        peer: NODES[to] as string,
        onOutgoing: (messages) => {
          for (const message of messages) link.inbox.push(encodeSyncMessage(message))
        },
      })
    }
    this.resync(i, j)
  }

  disconnect(i: number, j: number): void {
    for (const [from, to] of [
      [i, j],
      [j, i],
    ] as const) {
      const link = this.link(from, to)
      link.session?.close()
      link.session = undefined
      link.inbox = []
    }
  }

  /** An anti-entropy round in both directions: what repairs lost messages. */
  resync(i: number, j: number): void {
    for (const [from, to] of [
      [i, j],
      [j, i],
    ] as const) {
      const link = this.link(from, to)
      if (link.session === undefined) return
      for (const message of link.session.start()) link.inbox.push(encodeSyncMessage(message))
    }
  }

  /** Delivers one random in-flight message (any link, any position); returns false when none. */
  deliverOne(faulty: boolean): boolean {
    const busy: [number, number][] = []
    for (let i = 0; i < NODES.length; i++) {
      for (let j = 0; j < NODES.length; j++) if (this.link(i, j).inbox.length > 0) busy.push([i, j])
    }
    if (busy.length === 0) return false
    const [from, to] = this.random.pick(busy)
    const inbox = this.link(from, to).inbox
    const position = Math.floor(this.random.nextFloat() * inbox.length)
    const bytes = inbox[position] as Uint8Array
    if (!(faulty && this.random.nextFloat() < this.duplicateProbability)) inbox.splice(position, 1)
    if (faulty && this.random.nextFloat() < this.lossProbability) return true
    const receiver = this.link(to, from)
    if (receiver.session === undefined) return true
    for (const reply of receiver.session.receive(decodeSyncMessage(bytes))) {
      receiver.inbox.push(encodeSyncMessage(reply))
    }
    return true
  }

  randomWrite(): void {
    const replica = this.random.pick(this.replicas)
    const key = `k${Math.floor(this.random.nextFloat() * 8)}`
    const choice = this.random.nextFloat()
    if (choice < 0.35) replica.map('m').set(key, Math.floor(this.random.nextFloat() * 100))
    else if (choice < 0.5) replica.map('m').delete(key)
    else if (choice < 0.7) replica.set('s').add(key)
    else if (choice < 0.85) replica.set('s').delete(key)
    else if (choice < 0.95) replica.register('r').set({ by: replica.node, at: this.wallMs })
    else
      replica.transact(() => {
        replica.map('m').set(key, 'batched')
        replica.set('s').add(`batched-${key}`)
      })
  }

  heal(): void {
    for (let i = 0; i < NODES.length; i++) {
      for (let j = i + 1; j < NODES.length; j++) {
        if (this.link(i, j).session === undefined) this.connect(i, j)
      }
    }
    // Two lossless anti-entropy rounds: the first exchanges data, the second's acks report contexts
    // that cover everything, so every replica can collect every tombstone.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < NODES.length; i++) for (let j = i + 1; j < NODES.length; j++) this.resync(i, j)
      for (let budget = 0; budget < 100_000 && this.deliverOne(false); budget++) {}
    }
  }
}

function simulate(seed: number, steps: number): Network {
  const network = new Network(seed)
  const random = network.random
  for (let step = 0; step < steps; step++) {
    const action = random.nextFloat()
    if (action < 0.3) network.randomWrite()
    else if (action < 0.85) network.deliverOne(true)
    else if (action < 0.9) network.wallMs += Math.floor(random.nextFloat() * 50)
    else if (action < 0.94) {
      const i = Math.floor(random.nextFloat() * NODES.length)
      const j = Math.floor(random.nextFloat() * NODES.length)
      if (i !== j) network.disconnect(i, j)
    } else if (action < 0.97) {
      const i = Math.floor(random.nextFloat() * NODES.length)
      const j = Math.floor(random.nextFloat() * NODES.length)
      if (i !== j && network.link(i, j).session === undefined) network.connect(i, j)
    } else {
      const i = Math.floor(random.nextFloat() * NODES.length)
      const j = Math.floor(random.nextFloat() * NODES.length)
      if (i !== j) network.resync(i, j)
    }
  }
  network.heal()
  return network
}

describe('replication under faults (5 replicas)', () => {
  const seeds = Array.from({ length: 60 }, (_, index) => 1000 + index)

  it.each(seeds)('converges to byte-identical states, seed %i', (seed) => {
    const network = simulate(seed, 600)
    const states = network.replicas.map((replica) => hex(replica.encodeState()))
    for (let index = 1; index < states.length; index++) {
      expect(states[index], `seed ${seed}: replica ${index} differs from replica 0`).toBe(states[0])
    }
    for (const replica of network.replicas) {
      // Every tombstone is collected but the one holding the replica's greatest stamp, if any.
      expect(replica.tombstoneCount, `seed ${seed}: tombstones left on ${replica.node}`).toBeLessThanOrEqual(
        1,
      )
      if (replica.tombstoneCount === 1) {
        const state = replica.state()
        const entries = state.collections.flatMap((collection) => collection.entries)
        const greatest = entries.reduce((best, entry) =>
          entry.wallMs > best.wallMs ||
          (entry.wallMs === best.wallMs &&
            (entry.logical > best.logical ||
              (entry.logical === best.logical &&
                (state.nodes[entry.node] as string) > (state.nodes[best.node] as string))))
            ? entry
            : best,
        )
        expect(
          greatest.deleted,
          `seed ${seed}: the tombstone kept on ${replica.node} is not the greatest stamp`,
        ).toBe(true)
      }
    }
  })

  it('keeps writing and converging through a long partitioned run', () => {
    const seed = 77
    const network = simulate(seed, 5000)
    const first = hex(network.replicas[0]?.encodeState() as Uint8Array)
    for (const replica of network.replicas) expect(hex(replica.encodeState()), `seed ${seed}`).toBe(first)
    expect(network.replicas[0]?.map('m').size, `seed ${seed}`).toBeGreaterThan(0)
  })
})
