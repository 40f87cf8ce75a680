/**
 * Load test: the real server (`segmenta serve`, its own process) on loopback with the demo company, driven by
 * autocannon with 50 connections for a bounded time on four endpoints in turn — the contact list, the contact
 * card, a segment preview and Add Contacts — printing throughput, p50/p99 latency and errors for each.
 * Exits with status 1 if any request failed (a connection error, a timeout or an answer other than 2xx).
 *
 *   npm run load                                   # SQLite file in the temp folder, 10 s per endpoint
 *   npm run load -- --seconds 30 --connections 50
 *   npm run load -- --db postgres://postgres@127.0.0.1:5432/postgres   # a scratch database on that server
 *
 * Results and how to read them: docs/performance.md.
 */
import { cpus, loadavg } from 'node:os'
// @ts-expect-error autocannon ships no type declarations
import autocannon from 'autocannon'
import { createToken } from '../src/auth/credentials.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { inTransaction } from '../src/db/transaction.js'
import { loadDemo } from '../src/demo/load.js'
import { kill, startServer } from '../src/reliability/server-fixtures.js'
import { openBenchDatabase } from './bench-database.js'

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}

const SECONDS = Number(arg('seconds', process.env.LOAD_SECONDS ?? '10'))
const CONNECTIONS = Number(arg('connections', '50'))
const DB_URL = process.argv.includes('--db') ? arg('db', '') : undefined
/** Segments the Add Contacts scenario spreads over: steps on one segment queue behind each other (its lock). */
const ADD_SEGMENTS = 10

interface Stats {
  average: number
  p50: number
  p99: number
}
interface Result {
  requests: Stats & { total: number }
  latency: Stats
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats: Record<string, { count: number }>
}
interface RequestSpec {
  method: 'GET' | 'POST'
  path?: string
  body?: string
  headers?: Record<string, string>
}

const random = (n: number) => Math.floor(Math.random() * n)
const pad = (n: number, width: number) => String(n).padStart(width, '0')

/** The four scenarios: what one request looks like (each request drawn afresh). */
function scenarios(contacts: number): { name: string; next: () => RequestSpec }[] {
  const json = { 'content-type': 'application/json' }
  const previews = [
    { action: 'add', filters: { contact: { type: 'Person' } } },
    { action: 'add', filters: { industryGroup: { industryGroupCode: 'RETAIL|WHOLESALE' } }, expandCompanies: true },
    { action: 'add', filters: { mailingGroup: { mailingGroupCode: 'NEWSLETTER' }, contact: { city: '@*o*' } } },
    { action: 'refine', filters: { interactionLogEntry: { date: '2025-06-01..' } } },
  ]
  return [
    {
      name: 'contact list (GET /api/contacts, 50 a page, sorted, filtered)',
      next: () => ({
        method: 'GET',
        path: `/api/contacts?limit=50&offset=${random(6) * 50}&sort=${['name', '-no', 'city'][random(3)]}${random(2) ? '&filter[type]=Person' : ''}`,
      }),
    },
    {
      name: 'contact card (GET /api/contacts/{no})',
      next: () => ({ method: 'GET', path: `/api/contacts/CT${pad(1 + random(contacts), 6)}` }),
    },
    {
      name: 'segment preview (POST /api/segments/{no}/preview)',
      next: () => ({
        method: 'POST',
        path: '/api/segments/SM00005/preview',
        headers: json,
        body: JSON.stringify(previews[random(previews.length)]),
      }),
    },
    {
      name: 'Add Contacts (POST /api/segments/{no}/add-contacts, ~10 lines each)',
      next: () => ({
        method: 'POST',
        path: `/api/segments/LOAD${pad(random(ADD_SEGMENTS), 2)}/add-contacts`,
        headers: json,
        body: JSON.stringify({ filters: { contact: { no: `CT0000${random(4)}*` } }, allowExistingContacts: true }),
      }),
    },
  ]
}

function run(
  url: string,
  token: string,
  next: () => RequestSpec,
  connections: number,
  seconds: number,
): Promise<Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (req: RequestSpec) => {
          const r = next()
          return { ...req, ...r, headers: { ...req.headers, ...r.headers } }
        },
      },
    ],
  })
}

async function main(): Promise<void> {
  const bench = await openBenchDatabase(DB_URL)
  const { db } = bench
  let server: Awaited<ReturnType<typeof startServer>> | undefined
  let failed = 0
  try {
    await migrateToLatest(db)
    await inTransaction(db.kysely, (trx) => loadDemo(trx))
    for (let i = 0; i < ADD_SEGMENTS; i++)
      await db.kysely
        .insertInto('segment_headers')
        .values({ no: `LOAD${pad(i, 2)}`, description: `Load test ${i}`, salesperson_code: 'AH' })
        .execute()
    const contacts = Number(
      (
        await db.kysely
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
    const { token } = await createToken(db.kysely, 'demo', 'load test')
    server = await startServer(db.url)

    console.log(`Segmenta load test: ${bench.where}, demo company (${contacts} contacts)`)
    console.log(
      `${CONNECTIONS} connections, ${SECONDS} s per endpoint, server and load generator on one machine (${cpus().length} cores, Node ${process.version}, load average before ${loadavg()[0].toFixed(1)})\n`,
    )
    const rows: string[][] = [['endpoint', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors']]
    for (const s of scenarios(contacts)) {
      // A short warm-up so the first second does not measure JIT and cold caches.
      await run(server.url, token, s.next, 5, 1)
      const r = await run(server.url, token, s.next, CONNECTIONS, SECONDS)
      const errors = r.errors + r.timeouts + r.non2xx
      failed += errors
      rows.push([
        s.name,
        String(r.requests.total),
        r.requests.average.toFixed(0),
        String(r.latency.p50),
        String(r.latency.p99),
        errors ? `${errors} (${JSON.stringify(r.statusCodeStats)})` : '0',
      ])
      console.log(
        `  ${s.name}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${errors} errors`,
      )
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
    console.log()
    for (const [i, r] of rows.entries()) {
      console.log(`| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join(' | ')} |`)
      if (i === 0)
        console.log(`|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`)
    }
    console.log(`\n${failed === 0 ? 'No request failed.' : `${failed} requests failed.`}`)
  } finally {
    if (server) await kill(server)
    await bench.cleanup(false)
  }
  process.exit(failed === 0 ? 0 : 1)
}

await main()
