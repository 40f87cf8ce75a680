import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { notFound, ruleViolation } from '../../errors.js'
import { deliveries } from './deliveries.js'
import { requestDelivery } from './delivery-runs.js'
import { lettersInfo, type StoredLetters } from './letters-pdf.js'
import { mailSettings, NO_SMTP } from './mail-transport.js'

export interface DeliveryProgress {
  /** Entries to deliver: those with a correspondence type, when the segment was logged with Send Attachments. */
  total: number
  sent: number
  failed: number
  /** Not yet delivered, including the messages being handed to the mail server right now (Sending). */
  inProgress: number
  /**
   * Messages that were being handed to the mail server when their sending process died, and were (or will
   * be) sent again: their contacts may have them twice. Every other message goes out at most once.
   */
  maybeSentTwice: number
  emails: number
  letters: number
  /** A run of this logged segment is queued or going on in this server, or another process holds its lease. */
  running: boolean
  /** The printed letters, when there are any. */
  lettersPdf: StoredLetters | null
}

/** What a log or resend answers about the delivery it queued. */
export interface QueuedDelivery {
  status: 'queued' | 'none'
  emails: number
  letters: number
}

async function loggedSegment(db: Tx, entryNo: number) {
  const ls = await db
    .selectFrom('logged_segments')
    .select(['entry_no', 'send_attachments'])
    .where('entry_no', '=', entryNo)
    .executeTakeFirst()
  if (!ls) throw notFound('Logged Segment', { 'Entry No.': entryNo })
  return ls
}

/** Delivery progress of a logged segment, counted from its entries' Delivery Status (one grouped query). */
export async function deliveryProgress(db: Kysely<DB>, entryNo: number): Promise<DeliveryProgress> {
  const ls = await loggedSegment(db, entryNo)
  const out: DeliveryProgress = {
    total: 0,
    sent: 0,
    failed: 0,
    inProgress: 0,
    maybeSentTwice: 0,
    emails: 0,
    letters: 0,
    running: deliveries.isBusy(db, entryNo) || (await leaseHeld(db, entryNo)),
    lettersPdf: (await lettersInfo(db, entryNo)) ?? null,
  }
  if (!ls.send_attachments) return out
  const rows = await db
    .selectFrom('interaction_log_entries')
    .select([
      'delivery_status',
      'correspondence_type',
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(delivery_interrupted)`.as('interrupted'),
    ])
    .where('logged_segment_entry_no', '=', entryNo)
    .where('correspondence_type', '<>', '')
    .groupBy(['delivery_status', 'correspondence_type'])
    .execute()
  for (const r of rows) {
    const n = Number(r.n)
    out.total += n
    out.maybeSentTwice += Number(r.interrupted)
    if (r.correspondence_type === 'Email') out.emails += n
    else out.letters += n
    if (r.delivery_status === 'Error') out.failed += n
    else if (r.delivery_status === 'In Progress' || r.delivery_status === 'Sending') out.inProgress += n
    else out.sent += n
  }
  return out
}

/** Whether some process (this one or another) holds a lease on the logged segment's delivery that has not run out. */
async function leaseHeld(db: Kysely<DB>, entryNo: number): Promise<boolean> {
  const run = await db
    .selectFrom('delivery_runs')
    .select('claimed_until')
    .where('logged_segment_entry_no', '=', entryNo)
    .where('claimed_by', '<>', '')
    .where('claimed_until', '>=', Date.now())
    .executeTakeFirst()
  return run !== undefined
}

/**
 * Counts the deliveries of a logged segment still to make, by kind: In Progress, and Sending (in flight, or
 * cut off by a crash); canceled entries are not delivered.
 */
export async function pendingDeliveries(db: Tx, entryNo: number): Promise<{ emails: number; letters: number }> {
  const rows = await db
    .selectFrom('interaction_log_entries')
    .select(['correspondence_type', sql<number>`count(*)`.as('n')])
    .where('logged_segment_entry_no', '=', entryNo)
    .where('delivery_status', 'in', ['In Progress', 'Sending'])
    .where('canceled', '=', 0)
    .groupBy('correspondence_type')
    .execute()
  let emails = 0
  let letters = 0
  for (const r of rows) {
    if (r.correspondence_type === 'Email') emails += Number(r.n)
    else if (r.correspondence_type === 'Hard Copy') letters += Number(r.n)
  }
  return { emails, letters }
}

/** Refuses to queue e-mails when no SMTP server is set up: better said now than as an Error on every entry. */
export async function requireMailServer(db: Tx, emails: number): Promise<void> {
  if (emails > 0 && !(await mailSettings(db))) throw ruleViolation(NO_SMTP)
}

/**
 * BC Resend (spec §6.14, without "Update Merge Fields"): the entries of the logged segment whose delivery
 * failed — and those a stopped or crashed run left In Progress — are set In Progress again, to be sent by a
 * run the caller queues after the commit (asked for here, in the transaction); canceled entries are left
 * out. Nothing to resend → `There is nothing to send.`
 */
export async function prepareResend(trx: Tx, entryNo: number): Promise<QueuedDelivery> {
  await loggedSegment(trx, entryNo)
  await trx
    .updateTable('interaction_log_entries')
    .set({ delivery_status: 'In Progress', delivery_error: '' })
    .where('logged_segment_entry_no', '=', entryNo)
    .where('correspondence_type', '<>', '')
    .where('delivery_status', '=', 'Error')
    .where('canceled', '=', 0)
    .execute()
  const pending = await pendingDeliveries(trx, entryNo)
  if (pending.emails + pending.letters === 0) throw ruleViolation('There is nothing to send.')
  await requireMailServer(trx, pending.emails)
  await requestDelivery(trx, entryNo)
  return { status: 'queued', ...pending }
}
