import { sql } from 'kysely'
import type { Tx } from '../db/transaction.js'

/**
 * What a new company starts with, as BC's setup-only companies do: number series for contacts, segments and
 * campaigns with the marketing setup pointing at them, and the interaction groups and templates a marketing
 * team needs to log an e-mail and a letter. Without them, a contact or segment created without a number is
 * refused ("Contact Nos. must have a value in Marketing Setup") and nothing can be logged. The demo company
 * (src/demo/reference-data.ts) starts from the same series and groups, so it loads over them unchanged.
 */
export const DEFAULT_NUMBER_SERIES = [
  { code: 'CONT', description: 'Contacts', starting_no: 'CT000001', ending_no: 'CT999999', allow_manual_nos: 1 },
  { code: 'SEG', description: 'Segments', starting_no: 'SM00001', ending_no: 'SM99999', allow_manual_nos: 1 },
  { code: 'CAMP', description: 'Campaigns', starting_no: 'CP0001', ending_no: 'CP9999', allow_manual_nos: 1 },
]

export const DEFAULT_INTERACTION_GROUPS = [
  { code: 'LETTER', description: 'Letters' },
  { code: 'EMAIL', description: 'E-mails' },
]

/**
 * One e-mail and one letter, with a text in the blank (default) language that uses the merge fields. Codes the
 * demo does not use, so the demo can tell them apart and drop them while they are unused (`dropUnusedDefaultTemplates`).
 */
export const DEFAULT_TEMPLATES = [
  {
    code: 'E-MAIL',
    interaction_group_code: 'EMAIL',
    description: 'E-mail',
    correspondence_type_default: 'Email',
    subject: 'News for {{contact.name}}',
    body: 'Dear {{contact.name}},\n\n…\n\nKind regards,\n{{salesperson.name}}\n{{salesperson.email}}',
  },
  {
    code: 'LETTER',
    interaction_group_code: 'LETTER',
    description: 'Letter',
    correspondence_type_default: 'Hard Copy',
    subject: 'Information for {{contact.name}}',
    body: '{{date}}\n\nDear {{contact.name}},\n\n…\n\nKind regards,\n{{salesperson.name}}',
  },
]

/**
 * Creates the defaults when the setup is truly empty (no number series, no number series in the marketing
 * setup, no interaction groups or templates), in the caller's transaction; a database that has any of them is
 * left as it is. Returns whether it created them.
 */
export async function createSetupDefaults(trx: Tx): Promise<boolean> {
  const { n } = await sql<{ n: number | string }>`
    select (select count(*) from number_series) + (select count(*) from interaction_groups)
      + (select count(*) from interaction_templates)
      + (select count(*) from marketing_setup where contact_nos <> '' or segment_nos <> '' or campaign_nos <> '') as n`
    .execute(trx)
    .then((r) => r.rows[0]!)
  if (Number(n) > 0) return false

  await trx
    .insertInto('number_series')
    .values(DEFAULT_NUMBER_SERIES.map((s) => ({ ...s, last_no_used: '' })))
    .execute()
  await trx
    .updateTable('marketing_setup')
    .set({ contact_nos: 'CONT', segment_nos: 'SEG', campaign_nos: 'CAMP' })
    .where('id', '=', 1)
    .execute()
  await trx.insertInto('interaction_groups').values(DEFAULT_INTERACTION_GROUPS).execute()
  await trx
    .insertInto('interaction_templates')
    .values(
      DEFAULT_TEMPLATES.map((t) => ({
        code: t.code,
        interaction_group_code: t.interaction_group_code,
        description: t.description,
        unit_cost_lcy: 0,
        unit_duration_min: 0,
        information_flow: 'Outbound',
        initiated_by: 'Us',
        campaign_no: '',
        campaign_target: 0,
        campaign_response: 0,
        correspondence_type_default: t.correspondence_type_default,
        ignore_contact_corres_type: 0,
        language_code_default: '',
      })),
    )
    .execute()
  await trx
    .insertInto('interaction_template_languages')
    .values(
      DEFAULT_TEMPLATES.map((t) => ({
        template_code: t.code,
        language_code: '',
        description: t.description,
        subject: t.subject,
        body: t.body,
      })),
    )
    .execute()
  return true
}

/**
 * The demo company brings its own templates: the default ones go when no segment uses them (their language
 * rows go with them, `on delete cascade`), so the demo database is the same with or without the defaults.
 */
export async function dropUnusedDefaultTemplates(trx: Tx): Promise<void> {
  await trx
    .deleteFrom('interaction_templates')
    .where(
      'code',
      'in',
      DEFAULT_TEMPLATES.map((t) => t.code),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('segment_headers as h')
            .select('h.no')
            .whereRef('h.interaction_template_code', '=', 'interaction_templates.code'),
        ),
      ),
    )
    .execute()
}
