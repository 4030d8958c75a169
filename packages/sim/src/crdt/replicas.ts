/**
 * The machines of a CRDT cluster under test: one slot per replica, holding what outlives an
 * incarnation (its durable log, its clock's drift) and the running {@link ReplicaHost}, if any. A
 * start draws the incarnation's wall-clock error anew — a restarted machine sets its clock from an
 * RTC, then NTP, so it may read earlier than before — and replays the durable log.
 */
import type { SeededRandom } from '@tandem/base'
import { drawDriftPpm, type SimulatedClock } from '../world/clock.js'
import type { NetworkEndpoint } from '../world/network.js'
import type { World } from '../world/world.js'
import type { CrdtSimulationConfig } from './config.js'
import { DurableLog } from './durable-log.js'
import { type CrdtPacket, ReplicaHost } from './replica-host.js'

/** True time in the simulated world starts here (a plausible epoch, so stamps look like dates). */
const epochMs = 1_780_000_000_000

/** One replica: what survives its incarnations, and the running one. */
export interface ReplicaSlot {
  readonly replicaId: string
  readonly driftPpm: number
  readonly durable: DurableLog
  host: ReplicaHost | null
  clock: SimulatedClock | null
  /** How far this incarnation's wall clock is from true time (its offset and its jumps). */
  wallErrorMs: number
  incarnations: number
}

/** Options of {@link CrdtReplicas}. */
export interface CrdtReplicasOptions {
  readonly world: World<CrdtPacket>
  readonly config: CrdtSimulationConfig
  /** Draws each replica's drift, and each incarnation's wall-clock error. */
  readonly clockRandom: SeededRandom
  /** Replicas forget their durable log on a crash (the injected bug `forgetful-restart`). */
  readonly forgetOnCrash: boolean
  /** Replicas open sync rounds only at start (the injected bug `no-anti-entropy`). */
  readonly antiEntropy: boolean
  /** Production code threw, or a replica cannot restart: the run is over. */
  readonly fail: (message: string) => void
}

/** The replica slots of one run. */
export class CrdtReplicas {
  readonly slots: readonly ReplicaSlot[]
  /** Incarnations ended by a crash. */
  crashes = 0
  private readonly options: CrdtReplicasOptions
  private readonly replicaIds: readonly string[]
  /** Refused merges counted by incarnations that have ended. */
  private refusedMergesOfEnded = 0

  constructor(options: CrdtReplicasOptions) {
    this.options = options
    const { config, clockRandom } = options
    this.replicaIds = Array.from({ length: config.replicas }, (_, i) => `r${i + 1}`)
    this.slots = this.replicaIds.map((replicaId) => ({
      replicaId,
      driftPpm: drawDriftPpm(clockRandom, config.clockDriftPpmMax),
      durable: new DurableLog(config.compactAfterDeltas),
      host: null,
      clock: null,
      wallErrorMs: 0,
      incarnations: 0,
    }))
  }

  /** Replicas with a running incarnation. */
  live(): ReplicaSlot[] {
    return this.slots.filter((slot) => slot.host !== null)
  }

  /** Attaches every replica before any starts, so that the first anti-entropy round reaches its peers. */
  bootAll(): void {
    const endpoints = this.slots.map((slot) => this.options.world.network.attach(slot.replicaId))
    this.slots.forEach((slot, index) => {
      this.start(slot, endpoints[index])
    })
  }

  /** Starts an incarnation; `endpoint` is given at boot, when every replica is attached first. */
  start(slot: ReplicaSlot, endpoint?: NetworkEndpoint<CrdtPacket>): void {
    const { world, config, clockRandom } = this.options
    const attached = endpoint ?? world.network.attach(slot.replicaId)
    slot.incarnations++
    const errorMax = config.faults.clockErrorMsMax
    slot.wallErrorMs = errorMax === 0 ? 0 : clockRandom.between(-errorMax, errorMax)
    const clock = world.clock({
      driftPpm: slot.driftPpm,
      offsetMs: epochMs + slot.wallErrorMs,
      label: slot.replicaId,
    })
    slot.clock = clock
    try {
      slot.host = new ReplicaHost({
        replicaId: slot.replicaId,
        peers: this.replicaIds.filter((id) => id !== slot.replicaId),
        members: config.knowsMembers ? this.replicaIds : undefined,
        clock,
        endpoint: attached,
        durable: slot.durable,
        antiEntropyIntervalMs: config.antiEntropyIntervalMs,
        antiEntropy: this.options.antiEntropy,
        trace: (text) => world.record(text),
        onCrash: (error) => this.options.fail(`replica ${slot.replicaId}: ${describeError(error)}`),
      })
    } catch (error) {
      this.options.fail(
        `replica ${slot.replicaId} cannot restart from its durable log: ${describeError(error)}`,
      )
      return
    }
    world.record(
      `replica ${slot.replicaId} starts (incarnation ${slot.incarnations}, ${slot.durable.length} durable records, clock ${slot.wallErrorMs >= 0 ? '+' : ''}${slot.wallErrorMs}ms)`,
    )
  }

  /** Ends the running incarnation; its durable log stays (unless the injected bug wipes it). */
  crash(slot: ReplicaSlot): void {
    const host = slot.host
    if (host === null) return
    host.crash()
    this.refusedMergesOfEnded += host.stats.refusedMerges
    slot.host = null
    slot.clock?.stop()
    slot.clock = null
    this.options.world.network.detach(slot.replicaId)
    if (this.options.forgetOnCrash) slot.durable.wipe()
    this.crashes++
    this.options.world.record(`replica ${slot.replicaId} crashes`)
  }

  /** Ends every incarnation at the end of the run (not counted as crashes). */
  shutdown(): void {
    for (const slot of this.slots) {
      slot.host?.crash()
      slot.clock?.stop()
    }
  }

  /** Merges refused for clock drift, by every incarnation of the run. */
  get refusedMerges(): number {
    return (
      this.refusedMergesOfEnded +
      this.slots.reduce((sum, slot) => sum + (slot.host?.stats.refusedMerges ?? 0), 0)
    )
  }
}

/** An error in one line: its name, its code if it has one, its message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`
  }
  return String(error)
}
