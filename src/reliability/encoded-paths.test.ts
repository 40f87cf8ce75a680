import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../api/app.js'
import type { TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { concreteUrl, createSeededApp, fingerprint } from './reliability-fixtures.js'

interface Operation {
  method: string
  /** The route as the app registered it (`/api/users/:username`). */
  pattern: string
  /** A concrete path to it, with keys that exist in the database. */
  url: string
  public: boolean
}

interface Answer {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

/** The body every write is sent with: the user an attacker would create. */
const EVIL = JSON.stringify({ username: 'evil', role: 'admin', password: 'evil-password-123' })

/** `/api/rest` → the rest, so each spelling only rewrites the API prefix. */
const rest = (url: string) => url.slice('/api'.length)

/** Percent-encodes every letter of a path (escapes it already holds are kept), with hex digits in the given case. */
const encodeLetters = (url: string, upper: boolean) =>
  url.replace(/%[0-9A-Fa-f]{2}|[A-Za-z]/g, (c) => {
    if (c.startsWith('%')) return c
    const hex = c.charCodeAt(0).toString(16)
    return `%${upper ? hex.toUpperCase() : hex.toLowerCase()}`
  })

/** Spellings the router decodes to the route itself: each must meet the route's own credential check. */
const ROUTED: Record<string, (url: string) => string> = {
  '%61pi': (u) => `/%61pi${rest(u)}`,
  'ap%69': (u) => `/ap%69${rest(u)}`,
  '%61p%69': (u) => `/%61p%69${rest(u)}`,
  'every letter, upper-case hex': (u) => encodeLetters(u, true),
  'every letter, lower-case hex': (u) => encodeLetters(u, false),
}

/** Spellings that match no API route (the router decodes once, keeps case and slashes, does not resolve dots). */
const UNROUTED: Record<string, (url: string) => string> = {
  '%2561pi (encoded twice)': (u) => `/%2561pi${rest(u)}`,
  '%2561p%2569': (u) => `/%2561p%2569${rest(u)}`,
  'API (upper case)': (u) => `/API${rest(u)}`,
  'Api (mixed case)': (u) => `/Api${rest(u)}`,
  '%41pi (mixed case, encoded)': (u) => `/%41pi${rest(u)}`,
  '//api': (u) => `/${u}`,
  '/api//': (u) => `/api/${rest(u)}`,
  '/api/./': (u) => `/api/.${rest(u)}`,
  '/api/../api/': (u) => `/api/../api${rest(u)}`,
  '/api/%2e/': (u) => `/api/%2e${rest(u)}`,
  'trailing slash': (u) => `${u}/`,
}

/**
 * Sends a request over a real socket: the path goes out byte for byte (`inject` would resolve `./` and `../`
 * first, as a URL parser does, and so hide what an attacker's client sends).
 */
function send(agent: Agent, port: number, method: string, path: string): Promise<Answer> {
  const body = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? undefined : EVIL
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => {
          text += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const code = (a: Answer) => {
  try {
    return (JSON.parse(a.body) as { code?: string }).code
  } catch {
    return undefined
  }
}

describe.each(dialects)(
  'Every route, however its path is spelled, refuses a caller without credentials on %s',
  (dialect) => {
    let t: TestApp
    /** The same app with the web app's files (as `segmenta serve` runs), so its public file route is there too. */
    let web: FastifyInstance
    let webRoot: string
    let ports: { name: string; port: number }[]
    let agent: Agent
    let operations: Operation[]
    let before: Record<string, string>
    let lastAuditId: number

    beforeAll(async () => {
      t = await createSeededApp(dialect)
      webRoot = mkdtempSync(join(tmpdir(), 'segmenta-web-'))
      mkdirSync(join(webRoot, 'assets'))
      writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Segmenta</title>')
      writeFileSync(join(webRoot, 'assets', 'app-abc123.js'), 'console.log(1)')
      web = await buildApp({ db: t.db, webRoot })
      await t.app.listen({ port: 0, host: '127.0.0.1' })
      await web.listen({ port: 0, host: '127.0.0.1' })
      const portOf = (app: FastifyInstance) => (app.server.address() as { port: number }).port
      ports = [
        { name: 'API only', port: portOf(t.app) },
        { name: 'with the web app', port: portOf(web) },
      ]
      agent = new Agent({ keepAlive: true, maxSockets: 4 })

      // Every operation of the live OpenAPI document, and the routes it hides (the document itself, the docs UI).
      const doc = (await t.admin.get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> }
      const publicRoutes = new Set(
        t.app.routeTable.filter((r) => r.role === 'public').map((r) => `${r.method} ${r.url}`),
      )
      const patterns = new Map<string, string>()
      for (const [path, ops] of Object.entries(doc.paths))
        for (const method of Object.keys(ops))
          patterns.set(`${method.toUpperCase()} ${path}`, path.replace(/\{(\w+)\}/g, ':$1'))
      for (const r of t.app.routeTable)
        if (r.url.startsWith('/api/')) patterns.set(`${r.method} ${r.url}`, r.url.replace('*', 'index.html'))
      operations = []
      const urls = new Map<string, string>()
      for (const [key, pattern] of patterns) {
        const method = key.slice(0, key.indexOf(' '))
        if (!urls.has(pattern)) urls.set(pattern, await concreteUrl(t.admin, pattern))
        operations.push({ method, pattern, url: urls.get(pattern)!, public: publicRoutes.has(key) })
      }
      // OPTIONS (CORS preflights) is no route of the app: it must not slip through either.
      for (const [pattern, url] of urls) operations.push({ method: 'OPTIONS', pattern, url, public: false })
      before = await fingerprint(t.db)
      const last = await t.db.kysely
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst()
      lastAuditId = Number(last?.id ?? 0)
    }, 180_000)
    afterAll(async () => {
      agent.destroy()
      await web.close()
      await t.close()
      rmSync(webRoot, { recursive: true, force: true })
    })

    it('walks every operation of the OpenAPI document, with and without the routes it hides', () => {
      const methods = new Set(operations.map((o) => o.method))
      expect([...methods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST'])
      expect(operations.filter((o) => o.method !== 'HEAD' && o.method !== 'OPTIONS').length).toBeGreaterThanOrEqual(150)
      expect(
        operations
          .filter((o) => o.public)
          .map((o) => `${o.method} ${o.pattern}`)
          .sort(),
      ).toEqual(['GET /api/health', 'HEAD /api/health', 'POST /api/auth/login'])
      expect(operations.map((o) => o.pattern)).toEqual(
        expect.arrayContaining(['/api/users', '/api/tokens', '/api/audit-log', '/api/openapi.json', '/api/docs']),
      )
    })

    it('Given a spelling the router decodes to the route (%61pi, ap%69, every letter encoded), every route that needs credentials answers 401 UNAUTHENTICATED, uncached', async () => {
      const wrong: string[] = []
      for (const { name, port } of ports)
        for (const op of operations)
          for (const [spelling, spell] of Object.entries(ROUTED)) {
            const path = spell(op.url)
            const res = await send(agent, port, op.method, path)
            if (op.public) {
              if (res.status >= 500) wrong.push(`${name}: ${op.method} ${path} (${spelling}) → ${res.status}`)
              continue
            }
            const ok =
              res.status === 401 &&
              res.headers['cache-control'] === 'no-store' &&
              (op.method === 'HEAD' || code(res) === 'UNAUTHENTICATED')
            if (!ok) wrong.push(`${name}: ${op.method} ${path} (${spelling}) → ${res.status} ${res.body.slice(0, 80)}`)
          }
      expect(wrong).toEqual([])
    }, 300_000)

    it('Given a spelling that matches no API route (%2561pi, API, //api, /api/./, /api/../), the answer is 401 or 404 problem+json, never the web page, a 2xx or a 5xx', async () => {
      const wrong: string[] = []
      for (const { name, port } of ports)
        for (const op of operations)
          for (const [spelling, spell] of Object.entries(UNROUTED)) {
            const path = spell(op.url)
            const res = await send(agent, port, op.method, path)
            const ok =
              (res.status === 401 || res.status === 404) &&
              (op.method === 'HEAD' || String(res.headers['content-type']).startsWith('application/problem+json'))
            if (!ok) wrong.push(`${name}: ${op.method} ${path} (${spelling}) → ${res.status} ${res.body.slice(0, 80)}`)
          }
      expect(wrong).toEqual([])
    }, 300_000)

    it('Then nothing changed: no user "evil", no row anywhere; the audit log holds only the refused sign-ins', async () => {
      expect(await t.db.kysely.selectFrom('users').select('username').where('username', '=', 'evil').execute()).toEqual(
        [],
      )
      expect(await fingerprint(t.db)).toEqual(before)
      // Sign-ins are audited by design, refused ones too: one per routed spelling and app, each a 400 (bad body).
      const rows = await t.db.kysely
        .selectFrom('audit_log')
        .select(['username', 'action', 'status'])
        .where('id', '>', lastAuditId)
        .execute()
      expect(rows).toEqual(
        Array.from({ length: Object.keys(ROUTED).length * ports.length }, () => ({
          username: 'evil',
          action: 'auth.login',
          status: 400,
        })),
      )
    })

    it("Given credentials, an encoded path gets its route's role check, no caching, and the NUL check", async () => {
      const me = await t.viewer.raw({ method: 'GET', url: '/%61pi/users/me' })
      expect([me.status, me.body.username, me.headers['cache-control']]).toEqual([200, 'viewer', 'no-store'])
      const write = await t.viewer.raw({ method: 'POST', url: '/%61pi/mailing-groups', payload: { code: 'EVIL' } })
      expect([write.status, write.body.code]).toEqual([403, 'FORBIDDEN'])
      const users = await t.marketer.raw({ method: 'GET', url: '/ap%69/users' })
      expect([users.status, users.body.detail]).toEqual([
        403,
        'The marketer role may not do this; it needs the admin role.',
      ])
      for (const url of ['/%61pi/contacts?filter[name]=a%00b', '/%61p%69/contacts/%00']) {
        const nul = await t.admin.raw({ method: 'GET', url })
        expect([url, nul.status, nul.body.errors]).toEqual([
          url,
          400,
          [{ path: 'url', message: 'must not contain the NUL character' }],
        ])
      }
    })
  },
)
