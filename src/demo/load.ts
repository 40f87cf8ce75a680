import type { Insertable, Transaction } from 'kysely'
import { randomPassword } from '../auth/passwords.js'
import type { Db } from '../db/connection.js'
import type { DB } from '../db/schema.js'
import { inTransaction } from '../db/transaction.js'
import { ruleViolation } from '../errors.js'
import { dropUnusedDefaultTemplates } from '../setup/setup-defaults.js'
import { addUser } from '../setup/users.js'
import { buildContacts } from './contacts.js'
import { todayUtc } from './dates.js'
import { buildInteractions, buildValueEntries } from './history.js'
import { Random } from './random.js'
import {
  BUSINESS_RELATIONS,
  CAMPAIGN_STATUSES,
  DEMO_USER_SALESPERSON,
  DEMO_USERNAME,
  INDUSTRY_GROUPS,
  INTERACTION_GROUPS,
  JOB_RESPONSIBILITIES,
  LANGUAGES,
  MAILING_GROUPS,
  MARKETING_SETUP,
  NUMBER_SERIES,
  QUESTIONNAIRES,
  questionnaireLines,
  SALESPEOPLE,
} from './reference-data.js'
import { TEMPLATES } from './templates.js'

/** The same seed every time: the demo company is identical on every load (tests assert its counts). */
const SEED = 5050

export interface DemoResult {
  username: string
  password: string
  counts: { companies: number; persons: number; interactionLogEntries: number; valueEntries: number }
}

export interface DemoOptions {
  /** The date the history is relative to (default: today, UTC). */
  today?: string
}

/**
 * `npm start`: on a database with no contacts and no users, loads the demo company and creates the demo
 * user (an admin with a random password, returned once). Otherwise changes nothing and returns undefined.
 */
export async function loadDemoIfEmpty(db: Db, opts: DemoOptions = {}): Promise<DemoResult | undefined> {
  return inTransaction(db.kysely, async (trx) => {
    const user = await trx.selectFrom('users').select('username').limit(1).executeTakeFirst()
    const contact = await trx.selectFrom('contacts').select('no').limit(1).executeTakeFirst()
    if (user || contact) return undefined
    return loadDemo(trx, opts)
  })
}

/**
 * Loads the demo company (Cronus Marketing) into a database without contacts, in the caller's transaction:
 * setup and code tables, about 400 contacts with their groups, relations and profile answers, a year of sales
 * history and interactions, two campaigns, logged and open segments, and the demo user. Coded records the
 * database already has (a language, a template, a campaign…) are kept as they are. Rows are built in memory first (a few thousand) and written in batches.
 */
export async function loadDemo(trx: Transaction<DB>, opts: DemoOptions = {}): Promise<DemoResult> {
  const existing = await trx.selectFrom('contacts').select('no').limit(1).executeTakeFirst()
  if (existing)
    throw ruleViolation(
      'The database already has contacts; the demo company can only be loaded into an empty database.',
    )

  const today = opts.today ?? todayUtc()
  const rng = new Random(SEED)
  const contacts = buildContacts(rng, today)
  const valueEntries = buildValueEntries(rng, today, contacts)
  const history = buildInteractions(rng, today, contacts)

  // Setup and code tables; a new company's default templates make way for the demo's.
  await dropUnusedDefaultTemplates(trx)
  const lastNo: Record<string, string> = {
    CONT: contacts.lastContactNo,
    SEG: history.lastSegmentNo,
    CAMP: history.lastCampaignNo,
  }
  for (const s of NUMBER_SERIES) {
    const row = { ...s, last_no_used: lastNo[s.code] }
    await trx
      .insertInto('number_series')
      .values(row)
      .onConflict((oc) => oc.column('code').doUpdateSet(row))
      .execute()
  }
  await insertOrKeep(trx, 'languages', LANGUAGES)
  await insertOrKeep(trx, 'salespeople', SALESPEOPLE)
  await insertOrKeep(trx, 'business_relations', BUSINESS_RELATIONS)
  await trx.updateTable('marketing_setup').set(MARKETING_SETUP).where('id', '=', 1).execute()
  await insertOrKeep(trx, 'industry_groups', INDUSTRY_GROUPS)
  await insertOrKeep(trx, 'mailing_groups', MAILING_GROUPS)
  await insertOrKeep(trx, 'job_responsibilities', JOB_RESPONSIBILITIES)
  await insertOrKeep(trx, 'campaign_statuses', CAMPAIGN_STATUSES)
  await insertOrKeep(trx, 'interaction_groups', INTERACTION_GROUPS)
  for (const q of QUESTIONNAIRES) {
    await insertOrKeep(trx, 'profile_questionnaires', [
      {
        code: q.code,
        description: q.description,
        contact_type: q.contactType,
        business_relation_code: q.businessRelationCode,
        priority: 'Normal',
      },
    ])
    await insertOrKeep(
      trx,
      'profile_questionnaire_lines',
      questionnaireLines(q).map(({ question: _, ...l }) => ({ ...l, questionnaire_code: q.code })),
    )
  }
  await insertOrKeep(trx, 'campaigns', history.campaigns)
  await insertOrKeep(
    trx,
    'interaction_templates',
    TEMPLATES.map((t) => ({
      code: t.code,
      interaction_group_code: t.group,
      description: t.description,
      unit_cost_lcy: t.unitCost,
      unit_duration_min: t.unitDuration,
      information_flow: t.informationFlow,
      initiated_by: t.initiatedBy,
      campaign_no: t.campaignNo,
      campaign_target: t.campaignTarget ? 1 : 0,
      campaign_response: 0,
      correspondence_type_default: t.correspondenceType,
      ignore_contact_corres_type: 0,
      language_code_default: 'ENU',
    })),
  )
  await insertOrKeep(
    trx,
    'interaction_template_languages',
    TEMPLATES.flatMap((t) =>
      Object.entries(t.languages).map(([language, l]) => ({ template_code: t.code, language_code: language, ...l })),
    ),
  )

  // Contacts and what hangs on them.
  await insertBatches(trx, 'contacts', contacts.contacts)
  await insertBatches(trx, 'contact_industry_groups', contacts.industryGroups)
  await insertBatches(trx, 'contact_business_relations', contacts.businessRelations)
  await insertBatches(trx, 'contact_mailing_groups', contacts.mailingGroups)
  await insertBatches(trx, 'contact_job_responsibilities', contacts.jobResponsibilities)
  await insertBatches(trx, 'contact_profile_answers', contacts.profileAnswers)
  await insertBatches(trx, 'value_entries', valueEntries)

  // Logged segments and campaign entries first: the log entries point to their entry numbers.
  const loggedNos: number[] = []
  for (const ls of history.loggedSegments) {
    const r = await trx.insertInto('logged_segments').values(ls.row).returning('entry_no').executeTakeFirstOrThrow()
    loggedNos.push(Number(r.entry_no))
  }
  const campaignEntryNos: number[] = []
  for (const ce of history.campaignEntries) {
    const register = ce.loggedSegment === undefined ? 0 : loggedNos[ce.loggedSegment]
    const r = await trx
      .insertInto('campaign_entries')
      .values({ ...ce.row, register_no: register })
      .returning('entry_no')
      .executeTakeFirstOrThrow()
    campaignEntryNos.push(Number(r.entry_no))
  }
  await insertBatches(
    trx,
    'interaction_log_entries',
    history.logEntries.map((e) => ({
      ...e.row,
      logged_segment_entry_no: e.loggedSegment === undefined ? 0 : loggedNos[e.loggedSegment],
      campaign_entry_no: e.campaignEntry === undefined ? 0 : campaignEntryNos[e.campaignEntry],
    })),
  )
  await insertOrKeep(trx, 'campaign_target_groups', history.targetGroups)
  await insertOrKeep(trx, 'segment_headers', history.segmentHeaders)

  const password = randomPassword()
  await addUser(trx, {
    username: DEMO_USERNAME,
    role: 'admin',
    password,
    fullName: 'Demo User',
    salespersonCode: DEMO_USER_SALESPERSON,
  })

  const persons = contacts.contacts.filter((c) => c.type === 'Person').length
  return {
    username: DEMO_USERNAME,
    password,
    counts: {
      companies: contacts.companies.length,
      persons,
      interactionLogEntries: history.logEntries.length,
      valueEntries: valueEntries.length,
    },
  }
}

/** Multi-row inserts of at most 500 rows (well under both dialects' bound-parameter limits). */
async function insertBatches<T extends keyof DB>(
  trx: Transaction<DB>,
  table: T,
  rows: Insertable<DB[T]>[],
  size = 500,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size)
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute()
}

/** Rows the database does not have yet; a record with the same key is kept as it is. */
async function insertOrKeep<T extends keyof DB>(
  trx: Transaction<DB>,
  table: T,
  rows: Insertable<DB[T]>[],
): Promise<void> {
  if (!rows.length) return
  await trx
    .insertInto(table)
    .values(rows as never)
    .onConflict((oc) => oc.doNothing())
    .execute()
}
