import { sql } from 'kysely'
import type { Tx } from '../../db/transaction.js'

/** The exported columns: BC captions and the value of a line joined to its contact. */
export const EXPORT_COLUMNS = [
  { caption: 'Line No.', key: 'line_no', width: 10 },
  { caption: 'Contact No.', key: 'contact_no', width: 14 },
  { caption: 'Name', key: 'name', width: 30 },
  { caption: 'Company No.', key: 'company_no', width: 14 },
  { caption: 'Company Name', key: 'company_name', width: 30 },
  { caption: 'Type', key: 'type', width: 10 },
  { caption: 'Job Title', key: 'job_title', width: 20 },
  { caption: 'Address', key: 'address', width: 30 },
  { caption: 'Address 2', key: 'address2', width: 20 },
  { caption: 'Post Code', key: 'post_code', width: 10 },
  { caption: 'City', key: 'city', width: 20 },
  { caption: 'Country/Region Code', key: 'country_region_code', width: 10 },
  { caption: 'Phone No.', key: 'phone_no', width: 16 },
  { caption: 'Mobile Phone No.', key: 'mobile_phone_no', width: 16 },
  { caption: 'Email', key: 'email', width: 30 },
  { caption: 'Language Code', key: 'language_code', width: 10 },
  { caption: 'Salesperson Code', key: 'salesperson_code', width: 10 },
  { caption: 'Correspondence Type', key: 'correspondence_type', width: 12 },
  // The line's own values, as numbers: exact amounts (src/db/money.ts), so a sum of the column is the header's.
  { caption: 'Cost (LCY)', key: 'cost_lcy', width: 12 },
  { caption: 'Duration (Min.)', key: 'duration_min', width: 12 },
] as const

export type ExportRow = (string | number)[]

/** Rows per query: memory holds one page, never the segment. */
export const PAGE_SIZE = 1000

/** Columns of the line (the rest are the contact's). */
const LINE_COLUMNS: ReadonlySet<string> = new Set(['line_no', 'contact_no', 'cost_lcy', 'duration_min'])
const NUMBER_COLUMNS: ReadonlySet<string> = new Set(['line_no', 'cost_lcy', 'duration_min'])
const CONTACT_COLUMNS = EXPORT_COLUMNS.map((c) => c.key).filter((k) => !LINE_COLUMNS.has(k))

/**
 * The segment's lines with their contacts' fields, in line order, one page at a time. Pages are walked
 * by key (`line_no > <last> ORDER BY line_no LIMIT 1000`), which costs the same on the last page as on the
 * first (DESIGN.md "Page by key"). A line whose contact no longer exists exports blank contact fields.
 */
export async function* segmentContactPages(
  db: Tx,
  segmentNo: string,
  pageSize = PAGE_SIZE,
): AsyncGenerator<ExportRow[]> {
  let last = -1
  for (;;) {
    const rows = await db
      .selectFrom('segment_lines as l')
      .leftJoin('contacts as c', 'c.no', 'l.contact_no')
      .select(['l.line_no', 'l.contact_no', 'l.cost_lcy', 'l.duration_min'])
      .select(CONTACT_COLUMNS.map((k) => sql<string>`coalesce(${sql.ref(`c.${k}`)}, '')`.as(k)))
      .where('l.segment_no', '=', segmentNo)
      .where('l.line_no', '>', last)
      .orderBy('l.line_no')
      .limit(pageSize)
      .execute()
    if (!rows.length) return
    yield rows.map((r) => {
      const row = r as Record<string, unknown>
      return EXPORT_COLUMNS.map((c) => (NUMBER_COLUMNS.has(c.key) ? Number(row[c.key]) : String(row[c.key] ?? '')))
    })
    last = Number(rows[rows.length - 1].line_no)
    if (rows.length < pageSize) return
  }
}
