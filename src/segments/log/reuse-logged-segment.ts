import { sql } from 'kysely'
import { syncCampaignTargetGroups } from '../../campaigns/target-group.js'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { confirmationRequired, ruleViolation } from '../../errors.js'
import {
  type Actor,
  countCriteriaActions,
  countLines,
  insertLinesForContacts,
  lockSegment,
  recordAction,
} from '../engine/index.js'

/**
 * BC's question before reusing into a segment that already has criteria (BC's Reuse Criteria and Reuse Segment;
 * docs/api.md#segments).
 */
export const reuseQuestion = (segmentNo: string, actions: number, what: 'Logged Segment' | 'Saved Segment Criteria') =>
  `Segment ${segmentNo} already contains ${actions} No. of Criteria Actions.\\Are you sure you want to reuse a ${what}?`

export interface ReuseResult {
  actionNo: number
  linesInserted: number
  noOfLines: number
}

/** A cast PostgreSQL needs for a parameter in a select list (`INSERT … SELECT`, `UPDATE … FROM`). */
const bigint = (dialect: Dialect, v: number) => (dialect === 'postgres' ? sql`CAST(${v} AS bigint)` : sql`${v}`)

async function highestLineNo(trx: Tx, segmentNo: string): Promise<number> {
  const r = await trx
    .selectFrom('segment_lines')
    .select(sql<number>`coalesce(max(line_no), 0)`.as('m'))
    .where('segment_no', '=', segmentNo)
    .executeTakeFirstOrThrow()
  return Number(r.m)
}

/**
 * BC "Reuse Segment" (`SegmentHeader.ReuseLogged`): one line per interaction log entry of the
 * logged segment (any, canceled ones too), in entry order, with the header's defaults and then the entry's
 * Campaign No.; no exclusion and no duplicate check. Recorded as an Add Contacts action with Allow Existing
 * Contacts and the filter `Interaction Log Entry: Logged Segment Entry No.=<n>`, with Insertion history, so
 * Go Back removes exactly these lines. With criteria already on the segment BC asks first (default No).
 *
 * Two set-based statements: the engine's `INSERT … SELECT` of the lines (ordered by the entries' `seq`), and
 *
 * ```sql
 * UPDATE segment_lines SET campaign_no = m.campaign_no
 * FROM (SELECT e.campaign_no, <highest before> + 10000 * ROW_NUMBER() OVER (ORDER BY e.entry_no) AS line_no
 *       FROM interaction_log_entries e JOIN contacts c ON c.no = e.contact_no WHERE e.logged_segment_entry_no = ?) m
 * WHERE segment_lines.segment_no = ? AND segment_lines.line_no = m.line_no AND segment_lines.campaign_no <> m.campaign_no
 * ```
 */
export async function reuseLoggedSegment(
  trx: Tx,
  dialect: Dialect,
  segmentNo: string,
  loggedSegmentEntryNo: number,
  actor: Actor,
  opts: { confirm?: boolean } = {},
): Promise<ReuseResult> {
  const header = await lockSegment(trx, dialect, segmentNo)
  const ls = await trx
    .selectFrom('logged_segments')
    .select('entry_no')
    .where('entry_no', '=', loggedSegmentEntryNo)
    .executeTakeFirst()
  if (!ls)
    throw ruleViolation(
      `The Logged Segment does not exist. Identification fields and values: Entry No.='${loggedSegmentEntryNo}'`,
    )
  const actions = await countCriteriaActions(trx, segmentNo)
  if (actions > 0 && !opts.confirm) throw confirmationRequired(reuseQuestion(segmentNo, actions, 'Logged Segment'))

  const actionNo = await recordAction(
    trx,
    segmentNo,
    'Add Contacts',
    { interactionLogEntry: { loggedSegmentEntryNo: String(loggedSegmentEntryNo) } },
    { allowExistingContacts: true },
    actor,
  )
  const after = await highestLineNo(trx, segmentNo)
  const entries = trx
    .selectFrom('interaction_log_entries')
    .select(['contact_no', 'entry_no as seq'])
    .where('logged_segment_entry_no', '=', loggedSegmentEntryNo)
    .where('contact_no', '<>', '')
  const linesInserted = await insertLinesForContacts(trx, dialect, header, entries, actionNo, actor)

  // BC: Campaign No. := the entry's Campaign No. (plain assignment). The engine numbered the new lines in
  // entry order after `after`, skipping entries whose contact is gone — the same rows, numbered alike here.
  await sql`UPDATE segment_lines SET campaign_no = m.campaign_no
      FROM (SELECT e.campaign_no,
                   ${bigint(dialect, after)} + 10000 * ROW_NUMBER() OVER (ORDER BY e.entry_no) AS line_no
            FROM interaction_log_entries e JOIN contacts c ON c.no = e.contact_no
            WHERE e.logged_segment_entry_no = ${loggedSegmentEntryNo} AND e.contact_no <> '') m
      WHERE segment_lines.segment_no = ${segmentNo} AND segment_lines.line_no = m.line_no
        AND segment_lines.campaign_no <> m.campaign_no`.execute(trx)

  if (header.campaign_target) {
    const campaigns = await trx
      .selectFrom('segment_lines')
      .select('campaign_no')
      .distinct()
      .where('segment_no', '=', segmentNo)
      .where('line_no', '>', after)
      .where('campaign_no', '<>', '')
      .execute()
    await syncCampaignTargetGroups(
      trx,
      campaigns.map((c) => c.campaign_no),
    )
  }
  return { actionNo, linesInserted, noOfLines: await countLines(trx, segmentNo) }
}
