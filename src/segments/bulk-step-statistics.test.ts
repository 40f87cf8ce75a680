import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { makeSegment, seedLogWorld } from './log/log-fixtures.js'

/**
 * Every route that changes segment lines in bulk tells the app's statistics refresher how many lines it
 * changed, after it committed (`line-statistics.test.ts` proves what the refresher does with the number: from
 * 100,000 lines on PostgreSQL, ANALYZE after the answer). The log world's six contacts: K1 with P1 and P2, K2
 * with P3, the company-less P4.
 */
describe.each(dialects)('Bulk steps report their lines to the statistics refresh on %s', (dialect) => {
  let t: TestApp
  let afterStep: MockInstance<(changedLines: number) => boolean>
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    for (const no of ['S', 'R', 'R2']) await makeSegment(t.db.kysely, no, [])
    afterStep = vi.spyOn(t.app.lineStatistics, 'afterStep')
  })
  afterAll(() => t.close())

  /** The numbers the routes reported since the last call. */
  const reported = () => {
    const calls = afterStep.mock.calls.map(([n]) => n)
    afterStep.mockClear()
    return calls
  }

  it('Given segment S, when contacts are added, reduced, refined and the refine undone, then each step reports the lines it changed', async () => {
    const add = await t.marketer.post('/api/segments/S/add-contacts', {})
    expect([add.status, add.body.linesInserted]).toEqual([200, 6])
    expect(reported()).toEqual([6])
    const reduce = await t.marketer.post('/api/segments/S/reduce-contacts', { filters: { contact: { no: 'P4' } } })
    expect([reduce.status, reduce.body.linesRemoved]).toEqual([200, 1])
    expect(reported()).toEqual([1])
    const refine = await t.marketer.post('/api/segments/S/refine-contacts', {
      filters: { contact: { type: 'Person' } },
    })
    expect([refine.status, refine.body.linesRemoved]).toEqual([200, 2])
    expect(reported()).toEqual([2])
    const back = await t.marketer.post('/api/segments/S/go-back', {})
    expect([back.status, back.body.linesInserted, back.body.linesRemoved]).toEqual([200, 2, 0])
    expect(reported()).toEqual([2])
  })

  it('Given S’s criteria saved, when they are replayed on R, then the replay reports the lines of all its steps', async () => {
    expect((await t.marketer.post('/api/segments/S/save-criteria', { code: 'STEPS', description: 'x' })).status).toBe(
      201,
    )
    reported()
    const r = await t.marketer.post('/api/segments/R/reuse-criteria', { code: 'STEPS' })
    expect([r.status, r.body.noOfLines]).toEqual([200, 5])
    // Add 6, Reduce 1; the Refine undone on S is not among the saved criteria.
    expect(reported()).toEqual([7])
  })

  it('Given S with 5 lines, when it is logged with a follow-up segment, then the log reports the 5 lines deleted and the 5 inserted', async () => {
    const log = await t.marketer.post('/api/segments/S/log', { createFollowUpSegment: true })
    expect([log.status, log.body.interactionsLogged]).toEqual([200, 5])
    expect(log.body).not.toHaveProperty('linesChanged')
    expect(reported()).toEqual([10])
    const reuse = await t.marketer.post('/api/segments/R2/reuse-logged-segment', {
      loggedSegmentEntryNo: log.body.loggedSegmentEntryNo,
    })
    expect([reuse.status, reuse.body.linesInserted]).toEqual([200, 5])
    expect(reported()).toEqual([5])
  })

  it('Given R with 5 lines, when it is deleted, then the deletion reports its lines; a refused step and a preview report nothing', async () => {
    expect((await t.marketer.del('/api/segments/R')).status).toBe(204)
    expect(reported()).toEqual([5])
    expect((await t.marketer.post('/api/segments/NOPE/add-contacts', {})).status).toBe(404)
    expect((await t.marketer.post('/api/segments/R2/preview', { action: 'add' })).status).toBe(200)
    expect(reported()).toEqual([])
  })
})
