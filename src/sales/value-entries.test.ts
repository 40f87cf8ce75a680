import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newContact, prepareContactSetup } from '../contacts/test-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'

const q = encodeURIComponent

describe.each(dialects)('value entries on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await prepareContactSetup(t)
    await newContact(t.marketer, { no: 'K1', type: 'Company', name: 'Kappa' })
    await newContact(t.marketer, { no: 'P1', type: 'Person', name: 'Ann Lee', companyNo: 'K1' })
  })
  afterAll(() => t.close())

  const entry = {
    sourceType: 'Customer',
    sourceNo: 'c0001',
    itemNo: 'bike',
    variantCode: 'red',
    postingDate: '2026-01-15',
    documentType: 'sales invoice',
    documentNo: 'si-1001',
    quantity: 2,
    amount: 1999.5,
    contactNo: 'p1',
  }

  it('records one entry and answers it with its entry no., codes upper-cased and options canonical', async () => {
    const r = await t.marketer.post('/api/value-entries', entry)
    expect(r.status).toBe(201)
    expect(r.body).toEqual({
      entryNo: 1,
      sourceType: 'Customer',
      sourceNo: 'C0001',
      itemNo: 'BIKE',
      variantCode: 'RED',
      postingDate: '2026-01-15',
      documentType: 'Sales Invoice',
      documentNo: 'SI-1001',
      quantity: 2,
      amount: 1999.5,
      contactNo: 'P1',
    })
    expect((await t.viewer.get('/api/value-entries/1')).body).toEqual(r.body)
  })

  it('records an array in one go, with defaults for what is left out', async () => {
    const r = await t.marketer.post('/api/value-entries', [
      { sourceType: 'Vendor', sourceNo: 'V01', postingDate: '2026-02-01', amount: -50 },
      { ...entry, postingDate: '2026-03-01', amount: 120, quantity: 1 },
    ])
    expect(r.status).toBe(201)
    expect(r.body.map((e: { entryNo: number }) => e.entryNo)).toEqual([2, 3])
    expect(r.body[0]).toEqual({
      entryNo: 2,
      sourceType: 'Vendor',
      sourceNo: 'V01',
      itemNo: '',
      variantCode: '',
      postingDate: '2026-02-01',
      documentType: '',
      documentNo: '',
      quantity: 0,
      amount: -50,
      contactNo: '',
    })
  })

  it('lists entries with BC filters and sorting', async () => {
    const r = await t.viewer.get(`/api/value-entries?filter[postingDate]=${q('2026-01-01..2026-02-28')}&sort=-amount`)
    expect(r.body.items.map((e: { entryNo: number }) => e.entryNo)).toEqual([1, 2])
    const big = await t.viewer.get(`/api/value-entries?filter[amount]=${q('>100')}&filter[sourceType]=customer`)
    expect([big.body.total, big.body.items.map((e: { amount: number }) => e.amount)]).toEqual([2, [1999.5, 120]])
    const docs = await t.viewer.get(`/api/value-entries?filter[documentType]=${q('Sales*')}`)
    expect(docs.body.total).toBe(2)
  })

  it.each([
    [{ ...entry, sourceType: 'Item' }, 'body.sourceType'],
    [{ ...entry, amount: '12' }, 'body.amount'],
    [{ ...entry, quantity: Number.NaN }, 'body.quantity'],
    [{ ...entry, postingDate: '2026-02-30' }, 'body.postingDate'],
    [{ ...entry, postingDate: undefined }, 'body.postingDate'],
    [{ ...entry, postingDate: '' }, 'body.postingDate'],
    [{ ...entry, sourceNo: undefined }, 'body.sourceNo'],
    [{ ...entry, documentType: 'Receipt' }, 'body.documentType'],
    [{ ...entry, entryNo: 7 }, 'body'],
    [[entry, { ...entry, amount: 'x' }], 'body.1.amount'],
    [[], 'body'],
  ])('answers 400 VALIDATION_FAILED for %j', async (body, path) => {
    const r = await t.marketer.post('/api/value-entries', body)
    expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED'])
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path)
  })

  it('takes at most 1000 entries per request', async () => {
    const r = await t.marketer.post(
      '/api/value-entries',
      Array.from({ length: 1001 }, () => entry),
    )
    expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED'])
  })

  it('refuses an unknown contact and records none of the array', async () => {
    const before = (await t.viewer.get('/api/value-entries')).body.total
    const r = await t.marketer.post('/api/value-entries', [entry, { ...entry, contactNo: 'GHOST' }])
    expect([r.status, r.body.detail]).toEqual([
      422,
      "The Contact does not exist. Identification fields and values: No.='GHOST'",
    ])
    expect((await t.viewer.get('/api/value-entries')).body.total).toBe(before)
  })

  it('answers 404 for an unknown entry and 400 for a bad filter', async () => {
    const r = await t.viewer.get('/api/value-entries/999')
    expect([r.status, r.body.detail]).toEqual([
      404,
      "The Value Entry does not exist. Identification fields and values: Entry No.='999'",
    ])
    expect((await t.viewer.get(`/api/value-entries?filter[amount]=${q('abc')}`)).status).toBe(400)
  })

  it('refuses a viewer with 403', async () => {
    expect((await t.viewer.post('/api/value-entries', entry)).status).toBe(403)
  })
})
