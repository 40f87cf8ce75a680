import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/app.js'
import { dialects } from '../../test-support/databases.js'

describe.each(dialects)('the segments a contact is on, on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    const db = t.db.kysely
    await db.insertInto('contacts').values({ no: 'K1', type: 'Company', name: 'Alpha', company_no: 'K1' }).execute()
    await db
      .insertInto('segment_headers')
      .values([
        { no: 'S1', description: 'Spring mailing' },
        { no: 'S2', description: 'Golf invitation' },
        { no: 'S3', description: 'Other' },
      ])
      .execute()
    await t.marketer.post('/api/segments/S2/lines', { contactNo: 'K1' })
    await t.marketer.post('/api/segments/S1/lines', { contactNo: 'K1' })
  })
  afterAll(() => t.close())

  it('lists the open segment lines of one contact with the segment description', async () => {
    const r = await t.viewer.get('/api/segment-lines?filter[contactNo]=K1')
    expect(r.status).toBe(200)
    expect(r.body.total).toBe(2)
    expect(
      r.body.items.map((l: { segmentNo: string; segmentDescription: string; lineNo: number }) => [
        l.segmentNo,
        l.segmentDescription,
        l.lineNo,
      ]),
    ).toEqual([
      ['S1', 'Spring mailing', 10000],
      ['S2', 'Golf invitation', 10000],
    ])
    const byDescription = await t.viewer.get('/api/segment-lines?filter[segmentDescription]=@golf*')
    expect(byDescription.body.items.map((l: { segmentNo: string }) => l.segmentNo)).toEqual(['S2'])
  })

  it("filters and sorts by the contact's name and e-mail, and answers them on every line", async () => {
    const r = await t.viewer.get('/api/segment-lines?filter[contactName]=@alp*&sort=-segmentNo')
    expect(r.status).toBe(200)
    expect(
      r.body.items.map((l: { segmentNo: string; contactName: string; contactCompanyName: string }) => [
        l.segmentNo,
        l.contactName,
        l.contactCompanyName,
      ]),
    ).toEqual([
      ['S2', 'Alpha', 'Alpha'],
      ['S1', 'Alpha', 'Alpha'],
    ])
    // Without a name filter or sort the names are joined to the page's rows, with the same values.
    const plain = await t.viewer.get('/api/segment-lines?filter[contactNo]=K1')
    expect(plain.body.items.map((l: { contactName: string }) => l.contactName)).toEqual(['Alpha', 'Alpha'])
    const none = await t.viewer.get('/api/segment-lines?filter[contactEmail]=*a*&sort=contactName')
    expect([none.status, none.body.total, none.body.items]).toEqual([200, 0, []])
  })
})
