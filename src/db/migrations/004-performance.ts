import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../connection.js'

/**
 * Tuning measured with `bench/run.ts` at a million contacts (docs/performance.md).
 *
 * PostgreSQL checks a foreign key with a trigger per inserted row: `segment_lines.segment_no` and
 * `segment_history.segment_no → segment_headers` cost about 1.7 s of an Add of 400,000 lines. Every step
 * locks its segment header first (`lockSegment`), so a line or history row can only be written for an
 * existing segment; the constraints go, and a trigger per deleted header (a handful of rows, not millions)
 * keeps deleting a segment's lines and history with it, as the cascade did. SQLite checks a foreign key
 * with one index probe per row, which costs little, and changing it would rebuild both tables: it keeps
 * them.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table segment_lines drop constraint segment_lines_segment_no_fkey`.execute(db)
    await sql`alter table segment_history drop constraint segment_history_segment_no_fkey`.execute(db)
    await sql`create function segment_headers_delete_lines() returns trigger language plpgsql as $$
      begin
        delete from segment_lines where segment_no = old.no;
        delete from segment_history where segment_no = old.no;
        return old;
      end $$`.execute(db)
    await sql`create trigger segment_headers_delete_lines after delete on segment_headers
      for each row execute function segment_headers_delete_lines()`.execute(db)
  }
}
