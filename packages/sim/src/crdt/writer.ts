/**
 * The workload of eventual writes: every replica writes on its own schedule — map sets and
 * deletes, register sets and clears, set adds and removes, alone or joined in a transaction — and
 * must read each write back at once (`crdt-read-your-writes`). Every write goes into the
 * {@link EventualHistory}, from which the final check computes the state the writes specify.
 */
import type { SeededRandom } from '@tandem/base'
import type { CheckName } from '../checkers/violation.js'
import type { World } from '../world/world.js'
import type { CrdtWorkloadMix } from './config.js'
import {
  collectionNames,
  type EventualHistory,
  type EventualOperation,
  MalformedWriteError,
} from './eventual-history.js'
import type { CrdtPacket, ReplicaHost } from './replica-host.js'
import { describeError, type ReplicaSlot } from './replicas.js'

/** Options of {@link CrdtWriter}. */
export interface CrdtWriterOptions {
  readonly world: World<CrdtPacket>
  readonly random: SeededRandom
  readonly history: EventualHistory
  readonly mix: CrdtWorkloadMix
  /** Pause between a replica's writes, uniform in [1, max] ms. */
  readonly thinkTimeMsMax: number
  readonly fail: (check: CheckName, message: string) => void
}

type WriteKind = 'map-set' | 'map-delete' | 'register-set' | 'register-clear' | 'set-add' | 'set-remove'

/** Writes on every replica until stopped. */
export class CrdtWriter {
  private readonly options: CrdtWriterOptions
  private readonly kinds: readonly (readonly [WriteKind, number])[]
  private readonly weightTotal: number
  private open = true
  private valueNext = 1

  constructor(options: CrdtWriterOptions) {
    this.options = options
    const mix = options.mix
    this.kinds = [
      ['map-set', mix.mapSetWeight],
      ['map-delete', mix.mapDeleteWeight],
      ['register-set', mix.registerSetWeight],
      ['register-clear', mix.registerClearWeight],
      ['set-add', mix.setAddWeight],
      ['set-remove', mix.setRemoveWeight],
    ]
    this.weightTotal = this.kinds.reduce((sum, [, weight]) => sum + weight, 0)
  }

  /** Schedules every replica's first write; each write schedules the next until {@link stop}. */
  start(slots: readonly ReplicaSlot[]): void {
    const { world, random, thinkTimeMsMax } = this.options
    for (const slot of slots) {
      const loop = (): void => {
        if (!this.open) return
        this.step(slot)
        world.scheduler.schedule(random.between(1, thinkTimeMsMax), `write ${slot.replicaId}`, loop)
      }
      world.scheduler.schedule(random.between(1, thinkTimeMsMax), `write ${slot.replicaId}`, loop)
    }
  }

  /** No write starts from now on. */
  stop(): void {
    this.open = false
  }

  /** One write, or one transaction of two to four, on `slot` if it runs. */
  private step(slot: ReplicaSlot): void {
    const host = slot.host
    if (host === null) return
    const { random, mix, world } = this.options
    try {
      if (mix.transactionWeight > 0 && random.nextInt(10 + mix.transactionWeight) >= 10) {
        const count = random.between(2, 4)
        world.record(`transaction ${slot.replicaId} of ${count} writes`)
        host.replica.transact(() => {
          for (let i = 0; i < count; i++) this.write(slot, host, this.pickKind())
        })
      } else {
        this.write(slot, host, this.pickKind())
      }
    } catch (error) {
      this.options.fail(
        'node-crash',
        `replica ${slot.replicaId} threw on a local write: ${describeError(error)}`,
      )
    }
  }

  private pickKind(): WriteKind {
    if (this.weightTotal === 0) return 'map-set'
    let roll = this.options.random.nextInt(this.weightTotal)
    for (const [kind, weight] of this.kinds) {
      if (roll < weight) return kind
      roll -= weight
    }
    return 'map-set'
  }

  /** Performs one write on `host` and checks that the replica reads it back at once. */
  private write(slot: ReplicaSlot, host: ReplicaHost, kind: WriteKind): void {
    const { random, mix, world, history, fail } = this.options
    const replica = host.replica
    const replicaId = slot.replicaId
    const key = `k${random.between(1, mix.keys)}`
    const element = `e${random.between(1, mix.elements)}`
    const value = `${replicaId}.${this.valueNext++}`
    let operation: EventualOperation
    let readBack: string
    let expected: string
    switch (kind) {
      case 'map-set': {
        const map = replica.map<string>(collectionNames.map)
        operation = { kind, replica: replicaId, key, value, delta: map.set(key, value) }
        readBack = String(map.get(key))
        expected = value
        break
      }
      case 'map-delete': {
        const map = replica.map<string>(collectionNames.map)
        operation = { kind, replica: replicaId, key, delta: map.delete(key) }
        readBack = String(map.get(key))
        expected = 'undefined'
        break
      }
      case 'register-set': {
        const register = replica.register<string>(collectionNames.register)
        operation = { kind, replica: replicaId, value, delta: register.set(value) }
        readBack = String(register.get())
        expected = value
        break
      }
      case 'register-clear': {
        const register = replica.register<string>(collectionNames.register)
        operation = { kind, replica: replicaId, delta: register.clear() }
        readBack = String(register.get())
        expected = 'undefined'
        break
      }
      case 'set-add':
      case 'set-remove': {
        const set = replica.set<string>(collectionNames.set)
        const contextBefore = replica.context()
        const delta = kind === 'set-add' ? set.add(element) : set.delete(element)
        operation = { kind, replica: replicaId, element, delta, contextBefore }
        readBack = String(set.has(element))
        expected = String(kind === 'set-add')
        break
      }
    }
    const subject =
      'key' in operation ? operation.key : 'element' in operation ? operation.element : 'register'
    const described = `${replicaId} ${kind} ${subject}${'value' in operation ? `=${operation.value}` : ''}`
    world.record(`write ${described}`)
    try {
      history.record(operation)
    } catch (error) {
      if (!(error instanceof MalformedWriteError)) throw error
      fail('crdt-semantics', error.message)
      return
    }
    if (readBack !== expected) {
      fail('crdt-read-your-writes', `replica ${described} then read ${readBack}, expected ${expected}`)
    }
  }
}
