import { sql } from 'kysely'
import { bool, type Field, int, option, text, timestamp, toApi } from '../../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { describeFilter } from '../../filters/index.js'
import { BLOCKS } from './criteria-blocks.js'
import { getSegment } from './segment-state.js'
import type { Actor, CriteriaAction, CriteriaActionName, CriteriaFilters } from './types.js'
import { activeBlocks } from './validate-filters.js'

export interface ActionFlags {
  allowExistingContacts?: boolean
  expandCompanies?: boolean
  allowRelatedCompanies?: boolean
  ignoreExclusion?: boolean
  entireCompanies?: boolean
}

/**
 * Records a criteria action before its lines change (spec §6.5): action no. = last + 1 (the first 1),
 * the normalised filters as JSON (one "filter row" per block that has filters), the five option flags.
 * Returns the action no., which the step's history rows carry (quirk Q12 fixed: always the real one).
 */
export async function recordAction(
  trx: Tx,
  segmentNo: string,
  action: CriteriaActionName,
  filters: CriteriaFilters,
  flags: ActionFlags,
  actor: Actor,
): Promise<number> {
  const last = await trx
    .selectFrom('segment_criteria_actions')
    .select(sql<number>`coalesce(max(action_no), 0)`.as('m'))
    .where('segment_no', '=', segmentNo)
    .executeTakeFirstOrThrow()
  const actionNo = Number(last.m) + 1
  const b = (v?: boolean) => (v ? 1 : 0)
  await trx
    .insertInto('segment_criteria_actions')
    .values({
      segment_no: segmentNo,
      action_no: actionNo,
      action,
      filters: JSON.stringify(filters),
      allow_existing_contacts: b(flags.allowExistingContacts),
      expand_companies: b(flags.expandCompanies),
      allow_related_companies: b(flags.allowRelatedCompanies),
      ignore_exclusion: b(flags.ignoreExclusion),
      entire_companies: b(flags.entireCompanies),
      username: actor.username,
    })
    .execute()
  return actionNo
}

/** A questionnaire line named by plain values (`CUST` and `20000`), for BC's "Question: Answer" text. */
export interface ProfileAnswerCaption {
  question: string
  answer: string
}

/**
 * The readable filters of one action, as BC's Segment Criteria page shows its filter rows
 * (`<Table>` + `<Field caption>: <expression>`, several fields joined with `, `), one block per
 * filter row joined with `; `:
 * `Contact: Salesperson Code: JR; Contact Industry Group: Industry Group Code: RETAIL|WHOLESALE`.
 * A profile answer filter naming one answer line shows `Profile Questionnaire Code: <code>, <Question>: <Answer>`.
 */
export function criteriaText(filters: CriteriaFilters, profileAnswer?: ProfileAnswerCaption): string {
  return activeBlocks(filters)
    .map((name) => {
      const def = BLOCKS[name]
      const block = filters[name]!
      const parts = Object.entries(block).map(
        ([field, expr]) => `${def.fields[field].caption}: ${describeFilter(expr)}`,
      )
      if (name === 'profileAnswer' && profileAnswer) {
        const code = block.profileQuestionnaireCode
        parts.splice(
          0,
          parts.length,
          ...(code ? [`${def.fields.profileQuestionnaireCode.caption}: ${describeFilter(code)}`] : []),
        )
        parts.push(`${profileAnswer.question}: ${profileAnswer.answer}`)
      }
      return `${def.caption}: ${parts.join(', ')}`
    })
    .join('; ')
}

/** The answer line a profile filter names exactly (one code, one line no.), with its question. */
async function profileAnswerCaption(db: Tx, filters: CriteriaFilters): Promise<ProfileAnswerCaption | undefined> {
  const code = filters.profileAnswer?.profileQuestionnaireCode?.trim().toUpperCase()
  const lineNo = filters.profileAnswer?.lineNo?.trim()
  if (!code || !lineNo || !/^[A-Z0-9_\-/]+$/.test(code) || !/^\d+$/.test(lineNo)) return undefined
  const answer = await db
    .selectFrom('profile_questionnaire_lines')
    .select('description')
    .where('questionnaire_code', '=', code)
    .where('line_no', '=', Number(lineNo))
    .where('type', '=', 'Answer')
    .executeTakeFirst()
  if (!answer) return undefined
  // An answer belongs to the nearest question before it (spec §4.8).
  const question = await db
    .selectFrom('profile_questionnaire_lines')
    .select('description')
    .where('questionnaire_code', '=', code)
    .where('line_no', '<', Number(lineNo))
    .where('type', '=', 'Question')
    .orderBy('line_no', 'desc')
    .limit(1)
    .executeTakeFirst()
  return { question: question?.description ?? '', answer: answer.description }
}

/** Every criteria action of a segment with its readable text (tests and tools; the API pages them: `pageCriteria`). */
export async function listCriteria(db: Tx, segmentNo: string): Promise<CriteriaAction[]> {
  const rows = await db
    .selectFrom('segment_criteria_actions')
    .selectAll()
    .where('segment_no', '=', segmentNo)
    .orderBy('action_no')
    .execute()
  const out: CriteriaAction[] = []
  for (const r of rows) {
    const filters = JSON.parse(r.filters) as CriteriaFilters
    out.push({
      actionNo: Number(r.action_no),
      action: r.action as CriteriaActionName,
      allowExistingContacts: r.allow_existing_contacts === 1,
      expandCompanies: r.expand_companies === 1,
      allowRelatedCompanies: r.allow_related_companies === 1,
      ignoreExclusion: r.ignore_exclusion === 1,
      entireCompanies: r.entire_companies === 1,
      filters,
      text: criteriaText(filters, await profileAnswerCaption(db, filters)),
      at: String(r.at),
      username: r.username,
    })
  }
  return out
}

/**
 * The fields of a criteria action (API.md §2 Segments, "Reads"). `filters` (JSON) and `text` (made from it) are
 * shown, not filtered or sorted on; the others are columns.
 */
export const CRITERIA_FIELDS: Field[] = [
  int('actionNo', 'action_no', { readOnly: true }),
  option('action', 'action', ['Add Contacts', 'Remove Contacts (Reduce)', 'Remove Contacts (Refine)'], {
    readOnly: true,
  }),
  bool('allowExistingContacts', 'allow_existing_contacts', { readOnly: true }),
  bool('expandCompanies', 'expand_companies', { readOnly: true }),
  bool('allowRelatedCompanies', 'allow_related_companies', { readOnly: true }),
  bool('ignoreExclusion', 'ignore_exclusion', { readOnly: true }),
  bool('entireCompanies', 'entire_companies', { readOnly: true }),
  text('filters', 'filters', 10_000, { readOnly: true, noFilter: true }),
  text('text', 'text', 10_000, { readOnly: true, noFilter: true }),
  timestamp('at', 'at'),
  text('username', 'username', 50, { readOnly: true }),
]

/**
 * GET /api/segments/{no}/criteria: one page of the segment's criteria actions (`limit`, `offset`, `sort`,
 * `filter[field]`, `total`), by action no. unless sorted otherwise, each with its readable text (made for the
 * page's actions only). The segment is looked up first, so a missing one is 404.
 */
export async function pageCriteria(
  db: Tx,
  dialect: Dialect,
  segmentNo: string,
  query: Record<string, unknown>,
): Promise<ListPage<CriteriaAction>> {
  await getSegment(db, segmentNo)
  const p = parseListQuery(query, CRITERIA_FIELDS, { dialect, alias: 'a', defaultSort: ['actionNo'] })
  const page = await runList(
    db.selectFrom('segment_criteria_actions as a').selectAll('a').where('a.segment_no', '=', segmentNo),
    p,
    (row) => row,
  )
  const items: CriteriaAction[] = []
  for (const row of page.items) {
    const filters = JSON.parse(String(row.filters)) as CriteriaFilters
    const text = criteriaText(filters, await profileAnswerCaption(db, filters))
    items.push({ ...toApi<CriteriaAction>(CRITERIA_FIELDS, { ...row, text }), filters })
  }
  return { ...page, items }
}
