import type { Tx } from '../db/transaction.js'
import { type AppError, mustBeEqual, notFound, ruleViolation } from '../errors.js'
import type { ContactRow } from './contact-fields.js'

/** The contact, or undefined. */
export async function findContact(trx: Tx, no: string): Promise<ContactRow | undefined> {
  return trx.selectFrom('contacts').selectAll().where('no', '=', no).executeTakeFirst()
}

/** The contact named in a path: 404 `The Contact does not exist. Identification fields and values: No.='X'`. */
export async function loadContact(trx: Tx, no: string): Promise<ContactRow> {
  const c = await findContact(trx, no)
  if (!c) throw notFound('Contact', { 'No.': no })
  return c
}

export async function contactExists(trx: Tx, no: string): Promise<boolean> {
  return !!(await trx.selectFrom('contacts').select('no').where('no', '=', no).executeTakeFirst())
}

/** BC `TestField(Type, …)` on a contact: `Type must be equal to 'Company'  in Contact: No.=CT0002. Current value is 'Person'.` */
export function typeMustBe(c: Pick<ContactRow, 'no' | 'type'>, expected: 'Company' | 'Person'): AppError {
  return mustBeEqual('Type', expected, 'Contact', { 'No.': c.no }, c.type)
}

/**
 * A person's company: BC's table relation `Contact where (Type = const(Company))`. A missing contact and a
 * person both fail it, with the platform's table-relation text.
 */
export async function loadCompany(trx: Tx, companyNo: string): Promise<ContactRow> {
  const company = await findContact(trx, companyNo)
  if (company?.type !== 'Company')
    throw ruleViolation(
      `The field Company No. of table Contact contains a value (${companyNo}) that cannot be found in the related table (Contact).`,
    )
  return company
}

/** Whether the contact is on a segment line, i.e. assigned to an unlogged segment. */
export async function onSegmentLine(trx: Tx, no: string): Promise<boolean> {
  return !!(await trx.selectFrom('segment_lines').select('segment_no').where('contact_no', '=', no).executeTakeFirst())
}

/** A person of the company that is on a segment line, first by number. */
export async function personOnSegmentLine(trx: Tx, companyNo: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('contacts as p')
    .select('p.no')
    .where('p.company_no', '=', companyNo)
    .where('p.type', '=', 'Person')
    .where('p.no', '<>', companyNo)
    .where((eb) =>
      eb.exists(eb.selectFrom('segment_lines as l').select('l.segment_no').whereRef('l.contact_no', '=', 'p.no')),
    )
    .orderBy('p.no')
    .executeTakeFirst()
  return row?.no
}

/** BC Contact.OnDelete: `You cannot delete the %2 record of the %1 because the contact is assigned one or more unlogged segments.` */
export function onSegmentsText(no: string): string {
  return `You cannot delete the ${no} record of the Contact because the contact is assigned one or more unlogged segments.`
}

/** The salesperson exists and is not blocked (segment, campaign and contact relations filter Blocked = false). */
export async function checkSalesperson(trx: Tx, code: string | undefined): Promise<void> {
  if (!code) return
  const s = await trx.selectFrom('salespeople').select(['code', 'blocked']).where('code', '=', code).executeTakeFirst()
  if (!s)
    throw ruleViolation(`The Salesperson/Purchaser does not exist. Identification fields and values: Code='${code}'`)
  if (s.blocked) throw mustBeEqual('Blocked', 'No', 'Salesperson/Purchaser', { Code: code }, 'Yes')
}

export async function checkLanguage(trx: Tx, code: string | undefined): Promise<void> {
  if (!code) return
  const l = await trx.selectFrom('languages').select('code').where('code', '=', code).executeTakeFirst()
  if (!l) throw ruleViolation(`The Language does not exist. Identification fields and values: Code='${code}'`)
}

/** Checks the references a request gave explicitly (defaults and inherited values were checked where they were set). */
export async function checkReferences(trx: Tx, given: Partial<ContactRow>): Promise<void> {
  await checkSalesperson(trx, given.salesperson_code)
  await checkLanguage(trx, given.language_code)
}

/**
 * BC `TypeChange` guards, for a contact whose type is about to change:
 * - no interaction log entries of the contact;
 * - to Company: no job responsibilities (`TestField("No. of Job Responsibilities", 0)`);
 * - to Person: no persons of it, no business relations, no industry groups.
 */
export async function checkTypeChange(trx: Tx, c: ContactRow, to: string): Promise<void> {
  const ile = await trx
    .selectFrom('interaction_log_entries')
    .select('entry_no')
    .where('contact_no', '=', c.no)
    .executeTakeFirst()
  if (ile)
    throw ruleViolation('Type cannot be changed because one or more interaction log entries are linked to the contact.')
  const count = async (
    table: 'contact_job_responsibilities' | 'contact_business_relations' | 'contact_industry_groups',
  ) => {
    const r = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('contact_no', '=', c.no)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }
  const mustBeZero = (n: number, field: string) => {
    if (n > 0) throw mustBeEqual(field, '0', 'Contact', { 'No.': c.no }, String(n))
  }
  if (to === 'Company') {
    mustBeZero(await count('contact_job_responsibilities'), 'No. of Job Responsibilities')
  } else {
    const person = await trx
      .selectFrom('contacts')
      .select('no')
      .where('company_no', '=', c.no)
      .where('type', '=', 'Person')
      .where('no', '<>', c.no)
      .executeTakeFirst()
    if (person)
      throw ruleViolation('Type cannot be changed because there are one or more related people linked to the contact.')
    mustBeZero(await count('contact_business_relations'), 'No. of Business Relations')
    mustBeZero(await count('contact_industry_groups'), 'No. of Industry Groups')
  }
}
