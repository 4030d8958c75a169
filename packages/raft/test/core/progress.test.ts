import { InvariantError } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { Inflights } from '../../src/core/inflights.js'
import { Progress } from '../../src/core/progress.js'
import { ProgressState } from '../../src/core/types.js'

describe('Inflights (bounded window of appends in flight)', () => {
  it('fills up to its capacity, frees by index, and wraps around', () => {
    const inflights = new Inflights(3)
    inflights.add(1)
    inflights.add(2)
    inflights.add(3)
    expect(inflights.full()).toBe(true)
    expect(() => inflights.add(4)).toThrow(InvariantError)
    inflights.freeLE(2)
    expect(inflights.count).toBe(1)
    inflights.add(4)
    inflights.add(5)
    expect(inflights.full()).toBe(true)
    inflights.freeLE(4)
    expect(inflights.count).toBe(1)
    inflights.freeFirstOne()
    expect(inflights.count).toBe(0)
    inflights.freeLE(100)
    expect(inflights.count).toBe(0)
  })

  it('frees nothing below the oldest index', () => {
    const inflights = new Inflights(4)
    inflights.add(10)
    inflights.add(20)
    inflights.freeLE(5)
    expect(inflights.count).toBe(2)
  })
})

describe('Progress (probe / replicate / snapshot)', () => {
  it('probe sends one append at a time; a heartbeat answer or an ack unpauses it', () => {
    const progress = new Progress(5, 4, false)
    expect(progress.isPaused()).toBe(false)
    progress.sentEntries(7, 3)
    expect(progress.isPaused()).toBe(true)
    expect(progress.next).toBe(5)
    expect(progress.maybeUpdate(6)).toBe(true)
    expect(progress.isPaused()).toBe(false)
    expect(progress.next).toBe(7)
  })

  it('replicate advances next optimistically and pauses when the window is full', () => {
    const progress = new Progress(1, 2, false)
    progress.match = 0
    progress.becomeReplicate()
    progress.sentEntries(3, 3)
    expect(progress.next).toBe(4)
    progress.sentEntries(5, 2)
    expect(progress.isPaused()).toBe(true)
  })

  it('a rejection moves next back: to match + 1 in replicate, to the hint in probe; stale ones are ignored', () => {
    const replicate = new Progress(1, 4, false)
    replicate.match = 5
    replicate.becomeReplicate()
    replicate.sentEntries(9, 4)
    expect(replicate.maybeDecrTo(4, 4)).toBe(false)
    expect(replicate.maybeDecrTo(8, 8)).toBe(true)
    expect(replicate.next).toBe(6)

    const probe = new Progress(10, 4, false)
    expect(probe.maybeDecrTo(5, 5)).toBe(false)
    expect(probe.maybeDecrTo(9, 3)).toBe(true)
    expect(probe.next).toBe(4)
  })

  it('snapshot state pauses everything; leaving it resumes after the snapshot', () => {
    const progress = new Progress(1, 4, false)
    progress.becomeSnapshot(20)
    expect(progress.state).toBe(ProgressState.Snapshot)
    expect(progress.isPaused()).toBe(true)
    progress.becomeProbe()
    expect(progress.state).toBe(ProgressState.Probe)
    expect(progress.next).toBe(21)
  })
})
