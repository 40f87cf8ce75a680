import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { newContact, prepareContactSetup, today } from './test-fixtures.js'

const q = encodeURIComponent

describe.each(dialects)('contacts API on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    for (const sp of [{ code: 'SP1' }, { code: 'SP2' }, { code: 'BLK', blocked: true }])
      expect((await t.admin.post('/api/salespeople', sp)).status).toBe(201)
    for (const code of ['ENU', 'DAN']) expect((await t.admin.post('/api/languages', { code })).status).toBe(201)
    await prepareContactSetup(t, {
      defaultSalespersonCode: 'SP1',
      defaultLanguageCode: 'ENU',
      defaultCorrespondenceType: 'Email',
      defaultTerritoryCode: 'NORTH',
      defaultCountryRegionCode: 'DK',
    })
  })
  afterAll(() => t.close())

  describe('create', () => {
    it('numbers a new contact from Contact Nos. and fills the marketing setup defaults', async () => {
      const r = await t.marketer.post('/api/contacts', { type: 'Company', name: 'Cronus Cardoxy' })
      expect(r.status).toBe(201)
      expect(r.body).toEqual({
        no: 'CT0001',
        type: 'Company',
        name: 'Cronus Cardoxy',
        searchName: 'CRONUS CARDOXY',
        firstName: '',
        middleName: '',
        surname: '',
        companyNo: 'CT0001',
        companyName: 'Cronus Cardoxy',
        jobTitle: '',
        address: '',
        address2: '',
        city: '',
        postCode: '',
        countryRegionCode: 'DK',
        county: '',
        phoneNo: '',
        mobilePhoneNo: '',
        email: '',
        languageCode: 'ENU',
        salespersonCode: 'SP1',
        territoryCode: 'NORTH',
        correspondenceType: 'Email',
        excludeFromSegment: false,
        privacyBlocked: false,
        lastDateModified: today(),
        noOfMailingGroups: 0,
        noOfIndustryGroups: 0,
        noOfBusinessRelations: 0,
        noOfJobResponsibilities: 0,
        noOfInteractions: 0,
      })
      expect((await t.viewer.get('/api/contacts/CT0001')).body).toEqual(r.body)
    })

    it('skips numbers already used by hand (BC OnInsert: while Contact.Get(No.) do GetNextNo)', async () => {
      await newContact(t.marketer, { no: 'ct0002', type: 'Company', name: 'Typed by hand' })
      const next = await newContact(t.marketer, { type: 'Company', name: 'Numbered' })
      expect(next.no).toBe('CT0003')
      expect((await t.viewer.get('/api/number-series/CONT')).body.lastNoUsed).toBe('CT0003')
    })

    it('keeps explicitly given values over the setup defaults', async () => {
      const c = await newContact(t.marketer, {
        type: 'Company',
        name: 'Given',
        salespersonCode: 'sp2',
        languageCode: 'DAN',
        correspondenceType: 'hard copy',
        territoryCode: 'SOUTH',
        countryRegionCode: 'SE',
        excludeFromSegment: true,
      })
      expect([
        c.salespersonCode,
        c.languageCode,
        c.correspondenceType,
        c.territoryCode,
        c.countryRegionCode,
        c.excludeFromSegment,
      ]).toEqual(['SP2', 'DAN', 'Hard Copy', 'SOUTH', 'SE', true])
    })

    it("takes the user's salesperson over the setup default (BC SetDefaultSalesperson)", async () => {
      expect((await t.admin.patch('/api/users/marketer', { salespersonCode: 'SP2' })).status).toBe(200)
      try {
        expect((await newContact(t.marketer, { type: 'Company', name: 'Mine' })).salespersonCode).toBe('SP2')
      } finally {
        await t.admin.patch('/api/users/marketer', { salespersonCode: '' })
      }
    })

    it('refuses a number that is taken with 409 and BC\'s "already exists"', async () => {
      const r = await t.marketer.post('/api/contacts', { no: 'CT0001', type: 'Company', name: 'Again' })
      expect(r.status).toBe(409)
      expect(r.body).toMatchObject({
        code: 'ALREADY_EXISTS',
        detail: "The Contact already exists. Identification fields and values: No.='CT0001'",
      })
    })

    it('refuses a typed number when the series does not allow manual numbers', async () => {
      await t.admin.patch('/api/number-series/CONT', { allowManualNos: false })
      try {
        const r = await t.marketer.post('/api/contacts', { no: 'X1', type: 'Company', name: 'Manual' })
        expect([r.status, r.body.detail]).toEqual([
          422,
          'You may not enter numbers manually. If you want to enter numbers manually, please activate Manual Nos. in No. Series CONT.',
        ])
      } finally {
        await t.admin.patch('/api/number-series/CONT', { allowManualNos: true })
      }
    })

    it('needs Contact Nos. in the marketing setup when no number is given', async () => {
      await t.admin.patch('/api/setup/marketing', { contactNos: '' })
      try {
        const r = await t.marketer.post('/api/contacts', { type: 'Company', name: 'No series' })
        expect([r.status, r.body.detail]).toEqual([
          422,
          'Contact Nos. must have a value in Marketing Setup: Primary Key=. It cannot be zero or empty.',
        ])
      } finally {
        await t.admin.patch('/api/setup/marketing', { contactNos: 'CONT' })
      }
    })

    it('refuses an unknown or blocked salesperson and an unknown language, changing nothing', async () => {
      const before = (await t.viewer.get('/api/contacts?limit=1')).body.total
      const unknown = await t.marketer.post('/api/contacts', { type: 'Company', name: 'X', salespersonCode: 'NOPE' })
      expect([unknown.status, unknown.body.detail]).toEqual([
        422,
        "The Salesperson/Purchaser does not exist. Identification fields and values: Code='NOPE'",
      ])
      const blocked = await t.marketer.post('/api/contacts', { type: 'Company', name: 'X', salespersonCode: 'BLK' })
      expect([blocked.status, blocked.body.detail]).toEqual([
        422,
        "Blocked must be equal to 'No'  in Salesperson/Purchaser: Code=BLK. Current value is 'Yes'.",
      ])
      const lang = await t.marketer.post('/api/contacts', { type: 'Company', name: 'X', languageCode: 'XX' })
      expect([lang.status, lang.body.detail]).toEqual([
        422,
        "The Language does not exist. Identification fields and values: Code='XX'",
      ])
      expect((await t.viewer.get('/api/contacts?limit=1')).body.total).toBe(before)
    })

    it.each([
      [{ type: 'Robot' }, 'body.type'],
      [{ type: 'Company', nmae: 'typo' }, 'body'],
      [{ type: 'Company', no: 'X'.repeat(21) }, 'body.no'],
      [{ type: 'Company', name: 'N'.repeat(101) }, 'body.name'],
      [{ type: 'Company', correspondenceType: 'Fax' }, 'body.correspondenceType'],
      [{ type: 'Company', excludeFromSegment: 'yes' }, 'body.excludeFromSegment'],
      [{ type: 'Company', phoneNo: '+45 CALL ME' }, 'body.phoneNo'],
      [{ type: 'Company', email: 'not-an-address' }, 'body.email'],
    ])('answers 400 VALIDATION_FAILED for a bad body %j', async (body, path) => {
      const r = await t.marketer.post('/api/contacts', body)
      expect(r.status).toBe(400)
      expect(r.body.code).toBe('VALIDATION_FAILED')
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path)
    })

    it('says what is wrong with a phone number or e-mail', async () => {
      const r = await t.marketer.post('/api/contacts', { type: 'Company', phoneNo: '12a', email: 'a@b.com; c@' })
      expect(r.body.errors).toEqual([
        { path: 'body.phoneNo', message: 'must not contain letters' },
        { path: 'body.email', message: 'is not a valid email address' },
      ])
    })
  })

  describe('read, change, delete', () => {
    it("answers 404 NOT_FOUND with BC's text for an unknown contact on every item route", async () => {
      const text = "The Contact does not exist. Identification fields and values: No.='NO-SUCH-CONTACT'"
      for (const r of [
        await t.viewer.get('/api/contacts/no-such-contact'),
        await t.marketer.patch('/api/contacts/NO-SUCH-CONTACT', { name: 'x' }),
        await t.marketer.del('/api/contacts/NO-SUCH-CONTACT'),
        await t.viewer.get('/api/contacts/NO-SUCH-CONTACT/mailing-groups'),
      ])
        expect([r.status, r.body.code, r.body.detail]).toEqual([404, 'NOT_FOUND', text])
    })

    it('changes fields, keeps the rest and dates the change', async () => {
      const c = await newContact(t.marketer, { type: 'Company', name: 'Before', city: 'Aarhus' })
      const r = await t.marketer.patch(`/api/contacts/${c.no}`, { name: 'After', privacyBlocked: true })
      expect(r.status).toBe(200)
      expect(r.body).toEqual({
        ...c,
        name: 'After',
        searchName: 'AFTER',
        companyName: 'After',
        privacyBlocked: true,
        lastDateModified: today(),
      })
    })

    it('refuses to change the key or unknown fields with 400', async () => {
      const r = await t.marketer.patch('/api/contacts/CT0001', { no: 'CT9999' })
      expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED'])
    })

    it('deletes a contact with 204', async () => {
      const c = await newContact(t.marketer, { type: 'Company', name: 'Short-lived' })
      expect((await t.marketer.del(`/api/contacts/${c.no}`)).status).toBe(204)
      expect((await t.viewer.get(`/api/contacts/${c.no}`)).status).toBe(404)
    })
  })

  describe('lists', () => {
    beforeAll(async () => {
      const people = [
        ['LP01', 'Person', 'Eve ANDERSON', '1000'],
        ['LP02', 'Person', 'Ann Johnson', '1500'],
        ['LP03', 'Person', 'Carl Smith', '1999'],
        ['LP04', 'Company', 'Samson Ltd', '2000'],
        ['LP05', 'Person', 'Bob Jackson', '0999'],
      ]
      for (const [no, type, name, postCode] of people) await newContact(t.marketer, { no, type, name, postCode })
    })

    it('filters by a case-insensitive pattern and an option, sorted by name', async () => {
      const r = await t.viewer.get(`/api/contacts?filter[name]=${q('@*son*')}&filter[type]=Person&sort=name`)
      expect(r.status).toBe(200)
      expect(r.body.items.map((c: { no: string; name: string }) => [c.no, c.name])).toEqual([
        ['LP02', 'Ann Johnson'],
        ['LP05', 'Bob Jackson'],
        ['LP01', 'Eve ANDERSON'],
      ])
      expect([r.body.total, r.body.limit, r.body.offset]).toEqual([3, 50, 0])
    })

    it('filters a code by a range', async () => {
      const r = await t.viewer.get(`/api/contacts?filter[postCode]=${q('1000..1999')}&sort=postCode`)
      expect(r.body.items.map((c: { no: string }) => c.no)).toEqual(['LP01', 'LP02', 'LP03'])
    })

    it('combines exclusions with &', async () => {
      const r = await t.viewer.get(
        `/api/contacts?filter[no]=${q('<>LP01&<>LP02')}&filter[postCode]=${q("<>''")}&sort=-no`,
      )
      expect(r.body.items.map((c: { no: string }) => c.no)).toEqual(['LP05', 'LP04', 'LP03'])
    })

    it('filters on every field, read-only ones included', async () => {
      const r = await t.viewer.get(
        `/api/contacts?filter[companyName]=${q('Samson*')}&filter[lastDateModified]=${today()}`,
      )
      expect(r.body.items.map((c: { no: string }) => c.no)).toEqual(['LP04'])
    })

    it('pages with limit and offset in the default order (no.)', async () => {
      const r = await t.viewer.get(`/api/contacts?filter[no]=${q('LP*')}&limit=2&offset=1`)
      expect(r.body.items.map((c: { no: string }) => c.no)).toEqual(['LP02', 'LP03'])
      expect(r.body.total).toBe(5)
    })

    it('answers 400 for a bad expression, an unknown field or a bad limit', async () => {
      for (const url of [
        `/api/contacts?filter[name]=${q('a..b..c')}`,
        '/api/contacts?filter[nmae]=x',
        '/api/contacts?sort=noOfMailingGroups',
        '/api/contacts?limit=5000',
      ]) {
        const r = await t.viewer.get(url)
        expect([url, r.status, r.body.code]).toEqual([url, 400, 'VALIDATION_FAILED'])
      }
    })
  })

  it('refuses a viewer on every write route with 403', async () => {
    const writes: [string, string, unknown?][] = [
      ['POST', '/api/contacts', { type: 'Company', name: 'V' }],
      ['PATCH', '/api/contacts/CT0001', { name: 'V' }],
      ['DELETE', '/api/contacts/CT0001'],
      ['POST', '/api/contacts/CT0001/mailing-groups', { mailingGroupCode: 'X' }],
      ['DELETE', '/api/contacts/CT0001/mailing-groups/X'],
      ['POST', '/api/contacts/CT0001/industry-groups', { industryGroupCode: 'X' }],
      ['DELETE', '/api/contacts/CT0001/industry-groups/X'],
      ['POST', '/api/contacts/CT0001/business-relations', { businessRelationCode: 'X' }],
      ['DELETE', '/api/contacts/CT0001/business-relations/X'],
      ['POST', '/api/contacts/CT0001/job-responsibilities', { jobResponsibilityCode: 'X' }],
      ['DELETE', '/api/contacts/CT0001/job-responsibilities/X'],
      ['POST', '/api/contacts/CT0001/profile-answers', { profileQuestionnaireCode: 'X', lineNo: 10000 }],
      ['DELETE', '/api/contacts/CT0001/profile-answers/X/10000'],
      ['POST', '/api/value-entries', { sourceType: 'Customer', sourceNo: 'C1', postingDate: '2026-01-01' }],
    ]
    for (const [method, url, payload] of writes) {
      const r = await t.viewer.raw({
        method: method as 'POST',
        url,
        ...(payload ? { payload: payload as object } : {}),
      })
      expect([method, url, r.status, (r.body as { code: string }).code]).toEqual([method, url, 403, 'FORBIDDEN'])
    }
    expect((await t.viewer.get('/api/contacts/CT0001')).body.name).toBe('Cronus Cardoxy')
  })

  it('documents the routes in the OpenAPI document', async () => {
    const paths = Object.keys((await t.viewer.get('/api/openapi.json')).body.paths)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/contacts',
        '/api/contacts/{no}',
        '/api/contacts/{no}/mailing-groups/{code}',
        '/api/contacts/{no}/profile-answers/{questionnaireCode}/{lineNo}',
        '/api/value-entries',
      ]),
    )
  })
})
