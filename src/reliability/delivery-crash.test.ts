import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../auth/credentials.js'
import { startMailServer, type TestMailServer } from '../interactions/delivery/test-mail-server.js'
import { insertMailCompanies, line, makeSegment, seedLogWorld } from '../segments/log/log-fixtures.js'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { kill, type Server, startServer, urlOf } from './server-fixtures.js'

/**
 * Kills the real server (SIGKILL) while it sends a logged segment's e-mails through a slow SMTP server, with
 * one message handed over and not yet answered, restarts it on the same database, and finds every message
 * delivered: once each, but for the one in flight, which went twice and is reported so.
 */

const CONTACTS = 60
/** The kill comes while the server waits for the answer to this message (0-based). */
const KILL_AT = 12
/** Short, so the restarted server takes the dead one's run over soon (the sweep runs every half lease). */
const LEASE = { SEGMENTA_DELIVERY_LEASE_SECONDS: '2' }

describe.each(dialects)('A server killed while it sends e-mails on %s', (dialect) => {
  let db: TestDb
  let dbUrl: string
  let token: string
  let smtp: TestMailServer
  let server: Server | undefined
  /** Resolves once the first server was killed with message KILL_AT in flight. */
  let killed: Promise<void>

  beforeAll(async () => {
    db = await createTestDb(dialect)
    const k = db.kysely
    await seedLogWorld(k)
    const nos = Array.from({ length: CONTACTS }, (_, i) => `M${String(i + 1).padStart(3, '0')}`)
    await insertMailCompanies(k, nos)
    await makeSegment(
      k,
      'RESUME',
      nos.map((no, i) => line((i + 1) * 10000, no, { contact_company_no: no })),
    )
    let onKill = () => {}
    killed = new Promise((resolve) => {
      onKill = resolve
    })
    smtp = await startMailServer({
      delayMs: 20,
      onMessage: async (_mail, index) => {
        if (index !== KILL_AT || !server) return
        await kill(server)
        onKill()
      },
    })
    await k.updateTable('marketing_setup').set({ smtp_host: '127.0.0.1', smtp_port: smtp.port }).execute()
    await k.insertInto('users').values({ username: 'ops', role: 'marketer', password_hash: '' }).execute()
    token = (await createToken(k, 'ops')).token
    dbUrl = await urlOf(db)
  }, 60_000)

  afterAll(async () => {
    if (server) await kill(server)
    await smtp?.close()
    await db?.drop()
  })

  async function api(path: string, init: RequestInit = {}) {
    const res = await fetch(`${server!.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })
    return { status: res.status, body: (await res.json()) as any }
  }

  it('Given a logged segment of e-mails whose server is killed mid-way, the restarted server sends the rest by itself, only the message in flight twice', async () => {
    // Given a server sending a logged segment's e-mails
    server = await startServer(dbUrl, LEASE)
    const logged = await api('/api/segments/RESUME/log', { method: 'POST', body: '{"sendAttachments":true}' })
    expect([logged.status, logged.body.delivery]).toEqual([200, { status: 'queued', emails: CONTACTS, letters: 0 }])
    const ls: number = logged.body.loggedSegmentEntryNo

    // When it is killed while the mail server holds a message unanswered
    await killed
    const entries = await db.kysely
      .selectFrom('interaction_log_entries')
      .select(['entry_no', 'delivery_status'])
      .where('logged_segment_entry_no', '=', ls)
      .orderBy('entry_no')
      .execute()
    const inFlight = Number(entries[KILL_AT].entry_no)
    // Then the database says what happened: the messages before are sent, the one in flight is Sending
    expect(entries.map((e) => e.delivery_status)).toEqual(
      entries.map((_, i) => (i < KILL_AT ? '' : i === KILL_AT ? 'Sending' : 'In Progress')),
    )

    // When the server is started again, nobody pressing Resend
    server = await startServer(dbUrl, LEASE)
    let progress = (await api(`/api/logged-segments/${ls}/delivery`)).body
    for (let i = 0; i < 600 && (progress.inProgress > 0 || progress.running); i++) {
      await new Promise((r) => setTimeout(r, 100))
      progress = (await api(`/api/logged-segments/${ls}/delivery`)).body
    }

    // Then every message arrived, each once but the one in flight at the kill, which arrived twice
    const copies = new Map<number, number>()
    for (const m of smtp.messages) {
      const no = Number(m.headers['x-segmenta-entry-no'])
      copies.set(no, (copies.get(no) ?? 0) + 1)
    }
    expect(smtp.messages.length).toBe(CONTACTS + 1)
    expect([...copies.keys()].sort((a, b) => a - b)).toEqual(entries.map((e) => Number(e.entry_no)))
    expect([...copies].filter(([, n]) => n !== 1)).toEqual([[inFlight, 2]])

    // and every entry is sent; the one in flight is marked as maybe sent twice, and the progress says so
    const after = await db.kysely
      .selectFrom('interaction_log_entries')
      .select(['entry_no', 'delivery_status', 'delivery_error', 'delivery_interrupted'])
      .where('logged_segment_entry_no', '=', ls)
      .orderBy('entry_no')
      .execute()
    expect(
      after.map((e) => [Number(e.entry_no), e.delivery_status, e.delivery_error, Number(e.delivery_interrupted)]),
    ).toEqual(entries.map((e) => [Number(e.entry_no), '', '', Number(e.entry_no) === inFlight ? 1 : 0]))
    expect(progress).toEqual({
      total: CONTACTS,
      sent: CONTACTS,
      failed: 0,
      inProgress: 0,
      maybeSentTwice: 1,
      emails: CONTACTS,
      letters: 0,
      running: false,
      lettersPdf: null,
    })
    const entry = await api(`/api/interaction-log-entries/${inFlight}`)
    expect([entry.body.deliveryStatus, entry.body.deliveryInterrupted]).toEqual(['', true])
    // and the finished run left no claim behind
    expect(await db.kysely.selectFrom('delivery_runs').selectAll().execute()).toEqual([])
    await kill(server)
  }, 180_000)
})
