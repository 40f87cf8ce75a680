import { type Kysely, sql } from 'kysely'

/**
 * No. of Lines is stored on the header (as BC keeps its FlowFields' counts in SIFT indexes) instead of being
 * counted for every page of the lines list: at a million contacts, counting a segment's 407,212 lines took
 * most of the page's time (docs/performance.md). The four statements that insert or delete lines
 * (`insertLines`, and the history's delete, restore and undo in `engine/history.ts`) add what they changed,
 * in the step's transaction and under the segment's lock. Existing segments are counted once here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table segment_headers add column no_of_lines bigint not null default 0`.execute(db)
  await sql`update segment_headers
      set no_of_lines = (select count(*) from segment_lines l where l.segment_no = segment_headers.no)`.execute(db)
}
