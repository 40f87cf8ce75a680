import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { insertHeader, insertLines, seedSegmentData } from './test-fixtures.js'

/** The header of SM1: template BUS with its defaults, as if BUS had been chosen on the page. */
const header = {
  description: 'Visits',
  date: '2026-03-02',
  salesperson_code: 'JR',
  interaction_template_code: 'BUS',
  interaction_group_code: 'MEETING',
  information_flow: 'Outbound',
  initiated_by: 'Us',
  unit_cost_lcy: 25,
  unit_duration_min: 60,
  correspondence_type_default: 'Email',
  language_code_default: 'ENU',
  subject_default: 'Meeting',
}

/** Two lines with the header template and one with another template. */
const line = (lineNo: number, contactNo: string, template: string) => ({
  line_no: lineNo,
  contact_no: contactNo,
  interaction_template_code: template,
  interaction_group_code: template === 'BUS' ? 'MEETING' : 'LETTER',
  description: 'Visits',
  date: '2026-03-02',
  salesperson_code: 'JR',
  correspondence_type: 'Email',
  cost_lcy: 25,
  duration_min: 60,
  information_flow: 'Outbound',
  initiated_by: 'Us',
  language_code: 'ENU',
  subject: 'Meeting',
})

/** The line columns the tests look at, in API-like form. */
async function lines(t: TestApp) {
  const rows = await t.db.kysely
    .selectFrom('segment_lines')
    .select([
      'line_no',
      'interaction_template_code',
      'interaction_group_code',
      'description',
      'campaign_no',
      'salesperson_code',
      'correspondence_type',
      'cost_lcy',
      'duration_min',
      'date',
      'campaign_target',
      'campaign_response',
      'information_flow',
      'initiated_by',
      'subject',
    ])
    .where('segment_no', '=', 'SM1')
    .orderBy('line_no')
    .execute()
  return rows.map((r) => ({
    ...r,
    line_no: Number(r.line_no),
    cost_lcy: Number(r.cost_lcy),
    duration_min: Number(r.duration_min),
  }))
}

describe.each(dialects)('changing a segment header on %s', (dialect) => {
  let t: TestApp
  let before: Awaited<ReturnType<typeof lines>>
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedSegmentData(t.db.kysely)
  })
  afterAll(() => t.close())
  beforeEach(async () => {
    await t.db.kysely.deleteFrom('segment_headers').execute()
    await insertHeader(t.db.kysely, 'SM1', header)
    await insertLines(t.db.kysely, 'SM1', [
      line(10000, 'P1', 'BUS'),
      line(20000, 'P2', 'BUS'),
      line(30000, 'P3', 'LETTER'),
    ])
    before = await lines(t)
  })

  // field, value given, value the header shows, the line column it is copied to, the value stored there
  const propagated: [string, unknown, unknown, string, unknown][] = [
    ['description', 'Spring visits', 'Spring visits', 'description', 'Spring visits'],
    ['campaignNo', 'cp1001', 'CP1001', 'campaign_no', 'CP1001'],
    ['salespersonCode', 'KL', 'KL', 'salesperson_code', 'KL'],
    ['unitCostLcy', 12.5, 12.5, 'cost_lcy', 12.5],
    ['unitDurationMin', 45, 45, 'duration_min', 45],
    ['date', '2026-05-04', '2026-05-04', 'date', '2026-05-04'],
    ['campaignTarget', true, true, 'campaign_target', 1],
    ['informationFlow', 'inbound', 'Inbound', 'information_flow', 'Inbound'],
    ['initiatedBy', 'Them', 'Them', 'initiated_by', 'Them'],
    ['campaignResponse', true, true, 'campaign_response', 1],
  ]

  it.each(propagated)(
    'copies %s to the lines with the header template when updateLines=true',
    async (field, value, shown, column, stored) => {
      // Given SM1 with template BUS, lines 10000 and 20000 with BUS, line 30000 with LETTER
      // When the header field changes and the user answers Yes
      const r = await t.marketer.patch('/api/segments/SM1?updateLines=true', { [field]: value })
      // Then the header shows it, the BUS lines carry it and the LETTER line keeps its own value
      expect(r.status).toBe(200)
      expect(r.body[field]).toEqual(shown)
      expect(await lines(t)).toEqual([
        { ...before[0], [column]: stored },
        { ...before[1], [column]: stored },
        before[2],
      ])
    },
  )

  it("gives the lines a new line's correspondence type: the header default only when the header ignores the contacts' types", async () => {
    // Given P2 prefers letters; BUS (Email, not ignoring the contact's type) has an e-mail body in the
    // header's language, so the header "has an attachment" and the type propagates (Q3)
    await t.db.kysely.updateTable('contacts').set({ correspondence_type: 'Hard Copy' }).where('no', '=', 'P2').execute()
    try {
      // When the default becomes Hard Copy without Ignore Contact Corres. Type
      const r = await t.marketer.patch('/api/segments/SM1', { correspondenceTypeDefault: 'Hard Copy' })
      expect(r.body.correspondenceTypeDefault).toBe('Hard Copy')
      // Then each BUS line has its contact's type, else the template's: P1 e-mail, P2 letter (Q2's overwrite fixed)
      expect(await lines(t)).toEqual([before[0], { ...before[1], correspondence_type: 'Hard Copy' }, before[2]])
      // When the header ignores the contacts' types, in the same request whatever the order
      await t.marketer.patch('/api/segments/SM1', { correspondenceTypeDefault: 'Email' })
      await t.marketer.patch('/api/segments/SM1', {
        correspondenceTypeDefault: 'Hard Copy',
        ignoreContactCorresType: true,
      })
      // Then every BUS line gets the header's default, as a line added now would
      expect(await lines(t)).toEqual([
        { ...before[0], correspondence_type: 'Hard Copy' },
        { ...before[1], correspondence_type: 'Hard Copy' },
        before[2],
      ])
    } finally {
      await t.db.kysely.updateTable('contacts').set({ correspondence_type: '' }).where('no', '=', 'P2').execute()
    }
  })

  it.each([
    ...propagated,
    ['correspondenceTypeDefault', 'Hard Copy', 'Hard Copy', 'correspondence_type', 'Hard Copy'],
  ] as typeof propagated)('changes only the header for %s when updateLines=false', async (field, value, shown) => {
    const r = await t.marketer.patch('/api/segments/SM1?updateLines=false', { [field]: value })
    expect(r.status).toBe(200)
    expect(r.body[field]).toEqual(shown)
    expect(await lines(t)).toEqual(before)
  })

  it('propagates by default (updateLines omitted = Yes)', async () => {
    await t.marketer.patch('/api/segments/SM1', { description: 'Default yes' })
    expect((await lines(t)).map((l) => l.description)).toEqual(['Default yes', 'Default yes', 'Visits'])
  })

  it('does not propagate a blank Correspondence Type (Default) (Q3)', async () => {
    const r = await t.marketer.patch('/api/segments/SM1', { correspondenceTypeDefault: '' })
    expect(r.body.correspondenceTypeDefault).toBe('')
    expect(await lines(t)).toEqual(before)
  })

  it('does not propagate Correspondence Type (Default) when the header has no letter or e-mail body (Q3)', async () => {
    // The header language DEU has no BUS body.
    await t.db.kysely.updateTable('segment_headers').set({ language_code_default: 'DEU' }).execute()
    const r = await t.marketer.patch('/api/segments/SM1', { correspondenceTypeDefault: 'Hard Copy' })
    expect(r.body.correspondenceTypeDefault).toBe('Hard Copy')
    expect(await lines(t)).toEqual(before)
  })

  it('applies a new template to all lines and refreshes the header from it', async () => {
    // When the template changes to LETTER and the user answers Yes
    const r = await t.marketer.patch('/api/segments/SM1', { interactionTemplateCode: 'letter' })
    // Then the header takes LETTER's defaults, its campaign and a blank subject
    expect(r.body).toMatchObject({
      interactionTemplateCode: 'LETTER',
      interactionGroupCode: 'LETTER',
      languageCodeDefault: 'DEU',
      unitCostLcy: 1.5,
      unitDurationMin: 5,
      informationFlow: 'Inbound',
      initiatedBy: 'Them',
      campaignNo: 'CP1002',
      campaignTarget: true,
      campaignResponse: true,
      correspondenceTypeDefault: 'Hard Copy',
      ignoreContactCorresType: true,
      subjectDefault: '',
      description: 'Visits',
      salespersonCode: 'JR',
    })
    // And every line is re-validated against LETTER (Q2 fixed): it holds what a line added now would hold,
    // keeping its description, salesperson and date
    expect(await lines(t)).toEqual(
      before.map((l) => ({
        ...l,
        interaction_template_code: 'LETTER',
        interaction_group_code: 'LETTER',
        campaign_no: 'CP1002',
        correspondence_type: 'Hard Copy',
        cost_lcy: 1.5,
        duration_min: 5,
        campaign_target: 1,
        campaign_response: 1,
        information_flow: 'Inbound',
        initiated_by: 'Them',
        subject: '',
      })),
    )
    // And the header's Cost (LCY) and Duration (Min.) are the lines' sums
    expect(r.body).toMatchObject({ noOfLines: 3, costLcy: 4.5, durationMin: 15 })
  })

  it('refreshes the header but leaves the lines when a new template is not applied to them', async () => {
    const r = await t.marketer.patch('/api/segments/SM1?updateLines=false', { interactionTemplateCode: 'LETTER' })
    expect(r.body).toMatchObject({ interactionTemplateCode: 'LETTER', unitCostLcy: 1.5, campaignNo: 'CP1002' })
    // BC pushes the template's correspondence type to the lines that already carry the new template (Q2);
    // the user answered No, so no line changes.
    expect(await lines(t)).toEqual(before)
  })

  it('clears the template: interaction fields become blank, lines lose the template (Q1 fixed)', async () => {
    await t.db.kysely.updateTable('segment_headers').set({ campaign_no: 'CP1001', campaign_target: 1 }).execute()
    const r = await t.marketer.patch('/api/segments/SM1', { interactionTemplateCode: '' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      interactionTemplateCode: '',
      interactionGroupCode: '',
      languageCodeDefault: '',
      unitCostLcy: 0,
      unitDurationMin: 0,
      informationFlow: '',
      initiatedBy: '',
      campaignTarget: false,
      campaignResponse: false,
      correspondenceTypeDefault: '',
      ignoreContactCorresType: false,
      subjectDefault: '',
      // the campaign is not an interaction field: kept
      campaignNo: 'CP1001',
      description: 'Visits',
    })
    // The lines lose the template and everything it gave them, as a line added now would have none
    expect(await lines(t)).toEqual(
      before.map((l) => ({
        ...l,
        interaction_template_code: '',
        interaction_group_code: '',
        campaign_no: 'CP1001',
        correspondence_type: '',
        cost_lcy: 0,
        duration_min: 0,
        information_flow: '',
        initiated_by: '',
        subject: '',
      })),
    )
    expect(r.body).toMatchObject({ noOfLines: 3, costLcy: 0, durationMin: 0 })
  })

  it('re-validating the same template resets the header to the template defaults', async () => {
    await t.marketer.patch('/api/segments/SM1?updateLines=false', { unitCostLcy: 99 })
    const r = await t.marketer.patch('/api/segments/SM1?updateLines=false', { interactionTemplateCode: 'BUS' })
    expect(r.body.unitCostLcy).toBe(25)
    expect(r.body.subjectDefault).toBe('')
  })

  it('lets a value given in the request win over the default the template of the same request gives, in any order', async () => {
    const a = await t.marketer.patch('/api/segments/SM1', { interactionTemplateCode: 'LETTER', unitCostLcy: 7 })
    expect(a.body).toMatchObject({ unitCostLcy: 7, costLcy: 21 })
    // LETTER is now the header template: all lines have it, so all get the cost 7
    expect((await lines(t)).map((l) => l.cost_lcy)).toEqual([7, 7, 7])
    const b = await t.marketer.patch('/api/segments/SM1', {
      unitCostLcy: 8,
      campaignTarget: false,
      subjectDefault: 'Hello',
      interactionTemplateCode: 'LETTER',
    })
    expect(b.body).toMatchObject({ unitCostLcy: 8, campaignTarget: false, subjectDefault: 'Hello', costLcy: 24 })
    expect((await lines(t)).map((l) => [l.cost_lcy, l.campaign_target, l.subject])).toEqual([
      [8, 0, 'Hello'],
      [8, 0, 'Hello'],
      [8, 0, 'Hello'],
    ])
  })

  it('refuses Campaign Target or Response set while the same request clears the campaign, and changes nothing', async () => {
    await t.db.kysely.updateTable('segment_headers').set({ campaign_no: 'CP1001' }).execute()
    for (const [field, caption] of [
      ['campaignTarget', 'Campaign Target'],
      ['campaignResponse', 'Campaign Response'],
    ]) {
      const r = await t.marketer.patch('/api/segments/SM1', { [field]: true, campaignNo: '' })
      expect([r.status, r.body.code, r.body.detail]).toEqual([
        422,
        'RULE_VIOLATION',
        `${caption} cannot be Yes when Campaign No. is cleared in the same change: clearing Campaign No. clears ${caption}.`,
      ])
    }
    expect(await lines(t)).toEqual(before)
    const h = await t.db.kysely
      .selectFrom('segment_headers')
      .selectAll()
      .where('no', '=', 'SM1')
      .executeTakeFirstOrThrow()
    expect([h.campaign_no, h.campaign_target, h.campaign_response]).toEqual(['CP1001', 0, 0])
  })

  it('propagates the subject to the lines of the header template and language that had the old subject', async () => {
    await t.db.kysely.updateTable('segment_lines').set({ subject: 'Other' }).where('line_no', '=', 20000).execute()
    const r = await t.marketer.patch('/api/segments/SM1', { subjectDefault: 'Our meeting' })
    expect(r.body.subjectDefault).toBe('Our meeting')
    expect((await lines(t)).map((l) => l.subject)).toEqual(['Our meeting', 'Other', 'Meeting'])
  })

  it('clears Campaign Target and Campaign Response of the header with the campaign', async () => {
    await t.db.kysely
      .updateTable('segment_headers')
      .set({ campaign_no: 'CP1001', campaign_target: 1, campaign_response: 1 })
      .execute()
    await t.db.kysely.updateTable('segment_lines').set({ campaign_no: 'CP1001', campaign_target: 1 }).execute()
    const r = await t.marketer.patch('/api/segments/SM1', { campaignNo: '' })
    expect(r.body).toMatchObject({ campaignNo: '', campaignTarget: false, campaignResponse: false })
    // Lines with the header template lose the campaign and its flags, as a line added now has none.
    expect((await lines(t)).map((l) => [l.campaign_no, l.campaign_target])).toEqual([
      ['', 0],
      ['', 0],
      ['CP1001', 1],
    ])
  })

  it('changes Ignore Contact Corres. Type and the default language on the header only', async () => {
    const r = await t.marketer.patch('/api/segments/SM1', { ignoreContactCorresType: true, languageCodeDefault: 'deu' })
    // A new default language starts with a blank subject (BC: the subject of its new language row).
    expect(r.body).toMatchObject({ ignoreContactCorresType: true, languageCodeDefault: 'DEU', subjectDefault: '' })
    expect(await lines(t)).toEqual(before)
    const same = await t.marketer.patch('/api/segments/SM1', { subjectDefault: 'Hallo', languageCodeDefault: 'DEU' })
    expect(same.body).toMatchObject({ languageCodeDefault: 'DEU', subjectDefault: 'Hallo' })
  })

  it.each([
    [{ campaignNo: 'NOPE' }, "The Campaign does not exist. Identification fields and values: No.='NOPE'"],
    [
      { interactionTemplateCode: 'NOPE' },
      "The Interaction Template does not exist. Identification fields and values: Code='NOPE'",
    ],
    [{ languageCodeDefault: 'XX' }, "The Language does not exist. Identification fields and values: Code='XX'"],
    [
      { salespersonCode: 'NOPE' },
      "The Salesperson/Purchaser does not exist. Identification fields and values: Code='NOPE'",
    ],
    [
      { salespersonCode: 'OLD' },
      'The field Salesperson Code of table Segment Header contains a value (OLD) that cannot be found in the related table (Salesperson/Purchaser).',
    ],
  ])('refuses a reference that does not exist (%o) and changes nothing', async (patch, detail) => {
    const r = await t.marketer.patch('/api/segments/SM1', { description: 'Changed first', ...patch })
    expect(r.status).toBe(422)
    expect(r.body.detail).toBe(detail)
    expect(await lines(t)).toEqual(before)
    const h = await t.db.kysely
      .selectFrom('segment_headers')
      .select('description')
      .where('no', '=', 'SM1')
      .executeTakeFirstOrThrow()
    expect(h.description).toBe('Visits')
  })

  it('refuses a negative cost, a changed No. and a read-only field with 400', async () => {
    for (const body of [{ unitCostLcy: -1 }, { no: 'X' }, { costLcy: 5 }, { interactionGroupCode: 'LETTER' }]) {
      const r = await t.marketer.patch('/api/segments/SM1', body)
      expect(r.status).toBe(400)
    }
    expect((await t.marketer.patch('/api/segments/SM1?updateLines=maybe', {})).status).toBe(400)
  })

  it('answers 404 for an unknown segment and 403 to a viewer', async () => {
    const r = await t.marketer.patch('/api/segments/NOPE', { description: 'x' })
    expect(r.status).toBe(404)
    expect(r.body.detail).toBe("The Segment Header does not exist. Identification fields and values: No.='NOPE'")
    expect((await t.viewer.patch('/api/segments/SM1', { description: 'x' })).status).toBe(403)
  })
})
