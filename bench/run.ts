/**
 * Segmenta at scale: generates a database of N contacts in SQL, then times each operation through the
 * product's service code and beside it the hand-written SQL of `raw-sql.ts` (checked first to produce the
 * same rows), 5 times each after a warm-up, and reports the medians and their ratio.
 *
 *   npx tsx bench/run.ts --contacts 1000000                       # SQLite file in the temp folder
 *   npx tsx bench/run.ts --contacts 1000000 --db postgres://postgres@127.0.0.1:5432/postgres
 *   … --json docs/bench-sqlite-1m.json   write the results as JSON
 *   … --keep                             keep the generated database (file or PostgreSQL database)
 *   … --only add-typical,log-100k        run some operations only;  --runs 5  timed runs per side
 *   … --reuse --db <kept database>       time again on a database a run kept (while tuning): its segments
 *                                        are made afresh, its contacts kept
 *
 * How the times grow with the contacts, both sizes timed in the same minutes: `bench/growth.ts`.
 *
 * With a PostgreSQL URL the bench creates its own database on that server (`LC_COLLATE 'C'`, template0)
 * and drops it afterwards unless `--keep`. Targets (docs/performance.md) are printed beside the figures;
 * nothing fails on a missed target.
 */
import { sql } from 'kysely'
import { fillBenchDatabase, openBenchDatabase } from './bench-database.js'
import { type Measured, measure } from './measure.js'
import { prepareOperations } from './operations.js'
import { peakRssMb, rssMb, rssSummary } from './rss.js'
import { arg, command, load, reportFailure, writeJson } from './script.js'

const N = Number(arg('contacts') ?? '100000')
const url = arg('db')
const jsonFile = arg('json')
const keep = process.argv.includes('--keep')
const runs = Number(arg('runs') ?? '5')
const only = arg('only')?.split(',')
const reuse = process.argv.includes('--reuse')
if (!Number.isInteger(N) || N < 1000) throw new Error('--contacts must be an integer ≥ 1000')

/** SQLite at 1M contacts (issue #6); every ratio ≤ 1.25 on both engines. */
const TARGET_MS: Record<string, number> = {
  'add-typical': 2000,
  'log-100k': 3000,
  'lines-page-0': 30,
  'lines-page-90': 30,
  'preview-add': 1500,
}
const MAX_RATIO = 1.25
const MAX_RSS_MB = 400

function table(results: Measured[], engine: string, checkTargets: boolean): string {
  const head = ['operation', 'product ms', 'raw SQL ms', 'ratio', 'rows', 'target']
  const lines = results.map((r) => {
    const misses: string[] = []
    if (r.ratio > MAX_RATIO) misses.push(`ratio > ${MAX_RATIO}`)
    if (checkTargets && TARGET_MS[r.name] !== undefined && r.ms > TARGET_MS[r.name])
      misses.push(`> ${TARGET_MS[r.name]} ms`)
    const time = checkTargets && TARGET_MS[r.name] !== undefined ? `≤ ${TARGET_MS[r.name]} ms, ` : ''
    const target = `${time}ratio ≤ ${MAX_RATIO}`
    return [
      r.name,
      String(r.ms),
      String(r.rawMs),
      r.ratio.toFixed(2),
      r.rows.toLocaleString('en'),
      misses.length ? `MISSED (${misses.join(', ')})` : `ok (${target})`,
    ]
  })
  const all = [head, ...lines]
  const w = head.map((_, i) => Math.max(...all.map((l) => l[i].length)))
  const fmt = (l: string[]) => l.map((c, i) => (i === 0 || i === 5 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')
  return [`${engine}, ${N.toLocaleString('en')} contacts`, fmt(head), ...lines.map(fmt)].join('\n')
}

async function main() {
  const bench = await openBenchDatabase(url, reuse)
  const { db } = bench
  const loadBefore = load()
  console.log(`${bench.where}; load average ${loadBefore}`)
  let failed = false
  try {
    const generateSeconds = await fillBenchDatabase(db, N, reuse, console.log)
    const dbSizeMb = (await bench.size()) / 1024 / 1024
    console.log(
      `generated ${N.toLocaleString('en')} contacts in ${generateSeconds.toFixed(0)} s (${dbSizeMb.toFixed(0)} MiB)`,
    )

    const t = performance.now()
    const ops = (await prepareOperations(db)).filter((o) => !only || only.includes(o.name))
    console.log(
      `prepared the segments in ${((performance.now() - t) / 1000).toFixed(0)} s; RSS ${rssMb().toFixed(0)} MiB`,
    )

    const results: Measured[] = []
    const peaks: Record<string, number> = {}
    const checkPeaks: Record<string, number> = {}
    for (const op of ops) {
      const { checkPeakRssMb, ...r } = await measure(op, runs)
      results.push(r)
      peaks[r.name] = Math.round(peakRssMb())
      checkPeaks[r.name] = checkPeakRssMb
      console.log(
        `  ${r.name}: product ${r.ms} ms, raw ${r.rawMs} ms, ratio ${r.ratio.toFixed(2)}, ${r.rows} rows${r.afterAnswerMs === undefined ? '' : ` (then ${r.afterAnswerMs} ms after the answer)`}; peak RSS ${peaks[r.name]} MiB, row check ${checkPeakRssMb} MiB (now ${rssSummary()}); load ${load()}`,
      )
    }
    const peak = Math.max(...Object.values(peaks))
    const peakMB = Math.round((peak * 1024 * 1024) / 1e6)
    const engine = db.dialect
    console.log()
    console.log(table(results, engine === 'sqlite' ? 'SQLite' : 'PostgreSQL', engine === 'sqlite' && N >= 1_000_000))
    console.log(
      `peak RSS during the operations' timed runs: ${peak} MiB = ${peakMB} MB${engine === 'sqlite' && N >= 1_000_000 ? (peakMB > MAX_RSS_MB ? ` — MISSED (> ${MAX_RSS_MB} MB)` : ` (target ≤ ${MAX_RSS_MB} MB)`) : ''}; the row checks' peak: ${Math.max(...Object.values(checkPeaks))} MiB`,
    )
    const loadAfter = load()
    console.log(`load average before ${loadBefore}, after ${loadAfter}`)
    if (jsonFile) {
      const version =
        engine === 'sqlite'
          ? (await sql<{ v: string }>`SELECT sqlite_version() AS v`.execute(db.kysely)).rows[0].v
          : (await sql<{ server_version: string }>`SHOW server_version`.execute(db.kysely)).rows[0].server_version
      const out = {
        engine,
        contacts: N,
        results,
        peakRssMb: peak,
        run: {
          at: new Date().toISOString(),
          command: command('bench/run.ts'),
          engineVersion: version,
          node: process.version,
          runsPerSide: runs,
          loadAverageBefore: loadBefore,
          loadAverageAfter: loadAfter,
          generateSeconds: Math.round(generateSeconds),
          databaseMb: Math.round(dbSizeMb),
          peakRssMbByOperation: peaks,
          // Warm-up and row check (the bench's EXCEPTs), not counted in peakRssMb.
          rowCheckPeakRssMbByOperation: checkPeaks,
        },
      }
      writeJson(jsonFile, out)
    }
  } catch (e) {
    failed = true
    reportFailure(e)
  } finally {
    await bench.cleanup(keep)
    if (keep) console.log(`kept ${bench.where}`)
  }
  if (failed) process.exitCode = 1
}

await main()
