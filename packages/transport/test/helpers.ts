/** Shared test helpers: temporary data directories, real nodes on 127.0.0.1, and polling waits. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SeededRandom } from '@tandem/base'
import { loadOrCreateNodeIdentity } from '../src/identity.js'
import { createRaftService, type RaftService, type RaftServiceOptions } from '../src/raft-service.js'
import { createTransportHost, type TransportHost } from '../src/transport-host.js'
import type { TransportHostOptions } from '../src/transport-host-options.js'

export const TCP_ONLY = ['/ip4/127.0.0.1/tcp/0']
export const QUIC_ONLY = ['/ip4/127.0.0.1/udp/0/quic-v1']
export const BOTH = ['/ip4/127.0.0.1/udp/0/quic-v1', '/ip4/127.0.0.1/tcp/0']

/** A data directory with its identity. */
export interface TestIdentity {
  readonly dataDir: string
  readonly nodeId: string
}

/** A test host's options: the host's, plus those of the Raft service every test host gets. */
export type TestHostOptions = TransportHostOptions & { readonly raft?: RaftServiceOptions }

/** Options of one node of {@link Fixture.pair}: all but the data directory and the member list. */
export type PairNodeOptions = Omit<TestHostOptions, 'dataDir' | 'members'>

const raftServices = new WeakMap<TransportHost, RaftService>()

/** The Raft service {@link Fixture.node} started on `host`. */
export function raftOf(host: TransportHost): RaftService {
  const service = raftServices.get(host)
  if (service === undefined) throw new Error('this host was not made by Fixture.node')
  return service
}

/** Tracks what a test created so `cleanup()` in afterEach stops and removes all of it. */
export class Fixture {
  readonly nodes: TransportHost[] = []
  readonly dirs: string[] = []

  async dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-transport-'))
    this.dirs.push(dir)
    return dir
  }

  /** Creates `count` data directories with identities; returns them with their node ids. */
  async identities(count: number): Promise<TestIdentity[]> {
    const out: TestIdentity[] = []
    for (let i = 0; i < count; i++) {
      const dataDir = await this.dataDir()
      const { nodeId } = await loadOrCreateNodeIdentity(dataDir)
      out.push({ dataDir, nodeId })
    }
    return out
  }

  /** A host with a Raft service (see {@link raftOf}), as every node of a cluster has. */
  async node(options: TestHostOptions): Promise<TransportHost> {
    const { raft, ...hostOptions } = options
    const node = await createTransportHost({ pingIntervalMs: 0, addressDialTimeoutMs: 1_000, ...hostOptions })
    this.nodes.push(node)
    raftServices.set(node, await createRaftService(node, raft))
    return node
  }

  /**
   * Two members, B started first and A given B's addresses. `shared` applies to both nodes,
   * `onlyA` to A alone (its `peers` replace B's addresses). The identities are fresh unless given.
   */
  async pair(
    shared: PairNodeOptions,
    onlyA: PairNodeOptions = {},
    identities?: readonly TestIdentity[],
  ): Promise<{ a: TestIdentity; b: TestIdentity; nodeA: TransportHost; nodeB: TransportHost }> {
    const [a, b] = identities ?? (await this.identities(2))
    if (a === undefined || b === undefined) throw new Error('a pair needs two identities')
    const members = [a.nodeId, b.nodeId]
    const nodeB = await this.node({ dataDir: b.dataDir, members, ...shared })
    const nodeA = await this.node({
      dataDir: a.dataDir,
      members,
      ...shared,
      peers: { [b.nodeId]: nodeB.multiaddrs() },
      ...onlyA,
    })
    return { a, b, nodeA, nodeB }
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map((node) => node.stop()))
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  }
}

/** Polls `condition` every 10 ms until true; fails with `message` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, message: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Floats in [0, 1) from base's seeded PRNG, the shape of the node's `random` option. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed)
  return () => random.nextFloat()
}

/** Removes `node` from the fixture's list (after the test stopped it itself). */
export function forget(fixture: Fixture, node: TransportHost): void {
  const index = fixture.nodes.indexOf(node)
  if (index >= 0) fixture.nodes.splice(index, 1)
}
