import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createToken } from '../../auth/credentials.js'
import { inTransaction } from '../../db/transaction.js'
import { line, makeSegment, seedLogWorld } from '../../segments/log/log-fixtures.js'
import { logSegment } from '../../segments/log/log-segment.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { Deliveries, deliveries } from './deliveries.js'
import { startMailServer, type TestMailServer } from './test-mail-server.js'

describe.each(dialects)('Delivery of a logged segment on %s', (dialect) => {
  let t: TestApp
  let smtp: TestMailServer
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    smtp = await startMailServer()
    await t.db.kysely
      .updateTable('marketing_setup')
      .set({ smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_from: 'marketing@cronus.test' })
      .execute()
  })
  afterAll(async () => {
    await deliveries.idle()
    await t.close()
    await smtp.close()
  })
  beforeEach(() => {
    smtp.messages.length = 0
    smtp.refuse.clear()
  })

  const db = () => t.db.kysely
  const statuses = async (ls: number) =>
    (
      await db()
        .selectFrom('interaction_log_entries')
        .select(['contact_no', 'delivery_status', 'delivery_error'])
        .where('logged_segment_entry_no', '=', ls)
        .orderBy('entry_no')
        .execute()
    ).map((e) => [e.contact_no, e.delivery_status, e.delivery_error])

  async function download(url: string): Promise<{ status: number; type: string; data: Buffer }> {
    const { token } = await createToken(db(), 'viewer')
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    return { status: res.statusCode, type: String(res.headers['content-type']), data: res.rawPayload }
  }

  it('sends one merged e-mail per Email line in its language and prints one letter per Hard Copy line', async () => {
    // Given a segment of e-mail contacts in three languages, two letters and a line without correspondence type
    await makeSegment(
      db(),
      'MAIL1',
      [
        line(10000, 'P1', { language_code: 'ENU' }),
        line(20000, 'P2', { language_code: 'DEU' }),
        line(30000, 'P4', { language_code: 'FRA', subject: 'Personal invitation for {{contact.firstName}}' }),
        line(40000, 'K1', {
          correspondence_type: 'Hard Copy',
          interaction_template_code: 'LETTER',
          interaction_group_code: 'LETTERS',
        }),
        line(50000, 'P3', {
          correspondence_type: 'Hard Copy',
          interaction_template_code: 'LETTER',
          interaction_group_code: 'LETTERS',
          salesperson_code: 'KL',
        }),
        line(60000, 'K2', { correspondence_type: '' }),
      ],
      { description: 'Spring Fair & <Expo>' },
    )

    // When it is logged with Send Attachments
    const r = await t.marketer.post('/api/segments/MAIL1/log', { sendAttachments: true })
    expect(r.status).toBe(200)
    const ls = r.body.loggedSegmentEntryNo
    expect(r.body).toEqual({
      loggedSegmentEntryNo: ls,
      interactionsLogged: 6,
      delivery: { status: 'queued', emails: 3, letters: 2 },
    })
    await deliveries.idle()

    // Then each e-mail contact received one message, merged, in its language (Dora's FRA falls back to ENU)
    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['ann@alpha.test'], ['bob@alpha.test'], ['dora@free.test']])
    const [ann, bob, dora] = smtp.messages
    expect(ann).toMatchObject({
      from: 'marketing@cronus.test',
      to: 'Ann Archer <ann@alpha.test>',
      replyTo: 'jr@cronus.test',
      subject: 'Spring news for Ann Archer',
      text: 'Dear Ann,\n\nsee you at Spring Fair & <Expo> on 2026-03-02.\n\nJohn Roberts (jr@cronus.test)',
    })
    expect(ann.html).toContain('<p>Dear Ann,</p>')
    expect(ann.html).toContain('<p>see you at Spring Fair &amp; &lt;Expo&gt; on 2026-03-02.</p>')
    expect(ann.html).not.toContain('<Expo>')
    expect(bob).toMatchObject({ subject: 'Neuigkeiten für Bob Baker', text: 'Hallo Bob von Alpha Ltd!' })
    expect(dora).toMatchObject({
      subject: 'Personal invitation for Dora',
      text: 'Dear Dora,\n\nsee you at Spring Fair & <Expo> on 2026-03-02.\n\nJohn Roberts (jr@cronus.test)',
    })

    // and every delivered entry is done; the line without correspondence type was not delivered (Q16)
    expect(await statuses(ls)).toEqual([
      ['P1', '', ''],
      ['P2', '', ''],
      ['P4', '', ''],
      ['K1', '', ''],
      ['P3', '', ''],
      ['K2', '', ''],
    ])
    const progress = await t.viewer.get(`/api/logged-segments/${ls}/delivery`)
    expect(progress.body).toMatchObject({
      total: 5,
      sent: 5,
      failed: 0,
      inProgress: 0,
      emails: 3,
      letters: 2,
      running: false,
    })
    expect(progress.body.lettersPdf).toMatchObject({ letters: 2, pages: 2 })

    // and the letters PDF holds one letter per Hard Copy contact
    const pdf = await download(`/api/logged-segments/${ls}/letters.pdf`)
    expect(pdf.status).toBe(200)
    expect(pdf.type).toBe('application/pdf')
    expect(pdf.data.subarray(0, 5).toString()).toBe('%PDF-')
    const parser = new PDFParse({ data: new Uint8Array(pdf.data) })
    const parsed = await parser.getText()
    await parser.destroy()
    expect(parsed.total).toBe(2)
    const [page1, page2] = parsed.pages.map((p) => p.text)
    for (const s of [
      'John Roberts',
      'Alpha Ltd',
      '1 High Street',
      'EC1 2AB London',
      '2026-03-02',
      'Our offer',
      'Dear Alpha Ltd,',
    ])
      expect(page1).toContain(s)
    for (const s of [
      'Katherine Lee',
      'Carl Clay',
      'Beta GmbH',
      'Hauptstraße 5',
      '10115 Berlin',
      'Our offer',
      'Dear Carl Clay,',
      'Yours, Katherine Lee',
    ])
      expect(page2).toContain(s)
    expect(page1).not.toContain('Carl Clay')
  })

  it('marks refused recipients Error, sends the rest, and resends the failed ones', async () => {
    // Given a server that refuses Bob
    smtp.refuse.add('bob@alpha.test')
    await makeSegment(db(), 'MAIL2', [line(10000, 'P1'), line(20000, 'P2'), line(30000, 'P4')])

    // When the segment is logged with delivery
    const r = await t.marketer.post('/api/segments/MAIL2/log', { sendAttachments: true })
    const ls = r.body.loggedSegmentEntryNo
    await deliveries.idle()

    // Then Bob's entry shows the error, the others are sent, and the log stays
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual(['ann@alpha.test', 'dora@free.test'])
    const after = await statuses(ls)
    expect(after.map(([c, s]) => [c, s])).toEqual([
      ['P1', ''],
      ['P2', 'Error'],
      ['P4', ''],
    ])
    expect(after[1][2]).toMatch(/550.*Mailbox bob@alpha.test unavailable/)
    const bobEntry = await t.viewer.get(
      `/api/interaction-log-entries?filter[loggedSegmentEntryNo]=${ls}&filter[contactNo]=P2`,
    )
    expect(bobEntry.body.items[0]).toMatchObject({ deliveryStatus: 'Error', canceled: false })
    expect((await t.viewer.get(`/api/logged-segments/${ls}/delivery`)).body).toMatchObject({
      total: 3,
      sent: 2,
      failed: 1,
      inProgress: 0,
      lettersPdf: null,
    })
    expect((await t.viewer.get(`/api/logged-segments/${ls}/letters.pdf`)).status).toBe(404)

    // When the server accepts again, and an entry was left In Progress by a crash, a resend delivers both
    smtp.refuse.clear()
    await db()
      .updateTable('interaction_log_entries')
      .set({ delivery_status: 'In Progress' })
      .where('logged_segment_entry_no', '=', ls)
      .where('contact_no', '=', 'P4')
      .execute()
    const resend = await t.marketer.post(`/api/logged-segments/${ls}/resend`, {})
    expect(resend.status).toBe(200)
    expect(resend.body).toEqual({ status: 'queued', emails: 2, letters: 0 })
    await deliveries.idle()
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual([
      'ann@alpha.test',
      'dora@free.test',
      'bob@alpha.test',
      'dora@free.test',
    ])
    expect(await statuses(ls)).toEqual([
      ['P1', '', ''],
      ['P2', '', ''],
      ['P4', '', ''],
    ])
    expect((await t.viewer.get(`/api/logged-segments/${ls}/delivery`)).body).toMatchObject({
      total: 3,
      sent: 3,
      failed: 0,
    })

    // and with nothing left, a resend is refused
    const again = await t.marketer.post(`/api/logged-segments/${ls}/resend`, {})
    expect(again.status).toBe(422)
    expect(again.body.detail).toBe('There is nothing to send.')
  })

  it('reports no delivery for a segment logged without Send Attachments', async () => {
    await makeSegment(db(), 'MAIL3', [line(10000, 'P1')])
    const r = await t.marketer.post('/api/segments/MAIL3/log', {})
    expect(r.body.delivery).toBeUndefined()
    await deliveries.idle()
    expect(smtp.messages).toEqual([])
    expect((await t.viewer.get(`/api/logged-segments/${r.body.loggedSegmentEntryNo}/delivery`)).body).toEqual({
      total: 0,
      sent: 0,
      failed: 0,
      inProgress: 0,
      maybeSentTwice: 0,
      emails: 0,
      letters: 0,
      running: false,
      lettersPdf: null,
    })
  })

  it('runs a long letter over as many pages as it needs', async () => {
    const body = Array.from({ length: 90 }, (_, i) => `Paragraph ${i + 1} for {{contact.name}}.`).join('\n')
    await db()
      .insertInto('interaction_templates')
      .values({
        code: 'LONG',
        interaction_group_code: 'LETTERS',
        correspondence_type_default: 'Hard Copy',
        language_code_default: 'ENU',
      })
      .execute()
    await db()
      .insertInto('interaction_template_languages')
      .values({ template_code: 'LONG', language_code: 'ENU', subject: 'A long letter', body })
      .execute()
    const hard = {
      correspondence_type: 'Hard Copy',
      interaction_template_code: 'LONG',
      interaction_group_code: 'LETTERS',
    }
    await makeSegment(db(), 'LONG1', [line(10000, 'P1', hard), line(20000, 'P3', hard)])
    const r = await t.marketer.post('/api/segments/LONG1/log', { sendAttachments: true })
    expect(r.body.delivery).toEqual({ status: 'queued', emails: 0, letters: 2 })
    await deliveries.idle()
    const progress = (await t.viewer.get(`/api/logged-segments/${r.body.loggedSegmentEntryNo}/delivery`)).body
    expect(progress).toMatchObject({ total: 2, sent: 2, letters: 2 })
    expect(progress.lettersPdf.letters).toBe(2)
    expect(progress.lettersPdf.pages).toBeGreaterThanOrEqual(4)
    const pdf = await download(`/api/logged-segments/${r.body.loggedSegmentEntryNo}/letters.pdf`)
    const parser = new PDFParse({ data: new Uint8Array(pdf.data) })
    const parsed = await parser.getText()
    await parser.destroy()
    expect(parsed.total).toBe(progress.lettersPdf.pages)
    expect(parsed.text).toContain('Paragraph 90 for Ann Archer.')
    expect(parsed.text).toContain('Paragraph 90 for Carl Clay.')
    // Carl's letter starts on a new page after Ann's last one.
    const firstCarl = parsed.pages.findIndex((p) => p.text.includes('Carl Clay'))
    const lastAnn = parsed.pages.map((p) => p.text.includes('Ann Archer')).lastIndexOf(true)
    expect(firstCarl).toBe(lastAnn + 1)
  })

  it('leaves entries In Progress when the app stops before sending them; resend sends them', async () => {
    await makeSegment(db(), 'STOP', [line(10000, 'P1'), line(20000, 'P4')])
    const result = await inTransaction(db(), (trx) =>
      logSegment(trx, dialect, 'STOP', { sendAttachments: true }, { username: 'marketer', salespersonCode: '' }),
    )
    const own = new Deliveries()
    own.enqueue(db(), result.loggedSegmentEntryNo)
    await own.stop(db())
    own.enqueue(db(), result.loggedSegmentEntryNo)
    await own.idle()
    expect(smtp.messages).toEqual([])
    expect((await statuses(result.loggedSegmentEntryNo)).map(([, s]) => s)).toEqual(['In Progress', 'In Progress'])
    expect((await t.viewer.get(`/api/logged-segments/${result.loggedSegmentEntryNo}/delivery`)).body).toMatchObject({
      total: 2,
      inProgress: 2,
      running: false,
    })
    const resend = await t.marketer.post(`/api/logged-segments/${result.loggedSegmentEntryNo}/resend`, {})
    expect(resend.body).toEqual({ status: 'queued', emails: 2, letters: 0 })
    await deliveries.idle()
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual(['ann@alpha.test', 'dora@free.test'])
  })

  it('does not deliver the entries of a canceled logged segment until it is restored and resent', async () => {
    await makeSegment(db(), 'CANC', [line(10000, 'P1'), line(20000, 'P4')])
    const { loggedSegmentEntryNo: ls } = await inTransaction(db(), (trx) =>
      logSegment(trx, dialect, 'CANC', { sendAttachments: true }, { username: 'marketer', salespersonCode: '' }),
    )
    await t.marketer.post(`/api/logged-segments/${ls}/cancel`, {})
    deliveries.enqueue(db(), ls)
    await deliveries.idle()
    expect(smtp.messages).toEqual([])
    expect((await statuses(ls)).map(([, s]) => s)).toEqual(['In Progress', 'In Progress'])
    const refused = await t.marketer.post(`/api/logged-segments/${ls}/resend`, {})
    expect(refused.body.detail).toBe('There is nothing to send.')

    await t.marketer.post(`/api/logged-segments/${ls}/restore`, {})
    expect((await t.marketer.post(`/api/logged-segments/${ls}/resend`, {})).body).toEqual({
      status: 'queued',
      emails: 2,
      letters: 0,
    })
    await deliveries.idle()
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual(['ann@alpha.test', 'dora@free.test'])
  })

  it('Given contacts with several e-mail addresses, each valid one is a recipient of the one message, and a line with an address that is not one is an Error', async () => {
    // Given Ann with two addresses (comma), Bob with a second "address" that would add a display name, Dora
    // with separators only
    const emails = {
      P1: 'ann@alpha.test, ann.archer@home.test',
      P2: 'bob@alpha.test; Eve <eve@evil.test>',
      P4: ' ; , ',
    }
    const before = await db()
      .selectFrom('contacts')
      .select(['no', 'email'])
      .where('no', 'in', ['P1', 'P2', 'P4'])
      .execute()
    try {
      for (const [no, email] of Object.entries(emails))
        await db().updateTable('contacts').set({ email }).where('no', '=', no).execute()
      await makeSegment(db(), 'MULTI', [line(10000, 'P1'), line(20000, 'P2'), line(30000, 'P4')])

      // When the segment is logged with delivery
      const r = await t.marketer.post('/api/segments/MULTI/log', { sendAttachments: true })
      expect(r.status).toBe(200)
      await deliveries.idle()

      // Then Ann's one message went to both her addresses, and nothing to Bob or Dora
      expect(smtp.messages.map((m) => [m.envelopeTo, m.to])).toEqual([
        [['ann@alpha.test', 'ann.archer@home.test'], 'Ann Archer <ann@alpha.test>, Ann Archer <ann.archer@home.test>'],
      ])
      expect(await statuses(r.body.loggedSegmentEntryNo)).toEqual([
        ['P1', '', ''],
        ['P2', 'Error', 'The email address "Eve <eve@evil.test>" of contact no. P2 is not valid.'],
        [
          'P4',
          'Error',
          'Make sure that the Email field is specified for either contact no. P4 or the contact alternative address.',
        ],
      ])
    } finally {
      for (const c of before)
        await db().updateTable('contacts').set({ email: c.email }).where('no', '=', c.no).execute()
    }
  })
})
