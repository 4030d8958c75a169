/**
 * The node mode's snapshot path: the same simulated `/tandem/snapshot/1` links as `--mode raft`
 * ({@link SnapshotLinks}: transfers cross the packet links with their delays, loss and partitions,
 * apart from the message stream), one set per world, and the small snapshot policy that makes the
 * node mode's short runs snapshot, compact and send snapshots to lagging or restarted members.
 */
import { SnapshotLinks } from '../snapshot-links.js'
import type { Addressed } from '../world/network.js'
import type { World } from '../world/world.js'

/** A snapshot once 4 KiB of log (or twice the last snapshot) applied since the last one: several a seed. */
export const NODE_SIM_SNAPSHOT_POLICY = Object.freeze({ logBytesMin: 4 * 1024 })

const linksOfWorld = new WeakMap<object, SnapshotLinks<Addressed>>()

/** The snapshot links of `world` (made on first use; transfers draw from its network stream). */
export function nodeSnapshotLinks<M extends Addressed>(world: World<M>): SnapshotLinks<M> {
  let links = linksOfWorld.get(world) as SnapshotLinks<M> | undefined
  if (links === undefined) {
    links = new SnapshotLinks<M>({
      scheduler: world.scheduler,
      network: world.network,
      random: world.stream('network'),
      trace: (text) => world.record(text),
    })
    linksOfWorld.set(world, links as unknown as SnapshotLinks<Addressed>)
  }
  return links
}
