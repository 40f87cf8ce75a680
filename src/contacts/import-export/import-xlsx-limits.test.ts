import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { XLSX_TYPE } from './routes.js'
import { sharedStringsText, sheetText, workbook, workbookParts, zipParts } from './xlsx-fixtures.js'

/** Good contact rows: a header and `n` companies XB1…XBn. */
const contactRows = (n: number, prefix = 'XB') =>
  (function* () {
    yield ['no', 'type', 'name', 'city']
    for (let i = 1; i <= n; i++) yield [`${prefix}${i}`, 'Company', `Bomb Test ${i}`, 'Odense']
  })()

describe.each(dialects)('XLSX import limits on %s', (dialect) => {
  let t: TestApp
  const importXlsx = (payload: Buffer) =>
    t.marketer.raw({ method: 'POST', url: '/api/contacts/import', headers: { 'content-type': XLSX_TYPE }, payload })
  const allContacts = () => t.db.kysely.selectFrom('contacts').selectAll().orderBy('no').execute()

  beforeAll(async () => {
    t = await createTestApp(dialect)
    const r = await t.marketer.raw({
      method: 'POST',
      url: '/api/contacts/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'no,type,name\nKEEP1,Company,Kept As Is\n',
    })
    expect(r.body).toEqual({ inserted: 1, updated: 0, rejected: [] })
  })
  afterEach(() => {
    vi.unstubAllEnvs()
  })
  afterAll(() => t.close())

  /** Sends `data`, expects the 400 naming `message`, and that no contact changed. */
  async function refused(data: Buffer, message: string) {
    const before = await allContacts()
    const r = await importXlsx(data)
    expect(r.status).toBe(400)
    expect(r.body).toEqual({
      type: 'https://segmenta.dev/problems/validation-failed',
      title: 'Validation failed',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: `body: ${message}`,
      errors: [{ path: 'body', message }],
    })
    expect(await allContacts()).toEqual(before)
  }

  it("refuses a shared-strings bomb with 400 naming the limit, and imports none of the sheet's rows", async () => {
    vi.stubEnv('SEGMENTA_IMPORT_MAX_SHARED_STRINGS', '100000')
    const bomb = await workbook(sheetText(contactRows(3)), [
      { name: 'xl/sharedStrings.xml', text: sharedStringsText(1_000_000) },
    ])
    await refused(bomb, "the workbook's shared strings exceed 100,000 (SEGMENTA_IMPORT_MAX_SHARED_STRINGS)")
  })

  it('refuses a sheet with too many rows or too many cells', async () => {
    vi.stubEnv('SEGMENTA_IMPORT_MAX_ROWS', '50')
    await refused(
      await workbook(sheetText(contactRows(100))),
      'the worksheet has more than 50 rows (SEGMENTA_IMPORT_MAX_ROWS)',
    )
    vi.stubEnv('SEGMENTA_IMPORT_MAX_ROWS', '')
    vi.stubEnv('SEGMENTA_IMPORT_MAX_CELLS', '200')
    await refused(
      await workbook(sheetText(contactRows(100))),
      'the worksheet has more than 200 cells (SEGMENTA_IMPORT_MAX_CELLS)',
    )
  })

  it('refuses a part that inflates past the unpacked limit, even when the zip claims it is small', async () => {
    vi.stubEnv('SEGMENTA_IMPORT_MAX_UNZIPPED_MB', '1')
    const bomb = await zipParts([
      ...workbookParts(),
      { name: 'xl/worksheets/sheet1.xml', text: sheetText(contactRows(10), ' '.repeat(300_000)), claimedSize: 1000 },
    ])
    expect(bomb.length).toBeLessThan(64 * 1024)
    await refused(bomb, 'the workbook unpacks to more than 1 MB (SEGMENTA_IMPORT_MAX_UNZIPPED_MB)')
  })

  it('stops a workbook that needs more memory than the reading thread may have, with 400', async () => {
    // Counts set high, so that only the thread's heap limit stands in the way of 3 million 40-letter strings.
    vi.stubEnv('SEGMENTA_IMPORT_MAX_SHARED_STRINGS', '100000000')
    vi.stubEnv('SEGMENTA_IMPORT_WORKER_MEMORY_MB', '48')
    const heavy = await workbook(sheetText(contactRows(3)), [
      { name: 'xl/sharedStrings.xml', text: sharedStringsText(3_000_000, 'x'.repeat(40)) },
    ])
    await refused(heavy, 'reading the workbook needs more than 48 MB of memory (SEGMENTA_IMPORT_WORKER_MEMORY_MB)')
    // while a small workbook reads within the same heap
    const light = await workbook(sheetText(contactRows(3, 'XM')), [
      { name: 'xl/sharedStrings.xml', text: sharedStringsText(1000, 'x'.repeat(40)) },
    ])
    expect((await importXlsx(light)).body).toEqual({ inserted: 3, updated: 0, rejected: [] })
  }, 120_000)

  it('refuses a damaged workbook with 400 and changes nothing', async () => {
    const before = await allContacts()
    const r = await importXlsx(Buffer.from('PK\u0003\u0004 not really a zip'))
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([
      { path: 'file', message: 'is not a valid XLSX file: it is not a zip file (no end of central directory)' },
    ])
    expect(await allContacts()).toEqual(before)
  })

  it('keeps answering other requests, database reads included, while a large workbook is read', async () => {
    const big = await workbook(sheetText(contactRows(20_000)))
    let importDone = false
    const importing = importXlsx(big).then((r) => {
      importDone = true
      return r
    })
    // While the workbook is read in its worker thread, the server answers health checks and reads.
    let answeredDuring = 0
    while (!importDone) {
      const [health, kept] = await Promise.all([t.anonymous.get('/api/health'), t.viewer.get('/api/contacts/KEEP1')])
      if (importDone) break
      expect(health.status).toBe(200)
      expect(kept.status).toBe(200)
      expect(kept.body.name).toBe('Kept As Is')
      answeredDuring++
      // A pause between rounds, as clients make them (a loop with none would keep the test's own thread busy).
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    expect((await importing).body).toEqual({ inserted: 20_000, updated: 0, rejected: [] })
    expect(answeredDuring).toBeGreaterThan(0)
    expect(
      await t.db.kysely.selectFrom('contacts').select('name').where('no', '=', 'XB20000').executeTakeFirst(),
    ).toEqual({
      name: 'Bomb Test 20000',
    })
  })
})
