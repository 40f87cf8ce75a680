import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { line, makeSegment, seedLogWorld } from '../segments/log/log-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'

describe.each(dialects)('Interaction log entries on %s', (dialect) => {
  let t: TestApp
  let ls: number
  let nos: number[]
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    await makeSegment(t.db.kysely, 'ILE', [
      line(10000, 'K1', { campaign_no: 'CP1', evaluation: 'Positive', cost_lcy: 3 }),
      line(20000, 'P1', { date: '2026-04-01', cost_lcy: 1.5 }),
      line(30000, 'P2', { campaign_no: 'CP1', correspondence_type: 'Hard Copy', interaction_template_code: 'LETTER' }),
      line(40000, 'P4', { date: '2026-05-10' }),
    ])
    const r = await t.marketer.post('/api/segments/ILE/log', {})
    ls = r.body.loggedSegmentEntryNo
    nos = (
      await t.db.kysely
        .selectFrom('interaction_log_entries')
        .select('entry_no')
        .where('logged_segment_entry_no', '=', ls)
        .orderBy('entry_no')
        .execute()
    ).map((e) => e.entry_no)
  })
  afterAll(() => t.close())

  it('shows an entry with the API fields', async () => {
    const r = await t.viewer.get(`/api/interaction-log-entries/${nos[0]}`)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      entryNo: nos[0],
      contactNo: 'K1',
      contactCompanyNo: 'K1',
      date: '2026-03-02',
      timeOfInteraction: '',
      description: 'Spring mailing',
      subject: '',
      informationFlow: 'Outbound',
      initiatedBy: 'Us',
      costLcy: 3,
      durationMin: 0,
      username: 'marketer',
      interactionGroupCode: 'MAILING',
      interactionTemplateCode: 'MAIL',
      campaignNo: 'CP1',
      campaignEntryNo: r.body.campaignEntryNo,
      campaignTarget: false,
      campaignResponse: false,
      segmentNo: 'ILE',
      loggedSegmentEntryNo: ls,
      evaluation: 'Positive',
      attemptFailed: false,
      salespersonCode: 'JR',
      correspondenceType: 'Email',
      languageCode: '',
      deliveryStatus: '',
      deliveryError: '',
      deliveryInterrupted: false,
      canceled: false,
      postponed: false,
      comment: '',
    })
    expect(r.body.campaignEntryNo).toBeGreaterThan(0)
    expect((await t.viewer.get('/api/interaction-log-entries/999999')).body.detail).toBe(
      "The Interaction Log Entry does not exist. Identification fields and values: Entry No.='999999'",
    )
  })

  it('lists with filters on any field, sort and paging', async () => {
    const q = (s: string) => t.viewer.get(`/api/interaction-log-entries?filter[loggedSegmentEntryNo]=${ls}&${s}`)
    const contacts = (r: { body: { items: { contactNo: string }[] } }) => r.body.items.map((i) => i.contactNo)
    expect(contacts(await q('sort=-entryNo'))).toEqual(['P4', 'P2', 'P1', 'K1'])
    expect(contacts(await q('filter[date]=2026-03-15..2026-12-31'))).toEqual(['P1', 'P4'])
    expect(contacts(await q('filter[campaignNo]=CP1&filter[correspondenceType]=Hard Copy'))).toEqual(['P2'])
    expect(contacts(await q('filter[costLcy]=>1'))).toEqual(['K1', 'P1'])
    expect(contacts(await q('filter[evaluation]=Positive|Neutral'))).toEqual(['K1'])
    expect(contacts(await q('filter[contactNo]=P*&filter[canceled]=false&sort=-contactNo'))).toEqual(['P4', 'P2', 'P1'])
    const page = await q('limit=2&offset=2')
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 2 })
    expect(contacts(page)).toEqual(['P2', 'P4'])
    expect((await q('total=false&limit=1')).body).toMatchObject({ total: null, limit: 1 })
    const bad = await q('filter[nosuch]=1')
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([{ path: 'filter[nosuch]', message: "unknown field 'nosuch'" }])
  })

  it('changes only evaluation, attempt failed and comment', async () => {
    const r = await t.marketer.patch(`/api/interaction-log-entries/${nos[1]}`, {
      evaluation: 'very negative',
      attemptFailed: true,
      comment: 'Called back, not interested',
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      evaluation: 'Very Negative',
      attemptFailed: true,
      comment: 'Called back, not interested',
    })
    for (const body of [{ description: 'x' }, { canceled: true }, { evaluation: 'Great' }]) {
      const bad = await t.marketer.patch(`/api/interaction-log-entries/${nos[1]}`, body)
      expect(bad.status).toBe(400)
    }
    expect((await t.viewer.get(`/api/interaction-log-entries/${nos[1]}`)).body).toMatchObject({
      description: 'Spring mailing',
      canceled: false,
      evaluation: 'Very Negative',
    })
  })

  it('cancels and restores one entry; restore is refused while its campaign entry is canceled', async () => {
    const c = await t.marketer.post(`/api/interaction-log-entries/${nos[3]}/cancel`, {})
    expect(c.body).toMatchObject({ entryNo: nos[3], canceled: true })
    const r = await t.marketer.post(`/api/interaction-log-entries/${nos[3]}/restore`, {})
    expect(r.body).toMatchObject({ entryNo: nos[3], canceled: false })

    const entry = (await t.viewer.get(`/api/interaction-log-entries/${nos[2]}`)).body
    await t.db.kysely
      .updateTable('campaign_entries')
      .set({ canceled: 1 })
      .where('entry_no', '=', entry.campaignEntryNo)
      .execute()
    await t.marketer.post(`/api/interaction-log-entries/${nos[2]}/cancel`, {})
    const refused = await t.marketer.post(`/api/interaction-log-entries/${nos[2]}/restore`, {})
    expect(refused.status).toBe(422)
    expect(refused.body.detail).toBe(
      `Canceled must be equal to 'No'  in Campaign Entry: Entry No.=${entry.campaignEntryNo}. Current value is 'Yes'.`,
    )
    expect((await t.viewer.get(`/api/interaction-log-entries/${nos[2]}`)).body.canceled).toBe(true)
  })
})
