import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import { AMOUNT_DECIMALS, exactAdd, exactSum, UNIT_AMOUNT_DECIMALS } from '../../db/money.js'
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
 * The header's line totals — No. of Lines, Cost (LCY), Duration (Min.): BC FlowFields over the lines — are
 * stored on the header (migrations 007, 008) and kept by every statement that inserts, deletes or changes
 * lines, in the same transaction, under the segment's lock (`lockSegment`). Each change is `total ± what the
 * statement changed`, evaluated on the locked row, so concurrent steps cannot lose one. Sums and moves are exact
 * on both dialects (`exactSum`, `exactAdd`: in whole cents), so the totals equal the lines' to the cent.
 */
const totalsSet = (sign: '+' | '-', n: unknown, cost: unknown, duration: unknown) => {
  const cost_ = exactAdd(sql.ref('cost_lcy'), sign, sql`${cost}`, AMOUNT_DECIMALS)
  const duration_ = exactAdd(sql.ref('duration_min'), sign, sql`${duration}`, UNIT_AMOUNT_DECIMALS)
  return sign === '+'
    ? sql`no_of_lines = no_of_lines + ${n}, cost_lcy = ${cost_}, duration_min = ${duration_}`
    : sql`no_of_lines = no_of_lines - ${n},
        cost_lcy = CASE WHEN no_of_lines = ${n} THEN 0 ELSE ${cost_} END,
        duration_min = CASE WHEN no_of_lines = ${n} THEN 0 ELSE ${duration_} END`
}

/** `SELECT count(*) AS n, sum(cost_lcy) AS cost, sum(duration_min) AS duration FROM <from>` (0 for none), exact. */
const totalsOf = (from: RawBuilder<unknown>) =>
  sql`SELECT count(*) AS n, ${exactSum(sql.ref('cost_lcy'), AMOUNT_DECIMALS)} AS cost,
      ${exactSum(sql.ref('duration_min'), UNIT_AMOUNT_DECIMALS)} AS duration FROM ${from}`

/** Adds (`+`) or takes off (`-`) the totals of the rows `totals` selects (`totalsOf`). */
function moveTotals(segmentNo: string, sign: '+' | '-', totals: RawBuilder<unknown>) {
  return sql`UPDATE segment_headers SET ${totalsSet(sign, sql.ref('t.n'), sql.ref('t.cost'), sql.ref('t.duration'))}
      FROM (${totals}) AS t WHERE segment_headers.no = ${segmentNo}`
}

/**
 * Adds lines a statement has just inserted, all with the same cost and duration (a step's new lines take the
 * header's Unit Cost and Unit Duration), to the header's totals: `lines × cost`, with no read of the lines.
 * `each` holds the SQL expressions the insert gave every line (constants).
 */
export async function addToLineTotals(
  db: Tx,
  segmentNo: string,
  lines: number,
  each: { cost: RawBuilder<unknown>; duration: RawBuilder<unknown> },
): Promise<void> {
  if (lines === 0) return
  await sql`UPDATE segment_headers
      SET ${totalsSet('+', lines, sql`${lines} * ${each.cost}`, sql`${lines} * ${each.duration}`)}
      WHERE no = ${segmentNo}`.execute(db)
}

/**
 * Inserts into or deletes from the segment's lines and moves the header's totals by what changed; returns the
 * number of lines. PostgreSQL: one statement, the totals from the changed rows (`WITH changed AS (<change>
 * RETURNING cost_lcy, duration_min) UPDATE segment_headers … FROM (totals of changed)`). SQLite cannot read a
 * change's rows inside a statement, so it sums `sameRows` — the rows about to be deleted, before the DELETE, or
 * the rows just inserted, after the INSERT (a FROM clause with their cost_lcy and duration_min).
 */
async function changeLines(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  sign: '+' | '-',
  change: RawBuilder<unknown>,
  sameRows: RawBuilder<unknown>,
): Promise<number> {
  if (dialect === 'postgres') {
    const { rows } = await sql<{ n: string | number }>`WITH changed AS (${change} RETURNING cost_lcy, duration_min)
        ${moveTotals(segmentNo, sign, totalsOf(sql`changed`))} RETURNING t.n`.execute(trx)
    return Number(rows[0]?.n ?? 0)
  }
  if (sign === '-') await moveTotals(segmentNo, sign, totalsOf(sameRows)).execute(trx)
  const n = await affected(change.execute(trx))
  if (sign === '+' && n > 0) await moveTotals(segmentNo, sign, totalsOf(sameRows)).execute(trx)
  return n
}

/**
 * Deletes the segment's lines that `which` selects (a condition on `segment_lines`), taking them off the totals.
 * `copies`: a FROM clause holding the same lines' cost and duration that SQLite sums instead of the lines — the
 * history rows a Reduce or Refine has just copied them into. At a million contacts, summing a Refine's 305,428
 * history rows took 75–98 ms, the lines through `line_no IN (<history rows>)` 334–371 ms.
 */
export function deleteLines(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  which: RawBuilder<SqlBool>,
  copies?: RawBuilder<unknown>,
): Promise<number> {
  const lines = sql`segment_lines WHERE segment_no = ${segmentNo} AND ${which}`
  return changeLines(trx, dialect, segmentNo, '-', sql`DELETE FROM ${lines}`, copies ?? lines)
}

/**
 * Inserts lines by `insert` (an `INSERT INTO segment_lines … SELECT … FROM <source>`) and adds them to the
 * totals; `source` is that FROM clause, whose `cost_lcy` and `duration_min` are the inserted lines' values.
 */
export function insertLinesFrom(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  insert: RawBuilder<unknown>,
  source: RawBuilder<unknown>,
): Promise<number> {
  return changeLines(trx, dialect, segmentNo, '+', insert, source)
}

/**
 * Runs `update` (a change of one line's values) and moves the totals by the line's cost and duration before
 * and after it, as the database stored them.
 */
export async function updateLineValues(
  trx: Tx,
  segmentNo: string,
  lineNo: number,
  update: () => Promise<unknown>,
): Promise<void> {
  const line = sql`segment_lines WHERE segment_no = ${segmentNo} AND line_no = ${lineNo}`
  await moveTotals(segmentNo, '-', totalsOf(line)).execute(trx)
  await update()
  await moveTotals(segmentNo, '+', totalsOf(line)).execute(trx)
}

/** Sums the segment's lines into its totals again (after a change of many lines' values, e.g. from the header). */
export async function recountLineTotals(trx: Tx, segmentNo: string): Promise<void> {
  await sql`UPDATE segment_headers SET no_of_lines = t.n, cost_lcy = t.cost, duration_min = t.duration
      FROM (${totalsOf(sql`segment_lines WHERE segment_no = ${segmentNo}`)}) AS t WHERE segment_headers.no = ${segmentNo}`.execute(
    trx,
  )
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
