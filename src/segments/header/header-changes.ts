import type { Selectable } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { SegmentHeaderTable } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { ruleViolation } from '../../errors.js'
import { recountLineTotals } from '../engine/segment-state.js'
import { type DerivedColumn, setLinesAsNew, templateColumns } from './revalidate-lines.js'
import { SEGMENT_TABLE } from './segment-fields.js'

export type HeaderRow = Selectable<SegmentHeaderTable>

/** One header field change as the caller gave it: API field name and its (validated) value. */
export type HeaderChange = [field: string, value: unknown]

export interface ChangeOptions {
  /** BC's answer to "Do you want to update the segment lines …?" (default Yes). */
  updateLines: boolean
}

/** Header fields that BC copies to the lines (`UpdateSegLinesByFieldNo`) and the line column they go to. */
const PROPAGATED: Record<string, { header: keyof HeaderRow; line: DerivedColumn }> = {
  description: { header: 'description', line: 'description' },
  campaignNo: { header: 'campaign_no', line: 'campaign_no' },
  salespersonCode: { header: 'salesperson_code', line: 'salesperson_code' },
  correspondenceTypeDefault: { header: 'correspondence_type_default', line: 'correspondence_type' },
  unitCostLcy: { header: 'unit_cost_lcy', line: 'cost_lcy' },
  unitDurationMin: { header: 'unit_duration_min', line: 'duration_min' },
  date: { header: 'date', line: 'date' },
  campaignTarget: { header: 'campaign_target', line: 'campaign_target' },
  informationFlow: { header: 'information_flow', line: 'information_flow' },
  initiatedBy: { header: 'initiated_by', line: 'initiated_by' },
  campaignResponse: { header: 'campaign_response', line: 'campaign_response' },
}

/** Header fields without line propagation: validated (references) and stored. */
const PLAIN: Record<string, keyof HeaderRow> = {
  ignoreContactCorresType: 'ignore_contact_corres_type',
  languageCodeDefault: 'language_code_default',
}

const dbValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)

async function mustExist(trx: Tx, table: 'campaigns' | 'interaction_templates' | 'languages', key: string, v: string) {
  const column = table === 'campaigns' ? 'no' : 'code'
  const found = await trx
    .selectFrom(table)
    .select(column as never)
    .where(column as never, '=', v as never)
    .executeTakeFirst()
  if (found) return
  const title = { campaigns: 'Campaign', interaction_templates: 'Interaction Template', languages: 'Language' }[table]
  throw ruleViolation(`The ${title} does not exist. Identification fields and values: ${key}='${v}'`)
}

/** BC: TableRelation "Salesperson/Purchaser" where(Blocked = const(false)). */
export async function checkSalesperson(trx: Tx, codeValue: string): Promise<void> {
  if (!codeValue) return
  const s = await trx.selectFrom('salespeople').select('blocked').where('code', '=', codeValue).executeTakeFirst()
  if (!s)
    throw ruleViolation(
      `The Salesperson/Purchaser does not exist. Identification fields and values: Code='${codeValue}'`,
    )
  if (s.blocked)
    throw ruleViolation(
      `The field Salesperson Code of table ${SEGMENT_TABLE} contains a value (${codeValue}) that cannot be found in the related table (Salesperson/Purchaser).`,
    )
}

/**
 * BC propagates Correspondence Type (Default) only when the header's template has a Word template or the
 * header has an attachment (quirk Q3, followed). Segmenta has neither; the header's "attachment" is the
 * letter/e-mail body of its template in its default language (`interaction_template_languages.body`), which
 * is what delivery sends. So: propagate when that body is not blank.
 */
async function headerHasAttachment(trx: Tx, h: HeaderRow): Promise<boolean> {
  if (!h.interaction_template_code) return false
  const row = await trx
    .selectFrom('interaction_template_languages')
    .select('template_code')
    .where('template_code', '=', h.interaction_template_code)
    .where('language_code', '=', h.language_code_default)
    .where('body', '<>', '')
    .executeTakeFirst()
  return !!row
}

/**
 * Header fields whose validation fills other header fields with defaults: the template (interaction defaults,
 * language, subject, campaign), the default language (subject) and the campaign (cleared flags). They are
 * applied first, in this order, and every other field after them in the order given, so a value the request
 * gives wins over a default another field of the same request would put there — as on BC's page, where the
 * user types the flag after choosing the template.
 */
const DEFAULT_SOURCES = ['interactionTemplateCode', 'languageCodeDefault', 'campaignNo']

export function sourcesFirst(changes: HeaderChange[]): HeaderChange[] {
  const rank = (f: string) => {
    const i = DEFAULT_SOURCES.indexOf(f)
    return i < 0 ? DEFAULT_SOURCES.length : i
  }
  // Array.prototype.sort is stable: the other fields keep the order given.
  return [...changes].sort(([a], [b]) => rank(a) - rank(b))
}

/**
 * Where BC's rule must override a value given in the same request, the request is refused instead of
 * silently changed: clearing Campaign No. clears Campaign Target and Campaign Response (BC's page), so they
 * cannot be set at the same time.
 */
function refuseOverriddenValues(changes: HeaderChange[]): void {
  const given = new Map(changes)
  if (given.get('campaignNo') !== '') return
  for (const [field, caption] of [
    ['campaignTarget', 'Campaign Target'],
    ['campaignResponse', 'Campaign Response'],
  ])
    if (given.get(field) === true)
      throw ruleViolation(
        `${caption} cannot be Yes when Campaign No. is cleared in the same change: clearing Campaign No. clears ${caption}.`,
      )
}

/**
 * Applies header field changes — the fields that fill defaults first (`sourcesFirst`), then the others in
 * the order given — and returns the new header (not yet stored: the caller writes it once). With
 * `updateLines` (BC's "update the segment lines?" answered Yes), the lines in scope take what a line added
 * after the change would hold (`setLinesAsNew`, set-based):
 * - a header field BC propagates: the lines carrying the header's template get that column as a new line
 *   would (the header's value; for a blank salesperson the contact's; for the correspondence type the
 *   header → template → contact rule, evaluated once all fields are applied);
 * - the template (quirk Q2, fixed): every line gets it and is re-validated against it — group, flow,
 *   initiated by, cost, duration, campaign flags and no., correspondence type, language (unless set by hand)
 *   and subject — from the final header, after the other fields of the request.
 */
export async function applyHeaderChanges(
  trx: Tx,
  dialect: Dialect,
  header: HeaderRow,
  changes: HeaderChange[],
  opts: ChangeOptions,
): Promise<HeaderRow> {
  refuseOverriddenValues(changes)
  const h: HeaderRow = { ...header }
  let linesCostChanged = false
  let revalidateLines = false
  let correspondenceFollows = false
  const linesWithHeaderTemplate = () =>
    trx
      .updateTable('segment_lines')
      .where('segment_no', '=', h.no)
      .where('interaction_template_code', '=', h.interaction_template_code)

  for (const [field, raw] of sourcesFirst(changes)) {
    const value = dbValue(raw)
    switch (field) {
      case 'campaignNo':
        if (value) await mustExist(trx, 'campaigns', 'No.', String(value))
        break
      case 'salespersonCode':
        await checkSalesperson(trx, String(value))
        break
      case 'languageCodeDefault':
        if (value === h.language_code_default) continue
        if (value) await mustExist(trx, 'languages', 'Code', String(value))
        // BC takes the subject of the segment's interaction language row for the new language; those rows
        // start with a blank subject and Segmenta keeps none per language, so the subject starts blank.
        h.subject_default = ''
        break
      case 'interactionTemplateCode':
        // Quirk Q1 (fixed): a blank template is allowed and blanks the interaction fields.
        if (value) await mustExist(trx, 'interaction_templates', 'Code', String(value))
        h.interaction_template_code = String(value)
        // BC's scope for the template: every line. They get it with the re-validation at the end (one pass
        // over the lines); until then the fields after it reach every line too.
        if (opts.updateLines) revalidateLines = true
        await refreshFromTemplate(trx, h)
        continue
      case 'subjectDefault': {
        const old = h.subject_default
        h.subject_default = String(value)
        // BC: lines of the header template and default language still carrying the old subject follow. A
        // new line takes the header's subject whatever its language (Segmenta keeps no subject per segment
        // language), so here every line of the header template still carrying the old subject follows.
        // After a new template, the re-validation gives every line the header's subject anyway.
        if (opts.updateLines && !revalidateLines)
          await linesWithHeaderTemplate().set({ subject: h.subject_default }).where('subject', '=', old).execute()
        continue
      }
    }

    const plain = PLAIN[field]
    if (plain) {
      ;(h as Record<string, unknown>)[plain] = value
      continue
    }
    const p = PROPAGATED[field]
    if (!p) throw new TypeError(`Unknown segment header field ${field}`)
    ;(h as Record<string, unknown>)[p.header] = value
    const clearsCampaign = field === 'campaignNo' && value === ''
    if (clearsCampaign) {
      // BC's Segment page clears both flags with the campaign. BC leaves the lines' flags; here the lines
      // that lose the campaign lose them too, as a line added now would not have them.
      h.campaign_target = 0
      h.campaign_response = 0
    }
    if (!opts.updateLines) continue
    if (field === 'correspondenceTypeDefault') {
      // Quirk Q3 (followed) decides whether the lines follow; what they get is a new line's type, which
      // depends on Ignore Contact Corres. Type too: decided once every field of the request is applied.
      if (value !== '' && (await headerHasAttachment(trx, h))) correspondenceFollows = true
      continue
    }
    const columns: DerivedColumn[] = clearsCampaign ? [p.line, 'campaign_target', 'campaign_response'] : [p.line]
    await setLinesAsNew(trx, dialect, h, columns, { onlyHeaderTemplate: !revalidateLines })
    if (p.line === 'cost_lcy' || p.line === 'duration_min') linesCostChanged = true
  }
  if (revalidateLines) {
    await setLinesAsNew(trx, dialect, h, templateColumns(h), { onlyHeaderTemplate: false })
    linesCostChanged = true
  } else if (correspondenceFollows)
    await setLinesAsNew(trx, dialect, h, ['correspondence_type'], { onlyHeaderTemplate: true })
  // Cost (LCY) and Duration (Min.) of the header are the sums of the lines' (migration 008): summed once,
  // however many of the fields changed.
  if (linesCostChanged) await recountLineTotals(trx, h.no)
  return h
}

/**
 * BC `UpdateSegHeader(code, true)` / `CopyFromTemplate`: the header takes the template's interaction
 * defaults, its subject is cleared and a template campaign overrides the header's. A blank template (Q1)
 * blanks the same fields and keeps the campaign. BC also pushes the header's correspondence type to the
 * lines carrying the template, whatever their contacts' types (quirk Q2); here the lines are left to the
 * re-validation of `applyHeaderChanges`, or left alone when the user answered No.
 */
async function refreshFromTemplate(trx: Tx, h: HeaderRow): Promise<void> {
  const t = h.interaction_template_code
    ? await trx
        .selectFrom('interaction_templates')
        .selectAll()
        .where('code', '=', h.interaction_template_code)
        .executeTakeFirstOrThrow()
    : undefined
  h.subject_default = ''
  h.language_code_default = t?.language_code_default ?? ''
  h.interaction_group_code = t?.interaction_group_code ?? ''
  h.unit_cost_lcy = Number(t?.unit_cost_lcy ?? 0)
  h.unit_duration_min = Number(t?.unit_duration_min ?? 0)
  h.information_flow = t?.information_flow ?? ''
  h.initiated_by = t?.initiated_by ?? ''
  h.campaign_target = t?.campaign_target ?? 0
  h.campaign_response = t?.campaign_response ?? 0
  h.correspondence_type_default = t?.correspondence_type_default ?? ''
  h.ignore_contact_corres_type = t?.ignore_contact_corres_type ?? 0
  if (t?.campaign_no) h.campaign_no = t.campaign_no
}

/**
 * Writes the header's own columns. The line totals (No. of Lines, Cost (LCY), Duration (Min.)) are the line
 * statements' to keep: `h` may hold them as they were before this change moved them.
 */
export async function storeHeader(trx: Tx, h: HeaderRow): Promise<void> {
  const { no, modified_at: _modified, no_of_lines: _lines, cost_lcy: _cost, duration_min: _duration, ...values } = h
  await trx
    .updateTable('segment_headers')
    .set({ ...values, modified_at: new Date().toISOString() })
    .where('no', '=', no)
    .execute()
}
