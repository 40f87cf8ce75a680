import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../connection.js'
import { columnTypes } from './column-types.js'

/**
 * Sign-in throttling kept in the database (src/auth/sign-in-throttle.ts), so every server on one database
 * sees the same counts, and an attempt is reserved by one atomic statement before its password is checked.
 * One row per throttled key: `scope` 'name' (a submitted user name, whether or not the user exists),
 * 'pair' (user name and client address) or 'address' (a client address, any name). Times are epoch
 * milliseconds, so the back-off is plain integer arithmetic on both dialects.
 *
 * The users' `failed_logins` and `locked_until` columns (the hard lock this replaces) are dropped.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const { bigint } = columnTypes(dialect)
  await sql`create table sign_in_throttle (
      scope text not null,
      username text not null default '',
      address text not null default '',
      attempts integer not null default 0,
      window_start_ms ${bigint} not null default 0,
      next_allowed_ms ${bigint} not null default 0,
      last_attempt_ms ${bigint} not null default 0,
      last_success_ms ${bigint},
      primary key (scope, username, address)
    )`.execute(db)
  // `segmenta user unlock` clears a name's rows; every attempt forgets the rows nobody tried for a day (forgetQuietCounts).
  await sql`create index sign_in_throttle_by_user on sign_in_throttle (username)`.execute(db)
  await sql`create index sign_in_throttle_by_age on sign_in_throttle (last_attempt_ms)`.execute(db)
  await sql`alter table users drop column failed_logins`.execute(db)
  await sql`alter table users drop column locked_until`.execute(db)
}
