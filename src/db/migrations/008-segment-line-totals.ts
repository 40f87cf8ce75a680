import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../connection.js'

/**
 * Cost (LCY) and Duration (Min.) of a segment (BC FlowFields: the sums of its lines' cost and duration) are
 * stored on the header beside No. of Lines (migration 007), instead of being summed for every view of the
 * segment list and card: at a million contacts, summing a segment's 407,212 lines took 100–230 ms on SQLite,
 * for each such segment on the page (docs/performance.md). The statements that insert, delete or change
 * lines keep them in the step's transaction, under the segment's lock (`engine/segment-state.ts`).
 *
 * Unbounded `numeric` on PostgreSQL (a sum of `numeric(20, 5)` values needs more digits than one value);
 * `real` on SQLite, as its line values are. Existing segments are summed once here.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const type = sql.raw(dialect === 'postgres' ? 'numeric' : 'real')
  await sql`alter table segment_headers add column cost_lcy ${type} not null default 0`.execute(db)
  await sql`alter table segment_headers add column duration_min ${type} not null default 0`.execute(db)
  await sql`update segment_headers
      set cost_lcy = (select coalesce(sum(l.cost_lcy), 0) from segment_lines l where l.segment_no = segment_headers.no),
          duration_min = (select coalesce(sum(l.duration_min), 0) from segment_lines l where l.segment_no = segment_headers.no)`.execute(
    db,
  )
}
