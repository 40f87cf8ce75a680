import { createHash } from 'node:crypto'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { sql } from 'kysely'
import type { RouteInfo } from '../api/app.js'
import { createToken } from '../auth/credentials.js'
import type { Db } from '../db/connection.js'
import { inTransaction } from '../db/transaction.js'
import { loadDemo } from '../demo/load.js'
import { addUser } from '../setup/users.js'
import { type Client, createTestApp, type Response, type TestApp } from '../test-support/app.js'

/** The methods that change data. */
export const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * A test app holding the demo company, one open segment with lines (the demo's open segments are empty) and a
 * saved criteria, so every route has a record to act on.
 */
export async function createSeededApp(dialect: Db['dialect']): Promise<TestApp> {
  const t = await createTestApp(dialect)
  try {
    await inTransaction(t.db.kysely, (trx) => loadDemo(trx, { today: '2026-03-15' }))
    const add = await t.marketer.post('/api/segments/SM00005/add-contacts', {
      filters: { contact: { type: 'Person' } },
    })
    if (add.status !== 200) throw new Error(`seeding lines: ${add.status} ${JSON.stringify(add.body)}`)
    const save = await t.marketer.post('/api/segments/SM00005/save-criteria', { code: 'PERSONS', description: 'P' })
    if (save.status !== 201) throw new Error(`seeding saved criteria: ${save.status} ${JSON.stringify(save.body)}`)
  } catch (e) {
    await t.close()
    throw e
  }
  return t
}

/** The write routes under /api, from the app's own route table (new routes are covered without a list here). */
export function writeRoutes(t: TestApp): RouteInfo[] {
  return t.app.routeTable.filter((r) => WRITE_METHODS.has(r.method) && r.url.startsWith('/api/'))
}

const listItems = (body: unknown): Record<string, unknown>[] => {
  if (Array.isArray(body)) return body
  if (body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items))
    return (body as { items: Record<string, unknown>[] }).items
  return []
}

/** The field of a list item that holds the key a path parameter names (`code` → `mailingGroupCode`). */
function keyOf(item: Record<string, unknown>, param: string): unknown {
  if (param in item) return item[param]
  const suffix = param[0].toUpperCase() + param.slice(1)
  const field = Object.keys(item).find((k) => k.endsWith(suffix))
  return field ? item[field] : undefined
}

/**
 * A concrete URL for a route pattern, with every `:param` filled by a key that exists in the database: each
 * prefix up to a parameter is listed (as admin) and the first item under which the rest of the path resolves is taken.
 * A parameter no list can fill keeps a key that does not exist (the route then answers 404, still a 4xx).
 */
export async function concreteUrl(admin: Client, pattern: string): Promise<string> {
  const parts = pattern.split('/')
  const resolve = async (i: number, prefix: string): Promise<string | undefined> => {
    if (i === parts.length) return prefix
    const part = parts[i]
    if (!part.startsWith(':')) return resolve(i + 1, `${prefix}${i ? '/' : ''}${part}`)
    // Consecutive parameters (`/:questionnaireCode/:lineNo`) are keys of one item of the same list.
    let end = i
    while (end < parts.length && parts[end].startsWith(':')) end++
    const params = parts.slice(i, end).map((p) => p.slice(1))
    const list = await admin.get(`${prefix}?limit=20`)
    for (const item of listItems(list.body)) {
      const values = params.map((p) => keyOf(item, p))
      if (values.some((v) => v === undefined || v === '')) continue
      const url = await resolve(end, `${prefix}/${values.map((v) => encodeURIComponent(String(v))).join('/')}`)
      if (url) return url
    }
    return undefined
  }
  const found = await resolve(0, '')
  return found ?? pattern.replace(/:[A-Za-z]+/g, 'NOPE')
}

/**
 * A fingerprint of every table: row count and a digest of its rows (in a canonical order). Two equal
 * fingerprints mean the data is the same. `skip` leaves out tables or `table.column`s that change by design
 * (the audit log, a token's last use).
 */
export async function fingerprint(
  db: Db,
  skip: readonly string[] = ['audit_log', 'api_tokens.last_used_at', 'sessions', 'sign_in_throttle'],
): Promise<Record<string, string>> {
  const tables =
    db.dialect === 'sqlite'
      ? (
          await sql<{ name: string }>`select name from sqlite_master where type = 'table'
            and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db.kysely)
        ).rows.map((r) => r.name)
      : (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
            order by table_name`.execute(db.kysely)
        ).rows.map((r) => r.name)
  const out: Record<string, string> = {}
  for (const table of tables) {
    if (skip.includes(table)) continue
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db.kysely)).rows
    const lines = rows
      .map((row) => {
        for (const k of Object.keys(row)) if (skip.includes(`${table}.${k}`)) delete row[k]
        return JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v))
      })
      .sort()
    out[table] = `${rows.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`
  }
  return out
}

/** Whether an answer is an RFC 9457 problem with our shape. */
export function isProblem(res: { status: number; body: unknown; headers: Record<string, unknown> }): boolean {
  const b = res.body as Record<string, unknown> | undefined
  return (
    String(res.headers['content-type'] ?? '').startsWith('application/problem+json') &&
    !!b &&
    b.status === res.status &&
    typeof b.code === 'string' &&
    typeof b.title === 'string' &&
    typeof b.detail === 'string'
  )
}

/** A client of `app` that sends raw payloads (strings, buffers) with the given bearer token or cookie. */
export function rawClient(app: FastifyInstance, auth: { token?: string; cookie?: string } = {}) {
  return async (opts: InjectOptions): Promise<Response> => {
    const headers: Record<string, string> = {}
    if (auth.token) headers.authorization = `Bearer ${auth.token}`
    if (auth.cookie) headers.cookie = `segmenta_session=${auth.cookie}`
    const res = await app.inject({ ...opts, headers: { ...headers, ...(opts.headers as Record<string, string>) } })
    let body: unknown = res.body
    try {
      body = res.body ? JSON.parse(res.body) : undefined
    } catch {}
    return { status: res.statusCode, body, headers: res.headers }
  }
}

/** Adds an admin that no route's first key names (`zz-…` sorts last), so fuzzing users cannot lock it out. */
export async function addFuzzAdmin(t: TestApp): Promise<string> {
  await inTransaction(t.db.kysely, (trx) =>
    addUser(trx, { username: 'zz-fuzzer', role: 'admin', password: 'fuzzer-password-1' }),
  )
  return (await createToken(t.db.kysely, 'zz-fuzzer')).token
}
