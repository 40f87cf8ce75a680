import { type RawBuilder, sql } from 'kysely'
import type { Dialect } from '../../db/connection.js'
import type { Tx } from '../../db/transaction.js'
import { nameBreakdown } from '../contact-names.js'
import { IMPORT_FIELDS, type ImportColumns, parseCell } from './import-columns.js'
import type { SourceRecord } from './read-csv.js'

/**
 * The work tables of one import. They live inside the import's transaction: on PostgreSQL as TEMP tables
 * dropped at commit (they spill to disk past temp_buffers), on SQLite as ordinary tables created and dropped
 * in the transaction (SQLite's temp store is in memory here, which would make memory grow with the file).
 * Either way a crash or a rollback leaves nothing behind. Only one import runs at a time on SQLite (BEGIN
 * IMMEDIATE), and PostgreSQL temp tables belong to their session, so fixed names are safe.
 *
 * - `contact_import_rows`: one row per data row of the file: its values as read (NULL = column not in the
 *   file, or a value that failed its check), `errors` (path US message RS …, '' when the row is good), what
 *   the checks derive (`is_new`, `eff_type`, `ref_type`, `seq`) and the name rule to apply (`name_mode`:
 *   'parts' = name from first/middle/surname, 'name' = name as given and parts from BC's NameBreakdown in
 *   `bd_*`, NULL = name untouched).
 * - `contact_import_nos`: numbers taken from the contact series for new rows without a number.
 * - `contact_import_before`: the updated contacts as they were, for the company → person rules.
 * - `contact_import_companies`: the companies new persons join, as they are once the file's companies are
 *   written. New persons are inserted from it rather than from a join on `contacts`, because SQLite answers
 *   `INSERT INTO t SELECT … FROM t` by first copying the whole result into a temp table (in memory here).
 */
export const STAGE_TABLES = [
  'contact_import_rows',
  'contact_import_nos',
  'contact_import_before',
  'contact_import_companies',
] as const

/** Separators of `errors`: ASCII unit and record separators never occur in a message. */
export const UNIT = '\x1f'
export const RECORD = '\x1e'

const NAME_PARTS = ['first_name', 'middle_name', 'surname'] as const

function tableHead(dialect: Dialect, name: string): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql.raw(`create temp table ${name}`) : sql.raw(`create table ${name}`)
}
const onCommit = (dialect: Dialect) => sql.raw(dialect === 'postgres' ? ' on commit drop' : '')

export async function createStaging(trx: Tx, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') for (const t of STAGE_TABLES) await sql.raw(`drop table if exists ${t}`).execute(trx)
  const valueColumns = IMPORT_FIELDS.filter((f) => f.column !== 'no').map((f) =>
    sql.raw(`${f.column} ${f.type === 'boolean' ? 'integer' : 'text'}`),
  )
  await sql`${tableHead(dialect, 'contact_import_rows')} (
      row_no integer primary key,
      errors text not null default '',
      is_new integer not null default 1,
      eff_type text,
      ref_type text,
      seq integer,
      name_mode text,
      bd_first text,
      bd_middle text,
      bd_surname text,
      no text,
      ${sql.join(valueColumns)}
    )${onCommit(dialect)}`.execute(trx)
  await sql`${tableHead(dialect, 'contact_import_nos')} (ord integer primary key, no text not null)${onCommit(dialect)}`.execute(
    trx,
  )
}

/** After loading: the index the checks and joins probe, and (PostgreSQL) statistics, since autovacuum never sees temp tables. */
export async function indexStaging(trx: Tx, dialect: Dialect): Promise<void> {
  await sql`create index contact_import_rows_no on contact_import_rows (no)`.execute(trx)
  if (dialect === 'postgres') await sql`analyze contact_import_rows`.execute(trx)
}

/** Snapshot of the contacts about to be updated: what BC's rules compare with ("still the company's old value"). */
export async function snapshotBefore(trx: Tx, dialect: Dialect): Promise<void> {
  await sql`${tableHead(dialect, 'contact_import_before')}${onCommit(dialect)} as
      select c.no, c.type, c.name, c.company_no, c.salesperson_code, c.language_code, c.country_region_code,
             c.address, c.address2, c.post_code, c.city, c.county, c.phone_no, c.mobile_phone_no, c.email
      from contacts c join contact_import_rows s on s.no = c.no
      where s.errors = '' and s.is_new = 0`.execute(trx)
  await sql`create index contact_import_before_no on contact_import_before (no)`.execute(trx)
  if (dialect === 'postgres') await sql`analyze contact_import_before`.execute(trx)
}

/** The companies the new persons of the file join (see `contact_import_companies`). */
export async function snapshotCompanies(trx: Tx, dialect: Dialect): Promise<void> {
  await sql`${tableHead(dialect, 'contact_import_companies')}${onCommit(dialect)} as
      select c.no, c.name, c.salesperson_code, c.language_code, c.country_region_code, c.address, c.address2,
             c.city, c.post_code, c.county, c.phone_no, c.mobile_phone_no, c.email, c.correspondence_type
      from contacts c
      where c.type = 'Company' and c.no in (select s.company_no from contact_import_rows s
        where s.errors = '' and s.is_new = 1 and s.eff_type = 'Person' and s.company_no <> '')`.execute(trx)
  await sql`create index contact_import_companies_no on contact_import_companies (no)`.execute(trx)
  if (dialect === 'postgres') await sql`analyze contact_import_companies`.execute(trx)
}

/** PostgreSQL drops the TEMP tables at commit; SQLite's must go before it. */
export async function dropStaging(trx: Tx, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') for (const t of STAGE_TABLES) await sql.raw(`drop table if exists ${t}`).execute(trx)
}

export const errorText = (path: string, message: string) => `${path}${UNIT}${message}${RECORD}`

/**
 * One file row → one staging row: each cell read by the API's rules; a bad cell becomes NULL and an
 * error. Every staging row of an import has the same keys, so a chunk is one multi-row INSERT.
 */
export function stageRecord(rec: SourceRecord, cols: ImportColumns): Record<string, unknown> {
  // `no` is '' (a new contact, numbered from the series) when the file has no such column.
  const out: Record<string, unknown> = {
    row_no: rec.row,
    errors: '',
    no: '',
    name_mode: null,
    bd_first: null,
    bd_middle: null,
    bd_surname: null,
  }
  for (const c of cols.present) out[c] = null
  if (rec.cells.length !== cols.byIndex.length) {
    out.errors = errorText('row', `has ${rec.cells.length} values; the header has ${cols.byIndex.length} columns`)
    return out
  }
  let errors = ''
  for (let i = 0; i < rec.cells.length; i++) {
    const f = cols.byIndex[i]
    if (!f) continue
    if (rec.notUtf8?.includes(i)) {
      errors += errorText(f.name, 'is not UTF-8 text: save the file as CSV UTF-8')
      continue
    }
    const r = parseCell(f, rec.cells[i])
    if (r.error !== undefined) errors += errorText(f.name, r.error)
    else out[f.column] = r.value
  }
  out.errors = errors
  // BC Contact: a person's name follows first/middle/surname when they are given, otherwise a name given
  // as a whole is broken into them (contact-names.ts). Companies ignore this in SQL.
  const partsPresent = NAME_PARTS.filter((c) => cols.present.has(c))
  const hasName = cols.present.has('name')
  if (partsPresent.length && (!hasName || partsPresent.some((c) => out[c]))) out.name_mode = 'parts'
  else if (hasName) {
    const bd = nameBreakdown(typeof out.name === 'string' ? out.name : '')
    out.name_mode = 'name'
    out.bd_first = bd.first_name
    out.bd_middle = bd.middle_name
    out.bd_surname = bd.surname
  }
  return out
}

/**
 * Collects staging rows and writes them 1,000 at a time in one statement: a multi-row INSERT on SQLite
 * (≤ 30,000 bound values: SQLite's limit is 32,766), and on PostgreSQL one JSON parameter expanded by
 * `json_populate_recordset` (binding 26,000 separate parameters costs PostgreSQL and pg far more).
 */
export class StageWriter {
  private rows: Record<string, unknown>[] = []
  private perInsert = 0
  constructor(
    private readonly trx: Tx,
    private readonly dialect: Dialect,
  ) {}

  async add(row: Record<string, unknown>): Promise<void> {
    if (!this.perInsert)
      this.perInsert =
        this.dialect === 'postgres' ? 1000 : Math.max(1, Math.min(1000, Math.floor(30000 / Object.keys(row).length)))
    this.rows.push(row)
    if (this.rows.length >= this.perInsert) await this.flush()
  }

  async flush(): Promise<void> {
    if (!this.rows.length) return
    const rows = this.rows
    this.rows = []
    if (this.dialect === 'postgres') {
      const columns = sql.join(Object.keys(rows[0]).map((c) => sql.ref(c)))
      await sql`insert into contact_import_rows (${columns})
        select ${columns} from json_populate_recordset(null::contact_import_rows, ${JSON.stringify(rows)}::json)`.execute(
        this.trx,
      )
    } else
      await this.trx
        .insertInto('contact_import_rows' as never)
        .values(rows as never)
        .execute()
  }
}
