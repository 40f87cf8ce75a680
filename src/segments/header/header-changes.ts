import type { Selectable } from 'kysely'
import { AMOUNT_DECIMALS, roundDecimal } from '../../db/money.js'
import type { SegmentHeaderTable } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { ruleViolation } from '../../errors.js'
import { recountLineTotals } from '../engine/segment-state.js'
import { SEGMENT_TABLE } from './segment-fields.js'

export type HeaderRow = Selectable<SegmentHeaderTable>

/** One header field change as the caller gave it: API field name and its (validated) value. */
export type HeaderChange = [field: string, value: unknown]

export interface ChangeOptions {
  /** BC's answer to "Do you want to update the segment lines …?" (default Yes). */
  updateLines: boolean
}

/** Header fields that BC copies to the lines (`UpdateSegLinesByFieldNo`) and the line column they go to. */
const PROPAGATED: Record<string, { header: keyof HeaderRow; line: string }> = {
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
 * Applies header field changes one by one in the order the caller gave them, as BC's OnValidate triggers
 * do, and returns the new header (not yet stored: the caller writes it once). Line updates are plain
 * set-based copies (BC `ModifyAll`, no line validation):
 *
 * ```sql
 * update segment_lines set <line column> = ? where segment_no = ? and interaction_template_code = <header template>
 * ```
 * The template field itself copies to every line, then refreshes the header from the template.
 */
export async function applyHeaderChanges(
  trx: Tx,
  header: HeaderRow,
  changes: HeaderChange[],
  opts: ChangeOptions,
): Promise<HeaderRow> {
  const h: HeaderRow = { ...header }
  let linesCostChanged = false
  const linesWithHeaderTemplate = () =>
    trx
      .updateTable('segment_lines')
      .where('segment_no', '=', h.no)
      .where('interaction_template_code', '=', h.interaction_template_code)

  for (const [field, raw] of changes) {
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
        if (opts.updateLines)
          await trx
            .updateTable('segment_lines')
            .set({ interaction_template_code: h.interaction_template_code })
            .where('segment_no', '=', h.no)
            .execute()
        await refreshFromTemplate(trx, h)
        continue
      case 'subjectDefault': {
        const old = h.subject_default
        h.subject_default = String(value)
        // BC: lines of the header template and default language still carrying the old subject follow.
        if (opts.updateLines)
          await linesWithHeaderTemplate()
            .set({ subject: h.subject_default })
            .where('language_code', '=', h.language_code_default)
            .where('subject', '=', old)
            .execute()
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
    if (field === 'campaignNo' && value === '') {
      // BC's Segment page clears both flags with the campaign (header only, no line propagation).
      h.campaign_target = 0
      h.campaign_response = 0
    }
    if (field === 'correspondenceTypeDefault' && (value === '' || !(await headerHasAttachment(trx, h)))) continue
    if (!opts.updateLines) continue
    // Unit Cost (LCY) goes to the lines as Cost (LCY), an amount of 2 decimals (src/db/money.ts).
    const lineValue = p.line === 'cost_lcy' ? roundDecimal(Number(value), AMOUNT_DECIMALS) : value
    await linesWithHeaderTemplate()
      .set({ [p.line]: lineValue } as never)
      .execute()
    if (p.line === 'cost_lcy' || p.line === 'duration_min') linesCostChanged = true
  }
  // Cost (LCY) and Duration (Min.) of the header are the sums of the lines' (migration 008): summed once,
  // however many of the two fields changed.
  if (linesCostChanged) await recountLineTotals(trx, h.no)
  return h
}

/**
 * BC `UpdateSegHeader(code, true)` / `CopyFromTemplate`: the header takes the template's interaction
 * defaults, its subject is cleared, the lines carrying the header's template get its correspondence type
 * without a question (quirk Q2, followed), and a template campaign overrides the header's. A blank template
 * (Q1) blanks the same fields and keeps the campaign.
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
  await trx
    .updateTable('segment_lines')
    .set({ correspondence_type: h.correspondence_type_default })
    .where('segment_no', '=', h.no)
    .where('interaction_template_code', '=', h.interaction_template_code)
    .execute()
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
