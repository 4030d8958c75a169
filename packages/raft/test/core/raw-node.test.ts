import { describe, expect, it } from 'vitest'
import {
  ConfigurationError,
  InvalidMessageError,
  ReadyOrderError,
  StepLocalMessageError,
  StepPeerNotFoundError,
} from '../../src/core/errors.js'
import { RawNode } from '../../src/core/raw-node.js'
import { MessageType, Role } from '../../src/core/types.js'
import { bootstrapStorage } from './harness/memory-storage.js'
import { fixedRandom } from './harness/random.js'
import { confOf, drain, entry, msg, newNode } from './harness/unit.js'

describe('RawNode API and its typed errors', () => {
  it('validates its configuration', () => {
    const storage = bootstrapStorage(confOf(['1']))
    const random = fixedRandom(0)
    expect(() => new RawNode({ id: '', storage, random })).toThrow(ConfigurationError)
    expect(() => new RawNode({ id: '1', storage, random, electionTicks: 1, heartbeatTicks: 1 })).toThrow(
      /greater than heartbeatTicks/,
    )
    expect(() => new RawNode({ id: '1', storage, random, inflightAppendsMax: 0 })).toThrow(
      /inflightAppendsMax/,
    )
    expect(() => new RawNode({ id: '1', storage, random, applied: 5 })).toThrow(/beyond the commit/)
    const badRandom = { nextInt: () => 99 }
    expect(() => new RawNode({ id: '1', storage, random: badRandom })).toThrow(/random.nextInt/)
  })

  it('refuses local-only message types from the network', () => {
    const node = newNode('1', { peers: ['1', '2'] })
    for (const type of [
      MessageType.Hup,
      MessageType.Beat,
      MessageType.CheckQuorum,
      MessageType.Unreachable,
      MessageType.SnapStatus,
    ]) {
      expect(() => node.step(msg({ type, from: '2', to: '1', term: 1 }))).toThrow(StepLocalMessageError)
    }
  })

  it('refuses responses from nodes outside the configuration', () => {
    const node = newNode('1', { peers: ['1', '2'] })
    expect(() => node.step(msg({ type: MessageType.AppResp, from: '9', to: '1', term: 1 }))).toThrow(
      StepPeerNotFoundError,
    )
  })

  it('refuses messages that break Raft’s rules, leaving the node unchanged', () => {
    const node = newNode('1', { peers: ['1', '2'] })
    const bad = [
      msg({ type: MessageType.App, from: '2', to: '1', term: 1, index: 0, entries: [entry(2, 1)] }),
      msg({ type: MessageType.App, from: '2', to: '1', term: 1, index: 0, entries: [entry(1, 2)] }),
      msg({
        type: MessageType.App,
        from: '2',
        to: '1',
        term: 2,
        index: 0,
        entries: [entry(1, 2), entry(2, 1)],
      }),
      msg({ type: MessageType.App, from: '2', to: '1', term: 0 }),
      msg({ type: MessageType.App, from: '', to: '1', term: 1 }),
      msg({ type: MessageType.Heartbeat, from: '2', to: '1', term: -1 }),
      msg({ type: MessageType.Heartbeat, from: '2', to: '1', term: 1, commit: 1.5 }),
      msg({ type: MessageType.Snap, from: '2', to: '1', term: 1 }),
      msg({ type: 99 as MessageType, from: '2', to: '1', term: 1 }),
      msg({ type: MessageType.Prop, from: '2', to: '1' }),
    ]
    for (const message of bad) expect(() => node.step(message)).toThrow(InvalidMessageError)
    expect(node.raft.term).toBe(0)
    expect(node.hasReady()).toBe(false)
  })

  it('numbers every Ready and checks that batches come back in order', () => {
    const node = newNode('1')
    node.campaign()
    const first = node.ready()
    const second = node.ready()
    expect(second.number).toBe(first.number + 1)
    expect(() => node.advance(second)).not.toThrow()
    expect(() => node.advance(first)).toThrow(ReadyOrderError)
    expect(() => node.onPersisted(50)).toThrow(ReadyOrderError)
  })

  it('hasReady is false once everything is handed out, and the soft state reports role changes', () => {
    const node = newNode('1')
    expect(node.hasReady()).toBe(false)
    node.campaign()
    expect(node.hasReady()).toBe(true)
    const ready = node.ready()
    expect(ready.softState).toEqual({ leader: '1', role: Role.Leader })
    expect(ready.hardState).toEqual({ term: 1, vote: '1', commit: 0 })
    drain(node)
    expect(node.hasReady()).toBe(false)
  })

  it('status reports progress only on the leader', () => {
    const node = newNode('1', { peers: ['1', '2'] })
    expect(node.status().progress).toEqual([])
    node.campaign()
    node.step(msg({ type: MessageType.VoteResp, from: '2', to: '1', term: 1 }))
    const status = node.status()
    expect(status.role).toBe(Role.Leader)
    expect(status.progress.map((p) => p.id)).toEqual(['1', '2'])
    expect(status.confState.voters).toEqual(['1', '2'])
  })

  it('reportUnreachable moves a replicating follower back to probing', () => {
    const node = newNode('1', { peers: ['1', '2'] })
    node.campaign()
    node.step(msg({ type: MessageType.VoteResp, from: '2', to: '1', term: 1 }))
    node.step(msg({ type: MessageType.AppResp, from: '2', to: '1', term: 1, index: 1 }))
    expect(node.status().progress[1]?.state).toBe(1)
    node.reportUnreachable('2')
    expect(node.status().progress[1]?.state).toBe(0)
  })
})
