import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../reliability/reliability-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'

const MAIL_SERVER = {
  smtpHost: 'mail.internal.example',
  smtpPort: 2525,
  smtpSecure: true,
  smtpUser: 'relay-account',
  smtpFrom: 'marketing@example.com',
}

describe.each(dialects)('Who reads the mail server settings of the marketing setup on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    const set = await t.admin.patch('/api/setup/marketing', { ...MAIL_SERVER, smtpPassword: 'relay-secret-1' })
    expect(set.status).toBe(200)
  })
  afterAll(() => t.close())

  it('Given a viewer or a marketer, GET /api/setup/marketing answers the setup without any smtp field', async () => {
    const admin = (await t.admin.get('/api/setup/marketing')).body
    const { smtpHost, smtpPort, smtpSecure, smtpUser, smtpFrom, smtpPasswordSet, ...rest } = admin
    expect({ smtpHost, smtpPort, smtpSecure, smtpUser, smtpFrom }).toEqual(MAIL_SERVER)
    // Whether a password is set is also the admins' to know; whether mail can go out is everyone's.
    expect([smtpPasswordSet, rest.mailServerConfigured]).toEqual([true, true])
    for (const client of [t.viewer, t.marketer]) {
      const res = await client.get('/api/setup/marketing')
      expect(res.status).toBe(200)
      expect(res.body).toEqual(rest)
      expect(JSON.stringify(res.body)).not.toMatch(/smtp|relay|mail\.internal/)
    }
  })

  it('Given an admin, the answer holds the mail server settings, and never the password', async () => {
    const res = await t.admin.get('/api/setup/marketing')
    expect(res.body).toMatchObject(MAIL_SERVER)
    expect(res.body).not.toHaveProperty('smtpPassword')
    expect(JSON.stringify(res.body)).not.toContain('relay-secret-1')
  })

  it('Given a viewer or a marketer changing the mail server, 403 and nothing changes', async () => {
    const before = await fingerprint(t.db)
    for (const client of [t.viewer, t.marketer]) {
      const res = await client.patch('/api/setup/marketing', { smtpHost: 'evil.example' })
      expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN'])
    }
    expect(await fingerprint(t.db)).toEqual(before)
  })
})
