import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../api/app.js'
import { createToken } from '../auth/credentials.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { actionName, detailJson, redact, targetOf } from './audit-detail.js'
import type { AuditEntry } from './audit-log.js'

describe('what the audit log keeps of a request', () => {
  it('names actions after the route: create on a collection, update, delete, else the action', () => {
    const collections = new Set(['/api/contacts', '/api/segments/:no/lines'])
    const isCollection = (u: string) => collections.has(u)
    expect(actionName('POST', '/api/contacts', isCollection)).toBe('contacts.create')
    expect(actionName('PATCH', '/api/segments/:no/lines/:lineNo', isCollection)).toBe('segments.lines.update')
    expect(actionName('DELETE', '/api/contacts/:no', isCollection)).toBe('contacts.delete')
    expect(actionName('POST', '/api/segments/:no/lines', isCollection)).toBe('segments.lines.create')
    expect(actionName('POST', '/api/segments/:no/add-contacts', isCollection)).toBe('segments.add-contacts')
    expect(actionName('POST', '/api/auth/login', isCollection)).toBe('auth.login')
    expect(actionName('GET', '/api/segments/:no/export', isCollection)).toBe('segments.export')
    expect(actionName('GET', '/api/logged-segments/:entryNo/letters.pdf', isCollection)).toBe('logged-segments.letters')
  })

  it('removes secrets at any depth and cuts long values, keeping valid JSON', () => {
    expect(
      redact({ password: 'x', smtpPassword: 'y', token: 'z', nested: { authorization: 'Bearer a', name: 'Ann' } }),
    ).toEqual({
      password: '[redacted]',
      smtpPassword: '[redacted]',
      token: '[redacted]',
      nested: { authorization: '[redacted]', name: 'Ann' },
    })
    expect(redact('x'.repeat(300))).toBe(`${'x'.repeat(200)}…`)
    expect(redact(Array.from({ length: 25 }, (_, i) => i))).toHaveLength(21)
    const big = detailJson({
      body: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'y'.repeat(199)])),
    })
    expect(big.length).toBeLessThanOrEqual(4000)
    expect(() => JSON.parse(big)).not.toThrow()
  })

  it('takes the target from the path, or from the key of what was created', () => {
    expect(targetOf({ no: 'SM00001', lineNo: 10000 }, undefined)).toBe('SM00001/10000')
    expect(targetOf({}, { no: 'CT000400', name: 'x' })).toBe('CT000400')
    expect(targetOf(undefined, { loggedSegmentEntryNo: 7 })).toBe('7')
  })
})

describe.each(dialects)('The audit log on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  const entries = async (query = ''): Promise<AuditEntry[]> => {
    const res = await t.admin.get(`/api/audit-log?${query.includes('limit=') ? '' : 'limit=1000'}${query}`)
    expect(res.status).toBe(200)
    return res.body.items
  }
  const last = async () => (await entries('&limit=1'))[0]
  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })

  it('records sign-ins, failed ones too, with the name tried and the address, never the password', async () => {
    expect((await login('marketer', 'correct-horse-battery')).statusCode).toBe(200)
    expect((await login('marketer', 'a-wrong-password')).statusCode).toBe(401)
    const [failed, ok] = await entries('&filter[action]=auth.login&limit=2')
    expect(ok).toMatchObject({
      username: 'marketer',
      action: 'auth.login',
      method: 'POST',
      status: 200,
      ip: '127.0.0.1',
    })
    expect(failed).toMatchObject({
      username: 'marketer',
      status: 401,
      detail: { body: { username: 'marketer', password: '[redacted]' }, error: 'UNAUTHENTICATED' },
    })
    expect(JSON.stringify(await entries())).not.toContain('a-wrong-password')
    expect(ok.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })

  it('does not record sign-ins the rate limit refused, so a flood cannot fill the log', async () => {
    const limited = await buildApp({ db: t.db, security: { loginAttemptsPerMinute: 2 } })
    // The address's count is kept in the database: the sign-ins of the tests before must not use up this budget.
    await t.db.kysely.deleteFrom('sign_in_throttle').execute()
    try {
      const before = (await entries('&filter[action]=auth.login')).length
      for (let i = 0; i < 6; i++)
        await limited.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'flood', password: `guess-${i}-password` },
        })
      expect((await entries('&filter[action]=auth.login')).length).toBe(before + 2)
    } finally {
      await limited.close()
    }
  })

  it('records every write with who, what, the record and the answer; reads and previews are not recorded', async () => {
    const created = await t.marketer.post('/api/salespeople', { code: 'jr', name: 'John <Roberts>' })
    expect(created.status).toBe(201)
    expect(await last()).toMatchObject({
      username: 'marketer',
      action: 'salespeople.create',
      method: 'POST',
      path: '/api/salespeople',
      status: 201,
      target: 'JR',
      // The body as validated (codes upper-cased), and the record as stored.
      detail: { body: { code: 'JR', name: 'John <Roberts>' }, answer: { code: 'JR', name: 'John <Roberts>' } },
    })
    await t.marketer.patch('/api/salespeople/JR', { name: 'John Roberts' })
    expect(await last()).toMatchObject({ action: 'salespeople.update', target: 'JR', status: 200 })
    const before = (await entries()).length
    await t.viewer.get('/api/salespeople')
    await t.viewer.get('/api/salespeople/JR')
    expect((await entries()).length).toBe(before)
    await t.marketer.del('/api/salespeople/JR')
    expect(await last()).toMatchObject({ action: 'salespeople.delete', target: 'JR', status: 204, method: 'DELETE' })
  })

  it('records segment actions with their outcome, and exports', async () => {
    await t.marketer.post('/api/contacts', { no: 'K1', type: 'Company', name: 'Alpha' })
    await t.marketer.post('/api/segments', { no: 'S1', description: 'Audit' })
    const before = (await entries()).length
    const preview = await t.viewer.post('/api/segments/S1/preview', { action: 'add', filters: {} })
    expect(preview.status).toBe(200)
    expect((await entries()).length).toBe(before)
    expect(
      (await t.marketer.post('/api/segments/S1/add-contacts', { filters: { contact: { no: 'K1' } } })).status,
    ).toBe(200)
    expect(await last()).toMatchObject({
      username: 'marketer',
      action: 'segments.add-contacts',
      target: 'S1',
      status: 200,
      detail: { body: { filters: { contact: { no: 'K1' } } }, answer: { actionNo: 1, linesInserted: 1, noOfLines: 1 } },
    })
    await t.marketer.post('/api/segments/S1/go-back', {})
    expect(await last()).toMatchObject({ action: 'segments.go-back', target: 'S1', status: 200 })
    expect((await t.viewer.get('/api/segments/S1/export?format=csv')).status).toBe(200)
    expect(await last()).toMatchObject({
      username: 'viewer',
      action: 'segments.export',
      method: 'GET',
      target: 'S1',
      status: 200,
      detail: { query: { format: 'csv' } },
    })
  })

  it('records refused writes of known callers (403, 400, 404) with the error, but not anonymous ones', async () => {
    await t.viewer.post('/api/mailing-groups', { code: 'NEWS' })
    expect(await last()).toMatchObject({ username: 'viewer', status: 403, detail: { error: 'FORBIDDEN' } })
    await t.marketer.post('/api/mailing-groups', { code: 'X'.repeat(11) })
    expect(await last()).toMatchObject({ username: 'marketer', status: 400, detail: { error: 'VALIDATION_FAILED' } })
    await t.marketer.post('/api/segments/NOPE/go-back', {})
    expect(await last()).toMatchObject({ action: 'segments.go-back', target: 'NOPE', status: 404 })
    const before = (await entries()).length
    await t.anonymous.post('/api/mailing-groups', { code: 'NEWS' })
    expect((await entries()).length).toBe(before)
  })

  it('never keeps a secret: new tokens and passwords are redacted', async () => {
    const created = await t.admin.post('/api/tokens', { username: 'viewer', description: 'robot' })
    await t.admin.post('/api/users', { username: 'newbie', role: 'viewer', password: 'a-secret-password' })
    const text = JSON.stringify(await entries())
    expect(text).not.toContain(created.body.token)
    expect(text).not.toContain('a-secret-password')
    expect((await entries('&filter[action]=tokens.create'))[0].detail.answer).toMatchObject({ token: '[redacted]' })
  })

  it('is read by admins only, with filters, sorting and paging like every list', async () => {
    expect((await t.marketer.get('/api/audit-log')).status).toBe(403)
    expect((await t.viewer.get('/api/audit-log')).status).toBe(403)
    expect((await t.anonymous.get('/api/audit-log')).status).toBe(401)
    const mine = await entries('&filter[username]=marketer&filter[action]=segments.*&sort=id')
    expect(mine.map((e) => e.action)).toEqual([
      'segments.create',
      'segments.add-contacts',
      'segments.go-back',
      'segments.go-back',
    ])
    const errors = await entries('&filter[status]=>=400')
    expect(errors.length).toBeGreaterThan(3)
    expect(errors.every((e) => e.status >= 400)).toBe(true)
    const today = new Date().toISOString().slice(0, 10)
    expect((await entries(`&filter[at]=${today}*`)).length).toBe((await entries()).length)
    const page = await t.admin.get('/api/audit-log?limit=2&offset=1')
    expect(page.body).toMatchObject({ limit: 2, offset: 1 })
    expect(page.body.items).toHaveLength(2)
    const bad = await t.admin.get('/api/audit-log?filter[status]=abc')
    expect(bad.status).toBe(400)
  })

  it('writes the row before the action runs, so an action cut off before its answer still shows (status 0)', async () => {
    // A route that looks at the log while it runs: as a crashed server would leave it.
    const app = await buildApp({ db: t.db })
    let during: unknown
    app.post('/api/test/slow-action', async () => {
      during = await t.db.kysely.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst()
      return { ok: true }
    })
    const { token } = await createToken(t.db.kysely, 'marketer')
    const res = await app.inject({
      method: 'POST',
      url: '/api/test/slow-action',
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    })
    await app.close()
    expect(res.statusCode).toBe(200)
    expect(during).toMatchObject({ username: 'marketer', action: 'test.slow-action', status: 0 })
    expect(await last()).toMatchObject({ action: 'test.slow-action', status: 200 })
  })

  it('refuses an action it cannot record, rather than run it unaudited', async () => {
    await sql`alter table audit_log rename to audit_log_away`.execute(t.db.kysely)
    try {
      const res = await t.marketer.post('/api/mailing-groups', { code: 'GHOST' })
      expect(res.status).toBe(500)
    } finally {
      await sql`alter table audit_log_away rename to audit_log`.execute(t.db.kysely)
    }
    expect((await t.viewer.get('/api/mailing-groups/GHOST')).status).toBe(404)
  })
})
