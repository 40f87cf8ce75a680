import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
