import { type Expression, type SelectQueryBuilder, sql } from 'kysely'
import { toApi } from '../../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { DB } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { notFound } from '../../errors.js'
import { COMPUTED_FIELDS, SEGMENT_FIELDS, SEGMENT_TABLE, type Segment } from './segment-fields.js'

const COMPUTED_NAMES = new Set(COMPUTED_FIELDS.map((f) => f.name))

/**
 * The FlowFields of the header aliased `t`, as correlated subqueries; No. of Lines is a column of the header
 * (kept by the line statements, migration 007).
 */
function flowFields(ref: Expression<string>) {
  return [
    sql<number>`(select count(*) from segment_criteria_actions a where a.segment_no = ${ref})`.as(
      'no_of_criteria_actions',
    ),
    sql<number>`(select coalesce(sum(l.cost_lcy), 0) from segment_lines l where l.segment_no = ${ref})`.as('cost_lcy'),
    sql<number>`(select coalesce(sum(l.duration_min), 0) from segment_lines l where l.segment_no = ${ref})`.as(
      'duration_min',
    ),
  ]
}

/**
 * One segment with its FlowFields: the header row (with No. of Lines), and one aggregate over its lines
 * (`select sum(cost_lcy), sum(duration_min), (select count(*) from segment_criteria_actions …)`).
 */
export async function readSegment(db: Tx, no: string): Promise<Segment> {
  const header = await db.selectFrom('segment_headers').selectAll().where('no', '=', no).executeTakeFirst()
  if (!header) throw notFound(SEGMENT_TABLE, { 'No.': no })
  const agg = await db
    .selectFrom('segment_lines')
    .select([
      sql<number>`coalesce(sum(cost_lcy), 0)`.as('cost_lcy'),
      sql<number>`coalesce(sum(duration_min), 0)`.as('duration_min'),
      sql<number>`(select count(*) from segment_criteria_actions a where a.segment_no = ${no})`.as(
        'no_of_criteria_actions',
      ),
    ])
    .where('segment_no', '=', no)
    .executeTakeFirstOrThrow()
  return toApi<Segment>(SEGMENT_FIELDS, { ...header, ...agg })
}

/**
 * The segment list. The FlowFields are computed by correlated subqueries for the rows of the page only:
 * the page is read from the headers alone, then one query computes them `where no in (<page>)`. Only a
 * filter or sort on a FlowField makes the list read them for every header (from a derived table).
 */
export async function listSegments(
  db: Tx,
  dialect: Dialect,
  query: Record<string, unknown>,
): Promise<ListPage<Segment>> {
  const onComputed =
    Object.keys(query).some((k) => COMPUTED_NAMES.has(/^filter\[(.+)\]$/.exec(k)?.[1] ?? '')) ||
    String(query.sort ?? '')
      .split(',')
      .some((s) => COMPUTED_NAMES.has(s.trim().replace(/^[-+]/, '')))
  const p = parseListQuery(query, SEGMENT_FIELDS, { dialect, alias: 't', defaultSort: ['no'] })

  if (onComputed) {
    const withFlowFields = db
      .selectFrom('segment_headers as h')
      .selectAll('h')
      .select(flowFields(sql.ref('h.no')))
      .as('t')
    const qb = db.selectFrom(withFlowFields).selectAll('t') as unknown as SelectQueryBuilder<DB, never, object>
    return runList(qb, p, (row) => toApi<Segment>(SEGMENT_FIELDS, row))
  }

  const page = await runList(db.selectFrom('segment_headers as t').selectAll('t'), p, (row) => row)
  const nos = page.items.map((r) => String(r.no))
  const computed = nos.length
    ? await db
        .selectFrom('segment_headers as t')
        .select('t.no')
        .select(flowFields(sql.ref('t.no')))
        .where('t.no', 'in', nos)
        .execute()
    : []
  const byNo = new Map(computed.map((c) => [c.no, c]))
  return { ...page, items: page.items.map((r) => toApi<Segment>(SEGMENT_FIELDS, { ...r, ...byNo.get(String(r.no)) })) }
}
