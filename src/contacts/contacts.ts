import { type Kysely, sql } from 'kysely'
import { toApi, toRow } from '../api/fields.js'
import { type ListPage, parseListQuery, runList } from '../api/list-query.js'
import { syncActivatedCampaigns } from '../campaigns/target-group.js'
import type { Dialect } from '../db/connection.js'
import type { DB } from '../db/schema.js'
import type { Tx } from '../db/transaction.js'
import { alreadyExists, notFound, referenced, ruleViolation } from '../errors.js'
import { getMarketingSetup } from '../setup/marketing-setup.js'
import { assignNo } from '../setup/number-series.js'
import {
  checkReferences,
  checkTypeChange,
  contactExists,
  findContact,
  loadCompany,
  loadContact,
  onSegmentLine,
  onSegmentsText,
  personOnSegmentLine,
  typeMustBe,
} from './contact-checks.js'
import {
  blankContact,
  CONTACT_DETAIL_FIELDS,
  CONTACT_FIELDS,
  type Contact,
  type ContactDetail,
  type ContactRow,
} from './contact-fields.js'
import { inheritFromCompany, propagateToPersons } from './contact-inheritance.js'
import { applyNames } from './contact-names.js'

/** Who acts, for the defaults BC takes from the user (User Setup's salesperson). */
export interface ContactContext {
  dialect: Dialect
  /** The signed-in user's salesperson: overrides the setup's default salesperson on new contacts. */
  userSalespersonCode?: string
  /** The work date, YYYY-MM-DD (default: today, UTC). */
  today?: string
}

/** A contact as written through the API (validated: codes upper-cased, options canonical). */
export type ContactInput = Partial<Omit<Contact, 'companyName' | 'lastDateModified'>>

const todayOf = (ctx: ContactContext) => ctx.today ?? new Date().toISOString().slice(0, 10)

function givenColumns(input: Record<string, unknown>): Partial<ContactRow> {
  return toRow(CONTACT_FIELDS, input) as Partial<ContactRow>
}

/**
 * Creates a contact (BC Contact.OnInsert with the validations of the fields given):
 * number from `contactNos` when none is given (skipping numbers already used), names, company link and
 * inheritance from the company, then the marketing setup's defaults for what is still blank.
 */
export async function createContact(trx: Tx, input: ContactInput, ctx: ContactContext): Promise<ContactDetail> {
  const setup = await getMarketingSetup(trx)
  const given = givenColumns(input as Record<string, unknown>)
  const { no } = await assignNo(trx, ctx.dialect, 'contact_nos', given.no || undefined, (n) => contactExists(trx, n))
  if (given.no && (await contactExists(trx, no))) throw alreadyExists('Contact', { 'No.': no })

  const next: ContactRow = { ...blankContact(no), ...given, no }
  applyNames(next, given, undefined)
  if (next.type === 'Company') {
    if (given.company_no && given.company_no !== no) throw typeMustBe(next, 'Person')
    next.company_no = no
    next.company_name = next.name
  } else if (next.company_no) {
    inheritFromCompany(next, given, await loadCompany(trx, next.company_no), undefined, setup)
  }

  // BC OnInsert defaults, for what neither the request nor the company filled.
  if (!next.salesperson_code) next.salesperson_code = ctx.userSalespersonCode || setup.defaultSalespersonCode
  if (!next.territory_code) next.territory_code = setup.defaultTerritoryCode
  if (!next.country_region_code) next.country_region_code = setup.defaultCountryRegionCode
  if (!next.language_code) next.language_code = setup.defaultLanguageCode
  if (!next.correspondence_type) next.correspondence_type = setup.defaultCorrespondenceType

  await checkReferences(trx, given)
  next.last_date_modified = todayOf(ctx)
  await trx.insertInto('contacts').values(next).execute()
  return getContact(trx, no)
}

/**
 * Changes a contact: type change (BC `TypeChange` guards), company change of a person (BC `Company No.`
 * OnValidate: not on a segment, inheritance from the new company, interaction log entries re-pointed),
 * names, and for a company the persons that follow it (BC `DoModify`, one UPDATE).
 */
export async function updateContact(
  trx: Tx,
  no: string,
  input: ContactInput,
  ctx: ContactContext,
): Promise<ContactDetail> {
  const before = await loadContact(trx, no)
  const setup = await getMarketingSetup(trx)
  const { no: _key, ...given } = givenColumns(input as Record<string, unknown>)
  const next: ContactRow = { ...before, ...given, no }
  const today = todayOf(ctx)

  let baseCompanyNo = before.company_no
  if (next.type !== before.type) {
    await checkTypeChange(trx, before, next.type)
    if (next.type === 'Person') {
      // BC: becoming a person clears the company fields that pointed to itself.
      baseCompanyNo = ''
      if (!('company_no' in given)) next.company_no = ''
      next.company_name = ''
    }
  }

  if (next.type === 'Company') {
    if (given.company_no && given.company_no !== no) throw typeMustBe(next, 'Person')
    next.company_no = no
  } else if (next.company_no !== baseCompanyNo) {
    if (await onSegmentLine(trx, no))
      throw ruleViolation(
        'You cannot change Company No. because one or more unlogged segments are assigned to the contact.',
      )
    const oldCompany = baseCompanyNo ? await findContact(trx, baseCompanyNo) : undefined
    if (next.company_no) inheritFromCompany(next, given, await loadCompany(trx, next.company_no), oldCompany, setup)
    else next.company_name = ''
    await repointInteractions(trx, no, baseCompanyNo, next.company_no)
    // The re-pointed entries may be campaign targets: an activated campaign's group follows their company.
    await syncActivatedCampaigns(trx)
  }

  applyNames(next, given, before)
  if (next.type === 'Company') next.company_name = next.name

  await checkReferences(trx, given)
  next.last_date_modified = today
  const { no: _no, ...columns } = next
  await trx.updateTable('contacts').set(columns).where('no', '=', no).execute()
  if (next.company_no !== before.company_no)
    await trx
      .updateTable('contact_profile_answers')
      .set({ contact_company_no: next.company_no })
      .where('contact_no', '=', no)
      .execute()
  await propagateToPersons(trx, before, next, setup, today)
  return getContact(trx, no)
}

/**
 * BC `UpdateCompanyNo`: when a person leaves a company its interaction log entries stay with that company
 * (their Contact No. becomes the old company's); a person that had no company takes its entries along
 * (their Contact Company No. becomes the new company's).
 */
async function repointInteractions(trx: Tx, no: string, oldCompanyNo: string, newCompanyNo: string): Promise<void> {
  if (oldCompanyNo)
    await trx
      .updateTable('interaction_log_entries')
      .set({ contact_no: oldCompanyNo })
      .where('contact_company_no', '=', oldCompanyNo)
      .where('contact_no', '=', no)
      .execute()
  else
    await trx
      .updateTable('interaction_log_entries')
      .set({ contact_company_no: newCompanyNo })
      .where('contact_company_no', '=', '')
      .where('contact_no', '=', no)
      .execute()
}

/**
 * Deletes a contact (BC Contact.OnDelete). Refused while the contact, or for a company any of its persons,
 * is on a segment line. A company takes its persons along and its interaction log entries (and its
 * persons') lose their contact; a person's entries are re-pointed to its company. Relation rows (groups,
 * business relations, profile answers) go with the contact by foreign-key cascade. Activated campaigns'
 * target groups follow the entries.
 */
export async function deleteContact(trx: Tx, no: string): Promise<void> {
  const c = await loadContact(trx, no)
  if (await onSegmentLine(trx, no)) throw referenced(onSegmentsText(no))
  if (c.type === 'Company') {
    const person = await personOnSegmentLine(trx, no)
    if (person) throw referenced(onSegmentsText(person))
    await trx
      .updateTable('interaction_log_entries')
      .set({ contact_no: '', contact_company_no: '' })
      .where('contact_company_no', '=', no)
      .execute()
    await trx
      .deleteFrom('contacts')
      .where('company_no', '=', no)
      .where('type', '=', 'Person')
      .where('no', '<>', no)
      .execute()
  } else {
    await trx
      .updateTable('interaction_log_entries')
      .set({ contact_no: c.company_no })
      .where('contact_company_no', '=', c.company_no)
      .where('contact_no', '=', no)
      .execute()
  }
  await trx.deleteFrom('contacts').where('no', '=', no).execute()
  // Entries that lost their contact, or moved to the company, may have been an activated campaign's targets.
  await syncActivatedCampaigns(trx)
}

/**
 * One contact with BC's FlowFields. Interactions count like BC's `No. of Interactions` (not canceled, not
 * postponed): a company's are all entries of the company and its persons, a person's its own; the count
 * walks the contact_no index through the company's persons rather than scanning entries by company.
 */
export async function getContact(db: Tx, no: string): Promise<ContactDetail> {
  const row = await db
    .selectFrom('contacts as c')
    .selectAll('c')
    .select([
      sql<number>`(select count(*) from contact_mailing_groups r where r.contact_no = c.no)`.as('no_of_mailing_groups'),
      sql<number>`(select count(*) from contact_industry_groups r where r.contact_no = c.company_no)`.as(
        'no_of_industry_groups',
      ),
      sql<number>`(select count(*) from contact_business_relations r where r.contact_no = c.company_no)`.as(
        'no_of_business_relations',
      ),
      sql<number>`(select count(*) from contact_job_responsibilities r where r.contact_no = c.no)`.as(
        'no_of_job_responsibilities',
      ),
      sql<number>`case when c.type = 'Company'
        then (select count(*) from interaction_log_entries e
               where e.contact_no in (select p.no from contacts p where p.company_no = c.no)
                 and e.contact_company_no = c.no and e.canceled = 0 and e.postponed = 0)
        else (select count(*) from interaction_log_entries e
               where e.contact_no = c.no and e.contact_company_no = c.company_no and e.canceled = 0 and e.postponed = 0)
        end`.as('no_of_interactions'),
    ])
    .where('c.no', '=', no)
    .executeTakeFirst()
  if (!row) throw notFound('Contact', { 'No.': no })
  return toApi<ContactDetail>(CONTACT_DETAIL_FIELDS, row)
}

/** The base query of contact lists and exports: `contacts` aliased `c`, every column. */
export function selectContacts(db: Kysely<DB> | Tx) {
  return db.selectFrom('contacts as c').selectAll('c')
}

export const toContact = (row: Record<string, unknown>): Contact => toApi<Contact>(CONTACT_FIELDS, row)

/** A page of contacts for `limit, offset, sort, filter[…]` (API.md "Lists"). No per-row subqueries. */
export async function listContacts(
  db: Kysely<DB> | Tx,
  query: Record<string, unknown>,
  dialect: Dialect,
): Promise<ListPage<Contact>> {
  const p = parseListQuery(query, CONTACT_FIELDS, { dialect, alias: 'c', defaultSort: ['no'] })
  return runList(selectContacts(db), p, toContact)
}
