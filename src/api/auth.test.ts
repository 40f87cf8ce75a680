import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'

describe.each(dialects)('authentication and roles on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })

  it('signs in with a password and uses the http-only session cookie', async () => {
    const res = await login('marketer', 'correct-horse-battery')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ username: 'marketer', fullName: '', role: 'marketer', salespersonCode: '' })
    const cookie = res.cookies.find((c) => c.name === 'segmenta_session')!
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Strict')
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', cookies: { segmenta_session: cookie.value } })
    expect(me.json().username).toBe('marketer')
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies: { segmenta_session: cookie.value },
    })
    expect(out.statusCode).toBe(204)
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/users/me',
      cookies: { segmenta_session: cookie.value },
    })
    expect(after.statusCode).toBe(401)
  })

  it('refuses a wrong password with 401 and stores no session', async () => {
    const res = await login('viewer', 'wrong-password-1')
    expect(res.statusCode).toBe(401)
    expect(res.json().detail).toBe('The user name or password is wrong.')
    expect(res.cookies).toEqual([])
  })

  it('Given five failed sign-ins, refuses the next one with 429 for a while, even with the right password', async () => {
    await t.admin.post('/api/users', { username: 'mallory', role: 'viewer', password: 'mallory-password' })
    // Only Date is faked, so the back-off of one second does not run out while the scrypt checks run.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      for (let i = 0; i < 5; i++) expect((await login('mallory', `guess-number-${i}`)).statusCode).toBe(401)
      const throttled = await login('mallory', 'mallory-password')
      expect([throttled.statusCode, throttled.json().code]).toEqual([429, 'TOO_MANY_REQUESTS'])
      vi.setSystemTime(Date.now() + 1000)
      expect((await login('mallory', 'mallory-password')).statusCode).toBe(200)
    } finally {
      vi.useRealTimers()
    }
  })

  it('stores passwords as scrypt hashes', async () => {
    const row = await t.db.kysely
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'viewer')
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/)
  })

  it('refuses a malformed Authorization header and an unknown token', async () => {
    const a = await t.anonymous.raw({ method: 'GET', url: '/api/contacts', headers: { authorization: 'Basic abc' } })
    expect(a.status).toBe(401)
    const b = await t.anonymous.raw({
      method: 'GET',
      url: '/api/contacts',
      headers: { authorization: 'Bearer sgm_nope' },
    })
    expect([b.status, b.body.detail]).toEqual([401, 'The token is not valid or has been revoked.'])
  })

  it('lets only admins manage users and tokens', async () => {
    expect((await t.marketer.get('/api/users')).status).toBe(403)
    expect((await t.marketer.post('/api/tokens', {})).status).toBe(403)
    expect((await t.viewer.get('/api/tokens')).status).toBe(403)
    const users = await t.admin.get('/api/users?sort=username')
    expect(users.body.items.map((u: { username: string }) => u.username)).toEqual([
      'admin',
      'mallory',
      'marketer',
      'viewer',
    ])
    expect(users.body.items[0]).not.toHaveProperty('password')
  })

  it('creates a token once, lists it without the secret, and revokes it', async () => {
    const created = await t.admin.post('/api/tokens', { username: 'viewer', description: 'reporting' })
    expect(created.status).toBe(201)
    const token = created.body.token as string
    const ok = await t.anonymous.raw({
      method: 'GET',
      url: '/api/users/me',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(ok.body.username).toBe('viewer')
    const list = await t.admin.get('/api/tokens')
    const row = list.body.items.find((x: { id: string }) => x.id === created.body.id)
    expect(row).toMatchObject({ username: 'viewer', description: 'reporting' })
    expect(JSON.stringify(list.body)).not.toContain(token)
    expect((await t.admin.del(`/api/tokens/${created.body.id}`)).status).toBe(204)
    const gone = await t.anonymous.raw({
      method: 'GET',
      url: '/api/users/me',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(gone.status).toBe(401)
  })

  it('refuses a short password when creating a user', async () => {
    const r = await t.admin.post('/api/users', { username: 'bob', role: 'viewer', password: 'short' })
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([{ path: 'password', message: 'must be at least 10 characters' }])
  })
})
