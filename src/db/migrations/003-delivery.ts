import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../connection.js'
import { columnTypes } from './column-types.js'

/**
 * Delivery of a logged segment (spec §6.11): SMTP settings in the marketing setup, whether a logged
 * segment was logged with "Send Attachments", the printable letters PDF of its Hard Copy entries (stored
 * in 1 MiB chunks so neither writing nor downloading it holds the whole file in memory), and the indexes
 * that campaigns and the sending loop read by.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = columnTypes(dialect)
  const blob = sql.raw(dialect === 'postgres' ? 'bytea' : 'blob')

  for (const [column, type, dflt] of [
    ['smtp_host', 'text', "''"],
    ['smtp_port', 'integer', '0'],
    ['smtp_secure', 'integer', '0'],
    ['smtp_user', 'text', "''"],
    ['smtp_password', 'text', "''"],
    ['smtp_from', 'text', "''"],
  ] as const)
    await sql`alter table marketing_setup add column ${sql.ref(column)} ${sql.raw(type)} not null default ${sql.raw(dflt)}`.execute(
      db,
    )

  await sql`alter table logged_segments add column send_attachments integer not null default 0`.execute(db)

  await sql`create table logged_segment_letters (
      logged_segment_entry_no ${t.bigint} primary key,
      letters integer not null default 0,
      pages integer not null default 0,
      bytes ${t.bigint} not null default 0,
      created_at ${t.timestamp} not null default ${t.now}
    )`.execute(db)
  await sql`create table logged_segment_letter_chunks (
      logged_segment_entry_no ${t.bigint} not null references logged_segment_letters(logged_segment_entry_no) on delete cascade,
      chunk_no integer not null,
      data ${blob} not null,
      primary key (logged_segment_entry_no, chunk_no)
    )`.execute(db)

  // The sending loop and the logged-segment pages read a logged segment's entries in entry order, by key:
  // (logged segment, entry no.) serves that and every lookup the single-column index served. Both columns
  // grow with each log, so the index is written in order (cheap, unlike a random-order index).
  await sql`drop index interaction_log_entries_by_logged_segment`.execute(db)
  await sql`create index interaction_log_entries_by_logged_segment on interaction_log_entries (logged_segment_entry_no, entry_no)`.execute(
    db,
  )
  // Campaign target groups, statistics and entries read the interactions of one campaign. Partial: logging a
  // segment without a campaign pays nothing for it.
  await sql`create index interaction_log_entries_by_campaign on interaction_log_entries (campaign_no, contact_company_no)
      where campaign_no <> ''`.execute(db)
  // Keeping an activated campaign's target group in sync (quirk Q11) reads the target lines of one campaign;
  // only lines marked as campaign targets are indexed.
  await sql`create index segment_lines_campaign_targets on segment_lines (campaign_no, contact_company_no)
      where campaign_target = 1 and campaign_no <> ''`.execute(db)
  await sql`create index campaign_entries_by_register on campaign_entries (register_no)`.execute(db)
  await sql`create index campaign_target_groups_by_campaign on campaign_target_groups (campaign_no)`.execute(db)
}
