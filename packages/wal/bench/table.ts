// Renders bench/results.json as the Markdown table of the README. Run on its own:
// node bench/table.ts  (prints the table of the last run)
import { readFileSync } from 'node:fs'

interface Case {
  case: string
  metric: string
  tandem: number
  peer: string | null
  peerValue: number | null
  ratio: number | null
  better: 'higher' | 'lower'
}

const RAW = 'raw write+fdatasync loop (same batch)'

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : String(value)
}

/** One row per append case (throughput and p50/p99 against both peers) plus the recovery row. */
export function renderTable(results: { machine: string; date: string; cases: Case[] }): string {
  const rows: string[] = [
    '| case | @tandem/wal | raw loop | wal / raw | SQLite | wal / SQLite |',
    '|---|---:|---:|---:|---:|---:|',
  ]
  const byKey = new Map<string, Case>()
  for (const c of results.cases) byKey.set(`${c.case}|${c.peer === RAW ? 'raw' : 'other'}`, c)
  for (const c of results.cases) {
    if (c.peer !== RAW) continue
    const other = byKey.get(`${c.case}|other`)
    const unit = c.metric === 'ms' ? ' ms' : ''
    const peerCells = other?.peer?.startsWith('SQLite')
      ? `${format(other.peerValue ?? Number.NaN)}${unit} | ${other.ratio}`
      : '— | —'
    rows.push(
      `| ${c.case} (${c.metric}) | ${format(c.tandem)}${unit} | ${format(c.peerValue ?? Number.NaN)}${unit} | ${c.ratio} | ${peerCells} |`,
    )
  }
  for (const c of results.cases) {
    if (c.peer === RAW || c.peer?.startsWith('SQLite')) continue
    rows.push(
      `| ${c.case} (${c.metric}) | ${format(c.tandem)} ms | ${format(c.peerValue ?? Number.NaN)} ms (raw read) | ${c.ratio} | — | — |`,
    )
  }
  return `Measured ${results.date} on ${results.machine}.\n\n${rows.join('\n')}\n`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'))
  console.log(renderTable(results))
}
