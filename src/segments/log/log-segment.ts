import { sql } from 'kysely'
import { syncCampaignTargetGroups } from '../../campaigns/target-group.js'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { mustHaveValue, ruleViolation } from '../../errors.js'
import {
  pendingDeliveries,
  type QueuedDelivery,
  requireMailServer,
} from '../../interactions/delivery/delivery-status.js'
import { LINE_COLUMNS } from '../engine/history.js'
import { deleteSegmentRows, lockSegment } from '../engine/index.js'
import { createSegment, workDate } from '../header/create-segment.js'
import { checkLinesForLog, throwFirstBrokenLine } from './line-checks.js'
import { reuseLoggedSegment } from './reuse-logged-segment.js'

export interface LogOptions {
  /**
   * BC "Send Attachments": deliver the lines that have a correspondence type (quirk Q16,
   * docs/design.md#bc-quirk-decisions).
   */
  sendAttachments?: boolean
  /** BC "Create Follow-up Segment": a new segment with the same contacts. */
  createFollowUpSegment?: boolean
  /**
   * With Send Attachments, `false` logs the Email lines without sending them (no mail server yet, say): their
   * entries are Error with `NOT_SENT`, so Resend sends them later; letters are still printed. Default true.
   */
  sendEmails?: boolean
}

/** The delivery error of an e-mail logged with `sendEmails: false`. */
export const NOT_SENT = 'Not sent: the segment was logged without sending e-mails. Resend sends it.'

export interface LogCaller {
  username: string
  /** The caller's salesperson: the follow-up segment's salesperson (BC User Setup). */
  salespersonCode: string
}

export interface LogResult {
  loggedSegmentEntryNo: number
  interactionsLogged: number
  /** The first campaign entry written (the only one when the lines name one campaign). */
  campaignEntryNo?: number
  /** Every campaign entry written, one per campaign. */
  campaignEntryNos?: number[]
  followUpSegmentNo?: string
  /** With Send Attachments and `sendEmails: false`: the e-mails logged as not sent (Error, for Resend). */
  emailsNotSent?: number
  /** With Send Attachments: what the background delivery will send (queued after the commit). */
  delivery?: QueuedDelivery
  /**
   * Segment lines deleted with the segment plus those inserted on the follow-up segment: for the route's
   * statistics refresh, not part of the answer.
   */
  linesChanged: number
}

/** A cast PostgreSQL needs for a parameter in the select list of `INSERT … SELECT`. */
const bigint = (dialect: Dialect, v: number) => (dialect === 'postgres' ? sql`CAST(${v} AS bigint)` : sql`${v}`)

/**
 * The interaction columns BC's Interaction Log Entry.CopyFromSegment takes from the line: every line column but the
 * line no., the correspondence type (which the log may blank) and the line's own bookkeeping of a language
 * set by hand, plus the segment no.
 */
const NOT_COPIED: readonly string[] = ['line_no', 'correspondence_type', 'language_by_hand']
const COPIED = [...LINE_COLUMNS.filter((c) => !NOT_COPIED.includes(c)), 'segment_no'] as const

/**
 * BC "Log" (report 5185 → SegManagement.LogSegment; docs/api.md#segments), in the caller's transaction; a failure
 * anywhere leaves everything as it was.
 *
 * 1. Lock the segment; refuse when a logged segment of this No. exists, when the Description is blank, when
 *    no line has a contact, and at the first line that breaks a rule (`checkLinesForLog`; a missing contact
 *    is found by the insert of the entries, which joins the contacts, before the commit).
 * 2. The logged segment (creation date today, the caller), then set-based:
 *    - one campaign entry per campaign of the lines (`INSERT … SELECT` of the first line of each campaign in
 *      (Date, Line No.) order: its date and salesperson, the header's description);
 *    - one interaction log entry per line with a contact (`INSERT … SELECT`, CopyFromSegment, entries
 *      numbered in line order), each pointing to its campaign entry; Email lines of contacts without an
 *      e-mail are logged with a blank correspondence type (BC, without delivery); with Send Attachments the
 *      entries with a correspondence type are In Progress (the Email ones Error `NOT_SENT` with `sendEmails:
 *      false`, which needs no mail server).
 * 3. Delete the segment (lines, criteria, history cascade); keep activated campaigns' target groups in sync.
 * 4. Follow-up: a new segment `Follow-up on segment <no>` (full length: quirk Q10,
 *    docs/design.md#bc-quirk-decisions) with the header's campaign, filled by Reuse Segment from the new
 *    logged segment.
 */
export async function logSegment(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  opts: LogOptions,
  caller: LogCaller,
): Promise<LogResult> {
  const deliver = !!opts.sendAttachments
  const holdEmails = deliver && opts.sendEmails === false
  const header = await lockSegment(trx, dialect, segmentNo)
  const logged = await trx
    .selectFrom('logged_segments')
    .select('entry_no')
    .where('segment_no', '=', segmentNo)
    .executeTakeFirst()
  if (logged) throw ruleViolation(`Logged Segment for Segment No. ${segmentNo} already exists.`)
  if (!header.description.trim()) throw mustHaveValue('Description', 'Segment Header', { 'No.': segmentNo })
  const anyLine = await trx
    .selectFrom('segment_lines')
    .select('line_no')
    .where('segment_no', '=', segmentNo)
    .where('contact_no', '<>', '')
    .limit(1)
    .executeTakeFirst()
  if (!anyLine) throw ruleViolation(`Segment ${segmentNo} is empty.`)
  const checked = await checkLinesForLog(trx, segmentNo, deliver)
  if (deliver && !holdEmails) {
    const email = await trx
      .selectFrom('segment_lines')
      .select('line_no')
      .where('segment_no', '=', segmentNo)
      .where('contact_no', '<>', '')
      .where('correspondence_type', '=', 'Email')
      .limit(1)
      .executeTakeFirst()
    if (email) await requireMailServer(trx, 1)
  }

  const ls = await trx
    .insertInto('logged_segments')
    .values({
      segment_no: segmentNo,
      description: header.description,
      creation_date: workDate(),
      username: caller.username,
      canceled: 0,
      send_attachments: deliver ? 1 : 0,
    })
    .returning('entry_no')
    .executeTakeFirstOrThrow()
  const entryNo = Number(ls.entry_no)

  await sql`INSERT INTO campaign_entries (campaign_no, description, date, username, segment_no, canceled, salesperson_code, register_no)
      SELECT f.campaign_no, ${header.description}, f.date, ${caller.username}, ${segmentNo}, 0, f.salesperson_code,
             ${bigint(dialect, entryNo)}
      FROM (SELECT l.campaign_no, l.date, l.salesperson_code,
                   ROW_NUMBER() OVER (PARTITION BY l.campaign_no ORDER BY l.date, l.line_no) AS rn
            FROM segment_lines l
            WHERE l.segment_no = ${segmentNo} AND l.contact_no <> '' AND l.campaign_no <> '') f
      WHERE f.rn = 1
      ORDER BY f.campaign_no`.execute(trx)
  const campaignEntries = await trx
    .selectFrom('campaign_entries')
    .select(['entry_no', 'campaign_no'])
    .where('register_no', '=', entryNo)
    .orderBy('entry_no')
    .execute()

  const correspondence = sql`CASE WHEN l.correspondence_type = 'Email' AND c.email = '' THEN '' ELSE l.correspondence_type END`
  const status = !deliver
    ? sql`''`
    : holdEmails
      ? sql`CASE WHEN ${correspondence} = 'Email' THEN 'Error' WHEN ${correspondence} <> '' THEN 'In Progress' ELSE '' END`
      : sql`CASE WHEN ${correspondence} <> '' THEN 'In Progress' ELSE '' END`
  const deliveryError = holdEmails ? sql`CASE WHEN ${correspondence} = 'Email' THEN ${NOT_SENT} ELSE '' END` : sql`''`
  const inserted = await sql`INSERT INTO interaction_log_entries (${sql.join(COPIED.map((c) => sql.ref(c)))},
        correspondence_type, username, campaign_entry_no, logged_segment_entry_no, delivery_status, delivery_error,
        canceled, postponed, comment)
      SELECT ${sql.join(COPIED.map((c) => sql.ref(`l.${c}`)))},
        ${correspondence}, ${caller.username}, COALESCE(ce.entry_no, 0), ${bigint(dialect, entryNo)}, ${status}, ${deliveryError},
        0, 0, ''
      FROM segment_lines l
      JOIN contacts c ON c.no = l.contact_no
      LEFT JOIN campaign_entries ce ON ce.register_no = ${entryNo} AND ce.campaign_no = l.campaign_no AND l.campaign_no <> ''
      WHERE l.segment_no = ${segmentNo} AND l.contact_no <> ''
      ORDER BY l.line_no`.execute(trx)
  const interactionsLogged = Number(inserted.numAffectedRows ?? 0n)
  // A line whose contact no longer exists gave no entry (the insert joins the contacts): BC's error for it.
  if (!checked.contactsChecked && interactionsLogged < checked.lines) await throwFirstBrokenLine(trx, segmentNo, false)

  await deleteSegmentRows(trx, segmentNo)
  await syncCampaignTargetGroups(
    trx,
    campaignEntries.map((c) => c.campaign_no),
  )

  const result: LogResult = {
    loggedSegmentEntryNo: entryNo,
    interactionsLogged,
    linesChanged: Number(header.no_of_lines),
  }
  if (campaignEntries.length) {
    result.campaignEntryNo = Number(campaignEntries[0].entry_no)
    result.campaignEntryNos = campaignEntries.map((c) => Number(c.entry_no))
  }
  if (opts.createFollowUpSegment) {
    result.followUpSegmentNo = await createFollowUpSegment(trx, dialect, entryNo, segmentNo, header.campaign_no, caller)
    result.linesChanged += interactionsLogged
  }
  if (holdEmails) {
    const held = await trx
      .selectFrom('interaction_log_entries')
      .select(sql<number>`count(*)`.as('n'))
      .where('logged_segment_entry_no', '=', entryNo)
      .where('correspondence_type', '=', 'Email')
      .executeTakeFirstOrThrow()
    result.emailsNotSent = Number(held.n)
  }
  if (deliver) {
    const pending = await pendingDeliveries(trx, entryNo)
    result.delivery = { status: pending.emails + pending.letters > 0 ? 'queued' : 'none', ...pending }
  }
  return result
}

/**
 * BC's follow-up segment: a new header (No. from Segment Nos. — required; the caller's salesperson; Date =
 * WorkDate) described `Follow-up on segment <no>` in full (quirk Q10 in docs/design.md: BC cuts it to 50
 * characters), with the given campaign, holding one line per entry of the logged segment (Reuse Segment
 * without the question).
 */
export async function createFollowUpSegment(
  trx: Tx,
  dialect: Dialect,
  loggedSegmentEntryNo: number,
  segmentNo: string,
  campaignNo: string,
  caller: LogCaller,
): Promise<string> {
  const changes: [string, unknown][] = [['description', `Follow-up on segment ${segmentNo}`]]
  if (campaignNo) changes.push(['campaignNo', campaignNo])
  const no = await createSegment(trx, dialect, changes, caller)
  await reuseLoggedSegment(trx, dialect, no, loggedSegmentEntryNo, caller, { confirm: true })
  return no
}
