import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'

describe.each(dialects)('API basics on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  it('answers health without credentials', async () => {
    const r = await t.anonymous.get('/api/health')
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ status: 'ok', db: dialect })
  })

  it('refuses a request without credentials with 401 problem+json', async () => {
    const r = await t.anonymous.get('/api/industry-groups')
    expect(r.status).toBe(401)
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(r.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', title: 'Authentication required' })
  })

  it('refuses a viewer writing with 403', async () => {
    const r = await t.viewer.post('/api/industry-groups', { code: 'RETAIL', description: 'Retail' })
    expect(r.status).toBe(403)
    expect(r.body.code).toBe('FORBIDDEN')
  })

  it('creates, lists, changes and deletes a code, upper-casing it', async () => {
    expect((await t.marketer.post('/api/industry-groups', { code: ' retail ', description: 'Retail' })).status).toBe(
      201,
    )
    const list = await t.viewer.get('/api/industry-groups')
    expect(list.body).toEqual({
      items: [{ code: 'RETAIL', description: 'Retail', noOfContacts: 0 }],
      total: 1,
      limit: 50,
      offset: 0,
    })
    const p = await t.marketer.patch('/api/industry-groups/RETAIL', { description: 'Retail trade' })
    expect(p.body).toEqual({ code: 'RETAIL', description: 'Retail trade', noOfContacts: 0 })
    expect((await t.marketer.del('/api/industry-groups/RETAIL')).status).toBe(204)
    expect((await t.viewer.get('/api/industry-groups/RETAIL')).body.code).toBe('NOT_FOUND')
  })

  it('refuses a duplicate code with 409 and an over-long code with 400', async () => {
    await t.marketer.post('/api/mailing-groups', { code: 'NEWS', description: 'Newsletter' })
    const dup = await t.marketer.post('/api/mailing-groups', { code: 'news' })
    expect(dup.status).toBe(409)
    expect(dup.body.detail).toBe("The Mailing Group already exists. Identification fields and values: Code='NEWS'")
    const long = await t.marketer.post('/api/mailing-groups', { code: 'X'.repeat(11) })
    expect(long.status).toBe(400)
    expect(long.body.errors).toEqual([{ path: 'body.code', message: 'must be at most 10 characters' }])
  })

  it('refuses unknown fields', async () => {
    const r = await t.marketer.post('/api/languages', { code: 'ENU', nmae: 'English' })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('VALIDATION_FAILED')
  })

  it('filters, sorts and pages every list with BC expressions', async () => {
    for (const [code, description] of [
      ['A1', 'Alpha'],
      ['B2', 'beta'],
      ['C3', 'Gamma'],
      ['D4', 'delta'],
    ])
      await t.marketer.post('/api/job-responsibilities', { code, description })
    const r = await t.viewer.get('/api/job-responsibilities?filter[description]=@*ta&sort=-code&limit=2&offset=1')
    expect(r.body).toEqual({
      items: [{ code: 'B2', description: 'beta', noOfContacts: 0 }],
      total: 2,
      limit: 2,
      offset: 1,
    })
    const codes = await t.viewer.get('/api/job-responsibilities?filter[code]=<>A1%26<>C3&total=false')
    expect(codes.body.items.map((x: { code: string }) => x.code)).toEqual(['B2', 'D4'])
    expect(codes.body.total).toBeNull()
  })

  it('answers a malformed filter with 400 naming the field and the position', async () => {
    const r = await t.viewer.get(`/api/job-responsibilities?filter[description]=${encodeURIComponent('a..b..c')}`)
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([
      { path: 'filter[description]', message: "Unexpected '..' at position 5 of 'a..b..c'" },
    ])
    const unknown = await t.viewer.get('/api/job-responsibilities?filter[colour]=red&sort=size')
    expect(unknown.body.errors).toEqual([
      { path: 'sort', message: "unknown field 'size'" },
      { path: 'filter[colour]', message: "unknown field 'colour'" },
    ])
  })

  it('serves the OpenAPI document to a signed-in caller', async () => {
    const r = await t.viewer.get('/api/openapi.json')
    expect(r.status).toBe(200)
    expect(r.body.openapi).toMatch(/^3\./)
    expect(Object.keys(r.body.paths)).toContain('/api/industry-groups')
  })
})
