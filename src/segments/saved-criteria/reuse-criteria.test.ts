import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { deleteLineRows } from '../../test-support/segment-lines.js'
import { addContacts, listCriteria, removeContacts } from '../engine/index.js'
import { insertHeader, seedSegmentData } from '../header/test-fixtures.js'
import { reuseCriteria } from './reuse-criteria.js'

const actor = { username: 'marketer' }

describe.each(dialects)('reusing saved segment criteria on %s', (dialect) => {
  let t: TestApp

  /** A segment's lines without its no. (line numbers, contacts and the values they took). */
  const linesOf = async (no: string) =>
    (
      await t.db.kysely
        .selectFrom('segment_lines')
        .select(['line_no', 'contact_no', 'contact_company_no', 'salesperson_code', 'description'])
        .where('segment_no', '=', no)
        .orderBy('line_no')
        .execute()
    ).map((l) => ({ ...l, line_no: Number(l.line_no) }))
  /** A segment's criteria without when they ran. */
  const criteriaOf = async (no: string) => (await listCriteria(t.db.kysely, no)).map(({ at: _at, ...c }) => c)

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedSegmentData(t.db.kysely)
    for (const no of ['HAND', 'REUSE', 'BUSY', 'FAIL'])
      await insertHeader(t.db.kysely, no, { description: 'Buyers', salesperson_code: 'JR' })
    // Given segment HAND built by hand in three steps:
    await inTransaction(t.db.kysely, async (trx) => {
      // Add every person and their companies → K1, P1, P2, K2, P3, P4
      await addContacts(trx, dialect, 'HAND', { contact: { type: 'Person' } }, { allowRelatedCompanies: true }, actor)
      // Reduce the company-less P4
      await removeContacts(trx, dialect, 'HAND', 'reduce', { contact: { no: 'P4' } }, {}, actor)
      // Refine to the companies of a CEO, entire companies → K1, P1, P2
      await removeContacts(
        trx,
        dialect,
        'HAND',
        'refine',
        { contact: { jobTitle: 'CEO' } },
        { entireCompanies: true },
        actor,
      )
    })
    // And its criteria saved as STEPS
    const saved = await t.marketer.post('/api/segments/HAND/save-criteria', {
      code: 'STEPS',
      description: 'Three steps',
    })
    expect(saved.status).toBe(201)
  })
  afterAll(() => t.close())

  it('reports the lines its steps inserted and removed, so the route can have statistics refreshed after a bulk replay', async () => {
    await insertHeader(t.db.kysely, 'COUNT', { description: 'Buyers', salesperson_code: 'JR' })
    const r = await inTransaction(t.db.kysely, (trx) => reuseCriteria(trx, dialect, 'COUNT', { code: 'STEPS' }, actor))
    // Add inserts 6 lines, Reduce removes P4, Refine removes K2 and P3.
    expect(r).toEqual({ actionsApplied: 3, noOfLines: 3, linesChanged: 9 })
  })

  it('replays Add, Reduce and Refine with every flag: the same lines and criteria as by hand (Q4 fixed)', async () => {
    const r = await t.marketer.post('/api/segments/REUSE/reuse-criteria', { code: 'steps' })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ actionsApplied: 3, noOfLines: 3 })
    expect((await linesOf('REUSE')).map((l) => l.contact_no)).toEqual(['K1', 'P1', 'P2'])
    expect(await linesOf('REUSE')).toEqual(await linesOf('HAND'))
    expect(await criteriaOf('REUSE')).toEqual(await criteriaOf('HAND'))
    expect((await criteriaOf('REUSE')).map((c) => [c.action, c.entireCompanies])).toEqual([
      ['Add Contacts', false],
      ['Remove Contacts (Reduce)', false],
      ['Remove Contacts (Refine)', true],
    ])
  })

  it('asks before reusing on a segment that already has criteria actions, and changes nothing', async () => {
    // Given BUSY with one action of its own (P4 added)
    await inTransaction(t.db.kysely, (trx) => addContacts(trx, dialect, 'BUSY', { contact: { no: 'P4' } }, {}, actor))
    // When the criteria are reused without confirmation
    const r = await t.marketer.post('/api/segments/BUSY/reuse-criteria', { code: 'STEPS' })
    // Then BC's question comes back and nothing ran
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      question:
        'Segment BUSY already contains 1 No. of Criteria Actions.\\Are you sure you want to reuse a Saved Segment Criteria?',
      detail:
        'Segment BUSY already contains 1 No. of Criteria Actions. Are you sure you want to reuse a Saved Segment Criteria?',
    })
    expect((await criteriaOf('BUSY')).length).toBe(1)
    expect((await t.marketer.post('/api/segments/BUSY/reuse-criteria', { code: 'STEPS', confirm: false })).status).toBe(
      409,
    )
  })

  it('appends the saved actions to the existing ones when confirmed', async () => {
    const r = await t.marketer.post('/api/segments/BUSY/reuse-criteria', { code: 'STEPS', confirm: true })
    expect(r.body).toEqual({ actionsApplied: 3, noOfLines: 3 })
    // P4 was there first (10000); Add skips it as existing; Reduce then removes it.
    expect((await linesOf('BUSY')).map((l) => [l.line_no, l.contact_no])).toEqual([
      [20000, 'K1'],
      [30000, 'P1'],
      [40000, 'P2'],
    ])
    expect((await criteriaOf('BUSY')).map((c) => c.actionNo)).toEqual([1, 2, 3, 4])
    expect((await t.viewer.get('/api/segments/BUSY')).body.noOfCriteriaActions).toBe(4)
  })

  it("evaluates the saved filters against today's data", async () => {
    // When Carl Clay (K2) becomes CEO, the Refine keeps K2's lines as well
    await t.db.kysely.updateTable('contacts').set({ job_title: 'CEO' }).where('no', '=', 'P3').execute()
    await deleteLineRows(t.db.kysely, 'REUSE')
    await t.db.kysely.deleteFrom('segment_criteria_actions').where('segment_no', '=', 'REUSE').execute()
    await t.db.kysely.deleteFrom('segment_history').where('segment_no', '=', 'REUSE').execute()
    const r = await t.marketer.post('/api/segments/REUSE/reuse-criteria', { code: 'STEPS' })
    expect(r.body).toEqual({ actionsApplied: 3, noOfLines: 5 })
    expect((await linesOf('REUSE')).map((l) => l.contact_no)).toEqual(['K1', 'P1', 'P2', 'K2', 'P3'])
    await t.db.kysely.updateTable('contacts').set({ job_title: 'Buyer' }).where('no', '=', 'P3').execute()
  })

  it('leaves nothing behind when a saved step fails', async () => {
    // Given saved criteria whose second action filters on a field that does not exist (any more)
    await t.db.kysely.insertInto('saved_segment_criteria').values({ code: 'BROKEN', description: '' }).execute()
    for (const [action_no, action, filters] of [
      [1, 'Add Contacts', '{"contact":{"type":"Company"}}'],
      [2, 'Remove Contacts (Reduce)', '{"contact":{"shoeSize":"42"}}'],
    ] as const)
      await t.db.kysely
        .insertInto('saved_segment_criteria_actions')
        .values({ code: 'BROKEN', action_no, action, filters })
        .execute()
    const r = await t.marketer.post('/api/segments/FAIL/reuse-criteria', { code: 'BROKEN' })
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([{ path: 'filters.contact.shoeSize', message: "unknown field 'shoeSize'" }])
    expect(await linesOf('FAIL')).toEqual([])
    expect(await criteriaOf('FAIL')).toEqual([])
  })

  it('refuses unknown saved criteria, an unknown segment and a viewer', async () => {
    const unknown = await t.marketer.post('/api/segments/FAIL/reuse-criteria', { code: 'NOPE' })
    expect(unknown.status).toBe(422)
    expect(unknown.body.detail).toBe(
      "The Saved Segment Criteria does not exist. Identification fields and values: Code='NOPE'",
    )
    const seg = await t.marketer.post('/api/segments/NOPE/reuse-criteria', { code: 'STEPS' })
    expect(seg.status).toBe(404)
    expect((await t.viewer.post('/api/segments/FAIL/reuse-criteria', { code: 'STEPS' })).status).toBe(403)
  })
})
