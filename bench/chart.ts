/**
 * Time against contacts for each operation, one panel per engine, from the bench's JSON results:
 *
 *   npx tsx bench/chart.ts docs/bench-*.json > docs/performance.svg
 *
 * Both axes are logarithmic, so a cost that grows linearly with the number of contacts is a line of slope 1;
 * a dotted grey line of that slope through each panel is there to compare against. Plain SVG text, no
 * dependency.
 */
import { readFileSync } from 'node:fs'

interface Result {
  name: string
  ms: number
  rawMs: number
  ratio: number
  rows: number
}
interface Run {
  engine: 'sqlite' | 'postgres'
  contacts: number
  results: Result[]
  peakRssMb: number
}

const files = process.argv.slice(2)
if (!files.length) {
  console.error('usage: npx tsx bench/chart.ts <bench JSON files…> > chart.svg')
  process.exit(2)
}
const runs: Run[] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Run)

const ENGINES = [
  ['sqlite', 'SQLite'],
  ['postgres', 'PostgreSQL'],
] as const
const names = [...new Set(runs.flatMap((r) => r.results.map((x) => x.name)))]
// Distinguishable colours (Okabe–Ito and Tableau), one per operation.
const COLOURS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#7F3C8D',
  '#000000',
  '#F0E442',
  '#8C564B',
  '#17BECF',
  '#999999',
]
const colour = (name: string) => COLOURS[names.indexOf(name) % COLOURS.length]

const W = 460
const H = 380
const M = { left: 64, right: 16, top: 36, bottom: 48 }
const LEGEND = 190
const width = ENGINES.length * W + LEGEND
const height = H + 40

const allContacts = runs.map((r) => r.contacts)
const allMs = runs.flatMap((r) => r.results.map((x) => x.ms)).filter((x) => x > 0)
const xMin = 10 ** Math.floor(Math.log10(Math.min(...allContacts)))
const xMax = 10 ** Math.ceil(Math.log10(Math.max(...allContacts)))
const yMin = 10 ** Math.floor(Math.log10(Math.min(...allMs)))
const yMax = 10 ** Math.ceil(Math.log10(Math.max(...allMs)))

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const fmtContacts = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n))
const fmtMs = (n: number) => (n >= 1000 ? `${n / 1000} s` : `${n} ms`)

const out: string[] = []
out.push(
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
  `<rect width="100%" height="100%" fill="white"/>`,
  `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">Segmenta: median time per operation against contacts (log–log)</text>`,
)

ENGINES.forEach(([engine, title], i) => {
  const ox = i * W
  const pw = W - M.left - M.right
  const ph = H - M.top - M.bottom
  const x = (c: number) =>
    ox + M.left + ((Math.log10(c) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * pw
  const y = (ms: number) =>
    20 + M.top + ph - ((Math.log10(ms) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * ph
  const top = 20 + M.top
  out.push(`<text x="${ox + M.left + pw / 2}" y="${top - 8}" text-anchor="middle" font-size="13">${title}</text>`)
  out.push(`<rect x="${ox + M.left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`)
  for (let e = Math.log10(xMin); e <= Math.log10(xMax); e++) {
    for (const m of [1, 2, 5]) {
      const c = m * 10 ** e
      if (c < xMin || c > xMax) continue
      out.push(`<line x1="${x(c)}" y1="${top}" x2="${x(c)}" y2="${top + ph}" stroke="#eee"/>`)
      out.push(`<text x="${x(c)}" y="${top + ph + 14}" text-anchor="middle">${fmtContacts(c)}</text>`)
    }
  }
  for (let e = Math.log10(yMin); e <= Math.log10(yMax); e++) {
    const v = 10 ** e
    out.push(`<line x1="${ox + M.left}" y1="${y(v)}" x2="${ox + M.left + pw}" y2="${y(v)}" stroke="#ddd"/>`)
    out.push(`<text x="${ox + M.left - 4}" y="${y(v) + 4}" text-anchor="end">${fmtMs(v)}</text>`)
  }
  out.push(
    `<text x="${ox + M.left + pw / 2}" y="${top + ph + 32}" text-anchor="middle">contacts</text>`,
    `<text transform="translate(${ox + 14},${top + ph / 2}) rotate(-90)" text-anchor="middle">median ms (product)</text>`,
  )
  // Linear growth reference: slope 1 through the middle of the panel.
  const midMs = Math.sqrt(yMin * yMax)
  const midC = Math.sqrt(xMin * xMax)
  out.push(
    `<line x1="${x(xMin)}" y1="${y((midMs * xMin) / midC)}" x2="${x(xMax)}" y2="${y((midMs * xMax) / midC)}" stroke="#aaa" stroke-dasharray="2,3"/>`,
  )
  const mine = runs.filter((r) => r.engine === engine).sort((a, b) => a.contacts - b.contacts)
  for (const name of names) {
    const pts = mine
      .map((r) => [r.contacts, r.results.find((x) => x.name === name)?.ms] as const)
      .filter((p): p is readonly [number, number] => p[1] !== undefined && p[1] > 0)
    if (!pts.length) continue
    out.push(
      `<polyline fill="none" stroke="${colour(name)}" stroke-width="1.8" points="${pts.map(([c, ms]) => `${x(c).toFixed(1)},${y(ms).toFixed(1)}`).join(' ')}"/>`,
    )
    for (const [c, ms] of pts)
      out.push(
        `<circle cx="${x(c).toFixed(1)}" cy="${y(ms).toFixed(1)}" r="2.5" fill="${colour(name)}"><title>${esc(`${title} ${name}: ${ms} ms at ${c.toLocaleString('en')} contacts`)}</title></circle>`,
      )
  }
})

const lx = ENGINES.length * W + 8
names.forEach((name, i) => {
  const ly = 20 + M.top + 8 + i * 18
  out.push(
    `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${colour(name)}" stroke-width="2"/>`,
    `<text x="${lx + 28}" y="${ly + 4}">${esc(name)}</text>`,
  )
})
const ly = 20 + M.top + 8 + names.length * 18
out.push(
  `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="#aaa" stroke-dasharray="2,3"/>`,
  `<text x="${lx + 28}" y="${ly + 4}">linear growth</text>`,
)
out.push('</svg>')
console.log(out.join('\n'))
