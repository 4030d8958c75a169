// Runs every @tandem/crdt benchmark with Yjs, Loro and Automerge side by side in one process and
// writes bench/results.json (shape: shared/targets.md). Build first: pnpm exec tsc -b packages/crdt.
// Usage: pnpm --filter @tandem/crdt bench
import { writeFileSync } from 'node:fs'
import { cpus, platform, release } from 'node:os'
import { localSetsOpsPerSecond } from './local-sets.ts'
import { type MapMetrics, runMapWorkload, workloads } from './map-workloads.ts'
import { round } from './measure.ts'
import { orSetBytes } from './or-set.ts'
import { automergePeer, loroPeer, type MapPeer, numericIds, peerIds, tandemPeer, yjsPeer } from './peers.ts'

interface Case {
  case: string
  metric: 'ops/s' | 'ms' | 'bytes' | 'MB/s'
  tandem: number
  peer: string | null
  peerValue: number | null
  ratio: number | null
  better: 'higher' | 'lower'
}

const RUNS = 5
const cases: Case[] = []

function add(
  name: string,
  metric: Case['metric'],
  tandem: number,
  peer: string | null,
  peerValue: number | null,
  better: Case['better'],
): void {
  const ratio = peerValue === null || peerValue === 0 ? null : round(tandem / peerValue, 4)
  cases.push({
    case: name,
    metric,
    tandem: round(tandem),
    peer,
    peerValue: peerValue === null ? null : round(peerValue),
    ratio,
    better,
  })
}

const metricNames: [keyof MapMetrics, Case['metric'], string][] = [
  ['timeMs', 'ms', 'time'],
  ['updateBytes', 'bytes', 'update bytes'],
  ['docBytes', 'bytes', 'doc bytes'],
  ['parseMs', 'ms', 'parse time'],
]

// An untimed warm-up of every library on a small B3.1, so that the first measured workload does not
// pay for JIT compilation alone.
{
  const warmUp = { ...(workloads[0] as (typeof workloads)[number]), clients: 200 }
  for (const peer of [yjsPeer, loroPeer, automergePeer, tandemPeer('tandem', peerIds(200, 3))])
    runMapWorkload(peer, warmUp)
}

for (const workload of workloads) {
  const peers: MapPeer[] = [yjsPeer, loroPeer, automergePeer]
  const results = new Map<string, MapMetrics>()
  for (const peer of peers) results.set(peer.name, runMapWorkload(peer, workload))
  const variants: [string, MapMetrics][] = [
    ['tandem', runMapWorkload(tandemPeer('tandem', peerIds(workload.clients, 7)), workload)],
    ['tandem, 32-bit ids', runMapWorkload(tandemPeer('tandem', numericIds(workload.clients, 7)), workload)],
  ]
  for (const [variant, tandem] of variants) {
    const suffix = variant === 'tandem' ? '' : ' [32-bit node ids]'
    for (const [key, metric, label] of metricNames) {
      for (const peer of peers) {
        add(
          `${workload.id} ${label}${suffix}`,
          metric,
          tandem[key],
          peer.name,
          (results.get(peer.name) as MapMetrics)[key],
          'lower',
        )
      }
    }
  }
  console.log(workload.id, JSON.stringify(Object.fromEntries([...results, ...variants])))
}

const sets = localSetsOpsPerSecond(RUNS)
add('100,000 local sets over 10,000 keys', 'ops/s', sets.tandem, 'yjs', sets.yjs, 'higher')
add('100,000 local sets over 10,000 keys', 'ops/s', sets.tandem, 'loro', sets.loro, 'higher')
console.log('local sets', JSON.stringify(sets))

const orSet = orSetBytes()
add(
  'OR-Set 100,000 adds, 90,000 removes: encoded bytes',
  'bytes',
  orSet.tandem,
  'live elements alone',
  orSet.liveAlone,
  'lower',
)
add('OR-Set 100,000 adds, 90,000 removes: encoded bytes', 'bytes', orSet.tandem, 'yjs', orSet.yjs, 'lower')
add('OR-Set 100,000 adds, 90,000 removes: encoded bytes', 'bytes', orSet.tandem, 'loro', orSet.loro, 'lower')
console.log('or-set', JSON.stringify(orSet))

const cpu = cpus()[0]?.model ?? 'unknown cpu'
const results = {
  machine: `${cpu} ×${cpus().length}, ${platform()} ${release()}, Node ${process.versions.node}`,
  date: new Date().toISOString(),
  cases,
}
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
console.log(`wrote bench/results.json (${cases.length} cases)`)
