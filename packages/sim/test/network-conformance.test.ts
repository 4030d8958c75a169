/**
 * The simulator's packet network runs raft's Transport conformance suite (`@tandem/raft/testing`)
 * with every fault off and raft's production codec on the wire, as the simulation runs it: each
 * endpoint must behave as a real transport does before the faults are added on top.
 */
import { SeededRandom } from '@tandem/base'
import { decodeMessage, encodeMessage, type Transport, type WireMessage } from '@tandem/raft'
import { transportSuite } from '@tandem/raft/testing'
import { describeMessage } from '../src/raft-host.js'
import { type NetworkEndpoint, PacketSimulator, reliableNetwork } from '../src/world/network.js'
import { Scheduler } from '../src/world/scheduler.js'

transportSuite("the simulator's packet network (reliable, through the codec)", {
  setup: (ids) => {
    const scheduler = new Scheduler()
    const network = new PacketSimulator<WireMessage>({
      scheduler,
      random: new SeededRandom(1),
      options: reliableNetwork,
      codec: { encode: encodeMessage, decode: (bytes) => decodeMessage(bytes) },
      describe: describeMessage,
      trace: null,
    })
    // Every node is attached up front, as in a simulation; a node attached twice would be a restart.
    const endpoints = new Map<string, NetworkEndpoint<WireMessage>>(ids.map((id) => [id, network.attach(id)]))
    return {
      transport: (id) => {
        const endpoint = endpoints.get(id)
        if (endpoint === undefined) throw new Error(`no node ${id} in this network`)
        return endpoint as Transport
      },
      // Every packet in flight arrives within a few milliseconds of virtual time.
      settle: async () => {
        await scheduler.run({ untilMs: scheduler.nowMs + 1000, eventsMax: 100_000 })
      },
    }
  },
})
