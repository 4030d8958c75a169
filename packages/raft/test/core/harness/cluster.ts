import { SeededRandom } from '@tandem/base'
import { decodeConfChange } from '../../../src/codec/index.js'
import { RawNode } from '../../../src/core/raw-node.js'
import type { ReadOnlyOption } from '../../../src/core/read-only.js'
import {
  type ConfState,
  type Entry,
  EntryType,
  type Logger,
  type Message,
  type Ready,
} from '../../../src/core/types.js'
import { describeMessage, describeReady } from './describe.js'
import type { TestStorage } from './memory-storage.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none'
const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 }

export interface NodeOptions {
  readonly electionTicks?: number
  readonly heartbeatTicks?: number
  readonly preVote?: boolean
  readonly checkQuorum?: boolean
  readonly readOnly?: ReadOnlyOption
  readonly stepDownOnRemoval?: boolean
  readonly appendBytesMax?: number
  readonly inflightAppendsMax?: number
  readonly uncommittedBytesMax?: number
  readonly proposalForwarding?: boolean
  readonly applied?: number
}

/** One node of the test cluster: the core, its storage and a trivial state machine (a list of commands). */
export interface TestNode {
  readonly id: string
  readonly storage: TestStorage
  rawNode: RawNode
  /** The data of every applied normal entry, in order (the state machine). */
  applied: string[]
  appliedIndex: number
  readonly options: NodeOptions
  /** Readies taken with `takeReady` and not yet persisted, oldest first. */
  pending: Ready[]
}

const decoder = new TextDecoder()
const encoder = new TextEncoder()

/**
 * An in-memory cluster for scripted tests: every node's messages go to one queue; tests decide
 * when they are delivered, dropped, or cut by a partition. Persisting is synchronous, so every
 * message may leave once its Ready is processed.
 */
export class Cluster {
  readonly nodes = new Map<string, TestNode>()
  /** Messages sent and not yet delivered, in send order. */
  inflight: Message[] = []
  /** Links cut by a partition, as "from->to". */
  readonly cut = new Set<string>()
  logLevel: LogLevel = 'info'
  /** Log lines produced by the nodes since the last command. */
  readonly logLines: string[] = []

  #loggerFor(id: string): Logger {
    const log = (level: LogLevel) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
      if (levelRank[level] < levelRank[this.logLevel]) return
      const detail =
        fields === undefined
          ? ''
          : ` ${Object.entries(fields)
              .map(([key, value]) => `${key}=${String(value)}`)
              .join(' ')}`
      this.logLines.push(`${level.toUpperCase()} ${id}: ${message}${detail}`)
    }
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
  }

  addNode(id: string, storage: TestStorage, options: NodeOptions = {}): TestNode {
    if (this.nodes.has(id)) throw new Error(`node ${id} already exists`)
    const node: TestNode = {
      id,
      storage,
      rawNode: this.#makeRawNode(id, storage, options),
      applied: [],
      appliedIndex: options.applied ?? storage.snap.metadata.index,
      options,
      pending: [],
    }
    if (storage.snap.data.length > 0) node.applied = JSON.parse(decoder.decode(storage.snap.data)) as string[]
    storage.snapshotProvider = () => {
      if (node.appliedIndex <= storage.snap.metadata.index) return storage.snap
      return {
        metadata: {
          index: node.appliedIndex,
          term: storage.term(node.appliedIndex),
          confState: storage.confState,
        },
        data: encoder.encode(JSON.stringify(node.applied)),
      }
    }
    this.nodes.set(id, node)
    return node
  }

  #makeRawNode(id: string, storage: TestStorage, options: NodeOptions): RawNode {
    let seed = 0
    for (const char of id) seed = (seed * 31 + char.charCodeAt(0)) >>> 0
    return new RawNode({
      id,
      storage,
      random: new SeededRandom(seed),
      logger: this.#loggerFor(id),
      electionTicks: options.electionTicks ?? 10,
      heartbeatTicks: options.heartbeatTicks ?? 1,
      preVote: options.preVote ?? false,
      checkQuorum: options.checkQuorum ?? false,
      readOnly: options.readOnly ?? 'safe',
      stepDownOnRemoval: options.stepDownOnRemoval ?? true,
      appendBytesMax: options.appendBytesMax ?? 1024 * 1024,
      inflightAppendsMax: options.inflightAppendsMax ?? 256,
      uncommittedBytesMax: options.uncommittedBytesMax ?? 0,
      proposalForwarding: options.proposalForwarding ?? true,
      applied: options.applied ?? 0,
    })
  }

  /** Simulates a crash and restart: the in-memory core is rebuilt from what storage holds. */
  restart(id: string): void {
    const node = this.get(id)
    // Writes still in progress are lost with the process.
    node.pending = []
    node.applied =
      node.storage.snap.data.length > 0
        ? (JSON.parse(decoder.decode(node.storage.snap.data)) as string[])
        : []
    node.appliedIndex = node.storage.snap.metadata.index
    node.rawNode = this.#makeRawNode(id, node.storage, { ...node.options, applied: node.appliedIndex })
  }

  get(id: string): TestNode {
    const node = this.nodes.get(id)
    if (node === undefined) throw new Error(`no node ${id}`)
    return node
  }

  /**
   * Takes the node's next Ready without persisting it (an asynchronous write in progress): only
   * the messages that may leave before the write do; the others wait for {@link persist}.
   */
  takeReady(id: string): string[] {
    const node = this.get(id)
    const ready = node.rawNode.ready()
    for (const outbound of ready.messages) if (!outbound.afterPersist) this.inflight.push(outbound.message)
    node.pending.push(ready)
    return describeReady(ready)
  }

  /** Completes the oldest write taken with {@link takeReady}: persists, releases, applies, advances. */
  persist(id: string): string[] {
    const node = this.get(id)
    const ready = node.pending.shift()
    if (ready === undefined) return ['nothing to persist']
    const lines = [`persisted Ready #${ready.number}`]
    this.#persistReady(node, ready)
    node.rawNode.onPersisted(ready.number)
    const held = ready.messages.filter((outbound) => outbound.afterPersist)
    for (const outbound of held) {
      this.inflight.push(outbound.message)
      lines.push(`released: ${describeMessage(outbound.message)}`)
    }
    this.#applyReady(node, ready, lines)
    return lines
  }

  #persistReady(node: TestNode, ready: Ready): void {
    if (ready.snapshot !== null) node.storage.applySnapshot(ready.snapshot)
    node.storage.append(ready.entries)
    if (ready.hardState !== null) node.storage.setHardState(ready.hardState)
  }

  #applyReady(node: TestNode, ready: Ready, lines: string[]): void {
    if (ready.snapshot !== null) {
      node.applied = JSON.parse(decoder.decode(ready.snapshot.data)) as string[]
      node.appliedIndex = ready.snapshot.metadata.index
    }
    for (const entry of ready.committedEntries) this.#apply(node, entry, lines)
    node.rawNode.advance(ready)
  }

  /** Takes the node's next Ready, persists it, queues its messages, applies it, advances. */
  processReady(id: string): string[] {
    const node = this.get(id)
    const earlier: string[] = []
    while (node.pending.length > 0) earlier.push(...this.persist(id))
    const ready = node.rawNode.ready()
    const lines = [...earlier, ...describeReady(ready)]
    if (ready.snapshot !== null) node.storage.applySnapshot(ready.snapshot)
    node.storage.append(ready.entries)
    if (ready.hardState !== null) node.storage.setHardState(ready.hardState)
    for (const outbound of ready.messages) this.inflight.push(outbound.message)
    if (ready.snapshot !== null) {
      node.applied = JSON.parse(decoder.decode(ready.snapshot.data)) as string[]
      node.appliedIndex = ready.snapshot.metadata.index
    }
    for (const entry of ready.committedEntries) this.#apply(node, entry, lines)
    node.rawNode.advance(ready)
    return lines
  }

  #apply(node: TestNode, entry: Entry, lines: string[]): void {
    if (entry.index !== node.appliedIndex + 1) {
      throw new Error(`node ${node.id} applies ${entry.index} after ${node.appliedIndex}`)
    }
    node.appliedIndex = entry.index
    if (entry.type === EntryType.ConfChange) {
      const change = decodeConfChange(entry.data)
      try {
        const confState: ConfState = node.rawNode.applyConfChange(change)
        node.storage.setConfState(confState)
      } catch (error) {
        lines.push(`conf change at ${entry.index} refused: ${(error as Error).message}`)
      }
    } else if (entry.data.length > 0) {
      node.applied.push(decoder.decode(entry.data))
    }
  }

  /** Takes a snapshot of node `id`'s applied state at `index` and compacts its log. */
  compact(id: string, index: number): void {
    const node = this.get(id)
    if (index > node.appliedIndex)
      throw new Error(`cannot compact ${id} at ${index}: applied only ${node.appliedIndex}`)
    // The state machine here is an append-only list, so its state at `index` is a prefix of it.
    const entries = node.storage.ents.filter((entry) => entry.index <= index)
    let count =
      node.storage.snap.data.length > 0
        ? (JSON.parse(decoder.decode(node.storage.snap.data)) as string[]).length
        : 0
    for (const entry of entries) if (entry.type === EntryType.Normal && entry.data.length > 0) count++
    const data = encoder.encode(JSON.stringify(node.applied.slice(0, count)))
    node.storage.compact({
      metadata: { index, term: node.storage.term(index), confState: node.storage.confState },
      data,
    })
  }

  /** Delivers (or drops) the queued messages addressed to `ids`; returns transcript lines. */
  deliver(ids: readonly string[], drop = false, types?: ReadonlySet<number>): string[] {
    const lines: string[] = []
    const remaining: Message[] = []
    const batch: Message[] = []
    for (const message of this.inflight) {
      if (ids.includes(message.to) && (types === undefined || types.has(message.type))) batch.push(message)
      else remaining.push(message)
    }
    this.inflight = remaining
    for (const message of batch) {
      if (drop) {
        lines.push(`dropped: ${describeMessage(message)}`)
        continue
      }
      if (this.cut.has(`${message.from}->${message.to}`)) {
        lines.push(`dropped by partition: ${describeMessage(message)}`)
        continue
      }
      const node = this.nodes.get(message.to)
      if (node === undefined) {
        lines.push(`dropped (no such node): ${describeMessage(message)}`)
        continue
      }
      lines.push(describeMessage(message))
      try {
        node.rawNode.step(message)
      } catch (error) {
        lines.push(`step error: ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`)
      }
      lines.push(...this.takeLogLines().map((line) => `  ${line}`))
    }
    return lines
  }

  takeLogLines(): string[] {
    return this.logLines.splice(0, this.logLines.length)
  }

  /** Processes readies and delivers messages among `ids` until nothing is left to do. */
  stabilize(ids: readonly string[]): string[] {
    const lines: string[] = []
    for (let round = 0; round < 10_000; round++) {
      let done = true
      for (const id of ids) {
        const node = this.get(id)
        if (node.rawNode.hasReady()) {
          done = false
          lines.push(`> ${id} handling Ready`)
          for (const line of this.processReady(id)) lines.push(`  ${line}`)
          for (const line of this.takeLogLines()) lines.push(`  ${line}`)
        }
      }
      for (const id of ids) {
        if (this.inflight.some((message) => message.to === id)) {
          done = false
          lines.push(`> ${id} receiving messages`)
          for (const line of this.deliver([id])) lines.push(`  ${line}`)
        }
      }
      if (done) return lines
    }
    throw new Error('stabilize did not settle within 10,000 rounds')
  }
}
