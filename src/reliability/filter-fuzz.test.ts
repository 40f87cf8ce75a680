import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileFilter, type FieldType, FilterError, isEmptyFilter, parseFilter } from '../filters/index.js'
import { BLOCKS } from '../segments/engine/index.js'
import type { TestApp } from '../test-support/app.js'
import { dialects } from '../test-support/databases.js'
import { CLASSIC_ATTACKS } from './hostile-fixtures.js'
import { createSeededApp, fingerprint, isProblem } from './reliability-fixtures.js'

/** Names every JavaScript object answers to: a lookup table keyed by user input must not. */
const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']

/** Values that sit on the edges of every field type: bad dates, huge numbers, captions, quotes, wildcards. */
const atom = fc.oneof(
  fc.constantFrom(
    '2026-03-15',
    '2026-02-29',
    '2026-13-01',
    '0000-01-01',
    '0099-12-31',
    '9999-12-31',
    '99999-01-01',
    'TODAY',
    '1',
    '-1',
    '1.5',
    '-0',
    '1e400',
    '9'.repeat(400),
    '9007199254740993',
    'true',
    'No',
    'Company',
    'Person',
    'Email',
    'Hard Copy',
    'CT000001',
    'RETAIL',
    "''",
    "'a|b..c'",
    "'it''s'",
    'Müller',
    'ÉCOLE',
    '*',
    '?',
    '%',
    '_',
    '\\',
    '[',
    ']',
  ),
  fc.constantFrom(...CLASSIC_ATTACKS, ...PROTOTYPE_NAMES),
  fc.string({ maxLength: 8 }),
)

const op = fc.constantFrom('', '', '<>', '<', '<=', '>', '>=', '@', '@<>')

/** BC filter expressions, mostly well formed, nested with `|`, `&`, `..` and parentheses. */
const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string; term: string }>((tie) => ({
  term: fc.oneof(
    { weight: 5, arbitrary: fc.tuple(op, atom).map(([o, a]) => `${o}${a}`) },
    { weight: 2, arbitrary: fc.tuple(atom, atom).map(([a, b]) => `${a}..${b}`) },
    { weight: 1, arbitrary: atom.map((a) => `${a}..`) },
    { weight: 1, arbitrary: atom.map((a) => `..${a}`) },
    { weight: 2, arbitrary: fc.tuple(atom, atom).map(([a, b]) => `${a}*${b}?`) },
    { weight: 1, arbitrary: tie('expr').map((e) => `(${e})`) },
  ),
  expr: fc.oneof(
    { weight: 4, arbitrary: tie('term') },
    { weight: 1, arbitrary: fc.tuple(tie('term'), tie('expr')).map(([a, b]) => `${a}|${b}`) },
    { weight: 1, arbitrary: fc.tuple(tie('term'), tie('expr')).map(([a, b]) => `${a}&${b}`) },
  ),
})).expr

/** Expressions and plain noise: most of the grammar's corners, and anything a user could paste. */
const anyFilter = fc.oneof(
  { weight: 3, arbitrary: expression },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('(', ')', '|', '&', '..', '<>', '@', "'", '*', '?', 'a', '1', ' '), { maxLength: 30 })
      .map((a) => a.join('')),
  },
)

const TYPES: FieldType[] = ['text', 'code', 'number', 'integer', 'date', 'boolean', 'option']

describe('The filter parser and compiler on any input', () => {
  it('either read an expression or throw a FilterError with a position inside it, nothing else', () => {
    fc.assert(
      fc.property(
        anyFilter,
        fc.constantFrom(...TYPES),
        fc.constantFrom('sqlite', 'postgres'),
        (expr, type, dialect) => {
          if (isEmptyFilter(expr)) return
          try {
            parseFilter(expr)
            compileFilter(expr, { type, column: 't.c', options: ['', 'Company', 'Person'] }, dialect as 'sqlite')
          } catch (e) {
            if (!(e instanceof FilterError)) throw e
            expect(e.position).toBeGreaterThanOrEqual(0)
            expect(e.position).toBeLessThanOrEqual(expr.length)
          }
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('refuses pathological nesting with a FilterError instead of overflowing the stack', () => {
    expect(() => parseFilter(`${'('.repeat(20_000)}a${')'.repeat(20_000)}`)).toThrow(
      'More than 100 nested parentheses at position 100',
    )
    expect(() => parseFilter('('.repeat(50_000))).toThrow(FilterError)
    expect(parseFilter(`${'('.repeat(100)}a${')'.repeat(100)}`)).toMatchObject({ kind: 'equals' })
    // A flat list is not deep for the parser, but past 1,000 values it is refused where the 1,001st starts.
    expect(parseFilter('a|'.repeat(1000).slice(0, -1))).toMatchObject({ kind: 'or' })
    expect(() => parseFilter('a|'.repeat(50_000).slice(0, -1))).toThrow(
      'More than 1000 values in one filter at position 2000',
    )
  })
})

describe.each(dialects)('Lists and criteria with random filters on %s', (dialect) => {
  let t: TestApp
  let lists: { url: string; fields: string[] }[]

  beforeAll(async () => {
    t = await createSeededApp(dialect)
    lists = []
    // Every list of the app (a GET answering {items}) and the fields of its items.
    for (const r of t.app.routeTable) {
      if (r.method !== 'GET' || !r.url.startsWith('/api/') || r.url.includes(':')) continue
      const res = await t.admin.get(`${r.url}?limit=1`)
      if (res.status !== 200 || !Array.isArray(res.body?.items) || !res.body.items.length) continue
      lists.push({ url: r.url, fields: Object.keys(res.body.items[0]) })
    }
  }, 120_000)
  afterAll(() => t.close())

  it('answers every list filtered by any expression on any field with 200 or 400 problem+json, never 500', async () => {
    expect(lists.map((l) => l.url)).toEqual(expect.arrayContaining(['/api/contacts', '/api/interaction-log-entries']))
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...lists)
          .chain((l) =>
            fc.tuple(
              fc.constant(l.url),
              fc.constantFrom(...l.fields, ...PROTOTYPE_NAMES),
              fc.constantFrom(...l.fields, ...PROTOTYPE_NAMES),
            ),
          ),
        anyFilter,
        fc.boolean(),
        async ([url, field, sortField], expr, desc) => {
          const query = `filter[${encodeURIComponent(field)}]=${encodeURIComponent(expr)}&sort=${desc ? '-' : ''}${sortField}&limit=5`
          const res = await t.admin.get(`${url}?${query}`)
          if (!(res.status === 200 || (res.status === 400 && isProblem(res))))
            throw new Error(`${url}?${query} → ${res.status} ${JSON.stringify(res.body)}`)
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 20_000 },
    )
  }, 60_000)

  it('filters a timestamp as the ISO 8601 text the API shows, patterns and ranges alike', async () => {
    const all = (await t.admin.get('/api/users')).body
    const year = all.items[0].createdAt.slice(0, 4)
    for (const [expr, expected] of [
      [`${year}*`, all.total],
      ['*T*Z', all.total],
      ['<>*Z', 0],
      [`${year}-01-01..`, all.total],
      [`..${year}-01-01`, 0],
      ['@*t*z', all.total],
    ] as const) {
      const res = await t.admin.get(`/api/users?filter[createdAt]=${encodeURIComponent(expr)}`)
      expect([expr, res.status, res.body.total]).toEqual([expr, 200, expected])
    }
  })

  it('previews any criteria step with 200 or 400 problem+json, never 500, and writes nothing', async () => {
    const before = await fingerprint(t.db)
    const blockField = fc.constantFrom(
      ...Object.entries(BLOCKS).flatMap(([block, def]) => Object.keys(def.fields).map((f) => [block, f] as const)),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(blockField, anyFilter), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('add', 'reduce', 'refine'),
        fc.boolean(),
        async (conditions, action, flag) => {
          const filters: Record<string, Record<string, string>> = {}
          for (const [[block, field], expr] of conditions) filters[block] = { ...filters[block], [field]: expr }
          const body = {
            action,
            filters,
            ...(action === 'add' ? { expandCompanies: flag } : { entireCompanies: flag }),
          }
          const res = await t.viewer.post('/api/segments/SM00005/preview', body)
          if (!(res.status === 200 || (res.status === 400 && isProblem(res))))
            throw new Error(`${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`)
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 20_000 },
    )
    expect(await fingerprint(t.db)).toEqual(before)
  }, 60_000)
})
