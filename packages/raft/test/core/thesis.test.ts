import { describe, expect, it } from 'vitest'
import { encodeConfChange } from '../../src/codec/index.js'
import { Changer } from '../../src/core/confchange.js'
import { ConfChangeError, ProposalDroppedError } from '../../src/core/errors.js'
import { PENDING_READS_MAX } from '../../src/core/read-only.js'
import {
  type ConfChange,
  ConfChangeTransition,
  ConfChangeType,
  EntryType,
  MessageType,
  ProgressState,
  Role,
} from '../../src/core/types.js'
import { bootstrapStorage } from './harness/memory-storage.js'
import {
  confOf,
  drain,
  entriesWithTerms,
  msg,
  newCluster,
  newNode,
  persistAndAdvance,
  storageOf,
  takeMessages,
} from './harness/unit.js'

// One test per rule of Ongaro's thesis ("Consensus: Bridging Theory and Practice"): §4 membership
// changes, §5 log compaction, §6 client interaction, §3.10 leadership transfer. Each name cites it.

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function change(transition: ConfChangeTransition, ...changes: [ConfChangeType, string][]): ConfChange {
  return {
    transition,
    changes: changes.map(([type, nodeId]) => ({ type, nodeId })),
    context: new Uint8Array(0),
  }
}

const addVoter = (id: string) => change(ConfChangeTransition.Auto, [ConfChangeType.AddVoter, id])
const removeNode = (id: string) => change(ConfChangeTransition.Auto, [ConfChangeType.RemoveNode, id])
const addLearner = (id: string) => change(ConfChangeTransition.Auto, [ConfChangeType.AddLearner, id])

/** A one-voter leader, with its first entry committed and applied. */
function soloLeader() {
  const node = newNode('1')
  node.campaign()
  drain(node)
  drain(node)
  expect(node.raft.role).toBe(Role.Leader)
  return node
}

describe('thesis §4 — cluster membership changes', () => {
  it('§4.1: a configuration takes effect when its entry is applied, not when it is appended', () => {
    const node = soloLeader()
    node.proposeConfChange(addVoter('2'))
    drain(node)
    expect(node.raft.trk.confState().voters).toEqual(['1'])
    const state = node.applyConfChange(addVoter('2'))
    expect(state.voters).toEqual(['1', '2'])
    expect(node.raft.trk.progress.has('2')).toBe(true)
  })

  it('§4.1: at most one change is pending — a second proposal before the first is applied becomes an empty entry', () => {
    const node = soloLeader()
    node.proposeConfChange(addVoter('2'))
    node.proposeConfChange(addVoter('3'))
    const entries = node.raft.raftLog.allEntries().slice(-2)
    expect(entries[0]?.type).toBe(EntryType.ConfChange)
    expect(entries[1]?.type).toBe(EntryType.Normal)
    expect(entries[1]?.data.length).toBe(0)
    // Once the first is applied, the next one may be proposed.
    const ready = persistAndAdvance(node)
    const applied = persistAndAdvance(node)
    expect(ready.committedEntries.length + applied.committedEntries.length).toBeGreaterThan(0)
    node.applyConfChange(addVoter('2'))
    node.proposeConfChange(addVoter('3'))
    expect(node.raft.raftLog.allEntries().at(-1)?.type).toBe(EntryType.ConfChange)
  })

  it('§4.1: changing two voters in one step without joint consensus is refused and changes nothing', () => {
    const node = soloLeader()
    const before = node.raft.trk.confState()
    const changer = new Changer(node.raft.trk, node.raft.raftLog.lastIndex())
    expect(() =>
      changer.simple([
        { type: ConfChangeType.AddVoter, nodeId: '2' },
        { type: ConfChangeType.AddVoter, nodeId: '3' },
      ]),
    ).toThrow(/more than one voter/)
    // Removing the last voter is refused too, and the node keeps its configuration.
    expect(() => node.applyConfChange(removeNode('1'))).toThrow(ConfChangeError)
    expect(node.raft.trk.confState()).toEqual(before)
    expect(node.raft.role).toBe(Role.Leader)
    // The same two changes through Auto enter a joint configuration instead.
    const joint = node.applyConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [
        { type: ConfChangeType.AddVoter, nodeId: '2' },
        { type: ConfChangeType.AddVoter, nodeId: '3' },
      ],
      context: new Uint8Array(0),
    })
    expect(joint.votersOutgoing).toEqual(['1'])
    expect(joint.autoLeave).toBe(true)
  })

  it('§4.2.1: learners (non-voting members) receive the log but neither vote nor count towards commit', () => {
    const network = newCluster(2, { learners: [] })
    const learner = newNode('3', { storage: bootstrapStorage(confOf(['1', '2'], ['3'])) })
    network.nodes.set('3', learner)
    for (const id of ['1', '2']) {
      network.nodes.set(id, newNode(id, { storage: bootstrapStorage(confOf(['1', '2'], ['3'])) }))
    }
    network.campaign('1')
    const leader = network.get('1')
    expect(leader.raft.role).toBe(Role.Leader)
    network.propose('1', 'x')
    expect(learner.raft.raftLog.committed).toBe(leader.raft.raftLog.committed)
    // Without node 2, the learner's acknowledgement does not make a quorum.
    network.isolate('2')
    network.propose('1', 'y')
    expect(leader.raft.raftLog.lastIndex()).toBe(3)
    expect(leader.raft.raftLog.committed).toBe(2)
    expect(learner.raft.raftLog.lastIndex()).toBe(3)
  })

  it('§4.2.1: a learner never campaigns', () => {
    const learner = newNode('3', { storage: bootstrapStorage(confOf(['1', '2'], ['3'])) })
    for (let i = 0; i < 100; i++) learner.tick()
    learner.campaign()
    expect(learner.raft.role).toBe(Role.Follower)
    expect(takeMessages(learner)).toEqual([])
  })

  it('§4.2.1: a learner is promoted to voter by a conf change once caught up', () => {
    const node = soloLeader()
    node.raft.applyConfChange(addLearner('2'))
    expect(node.raft.trk.progress.get('2')?.isLearner).toBe(true)
    const state = node.raft.applyConfChange(addVoter('2'))
    expect(state.voters).toEqual(['1', '2'])
    expect(state.learners).toEqual([])
    expect(node.raft.trk.progress.get('2')?.isLearner).toBe(false)
  })

  it('§4.2.2: a leader removed from the configuration steps down after applying the change, handing over to a caught-up voter', () => {
    const network = newCluster(3)
    network.campaign('1')
    const leader = network.get('1')
    leader.proposeConfChange(removeNode('1'))
    // Nothing is appended after its own removal, so a voter holding the change holds everything.
    expect(() => leader.propose(encoder.encode('after-removal'))).toThrow(/removing this leader is pending/)
    network.send()
    expect(leader.raft.role).toBe(Role.Leader)
    leader.applyConfChange(removeNode('1'))
    expect(() => leader.propose(encoder.encode('late'))).toThrow(ProposalDroppedError)
    // It steps down at its next tick, once a voter of the new configuration holds its whole log.
    expect(leader.raft.role).toBe(Role.Leader)
    leader.tick()
    expect(leader.raft.role).toBe(Role.Follower)
    const handover = takeMessages(leader).filter((m) => m.type === MessageType.TimeoutNow)
    expect(handover.map((m) => m.to)).toEqual(['2'])
  })

  it('§4.2.2: a node elected while a change removing it is in its log appends nothing after that change but its empty entry', () => {
    const storage = bootstrapStorage(confOf(['1', '2', '3']), [
      { index: 1, term: 1, type: EntryType.ConfChange, data: encodeConfChange(removeNode('1')) },
    ])
    storage.hardState = { term: 1, vote: null, commit: 0 }
    const node = newNode('1', { storage })
    node.campaign()
    for (const id of ['2', '3']) node.step(msg({ type: MessageType.VoteResp, from: id, to: '1', term: 2 }))
    expect(node.raft.role).toBe(Role.Leader)
    expect(node.raft.raftLog.lastIndex()).toBe(2)
    expect(() => node.propose(encoder.encode('x'))).toThrow(/removing this leader is pending/)
  })

  it('§4.2.2: with stepDownOnRemoval off, a removed leader keeps managing the cluster but refuses proposals', () => {
    const network = newCluster(3, { stepDownOnRemoval: false })
    network.campaign('1')
    const leader = network.get('1')
    leader.applyConfChange(removeNode('1'))
    expect(leader.raft.role).toBe(Role.Leader)
    expect(() => leader.propose(encoder.encode('x'))).toThrow(/no longer in the configuration/)
  })

  it('§4.2.3: a removed server cannot disrupt: members hearing from the leader ignore its vote requests', () => {
    const network = newCluster(3, { checkQuorum: true })
    network.campaign('1')
    const follower = network.get('2')
    follower.step(msg({ type: MessageType.Vote, from: '9', to: '2', term: 50, index: 99, logTerm: 99 }))
    expect(follower.raft.term).toBe(1)
    expect(follower.raft.lead).toBe('1')
  })

  it('§4.3: in joint consensus, an entry commits only with a majority of both C_old and C_new', () => {
    const node = newNode('1', { peers: ['1', '2', '3'] })
    node.campaign()
    for (const id of ['2', '3']) node.step(msg({ type: MessageType.VoteResp, from: id, to: '1', term: 1 }))
    drain(node)
    const joint = change(
      ConfChangeTransition.JointExplicit,
      [ConfChangeType.RemoveNode, '2'],
      [ConfChangeType.RemoveNode, '3'],
      [ConfChangeType.AddVoter, '4'],
      [ConfChangeType.AddVoter, '5'],
    )
    const state = node.applyConfChange(joint)
    expect(state.voters).toEqual(['1', '4', '5'])
    expect(state.votersOutgoing).toEqual(['1', '2', '3'])
    node.propose(encoder.encode('x'))
    drain(node)
    const last = node.raft.raftLog.lastIndex()
    // A majority of C_new only (1, 4, 5): not enough.
    for (const id of ['4', '5'])
      node.step(msg({ type: MessageType.AppResp, from: id, to: '1', term: 1, index: last }))
    expect(node.raft.raftLog.committed).toBeLessThan(last)
    // Plus one of C_old (1 + 2 = a majority of {1,2,3}): committed.
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 1, index: last }))
    expect(node.raft.raftLog.committed).toBe(last)
  })

  it('§4.3: in joint consensus, an election needs a majority of both C_old and C_new', () => {
    const storage = bootstrapStorage({
      voters: ['1', '4', '5'],
      votersOutgoing: ['1', '2', '3'],
      learners: [],
      learnersNext: [],
      autoLeave: false,
    })
    const node = newNode('1', { storage })
    node.campaign()
    node.step(msg({ type: MessageType.VoteResp, from: '2', to: '1', term: 1 }))
    node.step(msg({ type: MessageType.VoteResp, from: '3', to: '1', term: 1 }))
    expect(node.raft.role).toBe(Role.Candidate)
    node.step(msg({ type: MessageType.VoteResp, from: '4', to: '1', term: 1 }))
    expect(node.raft.role).toBe(Role.Leader)
  })

  it('§4.3: with an automatic transition the leader proposes leaving the joint configuration once it is applied', () => {
    const node = soloLeader()
    const joint = change(ConfChangeTransition.JointImplicit, [ConfChangeType.AddVoter, '2'])
    node.proposeConfChange(joint)
    const ready = persistAndAdvance(node)
    expect(ready.entries.at(-1)?.type).toBe(EntryType.ConfChange)
    const next = node.ready()
    expect(next.committedEntries.at(-1)?.type).toBe(EntryType.ConfChange)
    node.applyConfChange(joint)
    expect(node.raft.trk.isJoint()).toBe(true)
    node.advance(next)
    // The leave proposal is now in the log.
    const leave = node.raft.raftLog.allEntries().at(-1)
    expect(leave?.type).toBe(EntryType.ConfChange)
    expect(leave?.data).toEqual(
      encodeConfChange({ transition: ConfChangeTransition.Auto, changes: [], context: new Uint8Array(0) }),
    )
    const state = node.applyConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [],
      context: new Uint8Array(0),
    })
    expect(state.votersOutgoing).toEqual([])
    expect(state.voters).toEqual(['1', '2'])
  })

  it('§4.3: while joint, only a leave may be proposed; an empty change outside a joint configuration is refused', () => {
    const node = soloLeader()
    node.proposeConfChange({ transition: ConfChangeTransition.Auto, changes: [], context: new Uint8Array(0) })
    expect(node.raft.raftLog.allEntries().at(-1)?.type).toBe(EntryType.Normal)
    node.raft.applyConfChange(change(ConfChangeTransition.JointExplicit, [ConfChangeType.AddVoter, '2']))
    drain(node)
    node.raft.raftLog.appliedTo(node.raft.raftLog.committed)
    node.proposeConfChange(addVoter('3'))
    expect(node.raft.raftLog.allEntries().at(-1)?.type).toBe(EntryType.Normal)
  })

  it('§4.3: a voter demoted to learner keeps voting in C_old until the joint configuration is left', () => {
    const node = newNode('1', { peers: ['1', '2', '3'] })
    const state = node.raft.applyConfChange(
      change(
        ConfChangeTransition.JointExplicit,
        [ConfChangeType.AddLearner, '3'],
        [ConfChangeType.AddVoter, '4'],
      ),
    )
    expect(state.learnersNext).toEqual(['3'])
    expect(state.learners).toEqual([])
    expect(node.raft.trk.isVoter('3')).toBe(true)
    const left = node.raft.applyConfChange({
      transition: ConfChangeTransition.Auto,
      changes: [],
      context: new Uint8Array(0),
    })
    expect(left.learners).toEqual(['3'])
    expect(left.voters).toEqual(['1', '2', '4'])
  })

  it('§4.1: a node with a committed but unapplied conf change does not campaign (its configuration is not final)', () => {
    const storage = bootstrapStorage(confOf(['1', '2', '3']), [
      { index: 1, term: 1, type: EntryType.ConfChange, data: encodeConfChange(addVoter('4')) },
    ])
    storage.hardState = { term: 1, vote: null, commit: 1 }
    const node = newNode('1', { storage })
    node.campaign()
    expect(node.raft.role).toBe(Role.Follower)
    const ready = node.ready()
    expect(ready.committedEntries.map((e) => e.index)).toEqual([1])
    node.applyConfChange(addVoter('4'))
    node.advance(ready)
    node.campaign()
    expect(node.raft.role).toBe(Role.Candidate)
    expect(takeMessages(node).map((m) => m.to)).toEqual(['2', '3', '4'])
  })

  it('§4.1: a node removed from the configuration does not campaign', () => {
    const node = newNode('1', { peers: ['1', '2', '3'] })
    node.raft.applyConfChange(removeNode('1'))
    for (let i = 0; i < 100; i++) node.tick()
    expect(node.raft.role).toBe(Role.Follower)
  })
})

describe('thesis §5 — log compaction', () => {
  function compactedLeader() {
    const network = newCluster(3)
    network.campaign('1')
    network.isolate('3')
    for (let i = 0; i < 5; i++) network.propose('1', `e${i}`)
    const leader = network.get('1')
    const storage = storageOf(leader)
    storage.compactAt(leader.raft.raftLog.applied, encoder.encode('state'), storage.confState)
    return { network, leader }
  }

  it('§5.1: a follower lagging behind the compacted log is sent the snapshot; the leader tracks it in snapshot state', () => {
    const { network, leader } = compactedLeader()
    network.recover()
    leader.tick()
    const sent: MessageType[] = []
    network.filter = (m) => {
      if (m.to === '3') sent.push(m.type)
      return true
    }
    network.send()
    expect(sent).toContain(MessageType.Snap)
    const follower = network.get('3')
    expect(follower.raft.raftLog.committed).toBe(leader.raft.raftLog.committed)
    expect(leader.raft.trk.progress.get('3')?.state).toBe(ProgressState.Replicate)
  })

  it('§5.1: while a snapshot is in flight the leader sends nothing else to that follower; a failed send returns it to probe', () => {
    const { network, leader } = compactedLeader()
    network.recover()
    network.filter = (m) => m.type !== MessageType.Snap
    leader.tick()
    network.send()
    const progress = leader.raft.trk.progress.get('3')
    expect(progress?.state).toBe(ProgressState.Snapshot)
    expect(leader.raft.maybeSendAppend('3', true)).toBe(false)
    leader.reportSnapshot('3', false)
    expect(progress?.state).toBe(ProgressState.Probe)
    expect(progress?.pendingSnapshot).toBe(0)
  })

  it('§5.1: a snapshot whose last entry the follower already holds only advances its commit (the log is kept)', () => {
    const storage = bootstrapStorage(confOf(['1', '2']), entriesWithTerms([1, 1, 1]))
    const node = newNode('2', { storage })
    node.raft.becomeFollower(1, '1')
    node.step(
      msg({
        type: MessageType.Snap,
        from: '1',
        to: '2',
        term: 1,
        snapshot: { metadata: { index: 2, term: 1, confState: confOf(['1', '2']) }, data: new Uint8Array(0) },
      }),
    )
    expect(node.raft.raftLog.committed).toBe(2)
    expect(node.raft.raftLog.lastIndex()).toBe(3)
    expect(node.raft.raftLog.unstable.snapshot).toBe(null)
  })

  it('§5.1: a snapshot older than the commit index is ignored', () => {
    const storage = bootstrapStorage(confOf(['1', '2']), entriesWithTerms([1, 1, 1]))
    storage.hardState = { term: 1, vote: null, commit: 3 }
    const node = newNode('2', { storage })
    node.step(
      msg({
        type: MessageType.Snap,
        from: '1',
        to: '2',
        term: 1,
        snapshot: { metadata: { index: 2, term: 1, confState: confOf(['1', '2']) }, data: new Uint8Array(0) },
      }),
    )
    expect(node.raft.raftLog.unstable.snapshot).toBe(null)
    expect(takeMessages(node).map((m) => [m.type, m.index])).toEqual([[MessageType.AppResp, 3]])
  })

  it('§5.1: a newer snapshot replaces the log; the next Ready carries it and the membership it records', () => {
    const node = newNode('2', { peers: ['1', '2'] })
    node.step(
      msg({
        type: MessageType.Snap,
        from: '1',
        to: '2',
        term: 3,
        snapshot: {
          metadata: { index: 10, term: 3, confState: confOf(['1', '2', '3']) },
          data: encoder.encode('s'),
        },
      }),
    )
    const ready = node.ready()
    expect(ready.snapshot?.metadata.index).toBe(10)
    expect(ready.committedEntries).toEqual([])
    expect(node.raft.trk.confState().voters).toEqual(['1', '2', '3'])
    storageOf(node).applySnapshot(ready.snapshot as NonNullable<typeof ready.snapshot>)
    node.advance(ready)
    expect(node.status().applied).toBe(10)
    expect(node.status().firstIndex).toBe(11)
  })

  it('§5.1: after compaction, consistency checks use the snapshot’s last index and term', () => {
    const storage = bootstrapStorage(confOf(['1', '2']), entriesWithTerms([1, 1, 2, 2]))
    storage.hardState = { term: 2, vote: null, commit: 4 }
    storage.compactAt(3, new Uint8Array(0), confOf(['1', '2']))
    const node = newNode('2', { storage, applied: 3 })
    node.step(
      msg({
        type: MessageType.App,
        from: '1',
        to: '2',
        term: 2,
        index: 3,
        logTerm: 2,
        entries: [{ index: 4, term: 2, type: EntryType.Normal, data: new Uint8Array(0) }],
        commit: 4,
      }),
    )
    expect(takeMessages(node).map((m) => [m.reject, m.index])).toEqual([[false, 4]])
  })

  it('§5.3 (thesis): a restarted node resumes from its snapshot, hard state and log', () => {
    const storage = bootstrapStorage(confOf(['1', '2', '3']), entriesWithTerms([1, 1, 2, 2]))
    storage.hardState = { term: 2, vote: '1', commit: 4 }
    storage.compactAt(2, new Uint8Array(0), confOf(['1', '2', '3']))
    const node = newNode('1', { storage, applied: 2 })
    const status = node.status()
    expect(status.term).toBe(2)
    expect(status.vote).toBe('1')
    expect(status.commit).toBe(4)
    expect(status.firstIndex).toBe(3)
    expect(node.ready().committedEntries.map((e) => e.index)).toEqual([3, 4])
  })
})

describe('thesis §6 — client interaction', () => {
  it('§6.2: a follower forwards proposals to the leader', () => {
    const network = newCluster(3)
    network.campaign('1')
    network.propose('2', 'from-follower')
    const leader = network.get('1')
    expect(leader.raft.raftLog.allEntries().some((e) => decoder.decode(e.data) === 'from-follower')).toBe(
      true,
    )
    expect(network.get('3').raft.raftLog.committed).toBe(leader.raft.raftLog.lastIndex())
  })

  it('§6.2: with no leader known, a proposal is dropped with ProposalDroppedError', () => {
    const node = newNode('1', { peers: ['1', '2', '3'] })
    expect(() => node.propose(encoder.encode('x'))).toThrow(ProposalDroppedError)
    node.campaign()
    expect(() => node.propose(encoder.encode('x'))).toThrow(/campaigning/)
  })

  it('§6.2: with forwarding disabled, a follower drops proposals', () => {
    const network = newCluster(3, { proposalForwarding: false })
    network.campaign('1')
    expect(() => network.get('2').propose(encoder.encode('x'))).toThrow(/forwarding is disabled/)
  })

  it('§6.4: ReadIndex — the leader records its commit index and answers once a heartbeat round confirms its leadership', () => {
    const network = newCluster(3)
    network.campaign('1')
    const leader = network.get('1')
    // Hold heartbeat responses to see the read wait for them.
    network.filter = (m) => m.type !== MessageType.HeartbeatResp
    leader.readIndex(encoder.encode('ctx'))
    network.send()
    expect(leader.hasReady()).toBe(false)
    network.filter = null
    leader.readIndex(encoder.encode('ctx2'))
    network.get('1').raft.flushBroadcast()
    const reads: { index: number; context: string }[] = []
    const originalDrain = leader.ready.bind(leader)
    leader.ready = () => {
      const ready = originalDrain()
      for (const read of ready.readStates)
        reads.push({ index: read.index, context: decoder.decode(read.context) })
      return ready
    }
    network.send()
    expect(reads).toEqual([
      { index: 1, context: 'ctx' },
      { index: 1, context: 'ctx2' },
    ])
  })

  it('§6.4: a new leader serves no read until it has committed an entry of its own term', () => {
    const node = newNode('1', { peers: ['1', '2', '3'] })
    node.campaign()
    for (const id of ['2', '3']) node.step(msg({ type: MessageType.VoteResp, from: id, to: '1', term: 1 }))
    drain(node)
    node.readIndex(encoder.encode('early'))
    expect(takeMessages(node).filter((m) => m.type === MessageType.Heartbeat)).toEqual([])
    expect(node.raft.pendingReadCount()).toBe(1)
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 1, index: 1 }))
    const heartbeats = takeMessages(node).filter((m) => m.type === MessageType.Heartbeat)
    expect(heartbeats.map((m) => decoder.decode(m.context))).toEqual(['early', 'early'])
  })

  it('§6.4: a leader cut off from the majority never confirms a read', () => {
    const network = newCluster(3)
    network.campaign('1')
    network.isolate('1')
    const leader = network.get('1')
    leader.readIndex(encoder.encode('stale?'))
    network.send()
    expect(leader.raft.pendingReadCount()).toBe(1)
    expect(leader.hasReady()).toBe(false)
  })

  it('§6.4: a leader holds a bounded number of unconfirmed reads and drops the rest', () => {
    const network = newCluster(3)
    network.campaign('1')
    network.isolate('1')
    const leader = network.get('1')
    for (let i = 0; i < PENDING_READS_MAX + 10; i++) leader.readIndex(encoder.encode(`r${i}`))
    expect(leader.raft.pendingReadCount()).toBe(PENDING_READS_MAX)
  })

  it('§6.4: a follower’s read is forwarded and answered with the leader’s read index', () => {
    const network = newCluster(3)
    network.campaign('1')
    network.propose('1', 'a')
    const follower = network.get('3')
    let readIndex = -1
    const ready = follower.ready.bind(follower)
    follower.ready = () => {
      const r = ready()
      for (const read of r.readStates) readIndex = read.index
      return r
    }
    follower.readIndex(encoder.encode('f'))
    network.send()
    expect(readIndex).toBe(network.get('1').raft.raftLog.committed)
  })

  it('§6.4.1: with lease-based reads the leader answers at once; lease reads require CheckQuorum', () => {
    const network = newCluster(3, { checkQuorum: true, readOnly: 'lease-based' })
    network.campaign('1')
    const leader = network.get('1')
    leader.readIndex(encoder.encode('fast'))
    expect(takeMessages(leader).filter((m) => m.type === MessageType.Heartbeat)).toEqual([])
    expect(leader.ready().readStates.map((r) => r.index)).toEqual([1])
    expect(() => newNode('9', { readOnly: 'lease-based', checkQuorum: false })).toThrow(/require checkQuorum/)
  })

  it('§6 / flow control: a leader drops proposals beyond uncommittedBytesMax until entries commit', () => {
    const node = newNode('1', { peers: ['1', '2'], uncommittedBytesMax: 10 })
    node.campaign()
    node.step(msg({ type: MessageType.VoteResp, from: '2', to: '1', term: 1 }))
    drain(node)
    node.propose(new Uint8Array(8))
    expect(() => node.propose(new Uint8Array(8))).toThrow(/uncommitted/)
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 1, index: 2 }))
    drain(node)
    expect(() => node.propose(new Uint8Array(8))).not.toThrow()
  })
})

describe('thesis §3.10 — leadership transfer', () => {
  it('§3.10: the leader sends TimeoutNow to an up-to-date transferee, which wins at once', () => {
    const network = newCluster(3, { preVote: true, checkQuorum: true })
    network.campaign('1')
    network.get('1').transferLeader('2')
    network.send()
    expect(network.get('2').raft.role).toBe(Role.Leader)
    expect(network.get('1').raft.role).toBe(Role.Follower)
    expect(network.get('2').raft.term).toBe(2)
  })

  it('§3.10: the leader first catches a lagging transferee up, and refuses proposals meanwhile', () => {
    const network = newCluster(3)
    network.campaign('1')
    network.isolate('3')
    network.propose('1', 'a')
    const leader = network.get('1')
    leader.transferLeader('3')
    expect(leader.raft.leadTransferee).toBe('3')
    expect(() => leader.propose(encoder.encode('b'))).toThrow(/transferred/)
    network.recover()
    leader.tick()
    network.send()
    expect(network.get('3').raft.role).toBe(Role.Leader)
  })

  it('§3.10: a transfer that does not finish within an election timeout is abandoned', () => {
    const network = newCluster(3)
    network.campaign('1')
    network.isolate('3')
    const leader = network.get('1')
    leader.transferLeader('3')
    for (let i = 0; i < 10; i++) leader.tick()
    expect(leader.raft.leadTransferee).toBe(null)
    expect(leader.raft.role).toBe(Role.Leader)
    expect(() => leader.propose(encoder.encode('ok'))).not.toThrow()
  })

  it('§3.10: transfers to a learner or to the leader itself are ignored', () => {
    const storage = () => bootstrapStorage(confOf(['1', '2'], ['3']))
    const leader = newNode('1', { storage: storage() })
    leader.campaign()
    leader.step(msg({ type: MessageType.VoteResp, from: '2', to: '1', term: 1 }))
    leader.transferLeader('3')
    expect(leader.raft.leadTransferee).toBe(null)
    leader.transferLeader('1')
    expect(leader.raft.leadTransferee).toBe(null)
  })
})
