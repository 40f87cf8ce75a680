import { sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import { reusableStatement } from '../../db/reusable-statements.js'
import type { Tx } from '../../db/transaction.js'
import { notFound } from '../../errors.js'
import type { SegmentHeaderRow } from './types.js'

/**
 * Serialises the actions on one segment (DESIGN.md principle 3): on PostgreSQL `SELECT … FOR UPDATE`
 * on the header row, so a second step waits until the first commits and then sees its lines; on SQLite
 * the transaction already holds the database's write lock (`BEGIN IMMEDIATE`). Call it first in every
 * step, inside the step's transaction.
 *
 * @throws NOT_FOUND `The Segment Header does not exist. Identification fields and values: No.='…'`
 */
export async function lockSegment(trx: Tx, dialect: Dialect, segmentNo: string): Promise<SegmentHeaderRow> {
  let q = trx.selectFrom('segment_headers').selectAll().where('no', '=', segmentNo)
  if (dialect === 'postgres') q = q.forUpdate()
  const header = await q.executeTakeFirst()
  if (!header) throw notFound('Segment Header', { 'No.': segmentNo })
  return header
}

/** The header without a lock (reads such as Preview). */
export async function getSegment(db: Tx, segmentNo: string): Promise<SegmentHeaderRow> {
  const header = await db.selectFrom('segment_headers').selectAll().where('no', '=', segmentNo).executeTakeFirst()
  if (!header) throw notFound('Segment Header', { 'No.': segmentNo })
  return header
}

/** No. of Lines (BC FlowField), as stored on the header (migration 007); 0 for a segment that does not exist. */
export async function countLines(db: Tx, segmentNo: string): Promise<number> {
  // Compiled once (`reusableStatement`): every page of lines reads it.
  const statement = reusableStatement(db, 'segment no. of lines', [segmentNo], ([no]) =>
    db
      .selectFrom('segment_headers')
      .select('no_of_lines')
      .where('no', '=', no as string),
  )
  const r = (await db.executeQuery(statement)).rows[0] as { no_of_lines: number | string } | undefined
  return Number(r?.no_of_lines ?? 0)
}

/**
 * Adds the lines a statement inserted (or, negative, deleted) to the header's No. of Lines. Every statement
 * that inserts or deletes lines calls it in the same transaction, under the segment's lock (`lockSegment`);
 * `no_of_lines + n` is evaluated on the locked row, so concurrent steps cannot lose a change.
 */
export async function addToLineCount(db: Tx, segmentNo: string, lines: number): Promise<void> {
  if (lines === 0) return
  await db
    .updateTable('segment_headers')
    .set({ no_of_lines: sql`no_of_lines + ${lines}` })
    .where('no', '=', segmentNo)
    .execute()
}

/** No. of Criteria Actions (BC FlowField: count of action rows). */
export async function countCriteriaActions(db: Tx, segmentNo: string): Promise<number> {
  const r = await db
    .selectFrom('segment_criteria_actions')
    .select(sql<number>`count(*)`.as('n'))
    .where('segment_no', '=', segmentNo)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** The highest line no. of the segment, 0 when it has none; new lines go at +10000 steps after it. */
export async function maxLineNo(db: Tx, segmentNo: string): Promise<number> {
  const r = await db
    .selectFrom('segment_lines')
    .select(sql<number>`coalesce(max(line_no), 0)`.as('m'))
    .where('segment_no', '=', segmentNo)
    .executeTakeFirstOrThrow()
  return Number(r.m)
}

/** Line numbers step by 10000 (BC: last + 10000, the first 10000). */
export const LINE_NO_STEP = 10000

/** Executes a raw statement and returns the rows it changed. */
export async function affected(result: Promise<{ numAffectedRows?: bigint }>): Promise<number> {
  return Number((await result).numAffectedRows ?? 0n)
}

/**
 * Deletes a segment's header with its history, criteria actions and lines (the caller holds the segment lock).
 * The children go first, each by one DELETE on its segment index: SQLite's ON DELETE CASCADE removes them row
 * by row (a segment of 97,001 lines: 0.48–0.67 s through the cascade, 0.40 s this way); PostgreSQL's delete
 * trigger on the header (migration 004) then finds nothing left.
 */
export async function deleteSegmentRows(trx: Tx, segmentNo: string): Promise<void> {
  for (const table of ['segment_history', 'segment_criteria_actions', 'segment_lines'] as const)
    await trx.deleteFrom(table).where('segment_no', '=', segmentNo).execute()
  await trx.deleteFrom('segment_headers').where('no', '=', segmentNo).execute()
}
