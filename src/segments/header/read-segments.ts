import { type Expression, type SelectQueryBuilder, sql } from 'kysely'
import { toApi } from '../../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { DB } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { notFound } from '../../errors.js'
import { SEGMENT_FIELDS, SEGMENT_TABLE, type Segment } from './segment-fields.js'

/** The FlowField that is not a column of the header: filtering or sorting on it needs the derived table. */
const COMPUTED_NAMES = new Set(['noOfCriteriaActions'])

/**
 * The FlowField of the header aliased `t` that is computed, No. of Criteria Actions, as a correlated subquery
 * (a count over the segment's few actions). The line totals — No. of Lines, Cost (LCY), Duration (Min.) — are
 * columns of the header, kept by the line statements (migrations 007, 008): no view reads the lines.
 */
function flowFields(ref: Expression<string>) {
  return [
    sql<number>`(select count(*) from segment_criteria_actions a where a.segment_no = ${ref})`.as(
      'no_of_criteria_actions',
    ),
  ]
}

/** One segment with its FlowFields: the header row (with its line totals) and its criteria actions counted. */
export async function readSegment(db: Tx, no: string): Promise<Segment> {
  const header = await db
    .selectFrom('segment_headers as t')
    .selectAll('t')
    .select(flowFields(sql.ref('t.no')))
    .where('t.no', '=', no)
    .executeTakeFirst()
  if (!header) throw notFound(SEGMENT_TABLE, { 'No.': no })
  return toApi<Segment>(SEGMENT_FIELDS, header)
}

/**
 * The segment list. No. of Criteria Actions is counted by a correlated subquery for the rows of the page
 * only: the page is read from the headers alone, then one query counts `where no in (<page>)`. Only a filter
 * or sort on it makes the list count for every header (from a derived table).
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
