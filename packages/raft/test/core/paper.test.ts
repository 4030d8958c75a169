import { SeededRandom } from '@tandem/base'
import { describe, expect, it } from 'vitest'
import { CAMPAIGN_TRANSFER_CONTEXT } from '../../src/core/messages.js'
import { type Message, MessageType, ProgressState, Role } from '../../src/core/types.js'
import { bootstrapStorage } from './harness/memory-storage.js'
import {
  confOf,
  drain,
  entriesWithTerms,
  entry,
  msg,
  newCluster,
  newNode,
  persistAndAdvance,
  takeMessages,
} from './harness/unit.js'

// One test per rule of the Raft paper's §5 ("In Search of an Understandable Consensus Algorithm",
// extended version), in the spirit of etcd's raft_paper_test.go. Each name cites its section.

const three = ['1', '2', '3']

function types(messages: readonly Message[]): MessageType[] {
  return messages.map((m) => m.type)
}

/** A node of a 3-voter cluster that has become leader of `term` (votes granted by hand). */
function leaderOf(term = 1) {
  const node = newNode('1', { peers: three })
  node.raft.becomeFollower(term - 1, null)
  node.raft.becomeCandidate()
  node.raft.becomeLeader()
  drain(node)
  return node
}

describe('Raft paper §5.1 — terms', () => {
  for (const role of [Role.Follower, Role.Candidate, Role.Leader] as const) {
    it(`§5.1: a ${['follower', '', 'candidate', 'leader'][role]} seeing a larger term adopts it and becomes a follower`, () => {
      const node = newNode('1', { peers: three })
      if (role === Role.Candidate) node.raft.becomeCandidate()
      if (role === Role.Leader) {
        node.raft.becomeCandidate()
        node.raft.becomeLeader()
      }
      node.step(msg({ type: MessageType.App, from: '2', to: '1', term: 5 }))
      expect(node.raft.term).toBe(5)
      expect(node.raft.role).toBe(Role.Follower)
      expect(node.raft.lead).toBe('2')
    })
  }

  it('§5.1: a request with a stale term is rejected (ignored; a stale leader learns the newer term)', () => {
    const node = newNode('1', { peers: three, checkQuorum: true })
    node.raft.becomeFollower(2, null)
    node.step(msg({ type: MessageType.App, from: '2', to: '1', term: 1, entries: [entry(1, 1)], index: 0 }))
    expect(node.raft.raftLog.lastIndex()).toBe(0)
    const out = takeMessages(node)
    // With CheckQuorum, the answer carries the newer term so that the stale leader steps down.
    expect(out).toHaveLength(1)
    expect(out[0]?.type).toBe(MessageType.AppResp)
    expect(out[0]?.term).toBe(2)
    node.step(msg({ type: MessageType.Vote, from: '3', to: '1', term: 1, index: 5, logTerm: 1 }))
    expect(takeMessages(node)).toEqual([])
    expect(node.raft.vote).toBe(null)
  })

  it('§5.1: every server starts as a follower', () => {
    const node = newNode('1', { peers: three })
    expect(node.raft.role).toBe(Role.Follower)
    expect(node.raft.term).toBe(0)
  })
})

describe('Raft paper §5.2 — leader election', () => {
  it('§5.2: a leader sends heartbeats to every follower each heartbeat interval', () => {
    const node = leaderOf()
    takeMessages(node)
    node.tick()
    const out = takeMessages(node)
    expect(types(out)).toEqual([MessageType.Heartbeat, MessageType.Heartbeat])
    expect(out.map((m) => m.to)).toEqual(['2', '3'])
    expect(out.every((m) => m.term === 1)).toBe(true)
  })

  for (const role of [Role.Follower, Role.Candidate] as const) {
    it(`§5.2: a ${role === Role.Follower ? 'follower' : 'candidate'} whose election timeout elapses starts an election: new term, own vote, RequestVote to all`, () => {
      const node = newNode('1', { peers: three })
      if (role === Role.Candidate) node.raft.becomeCandidate()
      const termBefore = node.raft.term
      // The injected source adds no jitter here, so the timeout is exactly 10 ticks.
      for (let i = 0; i < 10; i++) node.tick()
      expect(node.raft.role).toBe(Role.Candidate)
      expect(node.raft.term).toBe(termBefore + 1)
      expect(node.raft.vote).toBe('1')
      const out = takeMessages(node)
      expect(types(out)).toEqual([MessageType.Vote, MessageType.Vote])
      expect(out.map((m) => m.to)).toEqual(['2', '3'])
    })
  }

  it('§5.2 (Figure 2): the election timer restarts when a vote is granted, not for a newer-term candidate that is refused', () => {
    // Regression (found by @tandem/sim, seed 1490 with --prevote swarm): restarting the timer on
    // every newer-term RequestVote let a candidate that cannot win keep electable nodes from ever
    // timing out first — an election livelock without PreVote.
    const follower = (): ReturnType<typeof newNode> => {
      const node = newNode('1', { peers: three })
      node.step(
        msg({
          type: MessageType.App,
          from: '2',
          to: '1',
          term: 2,
          index: 0,
          logTerm: 0,
          entries: [entry(1, 2)],
        }),
      )
      persistAndAdvance(node)
      for (let i = 0; i < 6; i++) node.tick()
      return node
    }
    const refusing = follower()
    refusing.step(msg({ type: MessageType.Vote, from: '3', to: '1', term: 5, index: 0, logTerm: 0 }))
    expect(refusing.raft.term).toBe(5)
    expect(refusing.raft.vote).toBe(null)
    for (let i = 0; i < 4; i++) refusing.tick()
    expect(refusing.raft.role, 'the timer kept running through the refused vote').toBe(Role.Candidate)
    expect(refusing.raft.term).toBe(6)

    const granting = follower()
    granting.step(msg({ type: MessageType.Vote, from: '3', to: '1', term: 5, index: 1, logTerm: 2 }))
    expect(granting.raft.vote).toBe('3')
    for (let i = 0; i < 4; i++) granting.tick()
    expect(granting.raft.role, 'granting a vote restarts the timer').toBe(Role.Follower)
  })

  const oneRound: [number, Record<string, boolean>, Role][] = [
    [1, {}, Role.Leader],
    [3, { '2': true, '3': true }, Role.Leader],
    [3, { '2': true }, Role.Leader],
    [5, { '2': true, '3': true, '4': true, '5': true }, Role.Leader],
    [5, { '2': true, '3': true, '4': true }, Role.Leader],
    [5, { '2': true, '3': true }, Role.Leader],
    [3, { '2': false, '3': false }, Role.Follower],
    [5, { '2': false, '3': false, '4': false, '5': false }, Role.Follower],
    [5, { '2': true, '3': false, '4': false, '5': false }, Role.Follower],
    [3, {}, Role.Candidate],
    [5, { '2': true }, Role.Candidate],
    [5, { '2': false, '3': false }, Role.Candidate],
    [5, {}, Role.Candidate],
  ]
  for (const [size, votes, expected] of oneRound) {
    it(`§5.2: a candidate with ${JSON.stringify(votes)} of ${size} voters ends up ${['follower', '', 'candidate', 'leader'][expected]} (wins with a majority, loses to a majority of rejections)`, () => {
      const peers = Array.from({ length: size }, (_, i) => String(i + 1))
      const node = newNode('1', { peers })
      node.campaign()
      for (const [from, granted] of Object.entries(votes)) {
        node.step(msg({ type: MessageType.VoteResp, from, to: '1', term: node.raft.term, reject: !granted }))
      }
      expect(node.raft.role).toBe(expected)
      expect(node.raft.term).toBe(1)
    })
  }

  const voteCases: [string | null, string, boolean][] = [
    [null, '2', false],
    [null, '3', false],
    ['2', '2', false],
    ['3', '3', false],
    ['2', '3', true],
    ['3', '2', true],
  ]
  for (const [votedFor, candidate, rejected] of voteCases) {
    it(`§5.2: a follower votes for at most one candidate per term, first come first served (voted ${votedFor ?? 'none'}, asked by ${candidate})`, () => {
      const node = newNode('1', { peers: three })
      node.raft.becomeFollower(1, null)
      node.raft.vote = votedFor
      node.step(msg({ type: MessageType.Vote, from: candidate, to: '1', term: 1 }))
      const out = takeMessages(node)
      expect(out).toHaveLength(1)
      expect(out[0]?.type).toBe(MessageType.VoteResp)
      expect(out[0]?.reject).toBe(rejected)
    })
  }

  for (const term of [1, 2]) {
    it(`§5.2: a candidate receiving AppendEntries from a leader of term ${term} (≥ its own) returns to follower`, () => {
      const node = newNode('1', { peers: three })
      node.campaign()
      expect(node.raft.role).toBe(Role.Candidate)
      node.step(msg({ type: MessageType.App, from: '2', to: '1', term }))
      expect(node.raft.role).toBe(Role.Follower)
      expect(node.raft.term).toBe(term)
      expect(node.raft.lead).toBe('2')
    })
  }

  it('§5.2: election timeouts are randomized in [electionTimeout, 2 × electionTimeout), from the injected source', () => {
    const seen = new Set<number>()
    const random = new SeededRandom(7)
    for (let round = 0; round < 200; round++) {
      const node = newNode('1', { peers: three, random })
      node.raft.becomeFollower(round + 1, null)
      let ticks = 0
      while (node.raft.role === Role.Follower) {
        node.tick()
        ticks++
      }
      expect(ticks).toBeGreaterThanOrEqual(10)
      expect(ticks).toBeLessThan(20)
      seen.add(ticks)
    }
    // Every timeout in the range occurs: split votes are unlikely.
    expect(seen.size).toBe(10)
  })

  it('§5.2: randomized timeouts make followers rarely time out together (split votes are rare)', () => {
    let conflicts = 0
    const random = new SeededRandom(11)
    for (let round = 0; round < 500; round++) {
      const nodes = three.map((id) => newNode(id, { peers: three, random }))
      let timedOut = 0
      for (let tick = 0; tick < 20 && timedOut === 0; tick++) {
        for (const node of nodes) node.tick()
        timedOut = nodes.filter((node) => node.raft.role === Role.Candidate).length
      }
      if (timedOut > 1) conflicts++
    }
    expect(conflicts / 500).toBeLessThanOrEqual(0.3)
  })
})

describe('Raft paper §5.3 — log replication', () => {
  it('§5.3: the leader appends a command to its log, then sends AppendEntries to every follower in parallel', () => {
    const node = leaderOf()
    // Followers acknowledged the leader's empty entry, so they stream (Replicate state).
    for (const id of ['2', '3'])
      node.step(msg({ type: MessageType.AppResp, from: id, to: '1', term: 1, index: 1 }))
    drain(node)
    node.propose(new TextEncoder().encode('some data'))
    expect(node.raft.raftLog.lastIndex()).toBe(2)
    const ready = node.ready()
    expect(ready.entries.map((e) => e.index)).toEqual([2])
    const apps = ready.messages.filter((o) => o.message.type === MessageType.App)
    expect(apps.map((o) => o.message.to)).toEqual(['2', '3'])
    for (const outbound of apps) {
      expect(outbound.message.index).toBe(1)
      expect(outbound.message.logTerm).toBe(1)
      expect(outbound.message.entries.map((e) => e.index)).toEqual([2])
      // The leader's appends may leave while its own write is in progress.
      expect(outbound.afterPersist).toBe(false)
    }
  })

  it('§5.3: an entry is committed once the leader has replicated it on a majority; the commit index reaches followers', () => {
    const node = leaderOf()
    for (const id of ['2', '3'])
      node.step(msg({ type: MessageType.AppResp, from: id, to: '1', term: 1, index: 1 }))
    drain(node)
    node.propose(new TextEncoder().encode('x'))
    drain(node)
    expect(node.raft.raftLog.committed).toBe(1)
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 1, index: 2 }))
    expect(node.raft.raftLog.committed).toBe(2)
    const ready = persistAndAdvance(node)
    expect(ready.committedEntries.map((e) => e.index)).toEqual([2])
    const commits = ready.messages.filter((o) => o.message.type === MessageType.App).map((o) => o.message)
    expect(commits.map((m) => m.to).sort()).toEqual(['2', '3'])
    expect(commits.every((m) => m.commit === 2)).toBe(true)
  })

  const ackCases: [number, string[], boolean][] = [
    [1, [], true],
    [3, [], false],
    [3, ['2'], true],
    [3, ['2', '3'], true],
    [5, [], false],
    [5, ['2'], false],
    [5, ['2', '3'], true],
    [5, ['2', '3', '4'], true],
    [5, ['2', '3', '4', '5'], true],
  ]
  for (const [size, acks, committed] of ackCases) {
    it(`§5.3: with ${size} voters and acknowledgements from [${acks}], the entry is ${committed ? '' : 'not '}committed`, () => {
      const peers = Array.from({ length: size }, (_, i) => String(i + 1))
      const node = newNode('1', { peers })
      node.campaign()
      for (const id of peers.slice(1))
        node.step(msg({ type: MessageType.VoteResp, from: id, to: '1', term: 1 }))
      expect(node.raft.role).toBe(Role.Leader)
      drain(node)
      const commitBefore = node.raft.raftLog.committed
      node.propose(new TextEncoder().encode('x'))
      drain(node)
      const last = node.raft.raftLog.lastIndex()
      for (const id of acks)
        node.step(msg({ type: MessageType.AppResp, from: id, to: '1', term: 1, index: last }))
      expect(node.raft.raftLog.committed > commitBefore && node.raft.raftLog.committed === last).toBe(
        committed,
      )
    })
  }

  it("§5.3: committing an entry also commits all preceding entries, including earlier leaders' (once the current term's entry commits)", () => {
    const storage = bootstrapStorage(confOf(three), entriesWithTerms([1, 2]))
    storage.hardState = { term: 2, vote: null, commit: 0 }
    const node = newNode('1', { storage })
    node.raft.becomeCandidate()
    node.raft.becomeLeader()
    node.propose(new TextEncoder().encode('x'))
    drain(node)
    expect(node.raft.raftLog.committed).toBe(0)
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 3, index: 4 }))
    expect(node.raft.raftLog.committed).toBe(4)
    expect(persistAndAdvance(node).committedEntries.map((e) => e.index)).toEqual([1, 2, 3, 4])
  })

  it('§5.3: a follower applies an entry once it learns that the entry is committed', () => {
    const node = newNode('1', { peers: three })
    node.step(
      msg({
        type: MessageType.App,
        from: '2',
        to: '1',
        term: 1,
        index: 0,
        logTerm: 0,
        entries: [entry(1, 1, 'a'), entry(2, 1, 'b')],
        commit: 1,
      }),
    )
    let ready = persistAndAdvance(node)
    expect(ready.committedEntries.map((e) => e.index)).toEqual([1])
    node.step(msg({ type: MessageType.Heartbeat, from: '2', to: '1', term: 1, commit: 2 }))
    ready = persistAndAdvance(node)
    expect(ready.committedEntries.map((e) => e.index)).toEqual([2])
  })

  const checkCases: [number, number, boolean, number][] = [
    // [prev index, prev term, rejected, acknowledged or hinted index]
    [0, 0, false, 0],
    [1, 1, false, 1],
    [2, 2, false, 2],
    [1, 2, true, 1],
    [3, 3, true, 2],
  ]
  for (const [index, logTerm, rejected, hint] of checkCases) {
    it(`§5.3: a follower ${rejected ? 'rejects' : 'accepts'} AppendEntries after (${index}, term ${logTerm}): it must hold an entry with that index and term`, () => {
      const storage = bootstrapStorage(confOf(three), entriesWithTerms([1, 2]))
      storage.hardState = { term: 2, vote: null, commit: 1 }
      const node = newNode('1', { storage })
      node.raft.becomeFollower(2, '2')
      node.step(msg({ type: MessageType.App, from: '2', to: '1', term: 2, index, logTerm, commit: 1 }))
      const out = takeMessages(node)
      expect(out).toHaveLength(1)
      expect(out[0]?.reject).toBe(rejected)
      if (rejected) expect(out[0]?.rejectHint).toBe(hint)
      else expect(out[0]?.index).toBe(Math.max(hint, 1))
    })
  }

  const appendCases: [number, number, number[], number[]][] = [
    // [prev index, prev term, new entry terms (from prev+1), resulting log terms]
    [2, 2, [3], [1, 2, 3]],
    [1, 1, [3, 4], [1, 3, 4]],
    [0, 0, [1], [1, 2]],
    [0, 0, [3], [3]],
  ]
  for (const [index, logTerm, newTerms, expected] of appendCases) {
    it(`§5.3: a follower deletes conflicting entries and appends new ones (after ${index}: ${newTerms} → ${expected})`, () => {
      const storage = bootstrapStorage(confOf(three), entriesWithTerms([1, 2]))
      storage.hardState = { term: 2, vote: null, commit: 0 }
      const node = newNode('1', { storage })
      node.raft.becomeFollower(2, '2')
      const entries = newTerms.map((term, i) => entry(index + 1 + i, term))
      node.step(
        msg({
          type: MessageType.App,
          from: '2',
          to: '1',
          term: Math.max(2, ...newTerms),
          index,
          logTerm,
          entries,
        }),
      )
      expect(node.raft.raftLog.allEntries().map((e) => e.term)).toEqual(expected)
    })
  }

  // Figure 7 of the paper: followers (a)–(f) with missing, extra and conflicting entries.
  const leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6]
  const followers: [string, number[]][] = [
    ['a', [1, 1, 1, 4, 4, 5, 5, 6, 6]],
    ['b', [1, 1, 1, 4]],
    ['c', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]],
    ['d', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]],
    ['e', [1, 1, 1, 4, 4, 4, 4]],
    ['f', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]],
  ]
  for (const [name, followerTerms] of followers) {
    it(`§5.3: the leader brings follower (${name}) of figure 7 into consistency with its own log`, () => {
      const leaderStorage = bootstrapStorage(confOf(three), entriesWithTerms(leaderTerms))
      leaderStorage.hardState = { term: 8, vote: null, commit: leaderTerms.length }
      const followerStorage = bootstrapStorage(confOf(three), entriesWithTerms(followerTerms))
      followerStorage.hardState = { term: 7, vote: null, commit: 0 }
      const voterStorage = bootstrapStorage(confOf(three), [])
      voterStorage.hardState = { term: 7, vote: null, commit: 0 }
      const network = newCluster(3)
      network.nodes.set('1', newNode('1', { storage: leaderStorage }))
      network.nodes.set('2', newNode('2', { storage: followerStorage }))
      network.nodes.set('3', newNode('3', { storage: voterStorage }))
      // Node 3 (empty log) grants the vote; node 2 (the figure's follower) may refuse.
      network.campaign('1')
      expect(network.get('1').raft.role).toBe(Role.Leader)
      network.propose('1', 'sync')
      const leaderLog = network
        .get('1')
        .raft.raftLog.allEntries()
        .map((e) => `${e.index}/${e.term}`)
      const followerLog = network
        .get('2')
        .raft.raftLog.allEntries()
        .map((e) => `${e.index}/${e.term}`)
      expect(followerLog).toEqual(leaderLog)
    })
  }
})

describe('Raft paper §5.4 — safety', () => {
  it('§5.4.1: RequestVote carries the candidate’s last log index and term', () => {
    const storage = bootstrapStorage(confOf(three), entriesWithTerms([1, 2]))
    storage.hardState = { term: 2, vote: null, commit: 0 }
    const node = newNode('1', { storage })
    node.campaign()
    const votes = drain(node).filter((m) => m.type === MessageType.Vote)
    expect(votes).toHaveLength(2)
    for (const vote of votes) {
      expect(vote.index).toBe(2)
      expect(vote.logTerm).toBe(2)
      expect(vote.term).toBe(3)
    }
  })

  const voterCases: [number[], number, number, boolean][] = [
    // [voter log terms, candidate last term, candidate last index, rejected]
    [[1], 1, 1, false],
    [[1], 1, 2, false],
    [[1, 1], 1, 1, true],
    [[1], 2, 1, false],
    [[1], 2, 2, false],
    [[1, 1], 2, 1, false],
    [[2], 1, 1, true],
    [[2], 1, 2, true],
    [[2, 1], 1, 1, true],
  ]
  for (const [terms, logTerm, index, rejected] of voterCases) {
    it(`§5.4.1: a voter ${rejected ? 'denies' : 'grants'} its vote when its log [${terms}] is ${rejected ? 'more' : 'not more'} up to date than the candidate's (${index}, term ${logTerm})`, () => {
      const storage = bootstrapStorage(confOf(three), entriesWithTerms(terms))
      const node = newNode('1', { storage })
      node.step(msg({ type: MessageType.Vote, from: '2', to: '1', term: 3, index, logTerm }))
      const out = takeMessages(node)
      expect(out).toHaveLength(1)
      expect(out[0]?.type).toBe(MessageType.VoteResp)
      expect(out[0]?.reject).toBe(rejected)
    })
  }

  const onlyCurrentTerm: [number, number][] = [
    // [acknowledged index, resulting commit]: entries 1-2 are from term 1, entry 3 from term 2.
    [1, 0],
    [2, 0],
    [3, 3],
  ]
  for (const [acked, commit] of onlyCurrentTerm) {
    it(`§5.4.2: a leader commits by counting replicas only entries of its current term (ack of ${acked} → commit ${commit})`, () => {
      const storage = bootstrapStorage(confOf(three), entriesWithTerms([1, 1]))
      storage.hardState = { term: 1, vote: null, commit: 0 }
      const node = newNode('1', { storage })
      node.raft.becomeCandidate()
      node.raft.becomeLeader()
      drain(node)
      expect(node.raft.term).toBe(2)
      node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 2, index: acked }))
      expect(node.raft.raftLog.committed).toBe(commit)
    })
  }

  it('§5.4.3: a new leader holds every committed entry (leader completeness) — an outdated node cannot win', () => {
    const network = newCluster(3)
    network.campaign('1')
    network.isolate('3')
    network.propose('1', 'committed-while-3-was-away')
    network.recover()
    // Node 3's log lacks the committed entry: the others refuse it their votes.
    network.campaign('3')
    expect(network.get('3').raft.role).not.toBe(Role.Leader)
    network.campaign('2')
    const leader = network.get('2')
    expect(leader.raft.role).toBe(Role.Leader)
    expect(
      leader.raft.raftLog
        .allEntries()
        .some((e) => new TextDecoder().decode(e.data) === 'committed-while-3-was-away'),
    ).toBe(true)
  })
})

describe('persistence before answering (§5 "Rules for Servers": respond after stable storage)', () => {
  it('§5.1/§5.2: vote and append responses wait for their batch to be durable; a leader’s appends do not', () => {
    const follower = newNode('2', { peers: three })
    follower.step(msg({ type: MessageType.Vote, from: '1', to: '2', term: 1 }))
    const voteReady = follower.ready()
    expect(voteReady.hardState?.vote).toBe('1')
    expect(voteReady.messages.map((o) => [o.message.type, o.afterPersist])).toEqual([
      [MessageType.VoteResp, true],
    ])
    follower.advance(voteReady)
    follower.step(
      msg({
        type: MessageType.App,
        from: '1',
        to: '2',
        term: 1,
        index: 0,
        logTerm: 0,
        entries: [entry(1, 1)],
      }),
    )
    const appendReady = follower.ready()
    expect(appendReady.entries).toHaveLength(1)
    expect(appendReady.messages.map((o) => [o.message.type, o.afterPersist])).toEqual([
      [MessageType.AppResp, true],
    ])
  })

  it('§5.1: no message carrying a term leaves before that term is durable (a lone voter wins without a round trip)', () => {
    // One voter and one learner: the voter wins at once, but a crash before its new term is
    // durable would let it lead the same term again with a different log.
    const node = newNode('1', { storage: bootstrapStorage(confOf(['1'], ['2'])) })
    node.campaign()
    expect(node.raft.role).toBe(Role.Leader)
    const ready = node.ready()
    expect(ready.hardState?.term).toBe(1)
    const apps = ready.messages.filter((o) => o.message.type === MessageType.App)
    expect(apps.map((o) => [o.message.to, o.afterPersist])).toEqual([['2', true]])
    storageOfAppend(node, ready)
    node.advance(ready)
    node.propose(new TextEncoder().encode('x'))
    // Once the term is durable, the leader's appends leave at once again.
    expect(node.ready().messages.every((o) => !o.afterPersist)).toBe(true)
  })

  it('§5.3: the leader counts its own log towards a quorum only once it is persisted (onPersisted)', () => {
    const node = newNode('1')
    node.campaign()
    expect(node.raft.role).toBe(Role.Leader)
    const first = node.ready()
    expect(first.entries).toHaveLength(1)
    // Not persisted yet: a one-voter cluster cannot commit.
    expect(node.raft.raftLog.committed).toBe(0)
    expect(first.committedEntries).toHaveLength(0)
    storageOfAppend(node, first)
    node.onPersisted(first.number)
    expect(node.raft.raftLog.committed).toBe(1)
    node.advance(first)
    const second = node.ready()
    expect(second.committedEntries.map((e) => e.index)).toEqual([1])
  })

  it('§5.3: batches may be persisted asynchronously and acknowledged in order (numbered Ready)', () => {
    const node = newNode('1')
    node.campaign()
    const a = node.ready()
    node.propose(new TextEncoder().encode('x'))
    const b = node.ready()
    expect(b.number).toBe(a.number + 1)
    expect(b.entries.map((e) => e.index)).toEqual([2])
    storageOfAppend(node, a)
    storageOfAppend(node, b)
    node.onPersisted(b.number)
    expect(node.raft.raftLog.committed).toBe(2)
    expect(() => node.onPersisted(b.number + 5)).toThrow(/never handed out/)
  })
})

function storageOfAppend(
  node: ReturnType<typeof newNode>,
  ready: ReturnType<ReturnType<typeof newNode>['ready']>,
): void {
  const storage = node.raft.raftLog.storage as ReturnType<typeof bootstrapStorage>
  storage.append(ready.entries)
  if (ready.hardState !== null) storage.setHardState(ready.hardState)
}

describe('leader lease and PreVote (thesis §4.2.3, §9.6)', () => {
  it('§4.2.3: a follower that hears from its leader ignores RequestVote from a disruptive server (CheckQuorum lease)', () => {
    const network = newCluster(3, { checkQuorum: true })
    network.campaign('1')
    const follower = network.get('2')
    follower.step(msg({ type: MessageType.Vote, from: '3', to: '2', term: 5, index: 100, logTerm: 100 }))
    expect(follower.raft.term).toBe(1)
    expect(takeMessages(follower)).toEqual([])
  })

  it('§3.10: a vote request from a leadership transfer bypasses the lease', () => {
    const network = newCluster(3, { checkQuorum: true })
    network.campaign('1')
    const follower = network.get('2')
    follower.step(
      msg({
        type: MessageType.Vote,
        from: '3',
        to: '2',
        term: 2,
        index: 100,
        logTerm: 100,
        context: CAMPAIGN_TRANSFER_CONTEXT,
      }),
    )
    expect(follower.raft.term).toBe(2)
    expect(takeMessages(follower).map((m) => [m.type, m.reject])).toEqual([[MessageType.VoteResp, false]])
  })

  it('§9.6: a pre-candidate neither bumps its term nor its vote, and voters do not change theirs', () => {
    const network = newCluster(3, { preVote: true })
    network.campaign('1')
    network.isolate('3')
    for (let i = 0; i < 40; i++) {
      network.get('3').tick()
      drain(network.get('3'))
    }
    expect(network.get('3').raft.role).toBe(Role.PreCandidate)
    expect(network.get('3').raft.term).toBe(1)
    network.recover()
    network.propose('1', 'x')
    expect(network.get('1').raft.role).toBe(Role.Leader)
    expect(network.get('1').raft.term).toBe(1)
  })

  it('§6.2 (thesis): CheckQuorum — a leader that has not heard from a quorum for an election timeout steps down', () => {
    const network = newCluster(3, { checkQuorum: true })
    network.campaign('1')
    network.isolate('1')
    const leader = network.get('1')
    for (let i = 0; i < 20; i++) leader.tick()
    expect(leader.raft.role).toBe(Role.Follower)
    expect(leader.raft.term).toBe(1)
  })
})

describe('progress tracking (etcd tracker): probe, replicate, snapshot states', () => {
  it('§5.3: a follower starts in probe; one accepted append moves it to replicate; the in-flight window bounds streaming', () => {
    const node = newNode('1', { peers: ['1', '2'], inflightAppendsMax: 2, appendBytesMax: 1 })
    node.campaign()
    node.step(msg({ type: MessageType.VoteResp, from: '2', to: '1', term: 1 }))
    drain(node)
    expect(node.raft.trk.progress.get('2')?.state).toBe(ProgressState.Probe)
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 1, index: 1 }))
    expect(node.raft.trk.progress.get('2')?.state).toBe(ProgressState.Replicate)
    drain(node)
    for (let i = 0; i < 5; i++) node.propose(new TextEncoder().encode(`p${i}`))
    const apps = drain(node).filter((m) => m.type === MessageType.App && m.entries.length > 0)
    // One entry per message (appendBytesMax 1 byte), at most two messages in flight.
    expect(apps.map((m) => m.entries.map((e) => e.index))).toEqual([[2], [3]])
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 1, index: 2 }))
    expect(
      drain(node)
        .filter((m) => m.type === MessageType.App && m.entries.length > 0)
        .map((m) => m.entries[0]?.index),
    ).toEqual([4])
  })
})
