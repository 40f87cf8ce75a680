import { sql } from 'kysely'
import { code, type Field, int, text, toApi } from '../../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { notFound } from '../../errors.js'
import { type CriteriaActionName, type CriteriaFilters, criteriaText } from '../engine/index.js'

export const SAVED_CRITERIA_TABLE = 'Saved Segment Criteria'

export const SAVED_CRITERIA_FIELDS: Field[] = [
  code('code', 'code', 10),
  text('description', 'description', 100),
  text('username', 'username', 50, { readOnly: true }),
  int('noOfActions', 'no_of_actions', { readOnly: true }),
]

/** One saved action: a criteria action of the segment it was saved from, without when and by whom. */
export interface SavedAction {
  actionNo: number
  action: CriteriaActionName
  allowExistingContacts: boolean
  expandCompanies: boolean
  allowRelatedCompanies: boolean
  ignoreExclusion: boolean
  entireCompanies: boolean
  filters: CriteriaFilters
  text: string
}

export interface SavedCriteria {
  code: string
  description: string
  username: string
  noOfActions: number
  actions: SavedAction[]
}

/** The saved criteria with the BC FlowField "No. of Actions", as a table aliased `t` for lists. */
function withNoOfActions(db: Tx) {
  const inner = db
    .selectFrom('saved_segment_criteria as s')
    .selectAll('s')
    .select(
      sql<number>`(select count(*) from saved_segment_criteria_actions a where a.code = s.code)`.as('no_of_actions'),
    )
    .as('t')
  return db.selectFrom(inner).selectAll('t')
}

/** The actions of some saved criteria, by code, in action order. */
async function actionsOf(db: Tx, codes: string[]): Promise<Map<string, SavedAction[]>> {
  const out = new Map<string, SavedAction[]>(codes.map((c) => [c, []]))
  if (!codes.length) return out
  const rows = await db
    .selectFrom('saved_segment_criteria_actions')
    .selectAll()
    .where('code', 'in', codes)
    .orderBy('code')
    .orderBy('action_no')
    .execute()
  for (const r of rows) {
    const filters = JSON.parse(r.filters) as CriteriaFilters
    out.get(r.code)?.push({
      actionNo: Number(r.action_no),
      action: r.action as CriteriaActionName,
      allowExistingContacts: r.allow_existing_contacts === 1,
      expandCompanies: r.expand_companies === 1,
      allowRelatedCompanies: r.allow_related_companies === 1,
      ignoreExclusion: r.ignore_exclusion === 1,
      entireCompanies: r.entire_companies === 1,
      filters,
      text: criteriaText(filters),
    })
  }
  return out
}

export async function getSavedCriteria(db: Tx, codeValue: string): Promise<SavedCriteria> {
  const row = await withNoOfActions(db).where('t.code', '=', codeValue).executeTakeFirst()
  if (!row) throw notFound(SAVED_CRITERIA_TABLE, { Code: codeValue })
  const actions = await actionsOf(db, [codeValue])
  return { ...toApi(SAVED_CRITERIA_FIELDS, row), actions: actions.get(codeValue) ?? [] } as SavedCriteria
}

export async function listSavedCriteria(
  db: Tx,
  dialect: Dialect,
  query: Record<string, unknown>,
): Promise<ListPage<SavedCriteria>> {
  const p = parseListQuery(query, SAVED_CRITERIA_FIELDS, { dialect, alias: 't', defaultSort: ['code'] })
  const page = await runList(withNoOfActions(db), p, (row) => toApi(SAVED_CRITERIA_FIELDS, row) as SavedCriteria)
  const actions = await actionsOf(
    db,
    page.items.map((s) => s.code),
  )
  return { ...page, items: page.items.map((s) => ({ ...s, actions: actions.get(s.code) ?? [] })) }
}

/** Deletes saved criteria; its actions go with it (foreign key cascade, BC OnDelete). */
export async function deleteSavedCriteria(trx: Tx, codeValue: string): Promise<void> {
  const r = await trx.deleteFrom('saved_segment_criteria').where('code', '=', codeValue).executeTakeFirst()
  if (!Number(r.numDeletedRows)) throw notFound(SAVED_CRITERIA_TABLE, { Code: codeValue })
}
