import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from '../db/schema.js'

/**
 * Sign-in throttling, kept in the database so that every server on one database counts together.
 *
 * Three keys are counted for each attempt, each reserved by one atomic statement *before* the password is
 * checked (so parallel guesses cannot all pass a check that runs before the slow scrypt):
 * - `address`: every attempt from a client address, any name, per minute (`loginAttemptsPerMinute`): against
 *   one address spraying many names. It says nothing about a name, so it may answer at once.
 * - `pair` (name, address): consecutive attempts without a success, with an exponential back-off
 *   (PAIR_BACK_OFF). A success resets this pair only.
 * - `name`: consecutive attempts on a name from all addresses, with a looser back-off (NAME_BACK_OFF) capped
 *   at a minute, against guessing from many addresses. An address the user has signed in from before is
 *   exempt, so an outsider who keeps the name throttled does not keep its owner out.
 * Names are counted as submitted (trimmed, as the user lookup does) whether or not the user exists, so a
 * throttled unknown name answers exactly as a throttled existing one.
 *
 * A refused attempt does not count: the back-off grows only with attempts that got to check a password.
 */

export interface BackOff {
  /** Attempts in a row that wait for nothing. */
  free: number
  /** The wait after the `free`-th attempt; it doubles with each further one, up to `capMs`. */
  firstMs: number
  capMs: number
  /** A key whose last attempt is older than this starts again from nothing. */
  forgetMs: number
}

export const PAIR_BACK_OFF: BackOff = { free: 5, firstMs: 1000, capMs: 15 * 60_000, forgetMs: 24 * 3600_000 }
export const NAME_BACK_OFF: BackOff = { free: 10, firstMs: 1000, capMs: 60_000, forgetMs: 3600_000 }
/** The window of the per-address budget. */
export const ADDRESS_WINDOW_MS = 60_000
/** How long an address the user signed in from stays exempt from the name's back-off. */
export const KNOWN_ADDRESS_MS = 90 * 24 * 3600_000

/** The wait before the next attempt, after `attempts` attempts in a row without a success. */
export function backOffMs(p: BackOff, attempts: number): number {
  if (attempts < p.free) return 0
  return Math.min(p.capMs, p.firstMs * 2 ** (attempts - p.free))
}

/** Integers as bigint parameters: PostgreSQL cannot infer the type of a parameter in arithmetic or CASE. */
const big = (n: number) => sql`cast(${n} as bigint)`

/** `backOffMs(p, n)` as SQL on the expression `n`: one branch per doubling, then the cap. */
function backOffSql(p: BackOff, n: RawBuilder<unknown>): RawBuilder<unknown> {
  const branches: RawBuilder<unknown>[] = [sql`when ${n} < ${p.free} then ${big(0)}`]
  for (let k = p.free; backOffMs(p, k) < p.capMs; k++) branches.push(sql`when ${n} = ${k} then ${big(backOffMs(p, k))}`)
  return sql`(case ${sql.join(branches, sql` `)} else ${big(p.capMs)} end)`
}

export type Reservation = { allowed: true; knownAddress: boolean } | { allowed: false; retryAfterMs: number }

/**
 * Counts one attempt on a back-off key unless it is waiting. The row's previous values are read by the
 * statement itself, so concurrent attempts each see the count the one before left.
 */
async function reserve(
  db: Kysely<DB>,
  scope: 'name' | 'pair',
  username: string,
  address: string,
  p: BackOff,
  now: number,
): Promise<Reservation> {
  const attempts = sql`(case when sign_in_throttle.last_attempt_ms < ${big(now - p.forgetMs)} then 1
      else sign_in_throttle.attempts + 1 end)`
  const { rows } = await sql<{ last_success_ms: number | null }>`
    insert into sign_in_throttle (scope, username, address, attempts, next_allowed_ms, last_attempt_ms)
    values (${scope}, ${username}, ${address}, 1, ${now + backOffMs(p, 1)}, ${now})
    on conflict (scope, username, address) do update set
      attempts = ${attempts},
      next_allowed_ms = ${big(now)} + ${backOffSql(p, attempts)},
      last_attempt_ms = ${big(now)}
    where sign_in_throttle.next_allowed_ms <= ${big(now)}
    returning last_success_ms`.execute(db)
  if (rows.length) {
    const known = rows[0].last_success_ms !== null && Number(rows[0].last_success_ms) > now - KNOWN_ADDRESS_MS
    return { allowed: true, knownAddress: known }
  }
  const row = await db
    .selectFrom('sign_in_throttle')
    .select('next_allowed_ms')
    .where('scope', '=', scope)
    .where('username', '=', username)
    .where('address', '=', address)
    .executeTakeFirst()
  return { allowed: false, retryAfterMs: Math.max(0, Number(row?.next_allowed_ms ?? now) - now) }
}

/**
 * Reserves one attempt of `username` from `address`: the pair first, then the name unless the address is
 * one the user signed in from. A pair counted while the name then refuses is a counted attempt all the same.
 */
export async function reserveSignIn(
  db: Kysely<DB>,
  username: string,
  address: string,
  now = Date.now(),
): Promise<Reservation> {
  const pair = await reserve(db, 'pair', username, address, PAIR_BACK_OFF, now)
  if (!pair.allowed || pair.knownAddress) return pair
  return reserve(db, 'name', username, '', NAME_BACK_OFF, now)
}

/**
 * Counts one attempt from `address` in its per-minute budget; answers the wait when it is spent. Every attempt
 * counts, successful or not, so a valid account of one's own cannot be used to reset it.
 */
export async function reserveAddress(
  db: Kysely<DB>,
  address: string,
  perMinute: number,
  now = Date.now(),
): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
  const expired = sql`sign_in_throttle.window_start_ms <= ${big(now - ADDRESS_WINDOW_MS)}`
  const { rows } = await sql<{ attempts: number; window_start_ms: number }>`
    insert into sign_in_throttle (scope, username, address, attempts, window_start_ms, last_attempt_ms)
    values ('address', '', ${address}, 1, ${now}, ${now})
    on conflict (scope, username, address) do update set
      attempts = case when ${expired} then 1 else sign_in_throttle.attempts + 1 end,
      window_start_ms = case when ${expired} then ${big(now)} else sign_in_throttle.window_start_ms end,
      last_attempt_ms = ${big(now)}
    returning attempts, window_start_ms`.execute(db)
  const { attempts, window_start_ms } = rows[0]
  if (Number(attempts) <= perMinute) return { allowed: true }
  return { allowed: false, retryAfterMs: Number(window_start_ms) + ADDRESS_WINDOW_MS - now }
}

/**
 * A successful sign-in: resets the pair (and makes its address a known one for the user); the name's count
 * is left alone, as an outsider's guesses from elsewhere still count.
 */
export async function recordSuccess(db: Kysely<DB>, username: string, address: string, now = Date.now()) {
  await db
    .updateTable('sign_in_throttle')
    .set({ attempts: 0, next_allowed_ms: now, last_success_ms: now })
    .where('scope', '=', 'pair')
    .where('username', '=', username)
    .where('address', '=', address)
    .execute()
}

/**
 * Forgets the rows nobody tried for a day, but a known address of a user's until it is no longer known. Run
 * on every attempt (one delete on the age index), so a flood of made-up names that never signs in cannot grow
 * the table without end.
 */
export async function forgetQuietCounts(db: Kysely<DB>, now = Date.now()): Promise<number> {
  const r = await db
    .deleteFrom('sign_in_throttle')
    .where('last_attempt_ms', '<', now - 24 * 3600_000)
    .where((eb) => eb.or([eb('last_success_ms', 'is', null), eb('last_success_ms', '<', now - KNOWN_ADDRESS_MS)]))
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Clears every count of a name (the name's own and each address's); answers what it cleared. */
export async function unlockName(db: Kysely<DB>, username: string): Promise<{ name: boolean; addresses: number }> {
  const cleared = await db
    .updateTable('sign_in_throttle')
    .set({ attempts: 0, next_allowed_ms: 0 })
    .where('username', '=', username)
    .where('scope', 'in', ['name', 'pair'])
    .where('attempts', '>', 0)
    .returning('scope')
    .execute()
  return { name: cleared.some((r) => r.scope === 'name'), addresses: cleared.filter((r) => r.scope === 'pair').length }
}
