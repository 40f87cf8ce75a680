import { type Insertable, type Kysely, sql } from 'kysely'
import type { DB, SegmentLineTable } from '../db/schema.js'
import { recountLineTotals } from '../segments/engine/segment-state.js'

/** The line totals of the header aliased `h`, summed from its lines. */
const summed = sql`(SELECT count(*) FROM segment_lines l WHERE l.segment_no = h.no) AS counted,
    (SELECT coalesce(sum(l.cost_lcy), 0) FROM segment_lines l WHERE l.segment_no = h.no) AS cost,
    (SELECT coalesce(sum(l.duration_min), 0) FROM segment_lines l WHERE l.segment_no = h.no) AS duration`

/**
 * Writes segment lines straight into the table, as fixtures do, and brings the headers' stored No. of
 * Lines, Cost (LCY) and Duration (Min.) in step, as the product's own line statements do.
 */
export async function insertLineRows(db: Kysely<DB>, rows: Insertable<SegmentLineTable>[]): Promise<void> {
  if (rows.length === 0) return
  await db.insertInto('segment_lines').values(rows).execute()
  for (const seg of new Set(rows.map((r) => r.segment_no))) await recountLineTotals(db, seg)
}

/** Deletes a segment's lines straight from the table (fixtures), setting its stored line totals to 0. */
export async function deleteLineRows(db: Kysely<DB>, segmentNo: string): Promise<void> {
  await db.deleteFrom('segment_lines').where('segment_no', '=', segmentNo).execute()
  await recountLineTotals(db, segmentNo)
}

/** Two sums are the same: exactly on PostgreSQL (numeric); on SQLite (floating point) to 1 part in 10^9. */
const same = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

/**
 * The segments whose stored line totals differ from their lines: `[no, stored, summed]` with the totals as
 * `lines/cost/duration`; of every segment, or of those named.
 */
export async function lineTotalMismatches(db: Kysely<DB>, segments?: string[]): Promise<[string, string, string][]> {
  const only = segments ? sql`WHERE h.no IN (${sql.join(segments)})` : sql``
  const { rows } = await sql<{
    no: string
    no_of_lines: number
    cost_lcy: number
    duration_min: number
    counted: number
    cost: number
    duration: number
  }>`SELECT h.no, h.no_of_lines, h.cost_lcy, h.duration_min, ${summed} FROM segment_headers h ${only}`.execute(db)
  const totals = (...v: unknown[]) => v.map(Number).join('/')
  return rows
    .filter(
      (r) =>
        Number(r.no_of_lines) !== Number(r.counted) ||
        !same(Number(r.cost_lcy), Number(r.cost)) ||
        !same(Number(r.duration_min), Number(r.duration)),
    )
    .map((r) => [r.no, totals(r.no_of_lines, r.cost_lcy, r.duration_min), totals(r.counted, r.cost, r.duration)])
}
