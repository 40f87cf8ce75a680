import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { deliveries } from '../../interactions/delivery/deliveries.js'
import { NO_SMTP } from '../../interactions/delivery/mail-transport.js'
import { startMailServer, type TestMailServer } from '../../interactions/delivery/test-mail-server.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { line, makeSegment, seedLogWorld } from './log-fixtures.js'
import { NOT_SENT } from './log-segment.js'

describe.each(dialects)('Log with Send Attachments but without sending e-mails on %s', (dialect) => {
  let t: TestApp
  let smtp: TestMailServer
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    smtp = await startMailServer()
  })
  afterAll(async () => {
    await deliveries.idle()
    await t.close()
    await smtp.close()
  })
  beforeEach(async () => {
    vi.stubEnv('SEGMENTA_SMTP_URL', '')
    smtp.messages.length = 0
    await db().updateTable('marketing_setup').set({ smtp_host: '', smtp_port: 0, smtp_from: '' }).execute()
  })
  afterEach(() => vi.unstubAllEnvs())

  const db = () => t.db.kysely
  const statuses = async (ls: number) =>
    (
      await db()
        .selectFrom('interaction_log_entries')
        .select(['contact_no', 'correspondence_type', 'delivery_status', 'delivery_error'])
        .where('logged_segment_entry_no', '=', ls)
        .orderBy('entry_no')
        .execute()
    ).map((e) => [e.contact_no, e.correspondence_type, e.delivery_status, e.delivery_error])
  const setUpMailServer = () =>
    t.admin.patch('/api/setup/marketing', { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpFrom: 'm@cronus.test' })

  it('logs every line, prints the letters, keeps the e-mails as not sent, and Resend sends them once a server is set up', async () => {
    // Given no mail server and a segment of two e-mails, one letter and a line without correspondence type
    await makeSegment(db(), 'HOLD1', [
      line(10000, 'P1'),
      line(20000, 'K1', { correspondence_type: 'Hard Copy', interaction_template_code: 'LETTER' }),
      line(30000, 'P4'),
      line(40000, 'P2', { correspondence_type: '' }),
    ])

    // When it is logged with Send Attachments and sendEmails: false
    const r = await t.marketer.post('/api/segments/HOLD1/log', { sendAttachments: true, sendEmails: false })
    await deliveries.idle()

    // Then all four interactions are logged, the letter is printed and the e-mails wait as Error for Resend
    const logged = await db()
      .selectFrom('logged_segments')
      .select(['entry_no', 'send_attachments'])
      .where('segment_no', '=', 'HOLD1')
      .executeTakeFirstOrThrow()
    expect(Number(logged.send_attachments)).toBe(1)
    expect([r.status, r.body]).toEqual([
      200,
      {
        loggedSegmentEntryNo: Number(logged.entry_no),
        interactionsLogged: 4,
        emailsNotSent: 2,
        delivery: { status: 'queued', emails: 0, letters: 1 },
      },
    ])
    const ls = r.body.loggedSegmentEntryNo
    expect(await statuses(ls)).toEqual([
      ['P1', 'Email', 'Error', NOT_SENT],
      ['K1', 'Hard Copy', '', ''],
      ['P4', 'Email', 'Error', NOT_SENT],
      ['P2', '', '', ''],
    ])
    expect(smtp.messages).toEqual([])
    expect((await t.viewer.get(`/api/logged-segments/${ls}/delivery`)).body).toMatchObject({
      total: 3,
      sent: 1,
      failed: 2,
      inProgress: 0,
      emails: 2,
      letters: 1,
    })
    expect(await db().selectFrom('segment_headers').select('no').where('no', '=', 'HOLD1').execute()).toEqual([])

    // When Resend is asked while there still is no server, it is refused and nothing changes
    const early = await t.marketer.post(`/api/logged-segments/${ls}/resend`, {})
    expect([early.status, early.body.code, early.body.detail]).toEqual([422, 'RULE_VIOLATION', NO_SMTP])
    expect((await statuses(ls)).map((s) => s[2])).toEqual(['Error', '', 'Error', ''])

    // When a mail server is set up, Resend sends exactly the two e-mails
    await setUpMailServer()
    const resend = await t.marketer.post(`/api/logged-segments/${ls}/resend`, {})
    expect([resend.status, resend.body]).toEqual([200, { status: 'queued', emails: 2, letters: 0 }])
    await deliveries.idle()
    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['ann@alpha.test'], ['dora@free.test']])
    expect(await statuses(ls)).toEqual([
      ['P1', 'Email', '', ''],
      ['K1', 'Hard Copy', '', ''],
      ['P4', 'Email', '', ''],
      ['P2', '', '', ''],
    ])
  })

  it('sends nothing with sendEmails: false even when a mail server is set up', async () => {
    await setUpMailServer()
    await makeSegment(db(), 'HOLD2', [line(10000, 'P1')])
    const r = await t.marketer.post('/api/segments/HOLD2/log', { sendAttachments: true, sendEmails: false })
    await deliveries.idle()
    expect([r.status, r.body.emailsNotSent, r.body.delivery]).toEqual([
      200,
      1,
      { status: 'none', emails: 0, letters: 0 },
    ])
    expect(await statuses(r.body.loggedSegmentEntryNo)).toEqual([['P1', 'Email', 'Error', NOT_SENT]])
    expect(smtp.messages).toEqual([])
  })

  it('still refuses an Email line of a contact without e-mail, since Resend could not send it either', async () => {
    await makeSegment(db(), 'HOLD3', [line(10000, 'P1'), line(20000, 'P3')])
    const r = await t.marketer.post('/api/segments/HOLD3/log', { sendAttachments: true, sendEmails: false })
    expect([r.status, r.body.detail]).toEqual([
      422,
      'Make sure that the Email field is specified for either contact no. P3 or the contact alternative address.',
    ])
    expect(
      await db().selectFrom('segment_lines').select('line_no').where('segment_no', '=', 'HOLD3').execute(),
    ).toEqual([{ line_no: 10000 }, { line_no: 20000 }])
    expect(
      await db().selectFrom('logged_segments').select('entry_no').where('segment_no', '=', 'HOLD3').execute(),
    ).toEqual([])
  })

  it('is a plain log without Send Attachments: no delivery status, no emailsNotSent', async () => {
    await makeSegment(db(), 'HOLD4', [line(10000, 'P1')])
    const r = await t.marketer.post('/api/segments/HOLD4/log', { sendEmails: false })
    expect([r.status, r.body.emailsNotSent, r.body.delivery]).toEqual([200, undefined, undefined])
    expect(await statuses(r.body.loggedSegmentEntryNo)).toEqual([['P1', 'Email', '', '']])
  })

  it('refuses a sendEmails that is not a boolean with 400 and logs nothing', async () => {
    await makeSegment(db(), 'HOLD5', [line(10000, 'P1')])
    const r = await t.marketer.post('/api/segments/HOLD5/log', { sendAttachments: true, sendEmails: 'no' })
    expect([r.status, r.body.code, r.body.errors]).toEqual([
      400,
      'VALIDATION_FAILED',
      [{ path: 'body.sendEmails', message: 'Invalid input: expected boolean, received string' }],
    ])
    expect(
      await db().selectFrom('logged_segments').select('entry_no').where('segment_no', '=', 'HOLD5').execute(),
    ).toEqual([])
  })
})
