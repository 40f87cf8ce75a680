import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { createSegment, createWorld } from './test-fixtures.js'

describe.each(dialects)('Segment engine API on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await createWorld(t.db.kysely)
    for (const no of ['SM1', 'SM2', 'SM3', 'SM4']) await createSegment(t.db.kysely, no)
  })
  afterAll(() => t.close())

  it('Given spec §7.4, when adding (Salesperson JR, RETAIL, Expand Companies) then reducing NOMAIL, then the criteria read as BC lists them', async () => {
    await t.db.kysely.insertInto('mailing_groups').values({ code: 'NOMAIL' }).execute()
    await t.db.kysely
      .insertInto('contact_mailing_groups')
      .values({ contact_no: 'P2', mailing_group_code: 'NOMAIL' })
      .execute()
    const add = await t.marketer.post('/api/segments/sm1/add-contacts', {
      filters: { contact: { salespersonCode: 'JR' }, industryGroup: { industryGroupCode: 'RETAIL' } },
      expandCompanies: true,
    })
    expect(add.status).toBe(200)
    expect(add.body).toEqual({ actionNo: 1, linesInserted: 3, noOfLines: 3 })
    const reduce = await t.marketer.post('/api/segments/SM1/reduce-contacts', {
      filters: { mailingGroup: { mailingGroupCode: 'NOMAIL' } },
    })
    expect(reduce.body).toEqual({ actionNo: 2, linesRemoved: 1, noOfLines: 2 })

    const criteria = await t.viewer.get('/api/segments/SM1/criteria')
    expect(criteria.status).toBe(200)
    const flags = {
      allowExistingContacts: false,
      allowRelatedCompanies: false,
      ignoreExclusion: false,
      entireCompanies: false,
    }
    expect(criteria.body.items.map(({ at, ...c }: { at: string }) => c)).toEqual([
      {
        actionNo: 1,
        action: 'Add Contacts',
        ...flags,
        expandCompanies: true,
        filters: { contact: { salespersonCode: 'JR' }, industryGroup: { industryGroupCode: 'RETAIL' } },
        text: 'Contact: Salesperson Code: JR; Contact Industry Group: Industry Group Code: RETAIL',
        username: 'marketer',
      },
      {
        actionNo: 2,
        action: 'Remove Contacts (Reduce)',
        ...flags,
        expandCompanies: false,
        filters: { mailingGroup: { mailingGroupCode: 'NOMAIL' } },
        text: 'Contact Mailing Group: Mailing Group Code: NOMAIL',
        username: 'marketer',
      },
    ])
    expect(criteria.body.items[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/)

    const history = await t.viewer.get('/api/segments/SM1/history')
    expect(history.body.items.map(({ at, ...h }: { at: string }) => h)).toEqual([
      { actionNo: 1, lineNo: 10000, contactNo: 'K1', actionTaken: 'Insertion', username: 'marketer' },
      { actionNo: 1, lineNo: 20000, contactNo: 'P1', actionTaken: 'Insertion', username: 'marketer' },
      { actionNo: 1, lineNo: 30000, contactNo: 'P2', actionTaken: 'Insertion', username: 'marketer' },
      { actionNo: 2, lineNo: 30000, contactNo: 'P2', actionTaken: 'Deletion', username: 'marketer' },
    ])

    // "Go Back once restores the deleted lines and removes rows 4–5."
    const back = await t.marketer.post('/api/segments/SM1/go-back', {})
    expect(back.body).toEqual({ actionNo: 2, linesInserted: 1, linesRemoved: 0, noOfCriteriaActions: 1 })
    expect((await t.viewer.get('/api/segments/SM1/criteria')).body.items).toHaveLength(1)
  })

  it('Given a history of four entries and one action left, when read with limit, offset, sort and filters, then each list answers one page with its total', async () => {
    // SM1 after the Go Back above: action 1's three insertions (the Reduce and its deletion are gone).
    const page = await t.viewer.get('/api/segments/SM1/history?limit=2&offset=1')
    expect([page.status, page.body.total, page.body.limit, page.body.offset]).toEqual([200, 3, 2, 1])
    expect(page.body.items.map((h: { lineNo: number }) => h.lineNo)).toEqual([20000, 30000])
    const sorted = await t.viewer.get('/api/segments/SM1/history?sort=-contactNo&filter[actionTaken]=Insertion')
    expect(sorted.body.items.map((h: { contactNo: string }) => h.contactNo)).toEqual(['P2', 'P1', 'K1'])
    const filtered = await t.viewer.get('/api/segments/SM1/history?filter[contactNo]=p*&filter[lineNo]=..20000')
    expect([filtered.body.total, filtered.body.items.map((h: { contactNo: string }) => h.contactNo)]).toEqual([
      1,
      ['P1'],
    ])
    const criteria = await t.viewer.get('/api/segments/SM1/criteria?filter[action]=Add Contacts&limit=1')
    expect([criteria.body.total, criteria.body.items.map((c: { actionNo: number }) => c.actionNo)]).toEqual([1, [1]])
    const none = await t.viewer.get('/api/segments/SM1/criteria?filter[username]=nobody')
    expect(none.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 })
  })

  it('refuses a bad page, an unknown field and a filter on the criteria text with 400, naming each', async () => {
    const h = await t.viewer.get('/api/segments/SM1/history?limit=1001&sort=nope&filter[actionTaken]=a..b..c')
    expect([h.status, h.body.code, h.body.errors]).toEqual([
      400,
      'VALIDATION_FAILED',
      [
        { path: 'limit', message: 'must be an integer from 1 to 1000' },
        { path: 'sort', message: "unknown field 'nope'" },
        { path: 'filter[actionTaken]', message: "Unexpected '..' at position 5 of 'a..b..c'" },
      ],
    ])
    const c = await t.viewer.get('/api/segments/SM1/criteria?filter[text]=x')
    expect([c.status, c.body.errors]).toEqual([400, [{ path: 'filter[text]', message: "unknown field 'text'" }]])
  })

  it('shows a profile answer filter naming one answer as "Question: Answer"', async () => {
    const r = await t.marketer.post('/api/segments/SM2/refine-contacts', {
      filters: { profileAnswer: { profileQuestionnaireCode: 'SIZE', lineNo: '20000' } },
      entireCompanies: true,
    })
    expect(r.body).toEqual({ actionNo: 1, linesRemoved: 0, noOfLines: 0 })
    const c = await t.viewer.get('/api/segments/SM2/criteria')
    expect(c.body.items[0]).toMatchObject({
      action: 'Remove Contacts (Refine)',
      entireCompanies: true,
      text: 'Contact Profile Answer: Profile Questionnaire Code: SIZE, Employees: Over 100',
    })
  })

  it('previews for a viewer and writes nothing', async () => {
    const p = await t.viewer.post('/api/segments/SM3/preview', {
      action: 'add',
      filters: { contact: { type: 'Company' } },
      expandCompanies: true,
    })
    expect(p.body).toEqual({ linesInserted: 5, noOfLinesAfter: 5 })
    const r = await t.viewer.post('/api/segments/SM3/preview', { action: 'reduce', filters: {} })
    expect(r.body).toEqual({ linesRemoved: 0, noOfLinesAfter: 0 })
    expect((await t.viewer.get('/api/segments/SM3/criteria')).body.items).toEqual([])
    expect((await t.viewer.post('/api/segments/SM3/add-contacts', {})).status).toBe(403)
  })

  it.each([
    [
      { filters: { foo: { a: 'b' } } },
      'filters.foo',
      "unknown block 'foo' (expected one of contact, profileAnswer, mailingGroup, interactionLogEntry, jobResponsibility, industryGroup, businessRelation, valueEntry)",
    ],
    [{ filters: { contact: { nmae: 'x' } } }, 'filters.contact.nmae', "unknown field 'nmae'"],
    [
      { filters: { contact: { no: 'a..b..c' } } },
      'filters.contact.no',
      "Unexpected '..' at position 4 in 'a..b..c' (position 5)",
    ],
    [
      { filters: { profileAnswer: { lineNo: 'abc' } } },
      'filters.profileAnswer.lineNo',
      "'abc' is not a valid integer at position 0 in 'abc' (position 1)",
    ],
    [
      { filters: { interactionLogEntry: { date: '2026-13-01' } } },
      'filters.interactionLogEntry.date',
      "'2026-13-01' is not a valid date (use YYYY-MM-DD) at position 0 in '2026-13-01' (position 1)",
    ],
    [
      { filters: { valueEntry: { amount: '>x' } } },
      'filters.valueEntry.amount',
      "'x' is not a valid number at position 1 in '>x' (position 2)",
    ],
  ])(
    'refuses bad criteria %j with 400 naming block.field, and the segment is unchanged',
    async (body, path, message) => {
      const r = await t.marketer.post('/api/segments/SM4/add-contacts', body)
      expect(r.status).toBe(400)
      expect(r.body.code).toBe('VALIDATION_FAILED')
      expect(r.body.errors).toEqual([{ path, message }])
      expect((await t.viewer.get('/api/segments/SM4/criteria')).body.items).toEqual([])
      expect((await t.viewer.get('/api/segments/SM4/history')).body.items).toEqual([])
      expect((await t.viewer.get('/api/segments/SM4/lines')).body.total).toBe(0)
    },
  )

  it('refuses an unknown option and a non-string expression with 400', async () => {
    const a = await t.marketer.post('/api/segments/SM4/add-contacts', { filters: {}, expand: true })
    expect([a.status, a.body.code]).toEqual([400, 'VALIDATION_FAILED'])
    const b = await t.marketer.post('/api/segments/SM4/reduce-contacts', { filters: { contact: { no: 5 } } })
    expect([b.status, b.body.errors[0].path]).toEqual([400, 'body.filters.contact.no'])
    const c = await t.marketer.post('/api/segments/SM4/go-back', { confirm: true })
    expect(c.status).toBe(400)
    const d = await t.marketer.post('/api/segments/SM4/preview', { action: 'delete' })
    expect(d.status).toBe(400)
  })

  it('answers 404 for an unknown segment', async () => {
    for (const r of [
      await t.marketer.post('/api/segments/NOPE/add-contacts', {}),
      await t.marketer.post('/api/segments/NOPE/go-back', {}),
      await t.viewer.post('/api/segments/NOPE/preview', { action: 'add' }),
      await t.viewer.get('/api/segments/NOPE/criteria'),
      await t.viewer.get('/api/segments/NOPE/history'),
    ]) {
      expect(r.status).toBe(404)
      expect(r.body.detail).toBe("The Segment Header does not exist. Identification fields and values: No.='NOPE'")
    }
  })

  it('documents the routes and the criteria blocks in the OpenAPI document', async () => {
    const doc = (await t.viewer.get('/api/openapi.json')).body
    for (const path of [
      'add-contacts',
      'reduce-contacts',
      'refine-contacts',
      'preview',
      'go-back',
      'criteria',
      'history',
    ])
      expect(Object.keys(doc.paths)).toContain(`/api/segments/{no}/${path}`)
    const body = doc.paths['/api/segments/{no}/add-contacts'].post.requestBody.content['application/json'].schema
    expect(Object.keys(body.properties.filters.properties)).toEqual([
      'contact',
      'profileAnswer',
      'mailingGroup',
      'interactionLogEntry',
      'jobResponsibility',
      'industryGroup',
      'businessRelation',
      'valueEntry',
    ])
  })

  it('answers Go Back without criteria actions with BC’s TestField error', async () => {
    const r = await t.marketer.post('/api/segments/SM4/go-back', {})
    expect([r.status, r.body.code, r.body.detail]).toEqual([
      422,
      'RULE_VIOLATION',
      'No. of Criteria Actions must have a value in Segment Header: No.=SM4. It cannot be zero or empty.',
    ])
  })
})
