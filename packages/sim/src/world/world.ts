/**
 * The simulated world every mode runs in: one virtual-time scheduler, the seed's random streams,
 * the packet network between the machines, their clocks, and the trace. The cluster under test
 * (`harness/cluster.ts`) lives in it; the phases (`harness/phases.ts`) drive it. Nothing here
 * knows Raft or CRDTs — a mode brings its packet type, codec and trace description.
 */
import { assert, SeededRandom } from '@tandem/base'
import { SimulatedClock, type SimulatedClockOptions } from './clock.js'
import { type Addressed, type NetworkOptions, type PacketCodec, PacketSimulator } from './network.js'
import { Scheduler } from './scheduler.js'
import { Trace } from './trace.js'

/** The packet network of a world. */
export interface WorldNetworkOptions<M extends Addressed> {
  /** The random stream (one of {@link WorldOptions.streams}) the network draws from. */
  readonly stream: string
  readonly options: NetworkOptions
  /** The production codec, so that every packet crosses the wire as bytes. */
  readonly codec?: PacketCodec<M>
  /** One line describing a packet, for the trace. */
  readonly describe: (packet: M) => string
}

/** Options of {@link World}. */
export interface WorldOptions<M extends Addressed> {
  readonly seed: number
  /**
   * Streams forked from the seed's root generator first, in this order. The order is part of what
   * a seed means: reordering it replays a different run.
   */
  readonly streams: readonly string[]
  readonly network: WorldNetworkOptions<M>
  /** Keep every trace line (for `--trace` and the determinism test). */
  readonly keepTrace: boolean
  /** Also stream trace lines here as they happen. */
  readonly traceSink?: (line: string) => void
}

/**
 * One run's world.
 *
 * @example
 * ```ts
 * const world = new World({ seed: 7, streams: ['faults', 'network'], keepTrace: true,
 *   network: { stream: 'network', options: reliableNetwork, describe: (p) => `${p.from}>${p.to}` } })
 * world.record('hello')
 * world.trace.lines // ['t=000000.000 hello']
 * ```
 */
export class World<M extends Addressed> {
  readonly scheduler = new Scheduler()
  /** The seed's root generator; machines fork their own streams from it as they are built. */
  readonly random: SeededRandom
  readonly trace: Trace
  readonly network: PacketSimulator<M>
  private readonly streams = new Map<string, SeededRandom>()

  constructor(options: WorldOptions<M>) {
    this.random = new SeededRandom(options.seed)
    for (const label of options.streams) {
      assert(!this.streams.has(label), `random stream ${label} named twice`)
      this.streams.set(label, this.random.fork(label))
    }
    this.trace = new Trace({
      keepLines: options.keepTrace,
      ...(options.traceSink ? { sink: options.traceSink } : {}),
    })
    const network = options.network
    this.network = new PacketSimulator<M>({
      scheduler: this.scheduler,
      random: this.stream(network.stream),
      options: network.options,
      ...(network.codec ? { codec: network.codec } : {}),
      describe: network.describe,
      trace: (text) => this.record(text),
    })
  }

  /** Virtual time now. */
  get nowMs(): number {
    return this.scheduler.nowMs
  }

  /** One of the streams forked at construction. */
  stream(label: string): SeededRandom {
    const stream = this.streams.get(label)
    assert(stream !== undefined, `no random stream ${label}`)
    return stream
  }

  /** Records one trace line at the current virtual time. */
  record(text: string): void {
    this.trace.record(this.scheduler.nowMs, text)
  }

  /** A clock for one machine incarnation, on this world's scheduler. */
  clock(options: Omit<SimulatedClockOptions, 'scheduler'>): SimulatedClock {
    return new SimulatedClock({ scheduler: this.scheduler, ...options })
  }
}
