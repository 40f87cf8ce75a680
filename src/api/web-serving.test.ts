import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../auth/credentials.js'
import { addUser } from '../setup/users.js'
import { createTestDb, type TestDb } from '../test-support/databases.js'
import { buildApp } from './app.js'

describe('serving the web app', () => {
  let dir: string
  let db: TestDb
  let app: FastifyInstance
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Segmenta</title>')
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)')
    db = await createTestDb('sqlite')
    app = await buildApp({ db, webRoot: dir })
  })
  afterAll(async () => {
    await app.close()
    await db.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers page paths with index.html so the browser can route', async () => {
    for (const url of ['/', '/segments/SM00001', '/contacts?filter=x']) {
      const r = await app.inject({ url })
      expect([url, r.statusCode, r.body]).toEqual([url, 200, '<!doctype html><title>Segmenta</title>'])
    }
  })

  it('serves hashed assets as immutable, including ones built after the start', async () => {
    const r = await app.inject({ url: '/assets/app-abc123.js' })
    expect([r.statusCode, r.headers['cache-control']]).toEqual([200, 'public, max-age=31536000, immutable'])
    writeFileSync(join(dir, 'assets', 'app-def456.js'), 'console.log(2)')
    expect((await app.inject({ url: '/assets/app-def456.js' })).body).toBe('console.log(2)')
  })

  it('answers a missing file with 404, and an unknown API route with 401 to a caller without credentials', async () => {
    expect((await app.inject({ url: '/assets/gone.js' })).statusCode).toBe(404)
    const api = await app.inject({ url: '/api/nothing-here' })
    expect(api.statusCode).toBe(401)
  })

  it('never answers a path that means the API, in any spelling, with the page: 401 as for the API itself', async () => {
    for (const url of ['/API/users', '/%2561pi/users', '//api/users', '/Api', '/%2541%2550%2549/users']) {
      const r = await app.inject({ url })
      expect([url, r.statusCode, r.json().code, r.headers['cache-control']]).toEqual([
        url,
        401,
        'UNAUTHENTICATED',
        'no-store',
      ])
    }
  })

  it('serves the web app to anyone, the page and its files being its only public routes besides health and sign-in', async () => {
    const publicRoutes = app.routeTable.filter((r) => r.role === 'public').map((r) => `${r.method} ${r.url}`)
    expect(publicRoutes.sort()).toEqual([
      'GET /*',
      'GET /api/health',
      'HEAD /*',
      'HEAD /api/health',
      'POST /api/auth/login',
    ])
    expect((await app.inject({ url: '/' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'HEAD', url: '/assets/app-abc123.js' })).statusCode).toBe(200)
  })
})

describe('paths that climb out of a served folder', () => {
  let dir: string
  let db: TestDb
  let app: FastifyInstance
  let port: number
  let token: string
  /** Every line the server logged, parsed. */
  const logged: { level: number; msg?: string }[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Segmenta</title>')
    db = await createTestDb('sqlite')
    await addUser(db.kysely, { username: 'viewer', role: 'viewer', password: 'correct-horse-battery' })
    token = (await createToken(db.kysely, 'viewer')).token
    const stream = { write: (line: string) => logged.push(JSON.parse(line)) }
    app = await buildApp({ db, webRoot: dir, logger: { level: 'debug', stream } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    port = (app.server.address() as { port: number }).port
  })
  afterAll(async () => {
    await app.close()
    await db.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Over a real socket, as an attacker's client sends it: `inject` would resolve the dot segments first. */
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = ''
        res.on('data', (d) => {
          body += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }))
      })
      req.on('error', reject)
      req.end()
    })

  it('Given ../ in any encoding under the web app or the API docs, the answer is 404 problem+json, and nothing is logged as an error', async () => {
    const bearer = { authorization: `Bearer ${token}` }
    for (const [path, headers] of <[string, Record<string, string>][]>[
      ['/../../etc/passwd', {}],
      ['/%2e%2e/%2e%2e/etc/passwd', {}],
      ['/%2E%2E%2F%2E%2E%2Fpackage.json', {}],
      ['/assets/..%2f..%2fpackage.json', {}],
      ['/assets/../../package.json', {}],
      ['/assets/..%5c..%5cpackage.json', {}],
      ['/api/docs/static/../../package.json', bearer],
      ['/api/docs/static/..%2f..%2f..%2fpackage.json', bearer],
      ['/api/docs/static/%2e%2e/%2e%2e/package.json', bearer],
    ]) {
      const res = await get(path, headers)
      expect([path, res.status, res.type, JSON.parse(res.body).code]).toEqual([
        path,
        404,
        'application/problem+json; charset=utf-8',
        'NOT_FOUND',
      ])
    }
    expect(logged.filter((l) => l.level >= 50)).toEqual([])
  })

  it('Given a traversal into the API docs without credentials, the answer is 401 before any file is looked up', async () => {
    const res = await get('/api/docs/static/../../package.json')
    expect([res.status, JSON.parse(res.body).code]).toEqual([401, 'UNAUTHENTICATED'])
  })

  it('Given a path that is not valid percent-encoded UTF-8, the answer is 400 problem+json', async () => {
    for (const path of ['/%c0%ae%c0%ae/package.json', '/assets/%ZZ', '/api/%E0%A4%A']) {
      const res = await get(path)
      expect([path, res.status, res.type, JSON.parse(res.body).errors]).toEqual([
        path,
        400,
        'application/problem+json; charset=utf-8',
        [{ path: 'url', message: 'is not a valid percent-encoded UTF-8 path' }],
      ])
    }
    expect(logged.filter((l) => l.level >= 50)).toEqual([])
  })
})
