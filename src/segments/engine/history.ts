import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { code, type Field, int, option, text, timestamp, toApi } from '../../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { affected, deleteLines, getSegment, insertLinesFrom } from './segment-state.js'
import type { Actor, HistoryEntry } from './types.js'

/** The columns of a segment line below its segment no.; history keeps all of them for a deletion. */
export const LINE_COLUMNS = [
  'line_no',
  'contact_no',
  'contact_company_no',
  'salesperson_code',
  'correspondence_type',
  'interaction_template_code',
  'interaction_group_code',
  'description',
  'subject',
  'language_code',
  'date',
  'time_of_interaction',
  'cost_lcy',
  'duration_min',
  'information_flow',
  'initiated_by',
  'evaluation',
  'campaign_no',
  'campaign_target',
  'campaign_response',
  'attempt_failed',
  'language_by_hand',
] as const

const cols = (alias?: string) => sql.join(LINE_COLUMNS.map((c) => sql.ref(alias ? `${alias}.${c}` : c)))

/**
 * Writes a `Deletion` history row, with every value of the line, for each line of the segment that
 * `where` (on alias `l`) selects — before the lines are deleted, so Go Back can put them back as they
 * were, under their own line no. (quirk Q6 fixed). Returns the number of rows written.
 *
 * ```sql
 * INSERT INTO segment_history (segment_no, action_no, action_taken, username, line_no, contact_no, …)
 * SELECT l.segment_no, ?, 'Deletion', ?, l.line_no, l.contact_no, … FROM segment_lines l
 * WHERE l.segment_no = ? AND <where>
 * ```
 */
export function recordDeletions(
  trx: Tx,
  segmentNo: string,
  actionNo: number,
  actor: Actor,
  where: RawBuilder<SqlBool>,
): Promise<number> {
  return affected(
    sql`INSERT INTO segment_history (segment_no, action_no, action_taken, username, ${cols()})
        SELECT l.segment_no, ${actionNo}, ${'Deletion'}, ${actor.username}, ${cols('l')}
        FROM segment_lines l WHERE l.segment_no = ${segmentNo} AND ${where}`.execute(trx),
  )
}

/**
 * Deletes the lines that the `Deletion` rows of one action name (one set-based DELETE), off the header's totals
 * (on SQLite summed from those rows, which hold the lines' values).
 */
export function deleteRecordedLines(trx: Tx, dialect: Dialect, segmentNo: string, actionNo: number): Promise<number> {
  const recorded = sql`segment_history h
      WHERE h.segment_no = ${segmentNo} AND h.action_no = ${actionNo} AND h.action_taken = ${'Deletion'}`
  return deleteLines(trx, dialect, segmentNo, sql<SqlBool>`line_no IN (SELECT h.line_no FROM ${recorded})`, recorded)
}

/**
 * Writes an `Insertion` history row for each line of the segment whose line no. is in the range, i.e.
 * the lines one step has just inserted. Go Back needs only the line no. of an insertion.
 */
export function recordInsertions(
  trx: Tx,
  segmentNo: string,
  actionNo: number,
  actor: Actor,
  lines: { after: number } | { lineNo: number },
): Promise<number> {
  const range = 'after' in lines ? sql`l.line_no > ${lines.after}` : sql`l.line_no = ${lines.lineNo}`
  return affected(
    sql`INSERT INTO segment_history (segment_no, action_no, action_taken, username, line_no, contact_no, contact_company_no)
        SELECT l.segment_no, ${actionNo}, ${'Insertion'}, ${actor.username}, l.line_no, l.contact_no, l.contact_company_no
        FROM segment_lines l WHERE l.segment_no = ${segmentNo} AND ${range}`.execute(trx),
  )
}

/** Puts back the lines an action deleted, with their own values and line nos., onto the header's totals. */
export function restoreDeletedLines(trx: Tx, dialect: Dialect, segmentNo: string, actionNo: number): Promise<number> {
  const deleted = sql`segment_history h
      WHERE h.segment_no = ${segmentNo} AND h.action_no = ${actionNo} AND h.action_taken = ${'Deletion'}`
  return insertLinesFrom(
    trx,
    dialect,
    segmentNo,
    sql`INSERT INTO segment_lines (segment_no, ${cols()}) SELECT h.segment_no, ${cols('h')} FROM ${deleted}`,
    deleted,
  )
}

/** Removes the lines an action inserted — only those lines, not older lines of the same contact (quirk Q5 fixed). */
export function deleteInsertedLines(trx: Tx, dialect: Dialect, segmentNo: string, actionNo: number): Promise<number> {
  return deleteLines(
    trx,
    dialect,
    segmentNo,
    sql<SqlBool>`line_no IN (SELECT h.line_no FROM segment_history h
      WHERE h.segment_no = ${segmentNo} AND h.action_no = ${actionNo} AND h.action_taken = ${'Insertion'})`,
  )
}

/** The segment's whole history, by action and line (tests and tools; the API pages it: `pageHistory`). */
export async function listHistory(db: Tx, segmentNo: string): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('segment_history')
    .select(['action_no', 'line_no', 'contact_no', 'action_taken', 'at', 'username'])
    .where('segment_no', '=', segmentNo)
    .orderBy('action_no')
    .orderBy('line_no')
    .execute()
  return rows.map((r) => ({
    actionNo: Number(r.action_no),
    lineNo: Number(r.line_no),
    contactNo: r.contact_no,
    actionTaken: r.action_taken as HistoryEntry['actionTaken'],
    at: String(r.at),
    username: r.username,
  }))
}

/** The fields of a history entry (API.md §2 Segments, "Reads"): each filterable and sortable. */
export const HISTORY_FIELDS: Field[] = [
  int('actionNo', 'action_no', { readOnly: true }),
  int('lineNo', 'line_no', { readOnly: true, bigint: true }),
  code('contactNo', 'contact_no', 20, { readOnly: true }),
  option('actionTaken', 'action_taken', ['Insertion', 'Deletion'], { readOnly: true }),
  timestamp('at', 'at'),
  text('username', 'username', 50, { readOnly: true }),
]

/**
 * GET /api/segments/{no}/history: one page of the segment's history (`limit`, `offset`, `sort`, `filter[field]`,
 * `total`), by action and line unless sorted otherwise — a segment of 400,000 lines has as many entries per
 * step, which a client must not have to take at once. The segment is looked up first, so a missing one is 404.
 */
export async function pageHistory(
  db: Tx,
  dialect: Dialect,
  segmentNo: string,
  query: Record<string, unknown>,
): Promise<ListPage<HistoryEntry>> {
  await getSegment(db, segmentNo)
  const p = parseListQuery(query, HISTORY_FIELDS, { dialect, alias: 'h', defaultSort: ['actionNo', 'lineNo'] })
  return runList(
    db
      .selectFrom('segment_history as h')
      .select(['h.action_no', 'h.line_no', 'h.contact_no', 'h.action_taken', 'h.at', 'h.username'])
      .where('h.segment_no', '=', segmentNo),
    p,
    (row) => toApi<HistoryEntry>(HISTORY_FIELDS, row),
  )
}
