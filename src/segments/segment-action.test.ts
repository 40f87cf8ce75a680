import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'

/** Quirk Q11, fixed: an activated campaign's target group follows its segment lines on every change. */
describe.each(dialects)('campaign target group kept in step with segment actions on %s', (dialect) => {
  let t: TestApp
  const targets = async () =>
    (await t.viewer.get('/api/campaigns/CP1/target-group')).body.items.map((g: { no: string }) => g.no).sort()

  beforeAll(async () => {
    t = await createTestApp(dialect)
    const db = t.db.kysely
    await db.insertInto('campaigns').values({ no: 'CP1', description: 'Spring' }).execute()
    await db
      .insertInto('contacts')
      .values([
        { no: 'K1', type: 'Company', name: 'Alpha Ltd', company_no: 'K1', company_name: 'Alpha Ltd', city: 'Oslo' },
        { no: 'K2', type: 'Company', name: 'Beta Ltd', company_no: 'K2', company_name: 'Beta Ltd', city: 'Bergen' },
      ])
      .execute()
    await db
      .insertInto('segment_headers')
      .values({ no: 'S1', description: 'Targets', campaign_no: 'CP1', campaign_target: 1 })
      .execute()
  })
  afterAll(() => t.close())

  it('Given an activated campaign, When contacts are added, reduced and undone, Then its target group follows', async () => {
    // Given: one target line, and the campaign activated from it.
    expect(
      (await t.marketer.post('/api/segments/S1/add-contacts', { filters: { contact: { no: 'K1' } } })).status,
    ).toBe(200)
    expect((await t.marketer.post('/api/campaigns/CP1/activate', {})).status).toBe(200)
    expect(await targets()).toEqual(['K1'])
    // When another company is added, Then it becomes a target.
    await t.marketer.post('/api/segments/S1/add-contacts', { filters: { contact: { no: 'K2' } } })
    expect(await targets()).toEqual(['K1', 'K2'])
    // When it is reduced away, Then it is no longer a target.
    await t.marketer.post('/api/segments/S1/reduce-contacts', { filters: { contact: { city: 'Bergen' } } })
    expect(await targets()).toEqual(['K1'])
    // When the reduce is undone, Then it is a target again.
    await t.marketer.post('/api/segments/S1/go-back', {})
    expect(await targets()).toEqual(['K1', 'K2'])
    // When the header stops targeting the campaign and the lines follow, Then the group empties.
    const p = await t.marketer.patch('/api/segments/S1?updateLines=true', { campaignTarget: false })
    expect(p.status).toBe(200)
    expect(await targets()).toEqual([])
  })
})
