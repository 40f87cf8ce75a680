import type { Writable } from 'node:stream'
import { stringify } from 'csv-stringify/sync'
import ExcelJS from 'exceljs'
import { neutraliseFormula } from '../../csv/formula-cells.js'
import type { Tx } from '../../db/transaction.js'
import { EXPORT_COLUMNS, type ExportRow, segmentContactPages } from './segment-contact-rows.js'

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** `segment-<no>.<format>`, with characters a file name or header cannot hold replaced. */
export function exportFileName(segmentNo: string, format: ExportFormat): string {
  return `segment-${segmentNo.replace(/[^A-Za-z0-9._-]/g, '_')}.${format}`
}

/** Waits until the stream takes more, or fails when it is closed or broken before (a client went away). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain)
      out.off('close', onClose)
      out.off('error', done)
      if (err) reject(err)
      else resolve()
    }
    const onDrain = () => done()
    const onClose = () => done(new Error('The export stream was closed before the export ended.'))
    out.on('drain', onDrain)
    out.on('close', onClose)
    out.on('error', done)
  })
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await drained(out)
}

// Text that a spreadsheet would run as a formula is written with a leading ' (formula-cells.ts).
const CSV_OPTIONS = { cast: { string: neutraliseFormula } }

/** CSV: a caption row, then one row per line; each page is stringified and written as it comes. */
async function writeCsv(pages: AsyncIterable<ExportRow[]>, out: Writable): Promise<void> {
  await write(out, stringify([EXPORT_COLUMNS.map((c) => c.caption)], CSV_OPTIONS))
  for await (const rows of pages) await write(out, stringify(rows, CSV_OPTIONS))
  out.end()
}

/** XLSX through exceljs' streaming writer: each row is committed (written out) as it is added. */
async function writeXlsx(pages: AsyncIterable<ExportRow[]>, out: Writable, sheetName: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false })
  const sheet = wb.addWorksheet(sheetName)
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.caption, key: c.key, width: c.width }))
  for await (const rows of pages) {
    for (const r of rows) sheet.addRow(r).commit()
    if (out.writableNeedDrain) await drained(out)
  }
  sheet.commit()
  await wb.commit()
}

/**
 * Writes a segment's contacts to `out` and ends it. Streams: one page of lines in memory at a time.
 * The caller checks that the segment exists first (an empty segment exports the caption row only).
 */
export async function writeSegmentExport(
  db: Tx,
  segmentNo: string,
  format: ExportFormat,
  out: Writable,
): Promise<void> {
  const pages = segmentContactPages(db, segmentNo)
  if (format === 'csv') await writeCsv(pages, out)
  // Sheet names hold at most 31 characters and none of []:*?/\
  else await writeXlsx(pages, out, `Segment ${segmentNo}`.replace(/[[\]:*?/\\]/g, '-').slice(0, 31))
}
