import { describe, expect, it } from 'vitest'
import { Cluster } from './harness.js'

const utf8 = new TextEncoder()

describe('smoke', () => {
  it('elects a leader and replicates a command to every node', async () => {
    const cluster = new Cluster({ seed: 1, ids: ['a', 'b', 'c'] })
    await cluster.start()
    const leader = await cluster.waitForLeader()
    const promise = leader.node.propose(utf8.encode('hello'))
    let outcome: Awaited<typeof promise> | undefined
    void promise.then((value) => {
      outcome = value
    })
    await cluster.runUntil(() => outcome !== undefined, 2000, 'commit')
    await cluster.run(100)
    for (const member of cluster.members.values()) {
      expect(member.stateMachine.history.map((h) => h.command)).toEqual(['hello'])
    }
    expect(outcome?.duplicate).toBe(false)
  })
})
