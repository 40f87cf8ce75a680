import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../api/app.js'
import { SESSION_COOKIE, THROTTLED, WRONG } from '../api/auth-plugin.js'
import { cliUsername } from '../audit/cli-audit.js'
import { runCli, urlOf } from '../reliability/server-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { backOffMs, NAME_BACK_OFF, PAIR_BACK_OFF } from './sign-in-throttle.js'

const PASSWORD = 'correct-horse-battery'
const T0 = new Date('2026-03-02T09:00:00.000Z').getTime()

describe('the back-off schedule', () => {
  it('lets the first attempts through, then doubles the wait from one second up to its cap', () => {
    expect(Array.from({ length: 17 }, (_, i) => backOffMs(PAIR_BACK_OFF, i + 1) / 1000)).toEqual([
      0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900,
    ])
    expect(Array.from({ length: 17 }, (_, i) => backOffMs(NAME_BACK_OFF, i + 1) / 1000)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60,
    ])
  })
})

describe.each(dialects)('Sign-in throttling on %s', (dialect) => {
  let t: TestApp
  /** Two servers on one database: the throttle must count for both. */
  let one: FastifyInstance
  let two: FastifyInstance

  beforeAll(async () => {
    t = await createTestApp(dialect)
    one = await buildApp({ db: t.db, security: { loginAttemptsPerMinute: 1000 } })
    two = await buildApp({ db: t.db, security: { loginAttemptsPerMinute: 1000 } })
  })
  afterAll(async () => {
    await one.close()
    await two.close()
    await t.close()
  })
  // Only Date is faked: time stands still within a test (no sleeping, no race with the clock) and moves when told.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(T0)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const login = (username: string, password: string, from = '198.51.100.1', app = one) =>
    app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: from, payload: { username, password } })
  const answer = (res: LightMyRequestResponse) => [res.statusCode, res.json().code, res.json().detail]
  const addUser = async (username: string) =>
    expect((await t.admin.post('/api/users', { username, role: 'viewer', password: PASSWORD })).status).toBe(201)
  const rows = (username: string) =>
    t.db.kysely
      .selectFrom('sign_in_throttle')
      .select(['scope', 'address', 'attempts'])
      .where('username', '=', username)
      .orderBy('scope')
      .orderBy('address')
      .execute()
      .then((rs) => rs.map((r) => [r.scope, r.address, Number(r.attempts)]))
  const sessionsOf = async (username: string) =>
    Number(
      (
        await t.db.kysely
          .selectFrom('sessions')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('username', '=', username)
          .executeTakeFirstOrThrow()
      ).n,
    )
  const wrong = (username: string, n: number, from?: string, app?: FastifyInstance) =>
    Promise.all(Array.from({ length: n }, (_, i) => login(username, `guess-${i}-password`, from, app)))

  it('Given 20 wrong passwords sent at once, exactly the 5 free attempts are judged (401), the other 15 refused (429), and the right one after them is refused', async () => {
    await addUser('paula')
    const answers = await wrong('paula', 20)
    const statuses = answers.map((a) => a.statusCode).sort()
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)])
    const right = await login('paula', PASSWORD)
    expect([...answer(right), right.headers['retry-after']]).toEqual([429, 'TOO_MANY_REQUESTS', THROTTLED, '1'])
    expect(right.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined()
    expect(await sessionsOf('paula')).toBe(0)
    expect(await rows('paula')).toEqual([
      ['name', '', 5],
      ['pair', '198.51.100.1', 5],
    ])
  })

  it('answers an unknown name exactly as an existing one: wrong, then throttled, with the same status, body and wait', async () => {
    await addUser('quinn')
    const known = await wrong('quinn', 5, '198.51.100.2')
    const unknown = await wrong('no-such-user', 5, '198.51.100.2')
    expect(known.map(answer)).toEqual(unknown.map(answer))
    expect(answer(known[0])).toEqual([401, 'UNAUTHENTICATED', WRONG])
    const throttledKnown = await login('quinn', PASSWORD, '198.51.100.2')
    const throttledUnknown = await login('no-such-user', PASSWORD, '198.51.100.2')
    expect([answer(throttledKnown), throttledKnown.headers['retry-after']]).toEqual([
      answer(throttledUnknown),
      throttledUnknown.headers['retry-after'],
    ])
    expect(answer(throttledKnown)).toEqual([429, 'TOO_MANY_REQUESTS', THROTTLED])
    expect(throttledKnown.body).toBe(throttledUnknown.body)
    expect(await rows('no-such-user')).toEqual(await rows('quinn'))
  })

  it('Given a name throttled from one address, the user still signs in from another', async () => {
    await addUser('rosa')
    await wrong('rosa', 5, '203.0.113.10')
    expect(answer(await login('rosa', PASSWORD, '203.0.113.10'))[0]).toBe(429)
    const elsewhere = await login('rosa', PASSWORD, '203.0.113.11')
    expect([elsewhere.statusCode, elsewhere.json().username]).toEqual([200, 'rosa'])
    // The success resets only its own pair.
    expect(await rows('rosa')).toEqual([
      ['name', '', 6],
      ['pair', '203.0.113.10', 5],
      ['pair', '203.0.113.11', 0],
    ])
  })

  it('Given a throttled pair, the wait ends after its back-off, and each further failure doubles it', async () => {
    await addUser('sami')
    await wrong('sami', 5)
    expect((await login('sami', PASSWORD)).headers['retry-after']).toBe('1')
    vi.setSystemTime(T0 + 1000)
    expect(answer(await login('sami', 'still-wrong-password'))).toEqual([401, 'UNAUTHENTICATED', WRONG])
    const waiting = await login('sami', PASSWORD)
    expect([waiting.statusCode, waiting.headers['retry-after']]).toEqual([429, '2'])
    vi.setSystemTime(T0 + 3000)
    expect((await login('sami', PASSWORD)).statusCode).toBe(200)
    expect(await rows('sami')).toEqual([
      ['name', '', 7],
      ['pair', '198.51.100.1', 0],
    ])
  })

  it('Given guesses at a name from many addresses, a new address waits for the name, but one the user signed in from does not', async () => {
    await addUser('tara')
    expect((await login('tara', PASSWORD, '192.0.2.200')).statusCode).toBe(200)
    for (let i = 0; i < 9; i++) expect((await login('tara', 'a-guess-password', `192.0.2.${i}`)).statusCode).toBe(401)
    const fresh = await login('tara', PASSWORD, '192.0.2.100')
    expect([...answer(fresh), fresh.headers['retry-after']]).toEqual([429, 'TOO_MANY_REQUESTS', THROTTLED, '1'])
    expect((await login('tara', PASSWORD, '192.0.2.200')).statusCode).toBe(200)
    // The name's wait is capped at a minute, so nobody keeps it shut for long without spending attempts.
    vi.setSystemTime(T0 + 1000)
    expect((await login('tara', PASSWORD, '192.0.2.100')).statusCode).toBe(200)
  })

  it('counts for every server on the database: attempts on one server throttle the name on the other', async () => {
    await addUser('uma')
    await wrong('uma', 3, '198.51.100.3', one)
    await wrong('uma', 2, '198.51.100.3', two)
    expect(answer(await login('uma', PASSWORD, '198.51.100.3', two))).toEqual([429, 'TOO_MANY_REQUESTS', THROTTLED])
    expect(answer(await login('uma', PASSWORD, '198.51.100.3', one))).toEqual([429, 'TOO_MANY_REQUESTS', THROTTLED])
  })

  it('keeps the per-address budget in the database too: the servers share one quota a minute', async () => {
    const a = await buildApp({ db: t.db, security: { loginAttemptsPerMinute: 3 } })
    const b = await buildApp({ db: t.db, security: { loginAttemptsPerMinute: 3 } })
    try {
      const from = '198.51.100.4'
      expect((await login('spray-1', 'a-guess-password', from, a)).statusCode).toBe(401)
      expect((await login('spray-2', 'a-guess-password', from, b)).statusCode).toBe(401)
      expect((await login('spray-3', 'a-guess-password', from, a)).statusCode).toBe(401)
      const over = await login('spray-4', 'a-guess-password', from, b)
      expect([...answer(over), over.headers['retry-after']]).toEqual([
        429,
        'TOO_MANY_REQUESTS',
        'Too many sign-ins from this address. Try again in 60 s.',
        '60',
      ])
      // The refused attempt counted for no name.
      expect(await rows('spray-4')).toEqual([])
      vi.setSystemTime(T0 + 60_000)
      expect((await login('spray-4', 'a-guess-password', from, b)).statusCode).toBe(401)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('Given guesses at made-up names that never sign in, a day later the next attempt from anywhere forgets their rows', async () => {
    await wrong('nobody-one', 3, '198.51.100.40')
    await wrong('nobody-two', 2, '198.51.100.41')
    expect([await rows('nobody-one'), await rows('nobody-two')]).toEqual([
      [
        ['name', '', 3],
        ['pair', '198.51.100.40', 3],
      ],
      [
        ['name', '', 2],
        ['pair', '198.51.100.41', 2],
      ],
    ])
    vi.setSystemTime(T0 + 24 * 3600_000 + 1)
    expect((await login('someone-else', 'a-guess-password', '198.51.100.42')).statusCode).toBe(401)
    expect([await rows('nobody-one'), await rows('nobody-two')]).toEqual([[], []])
  })

  it('Given a throttled user, `segmenta user unlock` clears every address of the name, prints it and exits 0', async () => {
    await addUser('vera')
    await wrong('vera', 5, '198.51.100.5')
    await wrong('vera', 5, '198.51.100.6')
    const url = await urlOf(t.db)
    const r = await runCli(['--db', url, 'user', 'unlock', 'vera'])
    expect([r.status, r.stdout, r.stderr]).toEqual([
      0,
      'Sign-in throttle of vera cleared: the name and 2 addresses.\n',
      '',
    ])
    expect(await rows('vera')).toEqual([
      ['name', '', 0],
      ['pair', '198.51.100.5', 0],
      ['pair', '198.51.100.6', 0],
    ])
    expect((await login('vera', PASSWORD, '198.51.100.5')).statusCode).toBe(200)
    // The sign-in counted for the name; its own address was reset by the success.
    const again = await runCli(['--db', url, 'user', 'unlock', 'vera'])
    expect([again.status, again.stdout]).toEqual([0, 'Sign-in throttle of vera cleared: the name.\n'])
    const third = await runCli(['--db', url, 'user', 'unlock', 'vera'])
    expect([third.status, third.stdout]).toEqual([0, 'vera was not throttled; nothing to clear.\n'])
    // Each unlock is a CLI action in the audit log, with what it cleared.
    const audited = await t.db.kysely
      .selectFrom('audit_log')
      .select(['username', 'action', 'method', 'path', 'status', 'target'])
      .where('action', '=', 'users.unlock')
      .orderBy('id')
      .execute()
    const row = {
      username: cliUsername(),
      action: 'users.unlock',
      method: 'CLI',
      path: 'segmenta user unlock vera',
      target: 'vera',
    }
    expect(audited.map((a) => ({ ...a, status: Number(a.status) }))).toEqual([
      { ...row, status: 200 },
      { ...row, status: 200 },
      { ...row, status: 200 },
    ])
  }, 60_000)

  it('Given a throttled user, an admin clears the throttle through the API; a marketer may not, and an unknown user is 404', async () => {
    await addUser('wanda')
    await wrong('wanda', 5, '198.51.100.8')
    const before = await rows('wanda')
    expect((await t.marketer.post('/api/users/wanda/unlock')).status).toBe(403)
    const unknown = await t.admin.post('/api/users/nobody-here/unlock')
    expect([unknown.status, unknown.body.detail]).toEqual([
      404,
      "The User does not exist. Identification fields and values: User Name='nobody-here'",
    ])
    expect(await rows('wanda')).toEqual(before)
    const r = await t.admin.post('/api/users/wanda/unlock')
    expect([r.status, r.body]).toEqual([200, { username: 'wanda', name: true, addresses: 1 }])
    expect((await login('wanda', PASSWORD, '198.51.100.8')).statusCode).toBe(200)
  })

  it('Given an unknown user, `segmenta user unlock` exits 1 with one line and changes nothing', async () => {
    await wrong('ghost', 5, '198.51.100.7')
    const before = await rows('ghost')
    const r = await runCli(['--db', await urlOf(t.db), 'user', 'unlock', 'ghost'])
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', "segmenta: there is no user 'ghost'\n"])
    expect(await rows('ghost')).toEqual(before)
  }, 60_000)
})
