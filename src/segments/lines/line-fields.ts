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
} from '../../api/fields.js'

/**
 * The fields of a segment line (API.md §2 Segments → Lines). `contactName`, `contactCompanyName` and
 * `contactEmail` come from the contact (joined for the returned page, or below the page when a list filters or
 * sorts on them: `listLines`);
 * `contactCompanyNo` and `interactionGroupCode` are set by the product.
 */
export const SEGMENT_LINE_FIELDS: Field[] = [
  int('lineNo', 'line_no', { nonNegative: true, bigint: true }),
  code('contactNo', 'contact_no', 20),
  code('contactCompanyNo', 'contact_company_no', 20, { readOnly: true }),
  text('contactName', 'contact_name', 100, { readOnly: true }),
  text('contactCompanyName', 'contact_company_name', 100, { readOnly: true }),
  text('contactEmail', 'contact_email', 80, { readOnly: true }),
  code('salespersonCode', 'salesperson_code', 20),
  option('correspondenceType', 'correspondence_type', CORRESPONDENCE_TYPES),
  code('interactionTemplateCode', 'interaction_template_code', 10),
  code('interactionGroupCode', 'interaction_group_code', 10, { readOnly: true }),
  text('description', 'description', 100),
  text('subject', 'subject', 100),
  code('languageCode', 'language_code', 10),
  date('date', 'date'),
  text('timeOfInteraction', 'time_of_interaction', 12),
  amount('costLcy', 'cost_lcy', { nonNegative: true }),
  num('durationMin', 'duration_min', { nonNegative: true }),
  option('informationFlow', 'information_flow', INFORMATION_FLOWS),
  option('initiatedBy', 'initiated_by', INITIATED_BY),
  option('evaluation', 'evaluation', EVALUATIONS),
  code('campaignNo', 'campaign_no', 20),
  bool('campaignTarget', 'campaign_target'),
  bool('campaignResponse', 'campaign_response'),
  bool('attemptFailed', 'attempt_failed'),
]

/** `HH:MM` or `HH:MM:SS` (BC Time), or blank. */
export const TIME_OF_INTERACTION = /^$|^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/
