import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { line, makeSegment, seedLogWorld, snapshot } from './log-fixtures.js'

describe.each(dialects)('Logged segments on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
  })
  afterAll(() => t.close())

  const db = () => t.db.kysely

  /** Logs a segment of three contacts, two of them on campaign CP1 and one on CP2; returns its entry no. */
  async function logged(no: string): Promise<number> {
    await makeSegment(db(), no, [
      line(10000, 'P1', { campaign_no: 'CP1' }),
      line(20000, 'P2', { campaign_no: 'CP1' }),
      line(30000, 'P4', { campaign_no: 'CP2' }),
    ])
    const r = await t.marketer.post(`/api/segments/${no}/log`, {})
    expect(r.status).toBe(200)
    return r.body.loggedSegmentEntryNo
  }

  const canceledFlags = async (ls: number) => ({
    logged: (
      await db().selectFrom('logged_segments').select('canceled').where('entry_no', '=', ls).executeTakeFirstOrThrow()
    ).canceled,
    entries: (
      await db()
        .selectFrom('interaction_log_entries')
        .select('canceled')
        .where('logged_segment_entry_no', '=', ls)
        .orderBy('entry_no')
        .execute()
    ).map((e) => e.canceled),
    campaignEntries: (
      await db()
        .selectFrom('campaign_entries')
        .select('canceled')
        .where('register_no', '=', ls)
        .orderBy('entry_no')
        .execute()
    ).map((e) => e.canceled),
  })

  it('cancels and restores a logged segment with its interactions and campaign entries', async () => {
    const ls = await logged('LS1')
    const c = await t.marketer.post(`/api/logged-segments/${ls}/cancel`, {})
    expect(c.status).toBe(200)
    // BC's FlowFields count the entries whose Canceled equals the logged segment's.
    expect(c.body).toMatchObject({
      entryNo: ls,
      segmentNo: 'LS1',
      canceled: true,
      noOfInteractions: 3,
      noOfCampaignEntries: 2,
    })
    expect(await canceledFlags(ls)).toEqual({ logged: 1, entries: [1, 1, 1], campaignEntries: [1, 1] })

    // One entry restored while the logged segment is canceled: refused with BC's TestField text.
    const [first] = await db()
      .selectFrom('interaction_log_entries')
      .select('entry_no')
      .where('logged_segment_entry_no', '=', ls)
      .orderBy('entry_no')
      .execute()
    const refused = await t.marketer.post(`/api/interaction-log-entries/${first.entry_no}/restore`, {})
    expect(refused.status).toBe(422)
    expect(refused.body.detail).toBe(
      `Canceled must be equal to 'No'  in Logged Segment: Entry No.=${ls}. Current value is 'Yes'.`,
    )

    const r = await t.marketer.post(`/api/logged-segments/${ls}/restore`, {})
    expect(r.body).toMatchObject({ canceled: false, noOfInteractions: 3, noOfCampaignEntries: 2 })
    expect(await canceledFlags(ls)).toEqual({ logged: 0, entries: [0, 0, 0], campaignEntries: [0, 0] })

    // A single canceled entry no longer counts for the (not canceled) logged segment.
    await t.marketer.post(`/api/interaction-log-entries/${first.entry_no}/cancel`, {})
    expect((await t.viewer.get(`/api/logged-segments/${ls}`)).body.noOfInteractions).toBe(2)
  })

  it('deletes only a canceled logged segment and keeps its interactions and campaign entries, unlinked', async () => {
    const ls = await logged('LS2')
    const before = await snapshot(db())
    const refused = await t.marketer.del(`/api/logged-segments/${ls}`)
    expect(refused.status).toBe(422)
    expect(refused.body.detail).toBe(
      `Canceled must be equal to 'Yes'  in Logged Segment: Entry No.=${ls}. Current value is 'No'.`,
    )
    expect(await snapshot(db())).toEqual(before)

    await t.marketer.post(`/api/logged-segments/${ls}/cancel`, {})
    const entriesOf = () =>
      db()
        .selectFrom('interaction_log_entries')
        .select(['entry_no', 'contact_no', 'campaign_no', 'campaign_entry_no', 'segment_no', 'canceled'])
        .select('logged_segment_entry_no')
        .where('segment_no', '=', 'LS2')
        .orderBy('entry_no')
        .execute()
    const campaignEntriesOf = () =>
      db()
        .selectFrom('campaign_entries')
        .select(['entry_no', 'campaign_no', 'segment_no', 'canceled', 'register_no'])
        .where('segment_no', '=', 'LS2')
        .orderBy('entry_no')
        .execute()
    const entries = await entriesOf()
    const campaignEntries = await campaignEntriesOf()
    expect(entries.map((e) => [e.contact_no, e.campaign_no, e.canceled, Number(e.logged_segment_entry_no)])).toEqual([
      ['P1', 'CP1', 1, ls],
      ['P2', 'CP1', 1, ls],
      ['P4', 'CP2', 1, ls],
    ])
    expect(campaignEntries.map((c) => [c.campaign_no, c.canceled, Number(c.register_no)])).toEqual([
      ['CP1', 1, ls],
      ['CP2', 1, ls],
    ])

    expect((await t.marketer.del(`/api/logged-segments/${ls}`)).status).toBe(204)
    expect((await t.viewer.get(`/api/logged-segments/${ls}`)).body.detail).toBe(
      `The Logged Segment does not exist. Identification fields and values: Entry No.='${ls}'`,
    )
    // BC report 5191: the entries stay, every other value as it was; only the link to the logged segment goes.
    expect(await entriesOf()).toEqual(entries.map((e) => ({ ...e, logged_segment_entry_no: 0 })))
    expect(await campaignEntriesOf()).toEqual(campaignEntries.map((c) => ({ ...c, register_no: 0 })))
    expect(
      await db()
        .selectFrom('interaction_log_entries')
        .select('entry_no')
        .where('logged_segment_entry_no', '=', ls)
        .execute(),
    ).toEqual([])
  })

  it('lists logged segments with filters and their counts', async () => {
    const a = await logged('LS3')
    const b = await logged('LS4')
    await t.marketer.post(`/api/logged-segments/${b}/cancel`, {})
    const list = await t.viewer.get('/api/logged-segments?filter[segmentNo]=LS3|LS4&sort=-entryNo')
    expect(list.body).toMatchObject({ total: 2, limit: 50, offset: 0 })
    expect(
      list.body.items.map((x: Record<string, unknown>) => [
        x.entryNo,
        x.segmentNo,
        x.canceled,
        x.noOfInteractions,
        x.noOfCampaignEntries,
      ]),
    ).toEqual([
      [b, 'LS4', true, 3, 2],
      [a, 'LS3', false, 3, 2],
    ])
    const canceled = await t.viewer.get('/api/logged-segments?filter[canceled]=true&filter[segmentNo]=LS3|LS4')
    expect(canceled.body.items.map((x: { segmentNo: string }) => x.segmentNo)).toEqual(['LS4'])
    expect((await t.viewer.get('/api/logged-segments?filter[nope]=1')).status).toBe(400)
  })

  it('creates a follow-up segment from a logged segment', async () => {
    const ls = await logged('LS5')
    const r = await t.marketer.post(`/api/logged-segments/${ls}/follow-up`, {})
    expect(r.status).toBe(200)
    const no = r.body.segmentNo
    expect(r.body).toEqual({ segmentNo: no })
    const h = await db().selectFrom('segment_headers').selectAll().where('no', '=', no).executeTakeFirstOrThrow()
    // The entries name two campaigns: the header gets none; each line keeps its entry's.
    expect([h.description, h.campaign_no]).toEqual(['Follow-up on segment LS5', ''])
    const lines = await db()
      .selectFrom('segment_lines')
      .selectAll()
      .where('segment_no', '=', no)
      .orderBy('line_no')
      .execute()
    expect(lines.map((l) => [l.line_no, l.contact_no, l.campaign_no])).toEqual([
      [10000, 'P1', 'CP1'],
      [20000, 'P2', 'CP1'],
      [30000, 'P4', 'CP2'],
    ])
  })

  it('answers 404 for a logged segment that does not exist', async () => {
    for (const r of [
      await t.viewer.get('/api/logged-segments/999'),
      await t.marketer.post('/api/logged-segments/999/cancel', {}),
      await t.marketer.post('/api/logged-segments/999/follow-up', {}),
      await t.marketer.post('/api/logged-segments/999/resend', {}),
      await t.viewer.get('/api/logged-segments/999/delivery'),
      await t.marketer.del('/api/logged-segments/999'),
    ]) {
      expect(r.status).toBe(404)
      expect(r.body.detail).toBe("The Logged Segment does not exist. Identification fields and values: Entry No.='999'")
    }
  })

  it('refuses every write of this slice to a viewer with 403', async () => {
    const ls = await logged('LS6')
    await makeSegment(db(), 'VIEW', [line(10000, 'P1')])
    const writes: [string, string][] = [
      ['POST', '/api/segments/VIEW/log'],
      ['POST', '/api/segments/VIEW/reuse-logged-segment'],
      ['POST', '/api/segments/VIEW/apply-mailing-group'],
      ['POST', `/api/logged-segments/${ls}/cancel`],
      ['POST', `/api/logged-segments/${ls}/restore`],
      ['POST', `/api/logged-segments/${ls}/follow-up`],
      ['POST', `/api/logged-segments/${ls}/resend`],
      ['DELETE', `/api/logged-segments/${ls}`],
      ['PATCH', '/api/interaction-log-entries/1'],
      ['POST', '/api/interaction-log-entries/1/cancel'],
      ['POST', '/api/interaction-log-entries/1/restore'],
      ['POST', '/api/campaigns/CP1/activate'],
      ['POST', '/api/campaigns/CP1/deactivate'],
    ]
    const before = await snapshot(db())
    for (const [method, url] of writes) {
      const r = await t.viewer.raw({ method: method as 'POST', url, payload: method === 'DELETE' ? undefined : {} })
      expect([method, url, r.status, (r.body as { code: string }).code]).toEqual([method, url, 403, 'FORBIDDEN'])
    }
    expect(await snapshot(db())).toEqual(before)
  })
})
