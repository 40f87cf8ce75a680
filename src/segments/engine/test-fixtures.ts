import type { Insertable } from 'kysely'
import type { ContactTable, SegmentHeaderTable } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'

/**
 * The contacts of spec §7.3, for tests: company K1 (Alpha Corp) with persons P1, P2; company K2 (Beta Ltd)
 * with person P3; company-less person P4. BC's line order puts P4 first (blank company name), then
 * K1, P1, P2, K2, P3. Relations: K1 RETAIL and mailing group GIFT; P1 job responsibility PURCH; K2
 * business relation CUST linked to customer C2 (value entries: item 1000 sold to contact P3, item 2000
 * without contact); profile answers; interaction log entries.
 */
export const ALL = ['P4', 'K1', 'P1', 'P2', 'K2', 'P3'] as const

export function contactRow(no: string, values: Partial<Insertable<ContactTable>> = {}): Insertable<ContactTable> {
  return { no, type: 'Person', name: no, search_name: no, ...values }
}

export async function createWorld(db: Tx, opts: { excludeP2?: boolean } = {}): Promise<void> {
  for (const [table, codes] of [
    ['industry_groups', ['RETAIL', 'WHOLESALE']],
    ['mailing_groups', ['GIFT', 'NEWS']],
    ['job_responsibilities', ['PURCH', 'SALES']],
    ['business_relations', ['CUST', 'VEND']],
    ['interaction_groups', ['MEET', 'PHONE']],
    ['salespeople', ['JR', 'SP2']],
    ['languages', ['ENU', 'DEU']],
  ] as const) {
    for (const code of codes) await db.insertInto(table).values({ code }).execute()
  }
  // One row per insert: a multi-row insert with different columns binds NULL for the missing ones on SQLite.
  for (const row of [
    contactRow('K1', {
      type: 'Company',
      name: 'Alpha Corp',
      company_no: 'K1',
      company_name: 'Alpha Corp',
      salesperson_code: 'JR',
    }),
    contactRow('P1', {
      name: 'Anna Buyer',
      company_no: 'K1',
      company_name: 'Alpha Corp',
      language_code: 'DEU',
      correspondence_type: 'Email',
    }),
    contactRow('P2', {
      name: 'Bob Seller',
      company_no: 'K1',
      company_name: 'Alpha Corp',
      salesperson_code: 'SP2',
      exclude_from_segment: opts.excludeP2 ? 1 : 0,
    }),
    contactRow('K2', {
      type: 'Company',
      name: 'Beta Ltd',
      company_no: 'K2',
      company_name: 'Beta Ltd',
      post_code: '2000',
    }),
    contactRow('P3', {
      name: 'Carl Client',
      company_no: 'K2',
      company_name: 'Beta Ltd',
      correspondence_type: 'Hard Copy',
    }),
    contactRow('P4', { name: 'Dora Free', email: 'dora@example.com' }),
  ])
    await db.insertInto('contacts').values(row).execute()
  await db.insertInto('contact_industry_groups').values({ contact_no: 'K1', industry_group_code: 'RETAIL' }).execute()
  await db.insertInto('contact_mailing_groups').values({ contact_no: 'K1', mailing_group_code: 'GIFT' }).execute()
  await db.insertInto('contact_mailing_groups').values({ contact_no: 'P4', mailing_group_code: 'NEWS' }).execute()
  await db
    .insertInto('contact_job_responsibilities')
    .values({ contact_no: 'P1', job_responsibility_code: 'PURCH' })
    .execute()
  await db
    .insertInto('contact_business_relations')
    .values({ contact_no: 'K2', business_relation_code: 'CUST', link_to_table: 'Customer', link_no: 'C2' })
    .execute()
  for (const row of [
    {
      source_type: 'Customer',
      source_no: 'C2',
      item_no: '1000',
      posting_date: '2026-01-10',
      quantity: 5,
      amount: 500,
      contact_no: 'P3',
    },
    {
      source_type: 'Customer',
      source_no: 'C2',
      item_no: '2000',
      posting_date: '2026-02-10',
      quantity: 1,
      amount: 90,
      contact_no: '',
    },
    {
      source_type: 'Vendor',
      source_no: 'C2',
      item_no: '3000',
      posting_date: '2026-02-10',
      quantity: 1,
      amount: 10,
      contact_no: '',
    },
  ])
    await db.insertInto('value_entries').values(row).execute()
  await db.insertInto('profile_questionnaires').values({ code: 'SIZE', description: 'Company size' }).execute()
  await db
    .insertInto('profile_questionnaire_lines')
    .values([
      { questionnaire_code: 'SIZE', line_no: 10000, type: 'Question', description: 'Employees' },
      { questionnaire_code: 'SIZE', line_no: 20000, type: 'Answer', description: 'Over 100' },
      { questionnaire_code: 'SIZE', line_no: 30000, type: 'Answer', description: 'Up to 100' },
    ])
    .execute()
  await db
    .insertInto('contact_profile_answers')
    .values([
      { contact_no: 'K1', questionnaire_code: 'SIZE', line_no: 20000, contact_company_no: 'K1' },
      { contact_no: 'K2', questionnaire_code: 'SIZE', line_no: 30000, contact_company_no: 'K2' },
    ])
    .execute()
  await db
    .insertInto('interaction_templates')
    .values([
      { code: 'MEETING', interaction_group_code: 'MEET', description: 'Meeting' },
      { code: 'CALL', interaction_group_code: 'PHONE', description: 'Phone call' },
    ])
    .execute()
  for (const row of [
    {
      contact_no: 'P3',
      contact_company_no: 'K2',
      date: '2026-02-10',
      interaction_template_code: 'MEETING',
      interaction_group_code: 'MEET',
    },
    {
      contact_no: 'P1',
      contact_company_no: 'K1',
      date: '2026-05-01',
      interaction_template_code: 'MEETING',
      interaction_group_code: 'MEET',
    },
    {
      contact_no: 'K1',
      contact_company_no: 'K1',
      date: '2026-02-15',
      interaction_template_code: 'CALL',
      interaction_group_code: 'PHONE',
    },
    {
      contact_no: 'P4',
      contact_company_no: '',
      date: '2026-03-01',
      interaction_template_code: 'CALL',
      interaction_group_code: 'PHONE',
      canceled: 1,
    },
  ])
    await db.insertInto('interaction_log_entries').values(row).execute()
}

/** A segment header inserted directly (the header API is another slice). */
export async function createSegment(
  db: Tx,
  no = 'SEG1',
  values: Partial<Insertable<SegmentHeaderTable>> = {},
): Promise<void> {
  await db
    .insertInto('segment_headers')
    .values({ no, description: `Segment ${no}`, date: '2026-04-01', ...values })
    .execute()
}

/** The segment's lines as `[lineNo, contactNo]`, in line order. */
export async function linesOf(db: Tx, segmentNo = 'SEG1'): Promise<[number, string][]> {
  const rows = await db
    .selectFrom('segment_lines')
    .select(['line_no', 'contact_no'])
    .where('segment_no', '=', segmentNo)
    .orderBy('line_no')
    .execute()
  return rows.map((r) => [Number(r.line_no), r.contact_no])
}

/** Contacts numbered 10000, 20000, … as a fresh step would number them after `after`. */
export const numbered = (contacts: readonly string[], after = 0): [number, string][] =>
  contacts.map((c, i) => [after + (i + 1) * 10000, c])
