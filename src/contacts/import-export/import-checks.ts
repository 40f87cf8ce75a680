import { type RawBuilder, sql } from 'kysely'
import type { Tx } from '../../db/transaction.js'
import type { MarketingSetup } from '../../setup/marketing-setup.js'
import { RECORD, UNIT } from './import-staging.js'

/**
 * The checks of an import that need the database or the other rows of the file, each one UPDATE over the
 * staging table that appends a reason to the rows it rejects. They mirror what the contact card checks
 * (`contacts.ts`, `contact-checks.ts`) with the same texts. Order matters only where a check reads another
 * row's verdict: the company check last, so a person may point to a company of the same file only when
 * that company's row is good.
 */

const text = (v: string) => sql`cast(${v} as text)`

/** Appends `path: message` to the errors of the staging rows matching `where`. */
async function reject(
  trx: Tx,
  path: string,
  message: RawBuilder<unknown> | string,
  where: RawBuilder<unknown>,
): Promise<void> {
  const msg = typeof message === 'string' ? text(message) : message
  await sql`update contact_import_rows set errors = errors || ${text(path + UNIT)} || ${msg} || ${text(RECORD)}
    where ${where}`.execute(trx)
}

/** `'<before>' || column || '<after>'`: a message quoting the row's own value. */
const quoting = (before: string, column: string, after: string) =>
  sql`${text(before)} || coalesce(${sql.ref(column)}, '') || ${text(after)}`

/**
 * Which rows update an existing contact, and the type each row's contact has after the import (a new
 * row without a type is a Company, BC's InitValue).
 */
export async function markExisting(trx: Tx, typeInFile: boolean): Promise<void> {
  // A type that failed its check is NULL and stays so: such a row is rejected anyway.
  const newType = typeInFile ? sql`case when type = '' then 'Company' else type end` : sql`'Company'`
  await sql`update contact_import_rows set
      eff_type = coalesce((select c.type from contacts c where c.no = contact_import_rows.no), ${newType}),
      is_new = case when exists (select 1 from contacts c where c.no = contact_import_rows.no) then 0 else 1 end`.execute(
    trx,
  )
}

export async function checkRows(
  trx: Tx,
  present: Set<string>,
  setup: MarketingSetup,
  series: { code: string; allow_manual_nos: number } | undefined,
): Promise<void> {
  await reject(
    trx,
    'no',
    'appears in more than one row of the file',
    sql`no <> '' and exists (select 1 from contact_import_rows s
      where s.no = contact_import_rows.no and s.row_no <> contact_import_rows.row_no)`,
  )

  if (present.has('type'))
    await reject(
      trx,
      'type',
      sql`${text('cannot be changed from ')} || eff_type || ${text(' to ')} || type || ${text(' by an import; change it on the contact card')}`,
      sql`is_new = 0 and type <> '' and type <> eff_type`,
    )

  if (present.has('company_no'))
    // BC TypeChange: a company's Company No. is its own No. (contacts.ts: typeMustBe(…, 'Person')).
    await reject(
      trx,
      'companyNo',
      quoting("Type must be equal to 'Person'  in Contact: No.=", 'no', ". Current value is 'Company'."),
      sql`eff_type = 'Company' and company_no <> '' and no is not null and company_no <> no`,
    )

  if (present.has('salesperson_code')) {
    await reject(
      trx,
      'salespersonCode',
      quoting(
        "The Salesperson/Purchaser does not exist. Identification fields and values: Code='",
        'salesperson_code',
        "'",
      ),
      sql`salesperson_code <> '' and not exists (select 1 from salespeople sp where sp.code = contact_import_rows.salesperson_code)`,
    )
    await reject(
      trx,
      'salespersonCode',
      quoting(
        "Blocked must be equal to 'No'  in Salesperson/Purchaser: Code=",
        'salesperson_code',
        ". Current value is 'Yes'.",
      ),
      sql`salesperson_code <> '' and exists (select 1 from salespeople sp where sp.code = contact_import_rows.salesperson_code and sp.blocked <> 0)`,
    )
  }
  if (present.has('language_code'))
    await reject(
      trx,
      'languageCode',
      quoting("The Language does not exist. Identification fields and values: Code='", 'language_code', "'"),
      sql`language_code <> '' and not exists (select 1 from languages l where l.code = contact_import_rows.language_code)`,
    )

  // Numbers (BC NoSeries, as setup/number-series.ts assignNo): a blank No. needs the series, a typed one a
  // series that allows manual numbers.
  if (!setup.contactNos)
    await reject(
      trx,
      'no',
      'Contact Nos. must have a value in Marketing Setup: Primary Key=. It cannot be zero or empty.',
      sql`is_new = 1 and no = ''`,
    )
  else if (!series)
    await reject(
      trx,
      'no',
      `The No. Series does not exist. Identification fields and values: Code='${setup.contactNos}'`,
      sql`is_new = 1 and no = ''`,
    )
  else if (!series.allow_manual_nos)
    await reject(
      trx,
      'no',
      `You may not enter numbers manually. If you want to enter numbers manually, please activate Manual Nos. in No. Series ${series.code}.`,
      sql`is_new = 1 and no <> ''`,
    )

  if (present.has('company_no')) {
    // A person's company: a Company contact already there, or a good Company row of this file (its
    // number given). Same text for "missing" and "not a company", BC's table-relation error.
    await sql`update contact_import_rows set ref_type = coalesce(
        (select s.eff_type from contact_import_rows s
          where s.no = contact_import_rows.company_no and s.errors = '' limit 1),
        (select c.type from contacts c where c.no = contact_import_rows.company_no))
      where eff_type = 'Person' and company_no <> ''`.execute(trx)
    await reject(
      trx,
      'companyNo',
      quoting(
        'The field Company No. of table Contact contains a value (',
        'company_no',
        ') that cannot be found in the related table (Contact).',
      ),
      sql`eff_type = 'Person' and company_no <> '' and (ref_type is null or ref_type <> 'Company')`,
    )
    await reject(
      trx,
      'companyNo',
      'You cannot change Company No. because one or more unlogged segments are assigned to the contact.',
      sql`is_new = 0 and eff_type = 'Person'
        and company_no <> (select c.company_no from contacts c where c.no = contact_import_rows.no)
        and exists (select 1 from segment_lines l where l.contact_no = contact_import_rows.no)`,
    )
  }
}
