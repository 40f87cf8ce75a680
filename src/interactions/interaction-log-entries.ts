import {
  amount,
  bool,
  CORRESPONDENCE_TYPES,
  code,
  date,
  EVALUATIONS,
  type Field,
  INFORMATION_FLOWS,
  INITIATED_BY,
  int,
  num,
  option,
  text,
  toApi,
} from '../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../api/list-query.js'
import type { Dialect } from '../db/connection.js'
import type { Tx } from '../db/transaction.js'
import { mustBeEqual, notFound } from '../errors.js'

/** BC's three, and Sending: the message is being handed to the mail server (beyond BC, see delivery-runs.ts). */
export const DELIVERY_STATUSES = ['', 'In Progress', 'Sending', 'Error'] as const

/** An interaction log entry as the API shows it (API.md "Logged segments and interactions"). */
export const INTERACTION_LOG_ENTRY_FIELDS: Field[] = [
  int('entryNo', 'entry_no', { readOnly: true }),
  code('contactNo', 'contact_no', 20, { readOnly: true }),
  code('contactCompanyNo', 'contact_company_no', 20, { readOnly: true }),
  date('date', 'date', { readOnly: true }),
  text('timeOfInteraction', 'time_of_interaction', 20, { readOnly: true }),
  text('description', 'description', 100, { readOnly: true }),
  text('subject', 'subject', 100, { readOnly: true }),
  option('informationFlow', 'information_flow', INFORMATION_FLOWS, { readOnly: true }),
  option('initiatedBy', 'initiated_by', INITIATED_BY, { readOnly: true }),
  amount('costLcy', 'cost_lcy', { readOnly: true }),
  num('durationMin', 'duration_min', { readOnly: true }),
  text('username', 'username', 50, { readOnly: true }),
  code('interactionGroupCode', 'interaction_group_code', 10, { readOnly: true }),
  code('interactionTemplateCode', 'interaction_template_code', 10, { readOnly: true }),
  code('campaignNo', 'campaign_no', 20, { readOnly: true }),
  int('campaignEntryNo', 'campaign_entry_no', { readOnly: true }),
  bool('campaignTarget', 'campaign_target', { readOnly: true }),
  bool('campaignResponse', 'campaign_response', { readOnly: true }),
  code('segmentNo', 'segment_no', 20, { readOnly: true }),
  int('loggedSegmentEntryNo', 'logged_segment_entry_no', { readOnly: true }),
  option('evaluation', 'evaluation', EVALUATIONS),
  bool('attemptFailed', 'attempt_failed'),
  code('salespersonCode', 'salesperson_code', 20, { readOnly: true }),
  option('correspondenceType', 'correspondence_type', CORRESPONDENCE_TYPES, { readOnly: true }),
  code('languageCode', 'language_code', 10, { readOnly: true }),
  option('deliveryStatus', 'delivery_status', DELIVERY_STATUSES, { readOnly: true }),
  // Beyond API.md: why a delivery failed, BC's Postponed flag, and the comment (BC: a comment FlowField).
  text('deliveryError', 'delivery_error', 1000, { readOnly: true }),
  // Beyond BC: the message was in flight when its sending process died and was sent again (maybe twice).
  bool('deliveryInterrupted', 'delivery_interrupted', { readOnly: true }),
  bool('canceled', 'canceled', { readOnly: true }),
  bool('postponed', 'postponed', { readOnly: true }),
  text('comment', 'comment', 250),
]

/** The fields PATCH may change (API.md: evaluation, attemptFailed, comment). */
export const PATCHABLE_FIELDS = INTERACTION_LOG_ENTRY_FIELDS.filter((f) =>
  ['evaluation', 'attemptFailed', 'comment'].includes(f.name),
)

export interface InteractionLogEntry {
  entryNo: number
  contactNo: string
  canceled: boolean
  deliveryStatus: string
  loggedSegmentEntryNo: number
  campaignEntryNo: number
  [field: string]: unknown
}

const TABLE = 'Interaction Log Entry'

/**
 * The interaction log. Only stored columns, no per-row subquery: a page costs its own rows whatever the
 * table's size; `total=false` spares the count on huge filtered lists.
 */
export function listInteractionLogEntries(
  db: Tx,
  dialect: Dialect,
  query: Record<string, unknown>,
): Promise<ListPage<InteractionLogEntry>> {
  const p = parseListQuery(query, INTERACTION_LOG_ENTRY_FIELDS, { dialect, alias: 't', defaultSort: ['entryNo'] })
  return runList(db.selectFrom('interaction_log_entries as t').selectAll('t'), p, (row) =>
    toApi<InteractionLogEntry>(INTERACTION_LOG_ENTRY_FIELDS, row),
  )
}

export async function getInteractionLogEntry(db: Tx, entryNo: number): Promise<InteractionLogEntry> {
  const row = await db
    .selectFrom('interaction_log_entries')
    .selectAll()
    .where('entry_no', '=', entryNo)
    .executeTakeFirst()
  if (!row) throw notFound(TABLE, { 'Entry No.': entryNo })
  return toApi<InteractionLogEntry>(INTERACTION_LOG_ENTRY_FIELDS, row)
}

export async function updateInteractionLogEntry(
  trx: Tx,
  entryNo: number,
  patch: { evaluation?: string; attemptFailed?: boolean; comment?: string },
): Promise<InteractionLogEntry> {
  await getInteractionLogEntry(trx, entryNo)
  const set: Record<string, unknown> = {}
  if (patch.evaluation !== undefined) set.evaluation = patch.evaluation
  if (patch.attemptFailed !== undefined) set.attempt_failed = patch.attemptFailed ? 1 : 0
  if (patch.comment !== undefined) set.comment = patch.comment
  if (Object.keys(set).length)
    await trx.updateTable('interaction_log_entries').set(set).where('entry_no', '=', entryNo).execute()
  return getInteractionLogEntry(trx, entryNo)
}

/** BC "Switch Checkmark in Canceled" on one entry, towards canceled. */
export async function cancelInteractionLogEntry(trx: Tx, entryNo: number): Promise<InteractionLogEntry> {
  await getInteractionLogEntry(trx, entryNo)
  await trx.updateTable('interaction_log_entries').set({ canceled: 1 }).where('entry_no', '=', entryNo).execute()
  return getInteractionLogEntry(trx, entryNo)
}

/**
 * Un-cancels one entry. BC refuses while its logged segment or its campaign entry is canceled (spec §6.13):
 * `Canceled must be equal to 'No'  in Logged Segment: Entry No.=1. Current value is 'Yes'.`
 */
export async function restoreInteractionLogEntry(trx: Tx, entryNo: number): Promise<InteractionLogEntry> {
  const e = await getInteractionLogEntry(trx, entryNo)
  if (e.loggedSegmentEntryNo) {
    const ls = await trx
      .selectFrom('logged_segments')
      .select('canceled')
      .where('entry_no', '=', e.loggedSegmentEntryNo)
      .executeTakeFirst()
    if (ls?.canceled)
      throw mustBeEqual('Canceled', 'No', 'Logged Segment', { 'Entry No.': e.loggedSegmentEntryNo }, 'Yes')
  }
  if (e.campaignEntryNo) {
    const ce = await trx
      .selectFrom('campaign_entries')
      .select('canceled')
      .where('entry_no', '=', e.campaignEntryNo)
      .executeTakeFirst()
    if (ce?.canceled) throw mustBeEqual('Canceled', 'No', 'Campaign Entry', { 'Entry No.': e.campaignEntryNo }, 'Yes')
  }
  await trx.updateTable('interaction_log_entries').set({ canceled: 0 }).where('entry_no', '=', entryNo).execute()
  return getInteractionLogEntry(trx, entryNo)
}
