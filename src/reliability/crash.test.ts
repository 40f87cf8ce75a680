import { createHash, randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../auth/credentials.js'
import { inTransaction } from '../db/transaction.js'
import { addContacts } from '../segments/engine/index.js'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { kill, type Server, startServer, urlOf } from './server-fixtures.js'

/**
 * Kills the real server (SIGKILL: no shutdown, no rollback by the process) in the middle of a large Add
 * Contacts and of a Log, restarts it on the same database, and finds the segment exactly as it was. The data
 * is sized so each action runs well over a second; the kill comes once the action's transaction is seen
 * running in the database.
 */

/** Contacts: enough that one Add or Log of all of them takes over a second on each dialect (2 cores). */
const CONTACTS = { sqlite: 150_000, postgres: 60_000 }

const digestOf = (rows: unknown[]) =>
  `${rows.length}:${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`

describe.each(dialects)('A server killed in the middle of an action on %s', (dialect) => {
  let db: TestDb
  let dbUrl: string
  let token: string
  let server: Server | undefined
  /** Tells whether a write transaction is running in the database right now. */
  let writing: () => Promise<boolean>
  let closeProbe: () => void = () => {}
  /** Waits until the database has finished with the killed server's sessions. */
  let afterKill: () => Promise<void> = async () => {}
  const n = CONTACTS[dialect]

  beforeAll(async () => {
    db = await createTestDb(dialect)
    const k = db.kysely
    // Contacts generated in SQL (no loop in JavaScript), a salesperson and template for logging, two segments.
    if (dialect === 'sqlite') {
      await sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
        INSERT INTO contacts (no, type, name, search_name, company_no, company_name, email, correspondence_type)
        SELECT printf('C%07d', i), 'Company', 'Company ' || i, 'COMPANY ' || i, printf('C%07d', i), 'Company ' || i,
               'c' || i || '@example.test', 'Email' FROM s`.execute(k)
    } else {
      await sql`INSERT INTO contacts (no, type, name, search_name, company_no, company_name, email, correspondence_type)
        SELECT 'C' || lpad(i::text, 7, '0'), 'Company', 'Company ' || i, 'COMPANY ' || i, 'C' || lpad(i::text, 7, '0'),
               'Company ' || i, 'c' || i || '@example.test', 'Email' FROM generate_series(1, ${n}) i`.execute(k)
      await sql`ANALYZE`.execute(k)
    }
    await k.insertInto('salespeople').values({ code: 'SP', name: 'Sam Price' }).execute()
    await k.insertInto('interaction_groups').values({ code: 'MAIL' }).execute()
    await k.insertInto('interaction_templates').values({ code: 'NEWS', interaction_group_code: 'MAIL' }).execute()
    for (const no of ['CRASH-ADD', 'CRASH-LOG'])
      await k
        .insertInto('segment_headers')
        .values({
          no,
          description: `Crash test ${no}`,
          date: '2026-03-15',
          salesperson_code: 'SP',
          interaction_template_code: 'NEWS',
          interaction_group_code: 'MAIL',
        })
        .execute()
    await inTransaction(k, (trx) => addContacts(trx, dialect, 'CRASH-LOG', {}, {}, { username: 'setup' }))
    await k.insertInto('users').values({ username: 'ops', role: 'marketer', password_hash: '' }).execute()
    token = (await createToken(k, 'ops')).token

    if (dialect === 'sqlite') {
      const file = db.url.slice('sqlite:'.length)
      dbUrl = db.url
      const probe = new Database(file, { timeout: 0 })
      closeProbe = () => probe.close()
      writing = async () => {
        try {
          probe.exec('BEGIN IMMEDIATE')
          probe.exec('ROLLBACK')
          return false
        } catch (e) {
          if ((e as { code?: string }).code === 'SQLITE_BUSY') return true
          throw e
        }
      }
    } else {
      const app = `segmenta_crash_${randomBytes(4).toString('hex')}`
      dbUrl = await urlOf(db, app)
      writing = async () => {
        const r = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity
            WHERE application_name = ${app} AND xact_start IS NOT NULL AND state <> 'idle'
              AND xact_start < now() - interval '100 milliseconds'`.execute(k)
        return Number(r.rows[0].n) > 0
      }
      // After a kill, PostgreSQL ends the server's sessions (rolling back) once it notices; wait for that.
      const settled = async () => {
        for (let i = 0; i < 600; i++) {
          const r = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity
              WHERE application_name = ${app}`.execute(k)
          if (Number(r.rows[0].n) === 0) return
          await new Promise((res) => setTimeout(res, 100))
        }
        throw new Error('the killed server’s sessions did not end')
      }
      afterKill = settled
    }
  }, 180_000)

  afterAll(async () => {
    if (server) await kill(server)
    closeProbe()
    await db?.drop()
  })

  /** Everything about a segment: header, lines, criteria, history (values only, no timestamps of writing). */
  async function state(no: string) {
    const k = db.kysely
    const lines = await k
      .selectFrom('segment_lines')
      // By key and contact: their other values come from the header, which is compared whole.
      .select(['line_no', 'contact_no', 'campaign_no', 'date'])
      .where('segment_no', '=', no)
      .orderBy('line_no')
      .execute()
    const history = await k
      .selectFrom('segment_history')
      .select(['action_no', 'line_no', 'action_taken', 'contact_no', 'username'])
      .where('segment_no', '=', no)
      .orderBy('action_no')
      .orderBy('line_no')
      .execute()
    const criteria = await k
      .selectFrom('segment_criteria_actions')
      .select(['action_no', 'action', 'filters', 'username'])
      .where('segment_no', '=', no)
      .orderBy('action_no')
      .execute()
    const header = await k.selectFrom('segment_headers').selectAll().where('no', '=', no).execute()
    const count = async (table: 'logged_segments' | 'interaction_log_entries' | 'campaign_entries') =>
      Number((await k.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n)
    return {
      header,
      lines: digestOf(lines),
      history: digestOf(history),
      criteria,
      logged: await count('logged_segments'),
      entries: await count('interaction_log_entries'),
      campaignEntries: await count('campaign_entries'),
      series: await k.selectFrom('number_series').selectAll().orderBy('code').execute(),
    }
  }

  /** Sends the action, kills the server while its transaction runs, and says what the client saw. */
  async function killDuring(path: string, body: object): Promise<string> {
    server = await startServer(dbUrl)
    const answer = fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (r) => `answered ${r.status}`,
      () => 'no answer',
    )
    const started = Date.now()
    while (!(await writing())) {
      if (Date.now() - started > 60_000) throw new Error('the action never started writing')
      await new Promise((r) => setTimeout(r, 10))
    }
    await new Promise((r) => setTimeout(r, 150))
    await kill(server)
    await afterKill()
    return answer
  }

  async function api(path: string, init: RequestInit = {}) {
    const res = await fetch(`${server!.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })
    return { status: res.status, body: (await res.json()) as any }
  }

  it(`Given an Add Contacts of ${CONTACTS[dialect].toLocaleString('en')} contacts killed mid-way, the restarted server shows the segment exactly as before`, async () => {
    const before = await state('CRASH-ADD')
    expect(await killDuring('/api/segments/CRASH-ADD/add-contacts', { filters: {} })).toBe('no answer')
    server = await startServer(dbUrl)
    expect(await state('CRASH-ADD')).toEqual(before)
    const seg = await api('/api/segments/CRASH-ADD')
    expect([seg.status, seg.body.noOfLines, seg.body.noOfCriteriaActions]).toEqual([200, 0, 0])
    // The audit log kept the attempt (written before the action), without an answer.
    const audit = await db.kysely
      .selectFrom('audit_log')
      .select(['username', 'status'])
      .where('action', '=', 'segments.add-contacts')
      .execute()
    expect(audit).toEqual([{ username: 'ops', status: 0 }])
    // And the restarted server does the same action in full.
    const again = await api('/api/segments/CRASH-ADD/add-contacts', { method: 'POST', body: '{"filters":{}}' })
    expect([again.status, again.body.linesInserted]).toEqual([200, n])
    await kill(server)
  }, 240_000)

  it(`Given a Log of ${CONTACTS[dialect].toLocaleString('en')} lines killed mid-way, the restarted server shows the segment exactly as before, and nothing logged`, async () => {
    const before = await state('CRASH-LOG')
    expect(before.lines).toMatch(new RegExp(`^${n}:`))
    expect(await killDuring('/api/segments/CRASH-LOG/log', {})).toBe('no answer')
    server = await startServer(dbUrl)
    expect(await state('CRASH-LOG')).toEqual(before)
    const seg = await api('/api/segments/CRASH-LOG')
    expect([seg.status, seg.body.noOfLines]).toEqual([200, n])
    const logged = await api('/api/logged-segments?filter[segmentNo]=CRASH-LOG')
    expect(logged.body.total).toBe(0)
    await kill(server)
  }, 240_000)
})
