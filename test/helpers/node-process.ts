/**
 * A test's handle on one node running in its own process: fork a child script (run by this
 * process's own Node — the pinned one — with type stripping), start its node with a data
 * directory and `init` or `join`, send it requests over IPC, kill it with SIGKILL, start it again
 * on the same data directory and addresses, or stop it gracefully. Optionally the child runs in a
 * network namespace of a {@link NetnsCluster} (`ip netns exec` keeps the IPC channel's fd).
 *
 * A request outstanding when the child dies rejects with {@link NodeRequestError} code
 * `E2E_NODE_EXITED`: its outcome is unknown, as for a client whose server crashed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NetnsCluster } from './netns.ts'
import type {
  ChildMessage,
  ChildStartConfig,
  NodeIdentity,
  NodeRequest,
  ParentMessage,
  WireError,
} from './node-protocol.ts'

/** The child that runs a real node (createNode from @tandem/node). */
export const nodeChildScript = fileURLToPath(new URL('../fixtures/node-child.ts', import.meta.url))

/** An error the node reported for a request (or the harness, for a dead child), with its code. */
export class NodeRequestError extends Error {
  readonly code: string
  /** The class name of the error in the child (`NoQuorumError`, ...). */
  readonly errorName: string
  readonly outcome: string | undefined
  readonly writeId: string | undefined
  readonly reason: string | undefined
  /** The child's own time from receiving the request to failing it, when it reported one. */
  readonly elapsedMs: number | undefined

  constructor(error: WireError, elapsedMs?: number) {
    super(`${error.name} ${error.code}: ${error.message}`)
    this.name = 'NodeRequestError'
    this.code = error.code
    this.errorName = error.name
    this.outcome = error.outcome
    this.writeId = error.writeId
    this.reason = error.reason
    this.elapsedMs = elapsedMs
  }
}

/** Options of {@link NodeProcess}. */
export interface NodeProcessOptions {
  /** A label for messages, e.g. `n1`. */
  readonly name: string
  readonly dataDir: string
  /** The child script; {@link nodeChildScript} by default. */
  readonly script?: string
  /** Run the child in host `host` of this namespace cluster. */
  readonly netns?: { readonly cluster: NetnsCluster; readonly host: number }
  /** Extra environment for the child. */
  readonly env?: Readonly<Record<string, string>>
  /** How long start may take before the child is killed and start rejects. */
  readonly startTimeoutMs?: number
}

interface Pending {
  readonly child: ChildProcess
  readonly resolve: (value: unknown) => void
  readonly reject: (error: Error) => void
}

/** One node process; see the file comment. */
export class NodeProcess {
  readonly name: string
  readonly dataDir: string
  readonly #options: NodeProcessOptions
  #child: ChildProcess | null = null
  #identity: NodeIdentity | null = null
  #lastConfig: ChildStartConfig | null = null
  #readyChild: ChildProcess | null = null
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  /** How many times a child was started. */
  starts = 0

  constructor(options: NodeProcessOptions) {
    this.name = options.name
    this.dataDir = options.dataDir
    this.#options = options
  }

  /** Whether a child is running (started or still starting). */
  get running(): boolean {
    return this.#child !== null
  }

  /** Whether a child is running and its node reported ready. */
  get ready(): boolean {
    return this.#child !== null && this.#readyChild === this.#child
  }

  /** The child's pid, or `null` when none runs. */
  get pid(): number | null {
    return this.#child?.pid ?? null
  }

  /** Who the node is (from its last start). */
  get identity(): NodeIdentity {
    if (this.#identity === null) throw new Error(`${this.name} was never started`)
    return this.#identity
  }

  /**
   * Forks the child and starts its node. `config.dataDir` is this process's data directory; the
   * node's identity resolves the promise once it is listening.
   */
  async start(config: Omit<ChildStartConfig, 'dataDir'>): Promise<NodeIdentity> {
    if (this.#child !== null) throw new Error(`${this.name} is already running`)
    const full: ChildStartConfig = { ...config, dataDir: this.dataDir }
    this.#lastConfig = full
    const script = this.#options.script ?? nodeChildScript
    const spawnOptions = {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[],
      serialization: 'advanced' as const,
      // Node's compile cache: the node's module graph (libp2p and the rest) loads at every
      // (re)start, and a SIGKILL test restarts many times.
      env: {
        NODE_COMPILE_CACHE: join(tmpdir(), 'tandem-e2e-compile-cache'),
        ...process.env,
        ...this.#options.env,
      },
    }
    const netns = this.#options.netns
    const child =
      netns === undefined
        ? spawn(process.execPath, [script], spawnOptions)
        : netns.cluster.spawn(netns.host, process.execPath, [script], spawnOptions)
    this.#child = child
    this.starts++
    child.on('message', (message: ChildMessage) => this.#onMessage(child, message))
    child.once('exit', () => {
      if (this.#child === child) this.#child = null
      for (const [id, pending] of this.#pending) {
        if (pending.child !== child) continue
        this.#pending.delete(id)
        pending.reject(
          new NodeRequestError({
            name: 'NodeExited',
            code: 'E2E_NODE_EXITED',
            message: `${this.name} exited with the request outstanding (outcome unknown)`,
          }),
        )
      }
    })
    const timeoutMs = this.#options.startTimeoutMs ?? 30_000
    const identity = await new Promise<NodeIdentity>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`${this.name} did not start within ${timeoutMs} ms`))
      }, timeoutMs)
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(timer)
        reject(new Error(`${this.name} exited during start (${code ?? signal})`))
      }
      child.once('exit', onExit)
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer)
          child.off('exit', onExit)
          resolve(message.identity)
        } else if (message.type === 'start-failed') {
          clearTimeout(timer)
          child.off('exit', onExit)
          child.kill('SIGKILL')
          reject(new NodeRequestError(message.error))
        }
      })
      this.#send(child, { type: 'start', config: full })
    })
    this.#identity = identity
    this.#readyChild = child
    return identity
  }

  /**
   * Starts again on the same data directory. `init`/`join` are dropped (the directory is no longer
   * empty) and the node listens on the addresses it had, so peers find it where they knew it.
   */
  restart(overrides: Partial<Omit<ChildStartConfig, 'dataDir'>> = {}): Promise<NodeIdentity> {
    const last = this.#lastConfig
    if (last === null) throw new Error(`${this.name} was never started`)
    const listen = this.#identity?.addresses.map((address) => address.replace(/\/p2p\/[^/]+$/, ''))
    const { dataDir: _dataDir, init: _init, join: _join, ...rest } = last
    return this.start({ ...rest, ...(listen === undefined ? {} : { listen }), ...overrides })
  }

  /** Sends a request and waits for its answer; rejects with {@link NodeRequestError}. */
  request<T = unknown>(request: NodeRequest): Promise<T> {
    const child = this.#child
    if (child === null)
      return Promise.reject(
        new NodeRequestError({
          name: 'NodeDown',
          code: 'E2E_NODE_DOWN',
          message: `${this.name} is not running`,
        }),
      )
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { child, resolve: resolve as (value: unknown) => void, reject })
      this.#send(child, { type: 'request', id, request })
    })
  }

  /** SIGKILL: no flush, no goodbye. Resolves once the child is gone. */
  async kill(): Promise<void> {
    const child = this.#child
    if (child === null) return
    const exit = exited(child)
    child.kill('SIGKILL')
    await exit
  }

  /** Graceful stop (`node.stop()` in the child); SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.#child
    if (child === null) return
    const exit = exited(child)
    this.#send(child, { type: 'stop' })
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exit
    clearTimeout(force)
  }

  #send(child: ChildProcess, message: ParentMessage): void {
    if (child.connected) child.send(message)
  }

  #onMessage(child: ChildProcess, message: ChildMessage): void {
    if (message.type !== 'response') return
    const pending = this.#pending.get(message.id)
    if (pending === undefined || pending.child !== child) return
    this.#pending.delete(message.id)
    if (message.ok) pending.resolve(message.value)
    else pending.reject(new NodeRequestError(message.error, message.elapsedMs))
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Polls `check` every `intervalMs` until it returns a non-null value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  let lastError: unknown = null
  for (;;) {
    try {
      const value = await check()
      if (value !== null) return value
    } catch (error) {
      lastError = error
    }
    if (performance.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      )
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
