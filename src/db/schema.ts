import type { Generated } from 'kysely'

/**
 * Table types for Kysely. Column names are snake_case as in the database; booleans are 0/1 integers on
 * both dialects; dates are 'YYYY-MM-DD' strings (null = blank date); timestamps ISO strings.
 */
type Bool = Generated<number>
type Text = Generated<string>
type Num = Generated<number>

export interface NumberSeriesTable {
  code: string
  description: Text
  starting_no: Text
  ending_no: Text
  last_no_used: Text
  allow_manual_nos: Bool
}

export interface MarketingSetupTable {
  id: number
  contact_nos: Text
  segment_nos: Text
  campaign_nos: Text
  default_salesperson_code: Text
  default_language_code: Text
  default_correspondence_type: Text
  default_territory_code: Text
  default_country_region_code: Text
  inherit_salesperson_code: Bool
  inherit_language_code: Bool
  inherit_address_details: Bool
  inherit_communication_details: Bool
  bus_rel_code_for_customers: Text
  bus_rel_code_for_vendors: Text
  smtp_host: Text
  smtp_port: Num
  smtp_secure: Bool
  smtp_user: Text
  smtp_password: Text
  smtp_from: Text
}

export interface CodeTable {
  code: string
  description: Text
}

export interface LanguageTable {
  code: string
  name: Text
}

export interface SalespersonTable {
  code: string
  name: Text
  email: Text
  phone_no: Text
  blocked: Bool
}

export interface UserTable {
  username: string
  full_name: Text
  role: string
  salesperson_code: Text
  password_hash: Text
  created_at: Generated<string>
}

/** Sign-in throttle state (src/auth/sign-in-throttle.ts); times are epoch milliseconds. */
export interface SignInThrottleTable {
  scope: 'name' | 'pair' | 'address'
  username: Text
  address: Text
  attempts: Num
  window_start_ms: Num
  next_allowed_ms: Num
  last_attempt_ms: Num
  last_success_ms: number | null
}

export interface SessionTable {
  id_hash: string
  username: string
  created_at: Generated<string>
  expires_at: string
}

export interface ApiTokenTable {
  id: string
  username: string
  description: Text
  token_hash: string
  created_at: Generated<string>
  last_used_at: string | null
}

export interface ProfileQuestionnaireTable {
  code: string
  description: Text
  contact_type: Text
  business_relation_code: Text
  priority: Text
}

export interface ProfileQuestionnaireLineTable {
  questionnaire_code: string
  line_no: number
  type: string
  description: Text
  multiple_answers: Bool
}

export interface CampaignTable {
  no: string
  description: Text
  starting_date: string | null
  ending_date: string | null
  salesperson_code: Text
  status_code: Text
  last_date_modified: string | null
}

export interface InteractionTemplateTable {
  code: string
  interaction_group_code: string
  description: Text
  unit_cost_lcy: Num
  unit_duration_min: Num
  information_flow: Text
  initiated_by: Text
  campaign_no: Text
  campaign_target: Bool
  campaign_response: Bool
  correspondence_type_default: Text
  ignore_contact_corres_type: Bool
  language_code_default: Text
}

export interface InteractionTemplateLanguageTable {
  template_code: string
  language_code: string
  description: Text
  subject: Text
  body: Text
}

export interface ContactTable {
  no: string
  type: string
  name: Text
  search_name: Text
  first_name: Text
  middle_name: Text
  surname: Text
  company_no: Text
  company_name: Text
  job_title: Text
  address: Text
  address2: Text
  city: Text
  post_code: Text
  country_region_code: Text
  county: Text
  phone_no: Text
  mobile_phone_no: Text
  email: Text
  language_code: Text
  salesperson_code: Text
  territory_code: Text
  correspondence_type: Text
  exclude_from_segment: Bool
  privacy_blocked: Bool
  last_date_modified: string | null
}

export interface ContactMailingGroupTable {
  contact_no: string
  mailing_group_code: string
}
export interface ContactIndustryGroupTable {
  contact_no: string
  industry_group_code: string
}
export interface ContactJobResponsibilityTable {
  contact_no: string
  job_responsibility_code: string
}
export interface ContactBusinessRelationTable {
  contact_no: string
  business_relation_code: string
  link_to_table: Text
  link_no: Text
}
export interface ContactProfileAnswerTable {
  contact_no: string
  questionnaire_code: string
  line_no: number
  contact_company_no: Text
  last_date_updated: string | null
}

export interface ValueEntryTable {
  entry_no: Generated<number>
  source_type: Text
  source_no: Text
  item_no: Text
  variant_code: Text
  posting_date: string | null
  document_type: Text
  document_no: Text
  quantity: Num
  amount: Num
  contact_no: Text
}

/** The interaction columns shared by segment lines, segment history and interaction log entries. */
export interface InteractionColumns {
  salesperson_code: Text
  correspondence_type: Text
  interaction_template_code: Text
  interaction_group_code: Text
  description: Text
  subject: Text
  language_code: Text
  date: string | null
  time_of_interaction: Text
  cost_lcy: Num
  duration_min: Num
  information_flow: Text
  initiated_by: Text
  evaluation: Text
  campaign_no: Text
  campaign_target: Bool
  campaign_response: Bool
  attempt_failed: Bool
}

export interface SegmentHeaderTable {
  no: string
  description: Text
  date: string | null
  salesperson_code: Text
  campaign_no: Text
  campaign_target: Bool
  campaign_response: Bool
  interaction_template_code: Text
  interaction_group_code: Text
  information_flow: Text
  initiated_by: Text
  unit_cost_lcy: Num
  unit_duration_min: Num
  correspondence_type_default: Text
  ignore_contact_corres_type: Bool
  language_code_default: Text
  subject_default: Text
  no_series: Text
  modified_at: Generated<string>
  /** No. of Lines, kept by the statements that insert and delete lines (migration 007). */
  no_of_lines: Generated<number>
  /** Cost (LCY) and Duration (Min.): the sums of the lines' values, kept alike (migration 008). */
  cost_lcy: Num
  duration_min: Num
}

export interface SegmentLineTable extends InteractionColumns {
  segment_no: string
  line_no: number
  contact_no: Text
  contact_company_no: Text
  /** 1 when the line's Language Code was set by hand: a header template change keeps it (migration 011). */
  language_by_hand: Bool
}

export interface SegmentCriteriaActionTable {
  segment_no: string
  action_no: number
  action: string
  filters: Text
  allow_existing_contacts: Bool
  expand_companies: Bool
  allow_related_companies: Bool
  ignore_exclusion: Bool
  entire_companies: Bool
  at: Generated<string>
  username: Text
}

export interface SegmentHistoryTable extends InteractionColumns {
  segment_no: string
  action_no: number
  line_no: number
  action_taken: string
  at: Generated<string>
  username: Text
  contact_no: Text
  contact_company_no: Text
  language_by_hand: Bool
}

export interface SavedSegmentCriteriaTable {
  code: string
  description: Text
  username: Text
  created_at: Generated<string>
}

export interface SavedSegmentCriteriaActionTable {
  code: string
  action_no: number
  action: string
  filters: Text
  allow_existing_contacts: Bool
  expand_companies: Bool
  allow_related_companies: Bool
  ignore_exclusion: Bool
  entire_companies: Bool
}

export interface LoggedSegmentTable {
  entry_no: Generated<number>
  segment_no: Text
  description: Text
  creation_date: string | null
  username: Text
  canceled: Bool
  created_at: Generated<string>
  /** Logged with "Send Attachments": its entries with a correspondence type are deliveries. */
  send_attachments: Bool
}

/** A logged segment's delivery that is wanted and not finished, with the lease of the process sending it. */
export interface DeliveryRunTable {
  logged_segment_entry_no: number
  requests: Num
  claimed_by: Text
  /** Epoch milliseconds; a lease that ran out is taken over. */
  claimed_until: Num
}

/** The letters PDF of a logged segment's Hard Copy entries; the bytes are in `logged_segment_letter_chunks`. */
export interface LoggedSegmentLettersTable {
  logged_segment_entry_no: number
  letters: Num
  pages: Num
  bytes: Num
  created_at: Generated<string>
}

export interface LoggedSegmentLetterChunkTable {
  logged_segment_entry_no: number
  chunk_no: number
  data: Buffer
}

export interface CampaignEntryTable {
  entry_no: Generated<number>
  campaign_no: Text
  description: Text
  date: string | null
  username: Text
  segment_no: Text
  canceled: Bool
  salesperson_code: Text
  register_no: Num
}

export interface InteractionLogEntryTable extends InteractionColumns {
  entry_no: Generated<number>
  contact_no: Text
  contact_company_no: Text
  username: Text
  campaign_entry_no: Num
  segment_no: Text
  logged_segment_entry_no: Num
  delivery_status: Text
  delivery_error: Text
  /** The message was in flight when its sending process died, and was sent again (migration 014). */
  delivery_interrupted: Bool
  canceled: Bool
  postponed: Bool
  comment: Text
}

export interface CampaignTargetGroupTable {
  type: string
  no: string
  campaign_no: string
}

/** One audited request (src/audit): status 0 while the action runs, or when the server died during it. */
export interface AuditLogTable {
  id: Generated<number>
  at: Generated<string>
  username: Text
  action: string
  method: Text
  path: Text
  status: Num
  target: Text
  /** JSON text: the request body (secrets removed, long values cut) and the answer's key figures. */
  detail: Text
  ip: Text
}

export interface DB {
  number_series: NumberSeriesTable
  marketing_setup: MarketingSetupTable
  industry_groups: CodeTable
  mailing_groups: CodeTable
  job_responsibilities: CodeTable
  interaction_groups: CodeTable
  campaign_statuses: CodeTable
  business_relations: CodeTable
  languages: LanguageTable
  salespeople: SalespersonTable
  users: UserTable
  sessions: SessionTable
  sign_in_throttle: SignInThrottleTable
  api_tokens: ApiTokenTable
  profile_questionnaires: ProfileQuestionnaireTable
  profile_questionnaire_lines: ProfileQuestionnaireLineTable
  campaigns: CampaignTable
  interaction_templates: InteractionTemplateTable
  interaction_template_languages: InteractionTemplateLanguageTable
  contacts: ContactTable
  contact_mailing_groups: ContactMailingGroupTable
  contact_industry_groups: ContactIndustryGroupTable
  contact_job_responsibilities: ContactJobResponsibilityTable
  contact_business_relations: ContactBusinessRelationTable
  contact_profile_answers: ContactProfileAnswerTable
  value_entries: ValueEntryTable
  segment_headers: SegmentHeaderTable
  segment_lines: SegmentLineTable
  segment_criteria_actions: SegmentCriteriaActionTable
  segment_history: SegmentHistoryTable
  saved_segment_criteria: SavedSegmentCriteriaTable
  saved_segment_criteria_actions: SavedSegmentCriteriaActionTable
  logged_segments: LoggedSegmentTable
  delivery_runs: DeliveryRunTable
  logged_segment_letters: LoggedSegmentLettersTable
  logged_segment_letter_chunks: LoggedSegmentLetterChunkTable
  campaign_entries: CampaignEntryTable
  interaction_log_entries: InteractionLogEntryTable
  campaign_target_groups: CampaignTargetGroupTable
  audit_log: AuditLogTable
}
