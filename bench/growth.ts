/**
 * How the operations' times grow with the contacts, measured on two databases at once: both are generated
 * (100,000 and 1,000,000 contacts unless `--sizes`), then each operation is warmed up and checked on both, and
 * its timed runs alternate between the two databases, run by run. `npm run bench` times each size in its own
 * run, up to an hour apart on this shared machine, whose speed drifts by 20–40 % in that time; here the two
 * sizes' runs share the same minutes, so the drift falls on both.
 *
 *   npx tsx bench/growth.ts                                          # SQLite files in the temp folder
 *   npx tsx bench/growth.ts --db postgres://postgres@127.0.0.1:5432/postgres
 *   … --sizes 100000,1000000  --runs 5  --only add-large,refine  --json docs/growth-sqlite.json  --keep
 *   … --reuse --dbs sqlite:/tmp/a.db,sqlite:/tmp/b.db             time again on two kept databases
 *
 * Prints, per operation, the product's and the raw SQL's medians at each size and their growth: the time's
 * growth divided by the contacts' (1 is linear). Then the floor: how the time of reading every row of a table
 * once grows on the same two databases, in the same minutes (`FLOOR`); and the peak RSS of the timed runs.
 * `SEGMENTA_SQLITE_CACHE_MIB` sets SQLite's page cache, for both databases, as it does for the product.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RawBuilder, sql } from 'kysely'
import { type BenchDatabase, fillBenchDatabase, openBenchDatabase } from './bench-database.js'
import { type Measured, median, round, summarise, timeRun, type Warm, warmUp } from './measure.js'
import { type Operation, prepareOperations } from './operations.js'
import { peakRssMb } from './rss.js'
import { arg, command, load, reportFailure, writeJson } from './script.js'

const sizes = (arg('sizes') ?? '100000,1000000').split(',').map(Number)
const url = arg('db')
const reuse = process.argv.includes('--reuse')
const dbs = arg('dbs')?.split(',')
const keep = process.argv.includes('--keep')
const runs = Number(arg('runs') ?? '5')
const only = arg('only')?.split(',')
const jsonFile = arg('json')
if (sizes.length !== 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1000) || sizes[0] >= sizes[1])
  throw new Error('--sizes takes two integers ≥ 1000, the smaller first')
if (reuse && dbs?.length !== 2) throw new Error('--reuse needs --dbs <smaller database>,<larger database>')

export interface Growth {
  name: string
  /** The medians at each size, in the order of `sizes`. */
  at: [Measured, Measured]
  /** (time at the larger size ÷ time at the smaller) ÷ (larger ÷ smaller): 1 is linear. */
  growth: number
  rawGrowth: number
}

/**
 * Reading every row of a table once, the least an operation over all its rows can cost: one full scan each
 * of the contacts and of the interaction log entries (5 per contact), summing columns no single index holds
 * so both engines read the table itself. Its growth tells how much of an operation's comes from the data
 * outgrowing the page cache and the CPU's caches rather than from the operation's own work.
 */
const FLOOR: { name: string; query: RawBuilder<{ n: number | string; s: number | string }> }[] = [
  {
    name: 'scan contacts',
    query: sql`SELECT count(*) AS n, sum(length(name) + length(company_name) + length(correspondence_type)) AS s
               FROM contacts`,
  },
  {
    name: 'scan interaction log entries',
    query: sql`SELECT count(*) AS n, sum(length(description) + length(subject) + duration_min) AS s
               FROM interaction_log_entries`,
  },
]

export interface Floor {
  name: string
  /** Rows read at each size. */
  rows: [number, number]
  /** Median ms at each size. */
  ms: [number, number]
  growth: number
}

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x} ms`)
const size = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`)

/** One database per size: a kept one (`--dbs`), or a new SQLite file or PostgreSQL database. */
function databaseFor(i: number): Promise<BenchDatabase> {
  if (dbs) return openBenchDatabase(dbs[i], reuse)
  if (!url || url.startsWith('sqlite:'))
    return openBenchDatabase(`sqlite:${join(tmpdir(), `segmenta-growth-${process.pid}-${sizes[i]}.db`)}`)
  return openBenchDatabase(url)
}

/**
 * `runs` timed runs on each database, alternating the database run by run (and which goes first), so the two
 * sizes are timed in the same minutes; each side's results.
 */
async function alternately<T>(run: (side: 0 | 1, i: number) => Promise<T>): Promise<[T[], T[]]> {
  const timed: [T[], T[]] = [[], []]
  for (let i = 0; i < runs; i++)
    for (const s of i % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) timed[s].push(await run(s, i))
  return timed
}

/** (b ÷ a) ÷ `factor`, to two decimals: 1 is linear. */
const growthOf = (a: number, b: number, factor: number) => Math.round((b / a / factor) * 100) / 100

/** The highest peak RSS of the operations' timed runs, in MiB. */
let peakRss = 0

/** Warm-up and row check on each database, then the timed runs, alternately. */
async function grow(pair: [Operation, Operation]): Promise<Growth> {
  const warm: Warm[] = []
  for (const op of pair) warm.push(await warmUp(op))
  const timed = await alternately((s, i) => timeRun(pair[s], warm[s], i))
  // The warm-up resets the peak after its row check, so this is the timed runs' (and their resets').
  peakRss = Math.max(peakRss, Math.round(peakRssMb()))
  for (const op of pair) await op.teardown?.()
  const at: [Measured, Measured] = [summarise(pair[0].name, timed[0]), summarise(pair[1].name, timed[1])]
  const factor = sizes[1] / sizes[0]
  return {
    name: pair[0].name,
    at,
    growth: growthOf(at[0].ms, at[1].ms, factor),
    rawGrowth: growthOf(at[0].rawMs, at[1].rawMs, factor),
  }
}

/** Each `FLOOR` scan: one untimed run per database, then the timed runs, alternately; growth per row read. */
async function floor(benches: BenchDatabase[]): Promise<Floor[]> {
  const out: Floor[] = []
  for (const f of FLOOR) {
    const scan = async (s: number) => {
      const t = performance.now()
      const row = (await f.query.execute(benches[s].db.kysely)).rows[0]
      return { ms: performance.now() - t, rows: Number(row.n) }
    }
    const rows: [number, number] = [(await scan(0)).rows, (await scan(1)).rows]
    const timed = await alternately(async (s) => (await scan(s)).ms)
    const ms: [number, number] = [round(median(timed[0])), round(median(timed[1]))]
    out.push({ name: f.name, rows, ms, growth: growthOf(ms[0], ms[1], rows[1] / rows[0]) })
  }
  return out
}

function table(results: Growth[]): string {
  const [a, b] = sizes.map(size)
  const head = [
    'operation',
    `${a}: product (raw SQL)`,
    `${b}: product (raw SQL)`,
    `growth ÷ ${sizes[1] / sizes[0]}: product (raw SQL)`,
  ]
  const rows = results.map((r) => [
    r.name,
    ...r.at.map((m) => `${ms(m.ms)} (${ms(m.rawMs)})`),
    `${r.growth.toFixed(2)} (${r.rawGrowth.toFixed(2)})`,
  ])
  return [head, head.map((_, i) => (i ? '---:' : '---')), ...rows].map((l) => `| ${l.join(' | ')} |`).join('\n')
}

async function main() {
  const benches: BenchDatabase[] = []
  const loadBefore = load()
  let failed = false
  try {
    const pairs: Operation[][] = []
    const generated: number[] = []
    for (const [i, n] of sizes.entries()) {
      const bench = await databaseFor(i)
      benches.push(bench)
      console.log(`${bench.where}: ${n.toLocaleString('en')} contacts; load average ${load()}`)
      const seconds = await fillBenchDatabase(bench.db, n, reuse, (line) => console.log(line))
      generated.push(Math.round(seconds))
      const ops = (await prepareOperations(bench.db)).filter((o) => !only || only.includes(o.name))
      ops.forEach((op, k) => {
        pairs[k] ??= []
        pairs[k].push(op)
      })
    }
    const results: Growth[] = []
    for (const pair of pairs) {
      const r = await grow(pair as [Operation, Operation])
      results.push(r)
      console.log(
        `  ${r.name}: ${r.at.map((m, i) => `${size(sizes[i])} ${m.ms} ms (raw ${m.rawMs} ms)`).join(', ')}; growth ${r.growth} (raw ${r.rawGrowth}); load ${load()}`,
      )
    }
    const floors = await floor(benches)
    const loadAfter = load()
    const engine = benches[0].db.dialect
    console.log(`\n${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, timed runs alternating between the two sizes\n`)
    console.log(table(results))
    console.log('\nThe floor: reading every row of a table once, timed the same way\n')
    for (const f of floors)
      console.log(
        `  ${f.name}: ${f.rows.map((n, i) => `${n.toLocaleString('en')} rows ${ms(f.ms[i])}`).join(', ')}; growth ${f.growth.toFixed(2)}`,
      )
    console.log(
      `\npeak RSS of the timed runs ${peakRss} MiB (both databases open in this process, each with its own page cache)`,
    )
    console.log(`load average before ${loadBefore}, after ${loadAfter}`)
    if (jsonFile) {
      const out = {
        engine,
        sizes,
        results,
        floor: floors,
        peakRssMb: peakRss,
        run: {
          at: new Date().toISOString(),
          command: command('bench/growth.ts'),
          node: process.version,
          runsPerSide: runs,
          loadAverageBefore: loadBefore,
          loadAverageAfter: loadAfter,
          generateSeconds: generated,
        },
      }
      writeJson(jsonFile, out)
    }
  } catch (e) {
    failed = true
    reportFailure(e)
  } finally {
    for (const bench of benches) {
      await bench.cleanup(keep)
      if (keep) console.log(`kept ${bench.where}`)
    }
  }
  if (failed) process.exitCode = 1
}

await main()
