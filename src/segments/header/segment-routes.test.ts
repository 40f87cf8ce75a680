import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { insertHeader, insertLines, seedSegmentData } from './test-fixtures.js'

describe.each(dialects)('reading and deleting segments on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedSegmentData(t.db.kysely)
    const db = t.db.kysely
    await insertHeader(db, 'SM1', {
      description: 'Visits',
      interaction_template_code: 'BUS',
      interaction_group_code: 'MEETING',
    })
    await insertHeader(db, 'SM2', { description: 'Letters' })
    await insertHeader(db, 'SM3', { description: 'Empty' })
    await insertLines(db, 'SM1', [
      { line_no: 10000, contact_no: 'P1', cost_lcy: 25, duration_min: 60 },
      { line_no: 20000, contact_no: 'P2', cost_lcy: 12.5, duration_min: 30 },
      { line_no: 30000, contact_no: 'P3', cost_lcy: 0.25, duration_min: 0 },
    ])
    await insertLines(db, 'SM2', [{ line_no: 10000, contact_no: 'K1', cost_lcy: 1.5, duration_min: 5 }])
    for (const action_no of [1, 2])
      await db
        .insertInto('segment_criteria_actions')
        .values({ segment_no: 'SM1', action_no, action: 'Add Contacts' })
        .execute()
    await db
      .insertInto('segment_history')
      .values({ segment_no: 'SM1', action_no: 1, line_no: 10000, action_taken: 'Insertion', contact_no: 'P1' })
      .execute()
  })
  afterAll(() => t.close())

  it('computes the FlowFields of one segment', async () => {
    const r = await t.viewer.get('/api/segments/sm1')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      no: 'SM1',
      description: 'Visits',
      interactionGroupCode: 'MEETING',
      noOfLines: 3,
      noOfCriteriaActions: 2,
      costLcy: 37.75,
      durationMin: 90,
    })
    const empty = await t.viewer.get('/api/segments/SM3')
    expect(empty.body).toMatchObject({ noOfLines: 0, noOfCriteriaActions: 0, costLcy: 0, durationMin: 0 })
  })

  it('lists segments with their FlowFields, paged and sorted', async () => {
    const r = await t.viewer.get('/api/segments?limit=2')
    expect(r.status).toBe(200)
    expect(r.body.total).toBe(3)
    expect(
      r.body.items.map((s: Record<string, unknown>) => [
        s.no,
        s.noOfLines,
        s.noOfCriteriaActions,
        s.costLcy,
        s.durationMin,
      ]),
    ).toEqual([
      ['SM1', 3, 2, 37.75, 90],
      ['SM2', 1, 0, 1.5, 5],
    ])
    const next = await t.viewer.get('/api/segments?limit=2&offset=2')
    expect(next.body.items.map((s: Record<string, unknown>) => [s.no, s.noOfLines])).toEqual([['SM3', 0]])
  })

  it('filters and sorts on header fields and on FlowFields', async () => {
    const byName = await t.viewer.get('/api/segments?filter[description]=@*e*&sort=-description')
    expect(byName.body.items.map((s: { no: string }) => s.no)).toEqual(['SM2', 'SM3'])
    const withLines = await t.viewer.get('/api/segments?filter[noOfLines]=%3E0&sort=-costLcy')
    expect(withLines.body).toMatchObject({ total: 2 })
    expect(withLines.body.items.map((s: Record<string, unknown>) => [s.no, s.costLcy])).toEqual([
      ['SM1', 37.75],
      ['SM2', 1.5],
    ])
    const bad = await t.viewer.get('/api/segments?filter[noOfLinez]=1')
    expect(bad.status).toBe(400)
  })

  it('answers 404 for an unknown segment', async () => {
    const r = await t.viewer.get('/api/segments/NOPE')
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({
      code: 'NOT_FOUND',
      detail: "The Segment Header does not exist. Identification fields and values: No.='NOPE'",
    })
    expect((await t.marketer.del('/api/segments/NOPE')).status).toBe(404)
  })

  it('refuses a viewer deleting', async () => {
    expect((await t.viewer.del('/api/segments/SM1')).status).toBe(403)
  })

  it('deletes a segment with its lines, criteria actions and history', async () => {
    const r = await t.marketer.del('/api/segments/SM1')
    expect(r.status).toBe(204)
    const db = t.db.kysely
    expect(await db.selectFrom('segment_headers').select('no').orderBy('no').execute()).toEqual([
      { no: 'SM2' },
      { no: 'SM3' },
    ])
    expect(await db.selectFrom('segment_lines').select('segment_no').execute()).toEqual([{ segment_no: 'SM2' }])
    expect(await db.selectFrom('segment_criteria_actions').selectAll().execute()).toEqual([])
    expect(await db.selectFrom('segment_history').selectAll().execute()).toEqual([])
  })
})
