/**
 * Memory and time of a contact import at scale, through the service (`runContactImport`), one transaction
 * per import:
 *
 * 1. insert: a CSV file of N rows (a company, then nine persons of it; every other person without a No.,
 *    so the contact series numbers them), written to the temp folder and imported into an empty database;
 * 2. update: the contacts exported again (`exportContacts`, CSV) and re-imported: N updates, no change.
 *
 *   npx tsx bench/import-memory.ts                      # 200,000 rows, SQLite file in the temp folder
 *   npx tsx bench/import-memory.ts --rows 50000
 *   npx tsx bench/import-memory.ts --db postgres://postgres@127.0.0.1:5432/test   # scratch schema, dropped after
 *
 * Each phase prints the RSS before it, its peak (the kernel's VmHWM, reset through /proc/self/clear_refs),
 * which counts the database file pages SQLite maps (mmap_size 256 MiB), and its peak anonymous RSS, which
 * does not. Run two sizes: the import holds one chunk of rows in JavaScript, so the anonymous peak should
 * stay below a bound (heap + SQLite's 64 MiB page cache) instead of following N.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Worker } from 'node:worker_threads'
import pg from 'pg'
import { exportContacts } from '../src/contacts/import-export/export-contacts.js'
import { type ImportResult, runContactImport } from '../src/contacts/import-export/import-contacts.js'
import { type Db, openDb } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { peakRssMb, resetPeakRss, rssMb } from './rss.js'

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const N = Number(arg('rows', '200000'))
const url = arg('db')
if (!Number.isInteger(N) || N < 10) throw new Error('--rows must be an integer ≥ 10')

const mib = (kb: number) => `${Math.round(kb / 1024)} MiB`

/**
 * Highest anonymous RSS (RssAnon: JavaScript heap, SQLite's page cache and sorter — not the database file
 * pages SQLite maps, which the kernel may drop at will) since `reset()`, in kB. Sampled from a worker
 * thread every 5 ms, because better-sqlite3 runs each statement synchronously on the main thread.
 */
function anonSampler() {
  const shared = new Int32Array(new SharedArrayBuffer(8))
  const worker = new Worker(
    `const { workerData: a } = require('node:worker_threads')
     const { readFileSync } = require('node:fs')
     setInterval(() => {
       const m = /RssAnon:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
       if (m && Number(m[1]) > Atomics.load(a, 0)) Atomics.store(a, 0, Number(m[1]))
       if (Atomics.load(a, 1) === 1) process.exit(0)
     }, 5)`,
    { eval: true, workerData: shared },
  )
  return {
    reset: () => Atomics.store(shared, 0, 0),
    peak: () => Atomics.load(shared, 0),
    stop: async () => {
      Atomics.store(shared, 1, 1)
      await once(worker, 'exit')
    },
  }
}
const sampler = anonSampler()

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file)
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain')
  }
  await write('no,type,name,firstName,surname,companyNo,address,city,postCode,phoneNo,email,excludeFromSegment\n')
  let company = ''
  for (let i = 0; i < rows; i++) {
    if (i % 10 === 0) {
      company = `K${String(i).padStart(7, '0')}`
      await write(
        `${company},Company,Company ${i} A/S,,,,${i} Main Street,City ${i % 97},${1000 + (i % 8999)},+45 ${10000000 + i},info${i}@example.com,no\n`,
      )
    } else {
      const no = i % 2 ? `P${String(i).padStart(7, '0')}` : ''
      await write(
        `${no},Person,,First${i},Surname${i % 1000},${company},,,,,person${i}@example.com,${i % 7 === 0 ? 'yes' : 'no'}\n`,
      )
    }
  }
  out.end()
  await once(out, 'finish')
}

async function openScratch(dir: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (!url) return { db: openDb(`sqlite:${join(dir, 'bench.db')}`), drop: async () => {} }
  const schema = `bench_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  return {
    db: openDb(url, { schema }),
    drop: async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop schema ${schema} cascade`)
      await c.end()
    },
  }
}

async function phase(label: string, db: Db, file: string): Promise<void> {
  resetPeakRss()
  sampler.reset()
  const rssBefore = rssMb()
  const started = performance.now()
  const r: ImportResult = await runContactImport(db.kysely, createReadStream(file), 'csv', { dialect: db.dialect })
  const seconds = (performance.now() - started) / 1000
  console.log(
    `${label.padEnd(7)} ${(statSync(file).size / 1048576).toFixed(0).padStart(4)} MiB file  inserted ${r.inserted}, updated ${r.updated}, rejected ${r.rejected.length}  ` +
      `${seconds.toFixed(1)} s (${Math.round(N / seconds).toLocaleString('en')} rows/s)  RSS ${Math.round(rssBefore)} MiB → peak ${Math.round(peakRssMb())} MiB, peak anonymous ${mib(sampler.peak())}`,
  )
}

const dir = mkdtempSync(join(tmpdir(), 'segmenta-bench-import-'))
const { db, drop } = await openScratch(dir)
try {
  await migrateToLatest(db)
  await db.kysely.insertInto('number_series').values({ code: 'CONT', starting_no: 'CT0000001' }).execute()
  await db.kysely
    .updateTable('marketing_setup')
    .set({ contact_nos: 'CONT', default_country_region_code: 'DK' })
    .execute()
  console.log(`${db.dialect}, ${N.toLocaleString('en')} rows`)
  const file = join(dir, 'contacts.csv')
  await writeCsv(file, N)
  await phase('insert', db, file)
  const exported = join(dir, 'export.csv')
  await pipeline(exportContacts(db.kysely, { where: [] }, 'csv'), createWriteStream(exported))
  await phase('update', db, exported)
} finally {
  await sampler.stop()
  await db.close()
  await drop()
  rmSync(dir, { recursive: true, force: true })
}
