import type { Insertable, Kysely } from 'kysely'
import type { DB, SegmentLineTable } from '../db/schema.js'
import { recountLineTotals } from '../segments/engine/segment-state.js'

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
