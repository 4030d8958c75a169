/**
 * One incarnation of a simulated eventual-writes node: a production `Replica` from `@tandem/crdt`,
 * one production `SyncSession` per peer, the production sync codec on every packet, a durable log
 * that survives crashes, and a periodic anti-entropy round. This is the shape the hybrid node
 * gives its eventual writes over `/tandem/crdt/1`; here the wire is the packet simulator.
 */
import {
  ClockDriftError,
  decodeSyncMessage,
  encodeSyncMessage,
  Replica,
  type SyncMessage,
  SyncSession,
} from '@tandem/crdt'
import type { SimulatedClock, SimulatedTimerHandle } from '../world/clock.js'
import type { NetworkEndpoint } from '../world/network.js'
import type { DurableLog } from './durable-log.js'

/** A sync message on the simulated wire: its bytes are the production encoding. */
export interface CrdtPacket {
  readonly from: string
  readonly to: string
  /** The message type, kept beside the bytes only for traces. */
  readonly type: SyncMessage['type']
  readonly bytes: Uint8Array
}

/** Options of {@link ReplicaHost}. */
export interface ReplicaHostOptions {
  readonly replicaId: string
  /** Every other replica, in a fixed order. */
  readonly peers: readonly string[]
  /** Passed to the replica as `members` (tombstone collection waits for all of them), or undefined. */
  readonly members: readonly string[] | undefined
  readonly clock: SimulatedClock
  readonly endpoint: NetworkEndpoint<CrdtPacket>
  readonly durable: DurableLog
  readonly antiEntropyIntervalMs: number
  /** `false` only for the injected bug `no-anti-entropy`: step 1 is sent once, at start. */
  readonly antiEntropy: boolean
  readonly trace: (text: string) => void
  /** Production code threw something it must not throw; the run is over. */
  readonly onCrash: (error: unknown) => void
}

/** Counters of one incarnation. */
export interface ReplicaHostStats {
  messagesSent: number
  messagesReceived: number
  /** Merges refused because the sender's clock was too far ahead (ClockDriftError). */
  refusedMerges: number
}

/**
 * A running replica. Construct it to restart from the durable log; call `crash()` to end it.
 *
 * @example
 * ```ts
 * const host = new ReplicaHost({ replicaId: 'r1', peers: ['r2'], members: undefined, clock, endpoint,
 *   durable, antiEntropyIntervalMs: 200, antiEntropy: true, trace: console.log, onCrash: fail })
 * host.replica.map('m').set('k1', 'v')
 * ```
 */
export class ReplicaHost {
  /** The production replica of this incarnation. */
  readonly replica: Replica
  readonly stats: ReplicaHostStats = { messagesSent: 0, messagesReceived: 0, refusedMerges: 0 }
  private readonly options: ReplicaHostOptions
  private readonly sessions = new Map<string, SyncSession>()
  private readonly unsubscribePersistence: () => void
  private timer: SimulatedTimerHandle | null = null
  private crashed = false

  constructor(options: ReplicaHostOptions) {
    this.options = options
    const clock = options.clock
    this.replica = new Replica({
      node: options.replicaId,
      now: () => clock.wallNowMs(),
      ...(options.members !== undefined ? { members: options.members } : {}),
    })
    // Restore before listening, so the replay is not appended to the log again.
    options.durable.restoreInto(this.replica)
    this.unsubscribePersistence = this.replica.onUpdate((delta) =>
      options.durable.append(delta, this.replica),
    )
    for (const peer of options.peers) {
      const session = new SyncSession(this.replica, {
        peer,
        onOutgoing: (messages) => this.send(peer, messages),
      })
      this.sessions.set(peer, session)
    }
    options.endpoint.onMessage((packet) => this.receive(packet))
    this.antiEntropyRound()
  }

  /** The node stops: its sessions and timers end; its durable log stays. */
  crash(): void {
    this.crashed = true
    this.timer?.cancel()
    this.timer = null
    for (const session of this.sessions.values()) session.close()
    this.unsubscribePersistence()
  }

  /** Opens a sync round with every peer: step 1 carries this replica's causal context. */
  private antiEntropyRound(): void {
    if (this.crashed) return
    for (const [peer, session] of this.sessions) this.guard(() => this.send(peer, session.start()))
    if (this.options.antiEntropy) {
      this.timer = this.options.clock.setTimer(this.options.antiEntropyIntervalMs, () =>
        this.antiEntropyRound(),
      )
    }
  }

  private receive(packet: CrdtPacket): void {
    if (this.crashed) return
    const session = this.sessions.get(packet.from)
    if (session === undefined) {
      this.options.trace(`replica ${this.options.replicaId} ignores a packet from unknown ${packet.from}`)
      return
    }
    this.stats.messagesReceived++
    this.guard(() => {
      const message = decodeSyncMessage(packet.bytes)
      try {
        this.send(packet.from, session.receive(message))
      } catch (error) {
        if (!(error instanceof ClockDriftError)) throw error
        // A documented refusal, not a crash: the sender's stamps are beyond the drift bound.
        this.stats.refusedMerges++
        this.options.trace(
          `replica ${this.options.replicaId} refuses ${packet.type} from ${packet.from}: ${error.message}`,
        )
      }
    })
  }

  private send(peer: string, messages: readonly SyncMessage[]): void {
    if (this.crashed || messages.length === 0) return
    const packets: CrdtPacket[] = messages.map((message) => ({
      from: this.options.replicaId,
      to: peer,
      type: message.type,
      bytes: encodeSyncMessage(message),
    }))
    this.stats.messagesSent += packets.length
    this.options.endpoint.send(packets)
  }

  /** Runs `action`; anything production code throws ends the run as a crash of the node. */
  private guard(action: () => void): void {
    try {
      action()
    } catch (error) {
      this.options.onCrash(error)
    }
  }
}
