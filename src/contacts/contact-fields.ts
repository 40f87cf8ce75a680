import type { Selectable } from 'kysely'
import { bool, CONTACT_TYPES, CORRESPONDENCE_TYPES, code, date, type Field, int, option, text } from '../api/fields.js'
import type { ContactTable } from '../db/schema.js'

export type ContactType = (typeof CONTACT_TYPES)[number]
export type ContactRow = Selectable<ContactTable>

/**
 * The fields of a contact (BC table 5050), with BC's lengths: Text[n] → `text` of n, Code[n] → `code` of n,
 * enums → `option`, booleans → `boolean`. The list, the filters, the segment engine's `contact` criteria block
 * and the import all read this one list.
 */
export const CONTACT_FIELDS: Field[] = [
  code('no', 'no', 20),
  option('type', 'type', CONTACT_TYPES),
  text('name', 'name', 100),
  code('searchName', 'search_name', 100),
  text('firstName', 'first_name', 30),
  text('middleName', 'middle_name', 30),
  text('surname', 'surname', 30),
  code('companyNo', 'company_no', 20),
  text('companyName', 'company_name', 100, { readOnly: true }),
  text('jobTitle', 'job_title', 30),
  text('address', 'address', 100),
  text('address2', 'address2', 50),
  text('city', 'city', 30),
  code('postCode', 'post_code', 20),
  code('countryRegionCode', 'country_region_code', 10),
  text('county', 'county', 30),
  text('phoneNo', 'phone_no', 30),
  text('mobilePhoneNo', 'mobile_phone_no', 30),
  text('email', 'email', 80),
  code('languageCode', 'language_code', 10),
  code('salespersonCode', 'salesperson_code', 20),
  code('territoryCode', 'territory_code', 10),
  option('correspondenceType', 'correspondence_type', CORRESPONDENCE_TYPES),
  bool('excludeFromSegment', 'exclude_from_segment'),
  bool('privacyBlocked', 'privacy_blocked'),
  date('lastDateModified', 'last_date_modified', { readOnly: true }),
]

/**
 * BC's FlowFields of one contact. They are computed only when one contact is read (GET, and the answer of
 * POST/PATCH), never in a list: a count per row would be a subquery per row over a million contacts.
 * Industry groups and business relations count the contact's company, as BC's CalcFormula does.
 */
export const CONTACT_COUNT_FIELDS: Field[] = [
  int('noOfMailingGroups', 'no_of_mailing_groups', { readOnly: true, noFilter: true }),
  int('noOfIndustryGroups', 'no_of_industry_groups', { readOnly: true, noFilter: true }),
  int('noOfBusinessRelations', 'no_of_business_relations', { readOnly: true, noFilter: true }),
  int('noOfJobResponsibilities', 'no_of_job_responsibilities', { readOnly: true, noFilter: true }),
  int('noOfInteractions', 'no_of_interactions', { readOnly: true, noFilter: true }),
]

export const CONTACT_DETAIL_FIELDS: Field[] = [...CONTACT_FIELDS, ...CONTACT_COUNT_FIELDS]

/** A contact as the API shows it. */
export interface Contact {
  no: string
  type: ContactType
  name: string
  searchName: string
  firstName: string
  middleName: string
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
  correspondenceType: string
  excludeFromSegment: boolean
  privacyBlocked: boolean
  lastDateModified: string | null
}

export interface ContactDetail extends Contact {
  noOfMailingGroups: number
  noOfIndustryGroups: number
  noOfBusinessRelations: number
  noOfJobResponsibilities: number
  noOfInteractions: number
}

/** What a new contact row holds before anything is given: BC's InitValues (blank, false, Company). */
export function blankContact(no = ''): ContactRow {
  return {
    no,
    type: 'Company',
    name: '',
    search_name: '',
    first_name: '',
    middle_name: '',
    surname: '',
    company_no: '',
    company_name: '',
    job_title: '',
    address: '',
    address2: '',
    city: '',
    post_code: '',
    country_region_code: '',
    county: '',
    phone_no: '',
    mobile_phone_no: '',
    email: '',
    language_code: '',
    salesperson_code: '',
    territory_code: '',
    correspondence_type: '',
    exclude_from_segment: 0,
    privacy_blocked: 0,
    last_date_modified: null,
  }
}
