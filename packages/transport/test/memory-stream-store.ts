/** An in-memory StreamStore for the streams tests: streams held from their first sequence on, folds, a backlog bound. */
import type {
  FoldedAnswer,
  StoredBatch,
  StreamAcceptOutcome,
  StreamHeldThrough,
  StreamStore,
} from '../src/streams/stream-store.js'

interface Held {
  /** The sequence of `batches[0]`. */
  first: number
  batches: Uint8Array[]
}

export class MemoryStreamStore implements StreamStore {
  readonly held = new Map<string, Held>()
  readonly folds = new Map<string, FoldedAnswer>()
  /** Every outcome `accept` returned, in order. */
  readonly outcomes: StreamAcceptOutcome[] = []
  backlogBytesMax: number
  /** When set, only streams whose writer (the part before the first '.') is listed are stored. */
  knownWriters: Set<string> | null = null
  /** Bytes of held batches above each stream's fold (kept as a sum: a rescan per batch is quadratic). */
  #backlogBytes = 0

  constructor(backlogBytesMax = Number.POSITIVE_INFINITY) {
    this.backlogBytesMax = backlogBytesMax
  }

  /** Appends this node's own next batch; returns its sequence. */
  appendOwn(stream: string, bytes: Uint8Array): number {
    const held = this.#heldOf(stream)
    held.batches.push(bytes)
    this.#backlogBytes += bytes.byteLength
    return held.first + held.batches.length - 1
  }

  /** Records a fold of `stream` through `highWater` at `index` and drops the batches it covers. */
  fold(stream: string, highWater: number, index: number): void {
    const before = this.folds.get(stream)?.highWater ?? 0
    this.folds.set(stream, { highWater, index })
    const held = this.held.get(stream)
    if (held === undefined) return
    held.batches.forEach((batch, i) => {
      const sequence = held.first + i
      if (sequence > before && sequence <= highWater) this.#backlogBytes -= batch.byteLength
    })
    const drop = Math.min(held.batches.length, Math.max(0, highWater - held.first + 1))
    held.batches.splice(0, drop)
    held.first = Math.max(held.first + drop, highWater + 1)
  }

  summary(): readonly StreamHeldThrough[] {
    const out: StreamHeldThrough[] = []
    for (const stream of this.held.keys()) {
      const heldThrough = this.heldThrough(stream)
      if (heldThrough > (this.folds.get(stream)?.highWater ?? 0)) out.push({ stream, heldThrough })
    }
    return out
  }

  heldThrough(stream: string): number {
    const folded = this.folds.get(stream)?.highWater ?? 0
    const held = this.held.get(stream)
    return held === undefined ? folded : Math.max(folded, held.first + held.batches.length - 1)
  }

  async read(stream: string, fromSequence: number, bytesMax: number): Promise<readonly StoredBatch[]> {
    const held = this.held.get(stream)
    if (held === undefined) return []
    const out: StoredBatch[] = []
    let bytes = 0
    for (let sequence = fromSequence; sequence < held.first + held.batches.length; sequence++) {
      const batch = held.batches[sequence - held.first]
      if (batch === undefined) break
      if (out.length > 0 && bytes + batch.byteLength > bytesMax) break
      out.push({ sequence, bytes: batch })
      bytes += batch.byteLength
    }
    return out
  }

  foldedAnswer(stream: string): FoldedAnswer | null {
    return this.folds.get(stream) ?? null
  }

  async accept(stream: string, sequence: number, bytes: Uint8Array): Promise<StreamAcceptOutcome> {
    const outcome = this.#accept(stream, sequence, bytes)
    this.outcomes.push(outcome)
    return outcome
  }

  #accept(stream: string, sequence: number, bytes: Uint8Array): StreamAcceptOutcome {
    if (this.knownWriters !== null && !this.knownWriters.has(stream.split('.')[0] ?? '')) return 'unknown-key'
    const heldThrough = this.heldThrough(stream)
    if (sequence <= heldThrough) return 'duplicate'
    if (sequence !== heldThrough + 1) return 'gap'
    if (this.backlogFull()) return 'backlog-full'
    const held = this.#heldOf(stream)
    if (held.batches.length === 0) held.first = sequence
    held.batches.push(Uint8Array.from(bytes))
    this.#backlogBytes += bytes.byteLength
    return 'stored'
  }

  backlogFull(): boolean {
    return this.backlogBytes() >= this.backlogBytesMax
  }

  /** Bytes of held batches above each stream's fold. */
  backlogBytes(): number {
    return this.#backlogBytes
  }

  /** The batches held of `stream`, as hex, from its first held sequence. */
  contents(stream: string): string[] {
    return (this.held.get(stream)?.batches ?? []).map((batch) => Buffer.from(batch).toString('hex'))
  }

  #heldOf(stream: string): Held {
    let held = this.held.get(stream)
    if (held === undefined) {
      const folded = this.folds.get(stream)?.highWater ?? 0
      held = { first: folded + 1, batches: [] }
      this.held.set(stream, held)
    }
    return held
  }
}
