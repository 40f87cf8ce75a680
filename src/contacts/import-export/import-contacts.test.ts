import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { insertLineRows } from '../../test-support/segment-lines.js'
import { XLSX_TYPE } from './routes.js'

const today = () => new Date().toISOString().slice(0, 10)

/** The columns the assertions compare, in a fixed order. */
const COLUMNS = [
  'no',
  'type',
  'name',
  'search_name',
  'first_name',
  'middle_name',
  'surname',
  'company_no',
  'company_name',
  'address',
  'city',
  'post_code',
  'country_region_code',
  'phone_no',
  'email',
  'language_code',
  'salesperson_code',
  'territory_code',
  'correspondence_type',
] as const

describe.each(dialects)('contact import on %s', (dialect) => {
  let t: TestApp
  const importFile = (payload: string | Buffer, contentType = 'text/csv') =>
    t.marketer.raw({ method: 'POST', url: '/api/contacts/import', headers: { 'content-type': contentType }, payload })
  const importCsv = (...lines: string[]) => importFile(lines.join('\n'))
  const contact = (no: string) =>
    t.db.kysely.selectFrom('contacts').selectAll().where('no', '=', no).executeTakeFirstOrThrow()
  const brief = async (no: string) => {
    const c = (await contact(no)) as Record<string, unknown>
    return Object.fromEntries(COLUMNS.map((k) => [k, c[k]]))
  }
  const setSeries = (patch: Record<string, unknown>) => t.admin.patch('/api/number-series/CONT', patch)

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await t.admin.post('/api/number-series', { code: 'CONT', startingNo: 'CT0001', allowManualNos: true })
    for (const code of ['JR', 'MK']) await t.admin.post('/api/salespeople', { code, name: code })
    await t.admin.post('/api/salespeople', { code: 'OLD', name: 'Gone', blocked: true })
    for (const code of ['ENU', 'DAN']) await t.admin.post('/api/languages', { code, name: code })
    const r = await t.admin.patch('/api/setup/marketing', {
      contactNos: 'CONT',
      defaultSalespersonCode: 'JR',
      defaultLanguageCode: 'ENU',
      defaultCorrespondenceType: 'Email',
      defaultTerritoryCode: 'NORTH',
      defaultCountryRegionCode: 'DK',
    })
    expect(r.status).toBe(200)
  })
  afterAll(() => t.close())

  it('imports companies and their persons from one file: inheritance from the company, setup defaults, numbers', async () => {
    // Given persons listed before their company, a person with an address of their own, and rows without No.
    const r = await importCsv(
      'no,type,name,firstName,surname,companyNo,address,city,postCode,countryRegionCode,phoneNo,email,languageCode,salespersonCode,correspondenceType',
      'P1,Person,,Ann,Lee,K1,,,,,,ann@acme.dk,,,',
      'P2,person,,Bob,Day,k1,9 Side St,Aarhus,8000,,+45 999,,ENU,JR,',
      'K1,Company,Acme Ltd,,,,1 Main St,Copenhagen,1000,se,+45 1234,info@acme.dk,DAN,mk,hard copy',
      ',Person,,Cy,Free,,,,,,,,,,',
      ',Company,Beta Inc,,,,,Malmo,,SE,+46 1,,DAN,MK,',
    )
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ inserted: 5, updated: 0, rejected: [] })
    // Then the company keeps what the file says, with the setup's territory
    expect(await brief('K1')).toEqual({
      no: 'K1',
      type: 'Company',
      name: 'Acme Ltd',
      search_name: 'ACME LTD',
      first_name: '',
      middle_name: '',
      surname: '',
      company_no: 'K1',
      company_name: 'Acme Ltd',
      address: '1 Main St',
      city: 'Copenhagen',
      post_code: '1000',
      country_region_code: 'SE',
      phone_no: '+45 1234',
      email: 'info@acme.dk',
      language_code: 'DAN',
      salesperson_code: 'MK',
      territory_code: 'NORTH',
      correspondence_type: 'Hard Copy',
    })
    // and a person without details of their own takes the company's (address, communication, salesperson, language)
    expect(await brief('P1')).toEqual({
      no: 'P1',
      type: 'Person',
      name: 'Ann Lee',
      search_name: 'ANN LEE',
      first_name: 'Ann',
      middle_name: '',
      surname: 'Lee',
      company_no: 'K1',
      company_name: 'Acme Ltd',
      address: '1 Main St',
      city: 'Copenhagen',
      post_code: '1000',
      country_region_code: 'SE',
      phone_no: '+45 1234',
      email: 'ann@acme.dk',
      language_code: 'DAN',
      salesperson_code: 'MK',
      territory_code: 'NORTH',
      correspondence_type: 'Hard Copy',
    })
    // a person with an address of their own keeps it, and what the file gives wins over the company
    expect(await brief('P2')).toEqual({
      no: 'P2',
      type: 'Person',
      name: 'Bob Day',
      search_name: 'BOB DAY',
      first_name: 'Bob',
      middle_name: '',
      surname: 'Day',
      company_no: 'K1',
      company_name: 'Acme Ltd',
      address: '9 Side St',
      city: 'Aarhus',
      post_code: '8000',
      country_region_code: 'SE',
      phone_no: '+45 999',
      email: 'info@acme.dk',
      language_code: 'ENU',
      salesperson_code: 'JR',
      territory_code: 'NORTH',
      correspondence_type: 'Hard Copy',
    })
    // rows without No. are numbered from the contact series in file order, with the setup's defaults
    expect(await brief('CT0001')).toEqual({
      no: 'CT0001',
      type: 'Person',
      name: 'Cy Free',
      search_name: 'CY FREE',
      first_name: 'Cy',
      middle_name: '',
      surname: 'Free',
      company_no: '',
      company_name: '',
      address: '',
      city: '',
      post_code: '',
      country_region_code: 'DK',
      phone_no: '',
      email: '',
      language_code: 'ENU',
      salesperson_code: 'JR',
      territory_code: 'NORTH',
      correspondence_type: 'Email',
    })
    expect(await brief('CT0002')).toMatchObject({
      type: 'Company',
      company_no: 'CT0002',
      company_name: 'Beta Inc',
      correspondence_type: 'Email',
    })
    expect((await contact('K1')).last_date_modified).toBe(today())
    expect((await t.viewer.get('/api/number-series/CONT')).body.lastNoUsed).toBe('CT0002')
  })

  it('updates existing contacts with the columns of the file only, and the company’s persons follow it', async () => {
    // Given K1's address and phone change, and P2 (who has an address of their own) moves city and drops their phone
    await t.db.kysely.updateTable('contacts').set({ last_date_modified: '2020-01-01' }).execute()
    const r = await importCsv('no,city,phoneNo', 'K1,Odense,+45 5555', 'P2,Vejle,', 'CT0002,Malmo,+46 1')
    expect(r.body).toEqual({ inserted: 0, updated: 3, rejected: [] })
    expect(await brief('K1')).toMatchObject({
      name: 'Acme Ltd',
      address: '1 Main St',
      city: 'Odense',
      phone_no: '+45 5555',
      email: 'info@acme.dk',
    })
    // Then P1, who had the company's address and phone, gets the new ones (BC DoModify)
    expect(await brief('P1')).toMatchObject({
      address: '1 Main St',
      city: 'Odense',
      phone_no: '+45 5555',
      email: 'ann@acme.dk',
    })
    // and P2 gets what the file says, a blank cell clearing the phone
    expect(await brief('P2')).toMatchObject({
      address: '9 Side St',
      city: 'Vejle',
      phone_no: '',
      email: 'info@acme.dk',
    })
    // Last Date Modified moves only where a value changed: not for CT0002, given its own values again
    const modified = await t.db.kysely
      .selectFrom('contacts')
      .select(['no', 'last_date_modified'])
      .orderBy('no')
      .execute()
    expect(modified).toEqual([
      { no: 'CT0001', last_date_modified: '2020-01-01' },
      { no: 'CT0002', last_date_modified: '2020-01-01' },
      { no: 'K1', last_date_modified: today() },
      { no: 'P1', last_date_modified: today() },
      { no: 'P2', last_date_modified: today() },
    ])
  })

  it('computes a person’s name from the parts given, or breaks a whole name into parts', async () => {
    const r = await importCsv('no,surname', 'P1,Smith')
    expect(r.body).toEqual({ inserted: 0, updated: 1, rejected: [] })
    expect(await brief('P1')).toMatchObject({
      name: 'Ann Smith',
      search_name: 'ANN SMITH',
      first_name: 'Ann',
      surname: 'Smith',
    })
    await importCsv('no,name', 'P2,Robert James Day', 'K1,Acme Group')
    expect(await brief('P2')).toMatchObject({
      name: 'Robert James Day',
      search_name: 'ROBERT JAMES DAY',
      first_name: 'Robert',
      middle_name: 'James',
      surname: 'Day',
    })
    // a company's new name reaches its persons' Company Name
    expect(await brief('K1')).toMatchObject({
      name: 'Acme Group',
      search_name: 'ACME GROUP',
      company_name: 'Acme Group',
    })
    expect((await brief('P1')).company_name).toBe('Acme Group')
  })

  it('moves persons to another company: what they had blank or from the old company comes from the new one', async () => {
    // Given P1 (K1's address, phone and correspondence type, an e-mail of their own) and CT0001 (no company,
    // blank address and phone) with an interaction each, and P1 with a profile answer
    const ile = (contact_no: string, contact_company_no: string) =>
      t.db.kysely
        .insertInto('interaction_log_entries')
        .values({ contact_no, contact_company_no })
        .returning('entry_no')
        .executeTakeFirstOrThrow()
    const p1Entry = (await ile('P1', 'K1')).entry_no
    const cyEntry = (await ile('CT0001', '')).entry_no
    await t.db.kysely.insertInto('profile_questionnaires').values({ code: 'SIZE' }).execute()
    await t.db.kysely
      .insertInto('profile_questionnaire_lines')
      .values({ questionnaire_code: 'SIZE', line_no: 10000, type: 'Answer' })
      .execute()
    await t.db.kysely
      .insertInto('contact_profile_answers')
      .values({ contact_no: 'P1', questionnaire_code: 'SIZE', line_no: 10000, contact_company_no: 'K1' })
      .execute()
    // When both join CT0002 (Beta Inc: Malmo, +46 1, DAN, MK, Email)
    const r = await importCsv('no,companyNo', 'CT0001,CT0002', 'P1,CT0002')
    expect(r.body).toEqual({ inserted: 0, updated: 2, rejected: [] })
    // Then they take the new company's details where theirs were blank or the old company's
    expect(await brief('P1')).toEqual({
      no: 'P1',
      type: 'Person',
      name: 'Ann Smith',
      search_name: 'ANN SMITH',
      first_name: 'Ann',
      middle_name: '',
      surname: 'Smith',
      company_no: 'CT0002',
      company_name: 'Beta Inc',
      address: '',
      city: 'Malmo',
      post_code: '',
      country_region_code: 'SE',
      phone_no: '+46 1',
      email: 'ann@acme.dk',
      language_code: 'DAN',
      salesperson_code: 'MK',
      territory_code: 'NORTH',
      correspondence_type: 'Email',
    })
    expect(await brief('CT0001')).toMatchObject({
      company_no: 'CT0002',
      company_name: 'Beta Inc',
      city: 'Malmo',
      country_region_code: 'SE',
      phone_no: '+46 1',
      language_code: 'DAN',
      salesperson_code: 'MK',
      correspondence_type: 'Email',
    })
    // and P1's interaction stays with K1, while CT0001 takes theirs along (BC UpdateCompanyNo)
    const entries = await t.db.kysely
      .selectFrom('interaction_log_entries')
      .select(['entry_no', 'contact_no', 'contact_company_no'])
      .where('entry_no', 'in', [p1Entry, cyEntry])
      .orderBy('entry_no')
      .execute()
    expect(entries).toEqual([
      { entry_no: p1Entry, contact_no: 'K1', contact_company_no: 'K1' },
      { entry_no: cyEntry, contact_no: 'CT0001', contact_company_no: 'CT0002' },
    ])
    const answer = await t.db.kysely
      .selectFrom('contact_profile_answers')
      .select('contact_company_no')
      .where('contact_no', '=', 'P1')
      .executeTakeFirstOrThrow()
    expect(answer.contact_company_no).toBe('CT0002')
  })

  it('refuses to move a person who is on a segment to another company', async () => {
    await t.db.kysely.insertInto('segment_headers').values({ no: 'SEG1' }).execute()
    await insertLineRows(t.db.kysely, [
      { segment_no: 'SEG1', line_no: 10000, contact_no: 'P2', contact_company_no: 'K1' },
    ])
    try {
      const r = await importCsv('no,type,companyNo', 'P2,Person,CT0002', 'P2X,Person,CT0002')
      expect(r.body).toEqual({
        inserted: 1,
        updated: 0,
        rejected: [
          {
            row: 2,
            errors: [
              {
                path: 'companyNo',
                message:
                  'You cannot change Company No. because one or more unlogged segments are assigned to the contact.',
              },
            ],
          },
        ],
      })
      expect((await brief('P2')).company_no).toBe('K1')
      expect(await brief('P2X')).toMatchObject({ company_no: 'CT0002', company_name: 'Beta Inc', city: 'Malmo' })
    } finally {
      await t.db.kysely.deleteFrom('segment_headers').where('no', '=', 'SEG1').execute()
    }
  })

  it('keeps the good rows and reports each bad row with its row number and reasons', async () => {
    const r = await importCsv(
      'no,type,name,companyNo,email,salespersonCode,languageCode,excludeFromSegment',
      'X1,Robot,Bad type,,,,,',
      'X2,Person,No company,NOPE,,,,',
      'X3,Person,Points to a person,P1,,,,',
      'X4,Company,Long code,,,TOOLONGSALESPERSONCODE,,',
      'X5,Person,Bad mail and salesperson,,not-an-email,ZZ,,',
      'X6,Company,Dup one,,,,,',
      'X6,Company,Dup two,,,,,',
      'X7,Company,Blocked and unknown language,,,OLD,XX,maybe',
      'X8,Company,Points elsewhere,K1,,,,',
      'K1,Person,Type change,,,,,',
      'X9,Company,Too few values',
      'NUMBERTOOLONG12345678,Company,Long number,K1,,,,',
      'X10,Company,Good one,,x@y.dk;z@y.dk,,,yes',
    )
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      inserted: 1,
      updated: 0,
      rejected: [
        { row: 2, errors: [{ path: 'type', message: "'Robot' is not a valid option; use one of: Company, Person" }] },
        {
          row: 3,
          errors: [
            {
              path: 'companyNo',
              message:
                'The field Company No. of table Contact contains a value (NOPE) that cannot be found in the related table (Contact).',
            },
          ],
        },
        {
          row: 4,
          errors: [
            {
              path: 'companyNo',
              message:
                'The field Company No. of table Contact contains a value (P1) that cannot be found in the related table (Contact).',
            },
          ],
        },
        { row: 5, errors: [{ path: 'salespersonCode', message: 'must be at most 20 characters' }] },
        {
          row: 6,
          errors: [
            { path: 'email', message: 'is not a valid email address' },
            {
              path: 'salespersonCode',
              message: "The Salesperson/Purchaser does not exist. Identification fields and values: Code='ZZ'",
            },
          ],
        },
        { row: 7, errors: [{ path: 'no', message: 'appears in more than one row of the file' }] },
        { row: 8, errors: [{ path: 'no', message: 'appears in more than one row of the file' }] },
        {
          row: 9,
          errors: [
            { path: 'excludeFromSegment', message: "'maybe' is not a valid boolean; use true, false, yes, no, 1 or 0" },
            {
              path: 'salespersonCode',
              message: "Blocked must be equal to 'No'  in Salesperson/Purchaser: Code=OLD. Current value is 'Yes'.",
            },
            {
              path: 'languageCode',
              message: "The Language does not exist. Identification fields and values: Code='XX'",
            },
          ],
        },
        {
          row: 10,
          errors: [
            {
              path: 'companyNo',
              message: "Type must be equal to 'Person'  in Contact: No.=X8. Current value is 'Company'.",
            },
          ],
        },
        {
          row: 11,
          errors: [
            {
              path: 'type',
              message: 'cannot be changed from Company to Person by an import; change it on the contact card',
            },
          ],
        },
        { row: 12, errors: [{ path: 'row', message: 'has 3 values; the header has 8 columns' }] },
        { row: 13, errors: [{ path: 'no', message: 'must be at most 20 characters' }] },
      ],
    })
    expect(await brief('X10')).toMatchObject({ name: 'Good one', email: 'x@y.dk;z@y.dk' })
    expect((await contact('X10')).exclude_from_segment).toBe(1)
    const nos = await t.db.kysely.selectFrom('contacts').select('no').where('no', 'like', 'X%').orderBy('no').execute()
    expect(nos.map((c) => c.no)).toEqual(['X10'])
    expect((await brief('K1')).type).toBe('Company')
  })

  it('lets a person point to a company of the same file only when that company’s row is good', async () => {
    const r = await importCsv(
      'no,type,name,companyNo,salespersonCode',
      'Q1,Company,Bad co,,NOSUCH',
      'Q2,Person,Orphan,Q1,',
    )
    expect(r.body.rejected).toEqual([
      {
        row: 2,
        errors: [
          {
            path: 'salespersonCode',
            message: "The Salesperson/Purchaser does not exist. Identification fields and values: Code='NOSUCH'",
          },
        ],
      },
      {
        row: 3,
        errors: [
          {
            path: 'companyNo',
            message:
              'The field Company No. of table Contact contains a value (Q1) that cannot be found in the related table (Contact).',
          },
        ],
      },
    ])
  })

  it('numbers new rows from the series, skipping numbers already used by contacts or by the file', async () => {
    // Given CT0003 exists and the file types CT0005 by hand; the series' last number is CT0002
    await importCsv('no,name', 'CT0003,Gamma')
    const r = await importCsv('no,name', ',First', 'CT0005,Typed', ',Second')
    expect(r.body).toEqual({ inserted: 3, updated: 0, rejected: [] })
    expect((await brief('CT0004')).name).toBe('First')
    expect((await brief('CT0005')).name).toBe('Typed')
    expect((await brief('CT0006')).name).toBe('Second')
    expect((await t.viewer.get('/api/number-series/CONT')).body.lastNoUsed).toBe('CT0006')
  })

  it('refuses typed numbers for new contacts when the series does not allow manual numbers', async () => {
    await setSeries({ allowManualNos: false })
    try {
      const r = await importCsv('no,name', 'M1,Manual', 'K1,Acme Group', ',Numbered')
      expect(r.body).toEqual({
        inserted: 1,
        updated: 1,
        rejected: [
          {
            row: 2,
            errors: [
              {
                path: 'no',
                message:
                  'You may not enter numbers manually. If you want to enter numbers manually, please activate Manual Nos. in No. Series CONT.',
              },
            ],
          },
        ],
      })
      expect((await brief('CT0007')).name).toBe('Numbered')
    } finally {
      await setSeries({ allowManualNos: true })
    }
  })

  it('imports an XLSX file, reporting rows by their sheet row number', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('Contacts')
    ws.addRow(['no', 'type', 'name', 'postCode', 'privacyBlocked', 'email'])
    ws.addRow(['XL1', 'Company', 'Excel Co', 2100, true, 'a@b.dk'])
    ws.addRow([])
    ws.addRow(['XL2', 'Person', 'Bad Mail', '', false, 'no mail'])
    ws.addRow(['XL3', 'Person', 'Ida Excel'])
    const r = await importFile(Buffer.from(await wb.xlsx.writeBuffer()), XLSX_TYPE)
    expect(r.body).toEqual({
      inserted: 2,
      updated: 0,
      rejected: [{ row: 4, errors: [{ path: 'email', message: 'is not a valid email address' }] }],
    })
    expect(await contact('XL1')).toMatchObject({
      name: 'Excel Co',
      post_code: '2100',
      privacy_blocked: 1,
      email: 'a@b.dk',
    })
    expect(await brief('XL3')).toMatchObject({
      name: 'Ida Excel',
      first_name: 'Ida',
      surname: 'Excel',
      correspondence_type: 'Email',
    })
  })

  it('reads files separated by semicolons with a byte order mark, as Excel writes them', async () => {
    const r = await importFile('\ufeffno;name;city\r\nSC1;"Semi; Colon";Ry\r\n', 'text/csv; charset=utf-8')
    expect(r.body).toEqual({ inserted: 1, updated: 0, rejected: [] })
    expect(await brief('SC1')).toMatchObject({ name: 'Semi; Colon', city: 'Ry' })
  })

  it('rejects a row with a NUL character or bytes that are not UTF-8 by its row number, and keeps the good rows', async () => {
    const count = async () =>
      Number(
        (
          await t.db.kysely
            .selectFrom('contacts')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await count()
    // Given a NUL in a name and a city written in Latin-1 (Å = 0xC5) between two good rows
    const file = Buffer.concat([
      Buffer.from('no,name,city\nNU1,Good One,Ry\nNU2,Bad\u0000Name,Ry\nNU3,Latin,'),
      Buffer.from([0xc5, 0x72, 0x68, 0x75, 0x73]),
      Buffer.from('\nNU4,Good Two,Vejle\n'),
    ])
    const r = await importFile(file)
    // Then each bad row is reported by its number and the good rows are imported, alike on both dialects
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      inserted: 2,
      updated: 0,
      rejected: [
        { row: 3, errors: [{ path: 'name', message: 'must not contain a NUL character' }] },
        { row: 4, errors: [{ path: 'city', message: 'is not UTF-8 text: save the file as CSV UTF-8' }] },
      ],
    })
    expect(await count()).toBe(before + 2)
    expect((await brief('NU1')).name).toBe('Good One')
    expect((await brief('NU4')).city).toBe('Vejle')
    const bad = await t.db.kysely.selectFrom('contacts').select('no').where('no', 'in', ['NU2', 'NU3']).execute()
    expect(bad).toEqual([])
  })

  it('refuses a file whose header is not UTF-8 with a 400 and writes nothing', async () => {
    const r = await importFile(Buffer.concat([Buffer.from('no,n'), Buffer.from([0xe6]), Buffer.from('me\nNH1,x\n')]))
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'header', message: 'is not UTF-8 text: save the file as CSV UTF-8' }],
    })
    expect(
      await t.db.kysely.selectFrom('contacts').select('no').where('no', '=', 'NH1').executeTakeFirst(),
    ).toBeUndefined()
  })

  it('refuses a file with an unknown column before writing anything', async () => {
    const r = await importCsv('no,name,nmae', 'U1,Unknown,x')
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'header', message: "unknown column 'nmae'" }],
    })
    expect(r.body.detail).toMatch(
      /^Unknown column 'nmae' in the header row\. The columns are the API field names of a contact: no, type, name/,
    )
    expect(
      await t.db.kysely.selectFrom('contacts').select('no').where('no', '=', 'U1').executeTakeFirst(),
    ).toBeUndefined()
  })

  it('refuses an empty file, a malformed CSV file and a body that is not a file', async () => {
    expect((await importCsv('')).body).toMatchObject({
      status: 400,
      errors: [{ path: 'file', message: 'has no header row' }],
    })
    const bad = await importCsv('no,name', 'B1,"unclosed')
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].message).toMatch(/^is not a valid CSV file: Quote Not Closed/)
    const json = await t.marketer.post('/api/contacts/import', { no: 'J1' })
    expect(json.status).toBe(400)
    expect(json.body.errors).toEqual([{ path: 'body', message: `send the file as text/csv or ${XLSX_TYPE}` }])
  })

  it('refuses a viewer with 403 and changes nothing', async () => {
    const r = await t.viewer.raw({
      method: 'POST',
      url: '/api/contacts/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'no,name\nV1,Viewer',
    })
    expect(r.status).toBe(403)
    expect(r.body.code).toBe('FORBIDDEN')
    expect(
      await t.db.kysely.selectFrom('contacts').select('no').where('no', '=', 'V1').executeTakeFirst(),
    ).toBeUndefined()
  })
})
