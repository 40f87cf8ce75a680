import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'

/**
 * Who sends a logged segment's deliveries, across processes and crashes (migration 014). A delivery that is
 * wanted has a `delivery_runs` row; a process sends it only while it holds the row's lease, which it renews
 * while sending; a lease that ran out (its process died or hung) is taken over. Plain SQL, one conditional
 * UPDATE per claim: atomic on PostgreSQL (the row lock re-checks the condition) and under SQLite's single
 * writer, so no job-queue dependency (docs/admin.md compares).
 */

/** The lease's length unless SEGMENTA_DELIVERY_LEASE_SECONDS says otherwise: longer than one message can take. */
export const DEFAULT_LEASE_MS = 120_000

/** SEGMENTA_DELIVERY_LEASE_SECONDS as milliseconds; throws on a value that is not a positive number. */
export function deliveryLeaseMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SEGMENTA_DELIVERY_LEASE_SECONDS
  if (raw === undefined || raw.trim() === '') return DEFAULT_LEASE_MS
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400)
    throw new Error(`SEGMENTA_DELIVERY_LEASE_SECONDS must be a number of seconds from 1 to 86400, not "${raw}".`)
  return Math.round(seconds * 1000)
}

/** A name for one sender: host and process for the operator, random so a restarted process is another one. */
export const senderName = () => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`

/**
 * Asks for a delivery run of the logged segment; in the log's or resend's transaction, so a crash right after
 * the commit still leaves the request. A request while another process sends makes that process go over the
 * entries once more before it finishes.
 */
export async function requestDelivery(db: Tx, loggedSegmentEntryNo: number): Promise<void> {
  await db
    .insertInto('delivery_runs')
    .values({ logged_segment_entry_no: loggedSegmentEntryNo })
    .onConflict((oc) =>
      oc.column('logged_segment_entry_no').doUpdateSet({ requests: sql<number>`delivery_runs.requests + 1` }),
    )
    .execute()
}

/**
 * Claims the run for `sender` when nobody holds it, its lease ran out, or `sender` holds it already; answers
 * the request count seen at the claim, or undefined when another process has it (or nothing is wanted).
 */
export async function claimRun(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  sender: string,
  leaseMs: number,
): Promise<number | undefined> {
  const now = Date.now()
  const r = await db
    .updateTable('delivery_runs')
    .set({ claimed_by: sender, claimed_until: now + leaseMs })
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where((eb) => eb.or([eb('claimed_by', '=', ''), eb('claimed_until', '<', now), eb('claimed_by', '=', sender)]))
    .returning('requests')
    .executeTakeFirst()
  return r ? Number(r.requests) : undefined
}

/** Extends the lease; false when `sender` no longer holds it (taken over after it ran out, or finished). */
export async function renewRun(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  sender: string,
  leaseMs: number,
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_runs')
    .set({ claimed_until: Date.now() + leaseMs })
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where('claimed_by', '=', sender)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * Ends the run when no log or resend asked for it since the claim (`requests` unchanged): the row goes and
 * true. Otherwise the new request count, for one more pass over the entries; undefined when the lease is lost.
 */
export async function finishRun(
  db: Kysely<DB>,
  loggedSegmentEntryNo: number,
  sender: string,
  requests: number,
): Promise<true | number | undefined> {
  const r = await db
    .deleteFrom('delivery_runs')
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where('claimed_by', '=', sender)
    .where('requests', '=', requests)
    .executeTakeFirst()
  if (Number(r.numDeletedRows) === 1) return true
  const row = await db
    .selectFrom('delivery_runs')
    .select('requests')
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where('claimed_by', '=', sender)
    .executeTakeFirst()
  return row ? Number(row.requests) : undefined
}

/** Gives the lease back (a stopping process): any server's next sweep, or the next start, goes on with it. */
export async function releaseRun(db: Kysely<DB>, loggedSegmentEntryNo: number, sender: string): Promise<void> {
  await db
    .updateTable('delivery_runs')
    .set({ claimed_by: '', claimed_until: 0 })
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where('claimed_by', '=', sender)
    .execute()
}

/** The logged segments whose delivery is wanted and held by nobody: never claimed, released, or lease run out. */
export async function unclaimedRuns(db: Kysely<DB>): Promise<number[]> {
  const rows = await db
    .selectFrom('delivery_runs')
    .select('logged_segment_entry_no')
    .where((eb) => eb.or([eb('claimed_by', '=', ''), eb('claimed_until', '<', Date.now())]))
    .orderBy('logged_segment_entry_no')
    .execute()
  return rows.map((r) => Number(r.logged_segment_entry_no))
}

/**
 * Entries found `Sending` when a run takes a logged segment over were handed to the mail server by a process
 * that died before it could mark them sent: they go back In Progress to be sent once more, marked
 * `delivery_interrupted` as the contact may get the message twice. Answers how many.
 */
export async function requeueInterrupted(db: Kysely<DB>, loggedSegmentEntryNo: number): Promise<number> {
  const r = await db
    .updateTable('interaction_log_entries')
    .set({ delivery_status: 'In Progress', delivery_interrupted: 1 })
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where('delivery_status', '=', 'Sending')
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
