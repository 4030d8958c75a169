/**
 * `node.cluster`: membership operations (etcd's `member add` model: `addLearner` on a member, then
 * `createNode({ join })` on the new node, then `promote`) and the cluster's status as this node
 * sees it. The decisions — C's admission before Raft's AddLearner, cutoffs at removal, the wait of
 * `leave` — are the core's; this adds what only the Node side knows: peer addresses and links.
 */
import type { TransportHost } from '@tandem/transport'
import type { ClusterStatus, LeaveOutcome, PromoteOptions } from '../compose/cluster-operations.js'
import type { NodeCore } from '../compose/node-core.js'
import { invalidMemberId, type MemberId, peerIdOf } from '../core/ids.js'
import { writerKeyOfMember } from '../core/membership.js'
import { NodeStartError } from './errors.js'

/** Where a joining node finds its cluster: what `cluster.addLearner` on a member returns. */
export interface JoinOptions {
  /** The cluster id (hex), as the member's `addLearner` returned it. */
  readonly clusterId: string
  /** Multiaddrs of members, each ending in `/p2p/<peer id>`. */
  readonly addresses: readonly string[]
}

/** Options of {@link NodeCluster.addLearner}. */
export interface AddLearnerOptions {
  /** Whether the new member holds data keys (default `true`): a keyless member votes and stores sealed bytes only. */
  readonly keyed?: boolean
}

/** A member as {@link NodeCluster.status} reports it. */
export type ClusterMemberStatus = ClusterStatus['members'][number] & {
  /** Whether this node has a connection to the member (`true` for itself). */
  readonly connected: boolean
}

/** The cluster as this node sees it. */
export type NodeClusterStatus = Omit<ClusterStatus, 'members'> & {
  readonly members: readonly ClusterMemberStatus[]
}

/** What {@link NodeCluster} needs of the node. */
export interface NodeClusterParts {
  readonly core: NodeCore
  readonly host: TransportHost
  readonly clusterId: string
  readonly self: MemberId
  readonly noQuorumTimeoutMs: number
}

/**
 * Membership operations and status of a running node.
 *
 * @example
 * ```ts
 * const join = await node.cluster.addLearner(newMemberId, newAddresses)
 * // on the new machine: await createNode({ dataDir, join })
 * await node.cluster.promote(newMemberId)
 * ```
 */
export class NodeCluster {
  readonly #parts: NodeClusterParts

  constructor(parts: NodeClusterParts) {
    this.#parts = parts
  }

  /** Members with role, keyed flag, Raft progress and connection state; term, commit and applied index. */
  status(): NodeClusterStatus {
    const status = this.#parts.core.clusterStatus()
    const connected = new Set(
      this.#parts.host.libp2p.getConnections().map((connection) => connection.remotePeer.toString()),
    )
    return {
      ...status,
      members: status.members.map((member) => ({
        ...member,
        connected: member.id === this.#parts.self || connected.has(peerIdOf(member.id)),
      })),
    }
  }

  /**
   * Admits `member` as a learner (C's admission first, then Raft's AddLearner) and returns what the
   * new node passes to `createNode({ join })`: the cluster id and the addresses of the members.
   * `addresses` are the new node's own, when known (it dials the members anyway).
   */
  async addLearner(
    member: MemberId,
    addresses: readonly string[] = [],
    options: AddLearnerOptions = {},
  ): Promise<JoinOptions> {
    const problem = invalidMemberId(member)
    if (problem !== null) throw new NodeStartError(`not a member id: ${problem}`)
    const key = writerKeyOfMember(member)
    if (key === null)
      throw new NodeStartError(`the member id ${member} does not start with an Ed25519 peer id`)
    const peer = peerIdOf(member)
    if (addresses.length > 0) await this.#parts.host.addPeerAddresses(peer, addresses)
    await this.#parts.core.addLearner(member, key, { keyed: options.keyed ?? true })
    return { clusterId: this.#parts.clusterId, addresses: this.#memberAddresses() }
  }

  /**
   * Makes a learner a voter once it caught up: on the leader this waits (10 s by default) until the
   * learner holds what was committed when asked, else rejects with `LearnerNotReadyError` and
   * changes nothing.
   */
  async promote(member: MemberId, options: PromoteOptions = {}): Promise<void> {
    await this.#parts.core.promote(member, options)
  }

  /** Removes a member (its streams' cutoffs are recorded; it does not wait for the member). */
  async remove(member: MemberId): Promise<void> {
    await this.#parts.core.remove(member)
  }

  /** Waits until this node's eventual batches are folded or held elsewhere, then removes itself. */
  leave(): Promise<LeaveOutcome> {
    return this.#parts.core.leave()
  }

  /** Hands leadership to `member` (a voter). */
  async transferLeadership(member: MemberId): Promise<void> {
    await this.#parts.core.transferLeadership(member)
  }

  /**
   * When this node leads and another voter exists, transfers leadership to the most caught-up one
   * (used by `stop`). Resolves at once otherwise.
   */
  async handOffLeadership(): Promise<void> {
    const status = this.#parts.core.clusterStatus()
    if (status.leader !== this.#parts.self) return
    const candidates = status.members
      .filter((member) => member.voter && member.id !== this.#parts.self)
      .sort((a, b) => (b.match ?? 0) - (a.match ?? 0))
    const target = candidates[0]
    if (target === undefined) return
    await this.#parts.core.transferLeadership(target.id)
  }

  /** This node's addresses and those of every other member it knows. */
  #memberAddresses(): string[] {
    const addresses = [...this.#parts.host.multiaddrs()]
    for (const member of this.#parts.core.committed.public.membership.members()) {
      const peer = peerIdOf(member.id)
      if (member.id === this.#parts.self) continue
      for (const address of this.#parts.host.knownAddresses(peer)) addresses.push(`${address}/p2p/${peer}`)
    }
    return addresses
  }
}
