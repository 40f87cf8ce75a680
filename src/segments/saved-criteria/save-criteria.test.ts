import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'
import { addContacts, removeContacts } from '../engine/index.js'
import { insertHeader, seedSegmentData } from '../header/test-fixtures.js'

const actor = { username: 'marketer' }

describe.each(dialects)('saving segment criteria on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedSegmentData(t.db.kysely)
    await insertHeader(t.db.kysely, 'SM1', { description: 'Buyers' })
    await insertHeader(t.db.kysely, 'SM2', { description: 'No criteria yet' })
    // Given SM1 built by Add Contacts (persons, with related companies) and a Refine on job title
    await inTransaction(t.db.kysely, async (trx) => {
      await addContacts(trx, dialect, 'SM1', { contact: { type: 'Person' } }, { allowRelatedCompanies: true }, actor)
      await removeContacts(
        trx,
        dialect,
        'SM1',
        'refine',
        { contact: { jobTitle: 'Buyer' } },
        { entireCompanies: true },
        actor,
      )
    })
  })
  afterAll(() => t.close())

  const saved = {
    code: 'BUYERS',
    description: 'Buyers and their companies',
    username: 'marketer',
    noOfActions: 2,
    actions: [
      {
        actionNo: 1,
        action: 'Add Contacts',
        allowExistingContacts: false,
        expandCompanies: false,
        allowRelatedCompanies: true,
        ignoreExclusion: false,
        entireCompanies: false,
        filters: { contact: { type: 'Person' } },
        text: 'Contact: Type: Person',
      },
      {
        actionNo: 2,
        action: 'Remove Contacts (Refine)',
        allowExistingContacts: false,
        expandCompanies: false,
        allowRelatedCompanies: false,
        ignoreExclusion: false,
        entireCompanies: true,
        filters: { contact: { jobTitle: 'Buyer' } },
        text: 'Contact: Job Title: Buyer',
      },
    ],
  }

  it('refuses to save a segment without criteria actions', async () => {
    const r = await t.marketer.post('/api/segments/SM2/save-criteria', { code: 'NONE' })
    expect(r.status).toBe(422)
    expect(r.body.detail).toBe(
      'No. of Criteria Actions must have a value in Segment Header: No.=SM2. It cannot be zero or empty.',
    )
  })

  it('refuses a blank code', async () => {
    const r = await t.marketer.post('/api/segments/SM1/save-criteria', { code: '  ', description: 'x' })
    expect(r.status).toBe(422)
    expect(r.body.detail).toBe('Code must have a value in Saved Segment Criteria: Code=. It cannot be zero or empty.')
  })

  it('refuses a code longer than 10 characters', async () => {
    const r = await t.marketer.post('/api/segments/SM1/save-criteria', { code: 'ABCDEFGHIJK' })
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([{ path: 'body.code', message: 'must be at most 10 characters' }])
  })

  it('saves every criteria action 1:1 with the user', async () => {
    const r = await t.marketer.post('/api/segments/sm1/save-criteria', {
      code: 'buyers',
      description: 'Buyers and their companies',
    })
    expect(r.status).toBe(201)
    expect(r.body).toEqual(saved)
    expect((await t.viewer.get('/api/saved-segment-criteria/BUYERS')).body).toEqual(saved)
  })

  it('refuses a code that exists', async () => {
    const r = await t.marketer.post('/api/segments/SM1/save-criteria', { code: 'BUYERS' })
    expect(r.status).toBe(409)
    expect(r.body.detail).toBe(
      "The Saved Segment Criteria already exists. Identification fields and values: Code='BUYERS'",
    )
  })

  it('lists saved criteria with their actions', async () => {
    await t.marketer.post('/api/segments/SM1/save-criteria', { code: 'AAA', description: 'First' })
    const r = await t.viewer.get('/api/saved-segment-criteria')
    expect(r.body).toMatchObject({ total: 2, limit: 50, offset: 0 })
    expect(r.body.items.map((s: { code: string }) => s.code)).toEqual(['AAA', 'BUYERS'])
    expect(r.body.items[1]).toEqual(saved)
    const filtered = await t.viewer.get('/api/saved-segment-criteria?filter[description]=@buyers*')
    expect(filtered.body.items.map((s: { code: string }) => s.code)).toEqual(['BUYERS'])
  })

  it('answers 404 for an unknown segment or saved criteria', async () => {
    const seg = await t.marketer.post('/api/segments/NOPE/save-criteria', { code: 'X' })
    expect(seg.status).toBe(404)
    expect(seg.body.detail).toBe("The Segment Header does not exist. Identification fields and values: No.='NOPE'")
    const get = await t.viewer.get('/api/saved-segment-criteria/NOPE')
    expect(get.status).toBe(404)
    expect(get.body.detail).toBe(
      "The Saved Segment Criteria does not exist. Identification fields and values: Code='NOPE'",
    )
    expect((await t.marketer.del('/api/saved-segment-criteria/NOPE')).status).toBe(404)
  })

  it('refuses a viewer saving or deleting', async () => {
    expect((await t.viewer.post('/api/segments/SM1/save-criteria', { code: 'V' })).status).toBe(403)
    expect((await t.viewer.del('/api/saved-segment-criteria/AAA')).status).toBe(403)
  })

  it('deletes saved criteria with their actions', async () => {
    expect((await t.marketer.del('/api/saved-segment-criteria/aaa')).status).toBe(204)
    expect((await t.viewer.get('/api/saved-segment-criteria/AAA')).status).toBe(404)
    const rows = await t.db.kysely.selectFrom('saved_segment_criteria_actions').select('code').distinct().execute()
    expect(rows).toEqual([{ code: 'BUYERS' }])
  })
})
