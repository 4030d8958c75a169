/**
 * A deterministic in-process cluster for tests: RaftNodes over MemoryLogStorage, a simulated
 * network (seeded latency, drops, duplication, partitions) and one manual clock. Everything random
 * comes from the seed, so a failing seed replays exactly.
 */

import { ManualClock, SeededRandom } from '@tandem/base'
import { decodeMessage, encodeMessage } from '../../src/codec/index.js'
import { Role } from '../../src/core/types.js'
import { SnapshotTransferFailedError } from '../../src/driver/errors.js'
import type {
  AppliedCommand,
  SnapshotMessage,
  SnapshotTransport,
  StateMachine,
  Transport,
} from '../../src/driver/interfaces.js'
import { MemoryLogStorage } from '../../src/driver/memory-storage.js'
import type { RaftNodeOptions } from '../../src/driver/options.js'
import { RaftNode } from '../../src/driver/raft-node.js'
import type { WireMessage } from '../../src/model/wire-message.js'
import { settle } from '../driver/settle.js'

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/** A state machine that records every command it applies, in order; its snapshot is that record. */
export class RecordingStateMachine implements StateMachine<number> {
  history: { index: number; command: string; token: bigint }[] = []

  apply(commands: readonly AppliedCommand[]): number[] {
    for (const command of commands) {
      this.history.push({
        index: command.index,
        command: fromUtf8.decode(command.data),
        token: command.fencingToken,
      })
    }
    return commands.map((command) => command.index)
  }

  snapshot(): Uint8Array {
    return utf8.encode(JSON.stringify(this.history.map((h) => [h.index, h.command, h.token.toString()])))
  }

  restore(data: Uint8Array): void {
    const parsed = JSON.parse(fromUtf8.decode(data)) as [number, string, string][]
    this.history = parsed.map(([index, command, token]) => ({ index, command, token: BigInt(token) }))
  }
}

export interface NetworkFaults {
  dropRate: number
  duplicateRate: number
  latencyMsMin: number
  latencyMsMax: number
}

/** A network whose every delivery goes through the clock, with seeded faults. */
export class SimulatedNetwork {
  /** Each node's message handler (public so that a test can inject a raw message). */
  readonly handlers = new Map<string, (message: WireMessage) => void>()
  readonly snapshotHandlers = new Map<string, (message: SnapshotMessage) => void>()
  /** Called for every snapshot handed over through the snapshot transport. */
  snapshotTrace: ((message: SnapshotMessage) => void) | null = null
  /** Snapshot transfers that failed (cut, dropped or refused). */
  snapshotFailures = 0
  readonly #blocked = new Set<string>()
  faults: NetworkFaults
  /** Called for every message delivered (debugging aid). */
  trace: ((message: WireMessage) => void) | null = null
  delivered = 0
  dropped = 0

  readonly #clock: ManualClock
  readonly #random: SeededRandom
  readonly #encode: boolean

  constructor(clock: ManualClock, random: SeededRandom, faults: NetworkFaults, encode: boolean) {
    this.#clock = clock
    this.#random = random
    this.faults = faults
    this.#encode = encode
  }

  transport(id: string): Transport {
    return {
      send: (messages) => {
        for (const message of messages) this.#sendOne(message)
      },
      onMessage: (handler) => {
        this.handlers.set(id, handler)
      },
    }
  }

  /**
   * A snapshot transport over the same faults: a transfer takes the latency of one message plus
   * one millisecond per KiB, is lost (and fails) at the drop rate, and fails if a partition cuts
   * it at either end of its flight.
   */
  snapshotTransport(id: string): SnapshotTransport {
    return {
      send: (message, signal) =>
        new Promise<void>((resolve, reject) => {
          const fail = (why: string) => {
            this.snapshotFailures++
            reject(new SnapshotTransferFailedError(why))
          }
          if (this.#blocked.has(`${message.from}>${message.to}`)) return fail('partitioned')
          const lost = this.#random.nextFloat() < this.faults.dropRate
          const span = this.faults.latencyMsMax - this.faults.latencyMsMin
          const latency =
            this.faults.latencyMsMin +
            (span > 0 ? this.#random.nextInt(span + 1) : 0) +
            Math.ceil(message.snapshot.data.length / 1024)
          this.#clock.setTimer(latency, () => {
            if (signal.aborted) return reject(signal.reason)
            if (lost) return fail('lost')
            if (this.#blocked.has(`${message.from}>${message.to}`)) return fail('partitioned in flight')
            const handler = this.snapshotHandlers.get(message.to)
            if (handler === undefined) return fail('no receiver')
            try {
              handler(message)
            } catch (error) {
              this.snapshotFailures++
              return reject(error)
            }
            this.snapshotTrace?.(message)
            resolve()
          })
        }),
      onSnapshot: (handler) => {
        this.snapshotHandlers.set(id, handler)
      },
    }
  }

  /** Cuts the cluster into groups; messages between groups are lost. */
  partition(groups: string[][]): void {
    this.#blocked.clear()
    for (const a of groups) {
      for (const b of groups) {
        if (a === b) continue
        for (const x of a) for (const y of b) this.#blocked.add(`${x}>${y}`)
      }
    }
  }

  /** Cuts one direction only. */
  block(from: string, to: string): void {
    this.#blocked.add(`${from}>${to}`)
  }

  heal(): void {
    this.#blocked.clear()
  }

  #sendOne(message: WireMessage): void {
    const copies = this.#random.nextFloat() < this.faults.duplicateRate ? 2 : 1
    for (let copy = 0; copy < copies; copy++) {
      if (
        this.#blocked.has(`${message.from}>${message.to}`) ||
        this.#random.nextFloat() < this.faults.dropRate
      ) {
        this.dropped++
        continue
      }
      const span = this.faults.latencyMsMax - this.faults.latencyMsMin
      const latency = this.faults.latencyMsMin + (span > 0 ? this.#random.nextInt(span + 1) : 0)
      const wire = this.#encode ? decodeMessage(encodeMessage(message)) : message
      this.#clock.setTimer(latency, () => {
        // A partition that began in flight still cuts the message.
        if (this.#blocked.has(`${message.from}>${message.to}`)) {
          this.dropped++
          return
        }
        this.delivered++
        this.trace?.(wire)
        this.handlers.get(message.to)?.(wire)
      })
    }
  }
}

export interface Member {
  node: RaftNode<number>
  storage: MemoryLogStorage
  /** The transport this member's node was given (tests may wrap its `send`). */
  transport: Transport
  stateMachine: RecordingStateMachine
  running: boolean
}

export interface ClusterOptions {
  seed: number
  ids: string[]
  faults?: Partial<NetworkFaults>
  encode?: boolean
  /** Options of every node, or of each node by id. */
  nodeOptions?: Partial<RaftNodeOptions<number>> | ((id: string) => Partial<RaftNodeOptions<number>>)
  /** Makes each node's state machine (a test may extend the recording one); default a plain one. */
  stateMachine?: (id: string) => RecordingStateMachine
}

export class Cluster {
  readonly clock = new ManualClock()
  readonly random: SeededRandom
  readonly network: SimulatedNetwork
  readonly members = new Map<string, Member>()
  readonly seed: number
  readonly #nodeOptions: (id: string) => Partial<RaftNodeOptions<number>>
  readonly #makeStateMachine: (id: string) => RecordingStateMachine
  #incarnation = 0

  constructor(options: ClusterOptions) {
    this.seed = options.seed
    this.random = new SeededRandom(options.seed)
    this.network = new SimulatedNetwork(
      this.clock,
      new SeededRandom(options.seed ^ 0x5bd1e995),
      { dropRate: 0, duplicateRate: 0, latencyMsMin: 1, latencyMsMax: 5, ...options.faults },
      options.encode ?? false,
    )
    const nodeOptions = options.nodeOptions ?? {}
    this.#nodeOptions = typeof nodeOptions === 'function' ? nodeOptions : () => nodeOptions
    this.#makeStateMachine = options.stateMachine ?? (() => new RecordingStateMachine())
    for (const id of options.ids) {
      this.members.set(id, this.#createMember(id, new MemoryLogStorage({ voters: options.ids })))
    }
  }

  #createMember(id: string, storage: MemoryLogStorage): Member {
    const stateMachine = this.#makeStateMachine(id)
    const transport = this.network.transport(id)
    const node = new RaftNode<number>({
      id,
      storage,
      transport,
      snapshotTransport: this.network.snapshotTransport(id),
      stateMachine,
      clock: this.clock,
      random: new SeededRandom(this.seed * 31 + this.#incarnation++),
      tickMs: 10,
      electionTicks: 10,
      heartbeatTicks: 1,
      proposalTimeoutMs: 5_000,
      readTimeoutMs: 5_000,
      ...this.#nodeOptions(id),
    })
    return { node, storage, transport, stateMachine, running: false }
  }

  member(id: string): Member {
    const member = this.members.get(id)
    if (member === undefined) throw new Error(`no member ${id}`)
    return member
  }

  async start(): Promise<void> {
    for (const member of this.members.values()) {
      await member.node.start()
      member.running = true
    }
  }

  /** Adds a new, empty node (it joins when the cluster adds it). */
  async addNode(id: string): Promise<Member> {
    const member = this.#createMember(id, new MemoryLogStorage())
    this.members.set(id, member)
    await member.node.start()
    member.running = true
    return member
  }

  /** Stops a node (a crash: its in-memory state machine is lost; its storage survives). */
  async crash(id: string): Promise<void> {
    const member = this.member(id)
    await member.node.stop()
    member.running = false
  }

  /** Starts a new incarnation of a crashed node over its surviving storage. */
  async restart(id: string): Promise<void> {
    const old = this.member(id)
    if (old.running) await this.crash(id)
    const member = this.#createMember(id, old.storage)
    this.members.set(id, member)
    await member.node.start()
    member.running = true
  }

  /** Runs the cluster for `ms` of virtual time, in steps of one millisecond. */
  async run(ms: number): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed++) {
      this.clock.advance(1)
      await settle()
    }
  }

  /** Runs until `predicate` holds, or fails after `msMax`. */
  async runUntil(predicate: () => boolean, msMax: number, what: string): Promise<void> {
    for (let elapsed = 0; elapsed < msMax; elapsed++) {
      if (predicate()) return
      this.clock.advance(1)
      await settle()
    }
    if (!predicate()) throw new Error(`seed ${this.seed}: ${what} did not happen within ${msMax} ms`)
  }

  running(): Member[] {
    return [...this.members.values()].filter((member) => member.running)
  }

  /** The running leader of the highest term, if any. */
  leader(): Member | null {
    let best: Member | null = null
    for (const member of this.running()) {
      const status = member.node.status()
      if (status.role !== Role.Leader) continue
      if (best === null || status.term > best.node.status().term) best = member
    }
    return best
  }

  async waitForLeader(msMax = 5_000): Promise<Member> {
    await this.runUntil(() => this.leader() !== null, msMax, 'electing a leader')
    return this.leader() as Member
  }
}
