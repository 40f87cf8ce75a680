import { once } from 'node:events'
import { PassThrough, Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import ExcelJS from 'exceljs'
import type { Kysely } from 'kysely'
import { applyWhere, type ListParams } from '../../api/list-query.js'
import { neutraliseFormula } from '../../csv/formula-cells.js'
import type { DB } from '../../db/schema.js'
import { CONTACT_FIELDS, type Contact } from '../contact-fields.js'
import { selectContacts, toContact } from '../contacts.js'

export type ExportFormat = 'csv' | 'xlsx'

/** Export columns: every contact field by its API name, so that an export re-imports as it is. */
export const EXPORT_COLUMNS = CONTACT_FIELDS.map((f) => f.name)
const BOOLEAN_FIELDS = new Set(CONTACT_FIELDS.filter((f) => f.type === 'boolean').map((f) => f.name))

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/**
 * The contacts a list filter selects, in No. order, read a page at a time by key (`no > last LIMIT n`):
 * a deep page costs what the first does (DESIGN.md), and memory holds one page.
 */
export async function* contactsByKey(
  db: Kysely<DB>,
  p: Pick<ListParams, 'where'>,
  pageSize = 1000,
): AsyncGenerator<Contact> {
  let last: string | undefined
  for (;;) {
    let q = applyWhere(selectContacts(db), p)
    if (last !== undefined) q = q.where('c.no', '>', last)
    const rows = await q.orderBy('c.no').limit(pageSize).execute()
    for (const row of rows) yield toContact(row)
    if (rows.length < pageSize) return
    last = rows[rows.length - 1].no
  }
}

/** CSV: a header row of field names, booleans as true/false, blank dates empty, formulas neutralised. */
export function contactsCsv(contacts: AsyncIterable<Contact>): Readable {
  const out = stringify({
    header: true,
    columns: EXPORT_COLUMNS,
    cast: { boolean: (b) => (b ? 'true' : 'false'), string: neutraliseFormula },
  })
  Readable.from(contacts)
    .on('error', (e) => out.destroy(e))
    .pipe(out)
  return out
}

/** XLSX through exceljs' streaming writer: one worksheet "Contacts", rows committed as they are written. */
export function contactsXlsx(contacts: AsyncIterable<Contact>): Readable {
  const out = new PassThrough()
  const write = async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false })
    const sheet = workbook.addWorksheet('Contacts')
    sheet.addRow(EXPORT_COLUMNS).commit()
    let n = 0
    for await (const c of contacts) {
      const record = c as unknown as Record<string, unknown>
      sheet
        .addRow(EXPORT_COLUMNS.map((name) => (BOOLEAN_FIELDS.has(name) ? record[name] : (record[name] ?? ''))))
        .commit()
      // Let the client catch up now and then, so a slow download does not pile the file up in memory.
      if (++n % 1000 === 0 && out.writableNeedDrain) await once(out, 'drain')
    }
    sheet.commit()
    await workbook.commit()
  }
  write().catch((e) => out.destroy(e as Error))
  return out
}

export function exportContacts(db: Kysely<DB>, p: Pick<ListParams, 'where'>, format: ExportFormat): Readable {
  const rows = contactsByKey(db, p)
  return format === 'xlsx' ? contactsXlsx(rows) : contactsCsv(rows)
}
