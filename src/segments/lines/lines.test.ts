import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { insertLineRows } from '../../test-support/segment-lines.js'
import { createSegment, createWorld } from '../engine/test-fixtures.js'

describe.each(dialects)('Segment lines API on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await createWorld(t.db.kysely, { excludeP2: true })
    const db = t.db.kysely
    await db
      .insertInto('interaction_templates')
      .values({
        code: 'VISIT',
        interaction_group_code: 'MEET',
        description: 'Customer visit',
        unit_cost_lcy: 5,
        unit_duration_min: 10,
        information_flow: 'Outbound',
        initiated_by: 'Us',
        correspondence_type_default: 'Email',
        language_code_default: 'ENU',
      })
      .execute()
    for (const [language_code, subject] of [
      ['ENU', 'Our visit'],
      ['DEU', 'Unser Besuch'],
    ])
      await db
        .insertInto('interaction_template_languages')
        .values({ template_code: 'VISIT', language_code, subject })
        .execute()
  })
  afterAll(() => t.close())

  const criteria = async (seg: string) => (await t.viewer.get(`/api/segments/${seg}/criteria`)).body.items
  const history = async (seg: string) =>
    (await t.viewer.get(`/api/segments/${seg}/history`)).body.items.map(
      (h: { actionNo: number; lineNo: number; contactNo: string; actionTaken: string }) => [
        h.actionNo,
        h.lineNo,
        h.contactNo,
        h.actionTaken,
      ],
    )

  it('Given a segment, when a line is added by hand, then it is filled from header and contact and recorded as Add Contacts (spec §6.2)', async () => {
    await createSegment(t.db.kysely, 'LS1', { salesperson_code: 'SP2', description: 'Autumn', date: '2026-09-01' })
    const r = await t.marketer.post('/api/segments/LS1/lines', { contactNo: 'p1' })
    expect(r.status).toBe(201)
    expect(r.body).toEqual({
      lineNo: 10000,
      contactNo: 'P1',
      contactCompanyNo: 'K1',
      contactName: 'Anna Buyer',
      contactCompanyName: 'Alpha Corp',
      contactEmail: '',
      salespersonCode: 'SP2',
      correspondenceType: 'Email',
      interactionTemplateCode: '',
      interactionGroupCode: '',
      description: 'Autumn',
      subject: '',
      languageCode: '',
      date: '2026-09-01',
      timeOfInteraction: '',
      costLcy: 0,
      durationMin: 0,
      informationFlow: '',
      initiatedBy: '',
      evaluation: '',
      campaignNo: '',
      campaignTarget: false,
      campaignResponse: false,
      attemptFailed: false,
    })
    const c = await criteria('LS1')
    expect(c).toHaveLength(1)
    expect(c[0]).toMatchObject({
      actionNo: 1,
      action: 'Add Contacts',
      filters: { contact: { no: 'P1' } },
      text: 'Contact: No.: P1',
    })
    expect(await history('LS1')).toEqual([[1, 10000, 'P1', 'Insertion']])
  })

  it('adds an excluded contact and a duplicate by hand (no checks), at a given line no. with given fields', async () => {
    const a = await t.marketer.post('/api/segments/LS1/lines', {
      contactNo: 'P2',
      lineNo: 5000,
      description: 'First',
      evaluation: 'positive',
    })
    expect(a.status).toBe(201)
    expect([a.body.lineNo, a.body.contactNo, a.body.description, a.body.evaluation]).toEqual([
      5000,
      'P2',
      'First',
      'Positive',
    ])
    const b = await t.marketer.post('/api/segments/LS1/lines', { contactNo: 'P1' })
    expect([b.body.lineNo, b.body.contactNo]).toEqual([20000, 'P1'])
    const taken = await t.marketer.post('/api/segments/LS1/lines', { contactNo: 'K1', lineNo: 5000 })
    expect([taken.status, taken.body.detail]).toEqual([
      409,
      "The Segment Line already exists. Identification fields and values: Segment No.='LS1',Line No.='5000'",
    ])
    const unknown = await t.marketer.post('/api/segments/LS1/lines', { contactNo: 'X9' })
    expect([unknown.status, unknown.body.detail]).toEqual([
      422,
      "The Contact does not exist. Identification fields and values: No.='X9'",
    ])
    expect((await t.marketer.post('/api/segments/LS1/lines', { lineNo: 1 })).status).toBe(400)
    expect((await criteria('LS1')).map((c: { actionNo: number }) => c.actionNo)).toEqual([1, 2, 3])
  })

  it('lists lines with paging, sorting and filters on line fields, with contact fields for the page', async () => {
    const all = await t.viewer.get('/api/segments/LS1/lines')
    expect(all.body.total).toBe(3)
    expect(all.body.items.map((l: { lineNo: number; contactName: string }) => [l.lineNo, l.contactName])).toEqual([
      [5000, 'Bob Seller'],
      [10000, 'Anna Buyer'],
      [20000, 'Anna Buyer'],
    ])
    const page = await t.viewer.get('/api/segments/LS1/lines?sort=-lineNo&limit=1&offset=1')
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ lineNo: 10000 }] })
    const f = await t.viewer.get('/api/segments/LS1/lines?filter[contactNo]=P1&filter[lineNo]=>10000')
    expect(f.body.items.map((l: { lineNo: number }) => l.lineNo)).toEqual([20000])
    // With a filter the total is counted, not the segment's stored No. of Lines (3).
    expect(f.body.total).toBe(1)
    expect((await t.viewer.get('/api/segments/LS1/lines?filter[contactName]=Anna')).body.total).toBe(0)
    expect((await t.viewer.get('/api/segments/LS1/lines?filter[contactLanguage]=x')).status).toBe(400)
    expect((await t.viewer.get('/api/segments/LS1/lines?filter[lineNo]=abc')).status).toBe(400)
    const one = await t.viewer.get('/api/segments/LS1/lines/5000')
    expect([one.body.contactNo, one.body.contactCompanyName]).toEqual(['P2', 'Alpha Corp'])
    const none = await t.viewer.get('/api/segments/LS1/lines/7')
    expect([none.status, none.body.detail]).toEqual([
      404,
      "The Segment Line does not exist. Identification fields and values: Segment No.='LS1',Line No.='7'",
    ])
  })

  it('Given lines of Anna Buyer and Bob Seller of Alpha Corp, when filtered and sorted on the contact fields, then the join decides the page and the total', async () => {
    const lines = async (query: string) => {
      const r = await t.viewer.get(`/api/segments/LS1/lines?${query}`)
      return [r.status, r.body.total, r.body.items.map((l: { lineNo: number; contactName: string }) => l.lineNo)]
    }
    expect(await lines('filter[contactName]=Anna*')).toEqual([200, 2, [10000, 20000]])
    expect(await lines('filter[contactName]=@*SELLER')).toEqual([200, 1, [5000]])
    // Sorted on the name, ties in line order; the total without filters is the stored No. of Lines.
    expect(await lines('sort=contactName')).toEqual([200, 3, [10000, 20000, 5000]])
    expect(await lines('sort=-contactName&limit=2&offset=1')).toEqual([200, 3, [10000, 20000]])
    expect(await lines('filter[contactCompanyName]=Alpha*&sort=-contactCompanyName,-lineNo')).toEqual([
      200,
      3,
      [20000, 10000, 5000],
    ])
    expect(await lines("filter[contactEmail]=<>''")).toEqual([200, 0, []])
    expect(await lines('filter[contactName]=Bob*&filter[lineNo]=>5000')).toEqual([200, 0, []])
    const bad = await t.viewer.get('/api/segments/LS1/lines?filter[contactName]=a..b..c')
    expect([bad.status, bad.body.errors]).toEqual([
      400,
      [{ path: 'filter[contactName]', message: "Unexpected '..' at position 5 of 'a..b..c'" }],
    ])
  })

  it('Given two segments, when their pages are read in turn, from the start and from the end, then each shows its own lines', async () => {
    const db = t.db.kysely
    await createSegment(db, 'PG-A')
    await createSegment(db, 'PG-B')
    const lines = (seg: string, n: number, contact: string) =>
      Array.from({ length: n }, (_, i) => ({ segment_no: seg, line_no: (i + 1) * 10, contact_no: contact }))
    await insertLineRows(db, [...lines('PG-A', 7, 'P1'), ...lines('PG-B', 4, 'P2')])
    const page = async (seg: string, query: string) => {
      const r = await t.viewer.get(`/api/segments/${seg}/lines?${query}`)
      return [
        r.body.total,
        r.body.items.map((l: { lineNo: number; contactName: string }) => `${l.lineNo} ${l.contactName}`),
      ]
    }
    expect(await page('PG-A', 'limit=2')).toEqual([7, ['10 Anna Buyer', '20 Anna Buyer']])
    expect(await page('PG-B', 'limit=2')).toEqual([4, ['10 Bob Seller', '20 Bob Seller']])
    // Past the middle a page is read from the end.
    expect(await page('PG-A', 'limit=2&offset=5')).toEqual([7, ['60 Anna Buyer', '70 Anna Buyer']])
    expect(await page('PG-B', 'limit=2&offset=3')).toEqual([4, ['40 Bob Seller']])
    expect(await page('PG-A', 'limit=3&offset=4&sort=-lineNo')).toEqual([
      7,
      ['30 Anna Buyer', '20 Anna Buyer', '10 Anna Buyer'],
    ])
    expect(await page('PG-B', 'limit=2&offset=1&sort=-lineNo')).toEqual([4, ['30 Bob Seller', '20 Bob Seller']])
    expect(await page('PG-A', 'limit=2&offset=7')).toEqual([7, []])
  })

  it('Given a line, when a field other than the contact changes, then it is a plain update without criteria', async () => {
    const r = await t.marketer.patch('/api/segments/LS1/lines/10000', {
      description: 'Call',
      salespersonCode: 'jr',
      timeOfInteraction: '09:30',
      attemptFailed: true,
    })
    expect(r.status).toBe(200)
    expect([r.body.description, r.body.salespersonCode, r.body.timeOfInteraction, r.body.attemptFailed]).toEqual([
      'Call',
      'JR',
      '09:30',
      true,
    ])
    expect(await criteria('LS1')).toHaveLength(3)
    const bad = [
      [
        { salespersonCode: 'NOBODY' },
        422,
        "The Salesperson/Purchaser does not exist. Identification fields and values: Code='NOBODY'",
      ],
      [{ campaignNo: 'NOCAMP' }, 422, "The Campaign does not exist. Identification fields and values: No.='NOCAMP'"],
      [
        { languageCode: 'ENU' },
        422,
        'Interaction Template Code must have a value in Segment Line: Segment No.=LS1, Line No.=10000. It cannot be zero or empty.',
      ],
      [
        { interactionTemplateCode: 'NOPE' },
        422,
        "The Interaction Template does not exist. Identification fields and values: Code='NOPE'",
      ],
    ] as const
    for (const [body, status, detail] of bad) {
      const e = await t.marketer.patch('/api/segments/LS1/lines/10000', body)
      expect([e.status, e.body.detail]).toEqual([status, detail])
    }
    for (const body of [
      { evaluation: 'Great' },
      { costLcy: -1 },
      { timeOfInteraction: '25:00' },
      { lineNo: 3 },
      { contactCompanyNo: 'K2' },
    ])
      expect((await t.marketer.patch('/api/segments/LS1/lines/10000', body)).status).toBe(400)
  })

  it('Given a line, when its template changes, then the interaction fields are reset and refilled from the template (spec §5.2)', async () => {
    const r = await t.marketer.patch('/api/segments/LS1/lines/10000', { interactionTemplateCode: 'visit' })
    // P1 speaks DEU, which VISIT has; the description stays as the line had one and no template before.
    expect(r.body).toMatchObject({
      interactionTemplateCode: 'VISIT',
      interactionGroupCode: 'MEET',
      description: 'Call',
      costLcy: 5,
      durationMin: 10,
      informationFlow: 'Outbound',
      initiatedBy: 'Us',
      correspondenceType: 'Email',
      languageCode: 'DEU',
      subject: 'Unser Besuch',
    })
    const again = await t.marketer.patch('/api/segments/LS1/lines/10000', { interactionTemplateCode: 'CALL' })
    // From a non-blank template: the description follows the template; CALL has no languages.
    expect(again.body).toMatchObject({
      interactionTemplateCode: 'CALL',
      interactionGroupCode: 'PHONE',
      description: 'Phone call',
      costLcy: 0,
      informationFlow: '',
      languageCode: '',
      subject: '',
    })
    const cleared = await t.marketer.patch('/api/segments/LS1/lines/10000', {
      interactionTemplateCode: '',
      description: 'Plain',
    })
    expect(cleared.body).toMatchObject({
      interactionTemplateCode: '',
      interactionGroupCode: '',
      description: 'Plain',
      correspondenceType: '',
    })
  })

  it('Given a line, when its template and fields the template fills are given together, then the given values win in any order', async () => {
    const r = await t.marketer.patch('/api/segments/LS1/lines/10000', {
      costLcy: 2,
      languageCode: 'ENU',
      interactionTemplateCode: 'VISIT',
      campaignTarget: true,
    })
    expect(r.body).toMatchObject({
      interactionTemplateCode: 'VISIT',
      interactionGroupCode: 'MEET',
      costLcy: 2,
      durationMin: 10,
      languageCode: 'ENU',
      campaignTarget: true,
    })
    const stored = await t.db.kysely
      .selectFrom('segment_lines')
      .select(['cost_lcy', 'language_code', 'language_by_hand'])
      .where('segment_no', '=', 'LS1')
      .where('line_no', '=', 10000)
      .executeTakeFirstOrThrow()
    // The language was given by hand: a header template change keeps it.
    expect([Number(stored.cost_lcy), stored.language_code, stored.language_by_hand]).toEqual([2, 'ENU', 1])
  })

  it('Given a line, when its contact changes, then BC records Reduce (old) and Add (new) and Go Back undoes both', async () => {
    const before = (await t.viewer.get('/api/segments/LS1/lines/5000')).body
    const r = await t.marketer.patch('/api/segments/LS1/lines/5000', { contactNo: 'P3' })
    expect([r.body.lineNo, r.body.contactNo, r.body.contactCompanyNo, r.body.description, r.body.evaluation]).toEqual([
      5000,
      'P3',
      'K2',
      'Autumn',
      '',
    ])
    const c = await criteria('LS1')
    expect(c.slice(3).map((a: { action: string; text: string }) => [a.action, a.text])).toEqual([
      ['Remove Contacts (Reduce)', 'Contact: No.: P2'],
      ['Add Contacts', 'Contact: No.: P3'],
    ])
    expect((await history('LS1')).slice(-2)).toEqual([
      [4, 5000, 'P2', 'Deletion'],
      [5, 5000, 'P3', 'Insertion'],
    ])
    await t.marketer.post('/api/segments/LS1/go-back', {})
    await t.marketer.post('/api/segments/LS1/go-back', {})
    expect((await t.viewer.get('/api/segments/LS1/lines/5000')).body).toEqual(before)
  })

  it('Given lines, when one is deleted, then it is recorded as Reduce with a Deletion', async () => {
    const r = await t.marketer.del('/api/segments/LS1/lines/20000')
    expect(r.status).toBe(204)
    const c = await criteria('LS1')
    expect(c.at(-1)).toMatchObject({ action: 'Remove Contacts (Reduce)', filters: { contact: { no: 'P1' } } })
    expect((await history('LS1')).at(-1)).toEqual([c.at(-1).actionNo, 20000, 'P1', 'Deletion'])
    expect((await t.marketer.del('/api/segments/LS1/lines/20000')).status).toBe(404)
  })

  it('Given the last line and more than one criteria action after it, when deleting, then BC’s question must be answered (ReduceSegmentLineWithConfirmation)', async () => {
    for (const seg of ['LQ1', 'LQ2']) {
      await createSegment(t.db.kysely, seg)
      await t.marketer.post(`/api/segments/${seg}/lines`, { contactNo: 'K1' })
    }
    const ask = await t.marketer.del('/api/segments/LQ1/lines/10000')
    expect([ask.status, ask.body.code, ask.body.question]).toEqual([
      409,
      'CONFIRMATION_REQUIRED',
      'Your Segment is now empty.\\Do you want to reset number of criteria actions?',
    ])
    expect((await t.viewer.get('/api/segments/LQ1/lines')).body.total).toBe(1)
    expect(await criteria('LQ1')).toHaveLength(1)

    expect((await t.marketer.del('/api/segments/LQ1/lines/10000?resetCriteria=true')).status).toBe(204)
    expect(await criteria('LQ1')).toEqual([])
    expect(await history('LQ1')).toEqual([])

    expect((await t.marketer.del('/api/segments/LQ2/lines/10000?resetCriteria=false')).status).toBe(204)
    expect(await criteria('LQ2')).toHaveLength(2)
    expect(await history('LQ2')).toEqual([
      [1, 10000, 'K1', 'Insertion'],
      [2, 10000, 'K1', 'Deletion'],
    ])
    expect((await t.marketer.del('/api/segments/LQ2/lines/10000?resetCriteria=maybe')).status).toBe(400)
  })

  it('Given the only line and no criteria action, when deleting, then nothing is asked', async () => {
    await createSegment(t.db.kysely, 'LQ3')
    await insertLineRows(t.db.kysely, [
      { segment_no: 'LQ3', line_no: 10000, contact_no: 'K2', contact_company_no: 'K2' },
    ])
    expect((await t.marketer.del('/api/segments/LQ3/lines/10000')).status).toBe(204)
    expect(await criteria('LQ3')).toHaveLength(1)
  })

  it('refuses a viewer writing lines and answers 404 for an unknown segment', async () => {
    expect((await t.viewer.post('/api/segments/LS1/lines', { contactNo: 'K1' })).status).toBe(403)
    expect((await t.viewer.get('/api/segments/NOPE/lines')).status).toBe(404)
    expect((await t.marketer.post('/api/segments/NOPE/lines', { contactNo: 'K1' })).status).toBe(404)
  })
})
