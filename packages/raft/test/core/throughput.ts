/**
 * Core-only throughput: three RawNodes in one process, persisting synchronously into the package's
 * in-memory log (MemoryLog), every message handed over directly. It measures what the pure core costs per
 * commit, without the driver (promises, envelopes, sessions) — not a benchmark of the product
 * (that is `bench/run.ts`), but a check that the core is not the bottleneck.
 *
 * Run: pnpm exec tsc -b packages/raft && pnpm exec node packages/raft/test/core/throughput.ts
 */
import { type ConfState, MemoryLog, type Message, RawNode, SeededRandom } from '@tandem/raft'

const ids = ['1', '2', '3']
const confState: ConfState = {
  voters: ids,
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
}
const nodes = ids.map((id, position) => {
  const storage = new MemoryLog({ confState })
  const node = new RawNode({
    id,
    storage,
    random: new SeededRandom(position + 1),
    preVote: false,
    checkQuorum: false,
  })
  return { id, storage, node }
})
const byId = new Map(nodes.map((entry) => [entry.id, entry]))
let committedOnLeader = 0
const queue: Message[] = []

function pump(): void {
  for (let round = 0; round < 1000; round++) {
    let busy = false
    for (const { id, storage, node } of nodes) {
      if (!node.hasReady()) continue
      busy = true
      const ready = node.ready()
      storage.append(ready.entries)
      if (ready.hardState !== null) storage.setHardState(ready.hardState)
      for (const outbound of ready.messages) queue.push(outbound.message)
      if (id === '1') committedOnLeader += ready.committedEntries.length
      node.advance(ready)
    }
    for (let message = queue.shift(); message !== undefined; message = queue.shift()) {
      busy = true
      byId.get(message.to)?.node.step(message)
    }
    if (!busy) return
  }
}

const leader = (nodes[0] as (typeof nodes)[number]).node
leader.campaign()
pump()
const command = new Uint8Array(256)
for (const batch of [1, 64, 1024]) {
  const commands = Array.from({ length: batch }, () => command)
  const rounds = Math.ceil(200_000 / batch)
  const before = committedOnLeader
  const started = performance.now()
  for (let round = 0; round < rounds; round++) {
    leader.proposeBatch(commands)
    pump()
  }
  const elapsedMs = performance.now() - started
  const perSecond = Math.round(((committedOnLeader - before) / elapsedMs) * 1000)
  console.log(`${batch} command(s) per proposal: ${perSecond.toLocaleString('en')} commits/s`)
}
