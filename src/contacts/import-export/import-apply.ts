import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import type { MarketingSetup } from '../../setup/marketing-setup.js'
import { takeNumbers } from '../../setup/number-series.js'

/**
 * Writes the good rows of the staging table into `contacts`, set-based: numbers for the new rows, one
 * INSERT … SELECT for new companies and one for new persons, one UPDATE … FROM for changed companies and
 * one for changed persons, and the company → person rules as UPDATEs over joins. The rules are those of
 * the contact card (contacts.ts, contact-inheritance.ts, contact-names.ts), written as SQL.
 *
 * "Given" differs in one way from the card: for a NEW contact a blank cell counts as not given (a file has
 * every column on every row), so it still gets the company's value or the setup's default; for an
 * EXISTING contact every column of the file is given, blank cells included, as in a PATCH.
 */

type Sql = RawBuilder<unknown>
const ADDRESS_IDENTITY = ['address', 'address2', 'post_code', 'city'] as const
const ADDRESS_COLUMNS = [...ADDRESS_IDENTITY, 'county'] as const
const COMMUNICATION_COLUMNS = ['phone_no', 'mobile_phone_no', 'email'] as const
const NAME_PARTS = ['first_name', 'middle_name', 'surname'] as const
const BOOLEAN_COLUMNS = new Set(['exclude_from_segment', 'privacy_blocked'])
/** Columns with their own rule in an UPDATE; every other column of the file is copied as it is. */
const SPECIAL = new Set([
  'no',
  'type',
  'name',
  'search_name',
  'first_name',
  'middle_name',
  'surname',
  'job_title',
  'company_no',
])

export interface ApplyOptions {
  dialect: Dialect
  setup: MarketingSetup
  /** Database columns present in the file. */
  present: Set<string>
  /** YYYY-MM-DD: Last Date Modified of what changes. */
  today: string
  /** User Setup's salesperson before the setup's default (BC OnInsert). */
  userSalespersonCode?: string
}

const col = (alias: string, c: string) => sql.ref(`${alias}.${c}`)
const s = (c: string) => col('s', c)
const p = (c: string) => col('p', c)
/** The file's value of a new row ('' or 0 when the column is not in the file). */
const v = (c: string) => (BOOLEAN_COLUMNS.has(c) ? sql`coalesce(${s(c)}, 0)` : sql`coalesce(${s(c)}, '')`)
const given = (c: string) => sql<SqlBool>`coalesce(${s(c)}, '') <> ''`
const any = (conds: RawBuilder<SqlBool>[]) =>
  conds.length ? sql<SqlBool>`(${sql.join(conds, sql` or `)})` : sql<SqlBool>`1 = 0`

/** BC `CalculatedName`: the trimmed parts that are not blank, joined by single spaces. */
function calculatedName(first: Sql, middle: Sql, surname: Sql): Sql {
  const add = (x: Sql) => sql`case when trim(${x}) <> '' then ' ' || trim(${x}) else '' end`
  return sql`trim(trim(${first}) || ${add(middle)} || ${add(surname)})`
}

/** BC `UpdateSearchName`: the search name follows the name while it is blank or the old name upper-cased. */
const followSearchName = (newName: Sql) =>
  sql`case when ${p('search_name')} = upper(${p('name')}) or ${p('search_name')} = '' then substr(upper(${newName}), 1, 100) else ${p('search_name')} end`

function todayValue(o: ApplyOptions): Sql {
  return o.dialect === 'postgres' ? sql`cast(${o.today} as date)` : sql`${o.today}`
}

/** Takes numbers from the contact series for the good new rows without one, in file order, skipping used numbers. */
export async function assignNumbers(trx: Tx, dialect: Dialect, series: string): Promise<void> {
  await sql`update contact_import_rows set seq = x.rn
    from (select row_no, row_number() over (order by row_no) as rn
          from contact_import_rows where errors = '' and is_new = 1 and no = '') as x
    where contact_import_rows.row_no = x.row_no`.execute(trx)
  const { n } = (
    await sql<{ n: number }>`select count(*) as n from contact_import_rows where seq is not null`.execute(trx)
  ).rows[0]
  const need = Number(n)
  let have = 0
  let ord = 0
  while (have < need) {
    // Blocks of 1,000: takeNumbers returns them as an array, so memory stays bounded by the block.
    for (let missing = need - have; missing > 0; ) {
      const block = await takeNumbers(trx, dialect, series, Math.min(missing, 1000))
      await trx
        .insertInto('contact_import_nos' as never)
        .values(block.map((no) => ({ ord: ++ord, no })) as never)
        .execute()
      missing -= block.length
    }
    // BC skips numbers already used (typed by hand, or given in this file).
    await sql`delete from contact_import_nos where exists (select 1 from contacts c where c.no = contact_import_nos.no)`.execute(
      trx,
    )
    await sql`delete from contact_import_nos
      where exists (select 1 from contact_import_rows s where s.no = contact_import_nos.no)`.execute(trx)
    const r = (await sql<{ n: number }>`select count(*) as n from contact_import_nos`.execute(trx)).rows[0]
    have = Number(r.n)
  }
  await sql`update contact_import_rows set no = x.no
    from (select no, row_number() over (order by ord) as rn from contact_import_nos) as x
    where contact_import_rows.seq = x.rn`.execute(trx)
}

const INSERT_COLUMNS = [
  'no',
  'type',
  'name',
  'search_name',
  'first_name',
  'middle_name',
  'surname',
  'company_no',
  'company_name',
  'job_title',
  'address',
  'address2',
  'city',
  'post_code',
  'country_region_code',
  'county',
  'phone_no',
  'mobile_phone_no',
  'email',
  'language_code',
  'salesperson_code',
  'territory_code',
  'correspondence_type',
  'exclude_from_segment',
  'privacy_blocked',
  'last_date_modified',
] as const

async function insertSelect(trx: Tx, values: Record<(typeof INSERT_COLUMNS)[number], Sql>, from: Sql): Promise<void> {
  await sql`insert into contacts (${sql.join(INSERT_COLUMNS.map((c) => sql.ref(c)))})
    select ${sql.join(INSERT_COLUMNS.map((c) => values[c]))} ${from}`.execute(trx)
}

/**
 * New contacts: companies, then persons (which may join a company of the same file, read from the
 * `contact_import_companies` snapshot). BC OnInsert + InheritCompanyToPersonData.
 */
export async function insertNew(trx: Tx, type: 'Company' | 'Person', o: ApplyOptions): Promise<void> {
  const f = o.setup
  const orDefault = (c: string, dflt: string, inherited?: Sql) =>
    sql`case when ${given(c)} then ${s(c)} ${inherited ? sql`when ${inherited} <> '' then ${inherited}` : sql``} else ${dflt} end`
  const defaultSalesperson = o.userSalespersonCode || f.defaultSalespersonCode
  const search = (name: Sql) =>
    sql`case when ${given('search_name')} then ${s('search_name')} else substr(upper(${name}), 1, 100) end`
  const common = {
    no: s('no'),
    type: sql`${type}`,
    territory_code: orDefault('territory_code', f.defaultTerritoryCode),
    exclude_from_segment: v('exclude_from_segment'),
    privacy_blocked: v('privacy_blocked'),
    last_date_modified: todayValue(o),
  }
  if (type === 'Company') {
    const name = v('name')
    await insertSelect(
      trx,
      {
        ...common,
        name,
        search_name: search(name),
        first_name: sql`''`,
        middle_name: sql`''`,
        surname: sql`''`,
        company_no: s('no'),
        company_name: name,
        job_title: sql`''`,
        address: v('address'),
        address2: v('address2'),
        city: v('city'),
        post_code: v('post_code'),
        county: v('county'),
        country_region_code: orDefault('country_region_code', f.defaultCountryRegionCode),
        phone_no: v('phone_no'),
        mobile_phone_no: v('mobile_phone_no'),
        email: v('email'),
        language_code: orDefault('language_code', f.defaultLanguageCode),
        salesperson_code: orDefault('salesperson_code', defaultSalesperson),
        correspondence_type: orDefault('correspondence_type', f.defaultCorrespondenceType),
      },
      sql`from contact_import_rows s where s.errors = '' and s.is_new = 1 and s.eff_type = 'Company'`,
    )
    return
  }
  const co = (c: string) => col('co', c)
  const byParts = sql<SqlBool>`${s('name_mode')} = 'parts'`
  const name = sql`case when ${byParts} then ${calculatedName(v('first_name'), v('middle_name'), v('surname'))} else ${v('name')} end`
  const part = (c: string, bd: string) => sql`case when ${byParts} then ${v(c)} else coalesce(${s(bd)}, '') end`
  const noAddressGiven = sql<SqlBool>`not ${any(ADDRESS_COLUMNS.map(given))}`
  const address = (c: string) =>
    f.inheritAddressDetails
      ? sql`case when ${co('no')} is not null and ${noAddressGiven} then ${co(c)} else ${v(c)} end`
      : v(c)
  const communication = (c: string) =>
    f.inheritCommunicationDetails
      ? sql`case when ${given(c)} then ${s(c)} when ${co('no')} is not null then ${co(c)} else '' end`
      : v(c)
  await insertSelect(
    trx,
    {
      ...common,
      name,
      search_name: search(name),
      first_name: part('first_name', 'bd_first'),
      middle_name: part('middle_name', 'bd_middle'),
      surname: part('surname', 'bd_surname'),
      company_no: v('company_no'),
      company_name: sql`coalesce(${co('name')}, '')`,
      job_title: v('job_title'),
      address: address('address'),
      address2: address('address2'),
      city: address('city'),
      post_code: address('post_code'),
      county: address('county'),
      country_region_code: orDefault(
        'country_region_code',
        f.defaultCountryRegionCode,
        f.inheritAddressDetails ? co('country_region_code') : undefined,
      ),
      phone_no: communication('phone_no'),
      mobile_phone_no: communication('mobile_phone_no'),
      email: communication('email'),
      language_code: orDefault(
        'language_code',
        f.defaultLanguageCode,
        f.inheritLanguageCode ? co('language_code') : undefined,
      ),
      salesperson_code: orDefault(
        'salesperson_code',
        defaultSalesperson,
        f.inheritSalespersonCode ? co('salesperson_code') : undefined,
      ),
      correspondence_type: orDefault(
        'correspondence_type',
        f.defaultCorrespondenceType,
        f.inheritCommunicationDetails ? co('correspondence_type') : undefined,
      ),
    },
    sql`from contact_import_rows s left join contact_import_companies co on co.no = s.company_no
      where s.errors = '' and s.is_new = 1 and s.eff_type = 'Person'`,
  )
}

/**
 * Existing contacts of one type: the file's columns, names by BC's rules, and Last Date Modified only
 * where a value really changes (re-importing an unchanged export touches nothing).
 */
export async function updateExisting(trx: Tx, type: 'Company' | 'Person', o: ApplyOptions): Promise<void> {
  const has = (c: string) => o.present.has(c)
  const sets: [string, Sql][] = []
  for (const c of o.present) if (!SPECIAL.has(c)) sets.push([c, s(c)])
  let newName: Sql | undefined
  if (type === 'Company') {
    if (has('name')) {
      newName = s('name')
      sets.push(['name', newName], ['company_name', newName])
    }
    // BC TypeChange: a company has no person name parts or job title.
    for (const c of [...NAME_PARTS, 'job_title']) sets.push([c, sql`''`])
  } else {
    if (has('company_no')) sets.push(['company_no', s('company_no')])
    if (has('job_title')) sets.push(['job_title', s('job_title')])
    if (has('name') || NAME_PARTS.some(has)) {
      const merged = (c: string) => (has(c) ? s(c) : p(c))
      newName = sql`case ${s('name_mode')} when 'parts' then ${calculatedName(merged('first_name'), merged('middle_name'), merged('surname'))}
        when 'name' then ${v('name')} else ${p('name')} end`
      sets.push(['name', newName])
      const bd = { first_name: 'bd_first', middle_name: 'bd_middle', surname: 'bd_surname' } as const
      for (const c of NAME_PARTS)
        sets.push([
          c,
          sql`case ${s('name_mode')} when 'parts' then ${merged(c)} when 'name' then coalesce(${s(bd[c])}, '') else ${p(c)} end`,
        ])
    }
  }
  if (has('search_name')) sets.push(['search_name', s('search_name')])
  else if (newName) sets.push(['search_name', followSearchName(newName)])
  if (!sets.length) return
  const changed = any(sets.map(([c, e]) => sql<SqlBool>`${p(c)} <> ${e}`))
  await sql`update contacts as p set
      ${sql.join(sets.map(([c, e]) => sql`${sql.ref(c)} = ${e}`))},
      last_date_modified = case when ${changed} then ${todayValue(o)} else ${p('last_date_modified')} end
    from contact_import_rows s
    where p.no = s.no and s.errors = '' and s.is_new = 0 and s.eff_type = ${type}`.execute(trx)
}

/**
 * BC `DoModify` of a company (contact-inheritance.ts propagateToPersons), for every company of the file at
 * once: its persons get its new name, and each inherited field that changed where they still had the
 * company's old value (the address where their address was the company's old one).
 */
export async function propagateToPersons(trx: Tx, o: ApplyOptions): Promise<void> {
  const f = o.setup
  const b = (c: string) => col('b', c)
  const a = (c: string) => col('a', c)
  const sets: [string, Sql][] = []
  const conds: RawBuilder<SqlBool>[] = []
  if (o.present.has('name')) {
    sets.push([
      'company_name',
      sql`case when ${b('name')} <> ${a('name')} then ${a('name')} else ${p('company_name')} end`,
    ])
    conds.push(sql<SqlBool>`${b('name')} <> ${a('name')}`)
  }
  const perField = (c: string, on: boolean) => {
    if (!on || !o.present.has(c)) return
    const follows = sql<SqlBool>`(${b(c)} <> ${a(c)} and ${p(c)} = ${b(c)})`
    sets.push([c, sql`case when ${follows} then ${a(c)} else ${p(c)} end`])
    conds.push(follows)
  }
  perField('salesperson_code', f.inheritSalespersonCode)
  perField('language_code', f.inheritLanguageCode)
  perField('country_region_code', f.inheritAddressDetails)
  for (const c of COMMUNICATION_COLUMNS) perField(c, f.inheritCommunicationDetails)
  const addressInFile = ADDRESS_COLUMNS.filter((c) => o.present.has(c))
  if (f.inheritAddressDetails && addressInFile.length) {
    const identical = sql<SqlBool>`(${sql.join(
      ADDRESS_IDENTITY.map((c) => sql`${p(c)} = ${b(c)}`),
      sql` and `,
    )})`
    for (const c of addressInFile)
      sets.push([c, sql`case when ${b(c)} <> ${a(c)} and ${identical} then ${a(c)} else ${p(c)} end`])
    conds.push(sql<SqlBool>`(${identical} and ${any(addressInFile.map((c) => sql<SqlBool>`${b(c)} <> ${a(c)}`))})`)
  }
  if (!sets.length) return
  await sql`update contacts as p set
      ${sql.join(sets.map(([c, e]) => sql`${sql.ref(c)} = ${e}`))},
      last_date_modified = ${todayValue(o)}
    from contact_import_before b join contacts a on a.no = b.no
    where b.type = 'Company' and p.company_no = b.no and p.type = 'Person' and p.no <> b.no and ${any(conds)}`.execute(
    trx,
  )
}

/**
 * Persons of the file that moved to another company (BC Company No. OnValidate, contacts.ts updateContact):
 * the new company's name, what they inherit from it (InheritCompanyToPersonData: what the file did not
 * give, the address and communication details where blank or still the old company's), their interaction
 * log entries re-pointed (UpdateCompanyNo) and their profile answers' company.
 */
export async function moveToCompany(trx: Tx, o: ApplyOptions): Promise<void> {
  if (!o.present.has('company_no')) return
  const f = o.setup
  const free = (c: string) => !o.present.has(c)
  const nc = (c: string) => col('nc', c)
  const oc = (c: string) => col('oc', c)
  const joined = sql<SqlBool>`${nc('no')} is not null`
  const sets: [string, Sql][] = [['company_name', sql`coalesce(${nc('name')}, '')`]]
  const fromCompany = (c: string) => sql`case when ${joined} then ${nc(c)} else ${p(c)} end`
  if (f.inheritSalespersonCode && free('salesperson_code'))
    sets.push(['salesperson_code', fromCompany('salesperson_code')])
  if (f.inheritLanguageCode && free('language_code')) sets.push(['language_code', fromCompany('language_code')])
  if (f.inheritAddressDetails) {
    if (free('country_region_code')) sets.push(['country_region_code', fromCompany('country_region_code')])
    if (ADDRESS_COLUMNS.every(free)) {
      const blank = sql.join(
        ADDRESS_IDENTITY.map((c) => sql`${p(c)} = ''`),
        sql` and `,
      )
      const oldOnes = sql.join(
        ADDRESS_IDENTITY.map((c) => sql`${p(c)} = ${oc(c)}`),
        sql` and `,
      )
      const stale = sql<SqlBool>`(${blank} or (${oc('no')} is not null and ${oldOnes}))`
      for (const c of ADDRESS_COLUMNS)
        sets.push([c, sql`case when ${joined} and ${stale} then ${nc(c)} else ${p(c)} end`])
    }
  }
  if (f.inheritCommunicationDetails)
    for (const c of [...COMMUNICATION_COLUMNS, 'correspondence_type'])
      if (free(c))
        sets.push([
          c,
          sql`case when ${joined} and (${p(c)} = '' or (${oc('no')} is not null and ${p(c)} = ${oc(c)})) then ${nc(c)} else ${p(c)} end`,
        ])
  const moved = sql<SqlBool>`s.errors = '' and s.is_new = 0 and b.type = 'Person' and s.company_no <> b.company_no`
  await sql`update contacts as p set
      ${sql.join(sets.map(([c, e]) => sql`${sql.ref(c)} = ${e}`))},
      last_date_modified = ${todayValue(o)}
    from contact_import_rows s join contact_import_before b on b.no = s.no
      left join contacts nc on nc.no = s.company_no and nc.type = 'Company'
      left join contacts oc on oc.no = b.company_no
    where p.no = s.no and ${moved}`.execute(trx)
  const through = sql`from contact_import_rows s join contact_import_before b on b.no = s.no where ${moved}`
  await sql`update interaction_log_entries set contact_no = b.company_no ${through} and b.company_no <> ''
      and interaction_log_entries.contact_company_no = b.company_no and interaction_log_entries.contact_no = s.no`.execute(
    trx,
  )
  await sql`update interaction_log_entries set contact_company_no = s.company_no ${through} and b.company_no = ''
      and interaction_log_entries.contact_company_no = '' and interaction_log_entries.contact_no = s.no`.execute(trx)
  await sql`update contact_profile_answers set contact_company_no = s.company_no ${through}
      and contact_profile_answers.contact_no = s.no`.execute(trx)
}
