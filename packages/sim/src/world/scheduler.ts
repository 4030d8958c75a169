/**
 * The virtual-time scheduler. Every event of a simulation — a timer firing, a packet arriving, a
 * disk write completing, a fault starting — is an entry in one priority queue ordered by
 * (virtual time, sequence number). The loop runs one event, then lets every promise continuation
 * it caused run to completion before the next event, so the interleaving of the driver's `await`s
 * is a pure function of the seed.
 */
import { assert } from '@tandem/base'
import { drainMicrotasks } from './microtasks.js'

/** A scheduled event that may still be cancelled. */
export interface EventHandle {
  /** Cancels the event; a no-op once it ran or was cancelled. */
  cancel(): void
}

interface QueuedEvent {
  readonly timeMs: number
  readonly sequence: number
  readonly label: string
  readonly run: () => void
  cancelled: boolean
}

/** Why `run` returned. */
export type RunStop = 'time-limit' | 'idle' | 'stopped' | 'events-limit'

/** Options of {@link Scheduler.run}. */
export interface RunOptions {
  /** Stops before the first event later than this virtual time; the clock then reads this time. */
  readonly untilMs: number
  /** Upper bound on events run by this call: a runaway simulation ends instead of hanging. */
  readonly eventsMax: number
  /** Checked after every event (and its promise continuations); `true` stops the run. */
  readonly stopWhen?: () => boolean
}

/** Runs events in (time, sequence) order on a virtual clock that starts at 0 ms. */
export class Scheduler {
  private heap: QueuedEvent[] = []
  private sequenceNext = 0
  private nowMsValue = 0
  private eventsRunCount = 0
  private running = false
  private observer: ((timeMs: number, label: string) => void) | null = null

  /** The current virtual time in milliseconds. */
  get nowMs(): number {
    return this.nowMsValue
  }

  /** How many events ran so far. */
  get eventsRun(): number {
    return this.eventsRunCount
  }

  /** How many events are waiting (cancelled ones included until they surface). */
  get pending(): number {
    return this.heap.length
  }

  /** Called before every event runs, with its time and label (used for traces). */
  onEvent(observer: ((timeMs: number, label: string) => void) | null): void {
    this.observer = observer
  }

  /** Schedules `run` after `delayMs` (≥ 0) of virtual time. Events at equal times run in scheduling order. */
  schedule(delayMs: number, label: string, run: () => void): EventHandle {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new RangeError(`delay must be a finite non-negative number of ms, got ${delayMs} (${label})`)
    }
    const event: QueuedEvent = {
      timeMs: this.nowMsValue + delayMs,
      sequence: this.sequenceNext++,
      label,
      run,
      cancelled: false,
    }
    this.push(event)
    return {
      cancel: () => {
        event.cancelled = true
      },
    }
  }

  /**
   * Runs events until the time limit, the event limit, `stopWhen`, or an empty queue. Exceptions
   * thrown by an event propagate (the simulation is over: production code crashed).
   */
  async run(options: RunOptions): Promise<RunStop> {
    assert(!this.running, 'Scheduler.run is not reentrant')
    this.running = true
    try {
      // Continuations left by whoever called run() belong to the current instant.
      await drainMicrotasks()
      let eventsThisRun = 0
      for (;;) {
        if (options.stopWhen?.()) return 'stopped'
        const next = this.peekLive()
        if (next === undefined) {
          if (this.nowMsValue < options.untilMs) this.nowMsValue = options.untilMs
          return 'idle'
        }
        if (next.timeMs > options.untilMs) {
          this.nowMsValue = Math.max(this.nowMsValue, options.untilMs)
          return 'time-limit'
        }
        if (eventsThisRun >= options.eventsMax) return 'events-limit'
        this.pop()
        this.nowMsValue = next.timeMs
        eventsThisRun++
        this.eventsRunCount++
        this.observer?.(next.timeMs, next.label)
        next.run()
        await drainMicrotasks()
      }
    } finally {
      this.running = false
    }
  }

  private peekLive(): QueuedEvent | undefined {
    for (;;) {
      const top = this.heap[0]
      if (top === undefined || !top.cancelled) return top
      this.pop()
    }
  }

  private push(event: QueuedEvent): void {
    const heap = this.heap
    heap.push(event)
    let child = heap.length - 1
    while (child > 0) {
      const parent = (child - 1) >> 1
      if (!before(heap[child] as QueuedEvent, heap[parent] as QueuedEvent)) break
      swap(heap, child, parent)
      child = parent
    }
  }

  private pop(): void {
    const heap = this.heap
    const last = heap.pop()
    if (last === undefined || heap.length === 0) return
    heap[0] = last
    let parent = 0
    for (;;) {
      const left = parent * 2 + 1
      const right = left + 1
      let smallest = parent
      if (left < heap.length && before(heap[left] as QueuedEvent, heap[smallest] as QueuedEvent))
        smallest = left
      if (right < heap.length && before(heap[right] as QueuedEvent, heap[smallest] as QueuedEvent))
        smallest = right
      if (smallest === parent) return
      swap(heap, parent, smallest)
      parent = smallest
    }
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.sequence < b.sequence)
}

function swap(heap: QueuedEvent[], i: number, j: number): void {
  const held = heap[i] as QueuedEvent
  heap[i] = heap[j] as QueuedEvent
  heap[j] = held
}
