/**
 * The controller's handle on a cluster of node processes: found it (`init` on the first node,
 * `addLearner` + `join` + `promote` for the others, as an operator would), ask, kill with SIGKILL,
 * restart on the same data directory and addresses, and stop.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import { type JoinOptions, nodeIdentity } from '@tandem/node'
import type { NodeConfig, NodeMessage, NodeReport, Request } from './protocol.ts'

const nodeScript = join(import.meta.dirname, 'cluster-node.ts')
/** Codes a client retries: no leader known yet, a write that waited out an election. */
const retryableCodes = new Set(['NODE_NO_QUORUM', 'RAFT_NOT_LEADER', 'RAFT_PROPOSAL_DROPPED'])
const firstListen = ['/ip4/127.0.0.1/udp/0/quic-v1', '/ip4/127.0.0.1/tcp/0']

interface Member {
  readonly dataDir: string
  readonly memberId: string
  /** Addresses it listened on, without the /p2p suffix; empty until its first start. */
  addresses: string[]
  process: ChildProcess | null
}

interface Pending {
  readonly child: ChildProcess
  readonly resolve: (value: unknown) => void
  readonly reject: (error: Error) => void
}

/** An error a node reported for a request, with the node's error code. */
export class NodeRequestError extends Error {
  readonly code: string
  constructor(message: string, code: string) {
    super(message)
    this.name = 'NodeRequestError'
    this.code = code
  }
}

export class Cluster {
  readonly members: Member[]
  readonly #pending = new Map<number, Pending>()
  #nextId = 1

  private constructor(members: Member[]) {
    this.members = members
  }

  /** Creates the members' data directories and identities (key and storeId) under `baseDir`. */
  static async create(baseDir: string, size: number): Promise<Cluster> {
    const members: Member[] = []
    for (let i = 0; i < size; i++) {
      const dataDir = join(baseDir, `node-${i}`)
      const { memberId } = await nodeIdentity(dataDir)
      members.push({ dataDir, memberId, addresses: [], process: null })
    }
    return new Cluster(members)
  }

  get ids(): string[] {
    return this.members.map((member) => member.memberId)
  }

  /** Founds the cluster: `init` on member 0, then each other member joins and is promoted. */
  async found(): Promise<void> {
    await this.start(0, { init: true })
    for (let i = 1; i < this.members.length; i++) {
      const memberId = this.member(i).memberId
      const joinOptions = await this.requestWithRetry<JoinOptions>(0, { kind: 'add-learner', memberId })
      await this.start(i, { join: joinOptions })
      await this.requestWithRetry(0, { kind: 'promote', memberId }, 30_000)
    }
  }

  /** Starts member `i` (again, after a kill: same data directory, same addresses). */
  async start(i: number, how: Pick<NodeConfig, 'init' | 'join'> = {}): Promise<void> {
    const member = this.member(i)
    const config: NodeConfig = {
      dataDir: member.dataDir,
      listen: member.addresses.length > 0 ? member.addresses : firstListen,
      ...how,
    }
    const child = fork(nodeScript, [JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    member.process = child
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code, signal) =>
        reject(new Error(`node ${i} exited during start (${code ?? signal})`)),
      )
      child.on('message', (message: NodeMessage) => {
        if (message.type === 'ready') {
          member.addresses = message.addresses.map((address) => address.replace(/\/p2p\/[^/]+$/, ''))
          resolve()
        } else this.#settle(message)
      })
    })
    child.on('exit', () => {
      if (member.process === child) member.process = null
      for (const [id, pending] of this.#pending) {
        if (pending.child !== child) continue
        this.#pending.delete(id)
        pending.reject(new NodeRequestError(`node ${i} exited`, 'NODE_EXITED'))
      }
    })
    await ready
  }

  /** Sends a request to member `i` and waits for its answer. */
  request<T>(i: number, request: Request): Promise<T> {
    const child = this.member(i).process
    if (child === null) return Promise.reject(new Error(`node ${i} is not running`))
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { child, resolve: resolve as (value: unknown) => void, reject })
      child.send({ type: 'request', id, request })
    })
  }

  /**
   * Like {@link request}, but retries, as a client of a real cluster does, while the node answers
   * that it knows no leader yet or the proposal was dropped during an election. Only requests that
   * are safe to repeat (a put of the same value, a read) should be sent this way.
   */
  async requestWithRetry<T>(i: number, request: Request, timeoutMs = 10_000): Promise<T> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      try {
        return await this.request<T>(i, request)
      } catch (error) {
        const retryable = error instanceof NodeRequestError && retryableCodes.has(error.code)
        if (!retryable || performance.now() > deadline) throw error
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }

  status(i: number): Promise<NodeReport> {
    return this.request<NodeReport>(i, { kind: 'status' })
  }

  /** Kills member `i` with SIGKILL: no chance to flush or say goodbye. */
  async kill(i: number): Promise<void> {
    const child = this.member(i).process
    if (child === null) return
    const exit = exited(child)
    child.kill('SIGKILL')
    await exit
  }

  /** Stops every running member gracefully (SIGTERM), then by force after a grace period. */
  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(async (member) => {
        const child = member.process
        if (child === null) return
        const exit = exited(child)
        child.kill('SIGTERM')
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exit
        clearTimeout(force)
      }),
    )
  }

  #settle(message: NodeMessage): void {
    if (message.type !== 'response') return
    const pending = this.#pending.get(message.id)
    if (pending === undefined) return
    this.#pending.delete(message.id)
    if (message.ok) pending.resolve(message.value)
    else pending.reject(new NodeRequestError(message.error, message.code))
  }

  private member(i: number): Member {
    const member = this.members[i]
    if (member === undefined) throw new RangeError(`no member ${i}`)
    return member
  }
}

/** Resolves when `child` has exited. */
function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Polls `check` every 50 ms until it returns a value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check().catch(() => null)
    if (value !== null) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
