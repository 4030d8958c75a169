/**
 * Simulated clients issuing strong key-value operations. Each client runs one operation at a
 * time: it sends it to the node it believes leads, retries on redirects and timeouts with the same
 * idempotency key (client id, sequence), and gives up after a bounded number of attempts — the
 * operation is then recorded with an unknown outcome, since any attempt may still commit.
 */

import type { SeededRandom } from '@tandem/base'
import type { HistoryRecorder } from './history.js'
import { describeKvOperation, encodeKvCommand, type KvOperation, type KvResult } from './kv/command.js'
import type { Scheduler } from './world/scheduler.js'

/** What a node answered to one attempt. */
export type SubmitOutcome =
  | { readonly kind: 'applied'; readonly result: KvResult }
  /** The node does not lead; it may know who does. The command may still have been forwarded. */
  | { readonly kind: 'redirect'; readonly leader: string | null }
  /** The attempt failed in a way that leaves its effect unknown (dropped, node stopped, …). */
  | { readonly kind: 'failed'; readonly reason: string }

/** How clients reach the cluster. `submit` never rejects. */
export interface ClusterGateway {
  /** Nodes a client may contact now. */
  contactable(): readonly string[]
  submit(nodeId: string, command: Uint8Array): Promise<SubmitOutcome>
}

/** The relative weights of operation kinds and the shape of the keyspace. */
export interface WorkloadMix {
  readonly putWeight: number
  readonly getWeight: number
  readonly casWeight: number
  readonly deleteWeight: number
  readonly keys: number
}

/** Options of {@link Workload}. */
export interface WorkloadOptions {
  readonly scheduler: Scheduler
  readonly random: SeededRandom
  readonly history: HistoryRecorder
  readonly gateway: ClusterGateway
  readonly clients: number
  readonly mix: WorkloadMix
  /** Pause between a client's operations, uniform in [1, 1 + max] ms. */
  readonly thinkTimeMsMax: number
  readonly attemptTimeoutMs: number
  readonly attemptsMax: number
  readonly trace: ((text: string) => void) | null
}

/** Counters for reports. */
export interface WorkloadStats {
  called: number
  completed: number
  unknown: number
  attempts: number
}

/** A set of clients sharing one history. */
export class Workload {
  private readonly options: WorkloadOptions
  private stopped = false
  private running = 0
  readonly stats: WorkloadStats = { called: 0, completed: 0, unknown: 0, attempts: 0 }

  constructor(options: WorkloadOptions) {
    if (options.clients < 1) throw new RangeError('a workload needs at least one client')
    if (options.mix.keys < 1) throw new RangeError('a workload needs at least one key')
    this.options = options
  }

  /** Starts every client (each begins after a random pause). */
  start(): void {
    for (let clientId = 1; clientId <= this.options.clients; clientId++) {
      this.running++
      void this.runClient(clientId).finally(() => {
        this.running--
      })
    }
  }

  /** Clients finish their current operation (or give up on it) and start no new one. */
  stop(): void {
    this.stopped = true
  }

  /** Clients still running. */
  get activeClients(): number {
    return this.running
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.scheduler.schedule(ms, 'client sleep', resolve))
  }

  private async runClient(clientId: number): Promise<void> {
    const { random, scheduler, history } = this.options
    let leaderGuess: string | null = null
    let sequence = 0
    while (!this.stopped) {
      await this.sleep(1 + random.nextFloat() * this.options.thinkTimeMsMax)
      if (this.stopped) return
      sequence++
      const operation = this.pickOperation(clientId, sequence)
      const id = history.call(clientId, operation, scheduler.nowMs)
      this.stats.called++
      this.options.trace?.(`client c${clientId} call #${id} ${describeKvOperation(operation)}`)
      const bytes = encodeKvCommand({ clientId, sequence, operation })
      let result: KvResult | null = null
      for (let attempt = 1; attempt <= this.options.attemptsMax && result === null; attempt++) {
        const contactable = this.options.gateway.contactable()
        if (contactable.length === 0) {
          await this.sleep(this.options.attemptTimeoutMs)
          continue
        }
        const target: string =
          leaderGuess !== null && contactable.includes(leaderGuess) ? leaderGuess : random.pick(contactable)
        this.stats.attempts++
        const outcome = await this.attempt(target, bytes)
        if (outcome.kind === 'applied') {
          result = outcome.result
          leaderGuess = target
        } else {
          leaderGuess = outcome.kind === 'redirect' ? outcome.leader : null
          // Back off before the next attempt: a refusal costs no virtual time, so retrying at once
          // would spin at one instant (and a redirect loop between two confused nodes never ends).
          const backoffMs =
            outcome.kind === 'redirect' && outcome.leader !== null ? 1 : this.options.attemptTimeoutMs / 4
          await this.sleep(backoffMs + random.nextFloat() * backoffMs)
        }
      }
      if (result !== null && result.kind !== 'stale') {
        history.complete(id, result, scheduler.nowMs)
        this.stats.completed++
        this.options.trace?.(`client c${clientId} return #${id}`)
      } else {
        // Gave up: the outcome stays unknown, and the next operation gets a new sequence number,
        // which also retires this one (a late duplicate of it is answered `stale`, not applied).
        this.stats.unknown++
        this.options.trace?.(`client c${clientId} gives up #${id}`)
      }
    }
  }

  private attempt(target: string, bytes: Uint8Array): Promise<SubmitOutcome> {
    return new Promise((resolve) => {
      let settled = false
      const timer = this.options.scheduler.schedule(this.options.attemptTimeoutMs, 'client timeout', () => {
        if (settled) return
        settled = true
        resolve({ kind: 'failed', reason: 'timeout' })
      })
      void this.options.gateway.submit(target, bytes).then((outcome) => {
        if (settled) return
        settled = true
        timer.cancel()
        resolve(outcome)
      })
    })
  }

  private pickOperation(clientId: number, sequence: number): KvOperation {
    const { random, mix } = this.options
    const key = `k${random.nextInt(mix.keys)}`
    const value = `c${clientId}.${sequence}`
    const total = mix.putWeight + mix.getWeight + mix.casWeight + mix.deleteWeight
    const draw = random.nextFloat() * total
    if (draw < mix.putWeight) return { kind: 'put', key, value }
    if (draw < mix.putWeight + mix.getWeight) return { kind: 'get', key }
    if (draw < mix.putWeight + mix.getWeight + mix.casWeight) {
      // Expect either absence or a value some client may have written, so that some swaps succeed.
      const expected = random.chance(0.3)
        ? null
        : `c${random.between(1, this.options.clients)}.${random.between(Math.max(1, sequence - 3), sequence)}`
      return { kind: 'cas', key, expected, value }
    }
    return { kind: 'delete', key }
  }
}
