import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteInfo } from '../api/app.js'
import type { Client, Response, TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { concreteUrl, createSeededApp, fingerprint, isProblem, writeRoutes } from './reliability-fixtures.js'

/** Write routes a viewer may call by design: they change no business data. */
const VIEWER_WRITES = ['POST /api/auth/logout', 'POST /api/segments/:no/preview']
/** Write routes anyone may call. */
const PUBLIC_WRITES = ['POST /api/auth/login']

const key = (r: RouteInfo) => `${r.method} ${r.url}`

/** Sends a write with an empty JSON object (a CSV for the import): refusal must come before the body matters. */
function send(c: Client, r: RouteInfo, url: string, headers: Record<string, string> = {}): Promise<Response> {
  const csv = url.endsWith('/import')
  return c.raw({
    method: r.method as 'POST',
    url,
    headers: { 'content-type': csv ? 'text/csv' : 'application/json', ...headers },
    payload: csv ? 'no,name\nX1,Mallory\n' : '{}',
  })
}

describe.each(dialects)('Every write route refuses callers without the role on %s', (dialect) => {
  let t: TestApp
  let routes: { route: RouteInfo; url: string }[]
  let before: Record<string, string>
  let viewerCookie: string

  beforeAll(async () => {
    t = await createSeededApp(dialect)
    routes = []
    for (const route of writeRoutes(t)) routes.push({ route, url: await concreteUrl(t.admin, route.url) })
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: 'correct-horse-battery' },
    })
    viewerCookie = login.cookies.find((c) => c.name === 'segmenta_session')!.value
    before = await fingerprint(t.db)
  })
  afterAll(() => t.close())

  it('knows every write route of the app, and which few a viewer or anyone may call', () => {
    // The route table is the app's own: a new write route is covered here without being listed.
    expect(routes.length).toBeGreaterThanOrEqual(70)
    expect(routes.filter(({ route }) => route.role === 'public').map(({ route }) => key(route))).toEqual(PUBLIC_WRITES)
    expect(
      routes
        .filter(({ route }) => route.role === 'viewer')
        .map(({ route }) => key(route))
        .sort(),
    ).toEqual(VIEWER_WRITES)
  })

  it('Given no credentials, every write route answers 401 problem+json', async () => {
    const wrong: string[] = []
    for (const { route, url } of routes) {
      if (route.role === 'public') continue
      const res = await send(t.anonymous, route, url)
      if (res.status !== 401 || !isProblem(res) || res.body.code !== 'UNAUTHENTICATED')
        wrong.push(`${key(route)} → ${res.status}`)
    }
    expect(wrong).toEqual([])
  })

  it('Given a viewer token or a viewer session, every write route but sign-out and preview answers 403', async () => {
    const wrong: string[] = []
    for (const { route, url } of routes) {
      if (route.role === 'public' || route.role === 'viewer') continue
      for (const res of [
        await send(t.viewer, route, url),
        await send(t.anonymous, route, url, { cookie: `segmenta_session=${viewerCookie}` }),
      ])
        if (res.status !== 403 || !isProblem(res) || res.body.code !== 'FORBIDDEN')
          wrong.push(`${key(route)} → ${res.status} ${res.body?.detail ?? ''}`)
    }
    expect(wrong).toEqual([])
  })

  it('Given a marketer, every admin route answers 403', async () => {
    const admin = routes.filter(({ route }) => route.role === 'admin')
    expect(admin.map(({ route }) => key(route))).toEqual(
      expect.arrayContaining(['POST /api/users', 'DELETE /api/tokens/:id', 'PATCH /api/setup/marketing']),
    )
    for (const { route, url } of admin) {
      const res = await send(t.marketer, route, url)
      expect([key(route), res.status, res.body.code]).toEqual([key(route), 403, 'FORBIDDEN'])
    }
  })

  it('Then no refused request changed anything', async () => {
    expect(await fingerprint(t.db)).toEqual(before)
  })
})
