import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../db/transaction.js'
import { line, makeSegment, seedLogWorld } from '../segments/log/log-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { NO_TARGETS, syncCampaignTargetGroup } from './target-group.js'

describe.each(dialects)('Campaign target groups, entries and statistics on %s', (dialect) => {
  let t: TestApp
  let lsA: number
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    // Logged before activation: P2 as target of CP1 (company K1), K1 as responder, P1 not a target.
    await makeSegment(t.db.kysely, 'A', [
      line(10000, 'P2', { campaign_no: 'CP1', campaign_target: 1, cost_lcy: 2, duration_min: 10 }),
      line(20000, 'K1', { campaign_no: 'CP1', campaign_response: 1, cost_lcy: 1 }),
      line(30000, 'P1', { campaign_no: 'CP1' }),
    ])
    lsA = (await t.marketer.post('/api/segments/A/log', {})).body.loggedSegmentEntryNo
  })
  afterAll(() => t.close())

  const db = () => t.db.kysely
  const group = async (no: string) =>
    (await t.viewer.get(`/api/campaigns/${no}/target-group`)).body.items.map((g: Record<string, string>) => [
      g.type,
      g.no,
      g.name,
    ])

  it('refuses to activate a campaign without targets, or one that does not exist', async () => {
    const r = await t.marketer.post('/api/campaigns/CP2/activate', {})
    expect(r.status).toBe(422)
    expect(r.body.detail).toBe(NO_TARGETS)
    expect(r.body.detail).toBe(
      'To activate the sales prices and/or line discounts, you must apply the relevant Segment Line(s) to the Campaign and place a check mark in the Campaign Target field on the Segment Line.',
    )
    const none = await t.marketer.post('/api/campaigns/NOPE/activate', {})
    expect(none.status).toBe(404)
    expect(none.body.detail).toBe("The Campaign does not exist. Identification fields and values: No.='NOPE'")
  })

  it('activates from target segment lines and logged interactions, by company, customers as Customer', async () => {
    // Unlogged target lines: P3 (company K2, linked to customer C20), P4 (no company), and P1 not as target.
    await makeSegment(db(), 'TG1', [
      line(10000, 'P3', { campaign_no: 'CP1', campaign_target: 1 }),
      line(20000, 'P4', { campaign_no: 'CP1', campaign_target: 1 }),
      line(30000, 'P1', { campaign_no: 'CP1' }),
      line(40000, 'K2', { campaign_no: 'CP2', campaign_target: 1 }),
    ])
    const r = await t.marketer.post('/api/campaigns/cp1/activate', {})
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ message: 'Campaign CP1 is now activated.' })
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1', 'Alpha Ltd'],
      ['Contact', 'P4', 'Dora Dean'],
      ['Customer', 'C20', ''],
    ])
    expect((await t.viewer.get('/api/campaigns/CP1')).body.activated).toBe(true)
    expect((await t.viewer.get('/api/campaigns/CP2')).body.activated).toBe(false)
  })

  it('keeps an activated target group in sync when segments are logged, and keeps it when a logged segment is deleted (Q11)', async () => {
    // Logging TG1 moves its targets from lines to interactions: the group stays.
    const log = await t.marketer.post('/api/segments/TG1/log', {})
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1', 'Alpha Ltd'],
      ['Contact', 'P4', 'Dora Dean'],
      ['Customer', 'C20', ''],
    ])
    // Deleting the canceled logged segment A keeps its target interactions (BC report 5191; canceled ones
    // count for the group, as in BC): K1, whose only target was there, stays.
    await t.marketer.post(`/api/logged-segments/${lsA}/cancel`, {})
    await t.marketer.post(`/api/logged-segments/${lsA}/restore`, {})
    expect(await group('CP1')).toHaveLength(3)
    await t.marketer.post(`/api/logged-segments/${lsA}/cancel`, {})
    expect((await t.marketer.del(`/api/logged-segments/${lsA}`)).status).toBe(204)
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1', 'Alpha Ltd'],
      ['Contact', 'P4', 'Dora Dean'],
      ['Customer', 'C20', ''],
    ])
    // A line change the engine reports through syncCampaignTargetGroup.
    await makeSegment(db(), 'TG2', [line(10000, 'P1', { campaign_no: 'CP1' })])
    await db().updateTable('segment_lines').set({ campaign_target: 1 }).where('segment_no', '=', 'TG2').execute()
    await inTransaction(db(), (trx) => syncCampaignTargetGroup(trx, 'CP1'))
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1', 'Alpha Ltd'],
      ['Contact', 'P4', 'Dora Dean'],
      ['Customer', 'C20', ''],
    ])
    // A campaign that is not activated is left alone.
    await inTransaction(db(), (trx) => syncCampaignTargetGroup(trx, 'CP2'))
    expect(await group('CP2')).toEqual([])
    expect(log.status).toBe(200)
  })

  it('deactivates', async () => {
    const r = await t.marketer.post('/api/campaigns/CP1/deactivate', {})
    expect(r.body).toEqual({ message: 'Campaign CP1 is now deactivated.' })
    expect(await group('CP1')).toEqual([])
    expect((await t.viewer.get('/api/campaigns/CP1')).body.activated).toBe(false)
  })

  it("lists a campaign's entries with their interaction counts", async () => {
    await makeSegment(
      db(),
      'CE',
      [
        line(10000, 'P1', { campaign_no: 'CP2', cost_lcy: 4, duration_min: 30 }),
        line(20000, 'P2', { campaign_no: 'CP2', cost_lcy: 1 }),
      ],
      {
        description: 'Autumn round',
      },
    )
    const ls = (await t.marketer.post('/api/segments/CE/log', {})).body.loggedSegmentEntryNo
    // CP2's other entry comes from logging TG1 (its K2 line).
    expect((await t.viewer.get('/api/campaigns/CP2/entries')).body.total).toBe(2)
    const r = await t.viewer.get('/api/campaigns/CP2/entries?filter[segmentNo]=CE')
    expect(r.body).toMatchObject({ total: 1, limit: 50, offset: 0 })
    expect(r.body.items).toEqual([
      {
        entryNo: r.body.items[0].entryNo,
        campaignNo: 'CP2',
        description: 'Autumn round',
        date: '2026-03-02',
        username: 'marketer',
        segmentNo: 'CE',
        canceled: false,
        salespersonCode: 'JR',
        registerNo: ls,
        noOfInteractions: 2,
        costLcy: 5,
        durationMin: 30,
      },
    ])
    await t.marketer.post(`/api/logged-segments/${ls}/cancel`, {})
    expect((await t.viewer.get('/api/campaigns/CP2/entries?filter[canceled]=true')).body.items[0]).toMatchObject({
      canceled: true,
      noOfInteractions: 2,
    })
    expect((await t.viewer.get('/api/campaigns/NOPE/entries')).status).toBe(404)
  })

  it('shows target contacts contacted and contacts responded on the campaign', async () => {
    // CP1 now: TG1's P3 and P4 targets and P1 (logged); A was deleted. Add a responder and a canceled target.
    await makeSegment(db(), 'ST', [
      line(10000, 'K2', { campaign_no: 'CP1', campaign_response: 1 }),
      line(20000, 'P1', { campaign_no: 'CP1', campaign_target: 1 }),
    ])
    const ls = (await t.marketer.post('/api/segments/ST/log', {})).body.loggedSegmentEntryNo
    const [, p1] = await db()
      .selectFrom('interaction_log_entries')
      .select('entry_no')
      .where('logged_segment_entry_no', '=', ls)
      .orderBy('entry_no')
      .execute()
    await t.marketer.post(`/api/interaction-log-entries/${p1.entry_no}/cancel`, {})
    const c = await t.viewer.get('/api/campaigns/CP1')
    expect(c.body).toMatchObject({
      no: 'CP1',
      description: 'Spring fair',
      targetContactsContacted: 2,
      contactsResponded: 1,
    })
    const s = await t.viewer.get('/api/campaigns/CP1/statistics')
    expect(s.body).toEqual({
      targetContactsContacted: 2,
      contactsResponded: 1,
      noOfInteractions: 4,
      costLcy: 0,
      durationMin: 0,
    })
    // The list stays without per-row counts.
    const list = await t.viewer.get('/api/campaigns?filter[no]=CP1')
    expect(list.body.items[0].targetContactsContacted).toBeUndefined()
  })
})

describe.each(dialects)('Contact changes keep activated target groups in step on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    // Targets of CP1: P1 (company K1) and the company-less P4. CP2 has a target line too but is not activated.
    await makeSegment(t.db.kysely, 'T', [
      line(10000, 'P1', { campaign_no: 'CP1', campaign_target: 1 }),
      line(20000, 'P4', { campaign_no: 'CP1', campaign_target: 1 }),
      line(30000, 'P2', { campaign_no: 'CP2', campaign_target: 1 }),
    ])
    expect((await t.marketer.post('/api/campaigns/CP1/activate', {})).status).toBe(200)
  })
  afterAll(() => t.close())

  const group = async (no: string) =>
    (await t.viewer.get(`/api/campaigns/${no}/target-group`)).body.items.map((g: Record<string, string>) => [
      g.type,
      g.no,
    ])

  it('Given target company K1, when it is linked to customer C10 and unlinked again, then the group has Customer C10 and then Contact K1 again (BC ConverttoCustomer)', async () => {
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1'],
      ['Contact', 'P4'],
    ])
    const link = await t.marketer.post('/api/contacts/K1/business-relations', {
      businessRelationCode: 'CUST',
      linkToTable: 'Customer',
      linkNo: 'C10',
    })
    expect(link.status).toBe(201)
    expect(await group('CP1')).toEqual([
      ['Contact', 'P4'],
      ['Customer', 'C10'],
    ])
    expect(await group('CP2')).toEqual([])
    expect((await t.marketer.del('/api/contacts/K1/business-relations/CUST')).status).toBe(204)
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1'],
      ['Contact', 'P4'],
    ])
  })

  it('Given logged targets, when the company-less target P4 joins company K2 (customer C20), then the group has Customer C20 instead of Contact P4', async () => {
    expect((await t.marketer.post('/api/segments/T/log', {})).status).toBe(200)
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1'],
      ['Contact', 'P4'],
    ])
    const moved = await t.marketer.patch('/api/contacts/P4', { companyNo: 'K2' })
    expect(moved.status).toBe(200)
    expect(moved.body.companyNo).toBe('K2')
    expect(await group('CP1')).toEqual([
      ['Contact', 'K1'],
      ['Customer', 'C20'],
    ])
  })

  it('Given logged targets, when target company K1 is deleted with its persons, then its entries lose their contact and K1 leaves the group', async () => {
    expect((await t.admin.del('/api/contacts/K1')).status).toBe(204)
    expect(await group('CP1')).toEqual([['Customer', 'C20']])
    expect(await group('CP2')).toEqual([])
  })
})
