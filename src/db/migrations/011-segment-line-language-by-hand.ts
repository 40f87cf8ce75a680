import { type Kysely, sql } from 'kysely'

/**
 * Whether a segment line's Language Code was set by hand (PATCH of the line's `languageCode`). BC keeps a
 * line's own language in line-level Segment Interaction Language rows, which survive a change of the header's
 * template; Segmenta keeps no such rows, so the line remembers it here: when "apply to all lines" re-validates
 * the lines against a new header template, a line with its own language keeps it and every other line takes
 * the language a new line would get. History rows carry it too, so Go Back restores a deleted line as it was.
 * Existing lines start as not set by hand.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['segment_lines', 'segment_history'])
    await sql`alter table ${sql.table(table)} add column language_by_hand integer not null default 0`.execute(db)
}
