import { type Kysely, sql } from 'kysely'

/**
 * Interaction criteria (spec §4, Interaction Log Entry block) match a contact's entries on both Contact No.
 * and Contact Company No., then on date, template, and so on: `EXISTS (SELECT 1 FROM interaction_log_entries
 * WHERE contact_no = x.no AND contact_company_no = x.company_no AND date …)`. The index of 002 held
 * (contact_no, date), so every probe read the entries' rows to check the company. With the company in the
 * index the probe never leaves it: at a million contacts and five million entries, the selection of the
 * bench's `add-typical` fell from 1.35–1.7 s to 0.93 s on SQLite (docs/performance.md). The contact card's
 * interaction count uses the same two columns. It replaces the old index, which it serves as well (a
 * contact's entries are a handful), so logging writes no extra index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index interaction_log_entries_by_contact_company
      on interaction_log_entries (contact_no, contact_company_no, date)`.execute(db)
  await sql`drop index interaction_log_entries_by_contact`.execute(db)
}
