import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../connection.js'
import { columnTypes } from './column-types.js'

/**
 * Deliveries that survive a crash and are sent by one process at a time (docs/admin.md, "E-mail delivery").
 *
 * `delivery_runs`: one row per logged segment whose delivery is wanted and not finished, written in the log's
 * (or resend's) transaction and deleted when a run has delivered everything. A process sends it only while
 * holding its lease (`claimed_by`, `claimed_until` in epoch milliseconds, renewed while sending); a row whose
 * lease ran out — its process died — is taken over by any server's sweep. `requests` counts the logs and
 * resends that asked for it, so a run does not delete a row that a resend bumped meanwhile.
 *
 * `interaction_log_entries.delivery_interrupted`: the entry's message was handed to the mail server when its
 * sending process died (the entry was found `Sending`); it was sent again, so the contact may have it twice.
 * A constant default: adding the column rewrites nothing on either dialect.
 *
 * Deliveries an older version left unfinished (a crash or stop: entries still In Progress on a logged segment
 * that is not canceled) get their row, so the first start after the upgrade resumes them too; one scan of
 * the interaction entries, by logged segment.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = columnTypes(dialect)
  await sql`create table delivery_runs (
      logged_segment_entry_no ${t.bigint} primary key references logged_segments(entry_no) on delete cascade,
      requests integer not null default 1,
      claimed_by text not null default '',
      claimed_until ${t.bigint} not null default 0
    )`.execute(db)
  await sql`alter table interaction_log_entries add column delivery_interrupted integer not null default 0`.execute(db)
  await sql`insert into delivery_runs (logged_segment_entry_no)
      select ls.entry_no from logged_segments ls
      where ls.canceled = 0 and ls.send_attachments = 1 and exists (
        select 1 from interaction_log_entries e
        where e.logged_segment_entry_no = ls.entry_no and e.delivery_status = 'In Progress'
          and e.canceled = 0 and e.correspondence_type <> '')`.execute(db)
}
