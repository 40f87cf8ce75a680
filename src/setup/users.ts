import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { who } from '../api/auth-plugin.js'
import { registerCrud } from '../api/crud.js'
import { code, option, text, timestamp } from '../api/fields.js'
import { createToken, ROLES } from '../auth/credentials.js'
import { hashPassword, passwordProblem } from '../auth/passwords.js'
import type { Dialect } from '../db/connection.js'
import type { Tx } from '../db/transaction.js'
import { inTransaction } from '../db/transaction.js'
import { notFound, ruleViolation, validationFailed } from '../errors.js'

const USERNAME = /^[A-Za-z0-9._@-]{1,50}$/

export interface NewUser {
  username: string
  role: string
  password: string
  fullName?: string
  salespersonCode?: string
}

/** Creates a user (CLI and API share this): checked name, role, salesperson; scrypt-hashed password. */
export async function addUser(trx: Tx, u: NewUser): Promise<void> {
  if (!USERNAME.test(u.username))
    throw validationFailed([{ path: 'username', message: 'use 1–50 letters, digits, . _ @ or -' }])
  if (!ROLES.includes(u.role as never))
    throw validationFailed([{ path: 'role', message: `must be one of ${ROLES.join(', ')}` }])
  const problem = passwordProblem(u.password)
  if (problem) throw validationFailed([{ path: 'password', message: problem }])
  await checkSalesperson(trx, u.salespersonCode)
  const exists = await trx.selectFrom('users').select('username').where('username', '=', u.username).executeTakeFirst()
  if (exists)
    throw ruleViolation(`The User already exists. Identification fields and values: User Name='${u.username}'`)
  await trx
    .insertInto('users')
    .values({
      username: u.username,
      role: u.role,
      full_name: u.fullName ?? '',
      salesperson_code: (u.salespersonCode ?? '').toUpperCase(),
      password_hash: await hashPassword(u.password),
    })
    .execute()
}

/** The hash of a new password, after the password rules (a 400 naming `password` when it breaks one). */
async function newPasswordHash(password: string): Promise<string> {
  const problem = passwordProblem(password)
  if (problem) throw validationFailed([{ path: 'password', message: problem }])
  return hashPassword(password)
}

/** A new password ends every open session of the user. */
async function endSessions(trx: Tx, username: string): Promise<void> {
  await trx.deleteFrom('sessions').where('username', '=', username).execute()
}

/** `segmenta user passwd`: the same password rules as a new user's; every open session of the user ends. */
export async function setUserPassword(trx: Tx, username: string, password: string): Promise<void> {
  const done = await trx
    .updateTable('users')
    .set({ password_hash: await newPasswordHash(password) })
    .where('username', '=', username)
    .executeTakeFirst()
  if (Number(done.numUpdatedRows) === 0) throw notFound('User', { 'User Name': username })
  await endSessions(trx, username)
}

async function checkSalesperson(trx: Tx, sp: unknown): Promise<void> {
  if (typeof sp !== 'string' || !sp) return
  const found = await trx
    .selectFrom('salespeople')
    .select('code')
    .where('code', '=', sp.toUpperCase())
    .executeTakeFirst()
  if (!found)
    throw ruleViolation(
      `The Salesperson/Purchaser does not exist. Identification fields and values: Code='${sp.toUpperCase()}'`,
    )
}

/**
 * Refuses to leave the system without an admin: demoting or deleting the last one would leave nobody to manage
 * users, tokens and the setup. Locks the admins' rows on PostgreSQL, so that two admins demoting each other at
 * once cannot both see the other one still there; SQLite's write transaction (`BEGIN IMMEDIATE`) already runs
 * them one after the other.
 */
export async function keepAnAdmin(trx: Tx, dialect: Dialect, username: string, change: 'demote' | 'delete') {
  let q = trx.selectFrom('users').select('username').where('role', '=', 'admin')
  if (dialect === 'postgres') q = q.forUpdate()
  const admins = await q.execute()
  if (admins.some((a) => a.username !== username)) return
  const what = change === 'demote' ? 'change the role of' : 'delete'
  throw ruleViolation(
    `You cannot ${what} User ${username}: it is the last admin, and without one nobody could manage users, tokens or the setup. Make another user an admin first.`,
  )
}

export function registerUserRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get(
    '/api/users/me',
    { config: { role: 'viewer' }, schema: { tags: ['auth'], summary: 'The signed-in user' } },
    async (req) => {
      const p = who(req)
      return { username: p.username, fullName: p.fullName, role: p.role, salespersonCode: p.salespersonCode }
    },
  )

  registerCrud(app, {
    path: '/api/users',
    table: 'users',
    title: 'User',
    keyCaptions: { username: 'User Name' },
    tag: 'auth',
    roles: { read: 'admin', write: 'admin' },
    fields: [
      text('username', 'username', 50),
      text('fullName', 'full_name', 80),
      option('role', 'role', ROLES, { required: true }),
      code('salespersonCode', 'salesperson_code'),
      text('password', 'password', 200, { writeOnly: true, noFilter: true }),
      timestamp('createdAt', 'created_at'),
    ],
    key: ['username'],
    beforeCreate: async (trx, row) => {
      const username = String(row.username ?? '')
      if (!USERNAME.test(username))
        throw validationFailed([{ path: 'username', message: 'use 1–50 letters, digits, . _ @ or -' }])
      const problem = passwordProblem(String(row.password ?? ''))
      if (problem) throw validationFailed([{ path: 'password', message: problem }])
      await checkSalesperson(trx, row.salesperson_code)
      row.password_hash = await hashPassword(String(row.password))
      delete row.password
    },
    beforeUpdate: async (trx, row, existing) => {
      await checkSalesperson(trx, row.salesperson_code)
      if (existing.role === 'admin' && row.role !== undefined && row.role !== 'admin')
        await keepAnAdmin(trx, app.db.dialect, String(existing.username), 'demote')
      if ('password' in row) {
        row.password_hash = await newPasswordHash(String(row.password ?? ''))
        delete row.password
        await endSessions(trx, String(existing.username))
      }
    },
    beforeDelete: async (trx, existing) => {
      if (existing.role === 'admin') await keepAnAdmin(trx, app.db.dialect, String(existing.username), 'delete')
    },
  })

  r.get(
    '/api/tokens',
    { config: { role: 'admin' }, schema: { tags: ['auth'], summary: 'API tokens (never the secrets)' } },
    async () => {
      const rows = await app.db.kysely
        .selectFrom('api_tokens')
        .select(['id', 'username', 'description', 'created_at', 'last_used_at'])
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      const items = rows.map((t) => ({
        id: t.id,
        username: t.username,
        description: t.description,
        createdAt: t.created_at,
        lastUsedAt: t.last_used_at,
      }))
      return { items, total: items.length, limit: items.length, offset: 0 }
    },
  )
  r.post(
    '/api/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; the secret is shown once',
        body: z.strictObject({ username: z.string().max(50).optional(), description: z.string().max(100).optional() }),
      },
    },
    async (req, reply) => {
      const username = req.body.username ?? who(req).username
      const t = await inTransaction(app.db.kysely, async (trx) => {
        const u = await trx.selectFrom('users').select('username').where('username', '=', username).executeTakeFirst()
        if (!u) throw notFound('User', { 'User Name': username })
        return createToken(trx, username, req.body.description ?? '')
      })
      return reply.status(201).send({ id: t.id, token: t.token, username })
    },
  )
  r.delete(
    '/api/tokens/:id',
    {
      config: { role: 'admin' },
      schema: { tags: ['auth'], summary: 'Revoke a token', params: z.object({ id: z.string().max(50) }) },
    },
    async (req, reply) => {
      const res = await app.db.kysely.deleteFrom('api_tokens').where('id', '=', req.params.id).executeTakeFirst()
      if (!Number(res.numDeletedRows)) throw notFound('API Token', { Id: req.params.id })
      return reply.status(204).send()
    },
  )
}
