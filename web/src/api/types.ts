/** Typed models of the Segmenta API (API.md). Field names are BC's, camel-cased. */

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: { path: string; message: string }[]
  question?: string
}

export interface ListPage<T> {
  items: T[]
  total: number | null
  limit: number
  offset: number
}

export type Role = 'admin' | 'marketer' | 'viewer'

export interface Me {
  username: string
  fullName: string
  role: Role
  salespersonCode: string
}

export type CorrespondenceType = '' | 'Hard Copy' | 'Email'
export type InformationFlow = '' | 'Outbound' | 'Inbound'
export type InitiatedBy = '' | 'Us' | 'Them'
export type Evaluation = '' | 'Very Positive' | 'Positive' | 'Neutral' | 'Negative' | 'Very Negative'

export interface Contact {
  no: string
  type: 'Company' | 'Person'
  name: string
  firstName: string
  middleName?: string
  surname: string
  companyNo: string
  companyName: string
  jobTitle: string
  address: string
  address2: string
  city: string
  postCode: string
  countryRegionCode: string
  county: string
  phoneNo: string
  mobilePhoneNo: string
  email: string
  languageCode: string
  salespersonCode: string
  territoryCode: string
  correspondenceType: CorrespondenceType
  excludeFromSegment: boolean
  privacyBlocked: boolean
  noOfInteractions?: number
}

export interface ContactMailingGroup {
  mailingGroupCode: string
  description?: string
}
export interface ContactIndustryGroup {
  industryGroupCode: string
  description?: string
}
export interface ContactBusinessRelation {
  businessRelationCode: string
  linkToTable: '' | 'Customer' | 'Vendor'
  linkNo: string
  description?: string
}
export interface ContactJobResponsibility {
  jobResponsibilityCode: string
  description?: string
}
export interface ContactProfileAnswer {
  profileQuestionnaireCode: string
  lineNo: number
  answer?: string
  question?: string
  description?: string
}

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
  informationFlow: InformationFlow
  initiatedBy: InitiatedBy
  unitCostLcy: number
  unitDurationMin: number
  correspondenceTypeDefault: CorrespondenceType
  ignoreContactCorresType: boolean
  languageCodeDefault: string
  subjectDefault: string
  noOfLines: number
  noOfCriteriaActions: number
  costLcy: number
  durationMin: number
}

export interface SegmentLine {
  lineNo: number
  contactNo: string
  contactCompanyNo: string
  contactName: string
  contactEmail: string
  salespersonCode: string
  correspondenceType: CorrespondenceType
  interactionTemplateCode: string
  description: string
  subject: string
  languageCode: string
  date: string | null
  timeOfInteraction: string
  costLcy: number
  durationMin: number
  informationFlow: InformationFlow
  initiatedBy: InitiatedBy
  evaluation: Evaluation
  campaignNo: string
  campaignTarget: boolean
  campaignResponse: boolean
  attemptFailed: boolean
}

export const BLOCK_NAMES = [
  'contact',
  'profileAnswer',
  'mailingGroup',
  'interactionLogEntry',
  'jobResponsibility',
  'industryGroup',
  'businessRelation',
  'valueEntry',
] as const
export type BlockName = (typeof BLOCK_NAMES)[number]
export type CriteriaFilters = Partial<Record<BlockName, Record<string, string>>>

export type StepAction = 'add' | 'reduce' | 'refine'

export interface AddOptions {
  allowExistingContacts: boolean
  expandCompanies: boolean
  allowRelatedCompanies: boolean
  ignoreExclusion: boolean
}
export interface RemoveOptions {
  entireCompanies: boolean
}

export interface PreviewResult {
  linesInserted?: number
  linesRemoved?: number
  noOfLinesAfter: number
}

export interface StepResult {
  actionNo: number
  linesInserted?: number
  linesRemoved?: number
  noOfLines: number
}

export interface GoBackResult {
  actionNo: number
  linesInserted: number
  linesRemoved: number
  noOfCriteriaActions: number
}

export interface CriteriaAction {
  actionNo: number
  action: 'Add Contacts' | 'Remove Contacts (Reduce)' | 'Remove Contacts (Refine)'
  allowExistingContacts: boolean
  expandCompanies: boolean
  allowRelatedCompanies: boolean
  ignoreExclusion: boolean
  entireCompanies: boolean
  filters: CriteriaFilters
  text: string
  at?: string
  username?: string
}

export interface HistoryEntry {
  actionNo: number
  lineNo: number
  contactNo: string
  actionTaken: 'Insertion' | 'Deletion'
  at: string
  username: string
}

export interface SavedCriteria {
  code: string
  description: string
  username: string
  actions?: CriteriaAction[] | number
}

export interface LogResult {
  loggedSegmentEntryNo: number
  interactionsLogged: number
  campaignEntryNo?: number
  followUpSegmentNo?: string
  /** Logged with `sendEmails: false`: the e-mails kept as not sent, for Resend. */
  emailsNotSent?: number
  delivery?: unknown
}

/** GET /api/setup/marketing, the fields the web reads beyond the card's. */
export interface MarketingSetupStatus {
  /** A mail server is set up (in the setup or the server's environment); every role gets it. */
  mailServerConfigured?: boolean
  /** Admins only: the write-only SMTP password holds a value. */
  smtpPasswordSet?: boolean
}

export interface LoggedSegment {
  entryNo: number
  segmentNo: string
  description: string
  creationDate: string
  username: string
  canceled: boolean
  noOfInteractions: number
  noOfCampaignEntries: number
}

/** GET /api/logged-segments/{entryNo}/delivery. The counts are per delivery status of the entries. */
export interface DeliveryStatus {
  total?: number
  inProgress?: number
  sent?: number
  failed?: number
  error?: number
  emails?: number
  letters?: number
  /** Messages in flight when a sending server died, sent again: their contacts may have them twice. */
  maybeSentTwice?: number
  /** The send job is still running. */
  running?: boolean
  /** The printable letters of the Hard Copy entries, when there are any. */
  lettersPdf?: unknown
  done?: boolean
  [key: string]: unknown
}

export interface InteractionLogEntry {
  entryNo: number
  contactNo: string
  contactCompanyNo: string
  date: string
  timeOfInteraction: string
  description: string
  subject: string
  informationFlow: InformationFlow
  initiatedBy: InitiatedBy
  costLcy: number
  durationMin: number
  username: string
  interactionGroupCode: string
  interactionTemplateCode: string
  campaignNo: string
  campaignEntryNo: number
  campaignTarget: boolean
  campaignResponse: boolean
  segmentNo: string
  loggedSegmentEntryNo: number
  evaluation: Evaluation
  attemptFailed: boolean
  salespersonCode: string
  correspondenceType: CorrespondenceType
  languageCode: string
  deliveryStatus: string
  canceled: boolean
  comment?: string
}

export interface Campaign {
  no: string
  description: string
  startingDate: string | null
  endingDate: string | null
  salespersonCode: string
  statusCode: string
  activated: boolean
}

export interface ImportResult {
  inserted: number
  updated: number
  rejected: { row: number; errors: unknown }[]
}

/** A row of any list, as the generic list page sees it. */
export type Row = Record<string, unknown>
