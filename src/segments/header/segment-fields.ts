import {
  amount,
  bool,
  CORRESPONDENCE_TYPES,
  code,
  date,
  type Field,
  INFORMATION_FLOWS,
  INITIATED_BY,
  int,
  num,
  option,
  text,
} from '../../api/fields.js'

/**
 * The FlowFields of a segment header (BC fields 16, 17, 18, 21), read-only. No. of Lines, Cost (LCY) and
 * Duration (Min.) are stored on the header and kept by the line statements (migrations 007, 008); No. of
 * Criteria Actions is counted by the read queries, under the alias `column`.
 */
export const COMPUTED_FIELDS: Field[] = [
  int('noOfLines', 'no_of_lines', { readOnly: true }),
  int('noOfCriteriaActions', 'no_of_criteria_actions', { readOnly: true }),
  amount('costLcy', 'cost_lcy', { readOnly: true }),
  num('durationMin', 'duration_min', { readOnly: true }),
]

/** The segment header as the API shows it (API.md "Segments"), in BC's field order where it matters. */
export const SEGMENT_FIELDS: Field[] = [
  code('no', 'no', 20),
  text('description', 'description', 100),
  date('date', 'date'),
  code('salespersonCode', 'salesperson_code', 20),
  code('campaignNo', 'campaign_no', 20),
  bool('campaignTarget', 'campaign_target'),
  bool('campaignResponse', 'campaign_response'),
  code('interactionTemplateCode', 'interaction_template_code', 10),
  // BC: set from the template only.
  code('interactionGroupCode', 'interaction_group_code', 10, { readOnly: true }),
  option('informationFlow', 'information_flow', INFORMATION_FLOWS),
  option('initiatedBy', 'initiated_by', INITIATED_BY),
  num('unitCostLcy', 'unit_cost_lcy', { nonNegative: true }),
  num('unitDurationMin', 'unit_duration_min', { nonNegative: true }),
  option('correspondenceTypeDefault', 'correspondence_type_default', CORRESPONDENCE_TYPES),
  bool('ignoreContactCorresType', 'ignore_contact_corres_type'),
  code('languageCodeDefault', 'language_code_default', 10),
  text('subjectDefault', 'subject_default', 100),
  ...COMPUTED_FIELDS,
]

/** BC's caption of each writable header field, for messages and questions. */
export const FIELD_CAPTIONS: Record<string, string> = {
  no: 'No.',
  description: 'Description',
  date: 'Date',
  salespersonCode: 'Salesperson Code',
  campaignNo: 'Campaign No.',
  campaignTarget: 'Campaign Target',
  campaignResponse: 'Campaign Response',
  interactionTemplateCode: 'Interaction Template Code',
  informationFlow: 'Information Flow',
  initiatedBy: 'Initiated By',
  unitCostLcy: 'Unit Cost (LCY)',
  unitDurationMin: 'Unit Duration (Min.)',
  correspondenceTypeDefault: 'Correspondence Type (Default)',
  ignoreContactCorresType: 'Ignore Contact Corres. Type',
  languageCodeDefault: 'Language Code (Default)',
  subjectDefault: 'Subject (Default)',
}

export const SEGMENT_TABLE = 'Segment Header'

/** The API object of a segment header. */
export interface Segment {
  no: string
  description: string
  date: string | null
  salespersonCode: string
  campaignNo: string
  campaignTarget: boolean
  campaignResponse: boolean
  interactionTemplateCode: string
  interactionGroupCode: string
  informationFlow: string
  initiatedBy: string
  unitCostLcy: number
  unitDurationMin: number
  correspondenceTypeDefault: string
  ignoreContactCorresType: boolean
  languageCodeDefault: string
  subjectDefault: string
  noOfLines: number
  noOfCriteriaActions: number
  costLcy: number
  durationMin: number
}
