import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../auth/credentials.js'
import { inTransaction } from '../db/transaction.js'
import { fingerprint } from '../reliability/reliability-fixtures.js'
import { createTestApp, type TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { keepAnAdmin } from './users.js'

const PASSWORD = 'correct-horse-battery'

describe.each(dialects)('The last admin stays an admin on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  const admins = async () =>
    (
      await t.db.kysely.selectFrom('users').select('username').where('role', '=', 'admin').orderBy('username').execute()
    ).map((u) => u.username)
  const asUser = async (username: string) => {
    const { token } = await createToken(t.db.kysely, username)
    return (method: 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } })
  }

  it('Given one admin, when the admin demotes themself to viewer, then 422 RULE_VIOLATION and nothing changes', async () => {
    const before = await fingerprint(t.db)
    for (const role of ['viewer', 'marketer']) {
      const res = await t.admin.patch('/api/users/admin', { role, fullName: 'Still Admin' })
      expect([res.status, res.body.code, res.body.detail]).toEqual([
        422,
        'RULE_VIOLATION',
        'You cannot change the role of User admin: it is the last admin, and without one nobody could manage users, tokens or the setup. Make another user an admin first.',
      ])
    }
    expect(await fingerprint(t.db)).toEqual(before)
    expect(await admins()).toEqual(['admin'])
  })

  it('Given one admin, when the admin deletes themself, then 422 RULE_VIOLATION and the admin, sessions and tokens stay', async () => {
    const before = await fingerprint(t.db)
    const res = await t.admin.del('/api/users/admin')
    expect([res.status, res.body.code, res.body.detail]).toEqual([
      422,
      'RULE_VIOLATION',
      'You cannot delete User admin: it is the last admin, and without one nobody could manage users, tokens or the setup. Make another user an admin first.',
    ])
    expect(await fingerprint(t.db)).toEqual(before)
    expect((await t.admin.get('/api/users/me')).status).toBe(200)
  })

  it('Given one admin, changing their other fields, or keeping the role admin, still works', async () => {
    const res = await t.admin.patch('/api/users/admin', { role: 'admin', fullName: 'Ada Admin' })
    expect([res.status, res.body.role, res.body.fullName]).toEqual([200, 'admin', 'Ada Admin'])
  })

  it('Given two admins, one may be demoted and the other deleted… until one is left', async () => {
    expect((await t.admin.post('/api/users', { username: 'second', role: 'admin', password: PASSWORD })).status).toBe(
      201,
    )
    expect((await t.admin.post('/api/users', { username: 'third', role: 'admin', password: PASSWORD })).status).toBe(
      201,
    )
    const second = await asUser('second')
    // An admin may give up the role while another admin remains.
    expect((await second('PATCH', '/api/users/second', { role: 'viewer' })).statusCode).toBe(200)
    expect((await t.admin.del('/api/users/third')).status).toBe(204)
    expect(await admins()).toEqual(['admin'])
    const last = await t.admin.patch('/api/users/admin', { role: 'viewer' })
    expect([last.status, last.body.code]).toEqual([422, 'RULE_VIOLATION'])
    expect(await admins()).toEqual(['admin'])
  })

  it('Given two admins demoting each other at the same moment, exactly one succeeds and one admin is left', async () => {
    await t.admin.post('/api/users', { username: 'rival', role: 'admin', password: PASSWORD })
    expect(await admins()).toEqual(['admin', 'rival'])
    // On PostgreSQL both transactions hold their connection and meet before either checks, so that both checks
    // really run at once; SQLite runs one write transaction at a time, so there they must not wait for each other.
    let arrived = 0
    let release!: () => void
    const bothIn = new Promise<void>((resolve) => {
      release = resolve
    })
    const demote = (username: string) =>
      inTransaction(t.db.kysely, async (trx) => {
        if (dialect === 'postgres') {
          await sql`select 1`.execute(trx)
          if (++arrived === 2) release()
          await bothIn
        }
        await keepAnAdmin(trx, dialect, username, 'demote')
        await trx.updateTable('users').set({ role: 'viewer' }).where('username', '=', username).execute()
      })
    const outcomes = await Promise.allSettled([demote('admin'), demote('rival')])
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason.code).toBe('RULE_VIOLATION')
    expect(await admins()).toHaveLength(1)
  })
})
