import { describe, expect, it } from 'vitest'
import { Changer, restoreConfig } from '../../src/core/confchange.js'
import { ConfChangeError } from '../../src/core/errors.js'
import { confStateOf, ProgressTracker } from '../../src/core/tracker.js'
import { type ConfChangeSingle, ConfChangeType, type ConfState } from '../../src/core/types.js'

function tracker(state: ConfState): ProgressTracker {
  const result = restoreConfig(state, 10, 16)
  const trk = new ProgressTracker(16)
  trk.setConfig(result.config, result.progress)
  return trk
}

const base: ConfState = {
  voters: ['1', '2', '3'],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}
const v = (nodeId: string): ConfChangeSingle => ({ type: ConfChangeType.AddVoter, nodeId })
const l = (nodeId: string): ConfChangeSingle => ({ type: ConfChangeType.AddLearner, nodeId })
const r = (nodeId: string): ConfChangeSingle => ({ type: ConfChangeType.RemoveNode, nodeId })

function applyTo(trk: ProgressTracker, result: ReturnType<Changer['simple']>): ConfState {
  trk.setConfig(result.config, result.progress)
  return confStateOf(result.config)
}

describe('Changer (thesis §4.1 single changes, §4.3 joint consensus)', () => {
  it('simple changes add a voter, add a learner, promote, demote and remove — one voter at a time', () => {
    const trk = tracker(base)
    expect(applyTo(trk, new Changer(trk, 10).simple([v('4')])).voters).toEqual(['1', '2', '3', '4'])
    expect(applyTo(trk, new Changer(trk, 10).simple([l('5')])).learners).toEqual(['5'])
    // Promoting a learner and adding a learner touch one voter.
    const promoted = applyTo(trk, new Changer(trk, 10).simple([v('5'), l('6')]))
    expect(promoted.voters).toEqual(['1', '2', '3', '4', '5'])
    expect(promoted.learners).toEqual(['6'])
    const demoted = applyTo(trk, new Changer(trk, 10).simple([l('1')]))
    expect(demoted.voters).toEqual(['2', '3', '4', '5'])
    expect(demoted.learners).toEqual(['1', '6'])
    expect(applyTo(trk, new Changer(trk, 10).simple([r('6'), r('1')])).learners).toEqual([])
  })

  it('refuses simple changes of two voters, of the last voter, and in a joint configuration', () => {
    const trk = tracker(base)
    expect(() => new Changer(trk, 10).simple([v('4'), v('5')])).toThrow(/more than one voter/)
    expect(() => new Changer(trk, 10).simple([r('1'), r('2'), r('3')])).toThrow(/removes all voters/)
    const joint = tracker({ ...base, votersOutgoing: ['1', '2'] })
    expect(() => new Changer(joint, 10).simple([v('4')])).toThrow(ConfChangeError)
  })

  it('enters a joint configuration with the old voters outgoing, and leaves it', () => {
    const trk = tracker(base)
    const joint = applyTo(trk, new Changer(trk, 10).enterJoint(true, [r('3'), v('4'), v('5')]))
    expect(joint).toEqual({
      voters: ['1', '2', '4', '5'],
      votersOutgoing: ['1', '2', '3'],
      learners: [],
      learnersNext: [],
      autoLeave: true,
    })
    // Node 3 still votes in C_old: its progress is kept.
    expect(trk.progress.has('3')).toBe(true)
    expect(() => new Changer(trk, 10).enterJoint(false, [v('6')])).toThrow(/already joint/)
    const left = applyTo(trk, new Changer(trk, 10).leaveJoint())
    expect(left).toEqual({
      voters: ['1', '2', '4', '5'],
      votersOutgoing: [],
      learners: [],
      learnersNext: [],
      autoLeave: false,
    })
    expect(trk.progress.has('3')).toBe(false)
    expect(() => new Changer(trk, 10).leaveJoint()).toThrow(/not joint/)
  })

  it('a demoted outgoing voter waits in learnersNext until the joint configuration is left', () => {
    const trk = tracker(base)
    const joint = applyTo(trk, new Changer(trk, 10).enterJoint(false, [l('3')]))
    expect(joint.learnersNext).toEqual(['3'])
    expect(joint.learners).toEqual([])
    expect(trk.progress.get('3')?.isLearner).toBe(false)
    const left = applyTo(trk, new Changer(trk, 10).leaveJoint())
    expect(left.learners).toEqual(['3'])
    expect(trk.progress.get('3')?.isLearner).toBe(true)
  })

  it('an invalid change leaves the tracker untouched', () => {
    const trk = tracker(base)
    const before = trk.confState()
    expect(() => new Changer(trk, 10).simple([l('1'), l('2'), l('3')])).toThrow(ConfChangeError)
    expect(trk.confState()).toEqual(before)
    expect(trk.progress.get('1')?.isLearner).toBe(false)
  })

  it('restoring an inconsistent persisted configuration is refused', () => {
    expect(() => restoreConfig({ ...base, learners: ['1'] }, 0, 4)).toThrow(/both a learner and a voter/)
    expect(() => restoreConfig({ ...base, learnersNext: ['4'] }, 0, 4)).toThrow(/learnersNext/)
    expect(() => restoreConfig({ ...base, autoLeave: true }, 0, 4)).toThrow(/autoLeave/)
    expect(() => restoreConfig({ ...base, voters: [''] }, 0, 4)).toThrow(/empty node id/)
  })
})
