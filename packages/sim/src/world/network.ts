/**
 * The packet simulator. Each directed link delays packets (a minimum plus an exponential tail, so
 * packets overtake each other), loses, duplicates and bounds them; partitions come and go with
 * probabilities and minimum durations, as in TigerBeetle's packet simulator. Each node gets an
 * endpoint implementing `@tandem/raft`'s `Transport`.
 */

import type { SeededRandom } from '@tandem/base'
import { TandemError } from '@tandem/base'
import type { Scheduler } from './scheduler.js'

/** How the network splits when it partitions. */
export type PartitionMode = 'none' | 'uniform' | 'isolate-single'

/** Whether a partition blocks both directions, one direction, or either at random. */
export type PartitionSymmetry = 'symmetric' | 'asymmetric' | 'mixed'

/** Fault and performance settings of the network. */
export interface NetworkOptions {
  readonly oneWayDelayMinMs: number
  /** Mean one-way delay (≥ the minimum); the excess over the minimum is exponential. */
  readonly oneWayDelayMeanMs: number
  readonly lossProbability: number
  readonly duplicationProbability: number
  /** Packets in flight per directed link; more are dropped (a full socket buffer). */
  readonly linkCapacity: number
  readonly partitionMode: PartitionMode
  readonly partitionSymmetry: PartitionSymmetry
  /** Chance, at each decision step while healed, that a partition starts. */
  readonly partitionProbability: number
  /** Chance, at each decision step while partitioned, that it heals. */
  readonly healProbability: number
  /** A partition lasts at least this long. */
  readonly partitionStabilityMs: number
  /** A healed network stays healed at least this long. */
  readonly healStabilityMs: number
  /** How often the partition state is reconsidered. */
  readonly decisionStepMs: number
}

/** The network with every fault off: for the liveness phase's healed core and for tests. */
export const reliableNetwork: NetworkOptions = {
  oneWayDelayMinMs: 1,
  oneWayDelayMeanMs: 2,
  lossProbability: 0,
  duplicationProbability: 0,
  linkCapacity: 1024,
  partitionMode: 'none',
  partitionSymmetry: 'symmetric',
  partitionProbability: 0,
  healProbability: 1,
  partitionStabilityMs: 0,
  healStabilityMs: 0,
  decisionStepMs: 100,
}

/** A node sent a message whose `from` is not its own id; the network refuses it. */
export class ForgedSenderError extends TandemError {
  readonly code = 'SIM_FORGED_SENDER'
  override readonly name = 'ForgedSenderError'
}

/** What a packet must expose: its endpoints. */
export interface Addressed {
  readonly from: string
  readonly to: string
}

/**
 * Turns messages into bytes and back. With a codec every packet crosses the wire encoded (the
 * production codec is exercised, and the receiver never shares objects with the sender).
 */
export interface PacketCodec<M> {
  encode(message: M): Uint8Array
  decode(bytes: Uint8Array): M
}

/** One node's network endpoint (raft's `Transport`). */
export interface NetworkEndpoint<M extends Addressed> {
  send(messages: readonly M[]): void
  onMessage(handler: (message: M) => void): void
}

/** Network event counters, for reports. */
export interface NetworkStats {
  sent: number
  delivered: number
  dropped: number
  duplicated: number
  partitions: number
}

/** Options of {@link PacketSimulator}. */
export interface PacketSimulatorOptions<M extends Addressed> {
  readonly scheduler: Scheduler
  readonly random: SeededRandom
  readonly options: NetworkOptions
  readonly codec?: PacketCodec<M>
  /** One line describing a packet, for traces. */
  readonly describe: (message: M) => string
  /** Where traces go; `null` to trace nothing. */
  readonly trace: ((text: string) => void) | null
}

interface Attachment<M> {
  readonly generation: number
  handler: ((message: M) => void) | null
}

interface PacketCopy<M> {
  readonly message: M
  readonly bytes: Uint8Array | null
}

/** Simulates the links between a fixed set of node ids. */
export class PacketSimulator<M extends Addressed> {
  private readonly scheduler: Scheduler
  private readonly random: SeededRandom
  private options: NetworkOptions
  private readonly codec: PacketCodec<M> | null
  private readonly describe: (message: M) => string
  private readonly trace: ((text: string) => void) | null
  private readonly attachments = new Map<string, Attachment<M>>()
  private readonly inFlightPerLink = new Map<string, number>()
  /** Directed links cut by the current partition, as `from>to`. */
  private blockedLinks = new Set<string>()
  private partitionedSinceMs: number | null = null
  private healedSinceMs = 0
  private generationNext = 0
  private partitionsEnabled = true
  /** Nodes whose links to each other are perfect (the liveness phase's core), or null. */
  private reliableCore: ReadonlySet<string> | null = null
  private decisionTimerStarted = false
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, partitions: 0 }

  constructor(init: PacketSimulatorOptions<M>) {
    assertOptions(init.options)
    this.scheduler = init.scheduler
    this.random = init.random
    this.options = init.options
    this.codec = init.codec ?? null
    this.describe = init.describe
    this.trace = init.trace
  }

  /** The fault and performance settings in force. */
  currentOptions(): NetworkOptions {
    return this.options
  }

  /** The node ids known to the network, in attach order. */
  get nodes(): readonly string[] {
    return [...this.attachments.keys()]
  }

  /**
   * Attaches (or re-attaches after a restart) a node and returns its endpoint. Packets addressed
   * to an earlier incarnation of the node are still delivered to the new one — as on a real
   * network — but an old incarnation's endpoint can no longer send or receive.
   */
  attach(nodeId: string): NetworkEndpoint<M> {
    const attachment: Attachment<M> = { generation: this.generationNext++, handler: null }
    this.attachments.set(nodeId, attachment)
    this.startDecisions()
    return {
      send: (messages) => {
        if (this.attachments.get(nodeId) !== attachment) return
        for (const message of messages) this.sendOne(nodeId, message)
      },
      onMessage: (handler) => {
        attachment.handler = handler
      },
    }
  }

  /** The node crashed: nothing is delivered to it until it attaches again. */
  detach(nodeId: string): void {
    const attachment = this.attachments.get(nodeId)
    if (attachment !== undefined) attachment.handler = null
  }

  /** Changes fault settings from now on (packets in flight keep their delivery times). */
  reconfigure(options: NetworkOptions): void {
    assertOptions(options)
    this.options = options
  }

  /** Removes any partition and, when `enabled` is false, keeps partitions from starting again. */
  setPartitionsEnabled(enabled: boolean): void {
    this.partitionsEnabled = enabled
    if (!enabled) this.heal()
  }

  /** Makes every link between members of `core` perfect (no loss, no partition), or `null` to undo. */
  setReliableCore(core: readonly string[] | null): void {
    this.reliableCore = core === null ? null : new Set(core)
  }

  /** Whether the link from `from` to `to` is perfect now (both in the reliable core). */
  isReliable(from: string, to: string): boolean {
    return this.isCoreLink(from, to)
  }

  /** Whether packets from `from` to `to` are currently cut by the partition. */
  isBlocked(from: string, to: string): boolean {
    if (this.isCoreLink(from, to)) return false
    return this.blockedLinks.has(`${from}>${to}`)
  }

  /** Heals any partition now. */
  heal(): void {
    if (this.partitionedSinceMs === null) return
    this.blockedLinks = new Set()
    this.partitionedSinceMs = null
    this.healedSinceMs = this.scheduler.nowMs
    this.trace?.('net heal')
  }

  /** Starts a partition now (for tests and scripted scenarios), isolating `sideB` from the rest. */
  partition(sideB: readonly string[], direction: 'both' | 'a-to-b' | 'b-to-a'): void {
    const b = new Set(sideB)
    const sideA = this.nodes.filter((node) => !b.has(node))
    const blocked = new Set<string>()
    for (const a of sideA) {
      for (const other of sideB) {
        if (direction !== 'b-to-a') blocked.add(`${a}>${other}`)
        if (direction !== 'a-to-b') blocked.add(`${other}>${a}`)
      }
    }
    this.blockedLinks = blocked
    this.partitionedSinceMs = this.scheduler.nowMs
    this.stats.partitions++
    this.trace?.(`net partition {${sideA.join(',')}} | {${[...b].join(',')}} ${direction}`)
  }

  private isCoreLink(from: string, to: string): boolean {
    const core = this.reliableCore
    return core?.has(from) === true && core.has(to)
  }

  private sendOne(from: string, message: M): void {
    this.stats.sent++
    // The network authenticates senders, as Tandem's transport does (the peer id of the connection).
    // A message naming another sender is refused with an operating error the sender's transport
    // call sees, not an invariant: the Raft driver treats it as a lost send (relayed proposals keep
    // their proposer's id, so a proposal forwarded twice is refused here).
    if (message.from !== from)
      throw new ForgedSenderError(`node ${from} sent a message claiming to be from ${message.from}`)
    const to = message.to
    if (!this.attachments.has(to)) {
      this.drop(message, 'unknown-destination')
      return
    }
    const reliable = this.isCoreLink(from, to)
    if (this.isBlocked(from, to)) {
      this.drop(message, 'partition')
      return
    }
    if (!reliable && this.random.chance(this.options.lossProbability)) {
      this.drop(message, 'loss')
      return
    }
    const copies = !reliable && this.random.chance(this.options.duplicationProbability) ? 2 : 1
    if (copies === 2) this.stats.duplicated++
    for (let copy = 0; copy < copies; copy++) {
      const link = `${from}>${to}`
      const inFlight = this.inFlightPerLink.get(link) ?? 0
      if (inFlight >= this.options.linkCapacity) {
        this.drop(message, 'link-full')
        continue
      }
      this.inFlightPerLink.set(link, inFlight + 1)
      const packet: PacketCopy<M> = {
        message,
        bytes: this.codec === null ? null : this.codec.encode(message),
      }
      const delayMs =
        this.options.oneWayDelayMinMs +
        this.random.exponential(this.options.oneWayDelayMeanMs - this.options.oneWayDelayMinMs)
      this.scheduler.schedule(delayMs, 'net deliver', () => {
        this.inFlightPerLink.set(link, (this.inFlightPerLink.get(link) ?? 1) - 1)
        this.deliver(from, to, packet)
      })
    }
  }

  private deliver(from: string, to: string, packet: PacketCopy<M>): void {
    // A partition that started while the packet was in flight cuts it too.
    if (this.isBlocked(from, to)) {
      this.drop(packet.message, 'partition')
      return
    }
    const handler = this.attachments.get(to)?.handler ?? null
    if (handler === null) {
      this.drop(packet.message, 'down')
      return
    }
    const message =
      packet.bytes === null || this.codec === null ? packet.message : this.codec.decode(packet.bytes)
    this.stats.delivered++
    this.trace?.(`net deliver ${this.describe(message)}`)
    handler(message)
  }

  private drop(message: M, reason: string): void {
    this.stats.dropped++
    this.trace?.(`net drop(${reason}) ${this.describe(message)}`)
  }

  private startDecisions(): void {
    if (this.decisionTimerStarted) return
    this.decisionTimerStarted = true
    const step = (): void => {
      this.decide()
      this.scheduler.schedule(this.options.decisionStepMs, 'net decide', step)
    }
    this.scheduler.schedule(this.options.decisionStepMs, 'net decide', step)
  }

  /** One partition decision step: maybe partition (if healed long enough), maybe heal (if partitioned long enough). */
  private decide(): void {
    const now = this.scheduler.nowMs
    const options = this.options
    if (this.partitionedSinceMs !== null) {
      if (
        now - this.partitionedSinceMs >= options.partitionStabilityMs &&
        this.random.chance(options.healProbability)
      ) {
        this.heal()
      }
      return
    }
    if (!this.partitionsEnabled || options.partitionMode === 'none') return
    if (now - this.healedSinceMs < options.healStabilityMs) return
    if (!this.random.chance(options.partitionProbability)) return
    const nodes = this.nodes
    if (nodes.length < 2) return
    let sideB: string[]
    if (options.partitionMode === 'isolate-single') {
      sideB = [this.random.pick(nodes)]
    } else {
      // Uniform: each node picks a side; both sides must be non-empty.
      const shuffled = this.random.shuffled(nodes)
      const sizeB = this.random.between(1, nodes.length - 1)
      sideB = shuffled.slice(0, sizeB)
    }
    const symmetric =
      options.partitionSymmetry === 'symmetric' ||
      (options.partitionSymmetry === 'mixed' && this.random.chance(0.5))
    this.partition(sideB, symmetric ? 'both' : this.random.chance(0.5) ? 'a-to-b' : 'b-to-a')
  }
}

function assertOptions(options: NetworkOptions): void {
  const problems: string[] = []
  if (!(options.oneWayDelayMinMs >= 0)) problems.push('oneWayDelayMinMs < 0')
  if (!(options.oneWayDelayMeanMs >= options.oneWayDelayMinMs))
    problems.push('oneWayDelayMeanMs < oneWayDelayMinMs')
  for (const name of [
    'lossProbability',
    'duplicationProbability',
    'partitionProbability',
    'healProbability',
  ] as const) {
    const value = options[name]
    if (!(value >= 0 && value <= 1)) problems.push(`${name} outside [0, 1]`)
  }
  if (!(Number.isInteger(options.linkCapacity) && options.linkCapacity >= 1))
    problems.push('linkCapacity < 1')
  if (!(options.decisionStepMs > 0)) problems.push('decisionStepMs must be positive')
  if (problems.length > 0) throw new RangeError(`invalid network options: ${problems.join('; ')}`)
}
