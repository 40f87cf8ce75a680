import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildApp } from '../api/app.js'
import { createToken } from '../auth/credentials.js'
import type { Dialect } from '../db/connection.js'
import { inTransaction } from '../db/transaction.js'
import { addUser } from '../setup/users.js'
import { createTestDb, type TestDb } from './databases.js'

export interface Response<T = any> {
  status: number
  body: T
  headers: Record<string, unknown>
}

export interface Client {
  get<T = any>(url: string): Promise<Response<T>>
  post<T = any>(url: string, body?: unknown): Promise<Response<T>>
  patch<T = any>(url: string, body?: unknown): Promise<Response<T>>
  del<T = any>(url: string): Promise<Response<T>>
  raw(opts: InjectOptions): Promise<Response>
}

export interface TestApp {
  app: FastifyInstance
  db: TestDb
  /** Clients signed in with a bearer token of each role. */
  admin: Client
  marketer: Client
  viewer: Client
  anonymous: Client
  close(): Promise<void>
}

function client(app: FastifyInstance, token?: string): Client {
  const call = async (method: InjectOptions['method'], url: string, body?: unknown): Promise<Response> => {
    const res = await app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    })
    let parsed: unknown = res.body
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined
    } catch {}
    return { status: res.statusCode, body: parsed, headers: res.headers }
  }
  return {
    get: (u) => call('GET', u),
    post: (u, b) => call('POST', u, b ?? {}),
    patch: (u, b) => call('PATCH', u, b ?? {}),
    del: (u) => call('DELETE', u),
    raw: async (opts) => {
      const res = await app.inject({
        ...opts,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers },
      })
      let parsed: unknown = res.body
      try {
        parsed = res.body ? JSON.parse(res.body) : undefined
      } catch {}
      return { status: res.statusCode, body: parsed, headers: res.headers }
    },
  }
}

/** A built app on a fresh database of the dialect, with one user and token per role. */
export async function createTestApp(dialect: Dialect): Promise<TestApp> {
  const db = await createTestDb(dialect)
  const tokens: Record<string, string> = {}
  for (const role of ['admin', 'marketer', 'viewer']) {
    await inTransaction(db.kysely, (trx) => addUser(trx, { username: role, role, password: 'correct-horse-battery' }))
    tokens[role] = (await createToken(db.kysely, role)).token
  }
  const app = await buildApp({ db })
  return {
    app,
    db,
    admin: client(app, tokens.admin),
    marketer: client(app, tokens.marketer),
    viewer: client(app, tokens.viewer),
    anonymous: client(app),
    async close() {
      await app.close()
      await db.drop()
    },
  }
}
