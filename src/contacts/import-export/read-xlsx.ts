import type { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { validationFailed } from '../../errors.js'
import type { SourceRecord } from './read-csv.js'

/** A cell's value as the text a CSV file would hold. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; formula?: string }
    if (o.richText) return o.richText.map((r) => r.text).join('')
    if ('text' in o) return cellText(o.text)
    if ('result' in o || 'formula' in o) return cellText(o.result)
    if (o.error) return o.error
  }
  return String(v)
}

/**
 * Streams the rows of the first worksheet of an XLSX file with exceljs' streaming reader; `row` is the
 * sheet's own row number. Rows shorter than the header (Excel leaves trailing empty cells out) are padded,
 * blank rows are skipped.
 */
export async function* readXlsxRecords(input: Readable | string): AsyncGenerator<SourceRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input as never, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  })
  let width = -1
  let sheets = 0
  try {
    for await (const sheet of reader) {
      // Only the first worksheet is read; the reader skips the others' data by itself.
      if (sheets++ > 0) continue
      for await (const r of sheet) {
        const values = r.values as unknown[]
        const cells: string[] = []
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]))
        if (cells.every((c) => c === '')) continue
        if (width < 0) width = cells.length
        else {
          while (cells.length < width) cells.push('')
          while (cells.length > width && cells[cells.length - 1] === '') cells.pop()
        }
        yield { row: r.number, cells }
      }
    }
  } catch (e) {
    if (e instanceof Error && /signature|zip|end of central|invalid/i.test(e.message))
      throw validationFailed([{ path: 'file', message: `is not a valid XLSX file: ${e.message}` }])
    throw e
  } finally {
    if (typeof input !== 'string') input.destroy()
  }
}
