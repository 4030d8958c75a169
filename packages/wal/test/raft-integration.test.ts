/**
 * WalLogStorage under the real `@tandem/raft` driver: a three-node cluster on memory devices
 * elects a leader, commits proposals (taking snapshots and compacting on the way), survives a
 * power cut of a follower — restarted from the crash image of its device — and every node ends
 * with the same applied history.
 */
import { ManualClock, SeededRandom } from '@tandem/base'
import { type AppliedCommand, MemoryNetwork, RaftNode, Role, type StateMachine } from '@tandem/raft'
import { describe, expect, it } from 'vitest'
import { MemoryDevice, WalLogStorage } from '../src/index.js'

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/** Keeps every applied command; its snapshot is that list. */
class ListMachine implements StateMachine<number> {
  applied: string[] = []
  apply(commands: readonly AppliedCommand[]): number[] {
    for (const command of commands) this.applied.push(fromUtf8.decode(command.data))
    return commands.map((command) => command.index)
  }
  snapshot(): Uint8Array {
    return utf8.encode(JSON.stringify(this.applied))
  }
  restore(data: Uint8Array): void {
    this.applied = data.length === 0 ? [] : (JSON.parse(fromUtf8.decode(data)) as string[])
  }
}

interface Member {
  node: RaftNode<number>
  device: MemoryDevice
  storage: WalLogStorage
  machine: ListMachine
}

const ids = ['a', 'b', 'c']

describe('WalLogStorage under RaftNode', () => {
  it('commits, snapshots, survives a follower power cut and converges', async () => {
    const clock = new ManualClock()
    const network = new MemoryNetwork()
    const members = new Map<string, Member>()
    const settle = () => new Promise((resolve) => setImmediate(resolve))
    const startMember = async (id: string, device: MemoryDevice, seed: number) => {
      const storage = await WalLogStorage.open({ device, voters: ids, segmentBytesMax: 8192 })
      const machine = new ListMachine()
      const node = new RaftNode<number>({
        id,
        storage,
        transport: network.transport(id),
        snapshotTransport: network.snapshotTransport(id),
        stateMachine: machine,
        clock,
        random: new SeededRandom(seed),
        tickMs: 10,
        snapshotEntriesThreshold: 8,
      })
      await node.start()
      members.set(id, { node, device, storage, machine })
    }
    for (const [position, id] of ids.entries()) await startMember(id, new MemoryDevice(), position + 1)
    /** Runs the cluster until `done()` holds, in bounded steps of virtual time. */
    const runUntil = async (done: () => boolean, what: string) => {
      for (let step = 0; step < 3000 && !done(); step++) {
        clock.advance(10)
        for (let turn = 0; turn < 4; turn++) await settle()
      }
      expect(done(), `cluster never reached: ${what}`).toBe(true)
    }
    const leader = () => [...members.values()].find((member) => member.node.status().role === Role.Leader)
    await runUntil(() => leader() !== undefined, 'a leader')

    const propose = async (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        let settled = false
        const current = leader() as Member
        current.node.propose(utf8.encode(`cmd-${n}`)).then(
          () => (settled = true),
          () => (settled = true),
        )
        await runUntil(() => settled, `proposal ${n}`)
      }
    }
    await propose(0, 20)

    // Power cut of a follower: its device keeps only what was synced.
    const victimId = [...members.keys()].find((id) => members.get(id) !== leader()) as string
    const victim = members.get(victimId) as Member
    await victim.node.stop()
    network.setDown(victimId, true)
    const image = victim.device.crash()
    members.delete(victimId)
    await propose(20, 30)
    network.setDown(victimId, false)
    await startMember(victimId, image, 42)
    await propose(30, 35)
    const expected = Array.from({ length: 35 }, (_, n) => `cmd-${n}`)
    const done = () =>
      [...members.values()].every((member) => member.machine.applied.join() === expected.join())
    await runUntil(done, 'every node applying all 35 commands')
    for (const member of members.values()) {
      expect(member.storage.firstIndex(), 'compaction happened').toBeGreaterThan(1)
      await member.node.stop()
    }
  }, 60_000)
})
