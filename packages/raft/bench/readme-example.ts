import {
  type Clock,
  MemoryLogStorage,
  MemoryNetwork,
  RaftNode,
  SeededRandom,
  type StateMachine,
} from '@tandem/raft'

// Time and randomness are injected: here the real clock; in tests a manual one.
const clock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, callback) => {
    const timer = setTimeout(callback, ms)
    return { cancel: () => clearTimeout(timer) }
  },
}

// The application's state machine: a running total. Results go back to the proposer.
function counter(): StateMachine<number> {
  let total = 0
  return {
    apply: (commands) => commands.map((command) => (total += command.data[0] ?? 0)),
    snapshot: () => new TextEncoder().encode(String(total)),
    restore: (data) => {
      total = Number(new TextDecoder().decode(data))
    },
  }
}

const network = new MemoryNetwork({ schedule: setImmediate })
const ids = ['a', 'b', 'c']
const nodes = ids.map(
  (id, i) =>
    new RaftNode({
      id,
      clock,
      random: new SeededRandom(i + 1),
      storage: new MemoryLogStorage({ voters: ids }),
      transport: network.transport(id),
      stateMachine: counter(),
    }),
)
for (const node of nodes) await node.start()
const b = nodes[1] as RaftNode<number>
await new Promise<void>((resolve) =>
  b.onChange((event) => event.type === 'leader' && event.leader && resolve()),
)

const { result, index, fencingToken } = await b.propose(new Uint8Array([5])) // forwarded to the leader
console.log({ result, index, fencingToken }) // { result: 5, index: 5, fencingToken: 36893488147419103237n }
await b.read({ linearizable: true }) // b has now applied every write acknowledged before the read
for (const node of nodes) await node.stop()
