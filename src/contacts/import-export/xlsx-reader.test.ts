import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_IMPORT_LIMITS, type ImportLimits, importLimits } from './import-limits.js'
import type { SourceRecord } from './read-csv.js'
import { sharedStringsText, sheetText, workbook, workbookParts, zipParts } from './xlsx-fixtures.js'
import { ImportLimitError, readWorkbook, XlsxFormatError } from './xlsx-reader.js'

const dir = mkdtempSync(join(tmpdir(), 'segmenta-xlsx-reader-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

/** Writes `data` to a file and reads it; `emitted` counts the records handed on before any failure. */
async function read(data: Buffer, limits: Partial<ImportLimits> = {}) {
  const file = join(dir, `w${++files}.xlsx`)
  writeFileSync(file, data)
  const records: SourceRecord[] = []
  let error: unknown
  try {
    await readWorkbook(file, { ...DEFAULT_IMPORT_LIMITS, ...limits }, async (rs) => {
      records.push(...rs)
    })
  } catch (e) {
    error = e
  }
  return { records, error }
}

const rows = (n: number, width = 2) =>
  (function* () {
    for (let i = 0; i < n; i++) yield Array.from({ length: width }, (_, k) => `r${i}c${k}`)
  })()

describe('XLSX reader', () => {
  it('reads the first worksheet of a workbook written by Excel tooling: shared strings, numbers, booleans, gaps', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('Contacts')
    wb.addWorksheet('Other').addRow(['never read'])
    ws.addRow(['no', 'name', 'postCode', 'privacyBlocked'])
    ws.addRow(['A1', { richText: [{ text: 'Rich ' }, { text: 'Text' }] }, 2100, true])
    ws.addRow([])
    ws.addRow(['A2', 'x & <y>', 1.5])
    ws.getCell('D6').value = false
    const { records, error } = await read(Buffer.from(await wb.xlsx.writeBuffer()))
    expect(error).toBeUndefined()
    expect(records).toEqual([
      { row: 1, cells: ['no', 'name', 'postCode', 'privacyBlocked'] },
      { row: 2, cells: ['A1', 'Rich Text', '2100', 'true'] },
      { row: 4, cells: ['A2', 'x & <y>', '1.5', ''] },
      { row: 6, cells: ['', '', '', 'false'] },
    ])
  })

  it('stops at the row limit while reading, not after', async () => {
    const { records, error } = await read(await workbook(sheetText(rows(5000))), { maxRows: 1000 })
    expect(error).toEqual(new ImportLimitError('maxRows'))
    // Rows came out while the sheet was read, and none past the limit.
    expect(records.length).toBeGreaterThan(0)
    expect(Math.max(...records.map((r) => r.row))).toBeLessThanOrEqual(1000)
  })

  it('stops at the cell limit', async () => {
    const { error } = await read(await workbook(sheetText(rows(10, 1000))), { maxCells: 5000 })
    expect(error).toEqual(new ImportLimitError('maxCells'))
  })

  it('stops at the shared-string limit before the worksheet is read', async () => {
    const bomb = await workbook(sheetText(rows(3)), [
      { name: 'xl/sharedStrings.xml', text: sharedStringsText(200_001) },
    ])
    const { records, error } = await read(bomb, { maxSharedStrings: 200_000 })
    expect(error).toEqual(new ImportLimitError('maxSharedStrings'))
    expect(records).toEqual([])
  })

  it('stops the bomb of the issue with the default limits: 30 million shared strings in about a megabyte', async () => {
    const bomb = await workbook(sheetText(rows(1)), [
      { name: 'xl/sharedStrings.xml', text: sharedStringsText(30_000_000) },
    ])
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024)
    const { error } = await read(bomb)
    expect(error).toEqual(new ImportLimitError('maxSharedStrings'))
  }, 120_000)

  it('counts the bytes it unpacks, whatever size the zip claims', async () => {
    // 3 MB of padding that the directory says is 100 bytes
    const padding = ' '.repeat(3000)
    const data = await workbook(sheetText(rows(1000), padding))
    const lying = await read(
      await zipParts([
        ...workbookParts(),
        { name: 'xl/worksheets/sheet1.xml', text: sheetText(rows(1000), padding), claimedSize: 100 },
      ]),
      { maxUnzippedBytes: 1024 * 1024 },
    )
    expect(lying.error).toEqual(new ImportLimitError('maxUnzippedBytes'))
    expect((await read(data, { maxUnzippedBytes: 1024 * 1024 })).error).toEqual(
      new ImportLimitError('maxUnzippedBytes'),
    )
    expect((await read(data)).records.length).toBe(1000)
  })

  it('refuses what is not a workbook: not a zip, a zip without a workbook, malformed XML, a cell past 32,767 characters', async () => {
    const cases: [Buffer, string][] = [
      [Buffer.from('no,name\nA,b\n'), 'it is not a zip file (no end of central directory)'],
      [await zipParts([{ name: 'a.txt', text: ['x'] }]), 'it has no xl/workbook.xml'],
      [await workbook(['<worksheet><sheetData><row><c><v>1</v></row>']), 'its XML is malformed: unexpected close tag.'],
      [await workbook(sheetText([['x'.repeat(32_768)]])), 'a cell holds more than 32,767 characters'],
    ]
    for (const [data, message] of cases) expect((await read(data)).error).toEqual(new XlsxFormatError(message))
  })
})

describe('import limits from the environment', () => {
  it('takes each variable that is set, in its unit, and refuses a value that is not a positive whole number', () => {
    expect(importLimits({ SEGMENTA_IMPORT_MAX_ROWS: '200', SEGMENTA_IMPORT_MAX_UNZIPPED_MB: '2' })).toEqual({
      ...DEFAULT_IMPORT_LIMITS,
      maxRows: 200,
      maxUnzippedBytes: 2 * 1024 * 1024,
    })
    expect(importLimits({})).toEqual({
      maxRows: 1_048_576,
      maxCells: 40_000_000,
      maxSharedStrings: 10_000_000,
      maxUnzippedBytes: 4096 * 1024 * 1024,
      workerMemoryMb: 1024,
    })
    for (const bad of ['0', '-5', '1e6', '10k'])
      expect(() => importLimits({ SEGMENTA_IMPORT_MAX_CELLS: bad })).toThrow(
        `SEGMENTA_IMPORT_MAX_CELLS must be a positive whole number, not "${bad}".`,
      )
    expect(() => importLimits({ SEGMENTA_IMPORT_MAX_UNZIPPED_MB: 'x' })).toThrow(
      'SEGMENTA_IMPORT_MAX_UNZIPPED_MB must be a positive whole number of MB, not "x".',
    )
  })
})
