import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../api/app.js'
import type { DB } from '../db/schema.js'
import { inTransaction } from '../db/transaction.js'
import { addUser } from '../setup/users.js'
import { createTestDb, dialects, type TestDb } from '../test-support/databases.js'
import { type DemoResult, loadDemoIfEmpty } from './load.js'

const TODAY = '2026-03-15'

const TABLES: (keyof DB)[] = [
  'number_series',
  'marketing_setup',
  'industry_groups',
  'mailing_groups',
  'job_responsibilities',
  'interaction_groups',
  'campaign_statuses',
  'business_relations',
  'languages',
  'salespeople',
  'users',
  'profile_questionnaires',
  'profile_questionnaire_lines',
  'campaigns',
  'interaction_templates',
  'interaction_template_languages',
  'contacts',
  'contact_mailing_groups',
  'contact_industry_groups',
  'contact_job_responsibilities',
  'contact_business_relations',
  'contact_profile_answers',
  'value_entries',
  'segment_headers',
  'segment_lines',
  'logged_segments',
  'campaign_entries',
  'interaction_log_entries',
  'campaign_target_groups',
]

async function counts(db: TestDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const t of TABLES) {
    const r = await db.kysely
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    out[t] = Number(r.n)
  }
  return out
}

async function one(db: TestDb, query: ReturnType<typeof sql>): Promise<number> {
  const r = await query.execute(db.kysely)
  return Number((r.rows[0] as { n: number }).n)
}

describe.each(dialects)('the demo company on %s', (dialect) => {
  let db: TestDb
  let demo: DemoResult | undefined
  beforeAll(async () => {
    db = await createTestDb(dialect)
  })
  afterAll(() => db.drop())

  it('does nothing on a database that has users but no contacts', async () => {
    await inTransaction(db.kysely, (trx) =>
      addUser(trx, { username: 'admin', role: 'admin', password: 'correct-horse-battery' }),
    )
    expect(await loadDemoIfEmpty(db)).toBeUndefined()
    expect((await counts(db)).contacts).toBe(0)
    await db.kysely.deleteFrom('users').execute()
  })

  it('loads into an empty database and returns the demo user with a random password', async () => {
    demo = await loadDemoIfEmpty(db, { today: TODAY })
    expect(demo?.username).toBe('demo')
    expect(demo?.password).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(demo?.counts).toEqual({ companies: 64, persons: 325, interactionLogEntries: 507, valueEntries: 508 })
  })

  it('writes the same deterministic data every time', async () => {
    expect(await counts(db)).toEqual({
      number_series: 3,
      marketing_setup: 1,
      industry_groups: 10,
      mailing_groups: 5,
      job_responsibilities: 7,
      interaction_groups: 5,
      campaign_statuses: 4,
      business_relations: 5,
      languages: 4,
      salespeople: 5,
      users: 1,
      profile_questionnaires: 2,
      profile_questionnaire_lines: 32,
      campaigns: 2,
      interaction_templates: 8,
      interaction_template_languages: 24,
      contacts: 389,
      contact_mailing_groups: 740,
      contact_industry_groups: 96,
      contact_job_responsibilities: 393,
      contact_business_relations: 78,
      contact_profile_answers: 648,
      value_entries: 508,
      segment_headers: 2,
      segment_lines: 0,
      logged_segments: 3,
      campaign_entries: 25,
      interaction_log_entries: 507,
      campaign_target_groups: 30,
    })
  })

  it('sets up the number series, the marketing setup and the demo user', async () => {
    const series = await db.kysely
      .selectFrom('number_series')
      .select(['code', 'starting_no', 'last_no_used'])
      .orderBy('code')
      .execute()
    expect(series).toEqual([
      { code: 'CAMP', starting_no: 'CP0001', last_no_used: 'CP0002' },
      { code: 'CONT', starting_no: 'CT000001', last_no_used: 'CT000389' },
      { code: 'SEG', starting_no: 'SM00001', last_no_used: 'SM00005' },
    ])
    const setup = await db.kysely.selectFrom('marketing_setup').selectAll().executeTakeFirstOrThrow()
    expect(setup).toMatchObject({
      contact_nos: 'CONT',
      segment_nos: 'SEG',
      campaign_nos: 'CAMP',
      default_language_code: 'ENU',
      default_correspondence_type: 'Email',
      default_salesperson_code: 'AH',
      bus_rel_code_for_customers: 'CUST',
      bus_rel_code_for_vendors: 'VEND',
    })
    const user = await db.kysely
      .selectFrom('users')
      .select(['username', 'role', 'salesperson_code'])
      .executeTakeFirstOrThrow()
    expect(user).toEqual({ username: 'demo', role: 'admin', salesperson_code: 'AH' })
  })

  it("gives every person an existing company's number, name, address, language and salesperson, or none", async () => {
    const wrong = await one(
      db,
      sql`select count(*) as n from contacts p
          left join contacts c on c.no = p.company_no and c.type = 'Company'
          where p.type = 'Person' and p.company_no <> '' and (c.no is null or c.name <> p.company_name
            or c.address <> p.address or c.city <> p.city or c.post_code <> p.post_code
            or c.country_region_code <> p.country_region_code or c.phone_no <> p.phone_no
            or c.language_code <> p.language_code or c.salesperson_code <> p.salesperson_code)`,
    )
    expect(wrong).toBe(0)
    const independents = await one(
      db,
      sql`select count(*) as n from contacts where type = 'Person' and company_no = '' and company_name = ''`,
    )
    expect(independents).toBe(10)
    const companiesNotSelf = await one(
      db,
      sql`select count(*) as n from contacts where type = 'Company' and (company_no <> no or company_name <> name)`,
    )
    expect(companiesNotSelf).toBe(0)
  })

  it('keeps industry groups and business relations on companies and job responsibilities on persons', async () => {
    const personIndustry = await one(
      db,
      sql`select count(*) as n from contact_industry_groups r join contacts c on c.no = r.contact_no where c.type <> 'Company'`,
    )
    const personRelation = await one(
      db,
      sql`select count(*) as n from contact_business_relations r join contacts c on c.no = r.contact_no where c.type <> 'Company'`,
    )
    const companyJob = await one(
      db,
      sql`select count(*) as n from contact_job_responsibilities r join contacts c on c.no = r.contact_no where c.type <> 'Person'`,
    )
    expect([personIndustry, personRelation, companyJob]).toEqual([0, 0, 0])
  })

  it('links customer and vendor relations to customer and vendor numbers, and nothing else', async () => {
    const rows = await db.kysely
      .selectFrom('contact_business_relations')
      .select(['business_relation_code as code', 'link_to_table as link'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy(['business_relation_code', 'link_to_table'])
      .orderBy('business_relation_code')
      .execute()
    expect(rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
      { code: 'CUST', link: 'Customer', n: 37 },
      { code: 'PARTNER', link: '', n: 8 },
      { code: 'PRESS', link: '', n: 6 },
      { code: 'PROSPECT', link: '', n: 14 },
      { code: 'VEND', link: 'Vendor', n: 13 },
    ])
    const linkNos = await db.kysely
      .selectFrom('contact_business_relations')
      .select('link_no')
      .where('link_to_table', '<>', '')
      .orderBy('link_no')
      .execute()
    expect(linkNos.filter((r) => /^C1\d{4}$/.test(r.link_no)).length).toBe(37)
    expect(linkNos.filter((r) => /^V1\d{3}$/.test(r.link_no)).length).toBe(13)
    const unlinkedSales = await one(
      db,
      sql`select count(*) as n from value_entries v where not exists (
            select 1 from contact_business_relations r where r.link_no = v.source_no and r.link_to_table = v.source_type)`,
    )
    expect(unlinkedSales).toBe(0)
  })

  it('answers no single-answer question twice and answers questionnaires of the right contact type', async () => {
    const twice = await one(
      db,
      sql`select count(*) as n from (
            select a.contact_no, q.line_no
            from contact_profile_answers a
            join profile_questionnaire_lines q on q.questionnaire_code = a.questionnaire_code and q.type = 'Question'
              and q.line_no = (select max(x.line_no) from profile_questionnaire_lines x
                               where x.questionnaire_code = a.questionnaire_code and x.type = 'Question' and x.line_no < a.line_no)
            where q.multiple_answers = 0
            group by a.contact_no, q.line_no
            having count(*) > 1) d`,
    )
    expect(twice).toBe(0)
    const wrongType = await one(
      db,
      sql`select count(*) as n from contact_profile_answers a
          join profile_questionnaires h on h.code = a.questionnaire_code
          join contacts c on c.no = a.contact_no
          where c.type <> h.contact_type`,
    )
    expect(wrongType).toBe(0)
  })

  it('dates the sales history and the interactions within the last year', async () => {
    const r = await db.kysely
      .selectFrom('value_entries')
      .select((eb) => [eb.fn.min('posting_date').as('first'), eb.fn.max('posting_date').as('last')])
      .executeTakeFirstOrThrow()
    expect(r.first! >= '2025-03-16' && r.last! <= TODAY).toBe(true)
    const i = await db.kysely
      .selectFrom('interaction_log_entries')
      .select((eb) => [eb.fn.min('date').as('first'), eb.fn.max('date').as('last')])
      .executeTakeFirstOrThrow()
    expect(i.first! >= '2025-03-16' && i.last! <= TODAY).toBe(true)
  })

  it('points the logged segments, their interactions and campaign entries at each other', async () => {
    const logged = await db.kysely
      .selectFrom('logged_segments as l')
      .select(['l.segment_no', 'l.description'])
      .select((eb) => [
        eb
          .selectFrom('interaction_log_entries as e')
          .whereRef('e.logged_segment_entry_no', '=', 'l.entry_no')
          .whereRef('e.segment_no', '=', 'l.segment_no')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('interactions'),
        eb
          .selectFrom('campaign_entries as c')
          .whereRef('c.register_no', '=', 'l.entry_no')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('campaignEntries'),
      ])
      .orderBy('l.entry_no')
      .execute()
    expect(
      logged.map((l) => ({ ...l, interactions: Number(l.interactions), campaignEntries: Number(l.campaignEntries) })),
    ).toEqual([
      { segment_no: 'SM00001', description: 'Quarterly newsletter', interactions: 111, campaignEntries: 0 },
      { segment_no: 'SM00002', description: 'Spring launch invitations', interactions: 67, campaignEntries: 1 },
      { segment_no: 'SM00003', description: 'Golf day invitations', interactions: 86, campaignEntries: 1 },
    ])
    const orphans = await one(
      db,
      sql`select count(*) as n from interaction_log_entries e
          where e.campaign_no <> '' and not exists (select 1 from campaign_entries c where c.entry_no = e.campaign_entry_no and c.campaign_no = e.campaign_no)`,
    )
    expect(orphans).toBe(0)
  })

  it('writes every letter and e-mail text in English, German and French with the merge fields', async () => {
    const rows = await db.kysely
      .selectFrom('interaction_template_languages')
      .select(['template_code', 'language_code', 'body'])
      .where('body', '<>', '')
      .orderBy('template_code')
      .orderBy('language_code')
      .execute()
    expect(rows.map((r) => `${r.template_code}/${r.language_code}`)).toEqual(
      ['ABSTRACT', 'BUS', 'GOLF', 'LAUNCH', 'MEETING', 'NEWSLETTER'].flatMap((t) => [
        `${t}/DEU`,
        `${t}/ENU`,
        `${t}/FRA`,
      ]),
    )
    for (const r of rows)
      for (const field of ['{{contact.name}}', '{{contact.companyName}}', '{{salesperson.name}}', '{{date}}'])
        expect(r.body, `${r.template_code}/${r.language_code}`).toContain(field)
  })

  it('lets the demo user sign in', async () => {
    const app = await buildApp({ db })
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'demo', password: demo!.password },
      })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ username: 'demo', fullName: 'Demo User', role: 'admin', salespersonCode: 'AH' })
    } finally {
      await app.close()
    }
  })

  it('does nothing the second time', async () => {
    const before = await counts(db)
    expect(await loadDemoIfEmpty(db)).toBeUndefined()
    expect(await counts(db)).toEqual(before)
  })
})

describe('segmenta demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segmenta-demo-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const run = () =>
    spawnSync('npx', ['tsx', 'src/cli/main.ts', 'demo'], {
      env: { ...process.env, SEGMENTA_DB: `sqlite:${join(dir, 'demo.db')}` },
      encoding: 'utf8',
    })

  it('loads the demo into an empty database once, then refuses', () => {
    const first = run()
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(
      /^Loaded the demo company \(Cronus Marketing\): 64 companies, 325 persons, 507 interactions, 508 value entries\.\nSign in as "demo" with the password: [A-Za-z0-9_-]{16}\n/,
    )
    const second = run()
    expect(second.status).toBe(1)
    expect(second.stderr).toContain(
      'segmenta: The database already has contacts; the demo company can only be loaded into an empty database.\n',
    )
  }, 60_000)
})
