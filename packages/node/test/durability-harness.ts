/**
 * The parent's side of fixtures/durability-child.ts: spawn a node process with a configuration,
 * collect its acknowledgements as they arrive, ask it questions, SIGKILL it. A child that reports
 * `failed` or dies with a question outstanding fails the question with the child's own message.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CreateNodeOptions } from '../src/index.js'
import type { DurabilityCall, DurabilityCommand, DurabilityReport } from './fixtures/durability-child.ts'

const CHILD = fileURLToPath(new URL('./fixtures/durability-child.ts', import.meta.url))
/** Node's compile cache shortens every start after the first (the children import libp2p). */
const COMPILE_CACHE = join(tmpdir(), 'tandem-durability-compile-cache')

/** One acknowledged eventual write, as the child reported it. */
export interface Ack {
  readonly key: string
  readonly value: string
  readonly writeId: string
}

type Ready = Extract<DurabilityReport, { type: 'ready' }>
type Answer<T extends DurabilityReport['type']> = Extract<DurabilityReport, { type: T }>

/** A node process of the durability tests. */
export class DurabilityChild {
  readonly child: ChildProcess
  /** Every acknowledgement received, in arrival order (also those arriving after a kill). */
  readonly acks: Ack[] = []
  /** Writes of the write loops that failed (not acknowledged), as `<key>: <error>`. */
  readonly writeFailures: string[] = []
  readonly ready: Promise<Ready>
  /** Resolves once the child imported the package (its `createNode` runs from then on). */
  readonly imported: Promise<unknown>
  readonly exited: Promise<void>
  #waiters: { type: string; resolve: (report: DurabilityReport) => void; reject: (e: Error) => void }[] = []
  #failure: Error | null = null
  readonly #calls = new Map<
    number,
    { op: string; resolve: (value: unknown) => void; reject: (e: Error) => void }
  >()
  #nextCall = 1
  #onAck: (() => void) | null = null

  constructor(
    config: CreateNodeOptions,
    readonly label: string,
  ) {
    this.child = spawn(process.execPath, [CHILD], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: {
        ...process.env,
        NODE_COMPILE_CACHE: COMPILE_CACHE,
        TANDEM_DURABILITY_CONFIG: JSON.stringify(config),
        ...(process.env.TANDEM_DURABILITY_DEBUG === undefined ? {} : { TANDEM_DURABILITY_LOG: label }),
      },
    })
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()))
    this.child.on('message', (report: DurabilityReport) => this.#receive(report))
    this.imported = this.#next('imported')
    this.imported.catch(() => undefined)
    this.ready = this.#next('ready') as Promise<Ready>
    // A start that never completes is seen by whoever awaits `ready`; keep it from being unhandled.
    this.ready.catch(() => undefined)
    void this.exited.then(() =>
      this.#failAll(new Error(`${label} exited (${this.child.exitCode ?? this.child.signalCode})`)),
    )
  }

  /** Sends `command` and waits for the child's answer of the same type. */
  ask<T extends 'local' | 'linearizable' | 'status'>(
    command: DurabilityCommand & { readonly type: T },
  ): Promise<Answer<T>> {
    const answer = this.#next(command.type) as Promise<Answer<T>>
    this.child.send(command)
    return answer
  }

  /** Runs `call` in the child; rejects with the child's error text. */
  call<T = unknown>(call: DurabilityCall): Promise<T> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    const id = this.#nextCall++
    return new Promise<T>((resolve, reject) => {
      this.#calls.set(id, { op: call.op, resolve: resolve as (value: unknown) => void, reject })
      this.child.send({ type: 'call', id, call } satisfies DurabilityCommand)
    })
  }

  /** Starts the child's write loops (acknowledgements arrive in {@link acks}). */
  write(
    map: string,
    prefix: string,
    concurrency: number,
    options: { readonly consistency?: 'strong' | 'eventual'; readonly valueBytes?: number } = {},
  ): void {
    this.child.send({ type: 'write', map, prefix, concurrency, ...options } satisfies DurabilityCommand)
  }

  /** Resolves once at least `count` acknowledgements arrived (rejects if the child fails or exits). */
  async acksReach(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs
    while (this.acks.length < count) {
      if (this.#failure !== null) throw this.#failure
      if (performance.now() > deadline)
        throw new Error(
          `${this.label}: ${this.acks.length} of ${count} acknowledgements after ${timeoutMs} ms`,
        )
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.#onAck = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  /** SIGKILL; resolves once the process is gone (every message it sent has arrived by then). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
    await this.exited
  }

  /** Ends the write loops started by {@link write}. */
  halt(): void {
    this.child.send({ type: 'halt' } satisfies DurabilityCommand)
  }

  /** Graceful stop; SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies DurabilityCommand)
    const force = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(force)
  }

  #next(type: string): Promise<DurabilityReport> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => this.#waiters.push({ type, resolve, reject }))
  }

  #receive(report: DurabilityReport): void {
    if (report.type === 'ack') {
      this.acks.push({ key: report.key, value: report.value, writeId: report.writeId })
      this.#onAck?.()
      return
    }
    if (report.type === 'write-failed') {
      this.writeFailures.push(`${report.key}: ${report.message}`)
      return
    }
    if (report.type === 'result') {
      const call = this.#calls.get(report.id)
      this.#calls.delete(report.id)
      if (report.ok) call?.resolve(report.value)
      else call?.reject(new Error(`${this.label} ${call.op}: ${String(report.value)}`))
      return
    }
    if (report.type === 'failed') {
      this.#failAll(new Error(`${this.label} failed: ${report.message}`))
      return
    }
    const at = this.#waiters.findIndex((waiter) => waiter.type === report.type)
    if (at < 0) return
    const [waiter] = this.#waiters.splice(at, 1)
    waiter?.resolve(report)
  }

  #failAll(error: Error): void {
    this.#failure ??= error
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error)
    for (const call of this.#calls.values()) call.reject(error)
    this.#calls.clear()
  }
}

/** The stream of an eventual write id (`<stream>/<sequence>/<position>`). */
export function streamOfWriteId(writeId: string): string {
  const parts = writeId.split('/')
  if (parts.length !== 3) throw new Error(`not an eventual write id: ${writeId}`)
  return parts[0] as string
}
