import { type Expression, type SelectQueryBuilder, sql } from 'kysely'
import { toApi } from '../../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { DB } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { notFound } from '../../errors.js'
import { SEGMENT_FIELDS, SEGMENT_TABLE, type Segment } from './segment-fields.js'

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
 * The segment list: the headers with No. of Criteria Actions counted by the correlated subquery, as a derived
 * table `t`, so a filter or sort on any field applies alike. The count is a range of the actions' primary key,
 * taken for the rows the list returns; the line totals are the header's own columns.
 */
export async function listSegments(
  db: Tx,
  dialect: Dialect,
  query: Record<string, unknown>,
): Promise<ListPage<Segment>> {
  const p = parseListQuery(query, SEGMENT_FIELDS, { dialect, alias: 't', defaultSort: ['no'] })
  const withFlowFields = db
    .selectFrom('segment_headers as h')
    .selectAll('h')
    .select(flowFields(sql.ref('h.no')))
    .as('t')
  const qb = db.selectFrom(withFlowFields).selectAll('t') as unknown as SelectQueryBuilder<DB, never, object>
  return runList(qb, p, (row) => toApi<Segment>(SEGMENT_FIELDS, row))
}
