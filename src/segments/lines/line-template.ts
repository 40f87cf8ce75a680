import type { Selectable } from 'kysely'
import { lineCost } from '../../db/money.js'
import type { ContactTable, SegmentLineTable } from '../../db/schema.js'
import type { Tx } from '../../db/transaction.js'
import { ruleViolation } from '../../errors.js'
import type { SegmentHeaderRow } from '../engine/index.js'

type LineRow = Selectable<SegmentLineTable>

/**
 * Interaction Template Code validate on a line (spec §5.2): reset the interaction fields, then fill them
 * from the new template — group, description (when the line has none or had another template), cost,
 * duration, flow, initiated by, campaign target/response, correspondence type (header → template →
 * contact precedence), campaign no. (header's, else template's), language and subject. Returns the
 * values to write. Languages come from the template's language rows: on the header's template the
 * contact's language if the template has it, else the header default; on another template the contact's,
 * else the template default, else its first language (segments keep no per-line language rows).
 */
export async function lineTemplateValues(
  trx: Tx,
  header: SegmentHeaderRow,
  line: LineRow,
  templateCode: string,
): Promise<Partial<LineRow>> {
  const reset: Partial<LineRow> = {
    interaction_template_code: templateCode,
    language_code: '',
    subject: '',
    interaction_group_code: '',
    cost_lcy: 0,
    duration_min: 0,
    information_flow: '',
    initiated_by: '',
    campaign_target: 0,
    campaign_response: 0,
    correspondence_type: '',
  }
  if (!templateCode) return reset
  const t = await trx
    .selectFrom('interaction_templates')
    .selectAll()
    .where('code', '=', templateCode)
    .executeTakeFirst()
  if (!t)
    throw ruleViolation(
      `The Interaction Template does not exist. Identification fields and values: Code='${templateCode}'`,
    )
  const contact = (await trx.selectFrom('contacts').selectAll().where('no', '=', line.contact_no).executeTakeFirst()) as
    | Selectable<ContactTable>
    | undefined
  const languages = await trx
    .selectFrom('interaction_template_languages')
    .select(['language_code', 'subject'])
    .where('template_code', '=', templateCode)
    .orderBy('language_code')
    .execute()
  const has = (code: string) => !!code && languages.some((l) => l.language_code === code)
  const contactLanguage = contact?.language_code ?? ''

  let language: string
  let subject: string
  if (templateCode === header.interaction_template_code) {
    language = has(contactLanguage) ? contactLanguage : header.language_code_default
    subject =
      language === header.language_code_default
        ? header.subject_default
        : (languages.find((l) => l.language_code === language)?.subject ?? '')
  } else {
    language = has(contactLanguage)
      ? contactLanguage
      : has(t.language_code_default)
        ? t.language_code_default
        : (languages[0]?.language_code ?? '')
    subject = languages.find((l) => l.language_code === language)?.subject ?? ''
  }

  const contactType = contact?.correspondence_type ?? ''
  let correspondence = ''
  if (header.ignore_contact_corres_type && header.correspondence_type_default)
    correspondence = header.correspondence_type_default
  else if (t.ignore_contact_corres_type || (contactType === '' && t.correspondence_type_default))
    correspondence = t.correspondence_type_default
  else correspondence = contactType

  return {
    ...reset,
    language_code: language,
    subject,
    interaction_group_code: t.interaction_group_code,
    description: line.description === '' || line.interaction_template_code !== '' ? t.description : line.description,
    cost_lcy: lineCost(t.unit_cost_lcy),
    duration_min: Number(t.unit_duration_min),
    information_flow: t.information_flow,
    initiated_by: t.initiated_by,
    campaign_target: t.campaign_target,
    campaign_response: t.campaign_response,
    correspondence_type: correspondence,
    campaign_no: header.campaign_no || t.campaign_no || line.campaign_no,
  }
}
