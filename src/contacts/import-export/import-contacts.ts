import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { inTransaction, type Tx } from '../../db/transaction.js'
import { type FieldError, validationFailed } from '../../errors.js'
import { getMarketingSetup } from '../../setup/marketing-setup.js'
import type { ContactContext } from '../contacts.js'
import {
  type ApplyOptions,
  assignNumbers,
  insertNew,
  moveToCompany,
  propagateToPersons,
  updateExisting,
} from './import-apply.js'
import { checkRows, markExisting } from './import-checks.js'
import { readHeader } from './import-columns.js'
import { type ImportLimits, importLimits } from './import-limits.js'
import {
  createStaging,
  dropStaging,
  indexStaging,
  RECORD,
  StageWriter,
  snapshotBefore,
  snapshotCompanies,
  stageRecord,
  UNIT,
} from './import-staging.js'
import { readCsvRecords, type SourceRecord } from './read-csv.js'
import { withXlsxRecords } from './read-xlsx.js'

export interface RejectedRow {
  /** The row as a spreadsheet shows it: the header is row 1, the first data row 2. */
  row: number
  errors: FieldError[]
}

export interface ImportResult {
  inserted: number
  updated: number
  rejected: RejectedRow[]
}

export type ImportFormat = 'csv' | 'xlsx'

/**
 * Imports contacts from the records of a file (header first), in the caller's transaction:
 *
 * 1. each row is read by the API's field rules in JavaScript and staged, 1,000 rows per INSERT;
 * 2. set-based checks reject rows (duplicate No., unknown salesperson or language, a person's company that
 *    does not exist or is a person — a company of the same file counts —, numbering rules…);
 * 3. good rows without a No. get numbers from the contact series, a block at a time;
 * 4. INSERT … SELECT new companies, UPDATE … FROM existing companies and their persons (BC DoModify),
 *    INSERT … SELECT new persons (defaults and inheritance in the SELECT), UPDATE … FROM existing persons
 *    (and the rules of a person changing company).
 *
 * Good rows are written, bad rows are reported with their reasons; nothing is written when the header is
 * wrong or the file cannot be read. JavaScript never loops over contacts in the database, and memory does
 * not grow with the file (only the list of rejected rows does).
 */
export async function importContacts(
  trx: Tx,
  records: AsyncIterable<SourceRecord>,
  ctx: ContactContext,
): Promise<ImportResult> {
  const it = records[Symbol.asyncIterator]()
  try {
    return await importRecords(trx, it, ctx)
  } finally {
    // Closes the file when the import stops early (a bad header, a failed statement).
    await it.return?.(undefined)
  }
}

async function importRecords(trx: Tx, it: AsyncIterator<SourceRecord>, ctx: ContactContext): Promise<ImportResult> {
  const { dialect } = ctx
  const first = await it.next()
  if (first.done) throw validationFailed([{ path: 'file', message: 'has no header row' }])
  const columns = readHeader(first.value.cells)

  await createStaging(trx, dialect)
  const writer = new StageWriter(trx, dialect)
  for (let r = await it.next(); !r.done; r = await it.next()) await writer.add(stageRecord(r.value, columns))
  await writer.flush()
  await indexStaging(trx, dialect)

  const setup = await getMarketingSetup(trx)
  const series = setup.contactNos
    ? await trx
        .selectFrom('number_series')
        .select(['code', 'allow_manual_nos'])
        .where('code', '=', setup.contactNos)
        .executeTakeFirst()
    : undefined
  await markExisting(trx, columns.present.has('type'))
  await checkRows(trx, columns.present, setup, series)
  if (series) await assignNumbers(trx, dialect, series.code)

  const counts = (
    await sql<{ inserted: number; updated: number }>`select
        coalesce(sum(case when is_new = 1 then 1 else 0 end), 0) as inserted,
        coalesce(sum(case when is_new = 0 then 1 else 0 end), 0) as updated
      from contact_import_rows where errors = ''`.execute(trx)
  ).rows[0]

  const o: ApplyOptions = {
    dialect,
    setup,
    present: columns.present,
    today: ctx.today ?? new Date().toISOString().slice(0, 10),
    userSalespersonCode: ctx.userSalespersonCode,
  }
  await snapshotBefore(trx, dialect)
  await insertNew(trx, 'Company', o)
  await updateExisting(trx, 'Company', o)
  await propagateToPersons(trx, o)
  await snapshotCompanies(trx, dialect)
  await insertNew(trx, 'Person', o)
  await updateExisting(trx, 'Person', o)
  await moveToCompany(trx, o)

  const rejected = (
    await sql<{ row_no: number; errors: string }>`select row_no, errors from contact_import_rows
      where errors <> '' order by row_no`.execute(trx)
  ).rows.map((r) => ({ row: Number(r.row_no), errors: parseErrors(r.errors) }))
  await dropStaging(trx, dialect)
  const inserted = Number(counts.inserted)
  // DESIGN.md: PostgreSQL plans well only with fresh statistics after a bulk load.
  if (dialect === 'postgres' && inserted >= 10_000) await sql`analyze contacts`.execute(trx)
  return { inserted, updated: Number(counts.updated), rejected }
}

function parseErrors(text: string): FieldError[] {
  return text
    .split(RECORD)
    .filter(Boolean)
    .map((e) => {
      const [path, message] = e.split(UNIT)
      return { path, message }
    })
}

/**
 * One import in one transaction: reads the file `input` (a path or a stream; CSV or XLSX) and returns the
 * counts. An XLSX workbook is first read in a worker thread within `limits` (read-xlsx.ts), before the
 * transaction starts; a CSV file streams into it.
 *
 * On SQLite the connection keeps temporary storage in memory (connection.ts), and SQLite's big multi-row
 * statements put work data there that grows with the rows they touch (the rowids and new values of an
 * UPDATE … FROM, statement journals): 115 MB more at 400,000 rows. For the import it is switched to temp
 * files (which the OS caches) and back afterwards; the pragma can only change outside a transaction, and
 * the one connection is not shared while the import's transaction holds it.
 */
export async function runContactImport(
  db: Kysely<DB>,
  input: Readable | string,
  format: ImportFormat,
  ctx: ContactContext,
  limits: ImportLimits = importLimits(),
): Promise<ImportResult> {
  if (format === 'xlsx') return withXlsxRecords(input, limits, (records) => runInTransaction(db, records, ctx))
  return runInTransaction(db, readCsvRecords(typeof input === 'string' ? createReadStream(input) : input), ctx)
}

async function runInTransaction(
  db: Kysely<DB>,
  records: AsyncGenerator<SourceRecord>,
  ctx: ContactContext,
): Promise<ImportResult> {
  const run = () => inTransaction(db, (trx) => importContacts(trx, records, ctx))
  if (ctx.dialect !== 'sqlite') return run()
  const before = (await sql<{ temp_store: number }>`pragma temp_store`.execute(db)).rows[0]?.temp_store ?? 0
  await sql`pragma temp_store = file`.execute(db)
  try {
    return await run()
  } finally {
    await sql.raw(`pragma temp_store = ${Number(before)}`).execute(db)
  }
}
