import { Readable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runContactImport } from '../contacts/import-export/import-contacts.js'
import { inTransaction } from '../db/transaction.js'
import { loadDemo } from '../demo/load.js'
import { deliveries } from '../interactions/delivery/deliveries.js'
import { startMailServer, type TestMailServer } from '../interactions/delivery/test-mail-server.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { createSetupDefaults } from './setup-defaults.js'

const TABLES = [
  'number_series',
  'interaction_groups',
  'interaction_templates',
  'interaction_template_languages',
] as const

async function setupRows(db: TestDb) {
  const k = db.kysely
  return {
    series: await k.selectFrom('number_series').selectAll().orderBy('code').execute(),
    setup: await k
      .selectFrom('marketing_setup')
      .select(['contact_nos', 'segment_nos', 'campaign_nos'])
      .executeTakeFirstOrThrow(),
    groups: await k.selectFrom('interaction_groups').selectAll().orderBy('code').execute(),
    templates: await k
      .selectFrom('interaction_templates')
      .select(['code', 'interaction_group_code', 'correspondence_type_default', 'language_code_default'])
      .orderBy('code')
      .execute(),
    texts: await k
      .selectFrom('interaction_template_languages')
      .select(['template_code', 'language_code', 'subject'])
      .orderBy('template_code')
      .execute(),
  }
}

describe.each(dialects)("A new company's defaults on %s", (dialect) => {
  let db: TestDb
  beforeEach(async () => {
    db = await createTestDb(dialect)
  })

  it('creates number series, the marketing setup pointing at them, and the e-mail and letter groups and templates', async () => {
    expect(await inTransaction(db.kysely, createSetupDefaults)).toBe(true)
    const rows = await setupRows(db)
    await db.drop()
    expect(rows.series).toEqual([
      {
        code: 'CAMP',
        description: 'Campaigns',
        starting_no: 'CP0001',
        ending_no: 'CP9999',
        last_no_used: '',
        allow_manual_nos: 1,
      },
      {
        code: 'CONT',
        description: 'Contacts',
        starting_no: 'CT000001',
        ending_no: 'CT999999',
        last_no_used: '',
        allow_manual_nos: 1,
      },
      {
        code: 'SEG',
        description: 'Segments',
        starting_no: 'SM00001',
        ending_no: 'SM99999',
        last_no_used: '',
        allow_manual_nos: 1,
      },
    ])
    expect(rows.setup).toEqual({ contact_nos: 'CONT', segment_nos: 'SEG', campaign_nos: 'CAMP' })
    expect(rows.groups).toEqual([
      { code: 'EMAIL', description: 'E-mails' },
      { code: 'LETTER', description: 'Letters' },
    ])
    expect(rows.templates).toEqual([
      {
        code: 'E-MAIL',
        interaction_group_code: 'EMAIL',
        correspondence_type_default: 'Email',
        language_code_default: '',
      },
      {
        code: 'LETTER',
        interaction_group_code: 'LETTER',
        correspondence_type_default: 'Hard Copy',
        language_code_default: '',
      },
    ])
    expect(rows.texts).toEqual([
      { template_code: 'E-MAIL', language_code: '', subject: 'News for {{contact.name}}' },
      { template_code: 'LETTER', language_code: '', subject: 'Information for {{contact.name}}' },
    ])
  })

  it('Given a database already set up (one number series of its own), it creates nothing and changes nothing', async () => {
    await db.kysely.insertInto('number_series').values({ code: 'MINE', starting_no: 'X001' }).execute()
    const before = await setupRows(db)
    expect(await inTransaction(db.kysely, createSetupDefaults)).toBe(false)
    const after = await setupRows(db)
    await db.drop()
    expect(after).toEqual(before)
    expect(after.groups).toEqual([])
  })

  it('Given only a number series in the marketing setup (its series deleted since), it creates nothing', async () => {
    await db.kysely.updateTable('marketing_setup').set({ campaign_nos: 'GONE' }).execute()
    expect(await inTransaction(db.kysely, createSetupDefaults)).toBe(false)
    const after = await setupRows(db)
    await db.drop()
    expect(after.series).toEqual([])
    expect(after.setup).toEqual({ contact_nos: '', segment_nos: '', campaign_nos: 'GONE' })
  })

  it('a second run creates nothing more', async () => {
    await inTransaction(db.kysely, createSetupDefaults)
    const once = await setupRows(db)
    expect(await inTransaction(db.kysely, createSetupDefaults)).toBe(false)
    const twice = await setupRows(db)
    await db.drop()
    expect(twice).toEqual(once)
  })

  it('Given the defaults, the demo company loads as it does into a database without them', async () => {
    await inTransaction(db.kysely, createSetupDefaults)
    await inTransaction(db.kysely, (trx) => loadDemo(trx, { today: '2026-03-15' }))
    const counts: Record<string, number> = {}
    for (const table of TABLES) {
      const r = await db.kysely.selectFrom(table).select(db.kysely.fn.countAll().as('n')).executeTakeFirstOrThrow()
      counts[table] = Number(r.n)
    }
    const templates = await db.kysely.selectFrom('interaction_templates').select('code').orderBy('code').execute()
    await db.drop()
    // The demo's own counts (src/demo/load.test.ts): its 8 templates, not the defaults' E-MAIL.
    expect(counts).toEqual({
      number_series: 3,
      interaction_groups: 5,
      interaction_templates: 8,
      interaction_template_languages: 24,
    })
    expect(templates.map((t) => t.code)).not.toContain('E-MAIL')
  })

  it('Given the defaults, an import of contacts without numbers numbers them from CONT', async () => {
    await inTransaction(db.kysely, createSetupDefaults)
    const csv = 'type,name,email\nCompany,Acme Ltd,info@acme.test\nPerson,Ann Lee,ann@acme.test\n'
    const r = await runContactImport(db.kysely, Readable.from([csv]), 'csv', { dialect: db.dialect })
    const rows = await db.kysely.selectFrom('contacts').select(['no', 'name']).orderBy('no').execute()
    await db.drop()
    expect({ inserted: r.inserted, updated: r.updated, rejected: r.rejected }).toEqual({
      inserted: 2,
      updated: 0,
      rejected: [],
    })
    expect(rows).toEqual([
      { no: 'CT000001', name: 'Acme Ltd' },
      { no: 'CT000002', name: 'Ann Lee' },
    ])
  })
})

describe.each(dialects)('Starting from an empty database with the defaults on %s, through the API', (dialect) => {
  let t: TestApp
  let smtp: TestMailServer
  beforeAll(async () => {
    t = await createTestApp(dialect)
    // What `segmenta migrate` does on a new database after the migrations.
    await inTransaction(t.db.kysely, createSetupDefaults)
    smtp = await startMailServer()
  })
  afterAll(async () => {
    await deliveries.idle()
    await t.close()
    await smtp.close()
  })

  it('numbers a contact and a segment created without numbers from the default series', async () => {
    const contact = await t.marketer.post('/api/contacts', { type: 'Company', name: 'Numbered Ltd' })
    expect(contact.status).toBe(201)
    expect(contact.body.no).toBe('CT000001')
    const segment = await t.marketer.post('/api/segments', { description: 'First segment' })
    expect(segment.status).toBe(201)
    expect(segment.body.no).toBe('SM00001')
  })

  it('logs a segment of one e-mail contact with the default e-mail template and sends the message', async () => {
    // Given a mail server, a salesperson and one contact with an e-mail address
    expect(
      (
        await t.admin.patch('/api/setup/marketing', {
          smtpHost: '127.0.0.1',
          smtpPort: smtp.port,
          smtpFrom: 'marketing@new.test',
        })
      ).status,
    ).toBe(200)
    const sp = await t.admin.post('/api/salespeople', { code: 'NS', name: 'Nina Sales', email: 'nina@new.test' })
    expect(sp.status).toBe(201)
    const contact = await t.marketer.post('/api/contacts', {
      type: 'Person',
      name: 'Eve Mail',
      email: 'eve@customer.test',
    })
    expect(contact.status).toBe(201)
    const no = contact.body.no as string

    // When a segment with the E-MAIL template takes the contact and is logged with Send Attachments
    const segment = await t.marketer.post('/api/segments', {
      description: 'Welcome',
      salespersonCode: 'NS',
      interactionTemplateCode: 'E-MAIL',
    })
    expect(segment.status).toBe(201)
    const add = await t.marketer.post(`/api/segments/${segment.body.no}/add-contacts`, {
      filters: { contact: { no } },
    })
    expect(add.body).toEqual({ actionNo: 1, linesInserted: 1, noOfLines: 1 })
    const log = await t.marketer.post(`/api/segments/${segment.body.no}/log`, { sendAttachments: true })
    expect(log.status).toBe(200)
    expect(log.body.interactionsLogged).toBe(1)
    expect(log.body.delivery).toEqual({ status: 'queued', emails: 1, letters: 0 })
    await deliveries.idle()

    // Then the message, merged, reached the mail server
    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['eve@customer.test']])
    expect(smtp.messages[0]).toMatchObject({
      from: 'marketing@new.test',
      to: 'Eve Mail <eve@customer.test>',
      replyTo: 'nina@new.test',
      subject: 'News for Eve Mail',
      text: 'Dear Eve Mail,\n\n…\n\nKind regards,\nNina Sales\nnina@new.test',
    })
  })
})
