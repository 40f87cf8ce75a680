import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { workDate } from './create-segment.js'
import { seedSegmentData } from './test-fixtures.js'

const blankSegment = {
  description: '',
  date: workDate(),
  salespersonCode: '',
  campaignNo: '',
  campaignTarget: false,
  campaignResponse: false,
  interactionTemplateCode: '',
  interactionGroupCode: '',
  informationFlow: '',
  initiatedBy: '',
  unitCostLcy: 0,
  unitDurationMin: 0,
  correspondenceTypeDefault: '',
  ignoreContactCorresType: false,
  languageCodeDefault: '',
  subjectDefault: '',
  noOfLines: 0,
  noOfCriteriaActions: 0,
  costLcy: 0,
  durationMin: 0,
}

describe.each(dialects)('creating a segment on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedSegmentData(t.db.kysely)
  })
  afterAll(() => t.close())
  beforeEach(async () => {
    await t.db.kysely.deleteFrom('segment_headers').execute()
    await t.db.kysely.updateTable('number_series').set({ last_no_used: '' }).execute()
    await t.db.kysely.updateTable('marketing_setup').set({ segment_nos: 'SEG' }).execute()
    await t.db.kysely.updateTable('users').set({ salesperson_code: '' }).execute()
  })

  it('numbers a new segment from Segment Nos. and dates it today', async () => {
    // Given the Segment Nos. series SEG starting at SM00001
    // When two segments are created without a No.
    const first = await t.marketer.post('/api/segments', { description: 'Spring mailing' })
    const second = await t.marketer.post('/api/segments', {})
    // Then they get the next numbers of the series and today's date
    expect(first.status).toBe(201)
    expect(first.body).toEqual({ ...blankSegment, no: 'SM00001', description: 'Spring mailing' })
    expect(second.body.no).toBe('SM00002')
    const row = await t.db.kysely
      .selectFrom('segment_headers')
      .select('no_series')
      .where('no', '=', 'SM00001')
      .executeTakeFirstOrThrow()
    expect(row.no_series).toBe('SEG')
  })

  it('refuses a segment without No. when Marketing Setup has no Segment Nos.', async () => {
    await t.db.kysely.updateTable('marketing_setup').set({ segment_nos: '' }).execute()
    const r = await t.marketer.post('/api/segments', { description: 'Spring mailing' })
    expect(r.status).toBe(422)
    expect(r.body.code).toBe('RULE_VIOLATION')
    expect(r.body.detail).toBe(
      'Segment Nos. must have a value in Marketing Setup: Primary Key=. It cannot be zero or empty.',
    )
    expect(await t.db.kysely.selectFrom('segment_headers').selectAll().execute()).toEqual([])
  })

  it('refuses a typed No. when the series does not allow manual numbers', async () => {
    const r = await t.marketer.post('/api/segments', { no: 'my-seg' })
    expect(r.status).toBe(422)
    expect(r.body.detail).toBe(
      'You may not enter numbers manually. If you want to enter numbers manually, please activate Manual Nos. in No. Series SEG.',
    )
  })

  it('takes a typed No. when the series allows manual numbers, without a series', async () => {
    await t.db.kysely.updateTable('marketing_setup').set({ segment_nos: 'SEGM' }).execute()
    const r = await t.marketer.post('/api/segments', { no: ' my-seg ' })
    expect(r.status).toBe(201)
    expect(r.body.no).toBe('MY-SEG')
    const row = await t.db.kysely
      .selectFrom('segment_headers')
      .select('no_series')
      .where('no', '=', 'MY-SEG')
      .executeTakeFirstOrThrow()
    expect(row.no_series).toBe('')
    const dup = await t.marketer.post('/api/segments', { no: 'MY-SEG' })
    expect(dup.status).toBe(409)
    expect(dup.body.detail).toBe("The Segment Header already exists. Identification fields and values: No.='MY-SEG'")
  })

  it('takes a typed No. when there is no series at all', async () => {
    await t.db.kysely.updateTable('marketing_setup').set({ segment_nos: '' }).execute()
    const r = await t.marketer.post('/api/segments', { no: 'FREE1' })
    expect(r.status).toBe(201)
    expect(r.body.no).toBe('FREE1')
  })

  it('keeps a date given on create (BC sets WorkDate on insert, before the user types one)', async () => {
    const r = await t.marketer.post('/api/segments', { date: '2020-01-31' })
    expect([r.status, r.body.date]).toEqual([201, '2020-01-31'])
  })

  it("defaults the salesperson to the user's, and keeps a given one", async () => {
    await t.db.kysely.updateTable('users').set({ salesperson_code: 'JR' }).where('username', '=', 'marketer').execute()
    expect((await t.marketer.post('/api/segments', {})).body.salespersonCode).toBe('JR')
    expect((await t.marketer.post('/api/segments', { salespersonCode: 'kl' })).body.salespersonCode).toBe('KL')
    // A blank one given is a value too: not replaced by the user's.
    expect((await t.marketer.post('/api/segments', { salespersonCode: '' })).body.salespersonCode).toBe('')
  })

  it('refuses an unknown or blocked salesperson', async () => {
    const unknown = await t.marketer.post('/api/segments', { salespersonCode: 'NOPE' })
    expect(unknown.status).toBe(422)
    expect(unknown.body.detail).toBe(
      "The Salesperson/Purchaser does not exist. Identification fields and values: Code='NOPE'",
    )
    const blocked = await t.marketer.post('/api/segments', { salespersonCode: 'OLD' })
    expect(blocked.body.detail).toBe(
      'The field Salesperson Code of table Segment Header contains a value (OLD) that cannot be found in the related table (Salesperson/Purchaser).',
    )
    expect(await t.db.kysely.selectFrom('segment_headers').selectAll().execute()).toEqual([])
  })

  it('fills the interaction defaults from a template given on create', async () => {
    const r = await t.marketer.post('/api/segments', { description: 'Visits', interactionTemplateCode: 'bus' })
    expect(r.body).toEqual({
      ...blankSegment,
      no: 'SM00001',
      description: 'Visits',
      interactionTemplateCode: 'BUS',
      interactionGroupCode: 'MEETING',
      informationFlow: 'Outbound',
      initiatedBy: 'Us',
      unitCostLcy: 25,
      unitDurationMin: 60,
      correspondenceTypeDefault: 'Email',
      languageCodeDefault: 'ENU',
    })
  })

  it('lets a value given win over the template default of the same request, in any order', async () => {
    const costFirst = await t.marketer.post('/api/segments', { unitCostLcy: 7, interactionTemplateCode: 'BUS' })
    expect([costFirst.body.unitCostLcy, costFirst.body.unitDurationMin]).toEqual([7, 60])
    const templateFirst = await t.marketer.post('/api/segments', { interactionTemplateCode: 'BUS', unitCostLcy: 7 })
    expect(templateFirst.body.unitCostLcy).toBe(7)
  })

  it('keeps Campaign Target given with a campaign and a template whose default is No (issue: it was dropped)', async () => {
    // Given BUS, whose Campaign Target default is No
    // When a segment is created with a campaign, Campaign Target Yes and BUS, the flag before the template
    const r = await t.marketer.post('/api/segments', {
      campaignNo: 'CP1001',
      campaignTarget: true,
      interactionTemplateCode: 'BUS',
    })
    // Then the flag given is kept, stored as answered
    expect([r.status, r.body.campaignNo, r.body.campaignTarget, r.body.campaignResponse]).toEqual([
      201,
      'CP1001',
      true,
      false,
    ])
    expect((await t.viewer.get(`/api/segments/${r.body.no}`)).body).toEqual(r.body)
  })

  it("keeps a campaign and a flag given over a template's own campaign and flags", async () => {
    // LETTER brings campaign CP1002 with Campaign Target and Response Yes.
    const r = await t.marketer.post('/api/segments', {
      interactionTemplateCode: 'LETTER',
      campaignNo: 'CP1001',
      campaignTarget: false,
    })
    expect([r.body.campaignNo, r.body.campaignTarget, r.body.campaignResponse, r.body.unitCostLcy]).toEqual([
      'CP1001',
      false,
      true,
      1.5,
    ])
  })

  it('refuses Campaign Target Yes with a blank campaign in the same request, creating nothing', async () => {
    const r = await t.marketer.post('/api/segments', { campaignNo: '', campaignTarget: true })
    expect([r.status, r.body.code, r.body.detail]).toEqual([
      422,
      'RULE_VIOLATION',
      'Campaign Target cannot be Yes when Campaign No. is cleared in the same change: clearing Campaign No. clears Campaign Target.',
    ])
    expect(await t.db.kysely.selectFrom('segment_headers').selectAll().execute()).toEqual([])
    expect(
      (
        await t.db.kysely
          .selectFrom('number_series')
          .select('last_no_used')
          .where('code', '=', 'SEG')
          .executeTakeFirstOrThrow()
      ).last_no_used,
    ).toBe('')
  })

  it('refuses read-only and unknown fields', async () => {
    const r = await t.marketer.post('/api/segments', { noOfLines: 3 })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('VALIDATION_FAILED')
    const g = await t.marketer.post('/api/segments', { interactionGroupCode: 'MEETING' })
    expect(g.status).toBe(400)
  })

  it('lets a viewer read but not create', async () => {
    const r = await t.viewer.post('/api/segments', {})
    expect(r.status).toBe(403)
    expect(r.body.code).toBe('FORBIDDEN')
  })
})
