import type { Insertable, Kysely } from 'kysely'
import type { DB, SegmentHeaderTable, SegmentLineTable } from '../../db/schema.js'
import { insertLineRows } from '../../test-support/segment-lines.js'

/**
 * Test data for logging, delivery and campaigns (inserted directly, independent of the contacts and
 * segment APIs):
 * - company K1 "Alpha Ltd" (info@alpha.test) with persons P1 Ann Archer (ENU, ann@alpha.test) and P2 Bob Baker
 *   (DEU, bob@alpha.test); company K2 "Beta GmbH" (no e-mail, linked to customer C20) with person P3 Carl Clay
 *   (no e-mail); company-less person P4 Dora Dean (dora@free.test, FRA — a language no template has);
 * - salespeople JR John Roberts (jr@cronus.test) and KL Katherine Lee;
 * - templates MAIL (Email; ENU and DEU texts with merge fields, default ENU), LETTER (Hard Copy; ENU letter),
 *   BARE (no text in any language);
 * - campaigns CP1 and CP2; mailing groups GIFT and NEWS (K1 is in GIFT); segment number series SM00001….
 */
export async function seedLogWorld(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('number_series')
    .values({ code: 'SEG', starting_no: 'SM00001', ending_no: '', last_no_used: '', allow_manual_nos: 1 })
    .execute()
  await db.updateTable('marketing_setup').set({ segment_nos: 'SEG' }).where('id', '=', 1).execute()
  for (const [code, name, email, phone_no] of [
    ['JR', 'John Roberts', 'jr@cronus.test', '+44 20 1234'],
    ['KL', 'Katherine Lee', 'kl@cronus.test', ''],
  ])
    await db.insertInto('salespeople').values({ code, name, email, phone_no }).execute()
  for (const [code, name] of [
    ['ENU', 'English'],
    ['DEU', 'German'],
    ['FRA', 'French'],
  ])
    await db.insertInto('languages').values({ code, name }).execute()
  for (const code of ['MAILING', 'LETTERS']) await db.insertInto('interaction_groups').values({ code }).execute()
  for (const code of ['GIFT', 'NEWS']) await db.insertInto('mailing_groups').values({ code }).execute()
  await db.insertInto('business_relations').values({ code: 'CUST' }).execute()
  for (const [no, description] of [
    ['CP1', 'Spring fair'],
    ['CP2', 'Autumn letters'],
  ])
    await db.insertInto('campaigns').values({ no, description }).execute()
  const template = (code: string, group: string, type: string, lang: string) =>
    db
      .insertInto('interaction_templates')
      .values({
        code,
        interaction_group_code: group,
        description: `${code} template`,
        unit_cost_lcy: 0,
        unit_duration_min: 0,
        information_flow: 'Outbound',
        initiated_by: 'Us',
        campaign_no: '',
        campaign_target: 0,
        campaign_response: 0,
        correspondence_type_default: type,
        ignore_contact_corres_type: 0,
        language_code_default: lang,
      })
      .execute()
  await template('MAIL', 'MAILING', 'Email', 'ENU')
  await template('LETTER', 'LETTERS', 'Hard Copy', 'ENU')
  await template('BARE', 'MAILING', 'Email', '')
  for (const [template_code, language_code, subject, body] of [
    [
      'MAIL',
      'ENU',
      'Spring news for {{contact.name}}',
      'Dear {{contact.firstName}},\n\nsee you at {{segment.description}} on {{date}}.\n\n{{salesperson.name}} ({{salesperson.email}})',
    ],
    ['MAIL', 'DEU', 'Neuigkeiten für {{contact.name}}', 'Hallo {{contact.firstName}} von {{contact.companyName}}!'],
    [
      'LETTER',
      'ENU',
      'Our offer',
      'Dear {{contact.name}},\nwe are pleased to offer you our spring range.\nYours, {{salesperson.name}}',
    ],
  ])
    await db
      .insertInto('interaction_template_languages')
      .values({ template_code, language_code, subject, body })
      .execute()

  const contacts = [
    {
      no: 'K1',
      type: 'Company',
      name: 'Alpha Ltd',
      company_no: 'K1',
      company_name: 'Alpha Ltd',
      email: 'info@alpha.test',
      address: '1 High Street',
      post_code: 'EC1 2AB',
      city: 'London',
      country_region_code: 'GB',
    },
    {
      no: 'P1',
      type: 'Person',
      name: 'Ann Archer',
      first_name: 'Ann',
      company_no: 'K1',
      company_name: 'Alpha Ltd',
      email: 'ann@alpha.test',
      language_code: 'ENU',
      address: '1 High Street',
      post_code: 'EC1 2AB',
      city: 'London',
    },
    {
      no: 'P2',
      type: 'Person',
      name: 'Bob Baker',
      first_name: 'Bob',
      company_no: 'K1',
      company_name: 'Alpha Ltd',
      email: 'bob@alpha.test',
      language_code: 'DEU',
    },
    {
      no: 'K2',
      type: 'Company',
      name: 'Beta GmbH',
      company_no: 'K2',
      company_name: 'Beta GmbH',
      address: 'Hauptstraße 5',
      post_code: '10115',
      city: 'Berlin',
      country_region_code: 'DE',
    },
    {
      no: 'P3',
      type: 'Person',
      name: 'Carl Clay',
      first_name: 'Carl',
      company_no: 'K2',
      company_name: 'Beta GmbH',
      address: 'Hauptstraße 5',
      post_code: '10115',
      city: 'Berlin',
    },
    {
      no: 'P4',
      type: 'Person',
      name: 'Dora Dean',
      first_name: 'Dora',
      company_no: '',
      company_name: '',
      email: 'dora@free.test',
      language_code: 'FRA',
    },
  ]
  for (const c of contacts)
    await db
      .insertInto('contacts')
      .values({ ...c, search_name: c.name.toUpperCase() })
      .execute()
  await db.insertInto('contact_mailing_groups').values({ contact_no: 'K1', mailing_group_code: 'GIFT' }).execute()
  await db
    .insertInto('contact_business_relations')
    .values({ contact_no: 'K2', business_relation_code: 'CUST', link_to_table: 'Customer', link_no: 'C20' })
    .execute()
}

/** Company contacts `nos`, each its own company, named `Mail <no>` with the e-mail `<no>@example.test`. */
export async function insertMailCompanies(db: Kysely<DB>, nos: string[]): Promise<void> {
  await db
    .insertInto('contacts')
    .values(
      nos.map((no) => ({
        no,
        type: 'Company',
        name: `Mail ${no}`,
        search_name: `MAIL ${no}`,
        company_no: no,
        company_name: `Mail ${no}`,
        email: `${no.toLowerCase()}@example.test`,
      })),
    )
    .execute()
}

export type TestLine = Partial<Omit<Insertable<SegmentLineTable>, 'segment_no'>> & { contact_no: string }

/** A line as the engine would write it for a MAIL segment of salesperson JR dated 2026-03-02. */
export function line(lineNo: number, contactNo: string, values: Partial<Insertable<SegmentLineTable>> = {}) {
  const company: Record<string, string> = { K1: 'K1', P1: 'K1', P2: 'K1', K2: 'K2', P3: 'K2', P4: '' }
  return {
    line_no: lineNo,
    contact_no: contactNo,
    contact_company_no: company[contactNo] ?? '',
    salesperson_code: 'JR',
    correspondence_type: 'Email',
    interaction_template_code: 'MAIL',
    interaction_group_code: 'MAILING',
    description: 'Spring mailing',
    subject: '',
    language_code: '',
    date: '2026-03-02',
    time_of_interaction: '',
    cost_lcy: 0,
    duration_min: 0,
    information_flow: 'Outbound',
    initiated_by: 'Us',
    evaluation: '',
    campaign_no: '',
    campaign_target: 0,
    campaign_response: 0,
    attempt_failed: 0,
    ...values,
  }
}

/** Inserts a segment header and its lines (one row per insert: SQLite binds NULL for columns a row leaves out). */
export async function makeSegment(
  db: Kysely<DB>,
  no: string,
  lines: ReturnType<typeof line>[],
  header: Partial<Insertable<SegmentHeaderTable>> = {},
): Promise<void> {
  await db
    .insertInto('segment_headers')
    .values({
      no,
      description: 'Spring mailing',
      date: '2026-03-02',
      salesperson_code: 'JR',
      interaction_template_code: 'MAIL',
      interaction_group_code: 'MAILING',
      ...header,
    })
    .execute()
  await insertLineRows(
    db,
    lines.map((l) => ({ segment_no: no, ...l })),
  )
}

/** Every row of the tables a log writes or deletes, for "nothing changed" comparisons. */
export async function snapshot(db: Kysely<DB>) {
  return {
    headers: await db.selectFrom('segment_headers').selectAll().orderBy('no').execute(),
    lines: await db.selectFrom('segment_lines').selectAll().orderBy('segment_no').orderBy('line_no').execute(),
    criteria: await db
      .selectFrom('segment_criteria_actions')
      .selectAll()
      .orderBy('segment_no')
      .orderBy('action_no')
      .execute(),
    history: await db
      .selectFrom('segment_history')
      .selectAll()
      .orderBy('segment_no')
      .orderBy('action_no')
      .orderBy('line_no')
      .execute(),
    logged: await db.selectFrom('logged_segments').selectAll().orderBy('entry_no').execute(),
    entries: await db.selectFrom('interaction_log_entries').selectAll().orderBy('entry_no').execute(),
    campaignEntries: await db.selectFrom('campaign_entries').selectAll().orderBy('entry_no').execute(),
    targetGroups: await db
      .selectFrom('campaign_target_groups')
      .selectAll()
      .orderBy('campaign_no')
      .orderBy('no')
      .execute(),
    mailingGroups: await db
      .selectFrom('contact_mailing_groups')
      .selectAll()
      .orderBy('contact_no')
      .orderBy('mailing_group_code')
      .execute(),
    numberSeries: await db.selectFrom('number_series').selectAll().orderBy('code').execute(),
  }
}

/** Today as the server's work date (the logged segment's creation date). */
export function today(): string {
  const now = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`
}
