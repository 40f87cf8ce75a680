import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import { lineCost } from '../../db/money.js'
import type { InteractionTemplateTable } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import type { SegmentHeaderRow } from './types.js'

/** What a new line takes from outside the contact: the header, its template and the template's languages. */
export interface LineContext {
  header: SegmentHeaderRow
  template?: Selectable<InteractionTemplateTable>
  /** Languages the header's template has (Interaction Tmpl. Language rows). */
  templateLanguages: string[]
}

export async function loadLineContext(db: Tx, header: SegmentHeaderRow): Promise<LineContext> {
  const code = header.interaction_template_code
  if (!code) return { header, templateLanguages: [] }
  const template = await db.selectFrom('interaction_templates').selectAll().where('code', '=', code).executeTakeFirst()
  const langs = await db
    .selectFrom('interaction_template_languages')
    .select('language_code')
    .where('template_code', '=', code)
    .orderBy('language_code')
    .execute()
  return { header, template, templateLanguages: langs.map((l) => l.language_code) }
}

/**
 * A bound value typed for PostgreSQL: in `INSERT … SELECT` an untyped parameter in the select list
 * is resolved as text, which a date or numeric column refuses. SQLite needs no cast.
 */
export function typed(dialect: Dialect, value: unknown, pgType: 'date' | 'numeric' | 'integer' | 'bigint' | 'text') {
  return dialect === 'postgres' ? sql`CAST(${value} AS ${sql.raw(pgType)})` : sql`${value}`
}

/**
 * The values of a new segment line for the contact aliased `x`, as SQL expressions for `INSERT … SELECT`
 * (spec §5.2 InitLine + Contact No. validate):
 *
 * - header defaults: description, subject (Subject (Default)), interaction template and group, cost
 *   (Unit Cost), duration (Unit Duration), date, information flow, initiated by, campaign no./target/response;
 * - salesperson: the header's, else the contact's;
 * - correspondence type: the header default when the header ignores the contact's type and has one; else the
 *   template default when the template ignores the contact's type or the contact has none; else the contact's;
 * - language: the contact's when the header's template has that language, else the header's default
 *   language — a simplification of BC's FindLanguage, as segments keep no per-segment language rows;
 * - contact company no. from the contact; evaluation, time and attempt failed blank.
 */
export function lineValues(ctx: LineContext, dialect: Dialect, x = 'x'): [string, RawBuilder<unknown>][] {
  const { header, template, templateLanguages } = ctx
  const col = (name: string) => sql.ref(`${x}.${name}`)
  const text = (v: string) => typed(dialect, v, 'text')

  const salesperson = header.salesperson_code ? text(header.salesperson_code) : col('salesperson_code')

  let correspondence: RawBuilder<unknown>
  if (header.ignore_contact_corres_type && header.correspondence_type_default)
    correspondence = text(header.correspondence_type_default)
  else if (template?.ignore_contact_corres_type) correspondence = text(template.correspondence_type_default)
  else if (template)
    correspondence = sql`CASE WHEN ${col('correspondence_type')} = '' THEN ${text(template.correspondence_type_default)} ELSE ${col('correspondence_type')} END`
  else correspondence = col('correspondence_type')

  const language =
    templateLanguages.length > 0
      ? sql`CASE WHEN ${col('language_code')} IN (${sql.join(templateLanguages.map(text))}) THEN ${col('language_code')} ELSE ${text(header.language_code_default)} END`
      : text(header.language_code_default)

  return [
    ['contact_company_no', col('company_no')],
    ['salesperson_code', salesperson],
    ['correspondence_type', correspondence],
    ['interaction_template_code', text(header.interaction_template_code)],
    ['interaction_group_code', text(header.interaction_group_code)],
    ['description', text(header.description)],
    ['subject', text(header.subject_default)],
    ['language_code', language],
    ['date', typed(dialect, header.date, 'date')],
    ['cost_lcy', typed(dialect, lineCost(header.unit_cost_lcy), 'numeric')],
    ['duration_min', typed(dialect, header.unit_duration_min, 'numeric')],
    ['information_flow', text(header.information_flow)],
    ['initiated_by', text(header.initiated_by)],
    ['campaign_no', text(header.campaign_no)],
    ['campaign_target', typed(dialect, header.campaign_target, 'integer')],
    ['campaign_response', typed(dialect, header.campaign_response, 'integer')],
  ]
}
