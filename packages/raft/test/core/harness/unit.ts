import type { RaftConfig } from '../../../src/core/config.js'
import { makeMessage } from '../../../src/core/messages.js'
import { RawNode } from '../../../src/core/raw-node.js'
import {
  type ConfState,
  type Entry,
  EntryType,
  type Message,
  MessageType,
  type Ready,
} from '../../../src/core/types.js'
import { bootstrapStorage, type TestStorage } from './memory-storage.js'
import { fixedRandom } from './random.js'

/** Helpers for unit tests that drive one or a few cores by hand (in the style of etcd's raft_test.go). */

export function confOf(voters: readonly string[], learners: readonly string[] = []): ConfState {
  return { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false }
}

export function entry(index: number, term: number, data = ''): Entry {
  return { index, term, type: EntryType.Normal, data: new TextEncoder().encode(data) }
}

/** Entries 1..n with the given terms (`terms[i]` is the term of index i + 1). */
export function entriesWithTerms(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => entry(i + 1, term))
}

export interface TestNodeOptions extends Partial<Omit<RaftConfig, 'id' | 'storage'>> {
  readonly peers?: readonly string[]
  readonly learners?: readonly string[]
  readonly storage?: TestStorage
}

/** A RawNode with etcd's test defaults: election 10, heartbeat 1, no PreVote, no CheckQuorum, no jitter. */
export function newNode(id: string, options: TestNodeOptions = {}): RawNode {
  const storage = options.storage ?? bootstrapStorage(confOf(options.peers ?? [id], options.learners ?? []))
  return new RawNode({
    electionTicks: 10,
    heartbeatTicks: 1,
    preVote: false,
    checkQuorum: false,
    random: fixedRandom(0),
    ...options,
    id,
    storage,
  })
}

export function storageOf(node: RawNode): TestStorage {
  return node.raft.raftLog.storage as TestStorage
}

/** Messages the node queued since the last call (flushing its pending broadcast first). */
export function takeMessages(node: RawNode): Message[] {
  node.raft.flushBroadcast()
  const messages = node.raft.msgs.map((outbound) => outbound.message)
  node.raft.msgs = []
  return messages
}

/** Processes one Ready: persists it to the node's storage and advances. Returns the Ready. */
export function persistAndAdvance(node: RawNode): Ready {
  const ready = node.ready()
  const storage = storageOf(node)
  if (ready.snapshot !== null) storage.applySnapshot(ready.snapshot)
  storage.append(ready.entries)
  if (ready.hardState !== null) storage.setHardState(ready.hardState)
  node.advance(ready)
  return ready
}

/** Processes Readies until none is left; returns every message they carried. */
export function drain(node: RawNode): Message[] {
  const messages: Message[] = []
  for (let i = 0; i < 100 && node.hasReady(); i++) {
    for (const outbound of persistAndAdvance(node).messages) messages.push(outbound.message)
  }
  return messages
}

export function msg(fields: Partial<Message> & { type: MessageType }): Message {
  return makeMessage(fields)
}

/**
 * A small synchronous network of RawNodes (etcd's `network`): `send` delivers messages and every
 * message they cause until none is left, persisting each node's Ready on the way.
 */
export class Network {
  readonly nodes = new Map<string, RawNode>()
  readonly dropped = new Set<string>()
  /** Optional filter: return false to drop a message. */
  filter: ((message: Message) => boolean) | null = null

  constructor(nodes: readonly RawNode[]) {
    for (const node of nodes) this.nodes.set(node.raft.id, node)
  }

  get(id: string): RawNode {
    const node = this.nodes.get(id)
    if (node === undefined) throw new Error(`no node ${id}`)
    return node
  }

  cut(a: string, b: string): void {
    this.dropped.add(`${a}->${b}`)
    this.dropped.add(`${b}->${a}`)
  }

  isolate(id: string): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cut(id, other)
  }

  recover(): void {
    this.dropped.clear()
  }

  /** Steps the given messages into their recipients (or the local node), then delivers everything that follows. */
  send(...messages: Message[]): void {
    const queue = [...messages]
    for (let round = 0; round < 100_000; round++) {
      const message = queue.shift()
      if (message === undefined) {
        // Nothing in flight: collect any outputs still pending (e.g. a leader's commit broadcast).
        let more = false
        for (const node of this.nodes.values()) {
          const out = drain(node)
          if (out.length > 0) more = true
          queue.push(...out)
        }
        if (!more) return
        continue
      }
      if (this.dropped.has(`${message.from}->${message.to}`)) continue
      if (this.filter !== null && !this.filter(message)) continue
      const node = this.nodes.get(message.to)
      if (node === undefined) continue
      const local = message.type === MessageType.Hup || message.type === MessageType.Beat
      if (local) node.raft.step(message)
      else node.step(message)
      queue.push(...drain(node))
    }
    throw new Error('network did not settle')
  }

  /** Makes `id` campaign and delivers everything that follows. */
  campaign(id: string): void {
    this.send(msg({ type: MessageType.Hup, from: id, to: id }))
  }

  propose(id: string, data: string): void {
    this.get(id).propose(new TextEncoder().encode(data))
    this.send()
  }
}

/** A cluster of `count` voters named 1..count, in a {@link Network}. */
export function newCluster(count: number, options: TestNodeOptions = {}): Network {
  const peers = Array.from({ length: count }, (_, i) => String(i + 1))
  return new Network(peers.map((id) => newNode(id, { ...options, peers })))
}
