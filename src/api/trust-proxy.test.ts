import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../audit/audit-log.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { buildApp } from './app.js'
import { SESSION_COOKIE } from './auth-plugin.js'
import { parseTrustProxy } from './trust-proxy.js'

describe('SEGMENTA_TRUST_PROXY', () => {
  it('is off when unset, empty, false or 0', () => {
    for (const v of [undefined, '', '  ', 'false', 'FALSE', '0']) expect(parseTrustProxy(v)).toBe(false)
  })

  it('takes true, a hop count, or a list of addresses, CIDR ranges and range names', () => {
    expect(parseTrustProxy('true')).toBe(true)
    expect(parseTrustProxy(' True ')).toBe(true)
    expect(parseTrustProxy('1')).toBe(1)
    expect(parseTrustProxy('2')).toBe(2)
    expect(parseTrustProxy('10.0.0.1')).toEqual(['10.0.0.1'])
    expect(parseTrustProxy('10.0.0.1, 192.168.0.0/16,::1,fd00::/8,loopback')).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'loopback',
    ])
  })

  it('refuses anything else with a message naming the variable and the bad entries', () => {
    for (const [v, bad] of [
      ['yes', '"yes"'],
      ['10.0.0.300', '"10.0.0.300"'],
      ['10.0.0.0/33', '"10.0.0.0/33"'],
      ['10.0.0.1,', '""'],
      ['proxy.example.com,10.0.0.1', '"proxy.example.com"'],
      ['::1/129', '"::1/129"'],
    ])
      expect(() => parseTrustProxy(v)).toThrow(`SEGMENTA_TRUST_PROXY=${v}: not an IP address or CIDR range: ${bad}.`)
    expect(() => parseTrustProxy('1000')).toThrow('SEGMENTA_TRUST_PROXY=1000: a hop count must be from 0 to 100.')
  })

  it('stops `segmenta serve` at start with that message (exit status 1) before it touches the database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmenta-trust-'))
    try {
      const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'serve', '--port', '0'], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, SEGMENTA_DB: `sqlite:${join(dir, 'x.db')}`, SEGMENTA_TRUST_PROXY: 'proxy.local' },
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(r.status).toBe(1)
      expect(r.stderr).toContain(
        'segmenta: SEGMENTA_TRUST_PROXY=proxy.local: not an IP address or CIDR range: "proxy.local".',
      )
      expect(r.stdout).toBe('')
      expect(readdirSync(dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe.each(dialects)('Client addresses behind a reverse proxy on %s', (dialect) => {
  const PROXY = '10.0.0.2'
  let t: TestApp
  const apps: FastifyInstance[] = []
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(async () => {
    for (const app of apps) await app.close()
    await t.close()
  })
  // Sign-in counts live in the database, shared by every app on it: each test starts with none, as its own
  // deployment would.
  beforeEach(async () => {
    await t.db.kysely.deleteFrom('sign_in_throttle').execute()
  })

  /** An app on the test database with a sign-in limit of 2 a minute per client address. */
  const app = async (trustProxy?: boolean | number | string[]) => {
    const a = await buildApp({ db: t.db, trustProxy, security: { loginAttemptsPerMinute: 2 } })
    apps.push(a)
    return a
  }
  const login = (a: FastifyInstance, username: string, from: string, forwardedFor?: string) =>
    a.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: from,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      payload: { username, password: 'not-the-password' },
    })
  const auditedIps = async (username: string) => {
    const res = await t.admin.get(`/api/audit-log?filter[username]=${username}&sort=id`)
    expect(res.status).toBe(200)
    return (res.body.items as AuditEntry[]).map((e) => [e.status, e.ip])
  }

  it('with it on (a hop count), limits and audits sign-ins by the forwarded address', async () => {
    const a = await app(1)
    expect((await login(a, 'hop-ann', PROXY, '203.0.113.7')).statusCode).toBe(401)
    expect((await login(a, 'hop-ann', PROXY, '203.0.113.7')).statusCode).toBe(401)
    expect((await login(a, 'hop-ann', PROXY, '203.0.113.7')).statusCode).toBe(429)
    // Another client behind the same proxy has its own quota.
    expect((await login(a, 'hop-bob', PROXY, '198.51.100.9')).statusCode).toBe(401)
    expect(await auditedIps('hop-ann')).toEqual([
      [401, '203.0.113.7'],
      [401, '203.0.113.7'],
    ])
    expect(await auditedIps('hop-bob')).toEqual([[401, '198.51.100.9']])
    // One hop: the address the proxy saw (the right-most), not what the client wrote in front of it.
    expect((await login(a, 'hop-cid', PROXY, '192.0.2.1, 198.51.100.20')).statusCode).toBe(401)
    expect(await auditedIps('hop-cid')).toEqual([[401, '198.51.100.20']])
  })

  it('with it on for every proxy (true), takes the left-most forwarded address', async () => {
    const a = await app(true)
    expect((await login(a, 'all-ann', PROXY, '192.0.2.1, 198.51.100.20')).statusCode).toBe(401)
    expect(await auditedIps('all-ann')).toEqual([[401, '192.0.2.1']])
  })

  it('with it off (the default), uses the socket address and ignores X-Forwarded-For, so forging it gains nothing', async () => {
    const a = await app()
    expect((await login(a, 'off-ann', PROXY, '203.0.113.7')).statusCode).toBe(401)
    expect((await login(a, 'off-ann', PROXY, '203.0.113.8')).statusCode).toBe(401)
    expect((await login(a, 'off-bob', PROXY, '198.51.100.9')).statusCode).toBe(429)
    expect(await auditedIps('off-ann')).toEqual([
      [401, PROXY],
      [401, PROXY],
    ])
    expect(await auditedIps('off-bob')).toEqual([])
  })

  it('with a list of proxies, believes X-Forwarded-For only from those', async () => {
    const a = await app(['192.168.0.0/16', PROXY])
    expect((await login(a, 'list-ann', PROXY, '203.0.113.7')).statusCode).toBe(401)
    expect((await login(a, 'list-ann', '10.9.9.9', '203.0.113.7')).statusCode).toBe(401)
    // A chain: the trusted proxies are skipped from the right, the first untrusted address is the client.
    expect((await login(a, 'list-ann', PROXY, '198.51.100.1, 192.168.4.4')).statusCode).toBe(401)
    expect(await auditedIps('list-ann')).toEqual([
      [401, '203.0.113.7'],
      [401, '10.9.9.9'],
      [401, '198.51.100.1'],
    ])
  })

  it('marks the session cookie Secure when a trusted proxy says the request came over HTTPS', async () => {
    const signIn = (a: FastifyInstance) =>
      a.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': '203.0.113.50', 'x-forwarded-proto': 'https' },
        payload: { username: 'viewer', password: 'correct-horse-battery' },
      })
    const on = await signIn(await app(true))
    const off = await signIn(await app())
    expect([on.statusCode, off.statusCode]).toEqual([200, 200])
    expect(on.cookies.find((c) => c.name === SESSION_COOKIE)?.secure).toBe(true)
    expect(off.cookies.find((c) => c.name === SESSION_COOKIE)?.secure).toBeUndefined()
  })
})
