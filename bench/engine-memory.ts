/**
 * Memory and time of the segment engine at scale. Generates N contacts with relations in SQL (never row
 * by row from Node), then runs Preview, Add Contacts (~40 % of the contacts), Reduce and Go Back on one
 * segment, printing for each its duration, the lines it touched and the peak RSS while it ran.
 *
 *   npx tsx bench/engine-memory.ts --contacts 1000000               # SQLite file in the temp folder
 *   npx tsx bench/engine-memory.ts --contacts 200000 --db postgres://postgres@127.0.0.1:5432/test
 *
 * `--keep` leaves the generated database (file or schema) behind for EXPLAIN.
 *
 * RSS is sampled from a worker thread every 5 ms, because better-sqlite3 runs a statement synchronously
 * on the main thread (a timer there would never fire during the step); VmHWM (the kernel's peak) is shown
 * as a cross-check. The engine never pulls rows into Node, so the peak should not grow with N beyond the
 * database's own caches (SQLite: 64 MiB page cache and its sorter run in this process).
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { sql } from 'kysely'
import pg from 'pg'
import { type Db, openDb } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { inTransaction } from '../src/db/transaction.js'
import { addContacts, goBack, previewStep, removeContacts } from '../src/segments/engine/index.js'
import { analyzeAfterBulk } from '../src/segments/engine/segment-state.js'

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}

const N = Number(arg('contacts', '100000'))
const url = arg('db')
const keep = process.argv.includes('--keep')
if (!Number.isInteger(N) || N < 10) throw new Error('--contacts must be an integer ≥ 10')

/**
 * Peak RSS sampler on a worker thread: the highest RSS (process.memoryUsage().rss) and the highest anonymous
 * RSS (RssAnon: heap, SQLite's page cache and sorter — without the file pages SQLite maps) seen since
 * `reset()`, in MiB.
 */
function startSampler() {
  const shared = new Int32Array(new SharedArrayBuffer(12))
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads')
     const { readFileSync } = require('node:fs')
     const a = workerData
     setInterval(() => {
       const kb = Math.round(process.memoryUsage().rss / 1024)
       if (kb > Atomics.load(a, 0)) Atomics.store(a, 0, kb)
       const m = /RssAnon:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
       if (m && Number(m[1]) > Atomics.load(a, 2)) Atomics.store(a, 2, Number(m[1]))
       if (Atomics.load(a, 1) === 1) process.exit(0)
     }, 5)`,
    { eval: true, workerData: shared },
  )
  return {
    reset: () => {
      Atomics.store(shared, 0, Math.round(process.memoryUsage().rss / 1024))
      Atomics.store(shared, 2, 0)
    },
    peak: () => Atomics.load(shared, 0) / 1024,
    peakAnon: () => Atomics.load(shared, 2) / 1024,
    stop: async () => {
      Atomics.store(shared, 1, 1)
      await new Promise((r) => worker.once('exit', r))
    },
  }
}

/** The kernel's peak RSS of this process (VmHWM), in MiB; reset by writing 5 to clear_refs. */
function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : Number.NaN
}
function resetHwm(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
  } catch {}
}

const mib = (bytes: number) => bytes / 1024 / 1024

async function openBench(): Promise<{ db: Db; cleanup: () => Promise<void>; where: string }> {
  if (!url || url.startsWith('sqlite:')) {
    const path = url ? url.slice('sqlite:'.length) : join(tmpdir(), `segmenta-bench-${process.pid}.db`)
    const db = openDb(`sqlite:${path}`)
    return {
      db,
      where: `SQLite ${path}`,
      cleanup: async () => {
        await db.close()
        if (!url && !keep) for (const s of ['', '-wal', '-shm']) rmSync(`${path}${s}`, { force: true })
      },
    }
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  const db = openDb(url, { schema, poolSize: 2 })
  return {
    db,
    where: `PostgreSQL schema ${schema}`,
    cleanup: async () => {
      await db.close()
      if (keep) return
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop schema ${schema} cascade`)
      await c.end()
    },
  }
}

/**
 * N contacts in blocks of five: a company and four persons, except every 20th block, whose five are
 * company-less persons. Companies have one of five industry groups; every third contact is in mailing
 * group NEWS; the first person of each company is a purchaser; every 47th contact is excluded.
 */
async function generate(db: Db): Promise<void> {
  const k = db.kysely
  const pgsql = db.dialect === 'postgres'
  const pad = (e: string) => sql.raw(pgsql ? `'CT' || lpad((${e})::text, 8, '0')` : `printf('CT%08d', ${e})`)
  const series = pgsql
    ? sql`generate_series(1, ${N}) AS seq(n)`
    : sql`(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${N}) SELECT n FROM s) seq`
  const blk = '((n - 1) / 5)'
  const slot = '((n - 1) % 5)'
  const free = `(${blk} % 20 = 19)`
  for (const code of ['RETAIL', 'WHOLESALE', 'SERVICE', 'MANUF', 'OTHER'])
    await k.insertInto('industry_groups').values({ code }).execute()
  await k.insertInto('mailing_groups').values({ code: 'NEWS' }).execute()
  await k.insertInto('job_responsibilities').values({ code: 'PURCH' }).execute()

  await sql`INSERT INTO contacts (no, type, name, search_name, company_no, company_name, salesperson_code,
                                  language_code, correspondence_type, exclude_from_segment)
    SELECT ${pad('n')},
           CASE WHEN ${sql.raw(slot)} = 0 AND NOT ${sql.raw(free)} THEN 'Company' ELSE 'Person' END,
           CASE WHEN ${sql.raw(slot)} = 0 AND NOT ${sql.raw(free)} THEN 'Company ' || ${sql.raw(blk)} ELSE 'Person ' || n END,
           upper(CASE WHEN ${sql.raw(slot)} = 0 AND NOT ${sql.raw(free)} THEN 'Company ' || ${sql.raw(blk)} ELSE 'Person ' || n END),
           CASE WHEN ${sql.raw(free)} THEN '' ELSE ${pad(`${blk} * 5 + 1`)} END,
           CASE WHEN ${sql.raw(free)} THEN '' ELSE 'Company ' || ${sql.raw(blk)} END,
           'SP' || (n % 3),
           CASE WHEN n % 4 = 0 THEN 'DEU' ELSE '' END,
           CASE WHEN n % 2 = 0 THEN 'Email' ELSE '' END,
           CASE WHEN n % 47 = 0 THEN 1 ELSE 0 END
    FROM ${series}`.execute(k)
  const groups = pgsql
    ? sql`(ARRAY['RETAIL','WHOLESALE','SERVICE','MANUF','OTHER'])[(${sql.raw(blk)} % 5) + 1]`
    : sql`CASE ${sql.raw(blk)} % 5 WHEN 0 THEN 'RETAIL' WHEN 1 THEN 'WHOLESALE' WHEN 2 THEN 'SERVICE' WHEN 3 THEN 'MANUF' ELSE 'OTHER' END`
  await sql`INSERT INTO contact_industry_groups (contact_no, industry_group_code)
    SELECT ${pad('n')}, ${groups} FROM ${series} WHERE ${sql.raw(slot)} = 0 AND NOT ${sql.raw(free)}`.execute(k)
  await sql`INSERT INTO contact_mailing_groups (contact_no, mailing_group_code)
    SELECT ${pad('n')}, 'NEWS' FROM ${series} WHERE n % 3 = 0`.execute(k)
  await sql`INSERT INTO contact_job_responsibilities (contact_no, job_responsibility_code)
    SELECT ${pad('n')}, 'PURCH' FROM ${series} WHERE ${sql.raw(slot)} = 1 AND NOT ${sql.raw(free)}`.execute(k)
  await k.insertInto('segment_headers').values({ no: 'BENCH', description: 'Benchmark', date: '2026-04-01' }).execute()
  // Statistics for both planners after the bulk load (SQLite: sqlite_stat1).
  await sql`ANALYZE`.execute(k)
}

async function main() {
  const { db, cleanup, where } = await openBench()
  const sampler = startSampler()
  const actor = { username: 'bench' }
  try {
    await migrateToLatest(db)
    let t = performance.now()
    await generate(db)
    console.log(
      `${where}: generated ${N.toLocaleString('en')} contacts with relations in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )

    const filters = { industryGroup: { industryGroupCode: 'RETAIL|WHOLESALE' } }
    const rows: string[][] = [
      [
        'step',
        'seconds',
        'lines',
        'RSS before MiB',
        'peak RSS MiB',
        'VmHWM MiB',
        'peak RssAnon MiB',
        'JS heap after MiB',
      ],
    ]
    const step = async (name: string, fn: () => Promise<number>) => {
      if (typeof global.gc === 'function') global.gc()
      const before = mib(process.memoryUsage().rss)
      sampler.reset()
      resetHwm()
      t = performance.now()
      const lines = await fn()
      const seconds = (performance.now() - t) / 1000
      await new Promise((r) => setTimeout(r, 20))
      rows.push([
        name,
        seconds.toFixed(2),
        lines.toLocaleString('en'),
        before.toFixed(0),
        sampler.peak().toFixed(0),
        vmHwm().toFixed(0),
        sampler.peakAnon().toFixed(0),
        mib(process.memoryUsage().heapUsed).toFixed(0),
      ])
    }
    await step(
      'preview add',
      async () => (await previewStep(db.kysely, db.dialect, 'BENCH', { action: 'add', filters })).linesInserted ?? 0,
    )
    let added = 0
    await step('add contacts', async () => {
      added = (await inTransaction(db.kysely, (trx) => addContacts(trx, db.dialect, 'BENCH', filters, {}, actor)))
        .linesInserted
      return added
    })
    // What the add-contacts route does after its commit.
    await analyzeAfterBulk(db.kysely, db.dialect, added)
    await step(
      'reduce (NEWS)',
      async () =>
        (
          await inTransaction(db.kysely, (trx) =>
            removeContacts(
              trx,
              db.dialect,
              'BENCH',
              'reduce',
              { mailingGroup: { mailingGroupCode: 'NEWS' } },
              {},
              actor,
            ),
          )
        ).linesRemoved,
    )
    await step(
      'go back (reduce)',
      async () => (await inTransaction(db.kysely, (trx) => goBack(trx, db.dialect, 'BENCH', actor))).linesInserted,
    )
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
    for (const r of rows)
      console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
  } finally {
    await sampler.stop()
    await cleanup()
  }
}

await main()
