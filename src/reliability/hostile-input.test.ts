import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BODY_LIMIT, MAX_JSON_DEPTH } from '../api/app.js'
import type { Response, TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { deepJson, invalidBody, type JsonSchema, typedValue } from './hostile-fixtures.js'
import {
  addFuzzAdmin,
  concreteUrl,
  createSeededApp,
  fingerprint,
  isProblem,
  rawClient,
  writeRoutes,
} from './reliability-fixtures.js'

interface Target {
  method: string
  url: string
  pattern: string
  schema?: JsonSchema
}

/** The JSON body schema of a route, from the app's OpenAPI document. */
function bodySchema(doc: Record<string, any>, method: string, pattern: string): JsonSchema | undefined {
  const op = doc.paths?.[pattern.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]
  return op?.requestBody?.content?.['application/json']?.schema
}

const describeAnswer = (t: Target, body: string, res: Response) =>
  `${t.method} ${t.url} ${body.slice(0, 300)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`

describe.each(dialects)('Hostile request bodies on every write route on %s', (dialect) => {
  let t: TestApp
  let send: ReturnType<typeof rawClient>
  let targets: Target[]

  beforeAll(async () => {
    t = await createSeededApp(dialect)
    send = rawClient(t.app, { token: await addFuzzAdmin(t) })
    const doc = t.app.swagger() as Record<string, any>
    targets = []
    for (const r of writeRoutes(t))
      targets.push({
        method: r.method,
        pattern: r.url,
        url: await concreteUrl(t.admin, r.url),
        schema: bodySchema(doc, r.method, r.url),
      })
  }, 120_000)
  afterAll(() => t.close())

  // Sign-in attempts are counted by the sign-in throttle by design; everything else must stay as it was.
  const data = () => fingerprint(t.db, ['audit_log', 'sessions', 'api_tokens.last_used_at', 'sign_in_throttle'])
  const post = (target: Target, payload: string | Buffer, type = 'application/json') =>
    send({ method: target.method as 'POST', url: target.url, headers: { 'content-type': type }, payload })

  it('Given a body with an unknown field, a wrongly typed field, too deep a nesting or a wrong top-level type, every write route answers 4xx problem+json and changes nothing', async () => {
    const before = await data()
    const jsonTargets = targets.filter((x) => !x.pattern.endsWith('/import'))
    const seen = new Set<string>()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...jsonTargets).chain((x) => invalidBody(x.schema).map((body) => [x, body] as const)),
        async ([target, body]) => {
          seen.add(`${target.method} ${target.pattern}`)
          const res = await post(target, body)
          if (res.status < 400 || res.status >= 500 || !isProblem(res))
            throw new Error(describeAnswer(target, body, res))
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 10_000 },
    )
    // Every route, one by one, with a body of each kind the generator makes for it.
    for (const target of jsonTargets) {
      for (const body of fc.sample(invalidBody(target.schema), { numRuns: 3 })) {
        const res = await post(target, body)
        expect(res.status >= 400 && res.status < 500 && isProblem(res), describeAnswer(target, body, res)).toBe(true)
      }
    }
    expect(seen.size).toBeGreaterThan(jsonTargets.length / 2)
    expect(await data()).toEqual(before)
  }, 90_000)

  it('Given bytes that are not UTF-8, NUL characters, lone surrogates, prototype keys, or a body that is too large or not JSON, the answer is 4xx problem+json and nothing changes', async () => {
    const before = await data()
    const contact = targets.find((x) => x.method === 'POST' && x.pattern === '/api/contacts')!
    const add = targets.find((x) => x.pattern === '/api/segments/:no/add-contacts')!
    const cases: [Target, string | Buffer, string, number, string][] = [
      [
        contact,
        Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        'application/json',
        400,
        'body: is not valid UTF-8',
      ],
      [contact, Buffer.from('{"name":"\xc3\x28"}', 'latin1'), 'application/json', 400, 'body: is not valid UTF-8'],
      [
        contact,
        '{"type":"Company","name":"a\\u0000b"}',
        'application/json',
        400,
        'body.name: must not contain the NUL character',
      ],
      [
        contact,
        '{"type":"Company","name":"\\ud800x"}',
        'application/json',
        400,
        'body.name: is not valid Unicode text',
      ],
      [
        add,
        '{"filters":{"contact":{"name":"\\udfff"}}}',
        'application/json',
        400,
        'body.filters.contact.name: is not valid Unicode text',
      ],
      [contact, '{"__proto__":{"isAdmin":true},"type":"Company"}', 'application/json', 400, ''],
      [contact, '{"constructor":{"prototype":{"isAdmin":true}},"type":"Company"}', 'application/json', 400, ''],
      [
        add,
        `{"filters":${deepJson(MAX_JSON_DEPTH + 1)}}`,
        'application/json',
        400,
        `body: nests deeper than ${MAX_JSON_DEPTH} levels`,
      ],
      [
        add,
        `{"filters":${deepJson(100_000)}}`,
        'application/json',
        400,
        `body: nests deeper than ${MAX_JSON_DEPTH} levels`,
      ],
      [
        contact,
        `{"type":"Company","name":"${'x'.repeat(BODY_LIMIT)}"}`,
        'application/json',
        413,
        'The request body is too large.',
      ],
      [contact, '{"type":"Company","name":"x"', 'application/json', 400, ''],
      [contact, '', 'application/json', 400, ''],
      [contact, 'type=Company&name=x', 'application/x-www-form-urlencoded', 400, ''],
      [contact, '{"type":"Company","name":"x"}', 'text/plain', 400, ''],
      [
        contact,
        '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--',
        'multipart/form-data; boundary=b',
        400,
        '',
      ],
      [contact, '{"type":"Company","name":"x","no":1e400}', 'application/json', 400, ''],
    ]
    for (const [target, payload, type, status, detail] of cases) {
      const res = await post(target, payload, type)
      const what = `${target.pattern} ${String(payload).slice(0, 60)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`
      expect([res.status, isProblem(res)], what).toEqual([status, true])
      if (detail) expect(res.body.detail, what).toBe(detail)
    }
    // A NUL in the path or the query is refused before any route or filter sees it.
    for (const url of ['/api/contacts/CT%00001', '/api/contacts?filter[name]=a%00b', '/api/segments/SM%2500/lines']) {
      const res = await send({ method: 'GET', url })
      expect([url, res.status, isProblem(res)]).toEqual([url, url.includes('%2500') ? 404 : 400, true])
    }
    expect(await data()).toEqual(before)
  }, 60_000)

  it('Given random bytes that are not UTF-8 as a JSON body, every write route answers 400 problem+json', async () => {
    const before = await data()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets.filter((x) => !x.pattern.endsWith('/import'))),
        fc.uint8Array({ maxLength: 200 }),
        async (target, bytes) => {
          const payload = Buffer.concat([Buffer.from(bytes), Buffer.from([0xff])])
          const res = await post(target, payload)
          if (res.status !== 400 || !isProblem(res)) throw new Error(`${target.url} → ${res.status}`)
        },
      ),
      { numRuns: 100, interruptAfterTimeLimit: 10_000 },
    )
    expect(await data()).toEqual(before)
  }, 60_000)

  it('Given fields of the right types with SQL, HTML, filter and template metacharacters, odd Unicode and huge values, no route answers 500, and a refused request changes nothing', async () => {
    const withFields = targets.filter(
      (x) => Object.keys(x.schema?.properties ?? {}).length && !x.pattern.endsWith('/import'),
    )
    let state = await data()
    let ok = 0
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...withFields)
          .chain((x) => typedValue(x.schema!).map((body) => [x, JSON.stringify(body)] as const)),
        async ([target, body]) => {
          const res = await post(target, body)
          if (res.status >= 500 || (res.status >= 400 && !isProblem(res)))
            throw new Error(describeAnswer(target, body, res))
          const after = await data()
          if (res.status >= 400 && JSON.stringify(after) !== JSON.stringify(state))
            throw new Error(`refused but changed: ${describeAnswer(target, body, res)}`)
          if (res.status < 400) ok++
          state = after
        },
      ),
      { numRuns: 100, interruptAfterTimeLimit: 15_000 },
    )
    // Some hostile values are valid data (a name with quotes): they were stored, not refused.
    expect(ok).toBeGreaterThan(0)
  }, 90_000)

  it('stores SQL and HTML metacharacters as plain text and gives them back unchanged', async () => {
    const names = [
      "Robert'); DROP TABLE contacts;--",
      '<script>alert("x")</script> & Co',
      "' OR '1'='1",
      '50% off_*?|@..',
    ]
    for (const name of names) {
      const res = await send({
        method: 'POST',
        url: '/api/contacts',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ type: 'Company', name }),
      })
      expect(res.status).toBe(201)
      const got = await send({ method: 'GET', url: `/api/contacts/${res.body.no}` })
      expect(got.body.name).toBe(name)
      const found = await send({ method: 'GET', url: `/api/contacts?filter[no]=${res.body.no}` })
      expect(found.body.items.map((c: { name: string }) => c.name)).toEqual([name])
    }
  })
})
