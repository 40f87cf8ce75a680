import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../api/app.js'
import { ROTATE_AFTER_MS, ROTATE_GRACE_MS, SESSION_COOKIE } from '../api/auth-plugin.js'
import { createToken, digest } from '../auth/credentials.js'
import { verifyPassword } from '../auth/passwords.js'
import { deliveries } from '../interactions/delivery/deliveries.js'
import { startMailServer, type TestMailServer } from '../interactions/delivery/test-mail-server.js'
import { line, makeSegment, seedLogWorld } from '../segments/log/log-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { fingerprint, isProblem } from './reliability-fixtures.js'

// verifyPassword as it is, watched: a sign-in must check a password even for a user who does not exist.
vi.mock('../auth/passwords.js', async (actual) => {
  const m = await actual<typeof import('../auth/passwords.js')>()
  return { ...m, verifyPassword: vi.fn(m.verifyPassword) }
})

const PASSWORD = 'correct-horse-battery'
const HOST = 'segmenta.test:3000'

describe.each(dialects)('Security of sign-in, sessions, tokens and answers on %s', (dialect) => {
  let t: TestApp
  /** Apps on the same database: one with a low sign-in limit, one with a limit these tests never reach (default 20). */
  let limited: FastifyInstance
  let main: FastifyInstance

  beforeAll(async () => {
    t = await createTestApp(dialect)
    limited = await buildApp({ db: t.db, security: { loginAttemptsPerMinute: 3 } })
    main = await buildApp({ db: t.db, security: { loginAttemptsPerMinute: 1000 } })
  })
  afterAll(async () => {
    await limited.close()
    await main.close()
    await t.close()
  })

  const inject = (opts: InjectOptions, app: FastifyInstance = main) =>
    app.inject({ ...opts, headers: { host: HOST, ...opts.headers } })
  const login = (username: string, password: string, headers: Record<string, string> = {}, app = main) =>
    inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers }, app)
  const cookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === SESSION_COOKIE)?.value
  const withCookie = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, extra = {}) =>
    inject({
      method,
      url,
      headers: { cookie: `${SESSION_COOKIE}=${cookie}`, ...extra },
      payload: method === 'GET' ? undefined : {},
    })
  const addUser = (username: string, role = 'marketer') =>
    t.admin.post('/api/users', { username, role, password: PASSWORD })

  describe('sign-in', () => {
    it('Given more sign-ins from one address than the limit allows, the next is refused with 429 and Retry-After, even with the right password', async () => {
      await addUser('rita')
      for (let i = 0; i < 3; i++) expect((await login('rita', `wrong-${i}-password`, {}, limited)).statusCode).toBe(401)
      const res = await login('rita', PASSWORD, {}, limited)
      expect(res.statusCode).toBe(429)
      expect(res.headers['retry-after']).toBeDefined()
      expect(res.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429 })
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    })

    it('answers an unknown user exactly as a wrong password, after checking a password all the same', async () => {
      vi.mocked(verifyPassword).mockClear()
      const unknown = await login('nobody-at-all', 'some-password-1')
      // One scrypt verification (against the decoy hash): answering without it would tell, by its speed, that
      // the user does not exist.
      expect(vi.mocked(verifyPassword).mock.calls.map((c) => c[0])).toEqual(['some-password-1'])
      const wrong = await login('viewer', 'some-password-1')
      expect([unknown.statusCode, unknown.json().detail]).toEqual([wrong.statusCode, wrong.json().detail])
    })

    it('never promotes a session id the browser already had (session fixation): sign-in issues a new one and ends the old', async () => {
      const first = cookieOf(await login('viewer', PASSWORD))!
      const again = await login('viewer', PASSWORD, { cookie: `${SESSION_COOKIE}=${first}` })
      const second = cookieOf(again)!
      expect(second).not.toBe(first)
      expect((await withCookie(first, 'GET', '/api/users/me')).statusCode).toBe(401)
      expect((await withCookie(second, 'GET', '/api/users/me')).statusCode).toBe(200)
    })

    it('sets the session cookie http-only and SameSite=Strict for the whole site', async () => {
      const res = await login('viewer', PASSWORD)
      const c = res.cookies.find((x) => x.name === SESSION_COOKIE)!
      expect([c.httpOnly, c.sameSite, c.path]).toEqual([true, 'Strict', '/'])
    })
  })

  describe('sessions', () => {
    const sessionRow = (cookie: string) =>
      t.db.kysely.selectFrom('sessions').selectAll().where('id_hash', '=', digest(cookie)).executeTakeFirst()
    const age = (cookie: string, ms: number) =>
      t.db.kysely
        .updateTable('sessions')
        .set({ created_at: new Date(Date.now() - ms).toISOString() })
        .where('id_hash', '=', digest(cookie))
        .execute()

    it('Given a session past its expiry, it is refused with 401 and deleted', async () => {
      const cookie = cookieOf(await login('viewer', PASSWORD))!
      await t.db.kysely
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id_hash', '=', digest(cookie))
        .execute()
      const res = await withCookie(cookie, 'GET', '/api/users/me')
      expect([res.statusCode, res.json().detail]).toEqual([401, 'Your session has expired. Sign in again.'])
      expect(await sessionRow(cookie)).toBeUndefined()
    })

    it('lasts 12 hours from sign-in, however often it is used or rotated', async () => {
      const res = await login('viewer', PASSWORD)
      const row = (await sessionRow(cookieOf(res)!))!
      const hours = (new Date(row.expires_at).getTime() - Date.now()) / 3600_000
      expect(hours).toBeGreaterThan(11.9)
      expect(hours).toBeLessThanOrEqual(12)
    })

    it(`Given a session older than ${ROTATE_AFTER_MS / 60_000} minutes, the next request rotates its id: the new id keeps the expiry, the old one works ${ROTATE_GRACE_MS / 1000} s more`, async () => {
      const old = cookieOf(await login('viewer', PASSWORD))!
      const expiry = (await sessionRow(old))!.expires_at
      await age(old, ROTATE_AFTER_MS + 1000)
      const res = await withCookie(old, 'GET', '/api/users/me')
      expect(res.statusCode).toBe(200)
      const fresh = cookieOf(res)!
      expect(fresh).toBeDefined()
      expect(fresh).not.toBe(old)
      expect(new Date((await sessionRow(fresh))!.expires_at).getTime()).toBe(new Date(expiry).getTime())
      const oldRow = (await sessionRow(old))!
      expect(new Date(oldRow.expires_at).getTime()).toBeLessThanOrEqual(Date.now() + ROTATE_GRACE_MS)
      // A request the browser sent with the old id meanwhile still works, and does not rotate again.
      const late = await withCookie(old, 'GET', '/api/users/me')
      expect([late.statusCode, cookieOf(late)]).toEqual([200, undefined])
      expect((await withCookie(fresh, 'GET', '/api/users/me')).statusCode).toBe(200)
    })

    it('Given two requests at once with an old session, only one new id is issued', async () => {
      const old = cookieOf(await login('marketer', PASSWORD))!
      await age(old, ROTATE_AFTER_MS + 1000)
      const answers = await Promise.all([1, 2, 3].map(() => withCookie(old, 'GET', '/api/users/me')))
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200])
      expect(answers.map(cookieOf).filter(Boolean)).toHaveLength(1)
    })

    it('Given a session one request has just rotated, a concurrent request whose clock read earlier does not rotate it again', async () => {
      const old = cookieOf(await login('marketer', PASSWORD))!
      // Old enough that both clocks below see it due for rotation (with 1 s, the second one might not).
      await age(old, ROTATE_AFTER_MS + 10_000)
      const t0 = Date.now()
      vi.useFakeTimers({ toFake: ['Date'] })
      try {
        vi.setSystemTime(t0)
        const first = await withCookie(old, 'GET', '/api/users/me')
        // The second request read the clock a second before the first, and reaches the update after it.
        vi.setSystemTime(t0 - 1000)
        const second = await withCookie(old, 'GET', '/api/users/me')
        expect([first.statusCode, second.statusCode]).toEqual([200, 200])
        expect(cookieOf(first)).toMatch(/./)
        expect(cookieOf(second)).toBeUndefined()
      } finally {
        vi.useRealTimers()
      }
    })

    it('ends the session on sign-out, and a changed password ends every session of the user', async () => {
      await addUser('paula')
      const a = cookieOf(await login('paula', PASSWORD))!
      const b = cookieOf(await login('paula', PASSWORD))!
      expect((await withCookie(a, 'POST', '/api/auth/logout')).statusCode).toBe(204)
      expect((await withCookie(a, 'GET', '/api/users/me')).statusCode).toBe(401)
      expect((await withCookie(b, 'GET', '/api/users/me')).statusCode).toBe(200)
      expect((await t.admin.patch('/api/users/paula', { password: 'a-new-password-2' })).status).toBe(200)
      expect((await withCookie(b, 'GET', '/api/users/me')).statusCode).toBe(401)
    })
  })

  describe('cross-site requests (CSRF) with the session cookie', () => {
    let cookie: string
    beforeAll(async () => {
      cookie = cookieOf(await login('marketer', PASSWORD))!
    })
    const create = (code: string, headers: Record<string, string>) =>
      inject({
        method: 'POST',
        url: '/api/mailing-groups',
        headers: { cookie: `${SESSION_COOKIE}=${cookie}`, ...headers },
        payload: { code },
      })

    it('Given a write whose Origin or Referer is another site, it is refused with 403 and changes nothing', async () => {
      const before = await fingerprint(t.db)
      for (const headers of <Record<string, string>[]>[
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: `http://${HOST}.evil.example` },
        { referer: 'https://evil.example/page' },
        { origin: 'https://evil.example', referer: `http://${HOST}/` },
        { origin: 'not a url' },
      ]) {
        const res = await create('EVIL', headers)
        expect([res.statusCode, res.json().code, res.json().detail]).toEqual([
          403,
          'FORBIDDEN',
          'Cross-site request refused: its Origin is not this server.',
        ])
      }
      const loginCsrf = await login('marketer', PASSWORD, { origin: 'https://evil.example' })
      expect(loginCsrf.statusCode).toBe(403)
      expect(await fingerprint(t.db)).toEqual(before)
    })

    it("Given a cross-site write with a valid session, it is refused and recorded in the audit log as that user's refused attempt", async () => {
      const before = await fingerprint(t.db)
      const last = await t.db.kysely
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow()
      const forged = await create('FORGED', { origin: 'https://evil.example' })
      const encoded = await inject({
        method: 'POST',
        url: '/%61pi/mailing-groups',
        headers: { cookie: `${SESSION_COOKIE}=${cookie}`, referer: 'https://evil.example/x' },
        payload: { code: 'FORGED' },
      })
      // Nobody's session: refused all the same, and not recorded (anonymous requests cannot fill the log).
      const stranger = await inject({
        method: 'POST',
        url: '/api/mailing-groups',
        headers: { cookie: `${SESSION_COOKIE}=not-a-session`, origin: 'https://evil.example' },
        payload: { code: 'FORGED' },
      })
      for (const res of [forged, encoded, stranger]) {
        expect([res.statusCode, res.json().code, cookieOf(res)]).toEqual([403, 'FORBIDDEN', undefined])
      }
      const rows = await t.db.kysely
        .selectFrom('audit_log')
        .select(['username', 'action', 'method', 'path', 'status', 'detail'])
        .where('id', '>', Number(last.id ?? 0))
        .orderBy('id')
        .execute()
      const detail = JSON.stringify({
        error: 'FORBIDDEN',
        message: 'Cross-site request refused: its Origin is not this server.',
      })
      expect(rows).toEqual([
        {
          username: 'marketer',
          action: 'mailing-groups.create',
          method: 'POST',
          path: '/api/mailing-groups',
          status: 403,
          detail,
        },
        {
          username: 'marketer',
          action: 'mailing-groups.create',
          method: 'POST',
          path: '/%61pi/mailing-groups',
          status: 403,
          detail,
        },
      ])
      expect(await fingerprint(t.db)).toEqual(before)
    })

    it('Given a write from the same origin, or from a client that sends no Origin (not a browser), it goes through', async () => {
      expect((await create('SAME1', { origin: `http://${HOST}` })).statusCode).toBe(201)
      expect((await create('SAME2', { referer: `https://${HOST}/segments/SM0001` })).statusCode).toBe(201)
      expect((await create('NOORIG', {})).statusCode).toBe(201)
    })

    it('Given an origin named in the allowed origins, it goes through', async () => {
      const proxied = await buildApp({ db: t.db, security: { allowedOrigins: ['https://crm.example.com'] } })
      try {
        const res = await proxied.inject({
          method: 'POST',
          url: '/api/mailing-groups',
          headers: { host: 'internal:3000', origin: 'https://crm.example.com', cookie: `${SESSION_COOKIE}=${cookie}` },
          payload: { code: 'PROXY' },
        })
        expect(res.statusCode).toBe(201)
      } finally {
        await proxied.close()
      }
    })

    it('does not check bearer-token requests (a browser never sends a token by itself), and reads are never refused', async () => {
      const res = await t.marketer.raw({
        method: 'POST',
        url: '/api/mailing-groups',
        headers: { origin: 'https://tooling.example' },
        payload: { code: 'TOKEN' },
      })
      expect(res.status).toBe(201)
      const read = await withCookie(cookie, 'GET', '/api/mailing-groups', { origin: 'https://evil.example' })
      expect(read.statusCode).toBe(200)
    })
  })

  describe('answers', () => {
    it('carry security headers on API answers, errors and the web app', async () => {
      for (const res of [
        await t.viewer.raw({ method: 'GET', url: '/api/users/me' }),
        await t.anonymous.raw({ method: 'GET', url: '/api/contacts' }),
        await t.anonymous.raw({ method: 'GET', url: '/nothing-here' }),
      ]) {
        expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/)
        expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/)
        expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/)
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN')
        expect(res.headers['referrer-policy']).toBe('no-referrer')
        expect(res.headers['strict-transport-security']).toMatch(/max-age=/)
        expect(res.headers['cross-origin-opener-policy']).toBe('same-origin')
        expect(res.headers['x-powered-by']).toBeUndefined()
      }
      const api = await t.viewer.raw({ method: 'GET', url: '/api/users/me' })
      expect(api.headers['cache-control']).toBe('no-store')
    })

    it('keep CORS closed: no Access-Control-Allow-Origin for any origin, and preflights are not granted', async () => {
      const get = await t.viewer.raw({
        method: 'GET',
        url: '/api/users/me',
        headers: { origin: 'https://evil.example' },
      })
      expect(get.headers['access-control-allow-origin']).toBeUndefined()
      expect(get.headers['access-control-allow-credentials']).toBeUndefined()
      const preflight = await t.anonymous.raw({
        method: 'OPTIONS',
        url: '/api/contacts',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      })
      expect(preflight.status).toBeGreaterThanOrEqual(400)
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined()
    })
  })

  describe('tokens', () => {
    it('Given a revoked token, the very next request with it is refused', async () => {
      const created = await t.admin.post('/api/tokens', { username: 'marketer', description: 'ci' })
      const bearer = { authorization: `Bearer ${created.body.token}` }
      expect((await t.anonymous.raw({ method: 'GET', url: '/api/users/me', headers: bearer })).status).toBe(200)
      expect((await t.admin.del(`/api/tokens/${created.body.id}`)).status).toBe(204)
      const res = await t.anonymous.raw({ method: 'GET', url: '/api/users/me', headers: bearer })
      expect([res.status, res.body.detail]).toEqual([401, 'The token is not valid or has been revoked.'])
    })

    it("Given a user's role is lowered or the user deleted, their tokens and sessions follow at once", async () => {
      await addUser('dora')
      const { token } = await createToken(t.db.kysely, 'dora')
      const bearer = { authorization: `Bearer ${token}` }
      const cookie = cookieOf(await login('dora', PASSWORD))!
      const write = () =>
        t.anonymous.raw({ method: 'POST', url: '/api/mailing-groups', headers: bearer, payload: { code: 'DORA' } })
      expect((await t.admin.patch('/api/users/dora', { role: 'viewer' })).status).toBe(200)
      expect((await write()).status).toBe(403)
      expect((await t.admin.del('/api/users/dora')).status).toBe(204)
      expect((await write()).status).toBe(401)
      expect((await withCookie(cookie, 'GET', '/api/users/me')).statusCode).toBe(401)
    })

    it('stores only digests of tokens and session ids', async () => {
      const { token } = await createToken(t.db.kysely, 'viewer')
      const cookie = cookieOf(await login('viewer', PASSWORD))!
      const text = JSON.stringify([
        await t.db.kysely.selectFrom('api_tokens').selectAll().execute(),
        await t.db.kysely.selectFrom('sessions').selectAll().execute(),
      ])
      expect(text).not.toContain(token)
      expect(text).not.toContain(cookie)
    })
  })
})

describe.each(dialects)('Merge fields in e-mails and letters on %s', (dialect) => {
  let t: TestApp
  let smtp: TestMailServer
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedLogWorld(t.db.kysely)
    smtp = await startMailServer()
    await t.db.kysely
      .updateTable('marketing_setup')
      .set({ smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_from: 'marketing@cronus.test' })
      .execute()
  })
  afterAll(async () => {
    await deliveries.idle()
    await t.close()
    await smtp.close()
  })

  it('Given contact and segment values holding markup and header breaks, the e-mail HTML shows them as text and the letter prints them as written', async () => {
    // Given a contact whose names carry markup and a header injection, and a template written in HTML
    const evilName = '<script>alert("x")</script> & <b>Co</b>'
    await t.db.kysely
      .updateTable('contacts')
      .set({ name: evilName, first_name: '<img src=x onerror=alert(1)>' })
      .where('no', '=', 'P1')
      .execute()
    await t.db.kysely
      .updateTable('contacts')
      .set({ name: 'Carl\r\nBcc: victim@evil.example' })
      .where('no', '=', 'P3')
      .execute()
    await t.db.kysely
      .updateTable('interaction_template_languages')
      .set({ body: '<p>Dear <b>{{contact.firstName}}</b> of {{contact.name}},</p><p>{{segment.description}}</p>' })
      .where('template_code', '=', 'MAIL')
      .where('language_code', '=', 'ENU')
      .execute()
    await makeSegment(
      t.db.kysely,
      'XSS1',
      [
        line(10000, 'P1', { language_code: 'ENU' }),
        line(20000, 'P1', {
          correspondence_type: 'Hard Copy',
          interaction_template_code: 'LETTER',
          interaction_group_code: 'LETTERS',
        }),
        line(30000, 'P3', {
          correspondence_type: 'Hard Copy',
          interaction_template_code: 'LETTER',
          interaction_group_code: 'LETTERS',
        }),
      ],
      { description: '"><svg onload=alert(2)>' },
    )

    // When it is logged with Send Attachments
    const r = await t.marketer.post('/api/segments/XSS1/log', { sendAttachments: true })
    expect(r.status).toBe(200)
    await deliveries.idle()

    // Then the e-mail's HTML holds every value escaped, and no tag from the data
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]
    expect(mail.envelopeTo).toEqual(['ann@alpha.test'])
    expect(mail.html).toContain(
      '<p>Dear <b>&lt;img src=x onerror=alert(1)&gt;</b> of &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;,</p>',
    )
    expect(mail.html).toContain('<p>&quot;&gt;&lt;svg onload=alert(2)&gt;</p>')
    for (const raw of ['<script>', '<img ', '<svg', '<b>Co</b>']) expect(mail.html).not.toContain(raw)
    expect(mail.subject).toBe(`Spring news for ${evilName}`)
    expect(mail.headers.bcc).toBeUndefined()

    // and the letters print the values as plain text, the header break as a line break only
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/logged-segments/${r.body.loggedSegmentEntryNo}/letters.pdf`,
      headers: { authorization: `Bearer ${(await createToken(t.db.kysely, 'viewer')).token}` },
    })
    expect(res.statusCode).toBe(200)
    const parser = new PDFParse({ data: new Uint8Array(res.rawPayload) })
    const text = (await parser.getText()).text
    await parser.destroy()
    expect(text).toContain('Dear <script>alert("x")</script> & <b>Co</b>,')
    expect(smtp.messages.flatMap((m) => m.envelopeTo)).not.toContain('victim@evil.example')
  })

  it('answers problems as JSON that a browser will not sniff into HTML', async () => {
    const res = await t.viewer.raw({ method: 'GET', url: '/api/contacts/%3Cscript%3E' })
    expect(isProblem(res)).toBe(true)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })
})
