import { CONTACT_TYPES, CORRESPONDENCE_TYPES, EVALUATIONS } from '../../api/fields.js'
import type { FieldType } from '../../filters/index.js'
import type { BlockName } from './types.js'

/** One filterable field of a criteria block: its BC caption (for criteria text), column and type. */
export interface BlockField {
  caption: string
  column: string
  type: FieldType
  options?: readonly string[]
}

/**
 * A criteria block: the table it filters, the alias its EXISTS subquery uses (unique across blocks, so a
 * block's SQL never captures another's columns), BC's table caption, and its fields by API name.
 * How each block links to the contact is in `compile-criteria.ts`.
 */
export interface BlockDef {
  name: BlockName
  table: string
  alias: string
  caption: string
  fields: Readonly<Record<string, BlockField>>
}

export const LINK_TO_TABLES = ['', 'Customer', 'Vendor'] as const

const f = (caption: string, column: string, type: FieldType, options?: readonly string[]): BlockField =>
  options ? { caption, column, type, options } : { caption, column, type }

/** Every contact field of API.md §2, plus BC's Search Name and Middle Name. */
const CONTACT_FIELDS: Record<string, BlockField> = {
  no: f('No.', 'no', 'code'),
  type: f('Type', 'type', 'option', CONTACT_TYPES),
  name: f('Name', 'name', 'text'),
  searchName: f('Search Name', 'search_name', 'code'),
  firstName: f('First Name', 'first_name', 'text'),
  middleName: f('Middle Name', 'middle_name', 'text'),
  surname: f('Surname', 'surname', 'text'),
  companyNo: f('Company No.', 'company_no', 'code'),
  companyName: f('Company Name', 'company_name', 'text'),
  jobTitle: f('Job Title', 'job_title', 'text'),
  address: f('Address', 'address', 'text'),
  address2: f('Address 2', 'address2', 'text'),
  city: f('City', 'city', 'text'),
  postCode: f('Post Code', 'post_code', 'code'),
  countryRegionCode: f('Country/Region Code', 'country_region_code', 'code'),
  county: f('County', 'county', 'text'),
  phoneNo: f('Phone No.', 'phone_no', 'text'),
  mobilePhoneNo: f('Mobile Phone No.', 'mobile_phone_no', 'text'),
  email: f('Email', 'email', 'text'),
  languageCode: f('Language Code', 'language_code', 'code'),
  salespersonCode: f('Salesperson Code', 'salesperson_code', 'code'),
  territoryCode: f('Territory Code', 'territory_code', 'code'),
  correspondenceType: f('Correspondence Type', 'correspondence_type', 'option', CORRESPONDENCE_TYPES),
  excludeFromSegment: f('Exclude from Segment', 'exclude_from_segment', 'boolean'),
  privacyBlocked: f('Privacy Blocked', 'privacy_blocked', 'boolean'),
}

export const BLOCKS: Readonly<Record<BlockName, BlockDef>> = {
  contact: { name: 'contact', table: 'contacts', alias: 'c', caption: 'Contact', fields: CONTACT_FIELDS },
  profileAnswer: {
    name: 'profileAnswer',
    table: 'contact_profile_answers',
    alias: 'cpa',
    caption: 'Contact Profile Answer',
    fields: {
      profileQuestionnaireCode: f('Profile Questionnaire Code', 'questionnaire_code', 'code'),
      lineNo: f('Line No.', 'line_no', 'integer'),
    },
  },
  mailingGroup: {
    name: 'mailingGroup',
    table: 'contact_mailing_groups',
    alias: 'cmg',
    caption: 'Contact Mailing Group',
    fields: { mailingGroupCode: f('Mailing Group Code', 'mailing_group_code', 'code') },
  },
  interactionLogEntry: {
    name: 'interactionLogEntry',
    table: 'interaction_log_entries',
    alias: 'ile',
    caption: 'Interaction Log Entry',
    fields: {
      date: f('Date', 'date', 'date'),
      segmentNo: f('Segment No.', 'segment_no', 'code'),
      loggedSegmentEntryNo: f('Logged Segment Entry No.', 'logged_segment_entry_no', 'integer'),
      campaignNo: f('Campaign No.', 'campaign_no', 'code'),
      evaluation: f('Evaluation', 'evaluation', 'option', EVALUATIONS),
      interactionTemplateCode: f('Interaction Template Code', 'interaction_template_code', 'code'),
      interactionGroupCode: f('Interaction Group Code', 'interaction_group_code', 'code'),
      salespersonCode: f('Salesperson Code', 'salesperson_code', 'code'),
      canceled: f('Canceled', 'canceled', 'boolean'),
      correspondenceType: f('Correspondence Type', 'correspondence_type', 'option', CORRESPONDENCE_TYPES),
    },
  },
  jobResponsibility: {
    name: 'jobResponsibility',
    table: 'contact_job_responsibilities',
    alias: 'cjr',
    caption: 'Contact Job Responsibility',
    fields: { jobResponsibilityCode: f('Job Responsibility Code', 'job_responsibility_code', 'code') },
  },
  industryGroup: {
    name: 'industryGroup',
    table: 'contact_industry_groups',
    alias: 'cig',
    caption: 'Contact Industry Group',
    fields: { industryGroupCode: f('Industry Group Code', 'industry_group_code', 'code') },
  },
  businessRelation: {
    name: 'businessRelation',
    table: 'contact_business_relations',
    alias: 'cbr',
    caption: 'Contact Business Relation',
    fields: {
      businessRelationCode: f('Business Relation Code', 'business_relation_code', 'code'),
      linkToTable: f('Link to Table', 'link_to_table', 'option', LINK_TO_TABLES),
      linkNo: f('No.', 'link_no', 'code'),
    },
  },
  valueEntry: {
    name: 'valueEntry',
    table: 'value_entries',
    alias: 've',
    caption: 'Value Entry',
    fields: {
      itemNo: f('Item No.', 'item_no', 'code'),
      variantCode: f('Variant Code', 'variant_code', 'code'),
      postingDate: f('Posting Date', 'posting_date', 'date'),
      documentType: f('Document Type', 'document_type', 'text'),
      documentNo: f('Document No.', 'document_no', 'code'),
      quantity: f('Quantity', 'quantity', 'number'),
      amount: f('Amount', 'amount', 'number'),
    },
  },
}
