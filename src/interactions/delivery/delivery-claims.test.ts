import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { runCli } from '../../reliability/server-fixtures.js'
import { insertMailCompanies, line, makeSegment, seedLogWorld } from '../../segments/log/log-fixtures.js'
import { logSegment } from '../../segments/log/log-segment.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { Deliveries } from './deliveries.js'
import { resumeDeliveries } from './delivery-resume.js'
import { claimRun, DEFAULT_LEASE_MS, deliveryLeaseMs, requestDelivery } from './delivery-runs.js'
import { type ReceivedMail, startMailServer, type TestMailServer } from './test-mail-server.js'

describe('SEGMENTA_DELIVERY_LEASE_SECONDS', () => {
  it('is read as seconds, defaults when unset or blank, and refuses anything but 1 to 86400', () => {
    expect(deliveryLeaseMs({})).toBe(DEFAULT_LEASE_MS)
    expect(deliveryLeaseMs({ SEGMENTA_DELIVERY_LEASE_SECONDS: ' ' })).toBe(DEFAULT_LEASE_MS)
    expect(deliveryLeaseMs({ SEGMENTA_DELIVERY_LEASE_SECONDS: '2.5' })).toBe(2500)
    for (const bad of ['0', '-3', 'ten', '1e9', 'Infinity'])
      expect(() => deliveryLeaseMs({ SEGMENTA_DELIVERY_LEASE_SECONDS: bad })).toThrow(
        `SEGMENTA_DELIVERY_LEASE_SECONDS must be a number of seconds from 1 to 86400, not "${bad}".`,
      )
  })

  it('stops `segmenta serve` at start with that message (exit status 1) before it touches the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmenta-lease-'))
    try {
      const r = await runCli(['serve', '--port', '0'], {
        SEGMENTA_DB: `sqlite:${join(dir, 'x.db')}`,
        SEGMENTA_DELIVERY_LEASE_SECONDS: 'soon',
      })
      expect(r.status).toBe(1)
      expect(r.stderr).toContain(
        'segmenta: SEGMENTA_DELIVERY_LEASE_SECONDS must be a number of seconds from 1 to 86400, not "soon".',
      )
      expect(r.stdout).toBe('')
      expect(readdirSync(dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

/**
 * Several senders on one database (as several `segmenta serve` processes would be): each logged segment's run
 * is claimed by one of them at a time, a run whose lease ran out is taken over, and each message is claimed
 * on its own, so no two senders hand over the same message.
 */
describe.each(dialects)('Delivery claims on %s', (dialect) => {
  let t: TestApp
  let smtp: TestMailServer
  /** What the mail server does with each message before it accepts it (per test). */
  let onMessage: (mail: ReceivedMail, index: number) => void | Promise<void> = () => {}
  const NOS = Array.from({ length: 10 }, (_, i) => `T${String(i + 1).padStart(2, '0')}`)
  let segment = 0

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    await insertMailCompanies(t.db.kysely, NOS)
    smtp = await startMailServer({ onMessage: (mail, index) => onMessage(mail, index) })
    await t.db.kysely.updateTable('marketing_setup').set({ smtp_host: '127.0.0.1', smtp_port: smtp.port }).execute()
  })
  afterAll(async () => {
    await t.close()
    await smtp.close()
  })
  beforeEach(() => {
    smtp.messages.length = 0
    onMessage = () => {}
  })

  const db = () => t.db.kysely

  /** Logs a new segment of the ten e-mail contacts with delivery, without queuing it (the test does). */
  async function logTen(): Promise<number> {
    const no = `CLAIM${++segment}`
    await makeSegment(
      db(),
      no,
      NOS.map((c, i) => line((i + 1) * 10000, c, { contact_company_no: c })),
    )
    const r = await inTransaction(db(), (trx) =>
      logSegment(trx, dialect, no, { sendAttachments: true }, { username: 'marketer', salespersonCode: '' }),
    )
    return r.loggedSegmentEntryNo
  }

  async function entries(ls: number) {
    return (
      await db()
        .selectFrom('interaction_log_entries')
        .select(['entry_no', 'delivery_status', 'delivery_interrupted'])
        .where('logged_segment_entry_no', '=', ls)
        .orderBy('entry_no')
        .execute()
    ).map((e) => ({ no: Number(e.entry_no), status: e.delivery_status, interrupted: Number(e.delivery_interrupted) }))
  }

  /** How many copies of each entry's message arrived, by entry no. */
  function copies(): [number, number][] {
    const n = new Map<number, number>()
    for (const m of smtp.messages) {
      const no = Number(m.headers['x-segmenta-entry-no'])
      n.set(no, (n.get(no) ?? 0) + 1)
    }
    return [...n].sort((a, b) => a[0] - b[0])
  }

  it('Given two senders asked for the same logged segment at once, each message is sent once', async () => {
    const ls = await logTen()
    const a = new Deliveries()
    const b = new Deliveries()
    a.enqueue(db(), ls)
    b.enqueue(db(), ls)
    await Promise.all([a.idle(), b.idle()])

    const rows = await entries(ls)
    expect(copies()).toEqual(rows.map((e) => [e.no, 1]))
    expect(rows.map((e) => [e.status, e.interrupted])).toEqual(rows.map(() => ['', 0]))
    // One of them held the run; the other found it claimed and left it (or found it finished).
    const sent = [...a.results, ...b.results].map((r) => r.result?.sent)
    expect(sent).toEqual([10])
    expect(await db().selectFrom('delivery_runs').selectAll().execute()).toEqual([])
  })

  it('Given a run claimed by a live sender, another sender does not claim it', async () => {
    const ls = await logTen()
    await requestDelivery(db(), ls)
    expect(await claimRun(db(), ls, 'sender-a', 60_000)).toBe(1)
    expect(await claimRun(db(), ls, 'sender-b', 60_000)).toBeUndefined()
    // A log or resend meanwhile counts as one more request, for the holder to see
    await requestDelivery(db(), ls)
    expect(await claimRun(db(), ls, 'sender-a', 60_000)).toBe(2)
    await db().deleteFrom('delivery_runs').where('logged_segment_entry_no', '=', ls).execute()
  })

  it('Given a canceled logged segment with an unfinished delivery, deleting it removes its claim too', async () => {
    const ls = await logTen()
    await requestDelivery(db(), ls)
    expect(await claimRun(db(), ls, 'sender-dead', 60_000)).toBe(1)
    expect((await t.marketer.post(`/api/logged-segments/${ls}/cancel`, {})).status).toBe(200)
    const before = (await entries(ls)).map((e) => e.no)
    expect(before).toHaveLength(10)
    const deleted = await t.marketer.del(`/api/logged-segments/${ls}`)
    expect(deleted.status).toBe(204)
    expect(await db().selectFrom('delivery_runs').selectAll().execute()).toEqual([])
    expect(await entries(ls)).toEqual([])
    // Its ten interaction log entries stay, only their link to it is cleared.
    const kept = await db()
      .selectFrom('interaction_log_entries')
      .select(['entry_no', 'logged_segment_entry_no'])
      .where('entry_no', 'in', before)
      .orderBy('entry_no')
      .execute()
    expect(kept.map((e) => [Number(e.entry_no), Number(e.logged_segment_entry_no)])).toEqual(before.map((n) => [n, 0]))
  })

  it('Given a sender whose lease ran out while a message was in flight, another takes the run over and only that message goes twice', async () => {
    const ls = await logTen()
    const a = new Deliveries()
    const b = new Deliveries()
    let takenOver = false
    let inFlight = 0
    onMessage = async (mail, index) => {
      if (index !== 2 || takenOver) return
      takenOver = true
      inFlight = Number(mail.headers['x-segmenta-entry-no'])
      // Sender A seems dead (its lease ran out) while its third message waits for the answer
      await db()
        .updateTable('delivery_runs')
        .set({ claimed_until: 0 })
        .where('logged_segment_entry_no', '=', ls)
        .execute()
      resumeDeliveries(db(), b).stop()
      for (let i = 0; i < 500; i++) {
        const e = await db()
          .selectFrom('interaction_log_entries')
          .select('delivery_interrupted')
          .where('entry_no', '=', inFlight)
          .executeTakeFirstOrThrow()
        if (Number(e.delivery_interrupted) === 1) return
        await new Promise((r) => setTimeout(r, 10))
      }
      throw new Error('sender B did not take the run over')
    }
    a.enqueue(db(), ls)
    // Both go on sending side by side until the entries run out: each claims its messages one by one.
    await a.idle()
    await b.idle()

    const rows = await entries(ls)
    expect(copies()).toEqual(rows.map((e) => [e.no, e.no === inFlight ? 2 : 1]))
    expect(rows.map((e) => [e.status, e.interrupted])).toEqual(rows.map((e) => ['', e.no === inFlight ? 1 : 0]))
    expect(b.results.map((r) => r.result?.resent)).toEqual([1])
    // Eleven messages between them: the ten, and the one in flight again
    expect((a.results[0].result?.sent ?? 0) + (b.results[0].result?.sent ?? 0)).toBe(11)
    const progress = await t.viewer.get(`/api/logged-segments/${ls}/delivery`)
    expect(progress.body).toMatchObject({ total: 10, sent: 10, inProgress: 0, maybeSentTwice: 1, running: false })
    expect(await db().selectFrom('delivery_runs').selectAll().execute()).toEqual([])
  })

  it('Given a sender stopped mid-way, it gives the run back and the next server resumes it: nothing twice', async () => {
    const ls = await logTen()
    const a = new Deliveries()
    let stopped: Promise<void> = Promise.resolve()
    onMessage = (_mail, index) => {
      // Not awaited: the stop waits for this very message to be answered.
      if (index === 3) stopped = a.stop(db())
    }
    a.enqueue(db(), ls)
    await a.idle()
    await stopped
    expect(smtp.messages.length).toBe(4)
    const run = await db().selectFrom('delivery_runs').select(['claimed_by', 'claimed_until']).execute()
    expect(run.map((r) => [r.claimed_by, Number(r.claimed_until)])).toEqual([['', 0]])
    expect((await t.viewer.get(`/api/logged-segments/${ls}/delivery`)).body).toMatchObject({
      sent: 4,
      inProgress: 6,
      maybeSentTwice: 0,
      running: false,
    })

    const b = new Deliveries()
    const resume = resumeDeliveries(db(), b)
    resume.stop()
    await resume.firstSweep
    await b.idle()
    const rows = await entries(ls)
    expect(copies()).toEqual(rows.map((e) => [e.no, 1]))
    expect(rows.map((e) => [e.status, e.interrupted])).toEqual(rows.map(() => ['', 0]))
    expect(b.results.map((r) => [r.result?.sent, r.result?.resent])).toEqual([[6, 0]])
    expect(await db().selectFrom('delivery_runs').selectAll().execute()).toEqual([])
  })
})
