import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Tx } from '../db/transaction.js'
import type { MarketingSetup } from '../setup/marketing-setup.js'
import type { ContactRow } from './contact-fields.js'

/**
 * Company → person inheritance, as BC's Contact table does it, driven by the marketing setup flags.
 *
 * | flag                          | fields                                                       |
 * |-------------------------------|--------------------------------------------------------------|
 * | inheritSalespersonCode        | salespersonCode                                              |
 * | inheritLanguageCode           | languageCode                                                 |
 * | inheritAddressDetails         | address, address2, postCode, city, county; countryRegionCode |
 * | inheritCommunicationDetails   | phoneNo, mobilePhoneNo, email (+ correspondenceType when a person joins a company) |
 *
 * Communication details: BC's `InheritCompanyToPersonData` and `DoModify` copy Phone No., Mobile Phone No.
 * and E-Mail (with Telex/Fax/Home Page/Pager/Extension, which we do not keep), and Correspondence Type when a
 * person joins a company — each only where the person's value is blank or still the company's old value,
 * so a person's own e-mail is never overwritten. We follow BC (DESIGN.md principle 4) rather than copying the
 * phone number alone: a person without a phone or e-mail of their own is reached through the company's.
 *
 * BC has separate flags for Territory and Country/Region; our setup has none for territory (not inherited)
 * and folds Country/Region into the address details.
 */
const ADDRESS_IDENTITY = ['address', 'address2', 'post_code', 'city'] as const
const ADDRESS_COLUMNS = [...ADDRESS_IDENTITY, 'county'] as const
const COMMUNICATION_COLUMNS = ['phone_no', 'mobile_phone_no', 'email'] as const

type Col = keyof ContactRow

/** BC `IdenticalAddress`: Address, Address 2, Post Code and City all equal. */
function identicalAddress(a: ContactRow, b: Pick<ContactRow, (typeof ADDRESS_IDENTITY)[number]>): boolean {
  return ADDRESS_IDENTITY.every((c) => a[c] === b[c])
}
const NO_ADDRESS = { address: '', address2: '', post_code: '', city: '' }

/**
 * BC `InheritCompanyToPersonData`: a person joins `company` (on create, or when its company changes from
 * `oldCompany`). Fields the request gave explicitly are never overwritten.
 * - salesperson and language: the company's (BC copies them unconditionally);
 * - address: the company's, when the person's address is blank or still the old company's (BC `StaleAddress`)
 *   and the request gave no address field;
 * - country/region: the company's;
 * - communication details and correspondence type: the company's where the person's value is blank or still
 *   the old company's (BC `UpdateFieldForNewCompany`).
 */
export function inheritFromCompany(
  next: ContactRow,
  given: Partial<ContactRow>,
  company: ContactRow,
  oldCompany: ContactRow | undefined,
  setup: MarketingSetup,
): void {
  const free = (c: Col) => !(c in given)
  const copy = (c: Col) => {
    ;(next as unknown as Record<string, unknown>)[c] = company[c]
  }
  next.company_name = company.name
  if (setup.inheritSalespersonCode && free('salesperson_code')) copy('salesperson_code')
  if (setup.inheritLanguageCode && free('language_code')) copy('language_code')
  if (setup.inheritAddressDetails) {
    if (free('country_region_code')) copy('country_region_code')
    const stale = identicalAddress(next, NO_ADDRESS) || (oldCompany !== undefined && identicalAddress(next, oldCompany))
    if (stale && ADDRESS_COLUMNS.every(free)) for (const c of ADDRESS_COLUMNS) copy(c)
  }
  if (setup.inheritCommunicationDetails) {
    for (const c of [...COMMUNICATION_COLUMNS, 'correspondence_type'] as const) {
      if (!free(c)) continue
      if (next[c] === '' || (oldCompany !== undefined && next[c] === oldCompany[c])) copy(c)
    }
  }
}

/**
 * BC `DoModify` for a company: its persons follow the change, in one set-based UPDATE.
 * - company name: every person's companyName;
 * - each inherited field that changed: persons whose value was the company's old value (they had not
 *   deviated) get the new one;
 * - address fields: persons whose address (Address, Address 2, Post Code, City) was identical to the
 *   company's old address get the changed fields.
 *
 * ```sql
 * update contacts set
 *   company_name = ?,
 *   salesperson_code = case when salesperson_code = ? then ? else salesperson_code end, …,
 *   last_date_modified = ?
 * where company_no = ? and type = 'Person' and no <> ? and (true | salesperson_code = ? | …)
 * ```
 * Returns the number of persons changed.
 */
export async function propagateToPersons(
  trx: Tx,
  before: ContactRow,
  after: ContactRow,
  setup: MarketingSetup,
  today: string,
): Promise<number> {
  if (before.type !== 'Company' || after.type !== 'Company') return 0
  const sets: Record<string, unknown> = {}
  const conds: RawBuilder<SqlBool>[] = []
  if (before.name !== after.name) {
    sets.company_name = after.name
    conds.push(sql<SqlBool>`1 = 1`)
  }
  const perField = (c: Col, on: boolean) => {
    if (!on || before[c] === after[c]) return
    const ref = sql.ref(c)
    sets[c] = sql`case when ${ref} = ${before[c]} then ${after[c]} else ${ref} end`
    conds.push(sql<SqlBool>`${ref} = ${before[c]}`)
  }
  perField('salesperson_code', setup.inheritSalespersonCode)
  perField('language_code', setup.inheritLanguageCode)
  perField('country_region_code', setup.inheritAddressDetails)
  for (const c of COMMUNICATION_COLUMNS) perField(c, setup.inheritCommunicationDetails)
  const changedAddress = ADDRESS_COLUMNS.filter((c) => before[c] !== after[c])
  if (setup.inheritAddressDetails && changedAddress.length) {
    const identical = sql<SqlBool>`(${sql.join(
      ADDRESS_IDENTITY.map((c) => sql`${sql.ref(c)} = ${before[c]}`),
      sql` and `,
    )})`
    for (const c of changedAddress) sets[c] = sql`case when ${identical} then ${after[c]} else ${sql.ref(c)} end`
    conds.push(identical)
  }
  if (!conds.length) return 0
  sets.last_date_modified = today
  const res = await trx
    .updateTable('contacts')
    .set(sets as never)
    .where('company_no', '=', after.no)
    .where('type', '=', 'Person')
    .where('no', '<>', after.no)
    .where(sql<SqlBool>`(${sql.join(conds, sql` or `)})`)
    .executeTakeFirst()
  return Number(res.numUpdatedRows)
}
