import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { NO_SMTP } from '../interactions/delivery/mail-transport.js'
import { startMailServer, type TestMailServer } from '../interactions/delivery/test-mail-server.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { TEST_EMAIL_SUBJECT } from './test-email.js'

describe.each(dialects)('Send test e-mail and mailServerConfigured on %s', (dialect) => {
  let t: TestApp
  let smtp: TestMailServer
  beforeAll(async () => {
    t = await createTestApp(dialect)
    smtp = await startMailServer()
  })
  afterAll(async () => {
    await t.close()
    await smtp.close()
  })
  beforeEach(async () => {
    // The environment's server would answer for an empty setup: these tests decide it themselves.
    vi.stubEnv('SEGMENTA_SMTP_URL', '')
    vi.stubEnv('SEGMENTA_SMTP_FROM', '')
    smtp.messages.length = 0
    smtp.refuse.clear()
    await t.db.kysely
      .updateTable('marketing_setup')
      .set({ smtp_host: '', smtp_port: 0, smtp_user: '', smtp_password: '', smtp_from: '' })
      .execute()
  })
  afterEach(() => vi.unstubAllEnvs())

  const pointAtTestServer = () =>
    t.admin.patch('/api/setup/marketing', {
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpFrom: 'marketing@cronus.test',
    })

  it("sends the test message through the setup's server and answers the server's reply", async () => {
    await pointAtTestServer()
    const r = await t.admin.post('/api/setup/marketing/test-email', { to: 'admin@cronus.test' })
    expect([r.status, r.body]).toEqual([200, { accepted: ['admin@cronus.test'], response: '250 OK: message queued' }])
    expect(smtp.messages.map((m) => [m.envelopeTo, m.from, m.to, m.subject])).toEqual([
      [['admin@cronus.test'], 'marketing@cronus.test', 'admin@cronus.test', TEST_EMAIL_SUBJECT],
    ])
  })

  it('uses SEGMENTA_SMTP_URL when the setup names no server, and the recipient as sender without a From', async () => {
    vi.stubEnv('SEGMENTA_SMTP_URL', `smtp://127.0.0.1:${smtp.port}`)
    const r = await t.admin.post('/api/setup/marketing/test-email', { to: 'ops@cronus.test' })
    expect([r.status, r.body]).toEqual([200, { accepted: ['ops@cronus.test'], response: '250 OK: message queued' }])
    expect(smtp.messages.map((m) => m.from)).toEqual(['ops@cronus.test'])
  })

  it("answers 422 with the server's refusal", async () => {
    await pointAtTestServer()
    smtp.refuse.add('nobody@cronus.test')
    const r = await t.admin.post('/api/setup/marketing/test-email', { to: 'nobody@cronus.test' })
    expect([r.status, r.body.code]).toEqual([422, 'RULE_VIOLATION'])
    expect(r.body.detail).toBe(
      'The mail server did not accept the test e-mail: 550 Mailbox nobody@cronus.test unavailable',
    )
    expect(smtp.messages).toEqual([])
  })

  it('answers 422 with the connection failure when nothing listens on the port', async () => {
    // A port just closed: the test server's own port after a second server on it stopped.
    const gone = await startMailServer()
    const port = gone.port
    await gone.close()
    await t.admin.patch('/api/setup/marketing', { smtpHost: '127.0.0.1', smtpPort: port })
    const r = await t.admin.post('/api/setup/marketing/test-email', { to: 'admin@cronus.test' })
    expect([r.status, r.body.code]).toEqual([422, 'RULE_VIOLATION'])
    expect(r.body.detail).toBe(`The mail server did not accept the test e-mail: connect ECONNREFUSED 127.0.0.1:${port}`)
  })

  it('answers 422 saying how to set up a server when none is configured', async () => {
    const r = await t.admin.post('/api/setup/marketing/test-email', { to: 'admin@cronus.test' })
    expect([r.status, r.body.code, r.body.detail]).toEqual([422, 'RULE_VIOLATION', NO_SMTP])
  })

  it('is for admins only: a marketer and a viewer get 403 and nothing is sent', async () => {
    await pointAtTestServer()
    for (const c of [t.marketer, t.viewer]) {
      const r = await c.post('/api/setup/marketing/test-email', { to: 'admin@cronus.test' })
      expect([r.status, r.body.code]).toEqual([403, 'FORBIDDEN'])
    }
    expect((await t.anonymous.post('/api/setup/marketing/test-email', { to: 'admin@cronus.test' })).status).toBe(401)
    expect(smtp.messages).toEqual([])
  })

  it('refuses an address that is not an e-mail, a missing one and unknown fields with 400', async () => {
    await pointAtTestServer()
    for (const body of [
      { to: 'not-an-address' },
      {},
      { to: 'a@b.test', cc: 'c@d.test' },
      { to: 'a@b.test\r\nBcc: x@y.test' },
    ]) {
      const r = await t.admin.post('/api/setup/marketing/test-email', body)
      expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED'])
    }
    expect(smtp.messages).toEqual([])
  })

  it('tells every role whether a mail server is configured, from the setup or the environment', async () => {
    const configured = async () =>
      Promise.all(
        [t.admin, t.marketer, t.viewer].map(
          async (c) => (await c.get('/api/setup/marketing')).body.mailServerConfigured,
        ),
      )
    expect(await configured()).toEqual([false, false, false])
    const patched = await pointAtTestServer()
    expect(patched.body.mailServerConfigured).toBe(true)
    expect(await configured()).toEqual([true, true, true])
    await t.admin.patch('/api/setup/marketing', { smtpHost: '' })
    vi.stubEnv('SEGMENTA_SMTP_URL', 'smtp://mail.example.com:587')
    expect(await configured()).toEqual([true, true, true])
  })

  it('tells admins, and only them, whether an SMTP password is set, never the password', async () => {
    const before = await t.admin.get('/api/setup/marketing')
    expect(before.body.smtpPasswordSet).toBe(false)
    const patched = await t.admin.patch('/api/setup/marketing', { smtpPassword: 's3cret' })
    expect([patched.body.smtpPasswordSet, patched.body.smtpPassword]).toEqual([true, undefined])
    const after = await t.admin.get('/api/setup/marketing')
    expect([after.body.smtpPasswordSet, after.body.smtpPassword]).toEqual([true, undefined])
    for (const c of [t.marketer, t.viewer])
      expect((await c.get('/api/setup/marketing')).body).not.toHaveProperty('smtpPasswordSet')
    await t.admin.patch('/api/setup/marketing', { smtpPassword: '' })
    expect((await t.admin.get('/api/setup/marketing')).body.smtpPasswordSet).toBe(false)
  })

  it('does not take mailServerConfigured as a field to change', async () => {
    const r = await t.admin.patch('/api/setup/marketing', { mailServerConfigured: true })
    expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED'])
    expect((await t.viewer.get('/api/setup/marketing')).body.mailServerConfigured).toBe(false)
  })
})
