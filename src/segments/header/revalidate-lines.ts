import { type RawBuilder, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { lineValues, loadLineContext } from '../engine/line-values.js'
import type { SegmentHeaderRow } from '../engine/types.js'

/** A line column that header changes re-derive: one of the columns `lineValues` gives a new line. */
export type DerivedColumn =
  | 'salesperson_code'
  | 'correspondence_type'
  | 'interaction_template_code'
  | 'interaction_group_code'
  | 'description'
  | 'subject'
  | 'language_code'
  | 'date'
  | 'cost_lcy'
  | 'duration_min'
  | 'information_flow'
  | 'initiated_by'
  | 'campaign_no'
  | 'campaign_target'
  | 'campaign_response'

/**
 * What the line-level Interaction Template Code validation (spec §5.2) sets from the template. Description,
 * salesperson and date are not the template's: a line keeps them (they are the header's on a line it filled).
 */
export const TEMPLATE_COLUMNS: readonly DerivedColumn[] = [
  'interaction_template_code',
  'interaction_group_code',
  'correspondence_type',
  'language_code',
  'subject',
  'cost_lcy',
  'duration_min',
  'information_flow',
  'initiated_by',
  'campaign_target',
  'campaign_response',
  'campaign_no',
]

/**
 * The columns a header template change re-validates on the lines: `TEMPLATE_COLUMNS`, the campaign no. only
 * when the header has one (BC: the header's campaign, else the template's — the header already holds the
 * template's — else the line keeps its own).
 */
export const templateColumns = (header: SegmentHeaderRow): DerivedColumn[] =>
  TEMPLATE_COLUMNS.filter((c) => c !== 'campaign_no' || header.campaign_no !== '')

/** Columns whose new-line value depends on the contact (so the statement joins the contacts). */
const FROM_CONTACT: ReadonlySet<DerivedColumn> = new Set(['salesperson_code', 'correspondence_type', 'language_code'])

/**
 * Gives the segment's existing lines the values a line added now would get (`lineValues`, the same
 * expressions Add Contacts inserts), for the given columns — one set-based UPDATE, joined to the contacts
 * only when a column depends on the contact:
 *
 * ```sql
 * UPDATE segment_lines SET correspondence_type = CASE WHEN x.correspondence_type = '' THEN ? ELSE … END,
 *        language_code = CASE WHEN segment_lines.language_by_hand = 1 THEN segment_lines.language_code
 *                             ELSE CASE WHEN x.language_code IN (?, …) THEN x.language_code ELSE ? END END, …
 * FROM contacts x
 * WHERE x.no = segment_lines.contact_no AND segment_lines.segment_no = ? [AND interaction_template_code = ?]
 * ```
 * A language set by hand on a line is kept. `onlyHeaderTemplate` limits it to the lines carrying the header's template (BC's scope of a
 * header field change). The caller recounts the header's line totals when cost or duration are among them.
 */
export async function setLinesAsNew(
  trx: Tx,
  dialect: Dialect,
  header: SegmentHeaderRow,
  columns: readonly DerivedColumn[],
  opts: { onlyHeaderTemplate: boolean },
): Promise<void> {
  const values = new Map(lineValues(await loadLineContext(trx, header), dialect, 'x'))
  const sets: RawBuilder<unknown>[] = []
  for (const c of columns) {
    const v = values.get(c)
    if (!v) throw new TypeError(`lineValues gives no ${c}`)
    sets.push(
      c === 'language_code'
        ? sql`language_code = CASE WHEN segment_lines.language_by_hand = 1 THEN segment_lines.language_code ELSE ${v} END`
        : sql`${sql.ref(c)} = ${v}`,
    )
  }
  if (sets.length === 0) return
  const joinContacts = columns.some((c) => FROM_CONTACT.has(c))
  const scope = opts.onlyHeaderTemplate
    ? sql` AND segment_lines.interaction_template_code = ${header.interaction_template_code}`
    : sql``
  await sql`UPDATE segment_lines SET ${sql.join(sets)}
      ${joinContacts ? sql`FROM contacts x WHERE x.no = segment_lines.contact_no AND` : sql`WHERE`}
      segment_lines.segment_no = ${header.no}${scope}`.execute(trx)
}
