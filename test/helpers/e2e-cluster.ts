/**
 * A cluster of real node processes for the end-to-end tests, built the one way design.md allows:
 * `init` on the first node, then for each other node `addLearner` on the first, `createNode({ join })`
 * on the new one, and `promote`. Over TCP or QUIC, on 127.0.0.1 or inside network namespaces (one
 * host each, see netns.ts).
 */
import { join } from 'node:path'
import type { NetnsCluster } from './netns.ts'
import { NodeProcess, NodeRequestError, waitFor } from './node-process.ts'
import type { ChildStartConfig } from './node-protocol.ts'

/** Which libp2p transport the nodes listen on (and so talk over). */
export type E2eTransport = 'tcp' | 'quic'

/** Options of {@link startE2eCluster}. */
export interface E2eClusterOptions {
  readonly size: number
  /** Each node's data directory is `<baseDir>/n<i>`. */
  readonly baseDir: string
  readonly transport: E2eTransport
  /** Run node i in host i of these namespaces (listening on the host's address). */
  readonly netns?: NetnsCluster
  /** Start options every node gets (Raft timing, NoQuorum bound, fsync mode). */
  readonly node?: Omit<ChildStartConfig, 'dataDir' | 'init' | 'join' | 'listen'>
}

/** The parts of a member's status the tests read (see @tandem/node's NodeClusterStatus). */
export interface E2eStatus {
  readonly member: string
  readonly leader: string | null
  readonly term: number
  readonly commitIndex: number
  readonly appliedIndex: number
  readonly dataAppliedIndex: number | null
  readonly members: readonly { readonly id: string; readonly voter: boolean; readonly connected: boolean }[]
}

const nodeEntry = new URL('../../packages/node/dist/index.js', import.meta.url).href

type NodeModule = typeof import('../../packages/node/dist/index.js')

/** A running cluster: its node processes and the member id of each. */
export class E2eCluster {
  readonly nodes: readonly NodeProcess[]
  readonly memberIds: readonly string[]

  constructor(nodes: readonly NodeProcess[], memberIds: readonly string[]) {
    this.nodes = nodes
    this.memberIds = memberIds
  }

  node(i: number): NodeProcess {
    const node = this.nodes[i]
    if (node === undefined) throw new RangeError(`no node ${i}`)
    return node
  }

  /** Node i's status. */
  status(i: number): Promise<E2eStatus> {
    return this.node(i).request<E2eStatus>({ kind: 'status' })
  }

  /**
   * The index of the leader that the running nodes of `among` (default: all) agree on and that is
   * one of them, waiting up to `timeoutMs`.
   */
  leader(timeoutMs = 15_000, among: readonly number[] = this.nodes.map((_, i) => i)): Promise<number> {
    return waitFor(
      'a leader',
      async () => {
        const views = await Promise.all(
          among.map((i) => (this.node(i).running ? this.status(i).catch(() => null) : Promise.resolve(null))),
        )
        const leaders = new Set(views.flatMap((view) => (view?.leader ? [view.leader] : [])))
        if (leaders.size !== 1) return null
        const index = this.memberIds.indexOf([...leaders][0] as string)
        return among.includes(index) && this.node(index).running ? index : null
      },
      timeoutMs,
    )
  }

  /** Stops every running node gracefully (SIGKILL after the grace period). */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop(5_000)))
  }

  /** SIGKILLs every running node. */
  async kill(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill()))
  }
}

/** The listen multiaddr of a node on `host` over `transport`, on any free port. */
export function listenAddress(transport: E2eTransport, host: string): string {
  return transport === 'tcp' ? `/ip4/${host}/tcp/0` : `/ip4/${host}/udp/0/quic-v1`
}

/** Starts `size` nodes as one cluster of voters; see the file comment. */
export async function startE2eCluster(options: E2eClusterOptions): Promise<E2eCluster> {
  // From the built package, by path (the repository root does not depend on @tandem/node).
  const { nodeIdentity } = (await import(nodeEntry)) as NodeModule
  const nodes: NodeProcess[] = []
  const memberIds: string[] = []
  for (let i = 0; i < options.size; i++) {
    const dataDir = join(options.baseDir, `n${i}`)
    memberIds.push((await nodeIdentity(dataDir)).memberId)
    nodes.push(
      new NodeProcess({
        name: `n${i}`,
        dataDir,
        ...(options.netns === undefined ? {} : { netns: { cluster: options.netns, host: i } }),
      }),
    )
  }
  const cluster = new E2eCluster(nodes, memberIds)
  const listen = (i: number): string[] => [
    listenAddress(options.transport, options.netns === undefined ? '127.0.0.1' : options.netns.address(i)),
  ]
  try {
    const first = cluster.node(0)
    await first.start({ ...options.node, init: true, listen: listen(0) })
    // The founder leads its one-voter cluster once its init entry applied.
    await waitFor('the founder to lead', async () => {
      const status = await cluster.status(0)
      return status.leader === memberIds[0] && status.members.some((m) => m.id === memberIds[0]) ? true : null
    })
    for (let i = 1; i < options.size; i++) {
      const member = memberIds[i] as string
      const joinOptions = await retrying(`addLearner of n${i}`, () =>
        first.request<{ clusterId: string; addresses: string[] }>({
          kind: 'addLearner',
          memberId: member,
          addresses: [],
          keyed: true,
        }),
      )
      await cluster.node(i).start({ ...options.node, join: joinOptions, listen: listen(i) })
      // A learner is promoted once it caught up; the first tries may find it behind.
      await waitFor(
        `promotion of n${i}`,
        async () => {
          await first.request({ kind: 'promote', memberId: member })
          const status = await cluster.status(0)
          return status.members.find((m) => m.id === member)?.voter === true ? true : null
        },
        20_000,
        200,
      )
    }
    return cluster
  } catch (error) {
    await cluster.kill()
    throw error
  }
}

/** Codes of a cluster that is electing or has no quorum right now: worth another try. */
const transientCodes = new Set([
  'NODE_NO_QUORUM',
  'RAFT_NO_QUORUM',
  'RAFT_NOT_LEADER',
  'RAFT_PROPOSAL_DROPPED',
  'RAFT_TIMEOUT',
])

/**
 * Runs an idempotent request (a declaration, a membership step, a write of the same value, a
 * read) until it succeeds, retrying while the cluster is electing or briefly without quorum.
 */
export async function retrying<T>(what: string, attempt: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    try {
      return await attempt()
    } catch (error) {
      const transient = error instanceof NodeRequestError && transientCodes.has(error.code)
      if (!transient || performance.now() > deadline)
        throw transient ? new Error(`${what}: still failing after ${timeoutMs} ms: ${String(error)}`) : error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** Whether an error is the harness's "the node is down or died" (outcome unknown for a write). */
export function isNodeGone(error: unknown): boolean {
  return (
    error instanceof NodeRequestError && (error.code === 'E2E_NODE_EXITED' || error.code === 'E2E_NODE_DOWN')
  )
}
