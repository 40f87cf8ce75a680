import { type Insertable, type Kysely, sql } from 'kysely'
import type { DB, SegmentLineTable } from '../db/schema.js'

/**
 * Writes segment lines straight into the table, as fixtures do, and brings the headers' stored No. of
 * Lines (migration 007) in step, as the product's own line statements do.
 */
export async function insertLineRows(db: Kysely<DB>, rows: Insertable<SegmentLineTable>[]): Promise<void> {
  if (rows.length === 0) return
  await db.insertInto('segment_lines').values(rows).execute()
  for (const seg of new Set(rows.map((r) => r.segment_no)))
    await db
      .updateTable('segment_headers')
      .set({ no_of_lines: sql`(select count(*) from segment_lines l where l.segment_no = ${seg})` })
      .where('no', '=', seg)
      .execute()
}

/** Deletes a segment's lines straight from the table (fixtures), setting its stored No. of Lines to 0. */
export async function deleteLineRows(db: Kysely<DB>, segmentNo: string): Promise<void> {
  await db.deleteFrom('segment_lines').where('segment_no', '=', segmentNo).execute()
  await db.updateTable('segment_headers').set({ no_of_lines: 0 }).where('no', '=', segmentNo).execute()
}

/**
 * The segments whose stored No. of Lines differs from their lines: `[no, stored, counted]`; of every segment,
 * or of those named.
 */
export async function lineCountMismatches(db: Kysely<DB>, segments?: string[]): Promise<[string, number, number][]> {
  const only = segments ? sql`WHERE h.no IN (${sql.join(segments)})` : sql``
  const { rows } = await sql<{ no: string; stored: number; counted: number }>`
      SELECT h.no, h.no_of_lines AS stored, (SELECT count(*) FROM segment_lines l WHERE l.segment_no = h.no) AS counted
      FROM segment_headers h ${only}`.execute(db)
  return rows
    .filter((r) => Number(r.stored) !== Number(r.counted))
    .map((r) => [r.no, Number(r.stored), Number(r.counted)])
}
