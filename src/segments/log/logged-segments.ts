import { sql } from 'kysely'
import { bool, code, date, type Field, int, text, toApi } from '../../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../../api/list-query.js'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { mustBeEqual, notFound } from '../../errors.js'
import { createFollowUpSegment, type LogCaller } from './log-segment.js'

/**
 * A logged segment as the API shows it (docs/api.md#logged-segments-interactions-and-campaigns); the two counts
 * are BC FlowFields, computed per page.
 */
export const LOGGED_SEGMENT_FIELDS: Field[] = [
  int('entryNo', 'entry_no', { readOnly: true }),
  code('segmentNo', 'segment_no', 20, { readOnly: true }),
  text('description', 'description', 100, { readOnly: true }),
  date('creationDate', 'creation_date', { readOnly: true }),
  text('username', 'username', 50, { readOnly: true }),
  bool('canceled', 'canceled', { readOnly: true }),
  // Beyond the contract's fields: whether it was logged with Send Attachments.
  bool('sendAttachments', 'send_attachments', { readOnly: true }),
  int('noOfInteractions', 'no_of_interactions', { readOnly: true, noFilter: true }),
  int('noOfCampaignEntries', 'no_of_campaign_entries', { readOnly: true, noFilter: true }),
]

export interface LoggedSegment {
  entryNo: number
  segmentNo: string
  description: string
  creationDate: string | null
  username: string
  canceled: boolean
  sendAttachments: boolean
  noOfInteractions: number
  noOfCampaignEntries: number
}

const TABLE = 'Logged Segment'

/**
 * BC's FlowFields No. of Interactions and No. of Campaign Entries: the entries of the logged segment whose
 * Canceled equals the logged segment's own. Two grouped queries over the given logged segments only (a
 * page), through the (logged segment, entry no.) and register no. indexes.
 */
async function withCounts(db: Tx, rows: Record<string, unknown>[]): Promise<LoggedSegment[]> {
  const nos = rows.map((r) => Number(r.entry_no))
  const interactions = new Map<string, number>()
  const campaignEntries = new Map<string, number>()
  if (nos.length) {
    const i = await db
      .selectFrom('interaction_log_entries')
      .select(['logged_segment_entry_no as no', 'canceled', sql<number>`count(*)`.as('n')])
      .where('logged_segment_entry_no', 'in', nos)
      .groupBy(['logged_segment_entry_no', 'canceled'])
      .execute()
    for (const r of i) interactions.set(`${Number(r.no)}/${r.canceled}`, Number(r.n))
    const c = await db
      .selectFrom('campaign_entries')
      .select(['register_no as no', 'canceled', sql<number>`count(*)`.as('n')])
      .where('register_no', 'in', nos)
      .groupBy(['register_no', 'canceled'])
      .execute()
    for (const r of c) campaignEntries.set(`${Number(r.no)}/${r.canceled}`, Number(r.n))
  }
  return rows.map((r) => {
    const key = `${Number(r.entry_no)}/${r.canceled}`
    return toApi<LoggedSegment>(LOGGED_SEGMENT_FIELDS, {
      ...r,
      no_of_interactions: interactions.get(key) ?? 0,
      no_of_campaign_entries: campaignEntries.get(key) ?? 0,
    })
  })
}

export async function listLoggedSegments(
  db: Tx,
  dialect: Dialect,
  query: Record<string, unknown>,
): Promise<ListPage<LoggedSegment>> {
  const p = parseListQuery(query, LOGGED_SEGMENT_FIELDS, { dialect, alias: 't', defaultSort: ['entryNo'] })
  const page = await runList(db.selectFrom('logged_segments as t').selectAll('t'), p, (row) => row)
  return { ...page, items: await withCounts(db, page.items) }
}

async function loadRow(db: Tx, entryNo: number) {
  const row = await db.selectFrom('logged_segments').selectAll().where('entry_no', '=', entryNo).executeTakeFirst()
  if (!row) throw notFound(TABLE, { 'Entry No.': entryNo })
  return row
}

export async function getLoggedSegment(db: Tx, entryNo: number): Promise<LoggedSegment> {
  const [one] = await withCounts(db, [await loadRow(db, entryNo)])
  return one
}

/**
 * BC "Switch Checkmark in Canceled" (`LoggedSegment.ToggleCanceledCheckmark`): the logged segment, all its
 * interaction log entries and all its campaign entries (Register No.) get the same Canceled value — three
 * set-based updates.
 */
export async function setLoggedSegmentCanceled(trx: Tx, entryNo: number, canceled: boolean): Promise<LoggedSegment> {
  await loadRow(trx, entryNo)
  const v = canceled ? 1 : 0
  await trx.updateTable('logged_segments').set({ canceled: v }).where('entry_no', '=', entryNo).execute()
  await trx
    .updateTable('interaction_log_entries')
    .set({ canceled: v })
    .where('logged_segment_entry_no', '=', entryNo)
    .where('canceled', '<>', v)
    .execute()
  await trx
    .updateTable('campaign_entries')
    .set({ canceled: v })
    .where('register_no', '=', entryNo)
    .where('canceled', '<>', v)
    .execute()
  return getLoggedSegment(trx, entryNo)
}

/**
 * BC "Delete Canceled Segments" (report 5191; docs/design.md#bc-quirk-decisions): deletes a canceled logged
 * segment and its letters, and keeps its interaction log entries and campaign entries — a history of contact with a person is not
 * thrown away by tidying a list — clearing only their link to it (Logged Segment Entry No. and Register No.
 * become 0). Two set-based updates; the kept entries still count for their campaigns' target groups, so
 * those do not change. A logged segment that is not canceled is refused as BC's TestField would:
 * `Canceled must be equal to 'Yes'  in Logged Segment: Entry No.=1. Current value is 'No'.`
 */
export async function deleteLoggedSegment(trx: Tx, entryNo: number): Promise<void> {
  const row = await loadRow(trx, entryNo)
  if (!row.canceled) throw mustBeEqual('Canceled', 'Yes', TABLE, { 'Entry No.': entryNo }, 'No')
  await trx
    .updateTable('interaction_log_entries')
    .set({ logged_segment_entry_no: 0 })
    .where('logged_segment_entry_no', '=', entryNo)
    .execute()
  await trx.updateTable('campaign_entries').set({ register_no: 0 }).where('register_no', '=', entryNo).execute()
  await trx.deleteFrom('logged_segment_letter_chunks').where('logged_segment_entry_no', '=', entryNo).execute()
  await trx.deleteFrom('logged_segment_letters').where('logged_segment_entry_no', '=', entryNo).execute()
  await trx.deleteFrom('logged_segments').where('entry_no', '=', entryNo).execute()
}

/**
 * A follow-up segment from a logged segment (the docs' "create a follow-up from Logged Segments"): as Log's
 * follow-up option — `Follow-up on segment <no>`, the same contacts with their entries' campaigns. The header
 * gets the campaign when all entries share one.
 */
export async function followUpLoggedSegment(
  trx: Tx,
  dialect: Dialect,
  entryNo: number,
  caller: LogCaller,
): Promise<{ segmentNo: string }> {
  const row = await loadRow(trx, entryNo)
  const c = await trx
    .selectFrom('interaction_log_entries')
    .select([sql<string>`min(campaign_no)`.as('lo'), sql<string>`max(campaign_no)`.as('hi')])
    .where('logged_segment_entry_no', '=', entryNo)
    .executeTakeFirst()
  const campaignNo = c?.lo && c.lo === c.hi ? c.lo : ''
  const segmentNo = await createFollowUpSegment(trx, dialect, entryNo, row.segment_no, campaignNo, caller)
  return { segmentNo }
}
