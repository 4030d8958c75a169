// Prints bench/results.json as the README's markdown table: each case with every peer's figure and
// the ratio against the best peer (or the named baseline). Usage: node bench/table.ts
import { readFileSync } from 'node:fs'

interface Case {
  case: string
  metric: string
  tandem: number
  peer: string | null
  peerValue: number | null
  better: 'higher' | 'lower'
}

const results = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8')) as {
  machine: string
  date: string
  cases: Case[]
}
const peers = ['yjs', 'loro', 'automerge']
const grouped = new Map<string, Case[]>()
for (const entry of results.cases) grouped.set(entry.case, [...(grouped.get(entry.case) ?? []), entry])

const format = (value: number | undefined, metric: string): string => {
  if (value === undefined) return '—'
  if (metric === 'ms') return value < 10 ? value.toFixed(2) : value.toFixed(0)
  if (metric === 'ops/s') return Math.round(value).toLocaleString('en-US')
  return Math.round(value).toLocaleString('en-US')
}

console.log(`Machine: ${results.machine}; ${results.date}\n`)
console.log('| case | unit | Tandem | Yjs | Loro | Automerge | Tandem ÷ best peer |')
console.log('|---|---|--:|--:|--:|--:|--:|')
for (const [name, entries] of grouped) {
  const first = entries[0] as Case
  const byPeer = new Map(entries.map((entry) => [entry.peer, entry.peerValue ?? undefined]))
  const values = peers.map((peer) => byPeer.get(peer)).filter((value): value is number => value !== undefined)
  const baseline = byPeer.get('live elements alone')
  const best = baseline ?? (first.better === 'lower' ? Math.min(...values) : Math.max(...values))
  const ratio = (first.tandem / best).toFixed(2)
  const label =
    baseline === undefined ? ratio : `${ratio} (vs live elements alone: ${format(baseline, 'bytes')})`
  const cells = peers.map((peer) => format(byPeer.get(peer), first.metric))
  console.log(
    `| ${name} | ${first.metric} | ${format(first.tandem, first.metric)} | ${cells.join(' | ')} | ${label} |`,
  )
}
