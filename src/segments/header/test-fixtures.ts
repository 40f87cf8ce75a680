import type { Insertable, Kysely } from 'kysely'
import type { DB, SegmentLineTable } from '../../db/schema.js'
import { insertLineRows } from '../../test-support/segment-lines.js'

/**
 * Test data for the segment header, saved criteria and export tests (inserted directly: these tests do
 * not depend on the contacts API). Companies K1 (persons P1, P2) and K2 (person P3), company-less P4.
 */
export async function seedSegmentData(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('number_series')
    .values({ code: 'SEG', starting_no: 'SM00001', ending_no: '', last_no_used: '', allow_manual_nos: 0 })
    .execute()
  await db
    .insertInto('number_series')
    .values({ code: 'SEGM', starting_no: 'SG001', ending_no: '', last_no_used: '', allow_manual_nos: 1 })
    .execute()
  await db.updateTable('marketing_setup').set({ segment_nos: 'SEG' }).where('id', '=', 1).execute()
  for (const [code, name, blocked] of [
    ['JR', 'John Roberts', 0],
    ['KL', 'Katherine Lee', 0],
    ['OLD', 'Old Timer', 1],
  ] as const)
    await db.insertInto('salespeople').values({ code, name, blocked }).execute()
  for (const [code, name] of [
    ['ENU', 'English'],
    ['DEU', 'German'],
  ])
    await db.insertInto('languages').values({ code, name }).execute()
  for (const code of ['MEETING', 'LETTER']) await db.insertInto('interaction_groups').values({ code }).execute()
  for (const [no, description] of [
    ['CP1001', 'Spring fair'],
    ['CP1002', 'Autumn letters'],
  ])
    await db.insertInto('campaigns').values({ no, description }).execute()
  await db
    .insertInto('interaction_templates')
    .values({
      code: 'BUS',
      interaction_group_code: 'MEETING',
      description: 'Business meeting',
      unit_cost_lcy: 25,
      unit_duration_min: 60,
      information_flow: 'Outbound',
      initiated_by: 'Us',
      campaign_no: '',
      campaign_target: 0,
      campaign_response: 0,
      correspondence_type_default: 'Email',
      ignore_contact_corres_type: 0,
      language_code_default: 'ENU',
    })
    .execute()
  await db
    .insertInto('interaction_templates')
    .values({
      code: 'LETTER',
      interaction_group_code: 'LETTER',
      description: 'Letter',
      unit_cost_lcy: 1.5,
      unit_duration_min: 5,
      information_flow: 'Inbound',
      initiated_by: 'Them',
      campaign_no: 'CP1002',
      campaign_target: 1,
      campaign_response: 1,
      correspondence_type_default: 'Hard Copy',
      ignore_contact_corres_type: 1,
      language_code_default: 'DEU',
    })
    .execute()
  // BUS has an e-mail body in English (the header's "attachment"); LETTER's German row has none.
  await db
    .insertInto('interaction_template_languages')
    .values({ template_code: 'BUS', language_code: 'ENU', description: 'English', subject: 'Meeting', body: 'Dear …' })
    .execute()
  await db
    .insertInto('interaction_template_languages')
    .values({ template_code: 'LETTER', language_code: 'DEU', description: 'German', subject: '', body: '' })
    .execute()

  const contacts = [
    { no: 'K1', type: 'Company', name: 'Alpha Ltd', company_no: 'K1', company_name: 'Alpha Ltd', city: 'London' },
    { no: 'P1', type: 'Person', name: 'Ann Archer', company_no: 'K1', company_name: 'Alpha Ltd', job_title: 'Buyer' },
    { no: 'P2', type: 'Person', name: 'Bob Baker', company_no: 'K1', company_name: 'Alpha Ltd', job_title: 'CEO' },
    { no: 'K2', type: 'Company', name: 'Beta GmbH', company_no: 'K2', company_name: 'Beta GmbH', city: 'Berlin' },
    { no: 'P3', type: 'Person', name: 'Carl Clay', company_no: 'K2', company_name: 'Beta GmbH', job_title: 'Buyer' },
    { no: 'P4', type: 'Person', name: 'Dora Dean', company_no: '', company_name: '', job_title: '' },
  ]
  for (const c of contacts)
    await db
      .insertInto('contacts')
      .values({ ...c, search_name: c.name.toUpperCase() })
      .execute()
}

export type LineValues = Omit<Insertable<SegmentLineTable>, 'segment_no'>

/** Inserts a segment header row directly (no numbering, no defaults). */
export async function insertHeader(
  db: Kysely<DB>,
  no: string,
  values: Partial<Insertable<DB['segment_headers']>> = {},
): Promise<void> {
  await db
    .insertInto('segment_headers')
    .values({ no, ...values })
    .execute()
}

/** Inserts lines one by one (SQLite writes NULL for columns a multi-row insert leaves out). */
export async function insertLines(db: Kysely<DB>, segmentNo: string, lines: LineValues[]): Promise<void> {
  await insertLineRows(
    db,
    lines.map((l) => ({ segment_no: segmentNo, ...l })),
  )
}
