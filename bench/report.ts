/**
 * The bench's JSON results as Markdown tables for docs/performance.md: per engine, the product's median
 * and the ratio to the raw SQL at each size, and the growth from the smallest to the largest size against
 * the growth in contacts (≤ 1 means no faster than linear), the product's and the raw SQL's; then what the
 * product ran after answering (PostgreSQL's statistics refresh), timed apart.
 *
 *   npx tsx bench/report.ts docs/bench-*.json
 */
import { readFileSync } from 'node:fs'

interface Run {
  engine: 'sqlite' | 'postgres'
  contacts: number
  results: { name: string; ms: number; rawMs: number; ratio: number; rows: number; afterAnswerMs?: number }[]
  peakRssMb: number
  run?: { loadAverageBefore?: string; loadAverageAfter?: string; generateSeconds?: number; databaseMb?: number }
}

const runs: Run[] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')) as Run)
if (!runs.length) {
  console.error('usage: npx tsx bench/report.ts <bench JSON files…>')
  process.exit(2)
}
const size = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`)
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x} ms`)

for (const [engine, title] of [
  ['sqlite', 'SQLite'],
  ['postgres', 'PostgreSQL'],
] as const) {
  const mine = runs.filter((r) => r.engine === engine).sort((a, b) => a.contacts - b.contacts)
  if (!mine.length) continue
  const names = [...new Set(mine.flatMap((r) => r.results.map((x) => x.name)))]
  const first = mine[0]
  const last = mine[mine.length - 1]
  const head = [
    'operation',
    ...mine.map((r) => `${size(r.contacts)}: product (raw SQL), ratio`),
    `growth ${size(first.contacts)}→${size(last.contacts)} ÷ ${last.contacts / first.contacts}: product (raw SQL)`,
  ]
  console.log(`### ${title}\n`)
  console.log(`| ${head.join(' | ')} |`)
  console.log(`|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`)
  for (const name of names) {
    const cells = mine.map((r) => {
      const x = r.results.find((y) => y.name === name)
      return x ? `${ms(x.ms)} (${ms(x.rawMs)}), ${x.ratio.toFixed(2)}` : '–'
    })
    const a = first.results.find((y) => y.name === name)
    const b = last.results.find((y) => y.name === name)
    const grow = (x: number, y: number) => (y / x / (last.contacts / first.contacts)).toFixed(2)
    const growth = a && b ? `${grow(a.ms, b.ms)} (${grow(a.rawMs, b.rawMs)})` : '–'
    console.log(`| ${name} | ${cells.join(' | ')} | ${growth} |`)
  }
  for (const name of names) {
    const after = mine.map((r) => r.results.find((y) => y.name === name)?.afterAnswerMs)
    if (after.every((x) => x === undefined)) continue
    console.log(
      `| ${name}: statistics refresh after the answer | ${after.map((x) => (x === undefined ? '–' : ms(x))).join(' | ')} | |`,
    )
  }
  console.log(`| peak RSS | ${mine.map((r) => `${r.peakRssMb} MiB`).join(' | ')} | |`)
  console.log(
    `| database, generated in | ${mine.map((r) => `${r.run?.databaseMb ?? '?'} MiB, ${r.run?.generateSeconds ?? '?'} s`).join(' | ')} | |`,
  )
  console.log(
    `| load average before → after | ${mine.map((r) => `${r.run?.loadAverageBefore?.split(' ')[0] ?? '?'} → ${r.run?.loadAverageAfter?.split(' ')[0] ?? '?'}`).join(' | ')} | |`,
  )
  console.log()
}
