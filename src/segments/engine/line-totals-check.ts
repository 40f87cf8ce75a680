import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import { AMOUNT_DECIMALS, amountsDiffer, exactSum, UNIT_AMOUNT_DECIMALS } from '../../db/money.js'
import type { DB } from '../../db/schema.js'
import { inTransaction } from '../../db/transaction.js'
import { recountLineTotals } from './segment-state.js'

/** A segment's line totals: No. of Lines, Cost (LCY), Duration (Min.). */
export interface LineTotals {
  lines: number
  cost: number
  duration: number
}

export interface LineTotalMismatch {
  segmentNo: string
  /** As stored on the header (migrations 007, 008). */
  stored: LineTotals
  /** As summed from the segment's lines. */
  counted: LineTotals
}

/**
 * The segments whose stored line totals do not match their lines, in segment no. order; of every segment, or
 * of those named. One statement: the lines are summed per segment in one pass (a grouped scan of the lines'
 * primary key), whatever the number of segments.
 *
 * The steps keep the totals in the same transaction as the lines (`segment-state.ts`), so a mismatch means
 * the lines were changed behind the product's back: by hand in SQL, or by a partial restore. Sums and
 * comparisons are exact on both dialects (in whole cents, src/db/money.ts): a cent of difference is a mismatch.
 */
export async function findLineTotalMismatches(
  db: Kysely<DB>,
  // The statement is the same on both dialects since sums became exact (src/db/money.ts); callers still say which.
  _dialect: Dialect,
  segments?: string[],
): Promise<LineTotalMismatch[]> {
  if (segments?.length === 0) return []
  const { rows } = await sql<{
    no: string
    no_of_lines: number | string
    cost_lcy: number | string
    duration_min: number | string
    n: number | string
    cost: number | string
    duration: number | string
  }>`SELECT h.no, h.no_of_lines, h.cost_lcy, h.duration_min,
             coalesce(t.n, 0) AS n, coalesce(t.cost, 0) AS cost, coalesce(t.duration, 0) AS duration
      FROM segment_headers h
      LEFT JOIN (SELECT segment_no, count(*) AS n, ${exactSum(sql.ref('cost_lcy'), AMOUNT_DECIMALS)} AS cost,
                        ${exactSum(sql.ref('duration_min'), UNIT_AMOUNT_DECIMALS)} AS duration
                 FROM segment_lines ${segments ? sql`WHERE segment_no IN (${sql.join(segments)})` : sql``} GROUP BY segment_no) t ON t.segment_no = h.no
      WHERE (h.no_of_lines <> coalesce(t.n, 0) OR ${amountsDiffer(sql.ref('h.cost_lcy'), sql`coalesce(t.cost, 0)`, AMOUNT_DECIMALS)}
             OR ${amountsDiffer(sql.ref('h.duration_min'), sql`coalesce(t.duration, 0)`, UNIT_AMOUNT_DECIMALS)})
        ${segments ? sql`AND h.no IN (${sql.join(segments)})` : sql``}
      ORDER BY h.no`.execute(db)
  return rows.map((r) => ({
    segmentNo: r.no,
    stored: { lines: Number(r.no_of_lines), cost: Number(r.cost_lcy), duration: Number(r.duration_min) },
    counted: { lines: Number(r.n), cost: Number(r.cost), duration: Number(r.duration) },
  }))
}

/**
 * Sums the lines again onto the headers of `segments` (`recountLineTotals`, as a header change copied to the
 * lines does), in one transaction that first locks those headers (PostgreSQL `FOR UPDATE`, in no. order;
 * SQLite's write lock is the transaction's), so a step running on one of them finishes before its lines are
 * counted. Returns the segments recounted (those that still exist).
 */
export async function recountSegments(db: Kysely<DB>, dialect: Dialect, segments: string[]): Promise<string[]> {
  if (segments.length === 0) return []
  return inTransaction(db, async (trx) => {
    let locked = trx.selectFrom('segment_headers').select('no').where('no', 'in', segments).orderBy('no')
    if (dialect === 'postgres') locked = locked.forUpdate()
    const nos = (await locked.execute()).map((r) => r.no)
    // One statement per segment found out of step: a repair of a few segments, not a step's path.
    for (const no of nos) await recountLineTotals(trx, no)
    return nos
  })
}
