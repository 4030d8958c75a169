import { SeededRandom } from '@tandem/base'
import { decodeConfChange } from '../../../src/codec/index.js'
import { ProposalDroppedError } from '../../../src/core/errors.js'
import { RawNode } from '../../../src/core/raw-node.js'
import {
  type ConfChange,
  type Entry,
  EntryType,
  type Message,
  MessageType,
  type Ready,
  Role,
} from '../../../src/core/types.js'
import { bootstrapStorage, TestStorage } from './memory-storage.js'
import { confOf } from './unit.js'

/**
 * A seeded simulation of a cluster of cores with everything that can go wrong below them: messages
 * lost, duplicated and reordered; partitions; batches persisted late (asynchronously, in order);
 * crashes that lose everything not yet persisted; log compaction and snapshots. It checks the Raft
 * safety properties after every step and, after healing, that the cluster makes progress.
 */

export interface SimOptions {
  readonly seed: number
  readonly nodes: number
  readonly steps: number
  readonly preVote: boolean
  readonly checkQuorum: boolean
  /** Probability that a delivered message is lost. */
  readonly dropRate: number
  /** Probability that a delivered message is delivered twice. */
  readonly duplicateRate: number
  /** Whether to propose membership changes (adding and removing node `nodes + 1`). */
  readonly confChanges: boolean
  /** Probability that a step is a fault (crash, partition, heal, compaction); default 0.01. */
  readonly faultRate?: number
}

interface SimNode {
  readonly id: string
  storage: TestStorage
  rawNode: RawNode
  /** Readies handed out and not yet persisted, in order. */
  pending: Ready[]
  /** The state machine: data of applied normal entries. */
  applied: string[]
  appliedIndex: number
  up: boolean
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation'
}

export class Simulation {
  readonly random: SeededRandom
  readonly nodes = new Map<string, SimNode>()
  readonly options: SimOptions
  inflight: Message[] = []
  /** Links currently cut, as "from->to". */
  cut = new Set<string>()
  /** The leader seen for each term (election safety). */
  readonly leaders = new Map<number, string>()
  /** The entry applied at each index, by whoever applied it first (state machine safety). */
  readonly appliedAt = new Map<number, { term: number; data: string; type: number }>()
  proposals = 0
  committedValues = new Set<string>()
  /** Reads issued (by context) with the least read index each may get. */
  readonly reads = new Map<string, number>()
  readsAnswered = 0
  readonly #ids: string[]

  constructor(options: SimOptions) {
    this.options = options
    this.random = new SeededRandom(options.seed)
    this.#ids = Array.from({ length: options.nodes + (options.confChanges ? 1 : 0) }, (_, i) => String(i + 1))
    const voters = this.#ids.slice(0, options.nodes)
    for (const id of this.#ids) {
      // The spare node starts empty: it learns the configuration when it is added.
      // Members start from a snapshot at index 1 holding the initial configuration (as a driver
      // bootstraps), so a node added later learns the configuration from a snapshot, never by
      // replaying a log that lacks it.
      const storage = voters.includes(id) ? bootstrapStorage(confOf(voters)) : new TestStorage()
      if (voters.includes(id)) {
        storage.snap = {
          metadata: { index: 1, term: 1, confState: confOf(voters) },
          data: encoder.encode('[]'),
        }
        storage.hardState = { term: 1, vote: null, commit: 1 }
      }
      const appliedIndex = storage.snap.metadata.index
      const node: SimNode = {
        id,
        storage,
        rawNode: this.#makeRawNode(id, storage, appliedIndex),
        pending: [],
        applied: [],
        appliedIndex,
        up: true,
      }
      this.#installSnapshotProvider(node)
      this.nodes.set(id, node)
    }
  }

  #fail(message: string): never {
    throw new SafetyViolation(`seed ${this.options.seed}: ${message}`)
  }

  #makeRawNode(id: string, storage: TestStorage, applied: number): RawNode {
    return new RawNode({
      id,
      storage,
      random: new SeededRandom(this.random.nextInt(1 << 30)),
      preVote: this.options.preVote,
      checkQuorum: this.options.checkQuorum,
      electionTicks: 10,
      heartbeatTicks: 1,
      appendBytesMax: 64,
      inflightAppendsMax: 4,
      applied,
    })
  }

  #installSnapshotProvider(node: SimNode): void {
    node.storage.snapshotProvider = () => {
      const storage = node.storage
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
  }

  #chance(probability: number): boolean {
    return this.random.nextFloat() < probability
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.random.nextInt(items.length)] as T
  }

  /** One random event. */
  step(chaos: boolean): void {
    const roll = this.random.nextFloat()
    const up = [...this.nodes.values()].filter((node) => node.up)
    const node = this.#pick(up)
    if (roll < 0.06) {
      node.rawNode.tick()
    } else if (roll < 0.13) {
      this.#propose(node)
    } else if (roll < 0.35) {
      this.#takeReady(node)
    } else if (roll < 0.55) {
      this.persistOne(node)
    } else if (roll < 1 - (this.options.faultRate ?? 0.01)) {
      this.deliverOne(chaos)
    } else if (chaos) {
      this.#fault(node)
    }
    this.checkSafety()
  }

  #propose(node: SimNode): void {
    if (this.#chance(0.2)) {
      this.#issueRead(node)
      return
    }
    if (this.options.confChanges && this.#chance(0.15)) {
      this.#proposeConfChange(node)
      return
    }
    const value = `v${this.proposals++}`
    try {
      node.rawNode.propose(encoder.encode(value))
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error
    }
  }

  /**
   * Proposes a random valid-looking membership change: leave a joint configuration, or add,
   * promote, demote or remove one node (sometimes through joint consensus), keeping between
   * three and four voters so that a quorum can survive the faults.
   */
  #proposeConfChange(node: SimNode): void {
    const state = node.rawNode.status().confState
    const empty = new Uint8Array(0)
    let change: ConfChange
    if (state.votersOutgoing.length > 0) {
      change = { transition: 0, changes: [], context: empty }
    } else {
      const id = this.#pick(this.#ids)
      const transition = this.#chance(0.3) ? 1 : 0
      const isVoter = state.voters.includes(id)
      const isLearner = state.learners.includes(id)
      let type: number
      if (isVoter) {
        if (state.voters.length <= 3) return
        type = this.#chance(0.5) ? 1 : 2 // remove, or demote to learner
      } else if (isLearner) {
        type = this.#chance(0.7) ? 0 : 1 // promote, or remove
      } else {
        if (state.voters.length >= 4 && this.#chance(0.5)) return
        type = this.#chance(0.5) ? 2 : 0 // add as learner, or straight as voter
      }
      change = { transition, changes: [{ type: type as 0 | 1 | 2, nodeId: id }], context: empty }
    }
    try {
      node.rawNode.proposeConfChange(change)
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error
    }
  }

  /**
   * Starts a linearizable read. Everything applied anywhere is committed, so the read index must
   * be at least the highest index applied on any node when the read starts.
   */
  #issueRead(node: SimNode): void {
    const context = `r${this.reads.size}`
    let required = 0
    for (const other of this.nodes.values()) required = Math.max(required, other.appliedIndex)
    this.reads.set(context, required)
    node.rawNode.readIndex(encoder.encode(context))
  }

  #takeReady(node: SimNode): void {
    if (!node.rawNode.hasReady()) return
    const ready = node.rawNode.ready()
    for (const read of ready.readStates) {
      const context = decoder.decode(read.context)
      const required = this.reads.get(context)
      if (required === undefined) this.#fail(`node ${node.id} answered unknown read ${context}`)
      if (read.index < required) {
        this.#fail(
          `linearizability: read ${context} got index ${read.index}, but ${required} was applied before it began`,
        )
      }
      this.readsAnswered++
    }
    for (const outbound of ready.messages) if (!outbound.afterPersist) this.inflight.push(outbound.message)
    node.pending.push(ready)
  }

  /** Persists the oldest pending batch, releases its held messages, applies it and advances. */
  persistOne(node: SimNode): void {
    const ready = node.pending.shift()
    if (ready === undefined) return
    const storage = node.storage
    if (ready.snapshot !== null) storage.applySnapshot(ready.snapshot)
    storage.append(ready.entries)
    if (ready.hardState !== null) storage.setHardState(ready.hardState)
    node.rawNode.onPersisted(ready.number)
    for (const outbound of ready.messages) if (outbound.afterPersist) this.inflight.push(outbound.message)
    if (ready.snapshot !== null) {
      const values = JSON.parse(decoder.decode(ready.snapshot.data)) as string[]
      this.#checkSnapshotState(ready.snapshot.metadata.index, values)
      node.applied = values
      node.appliedIndex = ready.snapshot.metadata.index
    }
    for (const entry of ready.committedEntries) this.#apply(node, entry)
    node.rawNode.advance(ready)
  }

  #apply(node: SimNode, entry: Entry): void {
    if (entry.index !== node.appliedIndex + 1)
      this.#fail(`node ${node.id} applied ${entry.index} after ${node.appliedIndex}`)
    const data = decoder.decode(entry.data)
    const seen = this.appliedAt.get(entry.index)
    if (seen === undefined) {
      this.appliedAt.set(entry.index, { term: entry.term, data, type: entry.type })
    } else if (seen.term !== entry.term || seen.data !== data || seen.type !== entry.type) {
      this.#fail(
        `state machine safety: node ${node.id} applied ${entry.term}/${entry.index} "${data}", others applied ${seen.term}/${entry.index} "${seen.data}"`,
      )
    }
    node.appliedIndex = entry.index
    if (entry.type === EntryType.ConfChange) {
      try {
        node.storage.confState = node.rawNode.applyConfChange(decodeConfChange(entry.data))
      } catch (error) {
        // Every node refuses the same invalid change alike.
        if ((error as { code?: string }).code !== 'RAFT_INVALID_CONF_CHANGE') throw error
      }
    } else if (data !== '') {
      node.applied.push(data)
      this.committedValues.add(data)
    }
  }

  /** A snapshot's state must be exactly what applying the committed log up to its index gives. */
  #checkSnapshotState(index: number, values: readonly string[]): void {
    const expected: string[] = []
    for (let i = 1; i <= index; i++) {
      const seen = this.appliedAt.get(i)
      if (seen === undefined) continue
      if (seen.type === EntryType.Normal && seen.data !== '') expected.push(seen.data)
    }
    const prefix = values.slice(0, expected.length)
    if (JSON.stringify(prefix) !== JSON.stringify(expected)) {
      this.#fail(`snapshot at ${index} holds ${JSON.stringify(values)}, log says ${JSON.stringify(expected)}`)
    }
  }

  deliverOne(chaos: boolean): void {
    if (this.inflight.length === 0) return
    // Reordering: any message in flight may be the next one.
    const index = chaos ? this.random.nextInt(this.inflight.length) : 0
    const message = this.inflight[index] as Message
    this.inflight.splice(index, 1)
    const node = this.nodes.get(message.to)
    const lost =
      (chaos && this.#chance(this.options.dropRate)) ||
      this.cut.has(`${message.from}->${message.to}`) ||
      node === undefined ||
      !node.up
    // The transport reports how a snapshot transfer ended, as a driver does.
    if (message.type === MessageType.Snap)
      this.nodes.get(message.from)?.rawNode.reportSnapshot(message.to, !lost)
    if (lost || node === undefined) return
    this.#stepInto(node, message)
    if (chaos && this.#chance(this.options.duplicateRate)) this.#stepInto(node, message)
  }

  #stepInto(node: SimNode, message: Message): void {
    try {
      node.rawNode.step(message)
    } catch (error) {
      const code = (error as { code?: string }).code
      // A response from a node this one no longer (or not yet) knows is refused with a typed error.
      if (code === 'RAFT_STEP_PEER_NOT_FOUND') return
      throw error
    }
  }

  #fault(node: SimNode): void {
    const roll = this.random.nextFloat()
    if (roll < 0.3) {
      this.crash(node)
    } else if (roll < 0.55) {
      this.#partition()
    } else if (roll < 0.75) {
      this.cut.clear()
    } else {
      this.#compact(node)
    }
  }

  /** Loses everything not persisted, and the volatile state machine; restarts from storage. */
  crash(node: SimNode): void {
    node.pending = []
    const snap = node.storage.snap
    node.applied = snap.data.length > 0 ? (JSON.parse(decoder.decode(snap.data)) as string[]) : []
    node.appliedIndex = snap.metadata.index
    node.rawNode = this.#makeRawNode(node.id, node.storage, snap.metadata.index)
  }

  #partition(): void {
    this.cut.clear()
    const ids = [...this.nodes.keys()]
    const side = new Set(ids.filter(() => this.#chance(0.5)))
    for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b)) this.cut.add(`${a}->${b}`)
  }

  #compact(node: SimNode): void {
    const storage = node.storage
    const index = Math.min(node.appliedIndex, storage.lastIndex())
    if (index <= storage.snap.metadata.index) return
    const values = node.applied.slice()
    storage.compactAt(index, encoder.encode(JSON.stringify(values)), storage.confState)
  }

  /** Election safety, log matching of committed entries, leader completeness. */
  checkSafety(): void {
    for (const node of this.nodes.values()) {
      const raft = node.rawNode.raft
      if (raft.role !== Role.Leader) continue
      const known = this.leaders.get(raft.term)
      if (known === undefined) {
        this.leaders.set(raft.term, node.id)
        this.#checkLeaderCompleteness(node)
      } else if (known !== node.id) {
        this.#fail(`election safety: ${known} and ${node.id} both lead term ${raft.term}`)
      }
    }
  }

  #checkLeaderCompleteness(node: SimNode): void {
    const log = node.rawNode.raft.raftLog
    for (const [index, entry] of this.appliedAt) {
      if (index < log.firstIndex()) continue
      if (index > log.lastIndex() || log.termOrZero(index) !== entry.term) {
        this.#fail(
          `leader completeness: new leader ${node.id} (term ${node.rawNode.raft.term}) lacks committed entry ${entry.term}/${index}`,
        )
      }
    }
  }

  /** Heals everything and runs without faults; returns whether a fresh value was applied everywhere. */
  liveness(maxSteps: number): boolean {
    this.cut.clear()
    for (const node of this.nodes.values()) node.up = true
    const marker = `live-${this.options.seed}`
    let proposed = false
    for (let step = 0; step < maxSteps; step++) {
      for (const node of this.nodes.values()) {
        if (step % 4 === 0) node.rawNode.tick()
        this.#takeReady(node)
        while (node.pending.length > 0) this.persistOne(node)
      }
      while (this.inflight.length > 0) this.deliverOne(false)
      this.checkSafety()
      const leader = [...this.nodes.values()].find((node) => node.rawNode.raft.role === Role.Leader)
      // A client retries: a proposal can be lost when its leader is deposed before committing it.
      if (proposed && step % 400 === 0 && leader !== undefined && !leader.applied.includes(marker))
        proposed = false
      if (!proposed && leader !== undefined && step > 40) {
        try {
          leader.rawNode.propose(encoder.encode(marker))
          proposed = true
        } catch (error) {
          if (!(error instanceof ProposalDroppedError)) throw error
        }
      }
      if (!proposed || leader === undefined) continue
      // Every member in the leader's configuration must apply the marker.
      const state = leader.rawNode.status().confState
      const members = [...state.voters, ...state.learners].map((id) => this.nodes.get(id) as SimNode)
      if (members.every((node) => node.applied.includes(marker))) return true
    }
    return false
  }
}
